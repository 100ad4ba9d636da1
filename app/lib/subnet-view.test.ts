import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionScope, type ClientClass } from '../../proto/gen/homeplane/v1/dhcp_option.ts';
import { toClientClassView, toSubnetView } from './subnet-convert.ts';
import { architectureWords, countAddresses, formatLeaseTime, hasBoot, poolUsage } from './subnet-view.ts';

test('pool usage: what is not free is taken', () => {
  assert.deepEqual(poolUsage({ poolSize: 100, free: 100 }), { taken: 0, percent: 0, level: 'ok' });
  assert.deepEqual(poolUsage({ poolSize: 100, free: 75 }), { taken: 25, percent: 25, level: 'ok' });
  assert.deepEqual(poolUsage({ poolSize: 100, free: 20 }), { taken: 80, percent: 80, level: 'high' });
  assert.deepEqual(poolUsage({ poolSize: 200, free: 1 }), { taken: 199, percent: 99, level: 'high' });
  assert.deepEqual(poolUsage({ poolSize: 100, free: 0 }), { taken: 100, percent: 100, level: 'full' });
  assert.deepEqual(poolUsage({ poolSize: 0, free: 0 }), { taken: 0, percent: 0, level: 'ok' });
});

test('lease times read as a person says them', () => {
  assert.equal(formatLeaseTime(45), '45 s');
  assert.equal(formatLeaseTime(3600), '1 h');
  assert.equal(formatLeaseTime(5400), '1 h 30 min');
  assert.equal(formatLeaseTime(86_400 + 43_200), '1 d 12 h');
});

test('address counts', () => {
  assert.equal(countAddresses(1), '1 address');
  assert.equal(countAddresses(65_534), '65,534 addresses');
});

test('toSubnetView takes the counts and sizes each pool', () => {
  const view = toSubnetView({
    subnet: '10.123.0.0/24',
    pools: [
      { start: '10.123.0.100', end: '10.123.0.199' },
      { start: '10.123.0.250', end: '10.123.0.250' },
    ],
    routers: ['10.123.0.1'],
    dnsServers: ['10.123.0.1', '1.1.1.1'],
    domainName: 'lab.home',
    leaseSeconds: 3600,
    poolSize: 101,
    addressesInUse: 3,
    declined: 1,
    free: 96,
    reservations: 2,
    options: [],
    nextServer: '',
    bootFile: '',
    serverHostname: '',
  });
  assert.deepEqual(
    view.pools.map((p) => p.size),
    [100, 1],
  );
  assert.equal(view.inUse, 3);
  assert.equal(view.free, 96);
  assert.equal(view.reservations, 2);
});

test('effective options keep their scope; boot settings come along', () => {
  const view = toSubnetView({
    subnet: '10.123.0.0/24',
    pools: [],
    routers: [],
    dnsServers: [],
    domainName: '',
    leaseSeconds: 3600,
    poolSize: 0,
    addressesInUse: 0,
    declined: 0,
    free: 0,
    reservations: 0,
    options: [
      {
        name: 'domain-name-servers',
        code: 6,
        type: 'ips',
        data: '10.123.0.53',
        always: false,
        scope: OptionScope.OPTION_SCOPE_GLOBAL,
      },
      {
        name: 'interface-mtu',
        code: 26,
        type: 'uint16',
        data: '9000',
        always: false,
        scope: OptionScope.OPTION_SCOPE_SUBNET,
      },
      { name: '', code: 252, type: 'string', data: 'http://wpad/wpad.dat', always: true, scope: 99 as OptionScope },
    ],
    nextServer: '10.123.0.5',
    bootFile: 'pxelinux.0',
    serverHostname: '',
  });
  assert.deepEqual(
    view.options.map((o) => [o.code, o.scope]),
    [
      [6, 'global'],
      [26, 'subnet'],
      [252, 'unknown'],
    ],
  );
  assert.deepEqual(view.boot, { nextServer: '10.123.0.5', bootFile: 'pxelinux.0', serverHostname: '' });
  assert.equal(hasBoot(view.boot), true);
  assert.equal(hasBoot({ nextServer: '', bootFile: '', serverHostname: '' }), false);
});

test('a class reads as what puts a client in it, and what it gets', () => {
  const cls: ClientClass = {
    name: 'pxe-bios',
    vendorClass: 'PXEClient:Arch:00000*',
    userClass: '',
    clientArch: 0,
    mac: 'b8:27:eb:*',
    hostname: '',
    options: [{ name: 'tftp-server-name', code: 66, type: 'string', data: 'tftp', always: false, scope: 0 }],
    nextServer: '',
    bootFile: 'undionly.kpxe',
    serverHostname: '',
  };
  const view = toClientClassView(cls);
  assert.deepEqual(view.match, ['vendor class PXEClient:Arch:00000*', 'architecture 0 (x86 BIOS)', 'MAC b8:27:eb:*']);
  assert.equal(view.options[0]?.scope, 'class');
  assert.equal(view.boot.bootFile, 'undionly.kpxe');
  const ipxe = { ...cls, vendorClass: '', userClass: 'iPXE', clientArch: undefined, mac: '' };
  assert.deepEqual(toClientClassView(ipxe).match, ['user class iPXE']);
  assert.equal(architectureWords(42), 'architecture 42');
});
