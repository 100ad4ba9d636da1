// A packet capture on a lab interface, for tests that must see what a peer they do not control
// (iPXE in a VM) put on the wire: tshark (Debian's tshark) inside the lab namespace streams a
// classic pcap to us; the UDP datagrams are read as they come (a test can wait for one) and the
// test decodes them with the project's own codec. PcapReader / readPcapUdp are the pure part.
import type { ChildProcess } from 'node:child_process';
import { formatIPv4 } from '../../server/dhcp/codec/ipv4.ts';
import { LabError } from './command.ts';
import type { Lab } from './lab.ts';

export interface UdpFrame {
  /** Capture time, microseconds since the epoch. */
  timeUs: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const IPPROTO_UDP = 17;

/**
 * The IPv4/UDP datagrams of a classic pcap file (either byte order, micro- or nanosecond
 * timestamps) with Ethernet framing. Other frames (ARP, IPv6, fragments after the first) are
 * skipped; a file that is not such a pcap throws.
 */
export function readPcapUdp(file: Uint8Array): UdpFrame[] {
  const reader = new PcapReader();
  const frames = reader.push(file);
  if (!reader.started) throw new Error(`pcap: ${file.byteLength} bytes, shorter than the 24-byte file header`);
  return frames;
}

/** Reads a classic pcap stream as it arrives: push() each chunk, get the UDP frames it completed. */
export class PcapReader {
  private pending: Buffer = Buffer.alloc(0);
  private header: { le: boolean; nano: boolean } | null = null;

  get started(): boolean {
    return this.header !== null;
  }

  push(chunk: Uint8Array): UdpFrame[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (this.header === null) {
      if (this.pending.length < 24) return [];
      this.header = fileHeader(this.pending);
      this.pending = this.pending.subarray(24);
    }
    const { le, nano } = this.header;
    const u32 = (at: number): number => (le ? this.pending.readUInt32LE(at) : this.pending.readUInt32BE(at));
    const frames: UdpFrame[] = [];
    while (this.pending.length >= 16) {
      const length = u32(8);
      if (this.pending.length < 16 + length) break; // the rest of this record is still to come
      const timeUs = u32(0) * 1_000_000 + (nano ? Math.floor(u32(4) / 1000) : u32(4));
      const frame = udpOfEthernet(this.pending.subarray(16, 16 + length), timeUs);
      if (frame !== null) frames.push(frame);
      this.pending = this.pending.subarray(16 + length);
    }
    return frames;
  }
}

function fileHeader(buf: Buffer): { le: boolean; nano: boolean } {
  const magics: Record<number, boolean> = { 0xa1b2c3d4: false, 0xa1b23c4d: true };
  let header: { le: boolean; nano: boolean };
  if (buf.readUInt32LE(0) in magics) header = { le: true, nano: magics[buf.readUInt32LE(0)]! };
  else if (buf.readUInt32BE(0) in magics) header = { le: false, nano: magics[buf.readUInt32BE(0)]! };
  else throw new Error(`pcap: magic ${buf.subarray(0, 4).toString('hex')} is not a classic pcap file (pcapng?)`);
  const linkType = header.le ? buf.readUInt32LE(20) : buf.readUInt32BE(20);
  if (linkType !== LINKTYPE_ETHERNET) throw new Error(`pcap: link type ${linkType}, expected Ethernet (1)`);
  return header;
}

function udpOfEthernet(data: Buffer, timeUs: number): UdpFrame | null {
  if (data.length < 14 + 20 || data.readUInt16BE(12) !== ETHERTYPE_IPV4) return null;
  const ip = data.subarray(14);
  const headerLength = (ip[0]! & 0x0f) * 4;
  if (ip[0]! >> 4 !== 4 || headerLength < 20 || ip[9] !== IPPROTO_UDP) return null;
  if ((ip.readUInt16BE(6) & 0x1fff) !== 0) return null; // a later fragment: no UDP header
  const totalLength = Math.min(ip.readUInt16BE(2), ip.length);
  const udp = ip.subarray(headerLength, totalLength);
  if (udp.length < 8) return null;
  const udpLength = Math.min(udp.readUInt16BE(4), udp.length);
  return {
    timeUs,
    src: formatIPv4(ip.readUInt32BE(12)),
    dst: formatIPv4(ip.readUInt32BE(16)),
    srcPort: udp.readUInt16BE(0),
    dstPort: udp.readUInt16BE(2),
    payload: Buffer.from(udp.subarray(8, udpLength)),
  };
}

export interface CaptureOptions {
  namespace: string;
  iface: string;
  /** A capture filter (pcap-filter syntax), e.g. "udp port 67 or udp port 68". */
  filter: string;
  /** How long tshark may take to start capturing; default 20 s (it is slow on a loaded machine). */
  startTimeoutMs?: number;
}

interface FrameWaiter {
  match: (frame: UdpFrame) => boolean;
  resolve: (frame: UdpFrame | null) => void;
}

/**
 * A live capture: tshark streams a classic pcap to our pipe (`-l`: flushed per packet), read as
 * it comes, so a test can wait for a frame and knows the capture holds everything up to it.
 */
export class Capture {
  private readonly seen: UdpFrame[] = [];
  private waiters: FrameWaiter[] = [];
  private readonly reader = new PcapReader();
  private readError: Error | null = null;
  private stderr = '';
  private readonly closed: Promise<void>;
  private stopping: Promise<UdpFrame[]> | null = null;

