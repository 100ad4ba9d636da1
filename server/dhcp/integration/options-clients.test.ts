// Configured options, classes and boot settings as real clients receive them: busybox udhcpc
// (asking with -O) and ISC dhclient in a lab (namespaces, bridge, the real daemon) report, through
// their hook scripts, domain search (119), classless static routes (121), MTU (26), WPAD (252),
// siaddr and the boot file exactly as configured; a reserved MAC gets its own DNS server and
// others the global one; a vendor class (60) and a user class (77) each select their boot file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab, type LabClient } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import type { ClientStart, RealClient } from './clients-real-client.ts';
import type { ClientEvent } from './clients-hook.ts';
import { Udhcpc } from './clients-udhcpc.ts';
import { Dhclient } from './clients-dhclient.ts';

const SERVER = '10.123.0.1';
const GLOBAL_DNS = '10.123.0.53';
const RESERVED = { mac: '52:54:00:aa:bb:42', ip: '10.123.0.42', dns: '10.123.0.99' };
const WPAD = 'http://wpad.lab.test/wpad.dat';
const BIND_WAIT_MS = 15_000;

/** udhcpc asks for these with -O, by its own names. */
const UDHCPC_ASKS = ['-O', 'search', '-O', 'staticroutes', '-O', 'mtu', '-O', 'wpad'];
/** dhclient needs 121 and 252 declared before it can ask for them. */
const DHCLIENT_ASKS = [
  'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;',
  'option wpad code 252 = text;',
  'request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name,',
  '  domain-search, interface-mtu, rfc3442-classless-static-routes, wpad;',
];

describe('configured options reach real clients', { concurrency: 1 }, () => {
  let lab: Lab;
  let host: LabClient;
  let daemon: LabDaemon;

  before(async () => {
    lab = await createLab({ name: 'options' });
    host = lab.clients[0]!;
    daemon = await LabDaemon.start(lab, (dataDir) =>
      labConfig(
        lab,
        dataDir,
        {
          options: [{ name: 'domain-name-servers', data: GLOBAL_DNS }],
          classes: [
            { name: 'pxe-bios', match: { vendorClass: 'PXEClient:Arch:00000*' }, bootFile: 'undionly.kpxe' },
            { name: 'ipxe', match: { userClass: 'iPXE' }, bootFile: 'http://10.123.0.5/boot.ipxe' },
          ],
        },
        {
          dnsServers: [], // so the global option applies
          nextServer: '10.123.0.5',
          bootFile: 'pxelinux.0',
          options: [
            { name: 'domain-search', data: 'lab.test, home.arpa' },
            { name: 'classless-static-route', data: '10.200.0.0/16 - 10.123.0.254, 0.0.0.0/0 - 10.123.0.1' },
            { name: 'interface-mtu', data: '1400' },
            { code: 252, type: 'string', data: WPAD },
          ],
          reservations: [
            { mac: RESERVED.mac, ip: RESERVED.ip, options: [{ name: 'domain-name-servers', data: RESERVED.dns }] },
          ],
        },
      ),
    );
  });

  after(async () => {
    await daemon?.dispose();
    await lab?.destroy();
  });

  /** Binds a fresh client with interface MAC `mac`, returns its bound event, leaves nothing running. */
  async function bind(make: () => RealClient, mac: string, opts: ClientStart): Promise<ClientEvent> {
    const set = await lab.exec(host.namespace, 'ip', ['link', 'set', 'dev', host.interface, 'address', mac]);
    assert.equal(set.code, 0, set.stderr);
    const client = make();
    try {
      client.start(opts);
      return await client.waitForEvent(['bound'], BIND_WAIT_MS);
    } finally {
      await client.dispose();
    }
  }
  const udhcpc = (mac: string, extra: string[] = []) =>
    bind(() => new Udhcpc(lab, host), mac, { extra: [...UDHCPC_ASKS, ...extra] });

  test('udhcpc -O: domain search, static routes, MTU, WPAD, siaddr and boot file as configured; the global DNS', async () => {
    const bound = await udhcpc('52:54:00:00:02:01');
    assert.deepEqual(
      {
        search: bound.vars.search,
        staticroutes: bound.vars.staticroutes,
        mtu: bound.vars.mtu,
        wpad: bound.vars.wpad,
        siaddr: bound.vars.siaddr,
        bootFile: bound.vars.boot_file,
        dns: bound.dnsServers,
        routers: bound.routers,
      },
      {
        search: 'lab.test home.arpa',
        staticroutes: '10.200.0.0/16 10.123.0.254 0.0.0.0/0 10.123.0.1',
        mtu: '1400',
        wpad: WPAD,
        siaddr: '10.123.0.5',
        bootFile: 'pxelinux.0',
        dns: [GLOBAL_DNS],
        routers: [SERVER],
      },
    );
  });

  test('dhclient: the same options and boot settings', async () => {
    const bound = await bind(() => new Dhclient(lab, host), '52:54:00:00:02:02', { extra: DHCLIENT_ASKS });
    assert.equal(bound.reason, 'bound');
    assert.deepEqual(
      {
        search: bound.vars.new_domain_search,
        routes: bound.vars.new_rfc3442_classless_static_routes,
        mtu: bound.vars.new_interface_mtu,
        wpad: bound.vars.new_wpad,
        nextServer: bound.vars.new_next_server,
        filename: bound.vars.new_filename,
        dns: bound.dnsServers,
      },
      {
        search: 'lab.test. home.arpa.',
        // RFC 3442 bytes as dhclient prints them: width, significant octets, router.
        routes: '16 10 200 10 123 0 254 0 10 123 0 1',
        mtu: '1400',
        wpad: WPAD,
        nextServer: '10.123.0.5',
        filename: 'pxelinux.0',
        dns: [GLOBAL_DNS],
      },
    );
  });

  test('a reserved MAC gets its own DNS server (and its address); another client the global one', async () => {
    const reserved = await udhcpc(RESERVED.mac);
    assert.equal(reserved.address, RESERVED.ip);
    assert.deepEqual(reserved.dnsServers, [RESERVED.dns]);
    const other = await udhcpc('52:54:00:00:02:03');
    assert.deepEqual(other.dnsServers, [GLOBAL_DNS]);
  });

  test('a vendor class (60) and a user class (77) each select their class boot file', async () => {
    const bios = await udhcpc('52:54:00:00:02:04', ['-V', 'PXEClient:Arch:00000:UNDI:002001']);
    assert.equal(bios.vars.boot_file, 'undionly.kpxe');
    assert.equal(bios.vars.siaddr, '10.123.0.5');
    // iPXE's own user class, sent as bare text (hex of "iPXE").
    const ipxe = await udhcpc('52:54:00:00:02:05', ['-x', '0x4d:69505845']);
    assert.equal(ipxe.vars.boot_file, 'http://10.123.0.5/boot.ipxe');
  });
});
