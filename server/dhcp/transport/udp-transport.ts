// DhcpTransport over one device-bound UDP socket per served interface (bound-socket.ts).
// The send path is on the hot loop of a server answering thousands of DORA exchanges a
// second: it looks the socket up in a Map and hands the bytes to dgram with a completion
// callback made once per interface, so it allocates nothing of its own.
import type dgram from 'node:dgram';
import { openDeviceSocket } from './bound-socket.ts';
import { loadLibc, type Libc } from './libc.ts';
import type { DhcpTransport, InboundDatagram } from './port.ts';

export interface UdpTransportOptions {
  /** Served interfaces, by device name. */
  interfaces: string[];
  /** Server port: 67 for DHCP (RFC 2131 section 4.1). */
  port: number;
  /** Reports failures that happen after start: send errors and socket errors. Must not throw. */
  onError: (err: Error, context: string) => void;
  /** SO_RCVBUF to ask for; bursts of thousands of requests a second overflow the default. */
  receiveBufferBytes?: number;
}

export interface TransportCounters {
  received: number;
  sent: number;
  sendErrors: number;
}

interface ServedSocket {
  socket: dgram.Socket;
  /** dgram send callback for this interface, made once. */
  afterSend: (err: Error | null) => void;
}

/**
 * Enough to ride out a stall of the event loop (a GC pause, a slow commit) at thousands of
 * requests per second, small enough that a backlog never grows older than clients wait: at
 * 8,000/s, 1 MiB (about 1,500 queued datagrams) is under 200 ms, well inside the 1 s perfdhcp
 * and the ~4 s real clients wait before retransmitting. A deeper queue only delays answers the
 * client has stopped waiting for (measured: 4 MiB collapsed to ~2,500/s under overload).
 */
export const DEFAULT_RECEIVE_BUFFER_BYTES = 1024 * 1024;

export class UdpTransport implements DhcpTransport {
  readonly counters: TransportCounters = { received: 0, sent: 0, sendErrors: 0 };
  private readonly sockets = new Map<string, ServedSocket>();
  private libc: Libc | null = null;

  constructor(private readonly options: UdpTransportOptions) {}

  async start(onDatagram: (d: InboundDatagram) => void): Promise<void> {
    if (this.sockets.size > 0) throw new Error('UdpTransport.start called twice');
    this.libc ??= loadLibc();
    try {
      for (const iface of this.options.interfaces) {
        const socket = await openDeviceSocket({
          device: iface,
          port: this.options.port,
          receiveBufferBytes: this.options.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER_BYTES,
          libc: this.libc,
        });
        this.sockets.set(iface, this.serve(iface, socket, onDatagram));
      }
    } catch (err) {
      await this.close(); // do not leave the sockets opened before the failure behind
      throw err;
    }
  }

  send(iface: string, data: Uint8Array, address: string, port: number): void {
    const served = this.sockets.get(iface);
    if (served === undefined) {
      this.reportSendError(iface, new Error(`no DHCP socket is open on interface "${iface}"`));
      return;
    }
    try {
      served.socket.send(data, port, address, served.afterSend);
    } catch (err) {
      // dgram throws synchronously only for a closed socket or invalid arguments.
      this.reportSendError(iface, err as Error);
    }
  }

  async close(): Promise<void> {
    const closing = [...this.sockets.values()].map(
      ({ socket }) => new Promise<void>((resolve) => socket.close(() => resolve())),
    );
    this.sockets.clear();
    await Promise.all(closing);
  }

  private serve(iface: string, socket: dgram.Socket, onDatagram: (d: InboundDatagram) => void): ServedSocket {
    socket.on('message', (data, from) => {
      this.counters.received++;
      onDatagram({ data, from, iface });
    });
    socket.on('error', (err) => this.options.onError(err, `socket on interface "${iface}"`));
    const afterSend = (err: Error | null): void => {
      if (err) this.reportSendError(iface, err);
      else this.counters.sent++;
    };
    return { socket, afterSend };
  }

  private reportSendError(iface: string, err: Error): void {
    this.counters.sendErrors++;
    this.options.onError(err, `send on interface "${iface}"`);
  }
}
