// The dashboard session: the token SignIn returned, kept in an httpOnly cookie, checked with the
// daemon (AuthService.CheckSession) on every page, server action and route (design.md, Dashboard
// access). The dashboard keeps no session state of its own. proxy.ts only turns away requests
// without the cookie; this is the check that counts.
import 'server-only';
import * as grpc from '@grpc/grpc-js';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { CheckSessionRequest } from '../../proto/gen/homeplane/v1/auth.ts';
import { SESSION_COOKIE } from './auth-cookie.ts';
import { REQUESTED_PATH_HEADER, signInPath } from './auth-next.ts';
import { BackendError, call, isTokenRefusal } from './backend.ts';

export { SESSION_COOKIE };

export interface DashboardSession {
  id: string;
  username: string;
  /** When the session ends unless used again, epoch milliseconds. */
  expiresAt: number;
}

/** The session token of this request's cookie, or "" when there is none. */
export async function sessionToken(): Promise<string> {
  return (await cookies()).get(SESSION_COOKIE)?.value ?? '';
}

/**
 * The signed-in session of this request, or null when there is none (no cookie, or the daemon
 * does not know the token: unknown, expired or revoked). Checked once per request (React cache).
 * A daemon that cannot be reached is an error (BackendError), not "signed out".
 */
export const currentSession = cache(async (): Promise<DashboardSession | null> => sessionOfToken(await sessionToken()));

/** The session `token` belongs to, or null when the daemon does not know it (see currentSession). */
export async function sessionOfToken(token: string): Promise<DashboardSession | null> {
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
}

/**
 * For pages and server actions: the session, or a redirect to the sign-in page, which brings the
 * visitor back to the page they asked for (the path proxy.ts recorded) once signed in. While the
 * daemon cannot be reached the session cannot be checked, so nothing is shown either: the sign-in
 * page says the daemon is away, asks again every few seconds, and sends a visitor whose session
 * still holds straight back.
 */
export async function requireSession(): Promise<DashboardSession> {
  let session: DashboardSession | null;
  try {
    session = await currentSession();
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    session = null;
  }
  if (session === null) redirect(signInPath((await headers()).get(REQUESTED_PATH_HEADER) ?? ''));
  return session;
}
