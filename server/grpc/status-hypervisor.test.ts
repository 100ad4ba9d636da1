// The hypervisor's errors as gRPC statuses (status.ts): one code each, the operator's message
// kept, and the capacity refusal's resource as a trailer. The calls that reach these over the
// API (a running QEMU failing a command, say) are in vm-lifecycle.test.ts; this is the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { CapacityError, QemuMissingError, VmStateError } from '../hypervisor/errors.ts';
import {
  VmAlreadyRunningError,
  VmCommandError,
  VmNotRunningError,
  VmSpecError,
  VmStartError,
} from '../hypervisor/hypervisor-port.ts';
import { DiskError } from '../hypervisor/qemu-img.ts';
import { RESOURCE_KEY, statusOf } from './status.ts';
import { recordingLogger, type LogLine } from './testing/harness.ts';

test('each hypervisor error has one status code and keeps its message', () => {
  const cases: { err: Error; code: grpc.status; why: string }[] = [
    {
      err: new CapacityError('memory_mib', 'VM "a" needs 9000 MiB of memory but the host has 3840 free'),
      code: grpc.status.FAILED_PRECONDITION,
      why: 'the host is full',
    },
    {
      err: new QemuMissingError('qemu-system-x86_64 not found; install the Debian package qemu-system-x86'),
      code: grpc.status.FAILED_PRECONDITION,
      why: 'install QEMU first',
    },
    {
      err: new VmStateError('VM "a" is stopped, not running'),
      code: grpc.status.FAILED_PRECONDITION,
      why: 'start it first',
    },
    {
      err: new VmNotRunningError('0b0e'),
      code: grpc.status.FAILED_PRECONDITION,
      why: 'the driver holds no QEMU for it',
    },
    { err: new VmAlreadyRunningError('0b0e'), code: grpc.status.FAILED_PRECONDITION, why: 'stop it first' },
    {
      err: new VmStartError('0b0e', 'QEMU did not start: could not open /img/vmlinuz: Permission denied'),
      code: grpc.status.FAILED_PRECONDITION,
      why: 'the configuration, not a passing fault',
    },
    {
      err: new DiskError('base image /img/b.qcow2 overlays /img/a.qcow2 itself; flatten it first'),
      code: grpc.status.FAILED_PRECONDITION,
      why: 'fix the image first',
    },
    {
      err: new VmCommandError('0b0e', 'system_powerdown', 'QMP system_powerdown: no reply within 10000 ms'),
      code: grpc.status.UNAVAILABLE,
      why: 'QEMU may answer again',
    },
    {
      err: new VmSpecError(['vcpus: 0 is not a number of vCPUs']),
      code: grpc.status.INVALID_ARGUMENT,
      why: 'the spec cannot run',
    },
  ];
  const lines: LogLine[] = [];
  for (const c of cases) {
    const status = statusOf(c.err, 'Test', recordingLogger(lines));
    assert.equal(status.code, c.code, `${c.err.name} (${c.why}): ${grpc.status[status.code]}`);
    assert.equal(status.details, c.err.message, `${c.err.name} keeps its message`);
  }
  assert.deepEqual(lines, [], 'domain errors are not logged as handler failures');
  const capacity = statusOf(cases[0]!.err, 'Test', recordingLogger(lines));
  assert.deepEqual(capacity.metadata.get(RESOURCE_KEY), ['memory_mib']);
});
