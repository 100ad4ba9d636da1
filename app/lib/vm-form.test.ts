import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkVmForm, createRequestOf, EMPTY_VM_FORM, readVmForm, type VmFormValues } from './vm-form.ts';

const good: VmFormValues = { ...EMPTY_VM_FORM, name: 'web-1', kernelPath: '/img/vmlinuz' };

describe('checkVmForm', () => {
  test('a good form has no error', () => {
    assert.deepEqual(checkVmForm(good), {});
  });
  test('names that are no DNS label, worded like the daemon', () => {
    assert.match(checkVmForm({ ...good, name: '' }).name!, /Give the VM a name/);
    assert.match(checkVmForm({ ...good, name: 'Web' }).name!, /capital letters/);
    assert.match(checkVmForm({ ...good, name: '-web' }).name!, /is not a DNS label/);
    assert.match(checkVmForm({ ...good, name: 'web_1' }).name!, /is not a DNS label/);
    assert.match(checkVmForm({ ...good, name: 'a'.repeat(64) }).name!, /at most 63/);
  });
  test('sizes out of range or not whole numbers', () => {
    assert.equal(checkVmForm({ ...good, vcpus: '0' }).vcpus, '0 is outside 1-256.');
    assert.match(checkVmForm({ ...good, vcpus: '1.5' }).vcpus!, /"1.5" is not a whole number/);
    assert.equal(checkVmForm({ ...good, memoryMib: '8' }).memoryMib, '8 MiB is outside 16-4,194,304 MiB.');
    assert.match(checkVmForm({ ...good, diskGib: '' }).diskGib!, /Give the disk size/);
  });
  test('the chosen boot source needs its file', () => {
    assert.match(checkVmForm({ ...good, kernelPath: '' }).kernelPath!, /Pick the kernel/);
    assert.match(checkVmForm({ ...good, boot: 'iso' }).isoPath!, /Pick the ISO/);
    assert.deepEqual(checkVmForm({ ...good, boot: 'iso', isoPath: '/img/a.iso' }), {});
    assert.match(checkVmForm({ ...good, boot: 'disk' }).imagePath!, /Pick the base image/);
    assert.match(checkVmForm({ ...good, cmdline: 'console=ttyS0\n' }).cmdline!, /control or non-ASCII/);
  });
});

describe('reading the form and the request', () => {
  test('checkboxes, trimming and the boot oneof', () => {
    const form = new FormData();
    form.set('name', ' web-1 ');
    form.set('vcpus', '2');
    form.set('memoryMib', '256');
    form.set('diskGib', '4');
    form.set('boot', 'kernel');
    form.set('kernelPath', '/img/vmlinuz');
    form.set('initrdPath', '');
    form.set('cmdline', 'console=ttyS0');
    form.set('autostart', 'on');
    const values = readVmForm(form);
    assert.equal(values.name, 'web-1');
    assert.equal(values.start, false);
    assert.equal(values.autostart, true);
    assert.deepEqual(createRequestOf(values), {
      name: 'web-1',
      vcpus: 2,
      memoryMib: 256,
      diskGib: 4,
      boot: { $case: 'kernel', kernel: { kernelPath: '/img/vmlinuz', initrdPath: '', cmdline: 'console=ttyS0' } },
      start: false,
      autostart: true,
    });
    assert.deepEqual(createRequestOf({ ...values, boot: 'disk', imagePath: '/img/base.qcow2' }).boot, {
      $case: 'disk',
      disk: { imagePath: '/img/base.qcow2' },
    });
  });
});
