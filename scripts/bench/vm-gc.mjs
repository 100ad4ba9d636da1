// Preloaded into the daemon by the VM benchmark (NODE_OPTIONS="--import <this file>", as
// dhcp-cpu-profiler.mjs is) so that its memory can be compared between states: V8 collects and
// gives pages back when it sees fit, which moves VmRSS by tens of MiB either way. On SIGUSR2 it
// runs a full garbage collection through the in-thread inspector (HeapProfiler.collectGarbage),
// waits a moment for the sweeper, and prints one JSON line on stdout, which the benchmark reads
// beside the daemon's log: {"msg":"bench gc","heapUsed":...,"rss":...}. Plain JavaScript: it loads
// before tsx does. Nothing runs unless HOMEPLANE_BENCH_GC is set.
import { Session } from 'node:inspector';

if (process.env.HOMEPLANE_BENCH_GC) installGc();

function installGc() {
  const session = new Session();
  session.connect();
  process.on('SIGUSR2', () => {
    session.post('HeapProfiler.collectGarbage', (err) => {
      setTimeout(() => {
        const { heapUsed, rss } = process.memoryUsage();
        const line = err ? { msg: 'bench gc', error: err.message } : { msg: 'bench gc', heapUsed, rss };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }, 500);
    });
  });
}
