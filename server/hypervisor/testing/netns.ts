// A network namespace of a test's own, with a bridge in it, removed when the test ends (or, if
// the process dies first, from an exit handler). Nothing here touches the host's interfaces.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { onProcessEnd } from '../../../scripts/lab/exit-cleanup.ts';

export interface TestNetns {
  /** Namespace name, "hpt-" + 8 hex digits. */
  name: string;
  /** A bridge inside it, up, no address. */
  bridge: string;
  /** Runs `ip -n NAME ARGS` and returns its stdout; throws with ip's stderr. */
  ip(args: string[]): string;
}

export function makeTestNetns(t: { after: (fn: () => void) => void }): TestNetns {
  const name = `hpt-${randomBytes(4).toString('hex')}`;
  const remove = (): void => {
    spawnSync('ip', ['netns', 'del', name], { timeout: 5_000 });
  };
  execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe' });
  const forget = onProcessEnd(remove);
  t.after(() => {
    forget();
    remove();
  });
  const ip = (args: string[]): string => execFileSync('ip', ['-n', name, ...args], { encoding: 'utf8', stdio: 'pipe' });
  const bridge = 'hpbr0';
  ip(['link', 'add', bridge, 'type', 'bridge']);
  ip(['link', 'set', bridge, 'up']);
  return { name, bridge, ip };
}
