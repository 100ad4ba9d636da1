import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imagesFor, optionLabels, type ImageView } from './image-view.ts';

const images: ImageView[] = [
  { path: '/a/vmlinuz', name: 'vmlinuz', sizeBytes: 1, kind: 'kernel' },
  { path: '/b/vmlinuz', name: 'vmlinuz', sizeBytes: 1, kind: 'kernel' },
  { path: '/a/initrd.img', name: 'initrd.img', sizeBytes: 1, kind: 'initrd' },
  { path: '/a/base.qcow2', name: 'base.qcow2', sizeBytes: 1, kind: 'disk-qcow2' },
  { path: '/a/raw.img', name: 'raw.img', sizeBytes: 1, kind: 'disk-raw' },
  { path: '/a/notes.txt', name: 'notes.txt', sizeBytes: 1, kind: 'unknown' },
];

test('each drop-down offers the files of its kind', () => {
  assert.deepEqual(
    imagesFor(images, 'kernel').map((i) => i.path),
    ['/a/vmlinuz', '/b/vmlinuz'],
  );
  assert.deepEqual(
    imagesFor(images, 'disk').map((i) => i.name),
    ['base.qcow2', 'raw.img'],
  );
  assert.deepEqual(imagesFor(images, 'iso'), []);
});

test('options show the file name, with the folder only when two share it', () => {
  const labels = optionLabels(images);
  assert.equal(labels.get('/a/vmlinuz'), 'vmlinuz (/a)');
  assert.equal(labels.get('/b/vmlinuz'), 'vmlinuz (/b)');
  assert.equal(labels.get('/a/initrd.img'), 'initrd.img');
});
