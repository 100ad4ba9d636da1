'use server';
// The server actions of the sign-in and setup pages. These two are the only actions that run
// without a session (they make one); every other action calls requireSession() first. Cross-site
// posts never reach them: proxy.ts refuses another site's Origin, and Next checks it again for
// every action.
import * as grpc from '@grpc/grpc-js';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { CreateAdminRequest, SignInRequest } from '../../proto/gen/homeplane/v1/auth.ts';
import { clientAddress, SESSION_COOKIE, sessionCookieOptions } from './auth-cookie.ts';
import type { AuthAlert, SetupField, SetupState, SignInState } from './auth-forms.ts';
import { safeNextPath, signInPath } from './auth-next.ts';
import { BackendError, call } from './backend.ts';

/** The daemon's trailers (server/grpc/status.ts). */
const RETRY_AFTER_KEY = 'homeplane-retry-after-seconds';
const INVALID_FIELD_KEY = 'homeplane-invalid-field';

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** A failed SignIn as the form's alert. */
function signInAlert(err: BackendError): AuthAlert {
  switch (err.code) {
    case grpc.status.UNAUTHENTICATED:
      return { kind: 'incorrect', message: 'Check both and try again.' };
    case grpc.status.RESOURCE_EXHAUSTED: {
      const retry = Number(err.metadata?.get(RETRY_AFTER_KEY)[0]);
      return { kind: 'rate-limited', message: err.details, retryAfterSeconds: Number.isFinite(retry) ? retry : null };
    }
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return { kind: 'unreachable', message: `${err.message}. Start it (npm start) and sign in again.` };
    default:
      return { kind: 'failed', message: err.message };
  }
}

/** SignIn, then the session cookie; null when it worked, else the alert to show. */
async function openSession(username: string, password: string): Promise<AuthAlert | null> {
  const request = await headers();
  let token: string;
  try {
    ({ sessionToken: token } = await call(
      (c) => c.auth.signIn.bind(c.auth),
      SignInRequest.fromPartial({
        username,
        password,
        clientAddress: clientAddress(request.get('x-forwarded-for')),
      }),
    ));
  } catch (err) {
    if (err instanceof BackendError) return signInAlert(err);
    throw err;
  }
  (await cookies()).set(
    SESSION_COOKIE,
    token,
    sessionCookieOptions({ forwardedProto: request.get('x-forwarded-proto'), origin: request.get('origin') }),
  );
  return null;
}

/** The sign-in form: a session and the page the visitor first wanted, or the form again with why not. */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const username = text(form, 'username').trim();
  const password = text(form, 'password');
  if (username === '' || password === '') {
    return { username, alert: { kind: 'failed', message: 'Enter both your username and your password.' } };
  }
  const alert = await openSession(username, password);
  if (alert !== null) return { username, alert };
  redirect(safeNextPath(text(form, 'next')));
}

/** The daemon's "username: must be ..." as the words shown at the field. */
function fieldError(err: BackendError): { field: SetupField; message: string } | null {
  const named = err.metadata?.get(INVALID_FIELD_KEY)[0];
  const field = typeof named === 'string' ? named : (err.details.split(':')[0] ?? '');
  if (field !== 'username' && field !== 'password') return null;
  const reason = err.details.startsWith(`${field}: `) ? err.details.slice(field.length + 2) : err.details;
  return { field, message: `${field === 'username' ? 'The username' : 'The password'} ${reason}.` };
}

/** First-run setup: creates the admin, then signs them in. Once an admin exists, it is the sign-in page's job. */
export async function setUp(_previous: SetupState, form: FormData): Promise<SetupState> {
  const username = text(form, 'username').trim();
  const password = text(form, 'password');
  const next = safeNextPath(text(form, 'next'));
  const fieldErrors: SetupState['fieldErrors'] = {};
  if (username === '') fieldErrors.username = 'Choose a username, for example "admin".';
  if (password === '') fieldErrors.password = 'Choose a password.';
  if (text(form, 'confirm') !== password)
    fieldErrors.confirm = 'The two passwords do not match; type the same one twice.';
  if (Object.keys(fieldErrors).length > 0) return { username, fieldErrors, alert: null };

  try {
    await call((c) => c.auth.createAdmin.bind(c.auth), CreateAdminRequest.fromPartial({ username, password }));
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    // Someone finished setup first (another tab, or the environment's admin at a restart).
    if (err.code === grpc.status.FAILED_PRECONDITION) redirect(signInPath(next));
    const invalid = err.code === grpc.status.INVALID_ARGUMENT ? fieldError(err) : null;
    if (invalid !== null) return { username, fieldErrors: { [invalid.field]: invalid.message }, alert: null };
    return { username, fieldErrors: {}, alert: signInAlert(err) };
  }
  const alert = await openSession(username, password);
  if (alert !== null) return { username, fieldErrors: {}, alert };
  redirect(next);
}
