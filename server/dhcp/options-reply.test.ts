// Options, classes and boot settings on real replies: a config parsed from YAML, the engine with
// its real bindings (SQLite scratch store), each reply encoded and decoded again as a client
// would read it. Precedence reservation > class > subnet > global; the parameter request list;
// always-send; the client's maximum message size with overload and RFC 3396 splitting.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decode,
  emptyOptions,
  encode,
  formatIPv4,
  MessageType,
  PacketError,
  parseIPv4,
  type Packet,
} from './codec/index.ts';
import { parseConfig } from '../config/load.ts';
import { DhcpEngine } from './engine.ts';
import { Bindings } from './bindings.ts';
import { Subnet } from './subnet.ts';
import { openSqlite } from '../store/sqlite.ts';
import { SqliteLeaseStore } from '../store/sqlite-lease-store.ts';
import { makeScratchDir } from '../store/testing/fixtures.ts';
import { compileOptionEntries, decodeOptionData } from './options/index.ts';

const scratch = makeScratchDir();
const stores: SqliteLeaseStore[] = [];
after(async () => {
  for (const store of stores) await store.close();
  scratch.remove();
});

const CONFIG = `
dhcp:
  interfaces: [br0]
  options:
    - { name: domain-name-servers, data: "10.96.0.53" }
    - { name: ntp-servers, data: "10.96.0.123" }
    - { name: time-offset, data: "3600" }
  classes:
    - name: pxe-bios
      match: { vendorClass: "PXEClient:Arch:00000*" }
      bootFile: undionly.kpxe
    - name: ipxe
      match: { userClass: iPXE }
      bootFile: "http://10.96.0.5/boot.ipxe"
    - name: uefi
      match: { clientArch: 7 }
      bootFile: ipxe.efi
      options: [{ name: ntp-servers, data: "10.96.0.124" }]
    - name: pi
      match: { mac: "b8:27:eb:*", hostname: "pi-*" }
      nextServer: 10.96.0.6
  subnets:
    - subnet: 10.96.0.0/16
      pools: ["10.96.1.0-10.96.1.255"]
      routers: [10.96.0.1]
      nextServer: 10.96.0.5
      bootFile: pxelinux.0
      serverHostname: boot.lab.test
      options:
        - { name: domain-search, data: "lab.test, home.arpa" }
        - { name: classless-static-route, data: "10.200.0.0/16 - 10.96.0.254, 0.0.0.0/0 - 10.96.0.1" }
        - { name: interface-mtu, data: "9000" }
        - { code: 252, type: string, data: "http://wpad.lab.test/wpad.dat" }
        - { name: time-offset, data: "-7200" }
        - { code: 224, type: string, data: "always here", always: true }
      reservations:
        - { mac: "02:00:00:00:00:42", ip: 10.96.0.42, hostname: nas,
            options: [ { name: domain-name-servers, data: "10.96.0.99" } ] }
        - { mac: "02:00:00:00:00:43", ip: 10.96.0.43, bootFile: own.efi, nextServer: 10.96.0.7 }
`;

const ip = (text: string): number => parseIPv4(text)!;

function world(yaml = CONFIG) {
  const config = parseConfig(yaml, { source: null, baseDir: '/tmp' });
  const subnets = config.dhcp.subnets.map((s) => new Subnet(s, config.dhcp));
  const store = new SqliteLeaseStore(
    openSqlite({ file: `${scratch.path}/w-${stores.length}.db`, durability: 'process' }),
  );
  stores.push(store);
  const bindings = new Bindings(subnets, store);
  const server = ip('10.96.0.2');
  const engine = new DhcpEngine(config.dhcp, bindings, new Set([server]));
  const iface = { name: 'br0', address: server, subnet: subnets[0]! };
  return { engine, subnet: subnets[0]!, iface };
}

interface Ask {
  mac?: string;
  prl?: number[];
  vendorClass?: string;
  userClass?: Uint8Array;
  arch?: number[];
  hostname?: string;
  maxMessageSize?: number;
}

function discover(ask: Ask = {}): Packet {
  const options = emptyOptions();
  options.messageType = MessageType.Discover;
  if (ask.prl) options.parameterRequestList = ask.prl;
  if (ask.vendorClass) options.vendorClassId = Buffer.from(ask.vendorClass, 'latin1');
  if (ask.userClass) options.other.set(77, ask.userClass);
  if (ask.arch) options.other.set(93, Uint8Array.from(ask.arch.flatMap((a) => [a >> 8, a & 0xff])));
  if (ask.hostname) options.hostName = ask.hostname;
  if (ask.maxMessageSize) options.maxMessageSize = ask.maxMessageSize;
  return {
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
    chaddr: Uint8Array.from((ask.mac ?? '02:00:00:00:00:01').split(':').map((h) => parseInt(h, 16))),
    sname: '',
    file: '',
    options,
  };
}

