// The shared secret every gRPC call presents as `authorization: Bearer <token>`. It lives in
// <dataDir>/grpc.token (design.md), made on first start with mode 0600 and reused afterwards, so
// the dashboard (or a user's grpcurl) reads the same value across daemon restarts.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** 32 random bytes: 256 bits, far beyond guessing; base64url keeps it header- and shell-safe. */
const TOKEN_BYTES = 32;

/** A token shorter than this was not written by us (or was truncated): refuse it. */
const MIN_TOKEN_LENGTH = 16;

/** Permission bits for group and others: none may be set on a file holding a secret. */
const GROUP_OR_OTHER = 0o077;

export class TokenFileError extends Error {
  override name = 'TokenFileError';
}

/**
 * Returns the token stored in `file`, creating the file (and its folder) with a new random token
 * when it does not exist. Refuses a file that group or others may read or write, as ssh does for
 * private keys: the secret may already have leaked, and silently tightening the mode would hide it.
 * Refuses a symbolic link (another user could point it at a file of their choosing) and a file
 * owned by another user (who could read or replace the token).
 */
export async function ensureToken(file: string, what = 'the gRPC token file'): Promise<string> {
  const existing = await readToken(file, what);
  if (existing !== null) return existing;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  await writeAtomically(file, `${token}\n`);
  return token;
}

/** The token in `file`, or null when there is no such file. */
async function readToken(file: string, what: string): Promise<string | null> {
  let handle;
  try {
    // O_NOFOLLOW: opening a symbolic link fails with ELOOP instead of reading its target.
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') {
      throw new TokenFileError(
        `${file}: ${what} is a symbolic link; Homeplane does not follow it. Replace it with the file itself (or delete it to make a new token)`,
      );
    }
    throw err;
  }
  try {
    const { mode, uid } = await handle.stat();
    const me = process.getuid?.();
    if (me !== undefined && uid !== me) {
      throw new TokenFileError(
        `${file}: ${what} belongs to uid ${uid}, not to the user running homeplane (uid ${me}); ` +
          `"chown ${me} ${file}" if it is yours, or delete it to make a new token`,
      );
    }
    if ((mode & GROUP_OR_OTHER) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(4, '0');
      throw new TokenFileError(
        `${file}: ${what} is accessible to group or others (mode ${octal}); ` +
          `restrict it with "chmod 600 ${file}" (or delete it to make a new token)`,
      );
    }
    const token = (await handle.readFile('utf8')).trim();
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new TokenFileError(`${file}: ${what} does not hold a token; delete it to make a new one`);
    }
    return token;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a temporary file beside the target (same file system), flushes it, and renames it into
 * place, so a reader sees either no file or the whole token, never a partial one (a crash between
 * the steps leaves only a stray temporary file).
 */
async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      // The umask can only clear bits, but be explicit: the mode is the point of this file.
      await handle.chmod(0o600);
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  await syncFolder(dirname(file));
}

/** Makes the rename itself durable (POSIX: a directory entry is data of the directory). */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
