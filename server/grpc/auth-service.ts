// homeplane.v1.AuthService on the accounts domain (server/auth/accounts.ts).
import type { Accounts, Session } from '../auth/accounts.ts';
import type { Logger } from '../ports.ts';
import type { AuthServiceServer, Session as SessionProto } from '../../proto/gen/homeplane/v1/auth.ts';
import { unary } from './status.ts';

function sessionToProto(session: Session): SessionProto {
  return {
    id: session.id,
    username: session.username,
    createdTime: new Date(session.createdAt),
    expireTime: new Date(session.expiresAt),
    clientAddress: session.clientAddress,
  };
}

export function authService(accounts: Accounts, logger: Logger): AuthServiceServer {
  return {
    getSetupState: unary('GetSetupState', logger, () => ({ adminExists: accounts.adminExists() })),
    createAdmin: unary('CreateAdmin', logger, async (request) => {
      await accounts.createAdmin(request.username, request.password);
      return {};
    }),
    signIn: unary('SignIn', logger, async (request) => {
      const { token, session } = await accounts.signIn(request.username, request.password, request.clientAddress);
      return { sessionToken: token, session: sessionToProto(session) };
    }),
    checkSession: unary('CheckSession', logger, (request) => ({
      session: sessionToProto(accounts.checkSession(request.sessionToken)),
    })),
    signOut: unary('SignOut', logger, (request) => {
      accounts.signOut(request.sessionToken);
      return {};
    }),
    listSessions: unary('ListSessions', logger, () => ({ sessions: accounts.listSessions().map(sessionToProto) })),
    revokeSession: unary('RevokeSession', logger, (request) => {
      accounts.revokeSession(request.id);
      return {};
    }),
  };
}