/** The OFFER as a client reads it off the wire, and the wire bytes. */
function offer(w: ReturnType<typeof world>, ask: Ask = {}): { packet: Packet; wire: Uint8Array } {
  const outcome = w.engine.handle(discover(ask), { iface: w.iface, now: 1_700_000_000_000 });
  assert.equal(outcome.action, 'reply', JSON.stringify(outcome));
  if (outcome.action !== 'reply') throw new Error('unreachable');
  const wire = Uint8Array.from(encode(outcome.reply, { maxMessageSize: outcome.maxMessageSize, fileAsOption67: true }));
  const packet = decode(wire);
  if (packet instanceof PacketError) assert.fail(packet.message);
  return { packet, wire };
}

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');

/** Codes the reply carries, typed or raw, ascending. */
function codes(packet: Packet): number[] {
  const typed: [keyof typeof packet.options, number][] = [
    ['subnetMask', 1],
    ['routers', 3],
    ['dnsServers', 6],
    ['hostName', 12],
    ['domainName', 15],
    ['interfaceMtu', 26],
    ['broadcastAddress', 28],
    ['ntpServers', 42],
    ['leaseTime', 51],
    ['messageType', 53],
    ['serverId', 54],
    ['renewalTime', 58],
    ['rebindingTime', 59],
  ];
  const found = typed.filter(([key]) => packet.options[key] !== undefined).map(([, code]) => code);
  return [...found, ...packet.options.other.keys()].sort((a, b) => a - b);
}

describe('options on replies', () => {
  test('what the parameter request list asks for, plus what always goes, each as configured', () => {
    const w = world();
    const { packet } = offer(w, { prl: [1, 3, 6, 26, 119, 121, 252] });
    assert.deepEqual(codes(packet), [1, 3, 6, 26, 51, 53, 54, 58, 59, 119, 121, 224, 252]);
    assert.deepEqual(packet.options.routers, [ip('10.96.0.1')]);
    assert.deepEqual(packet.options.dnsServers, [ip('10.96.0.53')]); // global
    assert.equal(packet.options.interfaceMtu, 9000);
    assert.deepEqual(decodeOptionData('fqdns', packet.options.other.get(119)!), {
      ok: true,
      text: 'lab.test, home.arpa',
    });
    assert.deepEqual(decodeOptionData('routes', packet.options.other.get(121)!), {
      ok: true,
      text: '10.200.0.0/16 - 10.96.0.254, 0.0.0.0/0 - 10.96.0.1',
    });
    assert.equal(text(packet.options.other.get(252)), 'http://wpad.lab.test/wpad.dat');
    assert.equal(text(packet.options.other.get(224)), 'always here');
    // Boot settings from the subnet.
    assert.equal(formatIPv4(packet.siaddr), '10.96.0.5');
    assert.equal(packet.file, 'pxelinux.0');
    assert.equal(packet.sname, 'boot.lab.test');
  });

  test('no parameter request list: every configured option', () => {
    const { packet } = offer(world());
    assert.deepEqual(codes(packet), [1, 2, 3, 6, 26, 28, 42, 51, 53, 54, 58, 59, 119, 121, 224, 252]);
    assert.deepEqual(decodeOptionData('int32', packet.options.other.get(2)!), { ok: true, text: '-7200' }); // subnet over global
    assert.deepEqual(packet.options.ntpServers, [ip('10.96.0.123')]); // global
    assert.equal(packet.options.broadcastAddress, ip('10.96.255.255')); // derived from the prefix
  });

  test('a reservation has its own DNS server; another client the global one', () => {
    const w = world();
    assert.deepEqual(offer(w, { mac: '02:00:00:00:00:42', prl: [6] }).packet.options.dnsServers, [ip('10.96.0.99')]);
    assert.deepEqual(offer(w, { mac: '02:00:00:00:00:41', prl: [6] }).packet.options.dnsServers, [ip('10.96.0.53')]);
    const own = offer(w, { mac: '02:00:00:00:00:43', vendorClass: 'PXEClient:Arch:00000:UNDI:002001' }).packet;
    assert.equal(own.file, 'own.efi'); // reservation over class
    assert.equal(formatIPv4(own.siaddr), '10.96.0.7');
  });

  test('a vendor class and a user class each select their boot file; a later class overrides an earlier', () => {
    const w = world();
    const bios = offer(w, { vendorClass: 'PXEClient:Arch:00000:UNDI:002001' }).packet;
    assert.equal(bios.file, 'undionly.kpxe');
    assert.equal(formatIPv4(bios.siaddr), '10.96.0.5'); // the class sets no nextServer: the subnet's
    // iPXE sends a bare "iPXE" in 77 and PXEClient:Arch:00000 in 60: in both classes, ipxe comes later.
    const ipxe = offer(w, { vendorClass: 'PXEClient:Arch:00000', userClass: Buffer.from('iPXE') }).packet;
    assert.equal(ipxe.file, 'http://10.96.0.5/boot.ipxe');
    // RFC 3004 form: length-prefixed classes.
    const rfc = offer(w, { userClass: Uint8Array.from([3, 0x66, 0x6f, 0x6f, 4, ...Buffer.from('iPXE')]) }).packet;
    assert.equal(rfc.file, 'http://10.96.0.5/boot.ipxe');
    assert.equal(offer(w, { vendorClass: 'PXEClient:Arch:00007' }).packet.file, 'pxelinux.0'); // no class
  });

  test('architecture (93) and MAC + hostname classes; class options over the subnet and global ones', () => {
    const w = world();
    const uefi = offer(w, { arch: [7], prl: [42] }).packet;
    assert.equal(uefi.file, 'ipxe.efi');
    assert.deepEqual(uefi.options.ntpServers, [ip('10.96.0.124')]);
    const pi = offer(w, { mac: 'b8:27:eb:00:00:01', hostname: 'PI-kitchen' }).packet;
    assert.equal(formatIPv4(pi.siaddr), '10.96.0.6');
    // Both keys must match.
    assert.equal(formatIPv4(offer(w, { mac: 'b8:27:eb:00:00:02', hostname: 'nas' }).packet.siaddr), '10.96.0.5');
  });

  test('the merged sets are compiled once: the same client gets the same prepared set', () => {
    const w = world();
    const reservation = w.subnet.reservationFor({
      key: 'hw:02:00:00:00:00:42',
      mac: '02:00:00:00:00:42',
      clientId: null,
    });
    assert.ok(reservation);
    assert.equal(w.subnet.plan.resolve(0, reservation), w.subnet.plan.resolve(0, reservation));
    assert.equal(w.subnet.plan.resolve(2, undefined), w.subnet.plan.resolve(2, undefined));
  });

  test('a reservation added at run time carries its options', () => {
    const w = world();
    const dns = compileOptionEntries([{ name: 'domain-name-servers', data: '10.96.0.77' }], 'o');
    assert.ok(dns.ok);
    w.subnet.addReservation({
      mac: '02:00:00:00:00:50',
      clientId: null,
      ip: ip('10.96.0.50'),
      hostname: null,
      options: dns.options,
      nextServer: null,
      bootFile: 'api.efi',
      serverHostname: null,
    });
    const { packet } = offer(w, { mac: '02:00:00:00:00:50', prl: [6] });
    assert.equal(formatIPv4(packet.yiaddr), '10.96.0.50');
    assert.deepEqual(packet.options.dnsServers, [ip('10.96.0.77')]);
    assert.equal(packet.file, 'api.efi');
  });
});

