// The daemon's own account of itself (StatusService.GetStatus) as a plain view for pages and the
// shell: its version, since when it runs, and whether DHCP answers, or why not in the daemon's
// words (design.md, Defaults: "the dashboard still starts and says why").
//
// Read once per request (React cache), so the layout's DHCP notice and a page asking the same
// question cost one call.
import 'server-only';
import * as grpc from '@grpc/grpc-js';
import { cache } from 'react';
import { GetStatusRequest, type GetStatusResponse } from '../../proto/gen/homeplane/v1/status.ts';
import { BackendError, call, listLeases } from './backend.ts';

export interface DhcpView {
  /** True while the DHCP server answers on `interfaces`. */
  serving: boolean;
  /** Why DHCP is off, as the daemon logged it ("DHCP disabled: ..."); empty while serving. */
  disabledReason: string;
  /** The interfaces answered on, in config order; empty when off. */
  interfaces: string[];
}

export interface DaemonStatusView {
  version: string;
  /** When the daemon process started, epoch milliseconds; null if it did not say. */
  startedAt: number | null;
  dhcp: DhcpView;
  /** The newest event revision when the daemon answered. */
  revision: number;
}

export type DaemonStatus =
  /** The daemon answered GetStatus. */
  | { kind: 'known'; status: DaemonStatusView }
  /** The daemon answers other calls but not GetStatus (a daemon older than StatusService). */
  | { kind: 'unsupported'; reason: string }
  /** The daemon could not be asked: not running, wrong token, timed out. */
  | { kind: 'unreachable'; reason: string };

export function toDaemonStatusView(response: GetStatusResponse): DaemonStatusView {
  return {
    version: response.version,
    startedAt: response.startTime?.getTime() ?? null,
    dhcp: {
      serving: response.dhcp?.serving ?? false,
      disabledReason: response.dhcp?.disabledReason ?? '',
      interfaces: [...(response.dhcp?.interfaces ?? [])],
    },
    revision: response.revision,
  };
}

/** StatusService.GetStatus, never throwing for a daemon-side failure. Callers check the session first. */
export const getDaemonStatus = cache(async (): Promise<DaemonStatus> => {
  try {
    const response = await call((c) => c.status.getStatus.bind(c.status), GetStatusRequest.fromPartial({}));
    return { kind: 'known', status: toDaemonStatusView(response) };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    if (err.code === grpc.status.UNIMPLEMENTED)
      return { kind: 'unsupported', reason: `the daemon does not report its status (${err.details})` };
    return { kind: 'unreachable', reason: err.message };
  }
});

/**
 * Why DHCP is off, in the daemon's words, or null when it serves (or when the daemon cannot say:
 * an unreachable daemon is DaemonUnavailable's business, not this notice's).
 */
export function dhcpOffReason(daemon: DaemonStatus): string | null {
  switch (daemon.kind) {
    case 'known':
      if (daemon.status.dhcp.serving) return null;
      return daemon.status.dhcp.disabledReason || 'The daemon runs without a DHCP server and did not say why.';
    case 'unsupported':
    case 'unreachable':
      return null;
  }
}

/**
 * The revision to follow the event stream from: GetStatus's; a daemon without StatusService
 * still tells it with ListLeases. Null while the daemon cannot be reached.
 */
export const streamRevision = cache(async (): Promise<number | null> => {
  const daemon = await getDaemonStatus();
  switch (daemon.kind) {
    case 'known':
      return daemon.status.revision;
    case 'unreachable':
      return null;
    case 'unsupported':
      try {
        return (await listLeases({ pageSize: 1 })).revision;
      } catch (err) {
        if (err instanceof BackendError) return null;
        throw err;
      }
  }
});
