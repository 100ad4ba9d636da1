// Password hashing: argon2id (RFC 9106) through @node-rs/argon2, in its PHC string form, with the
// library's defaults (m=19 MiB, t=2, p=1: OWASP's recommended minimum for argon2id).
import { hash, verify } from '@node-rs/argon2';

/** Algorithm.Argon2id: a const enum, which verbatimModuleSyntax cannot import, so its value (index.d.ts). */
const ARGON2ID = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

/** False for a wrong password and for a hash that cannot be read; verify compares in constant time. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
