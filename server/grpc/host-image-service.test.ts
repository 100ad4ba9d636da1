// HostService and ImageService on a real server over the real inventory (testing/vm-world.ts):
// the host with its capacity and VM counts, live disk facts, unknown ids; the image folder as
// images.ts lists it, with each kind mapped to its ImageKind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Accel, type GetHostResponse, type Host, type ListHostsResponse } from '../../proto/gen/homeplane/v1/host.ts';
import { ImageKind, type ListImagesResponse } from '../../proto/gen/homeplane/v1/image.ts';
import { CreateVmRequest, type CreateVmResponse } from '../../proto/gen/homeplane/v1/vm.ts';
import { bzImageFile, cpioFile, isoFile, mbrDiskFile } from '../hypervisor/testing/image-files.ts';
import { INVALID_FIELD_KEY } from './status.ts';
import { ask, HOST_RECORD, startVmWorld, type VmWorld } from './testing/vm-world.ts';
import { check, healthClient } from './testing/health-client.ts';
import { HYPERVISOR_SERVICES } from './reflection.ts';

const isRoot = process.getuid?.() === 0;

describe('HostService and ImageService', { skip: isRoot ? false : 'needs root (network namespace for taps)' }, () => {
  let w: VmWorld;
  before(async () => {
    w = await startVmWorld();
  });
  after(() => w.close());

  test('health serves the three services once the server has the hypervisor', async () => {
    const client = healthClient(w.server.address);
    try {
      for (const service of HYPERVISOR_SERVICES)
        assert.deepEqual(await check(client, service), { status: 'SERVING' }, service);
    } finally {
      client.close();
    }
  });

  test('ListImages: every file of the image folder, ordered by path, each kind mapped', async () => {
    const dir = w.imageDir;
    mkdirSync(join(dir, 'debian'));
    writeFileSync(join(dir, 'debian', 'vmlinuz'), bzImageFile());
    writeFileSync(join(dir, 'debian', 'initrd.img'), cpioFile());
    writeFileSync(join(dir, 'installer.iso'), isoFile());
    writeFileSync(join(dir, 'raw.img'), mbrDiskFile());
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '64M']);
    writeFileSync(join(dir, 'notes.txt'), 'not bootable\n');
    writeFileSync(join(dir, '.partial.iso'), isoFile());
    writeFileSync(join(dir, '..', 'outside.iso'), isoFile());
    symlinkSync(join(dir, '..', 'outside.iso'), join(dir, 'escape.iso'));

    const { response, error } = await ask<ListImagesResponse>((md, cb) => w.images.listImages({}, md, cb));
    assert.equal(error, undefined, error?.details);
    assert.deepEqual(response!.imageDirs, [dir]);
    assert.deepEqual(
      response!.images.map((i) => [i.path.slice(dir.length + 1), i.name, i.kind]),
      [
        ['base.qcow2', 'base.qcow2', ImageKind.IMAGE_KIND_DISK_QCOW2],
        ['debian/initrd.img', 'initrd.img', ImageKind.IMAGE_KIND_INITRD],
        ['debian/vmlinuz', 'vmlinuz', ImageKind.IMAGE_KIND_KERNEL],
        ['installer.iso', 'installer.iso', ImageKind.IMAGE_KIND_ISO],
        ['notes.txt', 'notes.txt', ImageKind.IMAGE_KIND_UNSPECIFIED],
        ['raw.img', 'raw.img', ImageKind.IMAGE_KIND_DISK_RAW],
      ],
      'dotfiles and a symlink leaving the folder are not listed',
    );
    assert.equal(response!.images.find((i) => i.name === 'installer.iso')!.sizeBytes, isoFile().length);
  });

  test('GetHost and ListHosts: the host with its capacity, live disk facts and VM counts; other ids are NOT_FOUND', async () => {
    const kernel = join(w.imageDir, 'debian', 'vmlinuz');
    for (const [name, vcpus, memoryMib] of [
      ['a', 2, 512],
      ['b', 1, 256],
    ] as const) {
      const request = CreateVmRequest.fromPartial({
        name,
        vcpus,
        memoryMib,
        diskGib: 3,
        boot: { $case: 'kernel', kernel: { kernelPath: kernel, initrdPath: '', cmdline: '' } },
      });
      const created = await ask<CreateVmResponse>((md, cb) => w.vms.createVm(request, md, cb));
      assert.equal(created.error, undefined, created.error?.details);
    }
    const { response, error } = await ask<GetHostResponse>((md, cb) => w.hosts.getHost({ id: HOST_RECORD.id }, md, cb));
    assert.equal(error, undefined, error?.details);
    const host = response!.host!;
    assert.deepEqual(
      {
        id: host.id,
        hostname: host.hostname,
        cpuModel: host.cpuModel,
        cpuCores: host.cpuCores,
        memoryMib: host.memoryMib,
        accel: host.accel,
        qemuVersion: host.qemuVersion,
        qemuProblem: host.qemuProblem,
      },
      {
        id: HOST_RECORD.id,
        hostname: 'lab-host',
        cpuModel: 'Test CPU',
        cpuCores: 4,
        memoryMib: 4096,
        accel: Accel.ACCEL_TCG,
        qemuVersion: '7.2.22',
        qemuProblem: '',
      },
    );
    // 4 vCPUs x 2; 4096 MiB less 256 reserved; 40 GiB (vm-world.ts TOTALS and settings).
    assert.deepEqual(host.vcpus, { total: 4, reserved: 0, allocationRatio: 2, allocatable: 8, allocated: 3, free: 5 });
    assert.deepEqual(host.memoryMibCapacity, {
      total: 4096,
      reserved: 256,
      allocationRatio: 1,
      allocatable: 3840,
      allocated: 768,
      free: 3072,
    });
    assert.deepEqual(host.diskGibCapacity, {
      total: 40,
      reserved: 0,
      allocationRatio: 1,
      allocatable: 40,
      allocated: 6,
      free: 34,
    });
    assert.deepEqual([host.vmCount, host.runningVmCount], [2, 0]);
    assert.ok(
      host.diskTotalBytes > 0 && host.diskFreeBytes > 0 && host.diskFreeBytes <= host.diskTotalBytes,
      'live facts of the data folder',
    );
    assert.ok(host.uptimeSeconds > 0);

    const listed = await ask<ListHostsResponse>((md, cb) => w.hosts.listHosts({}, md, cb));
    const only = (h: Host) => ({ ...h, uptimeSeconds: 0, diskFreeBytes: 0 });
    assert.deepEqual(listed.response!.hosts.map(only), [only(host)]);

    const unknown = await ask<GetHostResponse>((md, cb) => w.hosts.getHost({ id: 'another-host' }, md, cb));
    assert.equal(unknown.error?.code, grpc.status.NOT_FOUND);
    assert.match(
      unknown.error.details,
      new RegExp(`no host with id "another-host"; this daemon runs host ${HOST_RECORD.id}`),
    );
    const empty = await ask<GetHostResponse>((md, cb) => w.hosts.getHost({ id: '' }, md, cb));
    assert.equal(empty.error?.code, grpc.status.INVALID_ARGUMENT);
    assert.deepEqual(empty.error.metadata.get(INVALID_FIELD_KEY), ['id']);
  });
});
