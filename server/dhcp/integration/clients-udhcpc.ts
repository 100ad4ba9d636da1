// busybox udhcpc: the hook gets its event as $1 and the options as ip, router, dns, domain,
// hostname, lease. It has no lease file: after a restart it can only ask for its old address in a
// DISCOVER (-r, option 50), which is SELECTING, not INIT-REBOOT (RFC 2131 4.3.1).
import { join } from 'node:path';
import { RealClient, type ClientStart } from './clients-real-client.ts';

export class Udhcpc extends RealClient {
  readonly program = 'udhcpc';
  private releasesOnExit = false;

  protected command(opts: ClientStart): [string, string[]] {
    this.releasesOnExit = opts.releaseOnExit ?? false;
    // -f foreground; -t/-T: a DISCOVER every second, for ever (no -n), until the server answers.
    const args = [
      '-f',
      '-i',
      this.host.interface,
      '-s',
      this.scriptFile,
      '-p',
      join(this.dir, 'pid'),
      '-t',
      '0',
      '-T',
      '1',
    ];
    if (opts.requestAddress !== undefined) args.push('-r', opts.requestAddress);
    if (opts.leaseSeconds !== undefined) args.push('-x', `lease:${opts.leaseSeconds}`);
    if (this.releasesOnExit) args.push('-R');
    args.push(...(opts.extra ?? []));
    return ['udhcpc', args];
  }

  /** -R makes udhcpc send a RELEASE when it exits on SIGTERM. */
  async release(): Promise<void> {
    if (!this.releasesOnExit) throw new Error('udhcpc releases on exit only when started with releaseOnExit');
    await this.signalAndWait('SIGTERM');
  }
}
