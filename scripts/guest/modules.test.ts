import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOrder, modinfoDepends } from './modules.ts';

/** A stand-in .ko: only the .modinfo strings matter here, between some other bytes. */
const ko = (depends: string | null) =>
  Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]),
    Buffer.from(`license=GPL\0${depends === null ? '' : `depends=${depends}\0`}vermagic=6.1.0 SMP\0`),
  ]);

// Debian 12's 6.1 cloud kernel, as its modules' .modinfo says.
const KERNEL: Record<string, Buffer> = {
  virtio_ring: ko(''),
  virtio: ko('virtio_ring'),
  virtio_pci_modern_dev: ko(''),
  virtio_pci_legacy_dev: ko(''),
  virtio_pci: ko('virtio_ring,virtio_pci_modern_dev,virtio_pci_legacy_dev,virtio'),
  failover: ko(''),
  net_failover: ko('failover'),
  virtio_net: ko('virtio_ring,virtio,net_failover'),
};
const read = async (name: string) => KERNEL[name] ?? null;

test('modinfoDepends reads the depends= string, empty or absent meaning none', () => {
  assert.deepEqual(modinfoDepends(KERNEL.virtio_pci!), [
    'virtio_ring',
    'virtio_pci_modern_dev',
    'virtio_pci_legacy_dev',
    'virtio',
  ]);
  assert.deepEqual(modinfoDepends(ko('')), []);
  assert.deepEqual(modinfoDepends(ko(null)), []);
  assert.deepEqual(modinfoDepends(ko('snd-pcm')), ['snd_pcm']);
});

test('asking for the two drivers loads every dependency first', async () => {
  const order = [...(await loadOrder(['virtio_pci', 'virtio_net'], read)).keys()];
  assert.deepEqual(order, [
    'virtio_ring',
    'virtio_pci_modern_dev',
    'virtio_pci_legacy_dev',
    'virtio',
    'virtio_pci',
    'failover',
    'net_failover',
    'virtio_net',
  ]);
  for (const [i, name] of order.entries()) {
    for (const dep of modinfoDepends(KERNEL[name]!)) assert.ok(order.indexOf(dep) < i, `${dep} before ${name}`);
  }
});

test('a list already in dependency order keeps its order', async () => {
  const list = [
    'virtio_ring',
    'virtio',
    'virtio_pci_modern_dev',
    'virtio_pci_legacy_dev',
    'virtio_pci',
    'failover',
    'net_failover',
    'virtio_net',
  ];
  assert.deepEqual([...(await loadOrder(list, read)).keys()], list);
});

test('a missing dependency names who needs it; a circle is refused', async () => {
  await assert.rejects(
    loadOrder(['a'], async (n) => (n === 'a' ? ko('b') : null)),
    /module b \(needed by a\) is not in/,
  );
  const circle: Record<string, Buffer> = { a: ko('b'), b: ko('a') };
  await assert.rejects(
    loadOrder(['a'], async (n) => circle[n] ?? null),
    /circle: a -> b -> a/,
  );
});
