// Engine conformance to RFC 2131 decisions, on hand-built requests (no sockets, no clock).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyOptions, hexToBytes } from './codec/index.ts';
import { FLAG_BROADCAST, MessageType, type Packet } from './codec/types.ts';
import { parseCidr, parseIPv4 } from './codec/ipv4.ts';
import type { SubnetConfig } from '../config/types.ts';
import { DhcpEngine, type EngineSettings, type RequestContext } from './engine.ts';
import { Bindings } from './bindings.ts';
import { Subnet } from './subnet.ts';
import type { Outcome } from './outcome.ts';
import { openSqlite } from '../store/sqlite.ts';
import { SqliteLeaseStore } from '../store/sqlite-lease-store.ts';
import { makeScratchDir } from '../store/testing/fixtures.ts';

const ip = (s: string): number => parseIPv4(s)!;
const SERVER = ip('10.123.0.1');
const T0 = 1_700_000_000_000;

function subnetConfig(over: Partial<SubnetConfig> & { id: string }): SubnetConfig {
  return {
    cidr: parseCidr(over.id)!,
    pools: [],
    routers: [],
    dnsServers: [],
    domainName: null,
    ntpServers: [],
    leaseTime: null,
    options: [],
    nextServer: null,
    bootFile: null,
    serverHostname: null,
    reservations: [],
    ...over,
  };
}

// The engine's changes go through the real Bindings and a real SQLite store (a scratch file per lab).
const scratch = makeScratchDir();
const stores: SqliteLeaseStore[] = [];
let labs = 0;
after(async () => {
  for (const store of stores) await store.close();
  scratch.remove();
});

function lab(opts: { authoritative?: boolean; pool?: [string, string]; cacheThreshold?: number } = {}) {
  const [start, end] = opts.pool ?? ['10.123.0.100', '10.123.0.199'];
  const local = new Subnet(
    subnetConfig({
      id: '10.123.0.0/24',
      pools: [{ start: ip(start), end: ip(end) }],
      routers: [SERVER],
      dnsServers: [SERVER],
      domainName: 'lab.home',
      reservations: [
        {
          mac: '52:54:00:aa:bb:cc',
          clientId: null,
          ip: ip('10.123.0.10'),
          hostname: 'nas',
          options: [],
          nextServer: null,
          bootFile: null,
          serverHostname: null,
        },
      ],
    }),
  );
  const remote = new Subnet(
    subnetConfig({
      id: '10.200.0.0/24',
      pools: [{ start: ip('10.200.0.50'), end: ip('10.200.0.60') }],
      routers: [ip('10.200.0.1')],
    }),
  );
  const settings: EngineSettings = {
    authoritative: opts.authoritative ?? true,
    port: 67,
    leaseTime: 3600,
    minLeaseTime: 60,
    maxLeaseTime: 7200,
    declineProbation: 86400,
    offerTimeout: 60,
    cacheThreshold: opts.cacheThreshold ?? 0.25,
  };
  const store = new SqliteLeaseStore(openSqlite({ file: `${scratch.path}/lab-${++labs}.db`, durability: 'process' }));
  stores.push(store);
  const bindings = new Bindings([local, remote], store);
  const engine = new DhcpEngine(settings, bindings, new Set([SERVER]));
  const ctx = (now = T0): RequestContext => ({ iface: { name: 'veth0', address: SERVER, subnet: local }, now });
  return { engine, bindings, store, ctx, local, remote };
}

interface Req {
  type: MessageType;
  mac?: string;
  ciaddr?: string;
  giaddr?: string;
  requested?: string;
  serverId?: string;
  clientId?: string;
  prl?: number[];
  leaseTime?: number;
  flags?: number;
  relayInfo?: string;
}

