// grpc.health.v1.Health (https://github.com/grpc/grpc/blob/master/doc/health-checking.md) for the
// names the daemon serves: '' (the daemon as a whole) and each homeplane.v1 service.
//
// Health needs no token (auth.ts), so anyone who reaches the port may call it: it keeps no state
// for a name it does not serve. grpc-health-check's HealthImplementation kept a map entry for
// every name ever watched, so unique names grew the heap without bound. Here the set of names is
// fixed at start, Check of any other name is NOT_FOUND, and Watch of one gets SERVICE_UNKNOWN
// (as the protocol asks: the name may be served later, so the stream stays open) and is not
// registered anywhere: its memory is grpc-js's open stream, freed when the client goes.
//
// That open stream still holds its request until then (grpc-js keeps it for the call's life,
// up to the 64 KiB receive limit): 1,000 such Watches held open cost some 160 MiB of RSS. Nobody
// needs one (the served names are fixed), so only a few may be open at once; past that, Watch of
// an unserved name is RESOURCE_EXHAUSTED. The count is the only thing kept for them.
import * as grpc from '@grpc/grpc-js';
import { service as healthDefinition } from 'grpc-health-check';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

/** HealthCheckResponse as grpc-health-check's definition encodes it (enums by name). */
interface HealthReply {
  status: ServingStatus | 'SERVICE_UNKNOWN';
}

interface HealthRequest {
  service: string;
}

/** How much of an unknown name an error repeats: the name came from anyone and may be 64 KiB long. */
const NAME_SHOWN = 64;

/** Watch streams of unserved names open at once, by default (about 10 MiB held at most). */
const MAX_UNSERVED_WATCHES = 64;

/**
 * One Watch of a served name. A client that stops reading gets only the newest status once it
 * reads again (write() returned false: wait for 'drain'), so status changes cannot pile up.
 */
class HealthWatcher {
  private sent: ServingStatus | null = null;
  private blocked = false;

  constructor(
    private readonly call: grpc.ServerWritableStream<HealthRequest, HealthReply>,
    private readonly current: () => ServingStatus,
  ) {}

  /** Sends the current status unless it is the last one sent, or the client is not reading. */
  refresh(): void {
    if (this.blocked) return;
    const status = this.current();
    if (status === this.sent) return;
    this.sent = status;
    if (!this.call.write({ status })) {
      this.blocked = true;
      this.call.once('drain', () => {
        this.blocked = false;
        this.refresh();
      });
    }
  }
}

export class HealthService {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Map<string, Set<HealthWatcher>>();
  private unservedWatches = 0;
  private final = false;

  /** `names`: every name Check and Watch answer for; nothing else is ever stored. */
  constructor(
    readonly names: readonly string[],
    private readonly maxUnservedWatches = MAX_UNSERVED_WATCHES,
  ) {
    for (const name of names) {
      this.statuses.set(name, 'SERVING');
      this.watchers.set(name, new Set());
    }
  }

  /** SERVING or NOT_SERVING for every served name; their watchers hear of a change. Ignored after stop(). */
  setServing(serving: boolean): void {
    if (!this.final) this.setAll(serving ? 'SERVING' : 'NOT_SERVING');
  }

  /** Shutdown: NOT_SERVING for good (a late setServing(true) does not undo it). */
  stop(): void {
    this.setAll('NOT_SERVING');
    this.final = true;
  }

  /** Watchers registered now (only watchers of served names ever are). */
  get watcherCount(): number {
    let count = 0;
    for (const set of this.watchers.values()) count += set.size;
    return count;
  }

  /** Watch streams of unserved names open now. */
  get unservedWatchCount(): number {
    return this.unservedWatches;
  }

  addToServer(server: grpc.Server): void {
    server.addService(healthDefinition as grpc.ServiceDefinition, {
      check: this.check,
      watch: this.watch,
      list: this.list,
    });
  }

  private setAll(status: ServingStatus): void {
    for (const name of this.names) {
      this.statuses.set(name, status);
      for (const watcher of this.watchers.get(name)!) watcher.refresh();
    }
  }

  private readonly check = (
    call: grpc.ServerUnaryCall<HealthRequest, HealthReply>,
    callback: grpc.sendUnaryData<HealthReply>,
  ): void => {
    const status = this.statuses.get(call.request.service);
    if (status !== undefined) callback(null, { status });
    else callback({ code: grpc.status.NOT_FOUND, details: this.unknown(call.request.service) });
  };

  private readonly watch = (call: grpc.ServerWritableStream<HealthRequest, HealthReply>): void => {
    const name = call.request.service;
    const watchers = this.watchers.get(name);
    if (watchers === undefined) {
      this.watchUnserved(call);
      return;
    }
    const watcher = new HealthWatcher(call, () => this.statuses.get(name)!);
    watchers.add(watcher);
    const remove = () => watchers.delete(watcher);
    call.on('cancelled', remove);
    call.on('close', remove);
    call.on('error', remove);
    watcher.refresh();
  };

  /** SERVICE_UNKNOWN and an open stream, counted (not named) while it lasts. */
  private watchUnserved(call: grpc.ServerWritableStream<HealthRequest, HealthReply>): void {
    if (this.unservedWatches >= this.maxUnservedWatches) {
      const details =
        `too many health Watch streams of names not served here (${this.maxUnservedWatches}); ` +
        `watch one of ${this.servedList()}, or close the others`;
      call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details });
      return;
    }
    this.unservedWatches += 1;
    let counted = true;
    const uncount = () => {
      if (counted) this.unservedWatches -= 1;
      counted = false;
    };
    call.on('cancelled', uncount);
    call.on('close', uncount);
    call.on('error', uncount);
    call.write({ status: 'SERVICE_UNKNOWN' });
  }

  private readonly list = (
    _call: grpc.ServerUnaryCall<object, { statuses: Record<string, HealthReply> }>,
    callback: grpc.sendUnaryData<{ statuses: Record<string, HealthReply> }>,
  ): void => {
    callback(null, { statuses: Object.fromEntries([...this.statuses].map(([name, status]) => [name, { status }])) });
  };

  private unknown(name: string): string {
    const shown = name.length > NAME_SHOWN ? `${name.slice(0, NAME_SHOWN)}...` : name;
    return `no health status for service "${shown}": ask for one of ${this.servedList()}`;
  }

  private servedList(): string {
    return this.names.map((n) => (n === '' ? '"" (the daemon)' : n)).join(', ');
  }
}
