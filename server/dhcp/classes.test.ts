// Client class matching: globs compiled once, every given key must hold, the mask bit per class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClassMatcher, globToRegExp } from './classes.ts';
import { emptyOptions, type Packet } from './codec/index.ts';
import type { ClassMatch, ClientClassConfig } from '../config/types.ts';

function cls(name: string, match: Partial<ClassMatch>): ClientClassConfig {
  return {
    name,
    match: { vendorClass: null, userClass: null, clientArch: null, mac: null, hostname: null, ...match },
    options: [],
    nextServer: null,
    bootFile: null,
    serverHostname: null,
  };
}

function request(fill: (p: Packet) => void): Packet {
  const packet: Packet = {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 1,
    secs: 0,
    flags: 0,
    ciaddr: 0,
    yiaddr: 0,
    siaddr: 0,
    giaddr: 0,
    chaddr: new Uint8Array(6),
    sname: '',
    file: '',
    options: emptyOptions(),
  };
  fill(packet);
  return packet;
}

test('globs: * any run, ? one character, everything else literal (dots, brackets, plus)', () => {
  assert.ok(globToRegExp('PXEClient:Arch:0000?*').test('PXEClient:Arch:00007:UNDI:003016'));
  assert.ok(!globToRegExp('PXEClient:Arch:0000?*').test('PXEClient:Arch:0000'));
  assert.ok(globToRegExp('a.b').test('a.b'));
  assert.ok(!globToRegExp('a.b').test('axb'), 'a dot is a dot');
  assert.ok(globToRegExp('[x]+(y)').test('[x]+(y)'));
  assert.ok(!globToRegExp('ipxe').test('iPXE'), 'case-sensitive by default');
  assert.ok(globToRegExp('pi-*', true).test('PI-kitchen'));
});

test('a request is in every class whose keys all hold; bit i for class i', () => {
  const matcher = new ClassMatcher([
    cls('bios', { vendorClass: 'PXEClient:Arch:00000*' }),
    cls('uefi', { clientArch: 7 }),
    cls('pi', { mac: 'b8:27:eb:*', hostname: 'pi-*' }),
  ]);
  const bios = request((p) => (p.options.vendorClassId = Buffer.from('PXEClient:Arch:00000:UNDI:002001')));
  assert.equal(matcher.match(bios, '02:00:00:00:00:01'), 0b001);
  const uefi = request((p) => p.options.other.set(93, Uint8Array.of(0, 6, 0, 7)));
  assert.equal(matcher.match(uefi, '02:00:00:00:00:01'), 0b010, 'any architecture in the list');
  const pi = request((p) => (p.options.hostName = 'pi-garage'));
  assert.equal(matcher.match(pi, 'b8:27:eb:01:02:03'), 0b100);
  assert.equal(matcher.match(pi, '02:27:eb:01:02:03'), 0, 'both keys must hold');
  assert.equal(new ClassMatcher([]).match(pi, 'b8:27:eb:01:02:03'), 0);
});