function req(r: Req): Packet {
  const options = emptyOptions();
  options.messageType = r.type;
  if (r.requested) options.requestedIp = ip(r.requested);
  if (r.serverId) options.serverId = ip(r.serverId);
  if (r.clientId) options.clientId = hexToBytes(r.clientId);
  if (r.prl) options.parameterRequestList = r.prl;
  if (r.leaseTime !== undefined) options.leaseTime = r.leaseTime;
  if (r.relayInfo) options.relayAgentInfo = hexToBytes(r.relayInfo);
  const mac = (r.mac ?? '02:00:00:00:00:01').split(':').map((h) => parseInt(h, 16));
  return {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 0x1234,
    secs: 0,
    flags: r.flags ?? 0,
    ciaddr: r.ciaddr ? ip(r.ciaddr) : 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: r.giaddr ? ip(r.giaddr) : 0,
    chaddr: Uint8Array.from(mac),
    sname: '',
    file: '',
    options,
  };
}

function reply(o: Outcome) {
  assert.equal(o.action, 'reply', `expected a reply, got ${JSON.stringify(o)}`);
  return o as Extract<Outcome, { action: 'reply' }>;
}

function expectDrop(o: Outcome, reason: string): void {
  assert.equal(o.action, 'drop');
  assert.equal((o as { reason: string }).reason, reason);
}

/** DISCOVER + REQUEST(selecting); returns the bound address. */
function dora(l: ReturnType<typeof lab>, r: Omit<Req, 'type'> = {}, now = T0): number {
  const offer = reply(l.engine.handle(req({ ...r, type: MessageType.Discover }), l.ctx(now)));
  const ack = reply(
    l.engine.handle(
      req({ ...r, type: MessageType.Request, serverId: '10.123.0.1', requested: fmt(offer.reply.yiaddr) }),
      l.ctx(now),
    ),
  );
  assert.equal(ack.reply.options.messageType, MessageType.Ack);
  return ack.reply.yiaddr;
}

const fmt = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

