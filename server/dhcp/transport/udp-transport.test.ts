// Device-bound sockets in a real lab: one server namespace with two veth pairs to two peer
// namespaces (A and B). The server side runs UdpTransport in a child process inside the server
// namespace (udp-transport-child.ts); the peers are lab probes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { withLab, type Lab } from '../../../scripts/lab/lab.ts';
import { Probe } from '../../../scripts/lab/probe.ts';
import { DeviceSocketError, openDeviceSocket } from './bound-socket.ts';
import { interfaceAddresses, interfaceExists } from './interfaces.ts';
import { UdpTransport } from './udp-transport.ts';

type Line = Record<string, unknown>;

/** The transport child's stdout, as parsed lines, with a way to wait for one. */
class TransportChild {
  readonly lines: Line[] = [];
  private waiters: (() => void)[] = [];

  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      this.lines.push(JSON.parse(text) as Line);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async start(lab: Lab, interfaces: string[]): Promise<TransportChild> {
    const script = fileURLToPath(new URL('./udp-transport-child.ts', import.meta.url));
    const child = lab.spawn(
      lab.serverNamespace,
      process.execPath,
      ['--import', 'tsx', script, '--interfaces', interfaces.join(','), '--port', '67'],
      { cwd: fileURLToPath(new URL('../../../', import.meta.url)), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const transport = new TransportChild(child);
    const first = await transport.waitFor((line) => 'ready' in line || 'error' in line, 10_000);
    assert.deepEqual(first, { ready: true });
    return transport;
  }

  command(message: Line): void {
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  /** Resolves with the first line (seen or to come) that matches; rejects after `timeoutMs`. */
  async waitFor(match: (line: Line) => boolean, timeoutMs: number): Promise<Line> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching line from the transport; got ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  received(): Line[] {
    return this.lines.filter((line) => 'recv' in line);
  }
}

const hex = (text: string): string => Buffer.from(text).toString('hex');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Two subnets, each a single veth pair from the server namespace to one peer. */
const twoPeers = {
  name: 'transport',
  subnets: [
    { serverAddress: '10.123.0.1/24', bridge: false },
    { serverAddress: '10.124.0.1/24', bridge: false },
  ],
};

async function openPeers(lab: Lab): Promise<[Probe, Probe]> {
  const [a, b] = lab.clients;
  assert.ok(a && b);
  return Promise.all([
    Probe.open(lab, { namespace: a.namespace, iface: a.interface, port: 68 }),
    Probe.open(lab, { namespace: b.namespace, iface: b.interface, port: 68 }),
  ]);
}

describe('UdpTransport in a namespace with two served interfaces', () => {
  test('a broadcast from peer A reaches only the socket of interface A', () =>
    withLab(twoPeers, async (lab) => {
      const [ifaceA, ifaceB] = lab.subnets.map((s) => s.serverInterface);
      const transport = await TransportChild.start(lab, [ifaceA!, ifaceB!]);
      const [peerA, peerB] = await openPeers(lab);
      await peerA.send(Buffer.from('from-a'), '255.255.255.255', 67);
      await peerB.send(Buffer.from('from-b'), '255.255.255.255', 67);
      await transport.waitFor((line) => line.recv === hex('from-a'), 2000);
      await transport.waitFor((line) => line.recv === hex('from-b'), 2000);
      await sleep(300); // time for any copy delivered to the wrong socket to show up
      // Without SO_BINDTODEVICE both sockets on 0.0.0.0:67 would get both broadcasts (four lines).
      assert.deepEqual(transport.received(), [
        { recv: hex('from-a'), from: '0.0.0.0', port: 68, iface: ifaceA },
        { recv: hex('from-b'), from: '0.0.0.0', port: 68, iface: ifaceB },
      ]);
    }));

  test('a broadcast reply through interface A reaches peer A only, with no route to 255.255.255.255', () =>
    withLab(twoPeers, async (lab) => {
      // The premise: the server namespace has no default route, so an unbound socket's
      // broadcast would fail with ENETUNREACH.
      const route = await lab.exec(lab.serverNamespace, 'ip', ['route', 'get', '255.255.255.255']);
      assert.notEqual(route.code, 0);
      assert.match(route.stderr, /unreachable/i);

      const [ifaceA] = lab.subnets.map((s) => s.serverInterface);
      const transport = await TransportChild.start(
        lab,
        lab.subnets.map((s) => s.serverInterface),
      );
      const [peerA, peerB] = await openPeers(lab);
      transport.command({ iface: ifaceA, send: hex('offer'), to: '255.255.255.255', port: 68 });
      assert.deepEqual(await peerA.next(2000), { data: Buffer.from('offer'), from: '10.123.0.1', port: 67 });
      assert.equal(await peerB.next(300), null);
      await waitForCounters(transport, { received: 0, sent: 1, sendErrors: 0 });
    }));

  test('sending on an interface it does not serve is reported and counted, not thrown', () =>
    withLab(twoPeers, async (lab) => {
      const transport = await TransportChild.start(lab, [lab.subnets[0]!.serverInterface]);
      transport.command({ iface: 'eth9', send: hex('x'), to: '255.255.255.255', port: 68 });
      const report = await transport.waitFor((line) => 'transportError' in line, 2000);
      assert.deepEqual(report, {
        transportError: 'no DHCP socket is open on interface "eth9"',
        context: 'send on interface "eth9"',
      });
      await waitForCounters(transport, { received: 0, sent: 0, sendErrors: 1 });
    }));
});

async function waitForCounters(transport: TransportChild, expected: Line): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    transport.lines.length = 0;
    transport.command({ counters: true });
    const line = await transport.waitFor((l) => 'counters' in l, 2000);
    if (JSON.stringify(line.counters) === JSON.stringify(expected)) return;
    await sleep(50);
  }
  assert.fail(`counters never reached ${JSON.stringify(expected)}`);
}

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('openDeviceSocket and UdpTransport.start outside a lab', () => {
  test('openDeviceSocket names the device and the errno, and leaks no descriptor', async () => {
    const before = openDescriptors();
    await assert.rejects(openDeviceSocket({ device: 'hpnosuchdev0', port: 0 }), (err: unknown) => {
      assert.ok(err instanceof DeviceSocketError);
      assert.equal(err.message, 'cannot bind DHCP socket to device "hpnosuchdev0": ENODEV (no such device)');
      assert.equal(err.code, 'ENODEV');
      assert.equal(err.device, 'hpnosuchdev0');
      return true;
    });
    assert.equal(openDescriptors(), before);
  });

  const invalid = [
    {
      why: 'name longer than IFNAMSIZ - 1',
      opts: { device: 'a-very-long-ifname', port: 67 },
      message: /not a valid interface name/,
    },
    { why: 'empty name (would unbind)', opts: { device: '', port: 67 }, message: /not a valid interface name/ },
    { why: 'port out of range', opts: { device: 'lo', port: 70000 }, message: /port 70000 is not 0-65535/ },
    {
      why: 'address not IPv4',
      opts: { device: 'lo', port: 67, address: 'fe80::1' },
      message: /"fe80::1" is not an IPv4 address/,
    },
  ];
  for (const { why, opts, message } of invalid) {
    test(`openDeviceSocket refuses a ${why}`, async () => {
      await assert.rejects(openDeviceSocket(opts), message);
    });
  }

  test('a bound device socket works on loopback', async () => {
    const socket = await openDeviceSocket({ device: 'lo', port: 0, address: '127.0.0.1' });
    const { port } = socket.address();
    const got = new Promise<string>((resolve) => socket.once('message', (m) => resolve(m.toString())));
    socket.send('ping', port, '127.0.0.1');
    assert.equal(await got, 'ping');
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  });

  test('the receive buffer may exceed net.core.rmem_max (SO_RCVBUFFORCE, as root)', async () => {
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const wanted = rmemMax * 2;
    const socket = await openDeviceSocket({ device: 'lo', port: 0, receiveBufferBytes: wanted });
    // The kernel doubles the figure to account for its own overhead (socket(7)).
    assert.equal(socket.getRecvBufferSize(), wanted * 2);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  });

  test('UdpTransport.start fails on a missing interface and closes the sockets it had opened', async () => {
    const errors: string[] = [];
    const transport = new UdpTransport({
      interfaces: ['lo', 'hpnosuchdev0'],
      port: 0,
      onError: (err) => errors.push(err.message),
    });
    const before = openDescriptors();
    await assert.rejects(
      transport.start(() => {}),
      /device "hpnosuchdev0": ENODEV/,
    );
    assert.equal(openDescriptors(), before);
    assert.deepEqual(errors, []);
  });
});

describe('interfaces', () => {
  test('interfaceAddresses lists IPv4 addresses as numbers with their prefix', () => {
    assert.deepEqual(interfaceAddresses('lo'), [{ address: 0x7f000001, prefix: 8 }]);
    assert.deepEqual(interfaceAddresses('hpnosuchdev0'), []);
  });

  test("interfaceAddresses sees the address of a bridge with no carrier (only stopped VMs' taps on it)", async (t) => {
    // Node's os.networkInterfaces() leaves such a bridge out; DHCP must still serve it.
    const ns = `hpnc${process.pid % 100000}`;
    const ip = (...args: string[]) => execFileSync('ip', ['-n', ns, ...args]);
    execFileSync('ip', ['netns', 'add', ns]);
    t.after(() => execFileSync('ip', ['netns', 'del', ns]));
    ip('link', 'add', 'br0', 'type', 'bridge');
    ip('addr', 'add', '10.77.0.1/24', 'dev', 'br0');
    ip('tuntap', 'add', 'dev', 'tap0', 'mode', 'tap');
    ip('link', 'set', 'tap0', 'master', 'br0', 'up');
    ip('link', 'set', 'br0', 'up');
    const seen = execFileSync(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        '--import',
        'tsx',
        '-e',
        `import { interfaceAddresses } from ${JSON.stringify(new URL('./interfaces.ts', import.meta.url).pathname)}; console.log(JSON.stringify(interfaceAddresses('br0')))`,
      ],
      { encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(seen), [{ address: 0x0a4d0001, prefix: 24 }]);
  });

  test('interfaceExists checks the kernel and refuses path tricks', () => {
    assert.equal(interfaceExists('lo'), true);
    assert.equal(interfaceExists('hpnosuchdev0'), false);
    assert.equal(interfaceExists('../lo'), false);
    assert.equal(interfaceExists(''), false);
  });
});
