// The hook script every real client runs at its events (udhcpc -s, dhclient -sf, dhcpcd -c), and
// the parser for what it records. The script stands in for the distribution's hook: it puts the
// leased address on the interface (udhcpc and dhclient leave that to the script, and their renewals
// are unicast from that address, RFC 2131 4.4.5) and appends one line per event to a file, so a
// test sees exactly the options that reached the client.
import { readFileSync, writeFileSync } from 'node:fs';

/** One event as a client reported it to its hook, names normalised across the three clients. */
export interface ClientEvent {
  /** udhcpc's $1 or dhclient/dhcpcd's $reason, lower case: bound, renew, reboot, rebind, release... */
  reason: string;
  /** Milliseconds since the epoch when the hook ran. */
  at: number;
  address: string | null;
  routers: string[];
  dnsServers: string[];
  domainName: string | null;
  hostname: string | null;
  leaseSeconds: number | null;
  /** Every recorded variable the client set (non-empty), by its own name. */
  vars: Record<string, string>;
}

/**
 * Environment variables the hook records: udhcpc names (ip, router, dns, domain, hostname, lease)
 * and the dhclient-script names dhcpcd shares (new_ip_address, new_routers, ...).
 */
const RECORDED = [
  'interface',
  'reason',
  'ip',
  'subnet',
  'router',
  'dns',
  'domain',
  'hostname',
  'lease',
  'new_ip_address',
  'new_subnet_mask',
  'new_routers',
  'new_domain_name_servers',
  'new_domain_name',
  'new_host_name',
  'new_dhcp_lease_time',
  // Options and boot fields (issue 10): udhcpc's names, then dhclient's.
  'search',
  'staticroutes',
  'mtu',
  'wpad',
  'siaddr',
  'sname',
  'boot_file',
  'new_domain_search',
  'new_rfc3442_classless_static_routes',
  'new_interface_mtu',
  'new_wpad',
  'new_next_server',
  'new_filename',
  'new_server_name',
] as const;

/**
 * Writes the hook to `scriptFile`. The events file is written into the script itself because
 * dhclient runs its script with an environment of its own making.
 */
export function writeHookScript(scriptFile: string, eventsFile: string): void {
  const fields = RECORDED.map((name) => `${name}=%s`).join('\\t');
  const values = RECORDED.map((name) => `"$${name}"`).join(' ');
  const script = `#!/bin/sh
event="\${1:-$reason}"
case "$event" in
  bound|renew) ip addr replace "$ip/$subnet" dev "$interface" ;;
  BOUND|RENEW|REBIND|REBOOT) ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  deconfig|RELEASE|EXPIRE) ip -4 addr flush dev "$interface" ;;
esac
printf 'event=%s\\tat=%s\\t${fields}\\n' "$event" "$(date +%s%3N)" ${values} >> '${eventsFile}'
exit 0
`;
  writeFileSync(scriptFile, script, { mode: 0o755 });
}

/** Every event recorded so far, oldest first; none when the file does not exist yet. */
export function readHookEvents(eventsFile: string): ClientEvent[] {
  let text: string;
  try {
    text = readFileSync(eventsFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('event='))
    .map(parseEventLine);
}

function parseEventLine(line: string): ClientEvent {
  const vars = new Map<string, string>();
  for (const field of line.split('\t')) {
    const eq = field.indexOf('=');
    vars.set(field.slice(0, eq), field.slice(eq + 1));
  }
  const pick = (...names: string[]): string | null => {
    for (const name of names) {
      const value = vars.get(name);
      if (value) return value;
    }
    return null;
  };
  const list = (...names: string[]): string[] => (pick(...names) ?? '').split(/\s+/).filter(Boolean);
  const lease = pick('lease', 'new_dhcp_lease_time');
  return {
    reason: (vars.get('event') ?? '').toLowerCase(),
    at: Number(vars.get('at')),
    address: pick('ip', 'new_ip_address'),
    routers: list('router', 'new_routers'),
    dnsServers: list('dns', 'new_domain_name_servers'),
    domainName: pick('domain', 'new_domain_name'),
    hostname: pick('hostname', 'new_host_name'),
    leaseSeconds: lease === null ? null : Number(lease),
    vars: Object.fromEntries([...vars].filter(([name, value]) => name !== 'event' && name !== 'at' && value !== '')),
  };
}
