// Conformance of the real daemon (bin/homeplane.mjs serve) to RFC 2131 and its companions, with
// crafted packets sent from lab namespaces. Every rule of engine.ts and reply.ts has a case here.
// Silence is asserted as "nothing within SILENCE_MS", and every silence is followed by a request
// that is answered, so a dead server never passes for a silent one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, FLAG_BROADCAST, formatIPv4, MessageType, PacketError, type Packet } from '../codec/index.ts';
import { ip, type SimClient } from './conformance-client.ts';
import { ConformanceLab, delta, RELAY_GIADDR, SERVER_ID } from './conformance-lab.ts';
import type { Peer, Reply } from './conformance-peer.ts';
import { malformedRequests } from './conformance-malformed.ts';

const LEASE_SECONDS = 600;
const SERVER = ip(SERVER_ID);
const OTHER_SERVER = ip('10.123.0.254');
const MASK_24 = ip('255.255.255.0');
const POOL = { first: ip('10.123.0.100'), last: ip('10.123.0.199') };
/** NTP servers enough to make a full reply outgrow 576 bytes (max message size case). */
const NTP_SERVERS = Array.from({ length: 24 }, (_, i) => `10.123.1.${i + 1}`);
const RESERVED_BY_MAC = { mac: '52:54:00:aa:bb:cc', ip: '10.123.0.10', hostname: 'nas' };
const RESERVED_BY_ID = { clientId: '01:52:54:00:aa:bb:dd', ip: '10.123.0.11' };
/** A reservation inside the pool: nobody else may be given it. */
const RESERVED_IN_POOL = { mac: '52:54:00:aa:bb:ee', ip: '10.123.0.150' };

function inRange(address: number, range: { first: number; last: number }): boolean {
  return address >= range.first && address <= range.last;
}

function assertType(reply: Reply, type: MessageType): Packet {
  assert.equal(reply.packet.options.messageType, type, `message type ${reply.packet.options.messageType}, expected ${MessageType[type]}`);
  return reply.packet;
}

/** DISCOVER then SELECTING REQUEST; returns the bound address. */
async function bind(peer: Peer, client: SimClient): Promise<number> {
  const offer = assertType(await peer.ask(client.discover()), MessageType.Offer);
  const ack = assertType(await peer.ask(client.select(SERVER, offer.yiaddr)), MessageType.Ack);
  assert.equal(ack.yiaddr, offer.yiaddr);
  return ack.yiaddr;
}

function assertNak(reply: Reply): Packet {
  const nak = assertType(reply, MessageType.Nak);
  assert.equal(nak.yiaddr, 0, 'NAK carries no address');
  assert.equal(nak.options.serverId, SERVER);
  assert.equal(nak.options.leaseTime, undefined);
  assert.ok((nak.options.message ?? '').length > 0, 'NAK explains itself in option 56');
  return nak;
}

