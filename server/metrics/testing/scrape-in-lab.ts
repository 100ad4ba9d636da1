// Fetches a URL from inside a lab namespace (its loopback is not the test's): a node child run
// with `ip netns exec`. For the daemon's /metrics and Prometheus' API in integration tests.
import type { Lab } from '../../../scripts/lab/lab.ts';

export async function fetchInLab(
  lab: Lab,
  namespace: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const script = `fetch(${JSON.stringify(url)}, { headers: ${JSON.stringify(headers)} }).then(async (r) => { const t = await r.text(); if (!r.ok) { process.stderr.write(r.status + ' ' + t); process.exit(1); } process.stdout.write(t); }, (e) => { process.stderr.write(String(e)); process.exit(1); })`;
  const run = await lab.exec(namespace, process.execPath, ['-e', script], { timeoutMs: 10_000 });
  if (run.code !== 0) throw new Error(`fetching ${url} in ${namespace}: ${run.stderr}`);
  return run.stdout;
}
