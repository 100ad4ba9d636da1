// Homeplane's own lab bridge (like libvirt's virbr0): created with its address when the config
// asks for it (hypervisor.bridgeAddress), left alone when it already exists.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { interfaceExists } from '../dhcp/transport/interfaces.ts';

const run = promisify(execFile);

export interface BridgeSpec {
  name: string;
  /** "10.123.0.1/24". */
  address: string;
}

async function ip(args: string[]): Promise<string> {
  const { stdout } = await run('ip', args, { timeout: 10_000 });
  return stdout;
}

/** Creates the bridge if missing, adds the address if absent, and brings it up. Needs CAP_NET_ADMIN. */
export async function ensureBridge(spec: BridgeSpec): Promise<'created' | 'existing'> {
  const created = !interfaceExists(spec.name);
  if (created) await ip(['link', 'add', 'name', spec.name, 'type', 'bridge']);
  const addresses = await ip(['-4', '-o', 'addr', 'show', 'dev', spec.name]);
  if (!addresses.includes(` ${spec.address} `)) await ip(['addr', 'add', spec.address, 'dev', spec.name]);
  await ip(['link', 'set', 'dev', spec.name, 'up']);
  return created ? 'created' : 'existing';
}
