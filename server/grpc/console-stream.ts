// homeplane.v1.VmService.StreamConsole: one VM's serial console as a server stream.
//
// The first message holds the console's recent output (when there is any), then every chunk the
// guest writes, in order. recent() and subscribe() run in one tick, so no output between them is
// lost or sent twice. Frames go out through an Outbox (write()/'drain' backpressure, bounded in
// bytes); a client that lets more than the bound wait is dropped with RESOURCE_EXHAUSTED (and the
// stream reset if that status cannot get out), as Watch drops a slow watcher.
//
// How the stream ends:
// - the console goes away (the VM's QEMU stopped, the VM was deleted, or the driver let go of it):
//   what is queued, then status OK with the trailer `homeplane-console-end: <why>`. The console of
//   a stopped VM is simply over, as a serial line's EOF; GetVm says what the VM does now, and a
//   new StreamConsole after the next start begins with that run's output.
// - the client cancels or the call fails: the subscription is removed at once;
// - the daemon shuts down: what is queued, then UNAVAILABLE.
// grpc-js ignores the handler's return, so every one of these ends the stream explicitly, and
// nothing thrown here escapes the handler.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../ports.ts';
import type { Console } from '../hypervisor/hypervisor-port.ts';
import { StreamConsoleResponse, type StreamConsoleRequest } from '../../proto/gen/homeplane/v1/vm.ts';
import type { VmInventoryPort } from './hypervisor-ports.ts';
import type { OpenStreams } from './open-streams.ts';
import { Outbox } from './outbox.ts';
import { statusOf } from './status.ts';
import { resetForOverload } from './stream-reset.ts';
import { requireVmId } from './vm-request.ts';

/** Trailing metadata of a stream that ended because the console went away: why, in words. */
export const CONSOLE_END_KEY = 'homeplane-console-end';

export interface ConsoleStreamDeps {
  inventory: VmInventoryPort;
  streams: OpenStreams;
  /** Bytes a client may have waiting (queued here or held by the call) before it is dropped. */
  queueBytes: number;
  /** How long a dropped stream's RESOURCE_EXHAUSTED may take to get out before the stream is reset. */
  overflowGraceMs: number;
  logger: Logger;
}

/** The call writes pre-serialized StreamConsoleResponse frames (vm-service.ts's definition). */
export type ConsoleCall = grpc.ServerWritableStream<StreamConsoleRequest, Buffer>;

export function consoleFrame(data: Buffer): Buffer {
  const bytes = StreamConsoleResponse.encode({ data }).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function streamConsoleHandler(deps: ConsoleStreamDeps): (call: ConsoleCall) => void {
  return (call) => {
    try {
      if (deps.streams.shuttingDown) {
        endWith(call, grpc.status.UNAVAILABLE, 'the daemon is shutting down; call StreamConsole again once it is back');
        return;
      }
      const console = deps.inventory.console(requireVmId(call.request.id));
      new ConsoleStream(call, console, deps).start();
    } catch (err) {
      call.emit('error', statusOf(err, 'StreamConsole', deps.logger));
    }
  };
}

class ConsoleStream {
  private ended = false;
  private readonly outbox: Outbox;
  private unsubscribe: (() => void) | null = null;
  private unregister: (() => void) | null = null;

  constructor(
    private readonly call: ConsoleCall,
    private readonly console: Console,
    private readonly deps: ConsoleStreamDeps,
  ) {
    this.outbox = new Outbox(call, deps.queueBytes);
  }

  start(): void {
    const stop = () => this.stop();
    this.call.on('cancelled', stop);
    this.call.on('close', stop);
    this.call.on('error', stop);
    this.unregister = this.deps.streams.add(() => this.endForShutdown());
    const recent = this.console.recent();
    if (recent.length > 0) this.outbox.push(consoleFrame(recent));
    const unsubscribe = this.console.subscribe(
      (chunk) => this.onOutput(chunk),
      (reason) => this.onConsoleEnd(reason),
    );
    // A console may report its end from inside subscribe(): then it is already over.
    if (this.ended) unsubscribe();
    else this.unsubscribe = unsubscribe;
  }

  private onOutput(chunk: Buffer): void {
    if (this.ended) return;
    if (!this.outbox.offer(consoleFrame(chunk))) this.drop();
  }

  private onConsoleEnd(reason: string): void {
    if (this.ended) return;
    this.outbox.flush();
    this.stop();
    const trailers = new grpc.Metadata();
    trailers.set(CONSOLE_END_KEY, printable(reason));
    this.call.end(trailers);
  }

  private endForShutdown(): void {
    if (this.ended) return;
    this.outbox.flush();
    this.stop();
    endWith(
      this.call,
      grpc.status.UNAVAILABLE,
      'the daemon is shutting down; call StreamConsole again once it is back',
    );
  }

  private drop(): void {
    const pendingBytes = this.outbox.pendingBytes;
    this.stop();
    this.deps.logger.warn(
      { peer: this.call.getPeer(), vm: this.call.request.id, pendingBytes },
      'console stream dropped: its client stopped reading',
    );
    endWith(
      this.call,
      grpc.status.RESOURCE_EXHAUSTED,
      `this console stream fell more than ${this.deps.queueBytes} bytes behind and was dropped; ` +
        'read it steadily and call StreamConsole again (the recent output comes first)',
    );
    // The status queues behind unsent data; a client that reads nothing would never see it.
    const grace = setTimeout(() => {
      if (!resetForOverload(this.call)) this.deps.logger.warn({}, 'cannot reset a dropped console stream');
    }, this.deps.overflowGraceMs);
    grace.unref();
  }

  /** Leaves the console and the open-stream set and drops what is queued; the caller ends the call (or it ended). */
  private stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unregister?.();
    this.unregister = null;
    this.outbox.discard();
  }
}

function endWith(call: grpc.ServerWritableStream<unknown, unknown>, code: grpc.status, details: string): void {
  // grpc-js turns an 'error' event on a server stream into the call's status (after what was written).
  call.emit('error', { code, details, metadata: new grpc.Metadata() });
}

/** Metadata values are printable ASCII (gRPC over HTTP/2, ASCII-Value). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024) || 'the console ended';
}
