// `npm run guest:tiny [-- --into DIR]`: builds the tiny guest (or takes it from the cache) and
// copies kernel and initrd into DIR (default ./data/images, where the daemon looks for boot files).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTinyGuest, GuestBuildError } from './tiny.ts';

const USAGE = 'usage: npm run guest:tiny [-- --into DIR]   (DIR default ./data/images)';

async function main(): Promise<number> {
  let into: string;
  try {
    const { values } = parseArgs({ options: { into: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    into = resolve(values.into ?? 'data/images');
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const started = Date.now();
  const guest = await ensureTinyGuest({ log: (line) => console.error(line) });
  mkdirSync(into, { recursive: true });
  const kernel = join(into, 'tiny-vmlinuz');
  const initrd = join(into, 'tiny-initrd.img');
  copyFileSync(guest.kernel, kernel);
  copyFileSync(guest.initrd, initrd);
  const how = guest.built ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'from the cache';
  console.log(`tiny guest: ${guest.kernelPackage} ${guest.version} (${how}, cache ${guest.dir})`);
  console.log(`kernel:  ${kernel}`);
  console.log(`initrd:  ${initrd}`);
  console.log(`cmdline: ${guest.cmdline} hostname=tiny1`);
  console.log('');
  console.log('Boot it on the serial console (Ctrl-A X quits; with no tap it has no network):');
  console.log(`  qemu-system-x86_64 -accel tcg -cpu max -m 128 -nographic -no-reboot \\`);
  console.log(`    -kernel ${kernel} -initrd ${initrd} \\`);
  console.log(`    -append '${guest.cmdline} hostname=tiny1' \\`);
  console.log(`    -netdev tap,id=n0,ifname=TAP,script=no,downscript=no -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,romfile=`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof GuestBuildError ? `guest:tiny: ${err.message}` : err);
    process.exit(1);
  },
);
