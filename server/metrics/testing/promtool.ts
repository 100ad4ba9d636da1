// `promtool check metrics` (Debian's prometheus package): Prometheus' own parser and linter over
// an exposition. Returns its findings, less those about prom-client's built-in Node metrics
// (nodejs_active_handles_total and friends are gauges named _total by prom-client itself).
import { spawnSync } from 'node:child_process';

export function promtoolProblems(exposition: string): string[] {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (run.error)
    throw new Error(`promtool did not run (scripts/install-system-deps.sh installs it): ${run.error.message}`);
  const findings = `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.trim() !== '');
  // Exit 3: lint findings only; anything else non-zero: the text did not parse.
  if (run.status !== 0 && run.status !== 3) return [`promtool exited ${run.status}`, ...findings];
  return findings.filter((l) => !/^nodejs_active_(handles|requests|resources)_total non-counter/.test(l));
}
