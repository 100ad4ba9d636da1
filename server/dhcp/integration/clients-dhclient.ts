// ISC dhclient: the hook gets $reason (BOUND, RENEW, REBOOT, ...) and new_* variables. With a
// private config (-cf), pid file (-pf) and lease database (-lf) nothing outside the client's
// folder is touched; the lease database is what makes a restarted dhclient try INIT-REBOOT for its
// unexpired lease (RFC 2131 3.2) before it falls back to DISCOVER.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RealClient, type ClientStart } from './clients-real-client.ts';

export class Dhclient extends RealClient {
  readonly program = 'dhclient';
  private readonly configFile = join(this.dir, 'dhclient.conf');
  private readonly pidFile = join(this.dir, 'dhclient.pid');
  private readonly leaseFile = join(this.dir, 'dhclient.leases');

  protected command(opts: ClientStart): [string, string[]] {
    const lines = ['request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;'];
    if (opts.leaseSeconds !== undefined) lines.push(`send dhcp-lease-time ${opts.leaseSeconds};`);
    if (opts.requestAddress !== undefined) lines.push(`send dhcp-requested-address ${opts.requestAddress};`);
    lines.push(...(opts.extra ?? [])); // a later "request" statement replaces the one above
    writeFileSync(this.configFile, `${lines.join('\n')}\n`);
    writeFileSync(this.leaseFile, '', { flag: 'a' }); // dhclient refuses a lease file that does not exist
    return ['dhclient', ['-d', '-v', ...this.files(), this.host.interface]];
  }

  /** `dhclient -r` stops the running dhclient (via its pid file) and releases its lease. */
  async release(): Promise<void> {
    await this.runOnce('dhclient', ['-r', '-v', ...this.files(), this.host.interface]);
    await this.waitForExit();
  }

  private files(): string[] {
    return ['-cf', this.configFile, '-pf', this.pidFile, '-lf', this.leaseFile, '-sf', this.scriptFile];
  }
}