  private constructor(private readonly child: ChildProcess) {
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    // Nothing more will come once tshark is gone: waiting on would only run into the timeout.
    void this.closed.then(() => {
      for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
    });
    child.stdout!.on('data', (chunk: Buffer) => this.take(chunk));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
  }

  /** Starts tshark in the namespace; resolves once it says it is capturing. */
  static async start(lab: Pick<Lab, 'spawn'>, o: CaptureOptions): Promise<Capture> {
    const child = lab.spawn(o.namespace, 'tshark', ['-l', '-i', o.iface, '-f', o.filter, '-F', 'pcap', '-w', '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const capture = new Capture(child);
    const timeoutMs = o.startTimeoutMs ?? 20_000;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new LabError(`tshark did not start capturing on ${o.iface} within ${timeoutMs} ms: ${capture.stderr}`),
            ),
          timeoutMs,
        );
        child.stderr!.on('data', () => {
          if (capture.stderr.includes('Capturing on')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('error', (err) => {
          clearTimeout(timer);
          reject(new LabError(`cannot run tshark: ${err.message} (install Debian's tshark)`));
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new LabError(`tshark exited (${code}) before capturing on ${o.iface}: ${capture.stderr}`));
        });
      });
    } catch (err) {
      await capture.stop().catch(() => {});
      throw err;
    }
    return capture;
  }

  /** Every UDP frame captured so far, in capture order. */
  get frames(): readonly UdpFrame[] {
    return this.seen;
  }

  /** The first frame (already captured or to come) that matches, or null after `timeoutMs` or once the capture ended. */
  waitFor(match: (frame: UdpFrame) => boolean, timeoutMs: number): Promise<UdpFrame | null> {
    const found = this.seen.find(match);
    if (found !== undefined) return Promise.resolve(found);
    if (this.stopping !== null || this.child.exitCode !== null) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: FrameWaiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Ends the capture and returns every UDP frame it saw; throws if the stream was not a pcap. */
  stop(): Promise<UdpFrame[]> {
    this.stopping ??= (async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGINT');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
        await this.closed;
        clearTimeout(timer);
      }
      for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
      if (this.readError !== null) throw new LabError(`${this.readError.message}; tshark said: ${this.stderr}`);
      return [...this.seen];
    })();
    return this.stopping;
  }

  private take(chunk: Buffer): void {
    if (this.readError !== null) return;
    let frames: UdpFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.readError = err as Error;
      return;
    }
    for (const frame of frames) {
      this.seen.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    }
  }
}
