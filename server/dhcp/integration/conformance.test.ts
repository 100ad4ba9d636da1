// Conformance of the real daemon (bin/homeplane.mjs serve) to RFC 2131 and its companions, with
// crafted packets sent from lab namespaces. Every rule of engine.ts and reply.ts has a case here.
// Silence is asserted as "nothing within SILENCE_MS", and every silence is followed by a request
// that is answered, so a dead server never passes for a silent one.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, FLAG_BROADCAST, formatIPv4, MessageType, PacketError, type Packet } from '../codec/index.ts';
import { ip, SimClient } from './conformance-client.ts';
import { assertNak, assertStillHeld, assertType, bind } from './conformance-assert.ts';
import { ConformanceLab, delta, RELAY_GIADDR, SERVER_ID } from './conformance-lab.ts';
import type { Reply } from './conformance-peer.ts';
import { malformedRequests } from './conformance-malformed.ts';

const LEASE_SECONDS = 600;
const SERVER = ip(SERVER_ID);
const OTHER_SERVER = ip('10.123.0.254');
const MASK_24 = ip('255.255.255.0');
const POOL = { first: ip('10.123.0.100'), last: ip('10.123.0.199') };
/** NTP servers (162 bytes of option 42) to make a full reply outgrow 576 bytes (option 57 cases). */
const NTP_SERVERS = Array.from({ length: 40 }, (_, i) => `10.123.1.${i + 1}`);
const RESERVED_BY_MAC = { mac: '52:54:00:aa:bb:cc', ip: '10.123.0.10', hostname: 'nas' };
const RESERVED_BY_ID = { clientId: '01:52:54:00:aa:bb:dd', ip: '10.123.0.11' };
/** A reservation inside the pool: nobody else may be given it. */
const RESERVED_IN_POOL = { mac: '52:54:00:aa:bb:ee', ip: '10.123.0.150' };

function inRange(address: number, range: { first: number; last: number }): boolean {
  return address >= range.first && address <= range.last;
}

