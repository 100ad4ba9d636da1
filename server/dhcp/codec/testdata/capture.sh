#!/usr/bin/env bash
# Captures one DHCPDISCOVER from each real client (udhcpc, dhclient, dhcpcd) and writes its UDP
# payload as hex into this folder. No server answers: the client broadcasts into a veth pair whose
# other end sits in a second namespace where tshark listens. Both namespaces are removed on exit.
# Run as root: bash server/dhcp/codec/testdata/capture.sh
# Clients pick a new xid (and dhcpcd a new DUID time) each run: update captured.test.ts after.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
client_ns="hpcap-$$-c"
listen_ns="hpcap-$$-l"
work="$(mktemp -d)"

cleanup() {
  ip netns del "$client_ns" 2>/dev/null || true
  ip netns del "$listen_ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$client_ns"
ip netns add "$listen_ns"
ip link add hpc0 netns "$client_ns" type veth peer name hpl0 netns "$listen_ns"
ip -n "$client_ns" link set lo up
ip -n "$listen_ns" link set lo up
# A fixed MAC so the fixtures are stable across runs.
ip -n "$client_ns" link set hpc0 address 52:54:00:12:34:56
ip -n "$client_ns" link set hpc0 up
ip -n "$listen_ns" link set hpl0 up

# capture NAME COMMAND...: runs the client for a few seconds and keeps its first DISCOVER.
capture() {
  local name="$1"; shift
  local pcap="$work/$name.pcap"
  ip netns exec "$listen_ns" tshark -q -i hpl0 -f 'udp dst port 67' -c 1 -w "$pcap" 2>/dev/null &
  local tshark_pid=$!
  sleep 1.5
  timeout 6 ip netns exec "$client_ns" "$@" >/dev/null 2>&1 || true
  sleep 0.5
  kill "$tshark_pid" 2>/dev/null || true
  wait "$tshark_pid" 2>/dev/null || true
  local hex
  hex="$(tshark -r "$pcap" -c 1 -T fields -e udp.payload 2>/dev/null | tr -d ':\n')"
  if [ -z "$hex" ]; then echo "no packet captured for $name" >&2; return 1; fi
  {
    echo "# DHCPDISCOVER from $name, captured by testdata/capture.sh ($(date -u +%Y-%m-%d)):"
    echo "# command: ${*//$work/\$TMP}"
    echo "# UDP payload (BOOTP header + options), hex, 64 bytes per line."
    echo "$hex" | fold -w 128
  } >"$here/$name.hex"
  echo "captured $name: $(( ${#hex} / 2 )) bytes"
}

capture udhcpc udhcpc -i hpc0 -n -q -t 1 -T 1 -s /bin/true -x hostname:hpcap-udhcpc
capture dhclient dhclient -1 -v -sf /bin/true -lf "$work/dhclient.leases" -pf "$work/dhclient.pid" hpc0
capture dhcpcd dhcpcd -4 -B -T -t 3 -h hpcap-dhcpcd hpc0
# Client FQDN (option 81, RFC 4702) in both encodings: dhcpcd sends DNS wire format (E flag set),
# dhclient as configured here sends ASCII text (E flag clear).
capture dhcpcd-fqdn dhcpcd -4 -B -T -t 3 -F both -h hpcap.lab.home hpc0
cat >"$work/dhclient-fqdn.conf" <<'CONF'
send fqdn.fqdn "hpcap-dhclient.lab.home.";
send fqdn.encoded off;
send fqdn.server-update on;
CONF
capture dhclient-fqdn dhclient -1 -v -sf /bin/true -cf "$work/dhclient-fqdn.conf" -lf "$work/dhclient.leases" -pf "$work/dhclient.pid" hpc0
