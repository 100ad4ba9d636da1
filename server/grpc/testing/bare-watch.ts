// EventService.Watch from a bare HTTP/2 client that reads nothing: its stream takes the 64 KiB
// window and Node's buffer, then nothing more (RFC 9113 5.2), so the server's writes stop, and a
// status sent after them cannot get out. Closes with the stream's reset code, if it is reset.
import * as http2 from 'node:http2';
import { WatchRequest } from '../../../proto/gen/homeplane/v1/event.ts';
import { TEST_TOKEN } from './harness.ts';

export interface BareWatch {
  /** Resolves with the RST_STREAM code the stream closed with (-1: closed without one). */
  closed: Promise<number>;
  /** Drops the connection. */
  destroy(): void;
}

export function bareWatch(address: string, request: Partial<WatchRequest>): BareWatch {
  const session = http2.connect(`http://${address}`);
  session.on('error', () => {});
  const body = WatchRequest.encode({ sinceRevision: 0, kinds: [], ...request }).finish();
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.length, 1);
  const stream = session.request({
    ':method': 'POST',
    ':path': '/homeplane.v1.EventService/Watch',
    'content-type': 'application/grpc',
    te: 'trailers',
    authorization: `Bearer ${TEST_TOKEN}`,
  });
  stream.end(Buffer.concat([prefix, body]));
  stream.pause();
  stream.on('error', () => {}); // the reset, read from rstCode
  const closed = new Promise<number>((resolve) => stream.on('close', () => resolve(stream.rstCode ?? -1)));
  return { closed, destroy: () => session.destroy() };
}
