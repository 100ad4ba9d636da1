// The dashboard session: the token SignIn returned, kept in an httpOnly cookie, checked with the
// daemon (AuthService.CheckSession) on every page, server action and route (design.md, Dashboard
// access). The dashboard keeps no session state of its own.
import 'server-only';
import * as grpc from '@grpc/grpc-js';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { CheckSessionRequest } from '../../proto/gen/homeplane/v1/auth.ts';
import { BackendError, call, isTokenRefusal } from './backend.ts';

/** The cookie holding the session token. */
export const SESSION_COOKIE = 'homeplane_session';

export interface DashboardSession {
  id: string;
  username: string;
  /** When the session ends unless used again, epoch milliseconds. */
  expiresAt: number;
}

/**
 * The signed-in session of this request, or null when there is none (no cookie, or the daemon
 * does not know the token). Checked once per request (React cache). A daemon that cannot be
 * reached is an error (BackendError), not "signed out".
 */
export const currentSession = cache(async (): Promise<DashboardSession | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value ?? '';
  if (token === '') return null;
  try {
    const { session } = await call(
      (c) => c.auth.checkSession.bind(c.auth),
      CheckSessionRequest.fromPartial({ sessionToken: token }),
    );
    if (session === undefined) return null;
    return { id: session.id, username: session.username, expiresAt: session.expireTime?.getTime() ?? 0 };
  } catch (err) {
    if (err instanceof BackendError && err.code === grpc.status.UNAUTHENTICATED && !isTokenRefusal(err.details))
      return null;
    throw err;
  }
});

/** For pages and server actions: the session, or a redirect to the sign-in page. */
export async function requireSession(): Promise<DashboardSession> {
  const session = await currentSession();
  if (session === null) redirect('/sign-in');
  return session;
}
