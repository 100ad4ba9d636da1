// Preloaded into the daemon by the benchmark (NODE_OPTIONS="--import <this file>"; Node 20
// refuses --cpu-prof in NODE_OPTIONS) to profile exactly the measured step: the first SIGUSR2
// starts V8's sampling profiler, the second stops it and writes a .cpuprofile into
// $HOMEPLANE_CPU_PROFILE_DIR (also written at exit if still running). Plain JavaScript: it loads
// before tsx does. Nothing runs unless that variable is set.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.HOMEPLANE_CPU_PROFILE_DIR;
if (dir) installProfiler(dir);

function installProfiler(outDir) {
  const session = new Session();
  session.connect();
  let running = false;
  // An in-thread inspector session answers synchronously, so this also works in 'exit'.
  const stop = () => {
    if (!running) return;
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) {
        process.stderr.write(`cpu profiler: ${err.message}\n`);
        return;
      }
      writeFileSync(join(outDir, `homeplane-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('SIGUSR2', () => {
    if (running) {
      stop();
      return;
    }
    session.post('Profiler.enable', () => {
      // 250 us between samples: a DORA costs well under one, so many samples land per second.
      session.post('Profiler.setSamplingInterval', { interval: 250 }, () => {
        session.post('Profiler.start', () => {
          running = true;
        });
      });
    });
  });
  process.on('exit', stop);
}
