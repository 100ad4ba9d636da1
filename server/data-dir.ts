// The data folder holds the lease database (every MAC, address and host name on the network)
// and the gRPC token: only the daemon's user may enter it. Made 0700 whatever the umask; an
// existing folder that group or others may enter is tightened, with a warning saying so.
import { chmodSync, mkdirSync, statSync } from 'node:fs';

const GROUP_OR_OTHER = 0o077;

/** Creates or tightens `dir` to mode 0700; returns the mode it had when it was more open, else null. */
export function preparePrivateDir(dir: string): number | null {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  // mkdir's mode is filtered by the umask, which can only clear bits, so a fresh folder is at
  // most 0700; anything more open was there before us.
  if ((mode & GROUP_OR_OTHER) === 0) return null;
  chmodSync(dir, mode & ~GROUP_OR_OTHER);
  return mode;
}
