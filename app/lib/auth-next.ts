// Where a visitor goes after signing in: the page they first asked for, carried through the
// sign-in and setup pages as `?next=`. Only a path on this dashboard is accepted, never a URL that
// leaves it (an open redirect would let a phishing link bounce through the real sign-in page).

/** The request header proxy.ts sets to the path the visitor asked for, for the sign-in redirect. */
export const REQUESTED_PATH_HEADER = 'x-homeplane-requested-path';

/** Where to go when `next` is missing or refused. */
export const DEFAULT_NEXT = '/';

/**
 * `raw` when it is a same-site relative path ("/leases?state=active"), else "/". Refused: absolute
 * URLs ("https://x", "javascript:"), network-path references ("//x"), and anything a browser might
 * read as one: a backslash ("/\x" is "//x" to WHATWG URL parsing), control characters or spaces
 * (stripped by browsers before parsing), and the sign-in pages themselves (a loop).
 */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== 'string' || raw === '') return DEFAULT_NEXT;
  if (!raw.startsWith('/') || raw.startsWith('//')) return DEFAULT_NEXT;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u0020\u007f]/.test(raw)) return DEFAULT_NEXT;
  // Resolving against a throwaway origin must keep that origin and give back the same path.
  let url: URL;
  try {
    url = new URL(raw, 'http://next.invalid');
  } catch {
    return DEFAULT_NEXT;
  }
  if (url.origin !== 'http://next.invalid') return DEFAULT_NEXT;
  if (isAuthPage(url.pathname)) return DEFAULT_NEXT;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The pages a visitor without a session may open. */
export function isAuthPage(pathname: string): boolean {
  return pathname === '/sign-in' || pathname === '/setup';
}

/** "/sign-in", with `?next=` when the visitor wanted a page other than the default. */
export function signInPath(next: string, page: '/sign-in' | '/setup' = '/sign-in'): string {
  const target = safeNextPath(next);
  return target === DEFAULT_NEXT ? page : `${page}?next=${encodeURIComponent(target)}`;
}
