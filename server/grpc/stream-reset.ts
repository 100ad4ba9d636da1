// Resetting the HTTP/2 stream under a grpc-js server call (RST_STREAM). A status is sent as
// trailers after the stream's data, so when the client has stopped reading and its flow-control
// window is shut (RFC 9113 5.2), the status waits forever behind the unsent data. A reset is not
// flow-controlled: it ends the stream at once. grpc-js clients report RST_STREAM with
// ENHANCE_YOUR_CALM as RESOURCE_EXHAUSTED, the status this reset stands for.
//
// grpc-js exposes no public way to reach the stream: this follows its internal chain (the call's
// `call`, through interceptors' `nextCall`, to the base call's `stream`), checked at run time and
// by grpc/watch tests, so a grpc-js change that breaks it fails a test instead of a reset.
import * as http2 from 'node:http2';
import type * as grpc from '@grpc/grpc-js';

interface Http2StreamLike {
  readonly closed: boolean;
  close(code: number): void;
}

function isHttp2Stream(value: unknown): value is Http2StreamLike {
  const candidate = value as (Partial<Http2StreamLike> & { rstCode?: unknown; session?: unknown }) | null;
  return typeof candidate?.close === 'function' && typeof candidate.closed === 'boolean' && 'session' in candidate;
}

/** The HTTP/2 stream carrying a server call, or null when grpc-js no longer exposes it this way. */
export function http2StreamOf(call: grpc.ServerWritableStream<unknown, unknown>): Http2StreamLike | null {
  let layer = (call as unknown as { call?: unknown }).call;
  for (let depth = 0; depth < 16 && layer !== null && typeof layer === 'object'; depth++) {
    const { stream, nextCall } = layer as { stream?: unknown; nextCall?: unknown };
    if (isHttp2Stream(stream)) return stream;
    layer = nextCall;
  }
  return null;
}

/** Resets the call's stream with ENHANCE_YOUR_CALM unless it is closed; false when it cannot. */
export function resetForOverload(call: grpc.ServerWritableStream<unknown, unknown>): boolean {
  const stream = http2StreamOf(call);
  if (stream === null) return false;
  if (!stream.closed) stream.close(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
  return true;
}

/** Whether the call's stream is closed (status delivered or reset); null when unknown. */
export function streamClosed(call: grpc.ServerWritableStream<unknown, unknown>): boolean | null {
  return http2StreamOf(call)?.closed ?? null;
}
