// What goes into the tiny guest besides the kernel and busybox: its /init, the udhcpc event
// script, the NIC modules in load order and the kernel command line. A build is cached under a
// hash of this recipe, so changing any of it (or RECIPE_REVISION, for changes to how the builder
// assembles the archive) makes the next ensureTinyGuest() build afresh.
import { createHash } from 'node:crypto';

/** Bump when build.ts changes what it puts in the archive in a way the texts below do not show. */
export const RECIPE_REVISION = 2;

/** Lines the guest prints on its serial console; tests wait for them. */
export const MARKER = {
  prefix: 'homeplane-guest:',
  /** "homeplane-guest: leased 10.123.0.100" (udhcpc "bound"). */
  leased: /^homeplane-guest: leased (\d+\.\d+\.\d+\.\d+)$/m,
  /** The console shell is about to start. */
  ready: /^homeplane-guest: ready$/m,
} as const;

/**
 * Debian's kernel has virtio-net as modules (environment.md). busybox insmod resolves no
 * dependencies, so /init loads them in the order of lib/modules/load-order, which the build
 * writes from each module's modinfo "depends=" (modules.ts): this list, plus anything a later
 * kernel makes them depend on. In 6.1: virtio_net needs virtio_ring, virtio and net_failover
 * (which needs failover); virtio_pci needs virtio_ring, virtio and both virtio_pci_*_dev helpers.
 */
export const NIC_MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_modern_dev',
  'virtio_pci_legacy_dev',
  'virtio_pci',
  'failover',
  'net_failover',
  'virtio_net',
] as const;

/**
 * console=ttyS0: the serial port is the console. panic=-1: a panic reboots at once, which with
 * QEMU's -no-reboot ends QEMU, so a broken guest fails a test fast instead of hanging it. quiet:
 * kernel messages at warning and above only (printing every line through an emulated UART under
 * TCG costs boot time).
 */
export const BASE_CMDLINE = 'console=ttyS0 panic=-1 quiet';

/**
 * PID 1. The kernel starts it with /dev/console (ttyS0) as stdin/stdout/stderr. It must never
 * exit (that panics the kernel), hence the loop around the shell.
 */
export const INIT_SCRIPT = `#!/bin/sh
# /init of the Homeplane tiny guest (scripts/guest/recipe.ts).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
say() { echo "${MARKER.prefix} $*"; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /run /tmp /var/run
mount -t devpts devpts /dev/pts
for m in $(cat /lib/modules/load-order); do
  insmod /lib/modules/$m.ko || say "insmod $m failed"
done
# hostname=NAME on the kernel command line: the guest's name, sent as DHCP option 12.
name=
for word in $(cat /proc/cmdline); do
  case "$word" in hostname=?*) name="\${word#hostname=}" ;; esac
done
[ -n "$name" ] && hostname "$name"
# Only IPv4 DHCP is under test: keep the lab's bridge free of IPv6 chatter.
for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do [ -e "$f" ] && echo 1 > "$f"; done
ip link set lo up
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
if ip link set eth0 up; then
  say "eth0 up $(cat /sys/class/net/eth0/address)"
  set --
  [ -n "$name" ] && set -- -x "hostname:$name"
  # Foreground until the first lease (then udhcpc forks and keeps renewing); after 5 unanswered
  # DISCOVERs 2 s apart it goes to the background (-b) and keeps trying there.
  udhcpc -i eth0 -s /etc/udhcpc.script -t 5 -T 2 -A 3 -b "$@" || say "udhcpc failed"
else
  say "no eth0 (modules: $(cut -d' ' -f1 /proc/modules | tr '\\n' ' '))"
fi
say ready
export PS1='homeplane-guest# '
while true; do setsid cttyhack sh; done
`;

/** udhcpc's event script (busybox udhcpc calls it with the event name and the lease in env). */
export const UDHCPC_SCRIPT = `#!/bin/sh
say() { echo "${MARKER.prefix} $*" > /dev/console; }
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ;;
  bound|renew)
    [ "$1" = bound ] && ip -4 addr flush dev "$interface"
    ip addr replace "$ip/\${mask:-24}" dev "$interface" \${broadcast:+broadcast "$broadcast"}
    if [ -n "$router" ]; then
      ip route replace default via "\${router%% *}" dev "$interface"
    fi
    : > /etc/resolv.conf
    [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf
    for s in $dns; do echo "nameserver $s" >> /etc/resolv.conf; done
    if [ "$1" = bound ]; then say "leased $ip"; else say "renewed $ip"; fi
    ;;
  leasefail|nak)
    say "dhcp $1"
    ;;
esac
exit 0
`;

/** Short hash naming this recipe in the cache key. */
export function recipeHash(): string {
  const recipe = JSON.stringify({ RECIPE_REVISION, NIC_MODULES, BASE_CMDLINE, INIT_SCRIPT, UDHCPC_SCRIPT });
  return createHash('sha256').update(recipe).digest('hex').slice(0, 10);
}
