// Taps in a network namespace this file makes and removes: every call that changes a device
// passes { netns }, so the host's own interfaces are never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { canManageNetwork } from '../privileges.ts';
import { createTap, deleteTap, IFNAME_MAX, TapError, tapCounters, tapExists, tapNameFor } from './tap.ts';
import { makeTestNetns, type TestNetns } from './testing/netns.ts';

const skip = canManageNetwork() ? false : 'needs CAP_NET_ADMIN (run as root)';

interface LinkJson {
  master?: string;
  flags: string[];
  linkinfo?: { info_kind?: string; info_data?: { type?: string; user?: string; persist?: boolean } };
}

function link(ns: TestNetns, name: string): LinkJson {
  return (JSON.parse(ns.ip(['-d', '-j', 'link', 'show', 'dev', name])) as LinkJson[])[0]!;
}

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof TapError, `${err.name}: ${err.message}`);
    assert.match(err.message, message);
    return true;
  });
}

test('tapNameFor: a valid interface name, the same for the same id, different for ids made in one millisecond', () => {
  const ids = [
    '3d1219c7-c4c5-404a-aa1f-6d2a48adfda4',
    // v7 UUIDs of one millisecond share their first 12 hex digits.
    '01890a5d-ac96-7000-8000-000000000001',
    '01890a5d-ac96-7000-8000-000000000002',
    'not-a-uuid',
  ];
  const names = ids.map(tapNameFor);
  for (const name of names) {
    assert.match(name, /^hp[0-9a-f]{13}$/);
    assert.ok(name.length <= IFNAME_MAX);
  }
  assert.equal(new Set(names).size, ids.length);
  assert.equal(tapNameFor(ids[0]!), names[0]);
  assert.throws(() => tapNameFor(''), TapError);
});

test('createTap: a persistent tap owned by the user, on the bridge, up; again: existing', { skip }, async (t) => {
  const ns = makeTestNetns(t);
  const netns = { netns: ns.name };
  const spec = { name: tapNameFor('vm-1'), bridge: ns.bridge, user: 'nobody' };
  assert.equal(await tapExists(spec.name, netns), false);
  assert.equal(await createTap(spec, netns), 'created');
  const made = link(ns, spec.name);
  assert.deepEqual(
    { master: made.master, kind: made.linkinfo?.info_kind, ...made.linkinfo?.info_data, up: made.flags.includes('UP') },
    {
      master: ns.bridge,
      kind: 'tun',
      ...{ type: 'tap', user: 'nobody', persist: true, pi: false, vnet_hdr: false, multi_queue: false },
      up: true,
    },
  );
  assert.equal(await tapExists(spec.name, netns), true);

  assert.equal(await createTap(spec, netns), 'existing');
  // Taken down by someone: createTap brings it back up.
  ns.ip(['link', 'set', spec.name, 'down']);
  assert.equal(await createTap(spec, netns), 'existing');
  assert.ok(link(ns, spec.name).flags.includes('UP'));

  // Left without a bridge (made by hand, or a daemon that died between the two steps): joined.
  ns.ip(['tuntap', 'add', 'dev', 'hpbare', 'mode', 'tap', 'user', 'nobody']);
  assert.equal(await createTap({ ...spec, name: 'hpbare' }, netns), 'existing');
  assert.equal(link(ns, 'hpbare').master, ns.bridge);
});

