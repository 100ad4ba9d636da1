// The session cookie's name and flags, and what a request says about how it reached us. Pure, so
// the rules are unit-tested (auth-cookie.test.ts); session.ts, the auth actions and proxy.ts use it.

/** The cookie holding the session token SignIn returned. */
export const SESSION_COOKIE = 'homeplane_session';

/**
 * How long the browser keeps the cookie: the daemon's sliding session lifetime (7 days,
 * server/auth/accounts.ts). The daemon decides whether a session is alive; proxy.ts re-sends the
 * cookie on page loads so an active session does not lose its cookie on day 7.
 */
export const SESSION_COOKIE_MAX_AGE_S = 7 * 24 * 60 * 60;

export interface CookieOptions {
  httpOnly: true;
  sameSite: 'lax';
  path: '/';
  secure: boolean;
  maxAge: number;
}

/** What a request says about the scheme the browser used. */
export interface RequestScheme {
  /** X-Forwarded-Proto: a reverse proxy's, or the one `next start` sets itself from the socket. */
  forwardedProto: string | null;
  /** Origin (browsers send it on every POST, so on each server action). */
  origin: string | null;
}

/**
 * Whether the browser reached the dashboard over https. Either header is enough: both only ever
 * add the Secure flag, and a forged "https" costs the forger alone (their browser then keeps the
 * cookie off plain http), so trusting them is safe in the one direction it matters.
 */
export function cameOverHttps({ forwardedProto, origin }: RequestScheme): boolean {
  const first = forwardedProto?.split(',')[0]?.trim().toLowerCase();
  if (first === 'https') return true;
  return origin?.toLowerCase().startsWith('https://') ?? false;
}

/** The session cookie's flags: httpOnly (no script reads it), SameSite=Lax, the whole site, Secure over https. */
export function sessionCookieOptions(scheme: RequestScheme): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: cameOverHttps(scheme),
    maxAge: SESSION_COOKIE_MAX_AGE_S,
  };
}

/** The same cookie, expired: what signing out sends. */
export function clearedCookieOptions(scheme: RequestScheme): CookieOptions {
  return { ...sessionCookieOptions(scheme), maxAge: 0 };
}

/**
 * The browser's address for SignIn's per-address rate limit. `next start` fills X-Forwarded-For
 * with the socket's address when the request has none (node_modules/next base-server.js, `??=`);
 * a reverse proxy that appends (nginx's $proxy_add_x_forwarded_for) puts the address it saw last.
 * So the last entry is the nearest hop's view. A client talking to the dashboard directly can send
 * its own header and pick its bucket; the per-user limit holds regardless, and App Router gives an
 * action no other way to read the socket.
 */
export function clientAddress(forwardedFor: string | null): string {
  const last = forwardedFor?.split(',').at(-1)?.trim() ?? '';
  // Only something that looks like an address (IPv4, IPv6, an IPv4-mapped IPv6) goes to the daemon.
  return /^[0-9a-fA-F:.]{2,45}$/.test(last) ? last.replace(/^::ffff:(?=\d+\.)/, '') : '';
}
