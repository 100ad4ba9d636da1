// The VM loop end to end, through the real daemon's gRPC API only: CreateVm with a kernel boot
// of the tiny guest on the lab's served bridge -> QEMU under TCG -> the guest leases from
// Homeplane -> Watch shows it running, then its address -> the console shows the boot and echoes
// input -> kill -9 of the daemon, restart: the same QEMU is re-attached -> a guest that ignores
// ACPI is forced off after the timeout -> started again, then killed from outside -> crashed ->
// autostart brings it back when the daemon starts -> DeleteVm removes process, disk, tap and
// reservation. Refusals (capacity, a path outside the
// image folders, a duplicate name) ride along. Two guest boots in all; needs root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createLab, type Lab } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import { ensureTinyGuest, type TinyGuest } from '../../../scripts/guest/tiny.ts';
import { DaemonApi, grpcListenIn } from '../../grpc/integration/daemon-api.ts';
import { VmServiceClient, VmState, type CreateVmRequest, type Vm } from '../../../proto/gen/homeplane/v1/vm.ts';
import { tapNameFor } from '../tap.ts';
import { fetchInLab } from '../../metrics/testing/scrape-in-lab.ts';
import { parseExposition, valueOf } from '../../metrics/testing/exposition.ts';

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;
function call<T>(start: (cb: Callback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res))));
}
function refused(promise: Promise<unknown>, code: grpc.status, details: RegExp): Promise<void> {
  return assert.rejects(promise, (e: grpc.ServiceError) => e.code === code && details.test(e.details));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The VM fields a frame of vm events carries, in order. */
function vmEvents(recorder: ReturnType<DaemonApi['watch']>): { kind: string; vm: Vm }[] {
  return recorder.frames.flatMap((f) =>
    f.payload?.$case === 'events'
      ? f.payload.events.events.flatMap((e) => (e.object?.$case === 'vm' ? [{ kind: e.kind, vm: e.object.vm }] : []))
      : [],
  );
}

describe('a VM created through the API boots, leases from Homeplane, survives a daemon kill -9, and is cleaned up', () => {
  let lab: Lab;
  let daemon: LabDaemon;
  let api: DaemonApi;
  let vms: VmServiceClient;
  let guest: TinyGuest;
  let images: string;
  let vm: Vm;

  const connect = () => {
    api = DaemonApi.connect(daemon.dataDir);
    vms = new VmServiceClient(grpcListenIn(daemon.dataDir), grpc.credentials.createInsecure());
  };
  const disconnect = () => {
    api?.close();
    vms?.close();
  };
  const getVm = async (id: string) => (await call<{ vm?: Vm }>((cb) => vms.getVm({ id }, api.auth, cb))).vm!;
  const waitForVm = async (id: string, ready: (v: Vm) => boolean, what: string, ms = 60_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const current = await getVm(id);
      if (ready(current)) return current;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; VM is ${JSON.stringify(current)}`);
      await sleep(200);
    }
  };
  const qemuPid = () => Number(readFileSync(join(daemon.dataDir, 'vms', vm.id, 'run', 'qemu.pid'), 'utf8').trim());
  const alive = (pid: number) =>
    existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

  before(async () => {
    guest = await ensureTinyGuest();
    lab = await createLab({ name: 'vmlife', subnets: [{ clients: 0 }] });
    daemon = await LabDaemon.start(lab, (dataDir) => {
      images = join(dataDir, '..', 'images');
      mkdirSync(images, { recursive: true });
      copyFileSync(guest.kernel, join(images, 'vmlinuz-tiny'));
      copyFileSync(guest.initrd, join(images, 'initrd-tiny.img'));
      return {
        ...labConfig(lab, dataDir),
        grpc: { listen: grpcListenIn(dataDir) },
        metrics: { listen: '127.0.0.1:0' },
        hypervisor: { bridge: lab.subnets[0]!.serverInterface, accel: 'tcg', imageDirs: [images] },
      };
    });
    connect();
  });
  after(async () => {
    disconnect();
    // Whatever a failed test left running: QEMU outlives the daemon by design.
    if (vm) {
      try {
        process.kill(qemuPid(), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await daemon?.dispose();
    await lab?.destroy();
  });

  const request = (over: Partial<CreateVmRequest> = {}): CreateVmRequest => ({
    name: 'tiny',
    vcpus: 1,
    memoryMib: 128,
    diskGib: 1,
    boot: {
      $case: 'kernel',
      kernel: {
        kernelPath: join(images, 'vmlinuz-tiny'),
        initrdPath: join(images, 'initrd-tiny.img'),
        cmdline: `${guest.cmdline} hostname=tiny`,
      },
    },
    mac: '',
    start: true,
    autostart: false,
    ...over,
  });

  test('refusals: a path outside the image folders, a VM larger than the host', async () => {
    await refused(
      call((cb) =>
        vms.createVm(
          request({ boot: { $case: 'kernel', kernel: { kernelPath: '/etc/passwd', initrdPath: '', cmdline: '' } } }),
          api.auth,
          cb,
        ),
      ),
      grpc.status.INVALID_ARGUMENT,
      /^kernel\.kernel_path: /,
    );
    await refused(
      call((cb) => vms.createVm(request({ memoryMib: 4 * 1024 * 1024 }), api.auth, cb)),
      grpc.status.FAILED_PRECONDITION,
      /needs 4194304 MiB of memory but the host has/,
    );
    const list = await call<{ vms: Vm[] }>((cb) => vms.listVms({}, api.auth, cb));
    assert.deepEqual(list.vms, [], 'nothing was left of the refused creates');
  });

  test('CreateVm boots the guest; Watch shows it running, then the address its lease gave it', async () => {
    const watch = api.watch({ kinds: ['vm'] });
    const created = await call<{ vm?: Vm }>((cb) => vms.createVm(request(), api.auth, cb));
    vm = created.vm!;
    assert.match(vm.mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
    await watch.until((w) => vmEvents(w).some((e) => e.kind === 'vm.address_assigned'), 'vm.address_assigned', 90_000);
    const events = vmEvents(watch);
    const running = events.findIndex((e) => e.vm.state === VmState.VM_STATE_RUNNING);
    const addressed = events.findIndex((e) => e.kind === 'vm.address_assigned');
    assert.ok(
      running >= 0 && running < addressed,
      `running before its address: ${events.map((e) => `${e.kind}:${e.vm.state}`).join(', ')}`,
    );
    const address = events[addressed]!.vm.address;
    assert.match(address, /^10\.123\.0\.1\d\d$/);
    assert.equal((await getVm(vm.id)).address, address);
    const { leases } = await api.allLeases(50);
    const lease = leases.find((l) => l.hwAddress === vm.mac);
    assert.equal(lease?.address, address, 'the VM holds a lease from Homeplane for its MAC');
    assert.equal(lease?.hostname, 'tiny');
    await refused(
      call((cb) => vms.createVm(request({ start: false }), api.auth, cb)),
      grpc.status.ALREADY_EXISTS,
      /a VM named "tiny" exists already/,
    );
  });

  test("the metrics show the VM running, its QEMU's CPU time and memory, the host allocation", async () => {
    const serving = daemon.logs.findLast((l) => l.msg === 'metrics serving')!;
    const text = await fetchInLab(lab, lab.serverNamespace, `http://${serving.address as string}/metrics`);
    const families = parseExposition(text);
    const at = (name: string, labels: Record<string, string> = {}) => valueOf(families, name, labels);
    assert.equal(at('homeplane_vms', { state: 'running' }), 1);
    assert.equal(at('homeplane_vms', { state: 'stopped' }), 0);
    const cpu = at('homeplane_vm_cpu_seconds_total', { vm: vm.id, name: 'tiny' });
    assert.ok(cpu !== undefined && cpu > 0, `CPU seconds ${cpu}`);
    const rss = at('homeplane_vm_memory_resident_bytes', { vm: vm.id, name: 'tiny' });
    assert.ok(rss !== undefined && rss > 16 * 2 ** 20, `resident bytes ${rss}`);
    // The guest sent its DHCP DISCOVER and REQUEST, and got the OFFER and ACK.
    const sent = at('homeplane_vm_network_transmit_bytes_total', { vm: vm.id });
    const received = at('homeplane_vm_network_receive_bytes_total', { vm: vm.id });
    assert.ok(sent !== undefined && sent >= 2 * 300, `transmitted ${sent}`);
    assert.ok(received !== undefined && received >= 2 * 300, `received ${received}`);
    assert.equal(at('homeplane_host_vcpus', { kind: 'allocated' }), 1);
    assert.equal(at('homeplane_host_memory_bytes', { kind: 'allocated' }), 128 * 2 ** 20);
    assert.equal(at('homeplane_dhcp_leased_addresses', { subnet: '10.123.0.0/24' }), 1, "the guest's lease");
  });

  test('the console shows the boot and echoes input', async () => {
    const stream = vms.streamConsole({ id: vm.id }, api.auth);
    let text = '';
    stream.on('data', (m: { data: Buffer }) => (text += Buffer.from(m.data).toString('latin1')));
    stream.on('error', () => undefined);
    const until = async (re: RegExp, what: string) => {
      for (let i = 0; i < 300 && !re.test(text); i++) await sleep(100);
      assert.match(text, re, what);
    };
    await until(/homeplane-guest: leased/, 'boot lines from the recent output');
    await call((cb) => vms.sendConsoleInput({ id: vm.id, data: Buffer.from('echo hp-$((6*') }, api.auth, cb));
    await call((cb) => vms.sendConsoleInput({ id: vm.id, data: Buffer.from('7))\n') }, api.auth, cb));
    await until(/hp-42/, 'the guest ran what was typed');
    stream.cancel();
  });

  test('kill -9 of the daemon: the restarted daemon re-attaches to the same QEMU', async () => {
    const pid = qemuPid();
    disconnect();
    await daemon.kill();
    assert.ok(alive(pid), 'QEMU outlives the daemon');
    await daemon.launch();
    connect();
    const reattached = await waitForVm(
      vm.id,
      (v) => v.state === VmState.VM_STATE_RUNNING,
      'running after the restart',
      20_000,
    );
    assert.equal(qemuPid(), pid, 'the same process');
    assert.equal(reattached.stateReason.length > 0, true);
  });

  test('StopVm on a guest that ignores the ACPI button forces it off after the timeout', async () => {
    const started = Date.now();
    const stopped = (
      await call<{ vm?: Vm }>((cb) => vms.stopVm({ id: vm.id, force: false, timeoutSeconds: 2 }, api.auth, cb))
    ).vm!;
    assert.equal(stopped.state, VmState.VM_STATE_STOPPED);
    assert.ok(Date.now() - started >= 2000, 'it waited out the timeout');
    assert.match(stopped.stateReason, /quit|forc|timeout/i);
    await refused(
      call((cb) => vms.stopVm({ id: vm.id, force: false, timeoutSeconds: 0 }, api.auth, cb)),
      grpc.status.FAILED_PRECONDITION,
      /stopped/,
    );
  });

  test('QEMU killed from outside becomes crashed, with the reason', async () => {
    await call((cb) => vms.startVm({ id: vm.id }, api.auth, cb));
    const pid = qemuPid();
    process.kill(pid, 'SIGKILL');
    const crashed = await waitForVm(vm.id, (v) => v.state === VmState.VM_STATE_CRASHED, 'crashed', 10_000);
    assert.match(crashed.stateReason, /without a shutdown|killed/i);
  });

  test('an autostart VM that is not running is started when the daemon starts', async () => {
    const updated = (
      await call<{ vm?: Vm }>((cb) =>
        vms.updateVm({ id: vm.id, vm: { ...vm, autostart: true }, updateMask: ['autostart'] }, api.auth, cb),
      )
    ).vm!;
    assert.equal(updated.autostart, true);
    disconnect();
    assert.equal(await daemon.stop(), 0);
    await daemon.launch();
    connect();
    await waitForVm(vm.id, (v) => v.state === VmState.VM_STATE_RUNNING, 'running after the start', 20_000);
    assert.ok(alive(qemuPid()), 'a new QEMU runs');
  });

  test('DeleteVm removes its disk, tap and reservation', async () => {
    await call((cb) => vms.deleteVm({ id: vm.id }, api.auth, cb));
    assert.ok(!existsSync(join(daemon.dataDir, 'vms', vm.id)), 'its folder (disk, run files) is gone');
    const links = await lab.exec(lab.serverNamespace, 'ip', ['-o', 'link', 'show']);
    assert.ok(!links.stdout.includes(tapNameFor(vm.id)), 'its tap is gone');
    const reservations = await api.allReservations(50);
    assert.ok(!reservations.some((r) => r.mac === vm.mac), 'its reservation is gone');
    await refused(
      call((cb) => vms.getVm({ id: vm.id }, api.auth, cb)),
      grpc.status.NOT_FOUND,
      /no VM/,
    );
    vm = undefined as unknown as Vm;
  });
});