test('createTap refuses names that belong to something else, and bridges that are not there', { skip }, async (t) => {
  const ns = makeTestNetns(t);
  const netns = { netns: ns.name };
  ns.ip(['link', 'add', 'hpbr1', 'type', 'bridge']);
  ns.ip(['link', 'add', 'hpveth0', 'type', 'veth', 'peer', 'name', 'hpveth1']);
  ns.ip(['tuntap', 'add', 'dev', 'hptapother', 'mode', 'tap', 'user', 'root']);
  ns.ip(['tuntap', 'add', 'dev', 'hptapbr1', 'mode', 'tap', 'user', 'nobody']);
  ns.ip(['link', 'set', 'hptapbr1', 'master', 'hpbr1']);
  ns.ip(['tuntap', 'add', 'dev', 'hptun0', 'mode', 'tun', 'user', 'nobody']);

  const cases: { name: string; bridge: string; message: RegExp }[] = [
    {
      name: 'hptap1',
      bridge: 'hpnobridge',
      message: /^bridge hpnobridge does not exist; create it \(ip link add hpnobridge type/,
    },
    {
      name: 'hptap1',
      bridge: 'hpveth0',
      message: /^hpveth0 is not a bridge \(it is a veth device\); set hypervisor\.bridge$/,
    },
    {
      name: 'hpveth1',
      bridge: ns.bridge,
      message: /^hpveth1 exists and is not a tap \(it is a veth device\); choose another name$/,
    },
    { name: 'hptun0', bridge: ns.bridge, message: /^hptun0 exists and is not a tap \(it is a tun device\)/ },
    {
      name: 'hptapother',
      bridge: ns.bridge,
      message: /^tap hptapother exists but belongs to user root, not nobody; delete it/,
    },
    {
      name: 'hptapbr1',
      bridge: ns.bridge,
      message: /^tap hptapbr1 exists but is on bridge hpbr1, not hpbr0; delete it/,
    },
    { name: 'a-name-too-long-for-linux', bridge: ns.bridge, message: /^tap name must be 1-15 / },
    { name: '../../etc', bridge: ns.bridge, message: /^tap name must be/ },
    { name: 'hptap1', bridge: '', message: /^bridge name must be/ },
  ];
  for (const c of cases) {
    await rejectsWith(createTap({ name: c.name, bridge: c.bridge, user: 'nobody' }, netns), c.message);
  }
  await rejectsWith(
    createTap({ name: 'hptap1', bridge: ns.bridge, user: 'no body' }, netns),
    /^tap owner must be a user name/,
  );
  // Nothing was changed or left behind.
  assert.equal(link(ns, 'hptapbr1').master, 'hpbr1');
  assert.equal(link(ns, 'hpveth1').master, undefined);
  assert.equal(await tapExists('hptap1', netns), false);
});

test('deleteTap removes a tap once and refuses any other device', { skip }, async (t) => {
  const ns = makeTestNetns(t);
  const netns = { netns: ns.name };
  const name = tapNameFor('vm-2');
  await createTap({ name, bridge: ns.bridge, user: 'nobody' }, netns);
  assert.equal(await deleteTap(name, netns), true);
  assert.equal(await tapExists(name, netns), false);
  assert.equal(await deleteTap(name, netns), false);

  await rejectsWith(deleteTap(ns.bridge, netns), /^hpbr0 is not a tap \(it is a bridge device\); not deleting it$/);
  assert.equal(link(ns, ns.bridge).linkinfo?.info_kind, 'bridge');
  assert.equal(await tapExists(ns.bridge, netns), false);
});

test('tapCounters: what the guest side writes into the tap is the host side rx', { skip }, async (t) => {
  const ns = makeTestNetns(t);
  const netns = { netns: ns.name };
  const name = tapNameFor('vm-3');
  await createTap({ name, bridge: ns.bridge, user: 'nobody' }, netns);
  const before = await tapCounters(name, netns);
  assert.deepEqual(before, { rxBytes: 0, txBytes: 0 });

  // Plays QEMU: opens the tap (TUNSETIFF, IFF_TAP | IFF_NO_PI) and writes three 60-byte frames.
  const guest = [
    'import fcntl, os, struct, sys',
    "fd = os.open('/dev/net/tun', os.O_RDWR)",
    "fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', sys.argv[1].encode(), 0x0002 | 0x1000))",
    "frame = bytes.fromhex('ffffffffffff' '525400000001' '88b5') + bytes(46)",
    'for _ in range(3): os.write(fd, frame)',
  ].join('\n');
  execFileSync('ip', ['netns', 'exec', ns.name, 'python3', '-c', guest, name], { stdio: 'pipe' });

  const after = await tapCounters(name, netns);
  assert.equal(after.rxBytes - before.rxBytes, 3 * 60);
  assert.ok(after.txBytes >= before.txBytes);
  await rejectsWith(
    tapCounters('hpnothere', netns),
    /^no network device hpnothere in network namespace hpt-[0-9a-f]{8}$/,
  );
});

test('tapCounters without a namespace reads /sys/class/net (loopback, read only)', async () => {
  const counters = await tapCounters('lo');
  const rx = Number(readFileSync('/sys/class/net/lo/statistics/rx_bytes', 'utf8'));
  assert.ok(counters.rxBytes <= rx, `${counters.rxBytes} <= ${rx}`);
  assert.ok(Number.isSafeInteger(counters.txBytes));
  await rejectsWith(tapCounters('hpnothere'), /^no network device hpnothere$/);
  await rejectsWith(tapCounters('../../../etc'), /^tap name must be/);
});
