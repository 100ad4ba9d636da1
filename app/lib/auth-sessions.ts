'use server';
// Server actions that end sessions: signing out (this browser's session) and revoking one from
// the settings page (any session, this one included). Each checks the session first; the daemon
// refuses an ended session on its next request, whichever browser holds it.
import * as grpc from '@grpc/grpc-js';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { RevokeSessionRequest, SignOutRequest } from '../../proto/gen/homeplane/v1/auth.ts';
import { clearedCookieOptions, SESSION_COOKIE } from './auth-cookie.ts';
import { BackendError, call } from './backend.ts';
import { currentSession, requireSession, sessionToken } from './session.ts';

async function clearSessionCookie(): Promise<void> {
  const request = await headers();
  (await cookies()).set(
    SESSION_COOKIE,
    '',
    clearedCookieOptions({ forwardedProto: request.get('x-forwarded-proto'), origin: request.get('origin') }),
  );
}

/**
 * Ends this browser's session in the daemon and drops the cookie, then shows the sign-in page.
 * Without a live session there is nothing to end but the cookie. With the daemon away the cookie
 * still goes (the session then ends at its expiry, or by a revoke from the settings page).
 */
export async function signOut(): Promise<never> {
  try {
    if ((await currentSession()) !== null) {
      await call(
        (c) => c.auth.signOut.bind(c.auth),
        SignOutRequest.fromPartial({ sessionToken: await sessionToken() }),
      );
    }
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
  }
  await clearSessionCookie();
  redirect('/sign-in');
}

export interface RevokeState {
  /** Why the last revoke failed, in words; null when it did not. */
  error: string | null;
}

/** Ends the session whose id the form names. Revoking this browser's own session signs it out. */
export async function revokeSession(_previous: RevokeState, form: FormData): Promise<RevokeState> {
  const session = await requireSession();
  const id = form.get('id');
  if (typeof id !== 'string' || id === '') return { error: 'No session was named; reload the page and try again.' };
  try {
    await call((c) => c.auth.revokeSession.bind(c.auth), RevokeSessionRequest.fromPartial({ id }));
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    // Already gone (expired, or revoked from another tab): the list is simply out of date.
    if (err.code !== grpc.status.NOT_FOUND) return { error: err.message };
  }
  if (id === session.id) {
    await clearSessionCookie();
    redirect('/sign-in');
  }
  revalidatePath('/settings');
  return { error: null };
}
