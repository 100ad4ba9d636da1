// Tells an observer (the metrics) how every call ended: its method, status code and how long it
// took. A grpc-js server interceptor sees each call of a registered method, unary and streaming
// alike, whatever ends it: the handler's status, the token interceptor's UNAUTHENTICATED (it runs
// inside this one), or the client cancelling. Calls to unknown methods never reach interceptors,
// so the paths told are only the ones served (a bounded set of metric labels).
import * as grpc from '@grpc/grpc-js';
import type { WatchDropReason } from './watcher.ts';

export interface EndedCall {
  /** "/homeplane.v1.LeaseService/ListLeases". */
  path: string;
  code: grpc.status;
  /** From the call's start to its status (or its cancellation). */
  seconds: number;
  type: CallType;
}

/** As grpc-go's Prometheus middleware names them. */
export type CallType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

/** GrpcServerOptions.observer: a narrow port; main.ts makes it from the metrics. */
export interface GrpcObserver {
  callEnded(call: EndedCall): void;
  watchDropped(reason: WatchDropReason): void;
}

export function callObserverInterceptor(observer: GrpcObserver): grpc.ServerInterceptor {
  return (method, call) => {
    const started = performance.now();
    const type: CallType = method.requestStream
      ? method.responseStream
        ? 'bidi_stream'
        : 'client_stream'
      : method.responseStream
        ? 'server_stream'
        : 'unary';
    let told = false;
    const end = (code: grpc.status): void => {
      if (told) return;
      told = true;
      observer.callEnded({ path: method.path, code, seconds: (performance.now() - started) / 1000, type });
    };
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({ onCancel: () => end(grpc.status.CANCELLED) });
      },
      sendStatus(status, next) {
        end(status.code);
        next(status);
      },
    });
  };
}
