// Homeplane as the watch benchmark runs it: the DHCP benchmark's server start (empty database,
// in the lab's server namespace), with its gRPC API on a unix socket so that watchers in the
// root namespace reach it; plus what the benchmark reads of it: its newest event revision
// (StatsService.GetStats) and its CPU time and memory from /proc.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { StatsServiceClient, type GetStatsResponse } from '../../proto/gen/homeplane/v1/stats.ts';
import type { Lab } from '../lab/lab.ts';
import { processCpuSeconds, startServer } from './dhcp-servers.ts';

export interface ProcessSample {
  cpuSeconds: number;
  /** Resident set size now (VmRSS). */
  rssBytes: number;
  /** The most it has been resident since it started (VmHWM). */
  peakRssBytes: number;
}

export interface WatchedDaemon {
  /** "unix:/path": the gRPC address, from any namespace. */
  readonly target: string;
  /** The bearer token, read from <dataDir>/grpc.token. */
  readonly token: string;
  readonly pid: number;
  /** The newest committed event revision. */
  revision(): Promise<number>;
  sample(): ProcessSample;
  /** Stops the daemon (SIGTERM, as the DHCP benchmark does) and removes its folder. */
  stop(): Promise<void>;
}

/** Starts Homeplane (durability process, the default) in `dir`, an empty folder. */
export async function startWatchedDaemon(lab: Lab, dir: string): Promise<WatchedDaemon> {
  const target = `unix:${join(dir, 'grpc.sock')}`;
  const running = await startServer(lab, 'homeplane-process', { dir, grpcListen: target });
  const stats = { client: null as StatsServiceClient | null };
  try {
    if (running.pid === null || running.dataDir === null)
      throw new Error('the daemon logged no pid, or has no data folder');
    const pid = running.pid;
    const token = readFileSync(join(running.dataDir, 'grpc.token'), 'utf8').trim();
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const client = new StatsServiceClient(target, grpc.credentials.createInsecure());
    stats.client = client;
    return {
      target,
      token,
      pid,
      revision: () => newestRevision(client, metadata),
      sample: () => sampleProcess(pid),
      async stop() {
        client.close();
        await running.stop();
      },
    };
  } catch (err) {
    stats.client?.close();
    await running.stop();
    throw err;
  }
}

function newestRevision(client: StatsServiceClient, metadata: grpc.Metadata): Promise<number> {
  return new Promise((resolve, reject) => {
    client.getStats(
      {},
      metadata,
      { deadline: Date.now() + 10_000 },
      (err: grpc.ServiceError | null, response?: GetStatsResponse) => {
        if (err !== null) reject(new Error(`GetStats failed: ${err.message}`));
        else resolve(response!.revision);
      },
    );
  });
}

/** CPU seconds from /proc/PID/stat, memory from /proc/PID/status (kB lines). */
export function sampleProcess(pid: number): ProcessSample {
  const cpuSeconds = processCpuSeconds(pid);
  if (cpuSeconds === null) throw new Error(`process ${pid} has ended`);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { cpuSeconds, rssBytes: statusKiB(status, 'VmRSS') * 1024, peakRssBytes: statusKiB(status, 'VmHWM') * 1024 };
}

function statusKiB(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (match === null) throw new Error(`/proc status has no ${field} line`);
  return Number(match[1]);
}
