// Assertions on the daemon's replies shared by the conformance suite's describe blocks.
import assert from 'node:assert/strict';
import { MessageType, type Packet } from '../codec/index.ts';
import { ip, type SimClient } from './conformance-client.ts';
import { SERVER_ID } from './conformance-lab.ts';
import type { Peer, Reply } from './conformance-peer.ts';

const SERVER = ip(SERVER_ID);

/** The reply is of this message type (option 53); returns its packet. */
export function assertType(reply: Reply, type: MessageType): Packet {
  const got = reply.packet.options.messageType;
  assert.equal(
    got,
    type,
    `message type ${got === undefined ? 'none' : MessageType[got]}, expected ${MessageType[type]}`,
  );
  return reply.packet;
}

/** A DHCPNAK as RFC 2131 table 3 has it: no address, no lease time, our server id, a message. */
export function assertNak(reply: Reply): Packet {
  const nak = assertType(reply, MessageType.Nak);
  assert.equal(nak.yiaddr, 0, 'NAK carries no address');
  assert.equal(nak.options.serverId, SERVER);
  assert.equal(nak.options.leaseTime, undefined);
  assert.ok((nak.options.message ?? '').length > 0, 'NAK explains itself in option 56');
  return nak;
}

/** DISCOVER then SELECTING REQUEST for the offered address; returns the bound address. */
export async function bind(peer: Peer, client: SimClient): Promise<number> {
  const offer = assertType(await peer.ask(client.discover()), MessageType.Offer);
  const ack = assertType(await peer.ask(client.select(SERVER, offer.yiaddr)), MessageType.Ack);
  assert.equal(ack.yiaddr, offer.yiaddr);
  return ack.yiaddr;
}

/** The holder's INIT-REBOOT for its address is ACKed: it still holds the lease. */
export async function assertStillHeld(peer: Peer, holder: SimClient, address: number): Promise<void> {
  const ack = assertType(await peer.ask(holder.reboot(address)), MessageType.Ack);
  assert.equal(ack.yiaddr, address);
}
