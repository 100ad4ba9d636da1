// One side of a conformance exchange: a Probe in a lab namespace that sends a request and reads
// back the decoded reply with the same xid, or asserts that nothing came. Strict on purpose: any
// datagram that is not the awaited reply (a duplicate, a late answer to a request that should
// have been ignored) fails the test instead of being skipped.
import assert from 'node:assert/strict';
import { decode, formatIPv4, PacketError, type Packet } from '../codec/index.ts';
import type { Probe } from '../../../scripts/lab/probe.ts';

/** How long a request may take to be answered before the test gives up. */
const REPLY_TIMEOUT_MS = 3_000;
/** How long silence must last to count as silence. */
export const SILENCE_MS = 700;

export interface Reply {
  packet: Packet;
  /** Source address and port of the datagram. */
  from: string;
  port: number;
  /** Size of the DHCP message (the UDP payload) in bytes. */
  size: number;
}

const XID_OFFSET = 4;

export class Peer {
  constructor(
    private readonly probe: Probe,
    readonly label: string,
  ) {}

  send(bytes: Uint8Array, to = '255.255.255.255', port = 67): Promise<void> {
    return this.probe.send(bytes, to, port);
  }

  /** Sends a request and returns the reply that carries its xid. */
  async ask(bytes: Uint8Array, to = '255.255.255.255', port = 67): Promise<Reply> {
    await this.send(bytes, to, port);
    return this.reply(xidOf(bytes));
  }

  /** The next datagram, which must be a well-formed reply with this xid. */
  async reply(xid: number): Promise<Reply> {
    const datagram = await this.probe.next(REPLY_TIMEOUT_MS);
    assert.ok(datagram !== null, `${this.label}: no reply to xid 0x${xid.toString(16)} within ${REPLY_TIMEOUT_MS} ms`);
    const packet = decode(datagram.data);
    if (packet instanceof PacketError) assert.fail(`${this.label}: reply does not decode: ${packet.message}`);
    assert.equal(
      packet.xid,
      xid,
      `${this.label}: got a reply to xid 0x${packet.xid.toString(16)}, expected 0x${xid.toString(16)}`,
    );
    return { packet, from: datagram.from, port: datagram.port, size: datagram.data.length };
  }

  /** Sends a request that must go unanswered. */
  async askSilently(bytes: Uint8Array, to = '255.255.255.255', port = 67): Promise<void> {
    await this.send(bytes, to, port);
    await this.expectSilence(`xid 0x${xidOf(bytes).toString(16)}`);
  }

  /** Nothing at all may arrive for SILENCE_MS. */
  async expectSilence(what = 'request'): Promise<void> {
    const datagram = await this.probe.next(SILENCE_MS);
    if (datagram === null) return;
    const packet = decode(datagram.data);
    const shown = packet instanceof PacketError ? `undecodable ${datagram.data.length} bytes` : describe(packet);
    assert.fail(`${this.label}: expected silence after ${what}, got ${shown} from ${datagram.from}:${datagram.port}`);
  }

  /**
   * Takes every datagram already queued, described; empty when the last test left nothing
   * behind. Called after each test, so one test's stray reply fails that test, not the next.
   */
  async leftovers(): Promise<string[]> {
    const found: string[] = [];
    for (let datagram = await this.probe.next(0); datagram !== null; datagram = await this.probe.next(0)) {
      const packet = decode(datagram.data);
      found.push(packet instanceof PacketError ? `undecodable ${datagram.data.length} bytes` : describe(packet));
    }
    return found;
  }

  close(): Promise<void> {
    return this.probe.close();
  }
}

export function xidOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(XID_OFFSET);
}

function describe(packet: Packet): string {
  return `message type ${packet.options.messageType} xid 0x${packet.xid.toString(16)} yiaddr ${formatIPv4(packet.yiaddr)}`;
}
