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
  // 0700 like the daemon's own data folder (server/data-dir.ts), which ./data/images sits in.
  mkdirSync(into, { recursive: true, mode: 0o700 });
  const kernel = join(into, 'tiny-vmlinuz');
  const initrd = join(into, 'tiny-initrd.img');
  copyFileSync(guest.kernel, kernel);
  copyFileSync(guest.initrd, initrd);
  const how = guest.built ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'from the cache';
  console.log(`tiny guest: ${guest.kernelPackage} ${guest.version} (${how}, cache ${guest.dir})`);
  console.log(`kernel:  ${kernel}`);
  console.log(`initrd:  ${initrd}`);
  console.log(`cmdline: ${guest.cmdline} hostname=tiny1`);
  const append = `${guest.cmdline} hostname=tiny1`;
  console.log('');
  console.log("Boot it now (serial console in this terminal, Ctrl-A X quits; QEMU's own isolated network, no root):");
  console.log(
    `  qemu-system-x86_64 -accel tcg -cpu max -m 128 -nographic -no-reboot -kernel ${kernel} -initrd ${initrd} \\`,
  );
  console.log(`    -append '${append}' -nic user,restrict=on,model=virtio-net-pci`);
  console.log('');
  console.log('Or lease from Homeplane (root): a tap on the bridge it serves, e.g. homeplane0:');
  console.log('  ip tuntap add dev hptap0 mode tap && ip link set hptap0 master homeplane0 up');
  console.log(
    `  qemu-system-x86_64 -accel tcg -cpu max -m 128 -nographic -no-reboot -kernel ${kernel} -initrd ${initrd} \\`,
  );
  console.log(`    -append '${append}' -netdev tap,id=n0,ifname=hptap0,script=no,downscript=no \\`);
  console.log('    -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56');
  console.log(
    "The console prints 'homeplane-guest: leased <address>', then a shell prompt. Afterwards: ip link del hptap0",
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof GuestBuildError ? `guest:tiny: ${err.message}` : err);
    process.exit(1);
  },
);
