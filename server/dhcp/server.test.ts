// DhcpServer with a fake transport and a real SQLite store whose commits can fail: no reply before
// its lease commits, a failed commit withholds the reply and is retried until the database agrees,
// stop() lets committing replies out before the sockets close, and neither an oversized datagram
// nor an engine bug stops it from serving.
import { after, test } from 'node:test';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { decode, emptyOptions, encode } from './codec/index.ts';
import { MessageType, type Packet } from './codec/types.ts';
import { parseCidr, parseIPv4 } from './codec/ipv4.ts';
import { DhcpEngine } from './engine.ts';
import { Bindings } from './bindings.ts';
import { Subnet } from './subnet.ts';
import { DhcpServer, MAX_DATAGRAM_BYTES } from './server.ts';
import type { DhcpTransport, InboundDatagram } from './transport/port.ts';
import { failingDisk } from '../store/testing/failing-disk.ts';
import { makeScratchDir } from '../store/testing/fixtures.ts';

const ip = (s: string) => parseIPv4(s)!;

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

const scratch = makeScratchDir();
let files = 0;
after(() => scratch.remove());

function setup(failures: number) {
  const subnet = new Subnet({
    id: '10.123.0.0/24',
    cidr: parseCidr('10.123.0.0/24')!,
    pools: [{ start: ip('10.123.0.100'), end: ip('10.123.0.110') }],
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
  });
  const disk = failingDisk(`${scratch.path}/server-${++files}.db`);
  disk.fail(failures);
  const bindings = new Bindings([subnet], disk.store, { retryDelayMs: 20 });
  const engine = new DhcpEngine(
    {
      authoritative: true,
      port: 67,
      leaseTime: 3600,
      minLeaseTime: 60,
      maxLeaseTime: 7200,
      declineProbation: 60,
      offerTimeout: 60,
      cacheThreshold: 0.25,
    },
    bindings,
    new Set([ip('10.123.0.1')]),
  );
  const transport = new FakeTransport();
  const interfaces = new Map([['br0', { name: 'br0', address: ip('10.123.0.1'), subnet }]]);
  const logged: { level: string; obj: object; msg: string }[] = [];
  const logger = {
    debug() {},
    info() {},
    warn: (obj: object, msg: string) => logged.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg: string) => logged.push({ level: 'error', obj, msg }),
  };
  const server = new DhcpServer({ engine, bindings, transport, clock: { now: () => Date.now() }, logger, interfaces });
  return { server, transport, disk, engine, logged };
}

function request(type: MessageType, extra: Partial<Packet['options']> = {}): InboundDatagram {
  const options = { ...emptyOptions(), messageType: type, ...extra };
  const packet: Packet = {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 7,
    secs: 0,
    flags: 0,
    ciaddr: 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: 0,
    chaddr: Uint8Array.of(2, 0, 0, 0, 0, 1),
    sname: '',
    file: '',
    options,
  };
  return { data: Buffer.from(encode(packet)), from: { address: '0.0.0.0', port: 68 }, iface: 'br0' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an ACK leaves only after its lease is committed', async () => {
  const { server, transport, disk } = setup(0);
  await server.start();
  transport.deliver(request(MessageType.Request, { requestedIp: ip('10.123.0.105') }));
  assert.equal(transport.sent.length, 0, 'nothing sent before the commit');
  for (let i = 0; i < 250 && transport.sent.length === 0; i++) await sleep(20);
  assert.equal(transport.sent[0]?.options.messageType, MessageType.Ack);
  assert.ok(disk.rows().has(ip('10.123.0.105')));
});

test('a failed commit withholds the ACK and is retried until the database agrees', async () => {
  const { server, transport, disk } = setup(1);
  await server.start();
  transport.deliver(request(MessageType.Request, { requestedIp: ip('10.123.0.105') }));
  for (let i = 0; i < 250 && server.counters.snapshot().dropped['store-error'] === undefined; i++) await sleep(20);
  assert.equal(transport.sent.length, 0, 'no ACK for a lease that is not durable');
  assert.equal(server.counters.snapshot().dropped['store-error'], 1);
  const deadline = Date.now() + 5_000;
  while (!disk.rows().has(ip('10.123.0.105')) && Date.now() < deadline) await sleep(20);
  assert.ok(disk.rows().has(ip('10.123.0.105')), 'the retry committed the lease');
  await server.stop();
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

test('a datagram larger than any client sends is dropped and counted, without decoding', async () => {
  const { server, transport } = setup(0);
  await server.start();
  const big = request(MessageType.Discover);
  big.data = Buffer.concat([big.data, Buffer.alloc(MAX_DATAGRAM_BYTES + 1 - big.data.length)]);
  transport.deliver(big);
  transport.deliver(request(MessageType.Discover));
  assert.equal(server.counters.snapshot().dropped.oversized, 1);
  assert.equal(transport.sent.length, 1, 'the next client is answered');
  await server.stop();
});

test('an engine bug met by one packet is counted and logged with the packet, and the server keeps serving', async () => {
  const { server, transport, engine, logged } = setup(0);
  await server.start();
  const handle = engine.handle.bind(engine);
  let poisoned = true;
  engine.handle = (packet, ctx) => {
    if (poisoned) {
      poisoned = false;
      throw new TypeError('a future engine bug');
    }
    return handle(packet, ctx);
  };
  const poison = request(MessageType.Discover);
  transport.deliver(poison);
  transport.deliver(request(MessageType.Discover));
  assert.equal(server.counters.snapshot().dropped['engine-error'], 1);
  assert.equal(transport.sent[0]?.options.messageType, MessageType.Offer, 'the next packet is answered');
  const entry = logged.find((l) => l.level === 'error');
  assert.ok(entry, 'logged as an error');
  assert.equal((entry.obj as { packet: string }).packet, Buffer.from(poison.data).toString('hex'));
  assert.match(String((entry.obj as { err: unknown }).err), /a future engine bug/);
  await server.stop();
});

test('another process holding the database write lock does not stall DHCP: the lease is stored once it lets go', async (t) => {
  const { server, transport, disk } = setup(0);
  await server.start();
  // A second process (a backup, the sqlite3 CLI) takes the write lock and lets go 2 s later.
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); process.stdout.write('released ' + Date.now() + '\\n'); }, 2000);
  `,
      disk.file,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => holder.kill());
  const lines = createInterface({ input: holder.stdout! });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  assert.equal(await next(), 'locked');
  transport.deliver(request(MessageType.Request, { requestedIp: ip('10.123.0.105') })); // needs a commit: blocked
  await sleep(100);
  transport.deliver(request(MessageType.Discover)); // needs none
  const offeredAt = Date.now();
  assert.equal(transport.sent.at(-1)?.options.messageType, MessageType.Offer);
  const releasedAt = Number((await next()).split(' ')[1]);
  // A long busy wait would have blocked the event loop until the lock came free, so the DISCOVER
  // (and every other client) would only be answered after the release.
  assert.ok(offeredAt < releasedAt, `the DISCOVER was answered ${releasedAt - offeredAt} ms before the lock came free`);
  for (let i = 0; i < 250 && !disk.rows().has(ip('10.123.0.105')); i++) await sleep(20);
  assert.ok(disk.rows().has(ip('10.123.0.105')), 'the retry stored the lease after the lock came free');
  await server.stop();
});
