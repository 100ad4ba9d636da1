// VmService's unary calls on a real server over the real inventory (testing/vm-world.ts: SQLite,
// the DHCP admin, the QEMU driver, qemu-img, images.ts, tap.ts in a namespace of its own): field
// checks naming their field, collisions, capacity, a missing QEMU, unknown ids, state refusals,
// the update mask, ordering and revisions, and what create and delete leave on disk and in the
// DHCP reservations. No guest runs here (vm-lifecycle.test.ts boots one end to end).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  CreateVmRequest,
  VmDesiredState,
  VmState,
  type CreateVmResponse,
  type DeleteVmResponse,
  type GetVmResponse,
  type ListVmsResponse,
  type StartVmResponse,
  type UpdateVmResponse,
  Vm,
} from '../../proto/gen/homeplane/v1/vm.ts';
import { diskInfo } from '../hypervisor/qemu-img.ts';
import { bzImageFile, cpioFile, isoFile } from '../hypervisor/testing/image-files.ts';
import { INVALID_FIELD_KEY, RESOURCE_KEY } from './status.ts';
import { bearer } from './testing/harness.ts';
import { ask, HOST_RECORD, startVmWorld, type Answer, type VmWorld } from './testing/vm-world.ts';

const isRoot = process.getuid?.() === 0;

function refused(answer: Answer<unknown>, code: grpc.status, details: RegExp, trailer?: [string, string]): void {
  assert.ok(answer.error, `expected ${grpc.status[code]}, got a response`);
  assert.equal(answer.error.code, code, `${grpc.status[answer.error.code]}: ${answer.error.details}`);
  assert.match(answer.error.details, details);
  if (trailer) assert.deepEqual(answer.error.metadata.get(trailer[0]), [trailer[1]], `trailer ${trailer[0]}`);
}

