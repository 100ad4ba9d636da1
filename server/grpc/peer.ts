// Who a call comes from, for the per-peer Watch limit: the remote IP address of a TCP
// connection, its port dropped (one host's connections are one peer), or one peer for every
// unix-socket client (they share the machine, and a unix socket has no remote address).
import { isIP } from 'node:net';

/** The peer of every unix-socket client (and of any connection without a remote address). */
export const LOCAL_SOCKET_PEER = 'unix socket';

/** IPv4 in IPv6 (RFC 4291 2.5.5.2), as a dual-stack listener reports IPv4 clients. */
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * The peer of a grpc-js call from its getPeer(): "address:port" for TCP (IPv6 without brackets,
 * so "2001:db8::7:443" is address 2001:db8::7 and port 443: grpc-js always adds the port of a
 * TCP socket, so a trailing ":digits" is taken for it), or "unknown" when the socket has no
 * remote address (a unix socket).
 */
export function peerOf(getPeer: string): string {
  const port = /:\d+$/.exec(getPeer);
  const withoutPort = port === null ? '' : getPeer.slice(0, port.index);
  const address = isIP(withoutPort) !== 0 ? withoutPort : getPeer;
  if (isIP(address) === 0) return LOCAL_SOCKET_PEER;
  return MAPPED_IPV4.exec(address)?.[1] ?? address.toLowerCase();
}
