// Bearer-token authentication for every call, as a grpc-js server interceptor: it sees the
// request metadata before any handler runs (unary and streaming alike), and a call without the
// right token ends with UNAUTHENTICATED before its request message is even read.
//
// Health checks (grpc.health.v1.Health) are the one exception: liveness probes (Kubernetes'
// grpc probe, grpc_health_probe in a container healthcheck) often cannot present a secret, and
// the serving status tells nothing about the lab. Reflection does need the token.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';

const HEALTH_SERVICE_PREFIX = '/grpc.health.v1.Health/';

/** RFC 6750 2.1: `Bearer` (the scheme is case-insensitive, RFC 7235 2.1), one space, the token. */
const BEARER = /^bearer +(\S+) *$/i;

/** Fixed-length digest, so the comparison takes the same time whatever the presented length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Does the metadata carry `authorization: Bearer <token>`? Constant time in the token. */
export function presentsToken(metadata: grpc.Metadata, expected: Buffer): boolean {
  const values = metadata.get('authorization');
  if (values.length !== 1 || typeof values[0] !== 'string') return false;
  const match = BEARER.exec(values[0]);
  if (match === null) return false;
  return timingSafeEqual(digest(match[1]!), expected);
}

export function isPublicMethod(path: string): boolean {
  return path.startsWith(HEALTH_SERVICE_PREFIX);
}

/** The interceptor refusing every call (health checks aside) that lacks `Bearer <token>`. */
export function bearerTokenInterceptor(token: string): grpc.ServerInterceptor {
  const expected = digest(token);
  return (method, call) => {
    if (isPublicMethod(method.path)) return new grpc.ServerInterceptingCall(call);
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, pass) {
            if (presentsToken(metadata, expected)) {
              pass(metadata);
              return;
            }
            // Not passing the metadata on means the handler never starts and nothing is read.
            call.sendStatus({
              code: grpc.status.UNAUTHENTICATED,
              details:
                'missing or wrong token: send the metadata "authorization: Bearer <token>" ' +
                "with the token from the daemon's grpc.token file (`homeplane endpoint` prints its path)",
              metadata: new grpc.Metadata(),
            });
          },
        });
      },
    });
  };
}
