// The files of one VM's run folder. QEMU creates all of them while it is still root (before
// -runas drops privileges), so the folder may stay root-only (0700). With -runas, QEMU cannot
// unlink them at exit any more (checked on 7.2: pidfile and sockets stay behind after `quit`
// and SIGTERM; as root it removes them), so the driver removes stale ones itself.
import { join } from 'node:path';

export interface RunFiles {
  /** QEMU -pidfile: written (and locked) by the daemonized QEMU before it reports ready. */
  pidfile: string;
  /** QMP monitor, a unix socket QEMU listens on. */
  qmpSocket: string;
  /** Serial console, a unix socket QEMU listens on (one client at a time). */
  consoleSocket: string;
  /** Everything the guest wrote to the serial console (QEMU logfile=, opened O_APPEND). */
  consoleLog: string;
  /** The previous console.log, kept after a rotation. */
  consoleLogPrevious: string;
}

export function runFiles(runDir: string): RunFiles {
  return {
    pidfile: join(runDir, 'qemu.pid'),
    qmpSocket: join(runDir, 'qmp.sock'),
    consoleSocket: join(runDir, 'console.sock'),
    consoleLog: join(runDir, 'console.log'),
    consoleLogPrevious: join(runDir, 'console.log.1'),
  };
}
