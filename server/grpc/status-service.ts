// homeplane.v1.StatusService: what the daemon runs, since when, and why DHCP is off, in the words
// the daemon logged (main.ts hands the same text to the log line and to this service), and how
// many Watch streams are open (the grpc server's count, as the metrics endpoint gives it).
import type { EventLogReader } from '../events/types.ts';
import type { Logger } from '../ports.ts';
import type { StatusServiceServer } from '../../proto/gen/homeplane/v1/status.ts';
import { unary } from './status.ts';

/** What the composition root started, fixed for the process's life. */
export interface DaemonStatus {
  /** package.json "version". */
  version: string;
  /** Process start, epoch ms. */
  startTime: number;
  /** Serving on `interfaces` (config order), or off for `reason` (the logged line). */
  dhcp: { serving: true; interfaces: readonly string[] } | { serving: false; reason: string };
}

export function statusService(
  status: DaemonStatus,
  log: EventLogReader,
  openWatches: () => number,
  logger: Logger,
): StatusServiceServer {
  return {
    getStatus: unary('GetStatus', logger, () => ({
      version: status.version,
      startTime: new Date(status.startTime),
      dhcp: status.dhcp.serving
        ? { serving: true, disabledReason: '', interfaces: [...status.dhcp.interfaces] }
        : { serving: false, disabledReason: status.dhcp.reason, interfaces: [] },
      revision: log.lastRevision(),
      watchStreams: openWatches(),
    })),
  };
}