describe('authoritative server', () => {
  let fx: ConformanceLab;
  before(async () => {
    fx = await ConformanceLab.start({
      name: 'conf',
      relay: true,
      // Every renewal written, so the renewal cases see their lease extended (the cache has its own block).
      dhcp: { leaseTime: LEASE_SECONDS, cacheThreshold: 0 },
      subnet: { ntpServers: NTP_SERVERS, reservations: [RESERVED_BY_MAC, RESERVED_BY_ID, RESERVED_IN_POOL] },
    });
  });
  after(() => fx?.close());
  afterEach(async () => assert.deepEqual(await fx.leftovers(), [], 'datagrams nobody expected'));

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
      const routersOnly = assertType(
        await fx.client.ask(fx.newClient().discover({ parameterRequestList: [3] })),
        MessageType.Offer,
      );
      assert.deepEqual(routersOnly.options.routers, [SERVER]);
      assert.equal(routersOnly.options.subnetMask, MASK_24, 'the mask is always sent');
      for (const key of ['dnsServers', 'domainName', 'ntpServers', 'broadcastAddress'] as const) {
        assert.equal(routersOnly.options[key], undefined, `${key} not asked for`);
      }
      const ntpAndBroadcast = assertType(
        await fx.client.ask(fx.newClient().discover({ parameterRequestList: [42, 28] })),
        MessageType.Offer,
      );
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
      const ack = assertType(
        await fx.client.ask(client.select(SERVER, offer.yiaddr, { leaseTime: 10 })),
        MessageType.Ack,
      );
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
      await assertStillHeld(fx.client, holder, taken);
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
      await assertStillHeld(fx.client, client, held);
    });
  });

  describe('REQUEST in RENEWING and REBINDING', () => {
    test('RENEWING (unicast to the server): ACK unicast to ciaddr:68, lease extended', async () => {
      const client = fx.newClient();
      const address = await bind(fx.client, client);
      const before = await fx.counters();
      const reply = await fx.withClientAddress(address, (bound) => bound.ask(client.renew(address), SERVER_ID));
      await fx.client.expectSilence('a unicast ACK'); // not broadcast as well
      const ack = assertType(reply, MessageType.Ack);
      assert.deepEqual([reply.from, reply.port], [SERVER_ID, 67]);
      assert.equal(ack.ciaddr, address);
      assert.equal(ack.yiaddr, address);
      assert.deepEqual([ack.options.leaseTime, ack.options.renewalTime, ack.options.rebindingTime], [600, 300, 525]);
      const after = await fx.counters();
      assert.equal(after.leasesCommitted - before.leasesCommitted, 1, 'the extended lease was written');
    });

    test('REBINDING (broadcast): ACK to ciaddr with a new lease time', async () => {
      const client = fx.newClient();
      const address = await bind(fx.client, client);
      const reply = await fx.withClientAddress(address, (bound) =>
        bound.ask(client.renew(address, { leaseTime: 1200 })),
      );
      const ack = assertType(reply, MessageType.Ack);
      assert.equal(ack.yiaddr, address);
      assert.equal(ack.ciaddr, address);
      assert.deepEqual([ack.options.leaseTime, ack.options.renewalTime, ack.options.rebindingTime], [1200, 600, 1050]);
      await fx.client.expectSilence('a unicast ACK');
    });
  });

  describe('RELEASE', () => {
    test('from the holder: no reply, and the client gets the same address back', async () => {
      const client = fx.newClient();
      const address = await bind(fx.client, client);
      const before = await fx.counters();
      await fx.withClientAddress(address, (bound) => bound.askSilently(client.release(address, SERVER), SERVER_ID));
      const offer = assertType(await fx.client.ask(client.discover()), MessageType.Offer);
      assert.equal(offer.yiaddr, address, "RFC 2131 4.3.1: the client's previous address");
      const after = await fx.counters();
      assert.equal(after.recorded.released - before.recorded.released, 1);
    });

    test('from a non-holder: ignored, the holder keeps the address', async () => {
      const holder = fx.newClient();
      const address = await bind(fx.client, holder);
      const before = await fx.counters();
      await fx.client.askSilently(fx.newClient().release(address, SERVER));
      // Still held: another client asking for it is refused.
      assertNak(await fx.client.ask(fx.newClient().reboot(address)));
      await assertStillHeld(fx.client, holder, address);
      const after = await fx.counters();
      assert.equal(delta(before, after, 'dropped', 'not-holder'), 1);
      assert.equal(after.recorded.released - before.recorded.released, 0);
    });

    test('naming another server: ignored', async () => {
      const holder = fx.newClient();
      const address = await bind(fx.client, holder);
      const before = await fx.counters();
      await fx.client.askSilently(holder.release(address, OTHER_SERVER));
      assertNak(await fx.client.ask(fx.newClient().reboot(address)));
      const after = await fx.counters();
      assert.equal(delta(before, after, 'dropped', 'other-server'), 1);
      assert.equal(after.recorded.released - before.recorded.released, 0);
    });
  });

  describe('DECLINE (the quarantine itself: tiny pool, below)', () => {
    test('from a non-holder: ignored, the holder renews', async () => {
      const holder = fx.newClient();
      const address = await bind(fx.client, holder);
      const before = await fx.counters();
      await fx.client.askSilently(fx.newClient().decline(address, SERVER));
      await assertStillHeld(fx.client, holder, address);
      const after = await fx.counters();
      assert.equal(delta(before, after, 'dropped', 'not-holder'), 1);
      assert.equal(after.recorded.declined - before.recorded.declined, 0);
    });

    test('naming another server: ignored, the holder renews', async () => {
      const holder = fx.newClient();
      const address = await bind(fx.client, holder);
      const before = await fx.counters();
      await fx.client.askSilently(holder.decline(address, OTHER_SERVER));
      await assertStillHeld(fx.client, holder, address);
      const after = await fx.counters();
      assert.equal(delta(before, after, 'dropped', 'other-server'), 1);
      assert.equal(after.recorded.declined - before.recorded.declined, 0);
    });
  });

  test('INFORM: ACK with options, no address, no lease time, unicast to ciaddr', async () => {
    const address = ip('10.123.0.77'); // a static address outside the pool
    const client = fx.newClient();
    const reply = await fx.withClientAddress(address, (bound) =>
      bound.ask(client.inform(address, { parameterRequestList: [1, 3, 6, 15, 51, 58, 59] }), SERVER_ID),
    );
    await fx.client.expectSilence('a unicast ACK');
    const ack = assertType(reply, MessageType.Ack);
    assert.equal(ack.yiaddr, 0);
    assert.equal(ack.ciaddr, address);
    assert.equal(ack.options.serverId, SERVER);
    assert.equal(ack.options.subnetMask, MASK_24);
    assert.deepEqual(ack.options.routers, [SERVER]);
    assert.deepEqual(ack.options.dnsServers, [SERVER]);
    assert.equal(ack.options.domainName, 'lab.home');
    // RFC 2131 4.3.5: no lease time, even when asked for; so no T1/T2 either.
    assert.deepEqual(
      [ack.options.leaseTime, ack.options.renewalTime, ack.options.rebindingTime],
      [undefined, undefined, undefined],
    );
  });

  describe('client identifier (option 61)', () => {
    test('echoed in OFFER, ACK and NAK (RFC 6842)', async () => {
      const client = fx.newClient('ff:00:00:00:01:00:01:2c:3d:4e:5f');
      const offer = assertType(await fx.client.ask(client.discover()), MessageType.Offer);
      assert.deepEqual(offer.options.clientId, client.clientId);
      const ack = assertType(await fx.client.ask(client.select(SERVER, offer.yiaddr)), MessageType.Ack);
      assert.deepEqual(ack.options.clientId, client.clientId);
      const nak = assertNak(await fx.client.ask(client.reboot(ip('192.168.99.5'))));
      assert.deepEqual(nak.options.clientId, client.clientId);
    });

    test('not invented for a client that sent none', async () => {
      const offer = assertType(await fx.client.ask(fx.newClient().discover()), MessageType.Offer);
      assert.equal(offer.options.clientId, undefined);
    });

    test('one MAC with two client identifiers is two clients with two addresses', async () => {
      const first = fx.newClient('01:aa:00:00:00:00:01');
      const second = new SimClient(first.mac, '01:aa:00:00:00:00:02');
      const a = await bind(fx.client, first);
      const b = await bind(fx.client, second);
      assert.notEqual(a, b);
      assertNak(await fx.client.ask(second.reboot(a)));
      await assertStillHeld(fx.client, first, a);
    });
  });

  describe('relay agent (giaddr)', () => {
    const RELAYED_POOL = { first: ip('10.124.0.100'), last: ip('10.124.0.199') };
    const GIADDR = ip(RELAY_GIADDR);
    // Option 82 with circuit id "eth7" and remote id 01:02:03:04:05:06 (RFC 3046 3.1, 3.2).
    const AGENT_INFO = Uint8Array.from([1, 4, 0x65, 0x74, 0x68, 0x37, 2, 6, 1, 2, 3, 4, 5, 6]);
    const relayed = { giaddr: GIADDR, hops: 1 };

    function assertRelayedReply(reply: Reply, type: MessageType): Packet {
      const packet = assertType(reply, type);
      assert.deepEqual([reply.from, reply.port], [SERVER_ID, 67], 'to the relay at giaddr:67');
      assert.equal(packet.giaddr, GIADDR);
      assert.equal(packet.options.serverId, SERVER);
      assert.deepEqual(packet.options.relayAgentInfo, AGENT_INFO, 'option 82 echoed byte for byte (RFC 3046 2.2)');
      return packet;
    }

    test("DISCOVER and REQUEST: the relay's subnet, replies to giaddr:67, option 82 echoed", async () => {
      const relay = fx.relay!;
      const client = fx.newClient();
      const offerReply = await relay.ask(client.discover({ relayAgentInfo: AGENT_INFO }, relayed), SERVER_ID);
      const offer = assertRelayedReply(offerReply, MessageType.Offer);
      assert.ok(inRange(offer.yiaddr, RELAYED_POOL), `yiaddr ${formatIPv4(offer.yiaddr)} from the relayed subnet`);
      assert.deepEqual(offer.options.routers, [GIADDR]);
      assert.equal(offer.options.subnetMask, MASK_24);
      assert.equal(
        offer.flags & FLAG_BROADCAST,
        0,
        'broadcast bit not set on an OFFER the client did not ask to be broadcast',
      );
      const ack = assertRelayedReply(
        await relay.ask(client.select(SERVER, offer.yiaddr, { relayAgentInfo: AGENT_INFO }, relayed), SERVER_ID),
        MessageType.Ack,
      );
      assert.equal(ack.yiaddr, offer.yiaddr);
      await fx.client.expectSilence('relayed requests'); // nothing went to the client's own segment
    });

    test('NAK through the relay has the broadcast bit set', async () => {
      const relay = fx.relay!;
      const wrongNetwork = fx.newClient().reboot(ip('10.123.0.120'), { relayAgentInfo: AGENT_INFO }, relayed);
      const nak = assertRelayedReply(await relay.ask(wrongNetwork, SERVER_ID), MessageType.Nak);
      assert.equal(nak.flags & FLAG_BROADCAST, FLAG_BROADCAST, 'RFC 2131 4.3.2: the relay must broadcast the NAK');
      assert.equal(nak.yiaddr, 0);
    });
  });

  describe('reservations win over the pool', () => {
    test('by MAC: the reserved address and hostname, even when the client asks for a pool address', async () => {
      const client = new SimClient(RESERVED_BY_MAC.mac);
      const offer = assertType(
        await fx.client.ask(client.discover({ requestedIp: ip('10.123.0.180'), parameterRequestList: [1, 3, 12] })),
        MessageType.Offer,
      );
      assert.equal(offer.yiaddr, ip(RESERVED_BY_MAC.ip));
      assert.equal(offer.options.hostName, RESERVED_BY_MAC.hostname);
      const ack = assertType(await fx.client.ask(client.select(SERVER, offer.yiaddr)), MessageType.Ack);
      assert.equal(ack.yiaddr, ip(RESERVED_BY_MAC.ip));
    });

    test('by client identifier', async () => {
      const client = fx.newClient(RESERVED_BY_ID.clientId);
      assert.equal(await bind(fx.client, client), ip(RESERVED_BY_ID.ip));
    });

    test('a reserved address inside the pool goes to nobody else', async () => {
      const reserved = ip(RESERVED_IN_POOL.ip);
      const other = fx.newClient();
      assertNak(await fx.client.ask(other.reboot(reserved)));
      const offer = assertType(await fx.client.ask(other.discover({ requestedIp: reserved })), MessageType.Offer);
      assert.notEqual(offer.yiaddr, reserved);
      assert.equal(await bind(fx.client, new SimClient(RESERVED_IN_POOL.mac)), reserved);
    });
  });

  test('malformed packets are dropped and counted; the server keeps answering', async () => {
    const valid = fx.newClient().discover();
    const cases = malformedRequests(valid);
    for (const { why, bytes } of cases)
      assert.ok(decode(bytes) instanceof PacketError, `${why}: malformed for the codec too`);
    assertType(await fx.client.ask(fx.newClient().discover()), MessageType.Offer);
    const before = await fx.counters();
    for (const { bytes } of cases) await fx.client.send(bytes);
    await fx.client.expectSilence('malformed packets');
    assertType(await fx.client.ask(valid), MessageType.Offer);
    const after = await fx.counters();
    assert.equal(delta(before, after, 'dropped', 'malformed'), cases.length);
    assert.equal(delta(before, after, 'received', 'unknown'), cases.length);
    assert.equal(delta(before, after, 'sent', 'offer'), 1);
  });

  describe('maximum message size (option 57)', () => {
    const everything = Array.from({ length: 254 }, (_, i) => i + 1);
    /** Option 61 of `length` bytes (type octet 0, then filler), distinct per client. */
    const clientIdOf = (length: number, tag: number): string =>
      `00${tag.toString(16).padStart(2, '0')}${'ab'.repeat(length - 2)}`;
    // With every option asked for, the reply's options take 223 bytes plus option 61: with a
    // 125-byte identifier 350, more than the 308 a 576-byte message leaves after the header,
    // so the reply needs option overload (RFC 2132 9.3) to fit.

    test('576: a reply that needs more room still fits in 576 - 28 bytes, options intact', async () => {
      const client = fx.newClient(clientIdOf(125, 1));
      const reply = await fx.client.ask(client.discover({ maxMessageSize: 576, parameterRequestList: everything }));
      const offer = assertType(reply, MessageType.Offer);
      assert.ok(reply.size <= 548, `OFFER is ${reply.size} bytes`);
      assert.deepEqual(offer.options.clientId, client.clientId);
      assert.equal(offer.options.ntpServers?.length, NTP_SERVERS.length);
      assert.deepEqual(offer.options.routers, [SERVER]);
      assert.deepEqual(offer.options.dnsServers, [SERVER]);
      assert.equal(offer.options.domainName, 'lab.home');
      assert.equal(offer.options.broadcastAddress, ip('10.123.0.255'));
      assert.deepEqual(
        [offer.options.leaseTime, offer.options.renewalTime, offer.options.rebindingTime],
        [600, 300, 525],
      );
      const ackReply = await fx.client.ask(
        client.select(SERVER, offer.yiaddr, { maxMessageSize: 576, parameterRequestList: everything }),
      );
      const ack = assertType(ackReply, MessageType.Ack);
      assert.ok(ackReply.size <= 548, `ACK is ${ackReply.size} bytes`);
      assert.deepEqual(ack.options.clientId, client.clientId);
      assert.equal(ack.options.ntpServers?.length, NTP_SERVERS.length);
    });

    test('1500: the same reply is sent whole, past 548 bytes (so the limit above did the work)', async () => {
      const client = fx.newClient(clientIdOf(125, 2));
      const reply = await fx.client.ask(client.discover({ maxMessageSize: 1500, parameterRequestList: everything }));
      assertType(reply, MessageType.Offer);
      assert.ok(reply.size > 548, `OFFER is ${reply.size} bytes`);
    });

    test('absent: the RFC 2131 minimum of 576 applies', async () => {
      const reply = await fx.client.ask(
        fx.newClient(clientIdOf(125, 3)).discover({ parameterRequestList: everything }),
      );
      assertType(reply, MessageType.Offer);
      assert.ok(reply.size <= 548, `OFFER is ${reply.size} bytes`);
    });

    test('576: a 200-byte client identifier is still echoed (RFC 6842), other options giving way', async () => {
      // 223 + 202 = 425 bytes of options: too many for the options field (308), and option 61
      // (202) fits neither file (128) nor sname (64) whole. RFC 6842 section 3: the server MUST
      // return option 61 unaltered. Room exists: split over fields (RFC 3396) or drop option 42.
      const client = fx.newClient(clientIdOf(200, 4));
      const reply = await fx.client.ask(client.discover({ maxMessageSize: 576, parameterRequestList: everything }));
      const offer = assertType(reply, MessageType.Offer);
      assert.ok(reply.size <= 548, `OFFER is ${reply.size} bytes`);
      assert.deepEqual(offer.options.clientId, client.clientId);
    });
  });
});

