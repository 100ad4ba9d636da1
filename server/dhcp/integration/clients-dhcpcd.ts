// dhcpcd 9 (Debian's dhcpcd-base): the hook gets $reason (BOUND, RENEW, REBOOT, ...) and new_*
// variables. Its run and database folders are compiled in (/run/dhcpcd, /var/lib/dhcpcd), so each
// command runs behind bind mounts of the client's own folders. `ip netns exec` already gives every
// command a private mount namespace, so the mounts are seen by that command only, and two commands
// (the client and a later `dhcpcd -k`) meet through the same folders. The lease kept in the
// database folder is what a restarted dhcpcd asks for again, in INIT-REBOOT.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RealClient, type ClientStart } from './clients-real-client.ts';

const WITH_PRIVATE_FOLDERS =
  'mount --bind "$1" /run && mount --bind "$2" /var/lib/dhcpcd && shift 2 && exec dhcpcd "$@"';

export class Dhcpcd extends RealClient {
  readonly program = 'dhcpcd';
  private readonly runDir = join(this.dir, 'run');
  private readonly dbDir = join(this.dir, 'db');

  protected command(opts: ClientStart): [string, string[]] {
    // -B foreground, -4 IPv4 only, -A no ARP probing (and so no IPv4LL), -f /dev/null: none of the
    // host's configuration; the options are asked for by name instead.
    const args = [
      '-B',
      '-4',
      '-A',
      '-d',
      '-f',
      '/dev/null',
      '-c',
      this.scriptFile,
      '-o',
      'domain_name_servers',
      '-o',
      'domain_name',
      '-o',
      'host_name',
    ];
    if (opts.leaseSeconds !== undefined) args.push('-l', String(opts.leaseSeconds));
    if (opts.requestAddress !== undefined) args.push('-r', opts.requestAddress);
    return this.dhcpcd([...args, this.host.interface]);
  }

  /** `dhcpcd -k` tells the running dhcpcd to release its lease and exit. */
  async release(): Promise<void> {
    const [command, args] = this.dhcpcd(['-4', '-f', '/dev/null', '-k', this.host.interface]);
    await this.runOnce(command, args);
    await this.waitForExit();
  }

  private dhcpcd(args: string[]): [string, string[]] {
    mkdirSync(this.runDir, { recursive: true });
    mkdirSync(this.dbDir, { recursive: true });
    return ['sh', ['-c', WITH_PRIVATE_FOLDERS, 'sh', this.runDir, this.dbDir, ...args]];
  }
}