describe(
  'VmService over the real inventory',
  { skip: isRoot ? false : 'needs root (network namespace for taps)' },
  () => {
    let w: VmWorld;
    let kernel: string;
    let initrd: string;
    let iso: string;
    let base: string;

    const request = (over: Partial<CreateVmRequest> = {}): CreateVmRequest =>
      CreateVmRequest.fromPartial({
        name: 'web',
        vcpus: 1,
        memoryMib: 128,
        diskGib: 1,
        boot: { $case: 'kernel', kernel: { kernelPath: kernel, initrdPath: initrd, cmdline: 'console=ttyS0' } },
        ...over,
      });
    const create = (over: Partial<CreateVmRequest> = {}) =>
      ask<CreateVmResponse>((md, cb) => w.vms.createVm(request(over), md, cb));
    const get = (id: string) => ask<GetVmResponse>((md, cb) => w.vms.getVm({ id }, md, cb));
    const remove = (id: string) => ask<DeleteVmResponse>((md, cb) => w.vms.deleteVm({ id }, md, cb));
    const vmReservations = () => w.admin.listReservations({}).items.filter((r) => r.source === 'vm');
    const vmFolders = () => readdirSync(join(w.imageDir, '..', 'vms'));

    before(async () => {
      w = await startVmWorld({ poolSize: 4 });
      kernel = join(w.imageDir, 'vmlinuz');
      initrd = join(w.imageDir, 'initrd.img');
      iso = join(w.imageDir, 'installer.iso');
      base = join(w.imageDir, 'base.qcow2');
      writeFileSync(kernel, bzImageFile());
      writeFileSync(initrd, cpioFile());
      writeFileSync(iso, isoFile());
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
      writeFileSync(join(w.imageDir, '..', 'outside-kernel'), bzImageFile());
      symlinkSync(join(w.imageDir, '..', 'outside-kernel'), join(w.imageDir, 'escape'));
    });
    after(() => w.close());

    test('CreateVm refuses a bad field with INVALID_ARGUMENT naming it, and leaves nothing behind', async () => {
      const revision = w.eventLog.lastRevision();
      const cases: { why: string; over: Partial<CreateVmRequest>; field: string }[] = [
        { why: 'a name that is no DNS label', over: { name: 'Web_1' }, field: 'name' },
        { why: 'an empty name', over: { name: '' }, field: 'name' },
        { why: 'zero vcpus', over: { vcpus: 0 }, field: 'vcpus' },
        { why: 'too little memory', over: { memoryMib: 8 }, field: 'memory_mib' },
        { why: 'zero disk', over: { diskGib: 0 }, field: 'disk_gib' },
        { why: 'no boot source', over: { boot: undefined }, field: 'boot' },
        { why: 'a malformed MAC', over: { mac: '52:54:00:zz:00:01' }, field: 'mac' },
        { why: 'a multicast MAC', over: { mac: '01:00:5e:00:00:01' }, field: 'mac' },
        {
          why: 'a kernel outside the image folders',
          over: { boot: { $case: 'kernel', kernel: { kernelPath: '/etc/passwd', initrdPath: '', cmdline: '' } } },
          field: 'kernel.kernel_path',
        },
        {
          why: 'a symlink out of the image folder',
          over: {
            boot: { $case: 'kernel', kernel: { kernelPath: join(w.imageDir, 'escape'), initrdPath: '', cmdline: '' } },
          },
          field: 'kernel.kernel_path',
        },
        {
          why: 'a relative kernel path',
          over: { boot: { $case: 'kernel', kernel: { kernelPath: 'vmlinuz', initrdPath: '', cmdline: '' } } },
          field: 'kernel.kernel_path',
        },
        {
          why: 'an ISO given as the kernel',
          over: { boot: { $case: 'kernel', kernel: { kernelPath: iso, initrdPath: '', cmdline: '' } } },
          field: 'kernel.kernel_path',
        },
        {
          why: 'a kernel given as the initrd',
          over: { boot: { $case: 'kernel', kernel: { kernelPath: kernel, initrdPath: kernel, cmdline: '' } } },
          field: 'kernel.initrd_path',
        },
        {
          why: 'a control character in the command line',
          over: { boot: { $case: 'kernel', kernel: { kernelPath: kernel, initrdPath: '', cmdline: 'a\nb' } } },
          field: 'kernel.cmdline',
        },
        { why: 'an empty ISO path', over: { boot: { $case: 'iso', iso: { isoPath: '' } } }, field: 'iso.iso_path' },
        {
          why: 'a kernel given as the ISO',
          over: { boot: { $case: 'iso', iso: { isoPath: kernel } } },
          field: 'iso.iso_path',
        },
        {
          why: 'a missing base image',
          over: { boot: { $case: 'disk', disk: { imagePath: join(w.imageDir, 'nope.qcow2') } } },
          field: 'disk.image_path',
        },
      ];
      for (const c of cases) {
        const answer = await create(c.over);
        assert.equal(
          answer.error?.code,
          grpc.status.INVALID_ARGUMENT,
          `${c.why}: ${answer.error?.details ?? 'created'}`,
        );
        assert.deepEqual(answer.error.metadata.get(INVALID_FIELD_KEY), [c.field], `${c.why}: ${answer.error.details}`);
        assert.ok(
          answer.error.details.startsWith(`${c.field}: `),
          `${c.why}: details name the field: ${answer.error.details}`,
        );
      }
      assert.equal(w.eventLog.lastRevision(), revision, 'no event');
      assert.deepEqual(vmFolders(), [], 'no VM folder');
      assert.deepEqual(vmReservations(), [], 'no reservation');
    });

    test('CreateVm makes the disk and the reservation; ListVms is ordered by name with the revision it reflects', async () => {
      const made: Vm[] = [];
      for (const over of [
        { name: 'web', boot: { $case: 'disk' as const, disk: { imagePath: base } }, diskGib: 2, autostart: true },
        { name: 'db', mac: '52:54:00:AB:CD:01', vcpus: 2, memoryMib: 256 },
        { name: 'app', boot: { $case: 'iso' as const, iso: { isoPath: iso } } },
      ]) {
        const { response, error } = await create(over);
        assert.equal(error, undefined, error?.details);
        made.push(response!.vm!);
      }
      const [web, db, app] = made as [Vm, Vm, Vm];
      assert.equal(web.state, VmState.VM_STATE_STOPPED);
      assert.equal(web.desiredState, VmDesiredState.VM_DESIRED_STATE_STOPPED);
      assert.equal(web.hostId, HOST_RECORD.id);
      assert.equal(web.autostart, true);
      assert.match(web.mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
      assert.equal(db.mac, '52:54:00:ab:cd:01', 'a given MAC is normalised');
      assert.deepEqual(web.boot, { $case: 'disk', disk: { imagePath: base } });
      assert.deepEqual(db.boot, {
        $case: 'kernel',
        kernel: { kernelPath: kernel, initrdPath: initrd, cmdline: 'console=ttyS0' },
      });
      assert.deepEqual(app.boot, { $case: 'iso', iso: { isoPath: iso } });
      assert.ok(web.createTime instanceof Date);

      const disk = await diskInfo(join(w.imageDir, '..', 'vms', web.id, 'disk.qcow2'));
      assert.equal(disk.backing?.path, base, 'the disk overlays the base');
      assert.equal(disk.virtualSizeBytes, 2 * 1024 ** 3);
      assert.deepEqual(
        vmReservations()
          .map((r) => [r.mac, r.hostname])
          .sort(),
        [
          [app.mac, 'app'],
          [db.mac, 'db'],
          [web.mac, 'web'],
        ].sort(),
        'one reservation per VM, named after it',
      );

      const { response } = await ask<ListVmsResponse>((md, cb) => w.vms.listVms({}, md, cb));
      assert.deepEqual(
        response!.vms.map((v) => v.name),
        ['app', 'db', 'web'],
      );
      assert.equal(response!.revision, w.eventLog.lastRevision());
      const created = w.eventLog.readSince(0, 100).filter((e) => e.kind === 'vm.created');
      assert.deepEqual(
        created.map((e) => e.object === 'vm' && e.vm.name),
        ['web', 'db', 'app'],
      );

      // The pool has 4 addresses; the 4th VM takes the last one, the 5th finds none.
      const fourth = await create({ name: 'cache' });
      assert.equal(fourth.error, undefined, fourth.error?.details);
      const foldersBefore = vmFolders().sort();
      refused(await create({ name: 'extra' }), grpc.status.FAILED_PRECONDITION, /no free address/);
      assert.deepEqual(vmFolders().sort(), foldersBefore, "the refused VM's disk was removed again");
      assert.equal((await remove(fourth.response!.vm!.id)).error, undefined);
    });

    test('a name or MAC another VM has is ALREADY_EXISTS', async () => {
      refused(await create({ name: 'web' }), grpc.status.ALREADY_EXISTS, /a VM named "web" exists already/);
      refused(
        await create({ name: 'web2', mac: '52:54:00:ab:cd:01' }),
        grpc.status.ALREADY_EXISTS,
        /MAC 52:54:00:ab:cd:01 is already used/,
      );
    });

    test('beyond capacity is FAILED_PRECONDITION naming the resource', async () => {
      // 4 vCPUs x 2 = 8 (4 allocated), 4096 - 256 MiB = 3840 (512 allocated), 40 GiB (4 allocated).
      const cases: { over: Partial<CreateVmRequest>; resource: string; details: RegExp }[] = [
        {
          over: { vcpus: 6 },
          resource: 'vcpus',
          details: /needs 6 vCPUs but the host has 4 free \(8 allocatable = \(4 - 0 reserved\) x 2, 4 allocated\)/,
        },
        {
          over: { memoryMib: 3500 },
          resource: 'memory_mib',
          details: /needs 3500 MiB of memory but the host has 3328 free/,
        },
        { over: { diskGib: 37 }, resource: 'disk_gib', details: /needs 37 GiB of disk but the host has 36 free/ },
      ];
      for (const c of cases)
        refused(await create({ name: 'big', ...c.over }), grpc.status.FAILED_PRECONDITION, c.details, [
          RESOURCE_KEY,
          c.resource,
        ]);
    });

    test('an unknown id is NOT_FOUND, an empty one INVALID_ARGUMENT, for every call that takes one', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      const v = w.vms;
      const calls: [string, (id: string) => Promise<Answer<unknown>>][] = [
        ['GetVm', (x) => ask((md, cb) => v.getVm({ id: x }, md, cb))],
        ['DeleteVm', (x) => ask((md, cb) => v.deleteVm({ id: x }, md, cb))],
        ['StartVm', (x) => ask((md, cb) => v.startVm({ id: x }, md, cb))],
        ['StopVm', (x) => ask((md, cb) => v.stopVm({ id: x, force: false, timeoutSeconds: 0 }, md, cb))],
        ['RebootVm', (x) => ask((md, cb) => v.rebootVm({ id: x }, md, cb))],
        ['PauseVm', (x) => ask((md, cb) => v.pauseVm({ id: x }, md, cb))],
        ['ResumeVm', (x) => ask((md, cb) => v.resumeVm({ id: x }, md, cb))],
        ['UpdateVm', (x) => ask((md, cb) => v.updateVm({ id: x, vm: undefined, updateMask: ['autostart'] }, md, cb))],
        ['SendConsoleInput', (x) => ask((md, cb) => v.sendConsoleInput({ id: x, data: Buffer.from('a') }, md, cb))],
      ];
      for (const [name, invoke] of calls) {
        const unknown = await invoke(id);
        if (name === 'UpdateVm') refused(unknown, grpc.status.INVALID_ARGUMENT, /^vm: is required/);
        else refused(unknown, grpc.status.NOT_FOUND, new RegExp(`no VM with id "${id}"`));
        refused(await invoke(''), grpc.status.INVALID_ARGUMENT, /^id: is required/, [INVALID_FIELD_KEY, 'id']);
      }
    });

    test('calls that need a running VM are FAILED_PRECONDITION on a stopped one', async () => {
      const db = w.inventory.list().find((vm) => vm.name === 'db')!;
      const v = w.vms;
      const revision = w.eventLog.lastRevision();
      refused(
        await ask((md, cb) => v.stopVm({ id: db.id, force: false, timeoutSeconds: 0 }, md, cb)),
        grpc.status.FAILED_PRECONDITION,
        /VM "db" is stopped, not running/,
      );
      refused(
        await ask((md, cb) => v.stopVm({ id: db.id, force: true, timeoutSeconds: 0 }, md, cb)),
        grpc.status.FAILED_PRECONDITION,
        /VM "db" is stopped/,
      );
      refused(
        await ask((md, cb) => v.rebootVm({ id: db.id }, md, cb)),
        grpc.status.FAILED_PRECONDITION,
        /VM "db" is stopped; this needs it running/,
      );
      refused(
        await ask((md, cb) => v.pauseVm({ id: db.id }, md, cb)),
        grpc.status.FAILED_PRECONDITION,
        /this needs it running/,
      );
      refused(
        await ask((md, cb) => v.resumeVm({ id: db.id }, md, cb)),
        grpc.status.FAILED_PRECONDITION,
        /this needs it paused/,
      );
      refused(
        await ask((md, cb) => v.sendConsoleInput({ id: db.id, data: Buffer.from('ls\n') }, md, cb)),
        grpc.status.FAILED_PRECONDITION,
        /VM "db" is stopped/,
      );
      const stream = v.streamConsole({ id: db.id }, bearer());
      const ended = await new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
      assert.equal(ended.code, grpc.status.FAILED_PRECONDITION);
      assert.match(ended.details, /VM "db" is stopped/);
      assert.equal(w.eventLog.lastRevision(), revision, 'nothing recorded');
    });

    test('StopVm: a timeout beyond an hour is INVALID_ARGUMENT (Node timers would fire at once past 24.8 days)', async () => {
      const db = w.inventory.list().find((vm) => vm.name === 'db')!;
      refused(
        await ask((md, cb) => w.vms.stopVm({ id: db.id, force: false, timeoutSeconds: 4_000_000 }, md, cb)),
        grpc.status.INVALID_ARGUMENT,
        /^timeout_seconds: 4000000 s is more than 3600 s/,
        [INVALID_FIELD_KEY, 'timeout_seconds'],
      );
    });

    test('UpdateVm changes exactly the fields in the mask; other paths are refused by name', async () => {
      const db = w.inventory.list().find((vm) => vm.name === 'db')!;
      const update = (vm: Partial<Vm>, updateMask: string[] | undefined, id = db.id) =>
        ask<UpdateVmResponse>((md, cb) => w.vms.updateVm({ id, vm: Vm.fromPartial(vm), updateMask }, md, cb));
      const revision = w.eventLog.lastRevision();

      const { response, error } = await update({ vcpus: 3, memoryMib: 999, autostart: true }, ['vcpus', 'autostart']);
      assert.equal(error, undefined, error?.details);
      assert.deepEqual(
        [response!.vm!.vcpus, response!.vm!.memoryMib, response!.vm!.autostart],
        [3, 256, true],
        'memory_mib was not in the mask',
      );
      const events = w.eventLog.readSince(revision, 10);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['vm.updated'],
      );
      assert.equal((await get(db.id)).response!.vm!.vcpus, 3);

      refused(
        await update({ memoryMib: 512 }, ['memory_mib', 'color']),
        grpc.status.INVALID_ARGUMENT,
        /^update_mask: "color" is not a field that can be updated; use vcpus, memory_mib, autostart/,
        [INVALID_FIELD_KEY, 'update_mask'],
      );
      refused(
        await update({ name: 'db2' }, ['name']),
        grpc.status.INVALID_ARGUMENT,
        /^update_mask: "name" cannot change/,
      );
      refused(await update({}, []), grpc.status.INVALID_ARGUMENT, /^update_mask: is empty/);
      refused(await update({}, undefined), grpc.status.INVALID_ARGUMENT, /^update_mask: is empty/);
      refused(
        await update({ vcpus: 0 }, ['vcpus']),
        grpc.status.INVALID_ARGUMENT,
        /^vm\.vcpus: 0 is not a number of vCPUs/,
        [INVALID_FIELD_KEY, 'vm.vcpus'],
      );
      refused(await update({ memoryMib: 4 }, ['memory_mib']), grpc.status.INVALID_ARGUMENT, /^vm\.memory_mib: /, [
        INVALID_FIELD_KEY,
        'vm.memory_mib',
      ]);
      refused(
        await update({ id: 'another' }, ['autostart']),
        grpc.status.INVALID_ARGUMENT,
        /^vm\.id: "another" differs from id/,
      );
      // 8 allocatable vCPUs, 2 held by the other VMs.
      refused(
        await update({ vcpus: 7 }, ['vcpus']),
        grpc.status.FAILED_PRECONDITION,
        /needs 7 vCPUs but the host has 6 free/,
        [RESOURCE_KEY, 'vcpus'],
      );
      assert.equal(w.eventLog.lastRevision(), revision + 1, 'only the accepted update was recorded');
      refused(await update({ vcpus: 1 }, ['vcpus'], 'nope'), grpc.status.NOT_FOUND, /no VM with id "nope"/);
    });

    test('StartVm: the driver refusing to start is FAILED_PRECONDITION with its reason; the VM stays stopped', async () => {
      // The tap is made in the world's namespace, where the QEMU driver (in the daemon's) cannot see it.
      const app = w.inventory.list().find((vm) => vm.name === 'app')!;
      const answer = await ask<StartVmResponse>((md, cb) => w.vms.startVm({ id: app.id }, md, cb));
      refused(answer, grpc.status.FAILED_PRECONDITION, /tap device hp[0-9a-f]{13} does not exist/);
      const after = (await get(app.id)).response!.vm!;
      assert.equal(after.state, VmState.VM_STATE_STOPPED);
      assert.equal(after.desiredState, VmDesiredState.VM_DESIRED_STATE_STOPPED);
      assert.match(after.stateReason, /^start failed: tap device/);
    });

    test('DeleteVm returns the VM as it was and removes its disk and reservation', async () => {
      const web = w.inventory.list().find((vm) => vm.name === 'web')!;
      const revision = w.eventLog.lastRevision();
      const { response, error } = await remove(web.id);
      assert.equal(error, undefined, error?.details);
      assert.equal(response!.vm!.name, 'web');
      assert.equal(existsSync(join(w.imageDir, '..', 'vms', web.id)), false, 'the VM folder is gone');
      assert.ok(!vmReservations().some((r) => r.mac === web.mac), 'the reservation is gone');
      assert.deepEqual(
        w.eventLog.readSince(revision, 10).map((e) => e.kind),
        ['reservation.deleted', 'vm.deleted'],
      );
      refused(await get(web.id), grpc.status.NOT_FOUND, /no VM with id/);
      refused(await remove(web.id), grpc.status.NOT_FOUND, /no VM with id/);
      assert.equal(existsSync(base), true, 'the base image is untouched');
    });
  },
);

describe('VmService without QEMU', { skip: isRoot ? false : 'needs root (network namespace for taps)' }, () => {
  test('CreateVm is FAILED_PRECONDITION saying what to install', async () => {
    const w = await startVmWorld({
      qemuProblem: 'qemu-system-x86_64 not found; install the Debian package qemu-system-x86',
    });
    try {
      const kernel = join(w.imageDir, 'vmlinuz');
      writeFileSync(kernel, bzImageFile());
      const answer = await ask<CreateVmResponse>((md, cb) =>
        w.vms.createVm(
          CreateVmRequest.fromPartial({
            name: 'web',
            vcpus: 1,
            memoryMib: 128,
            diskGib: 1,
            boot: { $case: 'kernel', kernel: { kernelPath: kernel, initrdPath: '', cmdline: '' } },
          }),
          md,
          cb,
        ),
      );
      refused(answer, grpc.status.FAILED_PRECONDITION, /install the Debian package qemu-system-x86/);
      assert.equal(w.inventory.list().length, 0);
    } finally {
      await w.close();
    }
  });
});