describe('authoritative server', () => {
  let fx: ConformanceLab;
  before(async () => {
    fx = await ConformanceLab.start({
      name: 'conf',
      relay: true,
      dhcp: { leaseTime: LEASE_SECONDS },
      subnet: { ntpServers: NTP_SERVERS, reservations: [RESERVED_BY_MAC, RESERVED_BY_ID, RESERVED_IN_POOL] },
    });
  });
  after(() => fx?.close());

  describe('DISCOVER', () => {
    test('OFFER: pool address, server id, lease times, options asked for, broadcast to port 68', async () => {
      const client = fx.newClient();
      const discover = client.discover({ parameterRequestList: [1, 3, 6, 15, 51, 54] });
      const reply = await fx.client.ask(discover);
      const offer = assertType(reply, MessageType.Offer);
      // The client has no address, so only a broadcast can have reached it (RFC 2131 4.1).
      assert.deepEqual([reply.from, reply.port], [SERVER_ID, 67]);
      assert.equal(offer.op, 2);
      assert.deepEqual(offer.chaddr, client.chaddr);
      assert.ok(inRange(offer.yiaddr, POOL), `yiaddr ${formatIPv4(offer.yiaddr)} in the pool`);
      assert.equal(offer.ciaddr, 0);
      const o = offer.options;
      assert.equal(o.serverId, SERVER);
      assert.equal(o.leaseTime, LEASE_SECONDS);
      assert.equal(o.renewalTime, LEASE_SECONDS / 2); // T1 = 0.5 lease (RFC 2131 4.4.5)
      assert.equal(o.rebindingTime, (LEASE_SECONDS * 7) / 8); // T2 = 0.875 lease
      assert.equal(o.subnetMask, MASK_24);
      assert.deepEqual(o.routers, [SERVER]);
      assert.deepEqual(o.dnsServers, [SERVER]);
      assert.equal(o.domainName, 'lab.home');
      assert.equal(o.ntpServers, undefined, 'option 42 not asked for');
      assert.equal(o.broadcastAddress, undefined, 'option 28 not asked for');
    });

    test('option 55 limits the configuration options to those asked for', async () => {
      const routersOnly = assertType(await fx.client.ask(fx.newClient().discover({ parameterRequestList: [3] })), MessageType.Offer);
      assert.deepEqual(routersOnly.options.routers, [SERVER]);
      assert.equal(routersOnly.options.subnetMask, MASK_24, 'the mask is always sent');
      for (const key of ['dnsServers', 'domainName', 'ntpServers', 'broadcastAddress'] as const) {
        assert.equal(routersOnly.options[key], undefined, `${key} not asked for`);
      }
      const ntpAndBroadcast = assertType(await fx.client.ask(fx.newClient().discover({ parameterRequestList: [42, 28] })), MessageType.Offer);
      assert.equal(ntpAndBroadcast.options.ntpServers?.length, NTP_SERVERS.length);
      assert.equal(ntpAndBroadcast.options.broadcastAddress, ip('10.123.0.255'));
      assert.equal(ntpAndBroadcast.options.routers, undefined);
      assert.equal(ntpAndBroadcast.options.dnsServers, undefined);
    });

    test('without option 55 every configured option is sent', async () => {
      const offer = assertType(await fx.client.ask(fx.newClient().discover()), MessageType.Offer);
      assert.deepEqual(offer.options.routers, [SERVER]);
      assert.deepEqual(offer.options.dnsServers, [SERVER]);
      assert.equal(offer.options.domainName, 'lab.home');
      assert.equal(offer.options.broadcastAddress, ip('10.123.0.255'));
      assert.equal(offer.options.ntpServers?.length, NTP_SERVERS.length);
    });
  });

  describe('REQUEST in SELECTING', () => {
    test('naming our server id and the offered address: ACK with the lease', async () => {
      const client = fx.newClient();
      const offer = assertType(await fx.client.ask(client.discover()), MessageType.Offer);
      const reply = await fx.client.ask(client.select(SERVER, offer.yiaddr, { parameterRequestList: [1, 3, 6] }));
      const ack = assertType(reply, MessageType.Ack);
      assert.equal(reply.from, SERVER_ID);
      assert.equal(ack.yiaddr, offer.yiaddr);
      assert.deepEqual(ack.chaddr, client.chaddr);
      assert.equal(ack.options.serverId, SERVER);
      assert.deepEqual([ack.options.leaseTime, ack.options.renewalTime, ack.options.rebindingTime], [600, 300, 525]);
      assert.equal(ack.options.subnetMask, MASK_24);
      assert.deepEqual(ack.options.routers, [SERVER]);
      assert.deepEqual(ack.options.dnsServers, [SERVER]);
      assert.equal(ack.options.domainName, undefined, 'option 15 not asked for');
    });

    test('a lease time asked for in option 51 is granted within the limits', async () => {
      const client = fx.newClient();
      const offer = assertType(await fx.client.ask(client.discover({ leaseTime: 900 })), MessageType.Offer);
      assert.equal(offer.options.leaseTime, 900);
      const ack = assertType(await fx.client.ask(client.select(SERVER, offer.yiaddr, { leaseTime: 10 })), MessageType.Ack);
      assert.equal(ack.options.leaseTime, 60, 'clamped to minLeaseTime (default 60 s)');
      assert.equal(ack.options.renewalTime, 30);
    });

    test('naming another server: silence, and the offered address is free for the next client', async () => {
      const client = fx.newClient();
      const offer = assertType(await fx.client.ask(client.discover()), MessageType.Offer);
      await fx.client.askSilently(client.select(OTHER_SERVER, offer.yiaddr));
      // The offer was withdrawn (RFC 2131 4.3.2): another client may now be bound to it.
      const next = fx.newClient();
      const ack = assertType(await fx.client.ask(next.reboot(offer.yiaddr)), MessageType.Ack);
      assert.equal(ack.yiaddr, offer.yiaddr);
    });

    test('an address bound to another client meanwhile: NAK, broadcast, with option 56', async () => {
      const holder = fx.newClient();
      const taken = await bind(fx.client, holder);
      const late = fx.newClient();
      assertType(await fx.client.ask(late.discover()), MessageType.Offer);
      const reply = await fx.client.ask(late.select(SERVER, taken));
      assertNak(reply);
      assert.equal(reply.from, SERVER_ID); // reached a client without an address: a broadcast
      // The holder keeps its lease.
      assert.equal(assertType(await fx.client.ask(holder.reboot(taken)), MessageType.Ack).yiaddr, taken);
    });

    test('an offered address held for another client: NAK', async () => {
      const first = fx.newClient();
      const offered = assertType(await fx.client.ask(first.discover()), MessageType.Offer).yiaddr;
      assertNak(await fx.client.ask(fx.newClient().select(SERVER, offered)));
      assert.equal(assertType(await fx.client.ask(first.select(SERVER, offered)), MessageType.Ack).yiaddr, offered);
    });

    test('without option 50: silence', async () => {
      const client = fx.newClient();
      const offer = assertType(await fx.client.ask(client.discover()), MessageType.Offer);
      await fx.client.askSilently(client.bytes({ type: MessageType.Request, options: { serverId: SERVER } }));
      assertType(await fx.client.ask(client.select(SERVER, offer.yiaddr)), MessageType.Ack);
    });
  });

  describe('REQUEST in INIT-REBOOT (authoritative)', () => {
    test('an address on another network: NAK', async () => {
      assertNak(await fx.client.ask(fx.newClient().reboot(ip('192.168.99.5'))));
    });

    test('an address bound to another client: NAK', async () => {
      const taken = await bind(fx.client, fx.newClient());
      assertNak(await fx.client.ask(fx.newClient().reboot(taken)));
    });

    test('a free pool address with no record (lease database lost): ACK', async () => {
      const address = ip('10.123.0.190');
      const ack = assertType(await fx.client.ask(fx.newClient().reboot(address)), MessageType.Ack);
      assert.equal(ack.yiaddr, address);
      assert.equal(ack.options.leaseTime, LEASE_SECONDS);
    });

    test('another address than the client holds: NAK', async () => {
      const client = fx.newClient();
      const held = await bind(fx.client, client);
      assertNak(await fx.client.ask(client.reboot(held + 50)));
      assert.equal(assertType(await fx.client.ask(client.reboot(held)), MessageType.Ack).yiaddr, held);
    });
  });

  describe('REQUEST in RENEWING and REBINDING', () => {
    test('RENEWING (unicast to the server): ACK unicast to ciaddr:68, lease extended', async () => {
      const client = fx.newClient();
      const address = await bind(fx.client, client);
      const before = await fx.counters();
      const reply = await fx.withClientAddress(address, () => fx.client.ask(client.renew(address), SERVER_ID));
      const ack = assertType(reply, MessageType.Ack);
      assert.deepEqual([reply.from, reply.port], [SERVER_ID, 67]);
      assert.equal(ack.ciaddr, address);
      assert.equal(ack.yiaddr, address);
      assert.equal(ack.options.leaseTime, LEASE_SECONDS);
      const after = await fx.counters();
      assert.equal(after.leasesCommitted - before.leasesCommitted, 1, 'the extended lease was written');
    });

    test('REBINDING (broadcast): ACK to ciaddr with a new lease time', async () => {
      const client = fx.newClient();
      const address = await bind(fx.client, client);
      const reply = await fx.withClientAddress(address, () => fx.client.ask(client.renew(address, { leaseTime: 1200 })));
      const ack = assertType(reply, MessageType.Ack);
      assert.equal(ack.yiaddr, address);
      assert.equal(ack.ciaddr, address);
      assert.equal(ack.options.leaseTime, 1200);
      assert.equal(ack.options.rebindingTime, 1050);
    });
  });
});