describe('options within the client maximum message size', () => {
  const big = (extra: string) => `
dhcp:
  interfaces: [br0]
  subnets:
    - subnet: 10.96.0.0/16
      pools: ["10.96.1.0-10.96.1.255"]
      bootFile: pxelinux.0
      options:
${extra}`;

  test('a value over 255 bytes goes as consecutive instances (RFC 3396) and is read back whole', () => {
    const long = 'x'.repeat(300);
    const w = world(big(`        - { code: 224, type: string, data: "${long}" }`));
    const { packet, wire } = offer(w, { maxMessageSize: 1500 });
    assert.equal(text(packet.options.other.get(224)), long);
    // Two instances of 224 on the wire: 255 bytes, then 45.
    const at = Buffer.from(wire).indexOf(Buffer.from([224, 255]), 240);
    assert.ok(at > 0 && wire[at + 2 + 255] === 224 && wire[at + 2 + 255 + 1] === 45, 'two instances');
  });

  test('options past 576 bytes use sname, then the boot file moves to option 67 for the file field', () => {
    // Eleven 30-byte options (32 each on the wire) fit neither the 308 bytes a 576-byte reply leaves
    // in its options field nor those plus sname; the file field is needed too.
    const entries = Array.from(
      { length: 11 },
      (_, i) => `        - { code: ${224 + i}, type: string, data: "${String.fromCharCode(97 + i).repeat(30)}" }`,
    );
    const w = world(big(entries.join('\n')));
    const { packet, wire } = offer(w, {});
    assert.ok(wire.length <= 548, `reply is ${wire.length} bytes`);
    for (let i = 0; i < 11; i++)
      assert.equal(text(packet.options.other.get(224 + i)), String.fromCharCode(97 + i).repeat(30));
    assert.equal(packet.file, ''); // the field carries options now
    assert.equal(text(packet.options.other.get(67)), 'pxelinux.0');
    // With room (option 57: 1500) everything fits in the options field and the file field keeps the name.
    const roomy = offer(w, { maxMessageSize: 1500 }).packet;
    assert.equal(roomy.file, 'pxelinux.0');
    assert.equal(roomy.options.other.get(67), undefined);
  });
});