describe('tiny pool (two addresses): exhaustion and quarantine', () => {
  // One scenario in order: the tests share the pool's state.
  let fx: ConformanceLab;
  const pool = [ip('10.123.0.100'), ip('10.123.0.101')];
  let holders: { client: SimClient; address: number }[] = [];
  before(async () => {
    fx = await ConformanceLab.start({ name: 'confpool', subnet: { pools: ['10.123.0.100-10.123.0.101'] } });
  });
  after(() => fx?.close());
  afterEach(async () => assert.deepEqual(await fx.leftovers(), [], 'datagrams nobody expected'));

  test('both addresses offered: a third client gets silence, counted as pool-exhausted', async () => {
    const first = fx.newClient();
    const second = fx.newClient();
    const a = assertType(await fx.client.ask(first.discover()), MessageType.Offer).yiaddr;
    const b = assertType(await fx.client.ask(second.discover()), MessageType.Offer).yiaddr;
    assert.deepEqual([a, b].sort(), pool);
    const before = await fx.counters();
    await fx.client.askSilently(fx.newClient().discover());
    assert.equal(assertType(await fx.client.ask(second.select(SERVER, b)), MessageType.Ack).yiaddr, b);
    const after = await fx.counters();
    assert.equal(delta(before, after, 'dropped', 'pool-exhausted'), 1);
    // The first client chooses another server: its offer is withdrawn and goes to the next client.
    await fx.client.askSilently(first.select(OTHER_SERVER, a));
    const third = fx.newClient();
    assert.equal(assertType(await fx.client.ask(third.discover()), MessageType.Offer).yiaddr, a);
    assert.equal(assertType(await fx.client.ask(third.select(SERVER, a)), MessageType.Ack).yiaddr, a);
    holders = [
      { client: third, address: a },
      { client: second, address: b },
    ];
  });

  test('every address bound: silence for a newcomer, answers for the holders', async () => {
    const before = await fx.counters();
    await fx.client.askSilently(fx.newClient().discover());
    for (const { client, address } of holders) {
      await assertStillHeld(fx.client, client, address);
    }
    const after = await fx.counters();
    assert.equal(delta(before, after, 'dropped', 'pool-exhausted'), 1);
  });

  test('DECLINE from the holder: the address is quarantined, offered to nobody', async () => {
    const [declining, keeping] = holders;
    const before = await fx.counters();
    await fx.client.askSilently(declining!.client.decline(declining!.address, SERVER));
    // The pool now has the quarantined address and a bound one: nothing to offer, to anyone.
    await fx.client.askSilently(fx.newClient().discover());
    await fx.client.askSilently(declining!.client.discover());
    assertNak(await fx.client.ask(fx.newClient().reboot(declining!.address)));
    await assertStillHeld(fx.client, keeping!.client, keeping!.address);
    const after = await fx.counters();
    assert.equal(after.recorded.declined - before.recorded.declined, 1);
    assert.equal(delta(before, after, 'dropped', 'pool-exhausted'), 2);
  });
});

