// DhcpServer with a fake transport and store: no reply before its lease commits, a failed commit
// withholds the reply and is retried until the database agrees, and stop() lets committing
// replies out before the sockets close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, emptyOptions, encode } from './codec/index.ts';
import { MessageType, type Packet } from './codec/types.ts';
import { parseCidr, parseIPv4 } from './codec/ipv4.ts';
import { DhcpEngine } from './engine.ts';
import { LeaseTable } from './lease-table.ts';
import { Subnet } from './subnet.ts';
import { DhcpServer } from './server.ts';
import type { Lease, LeaseStore } from './lease.ts';
import type { DhcpTransport, InboundDatagram } from './transport/port.ts';

const ip = (s: string) => parseIPv4(s)!;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

class FakeTransport implements DhcpTransport {
  sent: Packet[] = [];
  closed = false;
  deliver: (d: InboundDatagram) => void = () => undefined;
  async start(onDatagram: (d: InboundDatagram) => void) {
    this.deliver = onDatagram;
  }
  send(_iface: string, data: Uint8Array) {
    assert.ok(!this.closed, 'sent after close');
    this.sent.push(decode(data) as Packet);
  }
  async close() {
    this.closed = true;
  }
}

class FlakyStore implements LeaseStore {
  committed = new Map<number, Lease>();
  failures: number;
  constructor(failures: number) {
    this.failures = failures;
  }
  async loadAll() {
    return [];
  }
  put(lease: Lease): Promise<void> {
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        if (this.failures-- > 0) reject(new Error('disk full'));
        else {
          this.committed.set(lease.address, { ...lease });
          resolve();
        }
      }, 5),
    );
  }
  async remove(address: number) {
    this.committed.delete(address);
  }
  async close() {}
}

function setup(failures: number) {
  const subnet = new Subnet({ id: '10.123.0.0/24', cidr: parseCidr('10.123.0.0/24')!, pools: [{ start: ip('10.123.0.100'), end: ip('10.123.0.110') }], routers: [], dnsServers: [], domainName: null, ntpServers: [], leaseTime: null, reservations: [] });
  const engine = new DhcpEngine({ authoritative: true, port: 67, leaseTime: 3600, minLeaseTime: 60, maxLeaseTime: 7200, declineProbation: 60, offerTimeout: 60 }, [subnet], new LeaseTable(), new Set([ip('10.123.0.1')]));
  const transport = new FakeTransport();
  const store = new FlakyStore(failures);
  const interfaces = new Map([['br0', { name: 'br0', address: ip('10.123.0.1'), subnet }]]);
  const server = new DhcpServer({ engine, transport, store, clock: { now: () => Date.now() }, logger: quiet, interfaces });
  return { server, transport, store };
}

function request(type: MessageType, extra: Partial<Packet['options']> = {}): InboundDatagram {
  const options = { ...emptyOptions(), messageType: type, ...extra };
  const packet: Packet = { op: 1, htype: 1, hlen: 6, hops: 0, xid: 7, secs: 0, flags: 0, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: Uint8Array.of(2, 0, 0, 0, 0, 1), sname: '', file: '', options };
  return { data: Buffer.from(encode(packet)), from: { address: '0.0.0.0', port: 68 }, iface: 'br0' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an ACK leaves only after its lease is committed', async () => {
  const { server, transport, store } = setup(0);
  await server.start();
  transport.deliver(request(MessageType.Request, { requestedIp: ip('10.123.0.105') }));
  assert.equal(transport.sent.length, 0, 'nothing sent before the commit');
  for (let i = 0; i < 250 && transport.sent.length === 0; i++) await sleep(20);
  assert.equal(transport.sent[0]?.options.messageType, MessageType.Ack);
  assert.ok(store.committed.has(ip('10.123.0.105')));
});

test('a failed commit withholds the ACK and is retried until the database agrees', async () => {
  const { server, transport, store } = setup(1);
  await server.start();
  transport.deliver(request(MessageType.Request, { requestedIp: ip('10.123.0.105') }));
  for (let i = 0; i < 250 && server.counters.snapshot().dropped['store-error'] === undefined; i++) await sleep(20);
  assert.equal(transport.sent.length, 0, 'no ACK for a lease that is not durable');
  assert.equal(server.counters.snapshot().dropped['store-error'], 1);
  const deadline = Date.now() + 5_000; // the first retry comes after 250 ms
  while (!store.committed.has(ip('10.123.0.105')) && Date.now() < deadline) await sleep(20);
  assert.ok(store.committed.has(ip('10.123.0.105')), 'the retry committed the lease');
});

test('stop() lets replies whose leases are committing go out before the sockets close', async () => {
  const { server, transport } = setup(0);
  await server.start();
  transport.deliver(request(MessageType.Request, { requestedIp: ip('10.123.0.105') }));
  await server.stop();
  assert.equal(transport.sent[0]?.options.messageType, MessageType.Ack);
  assert.ok(transport.closed);
  transport.deliver(request(MessageType.Discover));
  assert.equal(transport.sent.length, 1, 'nothing answered once stopping');
});