describe('DISCOVER', () => {
  test('offers a pool address with lease times and the subnet options, broadcast', () => {
    const l = lab();
    const o = reply(l.engine.handle(req({ type: MessageType.Discover }), l.ctx()));
    assert.equal(o.reply.options.messageType, MessageType.Offer);
    assert.equal(fmt(o.reply.yiaddr), '10.123.0.100');
    assert.equal(o.reply.options.serverId, SERVER);
    assert.equal(o.reply.options.leaseTime, 3600);
    assert.equal(o.reply.options.renewalTime, 1800);
    assert.equal(o.reply.options.rebindingTime, 3150);
    assert.equal(o.reply.options.subnetMask, ip('255.255.255.0'));
    assert.deepEqual(o.reply.options.routers, [SERVER]);
    assert.equal(o.reply.options.domainName, 'lab.home');
    assert.deepEqual(o.to, { address: 0xffffffff, port: 68 });
    assert.deepEqual(o.change.writes, [], 'offers are not persisted');
  });

  test('two clients get different addresses; the same client gets its offer again', () => {
    const l = lab();
    const a = reply(l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:01' }), l.ctx())).reply
      .yiaddr;
    const b = reply(l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:02' }), l.ctx())).reply
      .yiaddr;
    const again = reply(l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:01' }), l.ctx())).reply
      .yiaddr;
    assert.notEqual(a, b);
    assert.equal(again, a);
  });

  test('honours a requested address that is free in the pool', () => {
    const l = lab();
    const o = reply(l.engine.handle(req({ type: MessageType.Discover, requested: '10.123.0.150' }), l.ctx()));
    assert.equal(fmt(o.reply.yiaddr), '10.123.0.150');
  });

  test('parameter request list limits the options sent', () => {
    const l = lab();
    const o = reply(l.engine.handle(req({ type: MessageType.Discover, prl: [1, 3] }), l.ctx()));
    assert.deepEqual(o.reply.options.routers, [SERVER]);
    assert.equal(o.reply.options.dnsServers, undefined);
    assert.equal(o.reply.options.domainName, undefined);
  });

  test('a reserved MAC is offered its reserved address', () => {
    const l = lab();
    const o = reply(
      l.engine.handle(req({ type: MessageType.Discover, mac: '52:54:00:aa:bb:cc', prl: [1, 12] }), l.ctx()),
    );
    assert.equal(fmt(o.reply.yiaddr), '10.123.0.10');
    assert.equal(o.reply.options.hostName, 'nas');
  });

  test('pool exhaustion is silence, never a duplicate', () => {
    const l = lab({ pool: ['10.123.0.100', '10.123.0.101'] });
    const first = dora(l, { mac: '02:00:00:00:00:01' });
    const second = dora(l, { mac: '02:00:00:00:00:02' });
    assert.notEqual(first, second);
    expectDrop(
      l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:03' }), l.ctx()),
      'pool-exhausted',
    );
  });

  test('lease time asked for is clamped to the configured limits', () => {
    const l = lab();
    assert.equal(
      reply(l.engine.handle(req({ type: MessageType.Discover, leaseTime: 10 }), l.ctx())).reply.options.leaseTime,
      60,
    );
    assert.equal(
      reply(l.engine.handle(req({ type: MessageType.Discover, leaseTime: 99999, mac: '02:00:00:00:00:09' }), l.ctx()))
        .reply.options.leaseTime,
      7200,
    );
  });
});

describe('REQUEST', () => {
  test('SELECTING binds the offered address and writes the lease', () => {
    const l = lab();
    const offer = reply(l.engine.handle(req({ type: MessageType.Discover }), l.ctx())).reply;
    const o = reply(
      l.engine.handle(
        req({ type: MessageType.Request, serverId: '10.123.0.1', requested: fmt(offer.yiaddr) }),
        l.ctx(),
      ),
    );
    assert.equal(o.reply.options.messageType, MessageType.Ack);
    assert.equal(o.reply.yiaddr, offer.yiaddr);
    assert.equal(o.change.writes.length, 1);
    const lease = l.bindings.byAddr(offer.yiaddr)!;
    assert.equal(lease.state, 'active');
    assert.equal(lease.expiresAt, T0 + 3600_000);
  });

  test('SELECTING another server is silence and frees our offer', () => {
    const l = lab({ pool: ['10.123.0.100', '10.123.0.100'] });
    reply(l.engine.handle(req({ type: MessageType.Discover }), l.ctx()));
    expectDrop(
      l.engine.handle(req({ type: MessageType.Request, serverId: '10.123.0.254', requested: '10.123.0.100' }), l.ctx()),
      'other-server',
    );
    const other = reply(l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:02' }), l.ctx()));
    assert.equal(fmt(other.reply.yiaddr), '10.123.0.100');
  });

  test('SELECTING an address bound to someone else is NAKed by broadcast', () => {
    const l = lab();
    const taken = dora(l, { mac: '02:00:00:00:00:01' });
    const o = reply(
      l.engine.handle(
        req({ type: MessageType.Request, mac: '02:00:00:00:00:02', serverId: '10.123.0.1', requested: fmt(taken) }),
        l.ctx(),
      ),
    );
    assert.equal(o.reply.options.messageType, MessageType.Nak);
    assert.equal(o.reply.yiaddr, 0);
    assert.deepEqual(o.to, { address: 0xffffffff, port: 68 });
  });

  test('SELECTING without option 50 is dropped', () => {
    const l = lab();
    expectDrop(l.engine.handle(req({ type: MessageType.Request, serverId: '10.123.0.1' }), l.ctx()), 'missing-field');
  });

  test('RENEWING extends the lease and answers ciaddr by unicast', () => {
    const l = lab();
    const a = dora(l);
    const o = reply(l.engine.handle(req({ type: MessageType.Request, ciaddr: fmt(a) }), l.ctx(T0 + 1800_000)));
    assert.equal(o.reply.options.messageType, MessageType.Ack);
    assert.equal(o.reply.ciaddr, a);
    assert.deepEqual(o.to, { address: a, port: 68 });
    assert.equal(l.bindings.byAddr(a)!.expiresAt, T0 + 1800_000 + 3600_000);
  });

  for (const authoritative of [true, false]) {
    test(`INIT-REBOOT with a record is ACKed (authoritative ${authoritative})`, () => {
      const l = lab({ authoritative });
      const a = dora(l);
      const o = reply(l.engine.handle(req({ type: MessageType.Request, requested: fmt(a) }), l.ctx()));
      assert.equal(o.reply.options.messageType, MessageType.Ack);
    });
    test(`INIT-REBOOT for another address than the record is NAKed (authoritative ${authoritative})`, () => {
      const l = lab({ authoritative });
      dora(l);
      const o = reply(l.engine.handle(req({ type: MessageType.Request, requested: '10.123.0.190' }), l.ctx()));
      assert.equal(o.reply.options.messageType, MessageType.Nak);
    });
  }

  test('INIT-REBOOT with no record: silence when not authoritative', () => {
    const l = lab({ authoritative: false });
    expectDrop(l.engine.handle(req({ type: MessageType.Request, requested: '10.123.0.150' }), l.ctx()), 'no-record');
    expectDrop(l.engine.handle(req({ type: MessageType.Request, requested: '192.168.1.5' }), l.ctx()), 'no-record');
  });

  test('INIT-REBOOT with no record, authoritative: free pool address is bound again', () => {
    const l = lab();
    const o = reply(l.engine.handle(req({ type: MessageType.Request, requested: '10.123.0.150' }), l.ctx()));
    assert.equal(o.reply.options.messageType, MessageType.Ack);
    assert.equal(fmt(o.reply.yiaddr), '10.123.0.150');
    assert.equal(o.change.writes.length, 1);
  });

  test('INIT-REBOOT with no record, authoritative: wrong network or taken address is NAKed', () => {
    const l = lab();
    const taken = dora(l, { mac: '02:00:00:00:00:01' });
    const wrongNet = reply(
      l.engine.handle(req({ type: MessageType.Request, mac: '02:00:00:00:00:02', requested: '192.168.1.5' }), l.ctx()),
    );
    assert.equal(wrongNet.reply.options.messageType, MessageType.Nak);
    const heldByOther = reply(
      l.engine.handle(req({ type: MessageType.Request, mac: '02:00:00:00:00:02', requested: fmt(taken) }), l.ctx()),
    );
    assert.equal(heldByOther.reply.options.messageType, MessageType.Nak);
    const outsidePool = reply(
      l.engine.handle(req({ type: MessageType.Request, mac: '02:00:00:00:00:02', requested: '10.123.0.20' }), l.ctx()),
    );
    assert.equal(outsidePool.reply.options.messageType, MessageType.Nak);
  });

  test('a reservation added later moves the client at its next renewal (NAK)', () => {
    const l = lab();
    const a = dora(l, { mac: '02:00:00:00:00:07' });
    l.local.addReservation({
      mac: '02:00:00:00:00:07',
      clientId: null,
      ip: ip('10.123.0.11'),
      hostname: null,
      options: [],
      nextServer: null,
      bootFile: null,
      serverHostname: null,
    });
    const o = reply(
      l.engine.handle(req({ type: MessageType.Request, mac: '02:00:00:00:00:07', ciaddr: fmt(a) }), l.ctx()),
    );
    assert.equal(o.reply.options.messageType, MessageType.Nak);
    assert.equal(fmt(dora(l, { mac: '02:00:00:00:00:07' })), '10.123.0.11');
    assert.equal(l.bindings.byAddr(a), undefined, 'the old lease row is gone');
  });
});

describe('client identity', () => {
  test('client identifier is echoed (RFC 6842) and distinguishes clients sharing a MAC', () => {
    const l = lab();
    const o = reply(l.engine.handle(req({ type: MessageType.Discover, clientId: '01aabbccddeeff' }), l.ctx()));
    assert.deepEqual([...o.reply.options.clientId!], [...hexToBytes('01aabbccddeeff')]);
    const a = dora(l, { clientId: '01aabbccddeeff' });
    const b = dora(l, { clientId: '0411223344' });
    assert.notEqual(a, b);
  });

  test('a returning client gets its released address back', () => {
    const l = lab();
    const a = dora(l);
    const rel = l.engine.handle(req({ type: MessageType.Release, ciaddr: fmt(a), serverId: '10.123.0.1' }), l.ctx());
    assert.equal(rel.action, 'recorded');
    dora(l, { mac: '02:00:00:00:00:02' }); // someone else comes and goes
    assert.equal(dora(l, {}, T0 + 1000), a);
  });

  test('a returning client gets its expired address back after reclamation', () => {
    const l = lab();
    const a = dora(l);
    const { writes } = l.bindings.reclaim(T0 + 3601_000);
    assert.equal(writes.length, 1);
    assert.equal(l.bindings.byAddr(a)!.state, 'expired');
    const b = dora(l, { mac: '02:00:00:00:00:02' }, T0 + 3602_000);
    assert.notEqual(b, a, 'a new client gets a never-used address first');
    assert.equal(dora(l, {}, T0 + 3603_000), a);
  });
});

describe('DECLINE and RELEASE', () => {
  test('DECLINE by the holder quarantines the address', () => {
    const l = lab({ pool: ['10.123.0.100', '10.123.0.101'] });
    const a = dora(l);
    const o = l.engine.handle(req({ type: MessageType.Decline, requested: fmt(a), serverId: '10.123.0.1' }), l.ctx());
    assert.equal(o.action, 'recorded');
    assert.equal(l.bindings.byAddr(a)!.state, 'declined');
    const next = reply(l.engine.handle(req({ type: MessageType.Discover }), l.ctx())).reply.yiaddr;
    assert.notEqual(next, a);
    dora(l); // takes the other address
    expectDrop(
      l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:05' }), l.ctx()),
      'pool-exhausted',
    );
    l.bindings.reclaim(T0 + 86401_000);
    assert.equal(
      reply(l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:05' }), l.ctx(T0 + 86402_000))).reply
        .yiaddr,
      a,
    );
  });

  test('DECLINE or RELEASE from a non-holder or naming another server is ignored', () => {
    const l = lab();
    const a = dora(l);
    expectDrop(
      l.engine.handle(
        req({ type: MessageType.Decline, mac: '02:00:00:00:00:02', requested: fmt(a), serverId: '10.123.0.1' }),
        l.ctx(),
      ),
      'not-holder',
    );
    expectDrop(
      l.engine.handle(req({ type: MessageType.Decline, requested: fmt(a), serverId: '10.123.0.9' }), l.ctx()),
      'other-server',
    );
    expectDrop(
      l.engine.handle(
        req({ type: MessageType.Release, mac: '02:00:00:00:00:02', ciaddr: fmt(a), serverId: '10.123.0.1' }),
        l.ctx(),
      ),
      'not-holder',
    );
    expectDrop(
      l.engine.handle(req({ type: MessageType.Release, ciaddr: fmt(a), serverId: '10.123.0.9' }), l.ctx()),
      'other-server',
    );
    assert.equal(l.bindings.byAddr(a)!.state, 'active');
  });
});

describe('INFORM and relays', () => {
  test('INFORM gets options, no lease and no yiaddr, at ciaddr', () => {
    const l = lab();
    const o = reply(l.engine.handle(req({ type: MessageType.Inform, ciaddr: '10.123.0.20' }), l.ctx()));
    assert.equal(o.reply.options.messageType, MessageType.Ack);
    assert.equal(o.reply.yiaddr, 0);
    assert.equal(o.reply.options.leaseTime, undefined);
    assert.deepEqual(o.reply.options.routers, [SERVER]);
    assert.deepEqual(o.to, { address: ip('10.123.0.20'), port: 68 });
    assert.equal(l.bindings.size, 0);
  });

  test('giaddr selects the subnet, the reply goes to the relay port, option 82 is echoed', () => {
    const l = lab();
    const o = reply(
      l.engine.handle(req({ type: MessageType.Discover, giaddr: '10.200.0.1', relayInfo: '0104deadbeef' }), l.ctx()),
    );
    assert.equal(fmt(o.reply.yiaddr), '10.200.0.50');
    assert.equal(o.reply.giaddr, ip('10.200.0.1'));
    assert.deepEqual(o.to, { address: ip('10.200.0.1'), port: 67 });
    assert.deepEqual([...o.reply.options.relayAgentInfo!], [...hexToBytes('0104deadbeef')]);
  });

  test('a NAK through a relay sets the broadcast bit', () => {
    const l = lab();
    const o = reply(
      l.engine.handle(req({ type: MessageType.Request, giaddr: '10.200.0.1', requested: '10.123.0.150' }), l.ctx()),
    );
    assert.equal(o.reply.options.messageType, MessageType.Nak);
    assert.equal(o.reply.flags & FLAG_BROADCAST, FLAG_BROADCAST);
    assert.deepEqual(o.to, { address: ip('10.200.0.1'), port: 67 });
  });

  test('a relay from an unknown network is dropped', () => {
    const l = lab();
    expectDrop(l.engine.handle(req({ type: MessageType.Discover, giaddr: '192.168.7.1' }), l.ctx()), 'no-subnet');
  });

  test('a BOOTREPLY or a packet without message type is dropped', () => {
    const l = lab();
    const p = req({ type: MessageType.Discover });
    p.op = 2;
    expectDrop(l.engine.handle(p, l.ctx()), 'not-request');
    const q = req({ type: MessageType.Discover });
    delete q.options.messageType;
    expectDrop(l.engine.handle(q, l.ctx()), 'no-message-type');
  });
});

describe('offers', () => {
  test('a lapsed offer replaced by a new one returns its address to the pool', () => {
    const l = lab({ pool: ['10.123.0.100', '10.123.0.101'] });
    const first = reply(l.engine.handle(req({ type: MessageType.Discover }), l.ctx())).reply.yiaddr;
    // Another client takes the first address by INIT-REBOOT while the offer is outstanding is
    // impossible (the offer holds it), so let the offer lapse and give the address away.
    const later = T0 + 61_000;
    const taker = reply(
      l.engine.handle(
        req({ type: MessageType.Request, mac: '02:00:00:00:00:02', requested: fmt(first) }),
        l.ctx(later),
      ),
    );
    assert.equal(taker.reply.options.messageType, MessageType.Ack);
    const second = reply(l.engine.handle(req({ type: MessageType.Discover }), l.ctx(later))).reply.yiaddr;
    assert.notEqual(second, first);
    // The second offer lapses too; the client goes away; a new client must still find it.
    expectDrop(
      l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:03' }), l.ctx(later)),
      'pool-exhausted',
    );
    const o = reply(
      l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:03' }), l.ctx(later + 61_000)),
    );
    assert.equal(o.reply.yiaddr, second);
  });

  test('an offered address is not offered to another client until the offer lapses', () => {
    const l = lab({ pool: ['10.123.0.100', '10.123.0.100'] });
    reply(l.engine.handle(req({ type: MessageType.Discover }), l.ctx()));
    expectDrop(
      l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:02' }), l.ctx(T0 + 59_000)),
      'pool-exhausted',
    );
    const o = reply(l.engine.handle(req({ type: MessageType.Discover, mac: '02:00:00:00:00:02' }), l.ctx(T0 + 61_000)));
    assert.equal(fmt(o.reply.yiaddr), '10.123.0.100');
  });
});

describe('event kinds', () => {
  test('a first binding is lease.granted, the same binding again lease.renewed, a move deletes the old row', () => {
    const l = lab();
    const offer = reply(l.engine.handle(req({ type: MessageType.Discover }), l.ctx())).reply;
    const ack = reply(
      l.engine.handle(
        req({ type: MessageType.Request, serverId: '10.123.0.1', requested: fmt(offer.yiaddr) }),
        l.ctx(),
      ),
    );
    assert.deepEqual(
      ack.change.writes.map((w) => (w.op === 'put' ? w.kind : 'delete')),
      ['lease.granted'],
    );
    const renew = reply(
      l.engine.handle(req({ type: MessageType.Request, ciaddr: fmt(offer.yiaddr) }), l.ctx(T0 + 1000_000)),
    );
    assert.deepEqual(
      renew.change.writes.map((w) => (w.op === 'put' ? w.kind : 'delete')),
      ['lease.renewed'],
    );
    l.local.addReservation({
      mac: '02:00:00:00:00:01',
      clientId: null,
      ip: ip('10.123.0.12'),
      hostname: null,
      options: [],
      nextServer: null,
      bootFile: null,
      serverHostname: null,
    });
    const moved = reply(
      l.engine.handle(
        req({ type: MessageType.Request, serverId: '10.123.0.1', requested: '10.123.0.12' }),
        l.ctx(T0 + 2000),
      ),
    );
    assert.deepEqual(
      moved.change.writes.map((w) =>
        w.op === 'put' ? `${w.kind} ${fmt(w.lease.address)}` : `delete ${fmt(w.address)} ${fmt(w.was.address)}`,
      ),
      [`delete ${fmt(offer.yiaddr)} ${fmt(offer.yiaddr)}`, 'lease.granted 10.123.0.12'],
    );
  });
});

describe('early renewals (cacheThreshold, as Kea)', () => {
  const renew = (l: ReturnType<typeof lab>, a: number, now: number, extra: Partial<Packet['options']> = {}) => {
    const packet = req({ type: MessageType.Request, ciaddr: fmt(a) });
    Object.assign(packet.options, extra);
    return reply(l.engine.handle(packet, l.ctx(now)));
  };

  test('before a quarter of the lease: ACKed from the stored lease with its remaining time, nothing written', () => {
    const l = lab();
    const a = dora(l);
    const stored = l.bindings.byAddr(a)!;
    const o = renew(l, a, T0 + 600_000);
    assert.equal(o.reply.options.messageType, MessageType.Ack);
    assert.equal(o.reply.options.leaseTime, 3000, 'the 3,000 s left of the stored lease');
    assert.equal(o.reply.options.renewalTime, 1500);
    assert.deepEqual(o.change.writes, [], 'no write, so no event');
    assert.equal(l.bindings.byAddr(a), stored, 'the stored lease is unchanged');
    assert.equal(l.engine.cachedRenewals, 1);
  });

  test('past the threshold the renewal is written with a full lease', () => {
    const l = lab();
    const a = dora(l);
    const o = renew(l, a, T0 + 900_000);
    assert.equal(o.reply.options.leaseTime, 3600);
    assert.deepEqual(
      o.change.writes.map((w) => (w.op === 'put' ? w.kind : 'delete')),
      ['lease.renewed'],
    );
    assert.equal(l.bindings.byAddr(a)!.expiresAt, T0 + 900_000 + 3600_000);
    assert.equal(l.engine.cachedRenewals, 0);
  });

  test('0 turns it off: every renewal is written', () => {
    const l = lab({ cacheThreshold: 0 });
    const a = dora(l);
    assert.equal(renew(l, a, T0 + 1000).change.writes.length, 1);
  });

  test('a renewal that changes the host name is written, early or not', () => {
    const l = lab();
    const a = dora(l);
    const o = renew(l, a, T0 + 1000, { hostName: 'renamed' });
    assert.equal(o.change.writes.length, 1);
    assert.equal(l.bindings.byAddr(a)!.hostname, 'renamed');
  });

  test('a client renewing 100 times a second for 10 s writes nothing after its grant', () => {
    const l = lab();
    const a = dora(l);
    let written = 0;
    for (let i = 1; i <= 1000; i++) written += renew(l, a, T0 + i * 10).change.writes.length;
    assert.equal(written, 0);
  });
});
