// Opaque page tokens (AIP-158): the position after the last item of a page, bound to the
// filters of the call that made it, so a token reused with other filters is refused rather than
// silently skipping or repeating items. Not a secret: a client may decode it, but must not rely
// on its shape.
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.ts';

const VERSION = 1;

interface TokenBody {
  v: number;
  /** Where the next page starts (exclusive); its meaning belongs to the list that made it. */
  after: string;
  /** Digest of the filters. */
  f: string;
}

function filterDigest(filters: unknown): string {
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 16);
}

export function encodePageToken(after: string, filters: unknown): string {
  const body: TokenBody = { v: VERSION, after, f: filterDigest(filters) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The position a token carries, or null for '' (the first page). */
export function decodePageToken(field: string, token: string, filters: unknown): string | null {
  if (token === '') return null;
  let body: Partial<TokenBody>;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    throw new InvalidInputError(field, 'is not a page token from this server; pass next_page_token unchanged');
  }
  if (body === null || typeof body !== 'object' || body.v !== VERSION || typeof body.after !== 'string') {
    throw new InvalidInputError(field, 'is not a page token from this server; pass next_page_token unchanged');
  }
  if (body.f !== filterDigest(filters)) {
    throw new InvalidInputError(field, 'was made for other filters; repeat the filters of the call that returned it');
  }
  return body.after;
}
