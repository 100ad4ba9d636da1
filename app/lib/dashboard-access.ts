// Which requests the dashboard answers at all (design.md, "Dashboard access"): a pure decision
// over three request headers, applied to every path by proxy.ts before anything else runs.
//
// Host: a page that DNS-rebinds its own name to 127.0.0.1 is same-origin with the dashboard as
// far as the browser knows, so only the Host header tells it apart. The dashboard answers only
// the names it listens on (loopback) and the ones a reverse proxy forwards (dashboard.allowedHosts);
// any other gets 421 Misdirected Request (RFC 9110 15.5.20: "not able to produce a response for
// this combination of scheme and authority"), never a redirect.
// Origin and Sec-Fetch-Site: a request another site's page makes (a form post, a fetch, an
// EventSource) is refused with 403, whatever its method (Fetch Metadata, W3C; the Origin header,
// RFC 6454 7). Browsers send Origin on every cross-origin request and on same-origin ones that
// are not GET/HEAD, so a missing Origin is not a reason to refuse.

/** Names a loopback listener is reached by; always allowed. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The config key (server/config/schema.ts) that adds names; users read it in the refusals. */
export const ALLOWED_HOSTS_KEY = 'dashboard.allowedHosts';

/** A DNS name, an IPv4 address or a bracketed IPv6 one, lower case (the config's own rule). */
const HOST_NAME = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/;
/** A Host header (RFC 9110 7.2): the name and an optional port, nothing else (no userinfo). */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/;

export function isHostName(text: string): boolean {
  return HOST_NAME.test(text);
}

/** The request headers the decision reads; null when absent. */
export interface AccessRequest {
  host: string | null;
  origin: string | null;
  secFetchSite: string | null;
}

export type AccessDecision = { verdict: 'allowed' } | { verdict: 'refused'; status: 421 | 403; message: string };

/**
 * Whether the dashboard answers `request`. `allowedHosts` are the names besides loopback
 * (lower case, no port). The Host check comes first: a foreign name is refused whatever else
 * the request carries.
 */
export function checkAccess(request: AccessRequest, allowedHosts: readonly string[]): AccessDecision {
  const allowed = (name: string | null): boolean =>
    name !== null && (LOOPBACK_HOSTS.includes(name) || allowedHosts.includes(name));

  if (!allowed(hostNameOfHeader(request.host))) return refused(421, misdirected(request.host));
  if (request.origin !== null && !allowed(hostNameOfOrigin(request.origin))) {
    return refused(403, crossSite(`its Origin is ${quoted(request.origin)}`));
  }
  if (request.secFetchSite?.trim().toLowerCase() === 'cross-site') {
    return refused(403, crossSite('the browser marked it Sec-Fetch-Site: cross-site'));
  }
  return { verdict: 'allowed' };
}

/** The name part of a Host header, lower case, port aside; null when it is not a plain host[:port]. */
export function hostNameOfHeader(host: string | null): string | null {
  const text = host?.trim().toLowerCase() ?? '';
  const match = HOST_HEADER.exec(text);
  if (match === null || !isHostName(match[1]!)) return null;
  return match[1]!;
}

/** The host name of an Origin header ("https://name:port"), lower case; null for "null" or junk. */
export function hostNameOfOrigin(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // WHATWG URL lower-cases the name and keeps IPv6 brackets, as the allowed names are written.
  return isHostName(url.hostname) ? url.hostname : null;
}

function refused(status: 421 | 403, message: string): AccessDecision {
  return { verdict: 'refused', status, message };
}

function misdirected(host: string | null): string {
  const what = host === null || host.trim() === '' ? 'a request without a Host header' : `Host ${quoted(host)}`;
  return (
    `Homeplane dashboard: refused ${what}.\n` +
    `It answers only to ${LOOPBACK_HOSTS.join(', ')} and the names listed in ${ALLOWED_HOSTS_KEY}.\n` +
    `To reach it under another name (a reverse proxy's), add that name to ${ALLOWED_HOSTS_KEY} in the config and restart.\n`
  );
}

function crossSite(why: string): string {
  return (
    `Homeplane dashboard: refused a cross-site request: ${why}.\n` +
    `It answers only requests from its own pages; open it directly (type or bookmark its address).\n` +
    `If a reverse proxy serves it under another name, add that name to ${ALLOWED_HOSTS_KEY} in the config.\n`
  );
}

/** Header text echoed into a plain-text body: visible characters only, bounded. */
function quoted(text: string): string {
  const visible = text.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(visible.length > 100 ? `${visible.slice(0, 100)}...` : visible);
}
