// A real DHCP client for the API tests: busybox udhcpc (server/dhcp/integration's helper) in one
// of the lab's client namespaces, under a MAC and a host name of the test's choosing, so the test
// knows what the daemon must report for it. It releases on exit (-R, RFC 2131 4.4.6) and renews
// on demand (SIGUSR1), which moves a client to a new reservation without waiting for T1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, LabClient } from '../../../scripts/lab/lab.ts';
import type { ClientStart } from '../../dhcp/integration/clients-real-client.ts';
import { Udhcpc } from '../../dhcp/integration/clients-udhcpc.ts';

/** DISCOVER to ACK, with udhcpc's one-second retries. */
const BIND_WAIT_MS = 10_000;

export class NamedUdhcpc extends Udhcpc {
  private constructor(
    lab: Lab,
    host: LabClient,
    readonly mac: string,
    readonly hostname: string,
  ) {
    super(lab, host);
  }

  /** Gives the namespace's interface `mac`; the client is not started yet. */
  static async on(lab: Lab, host: LabClient, mac: string, hostname: string): Promise<NamedUdhcpc> {
    const set = await lab.exec(host.namespace, 'ip', ['link', 'set', 'dev', host.interface, 'address', mac]);
    if (set.code !== 0) throw new Error(`setting ${mac} on ${host.interface}: ${set.stderr}`);
    return new NamedUdhcpc(lab, host, mac, hostname);
  }

  /** udhcpc sends its MAC as client identifier (option 61, type 1) unless told not to (-C). */
  get clientId(): string {
    return `01${this.mac.replaceAll(':', '')}`;
  }

  protected override command(opts: ClientStart): [string, string[]] {
    const [program, args] = super.command(opts);
    return [program, [...args, '-x', `hostname:${this.hostname}`]];
  }

  /** Starts the client (releasing on exit) and resolves with the address it is bound to. */
  async lease(): Promise<string> {
    const from = this.events().length;
    this.start({ releaseOnExit: true });
    return this.nextBound(from);
  }

  /** The address of the first 'bound' event after index `from` of the hook's events. */
  async nextBound(from: number, timeoutMs = BIND_WAIT_MS): Promise<string> {
    const bound = await this.waitForEvent(['bound'], timeoutMs, from);
    if (bound.address === null) throw new Error(`udhcpc reported a bound event without an address:\n${this.output}`);
    return bound.address;
  }

  /** SIGUSR1: udhcpc sends a REQUEST in RENEWING state now (RFC 2131 4.4.5) instead of at T1. */
  renewNow(): void {
    const pid = Number(readFileSync(join(this.dir, 'pid'), 'utf8').trim());
    process.kill(pid, 'SIGUSR1');
  }
}