describe('non-authoritative server (RFC 2131 4.3.2)', () => {
  let fx: ConformanceLab;
  before(async () => {
    fx = await ConformanceLab.start({
      name: 'confna',
      dhcp: { authoritative: false, leaseTime: LEASE_SECONDS, cacheThreshold: 0 },
    });
  });
  after(() => fx?.close());
  afterEach(async () => assert.deepEqual(await fx.leftovers(), [], 'datagrams nobody expected'));

  test('INIT-REBOOT from a client with no record: silence', async () => {
    const client = fx.newClient();
    const before = await fx.counters();
    await fx.client.askSilently(client.reboot(ip('10.123.0.150')));
    await fx.client.askSilently(client.reboot(ip('192.168.99.5'))); // even for another network
    assertType(await fx.client.ask(client.discover()), MessageType.Offer);
    const after = await fx.counters();
    assert.equal(delta(before, after, 'dropped', 'no-record'), 2);
  });

  test('REBINDING from a client with no record: silence', async () => {
    const client = fx.newClient();
    const address = ip('10.123.0.151');
    await fx.withClientAddress(address, (bound) => bound.askSilently(client.renew(address)));
    await fx.client.expectSilence('REBINDING');
    assertType(await fx.client.ask(client.discover()), MessageType.Offer);
  });

  test('INIT-REBOOT matching the record: ACK; for another address: NAK', async () => {
    const client = fx.newClient();
    const address = await bind(fx.client, client);
    const ack = assertType(await fx.client.ask(client.reboot(address)), MessageType.Ack);
    assert.equal(ack.yiaddr, address);
    assert.equal(ack.options.leaseTime, LEASE_SECONDS);
    assertNak(await fx.client.ask(client.reboot(address + 20)));
  });
});

