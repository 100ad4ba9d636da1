// The grpc-js server's transport limits: what a client may make the daemon read and hold before
// any handler (or the token check) has a say.
import type * as grpc from '@grpc/grpc-js';

/**
 * The largest request message the server reads; a larger one ends its call with
 * RESOURCE_EXHAUSTED as soon as its length prefix arrives (grpc-js checks the prefix before
 * buffering). The API's largest requests (proto/homeplane/v1) are a few KiB: a Reservation (a
 * host name of at most 255 bytes, RFC 2132 3.14; a client id of at most 255 bytes as hex, option
 * 61), a Watch's list of kinds, console input (at most 4,096 bytes, vm.proto) and a kernel command
 * line (Linux's COMMAND_LINE_SIZE is 2,048 bytes on x86, 4,096 at most). 64 KiB leaves room for
 * any of them many times over; grpc-js's default (4 MiB) let an unauthenticated health call hand
 * the daemon 4 MiB per message, and every open stream of a connection may hold one message
 * part-read, so the limit also bounds what one connection can make the daemon buffer.
 */
export const MAX_RECEIVE_MESSAGE_BYTES = 64 * 1024;

/** Keepalive pings find clients that vanished without closing (their watchers then end). */
const KEEPALIVE: grpc.ServerOptions = {
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
};

/**
 * `maxStreamsPerConnection`: HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 6.5.2), calls open
 * at once on one connection (grpc.maxStreamsPerConnection; Node's default is unlimited).
 */
export function serverOptions(maxStreamsPerConnection: number): grpc.ServerOptions {
  return {
    ...KEEPALIVE,
    'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES,
    'grpc.max_concurrent_streams': maxStreamsPerConnection,
  };
}
