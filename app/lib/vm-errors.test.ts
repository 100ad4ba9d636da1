import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVmErrors, vmActionError } from './vm-errors.ts';

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;
const UNAVAILABLE = 14;

// The daemon's own messages (server/hypervisor/vm.ts, inventory.ts, capacity.ts, images.ts).
describe('createVmErrors', () => {
  test('INVALID_ARGUMENT goes to the field the trailer names, without the field prefix', () => {
    assert.deepEqual(
      createVmErrors({
        code: INVALID_ARGUMENT,
        field: 'name',
        resource: null,
        details: `name: "Web" is not a DNS label: 1-63 of a-z, 0-9 and '-', not starting or ending with '-' (it becomes the VM's host name)`,
      }),
      {
        name: `"Web" is not a DNS label: 1-63 of a-z, 0-9 and '-', not starting or ending with '-' (it becomes the VM's host name).`,
      },
    );
    assert.deepEqual(
      createVmErrors({
        code: INVALID_ARGUMENT,
        field: 'kernel.kernel_path',
        resource: null,
        details: 'kernel.kernel_path: image "/img/initrd" is an initrd, not a kernel',
      }),
      { kernelPath: 'Image "/img/initrd" is an initrd, not a kernel.' },
    );
    assert.deepEqual(
      createVmErrors({
        code: INVALID_ARGUMENT,
        field: 'memory_mib',
        resource: null,
        details: 'memory_mib: 8 MiB is outside 16-4194304 MiB',
      }),
      { memoryMib: '8 MiB is outside 16-4194304 MiB.' },
    );
  });
  test('without the trailer, the field is read from the details', () => {
    assert.deepEqual(
      createVmErrors({
        code: INVALID_ARGUMENT,
        field: null,
        resource: null,
        details: 'disk_gib: 0 GiB is outside 1-65536 GiB',
      }),
      { diskGib: '0 GiB is outside 1-65536 GiB.' },
    );
  });
  test('a field the form does not have is shown above it', () => {
    assert.deepEqual(
      createVmErrors({
        code: INVALID_ARGUMENT,
        field: 'mac',
        resource: null,
        details: 'mac: "x" is not a MAC address',
      }),
      { form: 'Mac: "x" is not a MAC address.' },
    );
  });
  test('a duplicate name is at the Name field', () => {
    assert.deepEqual(
      createVmErrors({
        code: ALREADY_EXISTS,
        field: null,
        resource: null,
        details: 'a VM named "web" exists already; pick another name',
      }),
      { name: 'A VM named "web" exists already; pick another name.' },
    );
  });
  test('capacity: an alert naming the resource and what is free, in the daemon words', () => {
    const details =
      'VM "big" needs 9999 MiB of memory but the host has 3000 free (3500 allocatable = (4000 - 500 reserved) x 1, 500 allocated)';
    assert.deepEqual(createVmErrors({ code: FAILED_PRECONDITION, field: null, resource: 'memory_mib', details }), {
      form: `Not enough memory on the host: ${details}.`,
    });
  });
  test('QEMU missing: in the daemon words', () => {
    assert.deepEqual(
      createVmErrors({
        code: FAILED_PRECONDITION,
        field: null,
        resource: null,
        details: 'QEMU is not installed: install the Debian package qemu-system-x86',
      }),
      { form: 'QEMU is not installed: install the Debian package qemu-system-x86.' },
    );
  });
});

describe('vmActionError', () => {
  test('in words', () => {
    assert.equal(
      vmActionError({
        code: FAILED_PRECONDITION,
        field: null,
        resource: null,
        details: 'VM "web" is stopped, not running',
      }),
      'VM "web" is stopped, not running.',
    );
    assert.match(
      vmActionError({ code: NOT_FOUND, field: null, resource: null, details: 'no VM with id "x"' }),
      /no longer exists/,
    );
    assert.match(
      vmActionError({ code: UNAVAILABLE, field: null, resource: null, details: 'QMP timed out' }),
      /Force stop still works/,
    );
    assert.match(
      vmActionError({
        code: FAILED_PRECONDITION,
        field: null,
        resource: 'vcpus',
        details: 'VM "a" needs 8 vCPUs but the host has 2 free',
      }),
      /^Not enough vCPUs on the host: VM "a" needs 8 vCPUs/,
    );
  });
});