describe('early renewals answered from the stored lease (cacheThreshold, default 0.25)', () => {
  let fx: ConformanceLab;
  before(async () => {
    fx = await ConformanceLab.start({ name: 'confcache', dhcp: { leaseTime: LEASE_SECONDS } });
  });
  after(() => fx?.close());

  test('a client renewing 100 times a second for 10 s is ACKed every time; its grant is the only event and the only write', async (t) => {
    const client = fx.newClient();
    const address = await bind(fx.client, client);
    const before = await fx.counters();
    const eventsBefore = await fx.daemon.leaseEventCount();
    const started = Date.now();
    let acked = 0;
    let lastLeaseTime = Infinity;
    await fx.withClientAddress(address, async (bound) => {
      for (let i = 0; i < 1000; i++) {
        const ack = assertType(await bound.ask(client.renew(address), SERVER_ID), MessageType.Ack);
        assert.equal(ack.yiaddr, address);
        // The stored lease's remaining time: never more than the last one said.
        assert.ok(
          ack.options.leaseTime! <= lastLeaseTime,
          `lease time ${ack.options.leaseTime} after ${lastLeaseTime}`,
        );
        lastLeaseTime = ack.options.leaseTime!;
        acked++;
        const due = started + (i + 1) * 10; // 100 per second
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
    });
    const after = await fx.counters();
    const written = (await fx.daemon.leaseEventCount()) - eventsBefore;
    t.diagnostic(
      `${acked} renewals in ${((Date.now() - started) / 1000).toFixed(1)} s: ${written} events, ${after.leasesCommitted - before.leasesCommitted} lease writes`,
    );
    assert.equal(acked, 1000);
    assert.equal(written, 0, 'no event per early renewal');
    assert.equal(after.leasesCommitted - before.leasesCommitted, 0, 'no write per early renewal');
  });

  test('an early renewal that changes the host name is written, with its event', async () => {
    const client = fx.newClient();
    const address = await bind(fx.client, client);
    const before = await fx.counters();
    const eventsBefore = await fx.daemon.leaseEventCount();
    const ack = assertType(
      await fx.withClientAddress(address, (bound) =>
        bound.ask(client.renew(address, { hostName: 'renamed' }), SERVER_ID),
      ),
      MessageType.Ack,
    );
    assert.equal(ack.options.leaseTime, LEASE_SECONDS, 'a full new lease');
    assert.equal((await fx.counters()).leasesCommitted - before.leasesCommitted, 1);
    assert.equal((await fx.daemon.leaseEventCount()) - eventsBefore, 1);
  });
});
