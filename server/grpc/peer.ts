// Who a call comes from, for the per-peer Watch limit: the remote IP address of a TCP
// connection, its port dropped (one host's connections are one peer), or one peer for every
// unix-socket client (they share the machine, and a unix socket has no remote address).
import { isIP } from 'node:net';

/** The peer of every unix-socket client (and of any connection without a remote address). */
export const LOCAL_SOCKET_PEER = 'unix socket';

/** IPv4 in IPv6 (RFC 4291 2.5.5.2), as a dual-stack listener reports IPv4 clients. */
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * The peer of a grpc-js call from its getPeer(): "address:port" (IPv6 without brackets), the
 * address alone when there is no port, or "unknown" when the socket has no remote address.
 */
export function peerOf(getPeer: string): string {
  let address = getPeer;
  if (isIP(address) === 0) {
    const colon = address.lastIndexOf(':');
    if (colon > 0 && /^\d+$/.test(address.slice(colon + 1))) address = address.slice(0, colon);
  }
  if (isIP(address) === 0) return LOCAL_SOCKET_PEER;
  return MAPPED_IPV4.exec(address)?.[1] ?? address.toLowerCase();
}
