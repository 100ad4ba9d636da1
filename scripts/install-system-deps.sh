#!/usr/bin/env bash
# Installs the Debian 12 packages Homeplane's tests, lab and benchmarks need.
# Idempotent; run as root. Used by .ci/run and named in the README.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  build-essential python3          # node-gyp (better-sqlite3, native socket helper)
  iproute2                         # ip netns, veth, bridge: the test labs
  udhcpc isc-dhcp-client dhcpcd-base  # real DHCP clients
  kea-dhcp4-server kea-admin       # baseline server and perfdhcp load generator
  tshark python3-scapy             # captures and crafted packets while debugging
  chromium                         # Playwright's browser for e2e/ (never `npx playwright install`)
  qemu-system-x86 qemu-utils       # VMs: qemu-system-x86_64 (TCG here) and qemu-img
  ipxe-qemu                        # QEMU's NIC boot ROMs (iPXE): the network-boot test's -boot n
  busybox-static cpio              # the tiny test guest's initramfs (scripts/guest/)
  prometheus                       # scrapes the daemon's /metrics in tests; promtool lints the text
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
updated=0
if ((${#missing[@]})); then
  apt-get update -q
  updated=1
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The tiny test guest downloads Debian's cloud kernel package (scripts/guest/): apt must know it.
if ((updated == 0)) && ! apt-cache show --no-all-versions linux-image-cloud-amd64 >/dev/null 2>&1; then
  apt-get update -q
fi
# Kea wants its runtime directory before it starts.
mkdir -p /run/kea
