import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runCommand } from './command.ts';
import { createLab, LabError, withLab } from './lab.ts';
import { Probe } from './probe.ts';

async function namespacesNow(): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

describe('lab lifecycle', () => {
  test('destroy removes every namespace it made, and may be called twice', async () => {
    const lab = await createLab({ name: 'lifecycle', subnets: [{ clients: 2 }] });
    const made = [...lab.namespaces];
    assert.equal(made.length, 3); // server + two clients
    assert.ok(made.every((ns) => ns.startsWith(lab.id)));
    const before = await namespacesNow();
    for (const ns of made) assert.ok(before.includes(ns), `${ns} exists while the lab lives`);
    await lab.destroy();
    await lab.destroy();
    const after = await namespacesNow();
    assert.deepEqual(
      after.filter((ns) => ns.startsWith(lab.id)),
      [],
    );
  });

  test('a failed create removes what it had built', async () => {
    const tag = `bad${process.pid}`;
    await assert.rejects(
      createLab({ name: tag, subnets: [{}, { serverAddress: '10.300.0.1/24' }] }),
      (err: Error) => err instanceof LabError && /10\.300\.0\.1\/24/.test(err.message),
    );
    assert.deepEqual(
      (await namespacesNow()).filter((ns) => ns.includes(tag)),
      [],
    );
  });

  const endings = [
    { how: 'process.exit without destroy', signal: null, code: 'setTimeout(() => process.exit(0), 50);' },
    { how: 'SIGTERM', signal: 'SIGTERM' as const, code: 'setInterval(() => {}, 1000);' },
  ];
  for (const ending of endings) {
    test(`namespaces are removed when the process ends by ${ending.how}`, async () => {
      const labUrl = new URL('./lab.ts', import.meta.url).href;
      const script =
        `const { createLab } = await import(${JSON.stringify(labUrl)});` +
        `const lab = await createLab({ name: 'exit' });` +
        `console.log(JSON.stringify(lab.namespaces)); ${ending.code}`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('../../', import.meta.url)),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, s) => resolve(s)));
      const firstLine = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      const made = JSON.parse(firstLine) as string[];
      assert.equal(made.length, 2);
      const present = await namespacesNow();
      assert.ok(made.every((ns) => present.includes(ns)));
      if (ending.signal !== null) child.kill(ending.signal);
      assert.equal(await exited, ending.signal);
      const after = await namespacesNow();
      assert.deepEqual(
        made.filter((ns) => after.includes(ns)),
        [],
      );
    });
  }
});

describe('lab topology', () => {
  test('the server has its address on the bridge; clients are up without an address', () =>
    withLab(async (lab) => {
      const [subnet] = lab.subnets;
      const [client] = lab.clients;
      assert.ok(subnet && client);
      assert.equal(subnet.serverAddress, '10.123.0.1');
      const server = await lab.exec(lab.serverNamespace, 'ip', [
        '-4',
        '-o',
        'addr',
        'show',
        'dev',
        subnet.serverInterface,
      ]);
      assert.equal(server.code, 0);
      assert.match(server.stdout, /inet 10\.123\.0\.1\/24/);
      const link = await lab.exec(client.namespace, 'ip', ['-o', 'link', 'show', 'dev', client.interface]);
      assert.match(link.stdout, /state UP/);
      const addresses = await lab.exec(client.namespace, 'ip', ['-4', '-o', 'addr', 'show', 'dev', client.interface]);
      assert.equal(addresses.stdout, '');
      const loopback = await lab.exec(client.namespace, 'ip', ['-o', 'link', 'show', 'dev', 'lo']);
      assert.match(loopback.stdout, /UP/);
    }));

  test('exec reports exit codes and timeouts, and refuses foreign namespaces', () =>
    withLab(async (lab) => {
      const failed = await lab.exec(lab.serverNamespace, 'sh', ['-c', 'echo out; echo err >&2; exit 3']);
      assert.deepEqual([failed.stdout, failed.stderr, failed.code, failed.timedOut], ['out\n', 'err\n', 3, false]);
      const slow = await lab.exec(lab.serverNamespace, 'sleep', ['5'], { timeoutMs: 200 });
      assert.equal(slow.timedOut, true);
      assert.equal(slow.code, null);
      assert.throws(() => lab.exec('not-a-lab-namespace', 'true'), LabError);
    }));

  test('addClient joins another namespace to the bridge', () =>
    withLab(async (lab) => {
      const added = await lab.addClient();
      assert.equal(lab.clients.length, 2);
      const ping = await lab.exec(lab.serverNamespace, 'ip', [
        '-o',
        'link',
        'show',
        'master',
        lab.subnets[0]!.serverInterface,
      ]);
      assert.match(ping.stdout, new RegExp(added.serverPeer));
      assert.ok((await namespacesNow()).includes(added.namespace));
    }));

  test('spawned processes are stopped by destroy', async () => {
    const lab = await createLab();
    const child = lab.spawn(lab.serverNamespace, 'sleep', ['60']);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, s) => resolve(s)));
    await lab.destroy();
    assert.equal(await exited, 'SIGTERM');
  });
});

describe('probes', () => {
  test('a client broadcast reaches the server, and a server broadcast reaches the client', () =>
    withLab(async (lab) => {
      const [subnet] = lab.subnets;
      const [client] = lab.clients;
      assert.ok(subnet && client);
      const server = await Probe.open(lab, { namespace: lab.serverNamespace, iface: subnet.serverInterface, port: 67 });
      const peer = await Probe.open(lab, { namespace: client.namespace, iface: client.interface, port: 68 });
      await peer.send(Buffer.from('discover'), '255.255.255.255', 67);
      const request = await server.next(2000);
      assert.deepEqual(request, { data: Buffer.from('discover'), from: '0.0.0.0', port: 68 });
      await server.send(Buffer.from('offer'), '255.255.255.255', 68);
      const reply = await peer.next(2000);
      assert.deepEqual(reply, { data: Buffer.from('offer'), from: '10.123.0.1', port: 67 });
      assert.equal(await peer.next(200), null); // nothing else arrives
      await Promise.all([server.close(), peer.close()]);
    }));

  test('a relay probe at its giaddr talks unicast with the server', () =>
    withLab({ relay: { address: '10.123.0.2/24', giaddrs: ['10.124.0.1/24'] } }, async (lab) => {
      const relay = lab.relay;
      assert.ok(relay);
      assert.deepEqual(relay.giaddrs, ['10.124.0.1']);
      const server = await Probe.open(lab, {
        namespace: lab.serverNamespace,
        iface: lab.subnets[0]!.serverInterface,
        port: 67,
      });
      const agent = await Probe.open(lab, {
        namespace: relay.namespace,
        iface: relay.interface,
        address: '10.124.0.1',
        port: 67,
      });
      await agent.send(Buffer.from('relayed'), '10.123.0.1', 67);
      assert.deepEqual(await server.next(2000), { data: Buffer.from('relayed'), from: '10.124.0.1', port: 67 });
      await server.send(Buffer.from('answer'), '10.124.0.1', 67);
      assert.deepEqual(await agent.next(2000), { data: Buffer.from('answer'), from: '10.123.0.1', port: 67 });
    }));

  test('a probe on a missing device fails to open with the reason', () =>
    withLab(async (lab) => {
      await assert.rejects(
        Probe.open(lab, { namespace: lab.serverNamespace, iface: 'hpnosuchdev', port: 67 }),
        /cannot bind DHCP socket to device "hpnosuchdev": ENODEV \(no such device\)/,
      );
    }));
});
