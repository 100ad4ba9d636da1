// The DHCP server's view of the network: datagrams in, tagged with the interface they arrived
// on, and datagrams out through a chosen interface. Built in server/main.ts (UdpTransport);
// tests of the server can hand it any object that keeps this shape.

export interface InboundDatagram {
  /** The UDP payload; the transport does not keep or reuse it after the callback. */
  data: Buffer;
  from: { address: string; port: number };
  /** Served interface it arrived on (its name in the config), so replies can leave by it. */
  iface: string;
}

export interface DhcpTransport {
  /** Opens the sockets (one per served interface) and starts delivering datagrams. */
  start(onDatagram: (d: InboundDatagram) => void): Promise<void>;
  /**
   * Sends through the socket of `iface`. Never throws: failures (unknown interface, closed
   * socket, ENETUNREACH...) are counted and reported to the transport's error callback, since a
   * lost reply is the client's to retry (RFC 2131 section 4.1).
   */
  send(iface: string, data: Uint8Array, address: string, port: number): void;
  /** Closes every socket; datagrams stop arriving once it resolves. */
  close(): Promise<void>;
}
