// What a network-booting guest asks of its TFTP server: the read request (RFC 1350 section 5,
// options RFC 2347). A test listens on port 69 of the next-server address (a lab Probe) and reads
// the first datagram with parseTftpRequest; it only needs to see which file was asked for, so
// nothing is served.

export interface TftpRequest {
  kind: 'read' | 'write';
  filename: string;
  /** "octet" or "netascii", lower-cased. */
  mode: string;
  /** RFC 2347 options (blksize, tsize, ...), names lower-cased. */
  options: Record<string, string>;
}

export type TftpParse = { ok: true; request: TftpRequest } | { ok: false; error: string };

/** Parses an RRQ or WRQ; anything else (or a malformed request) gives a reason instead. */
export function parseTftpRequest(bytes: Uint8Array): TftpParse {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4) return { ok: false, error: `${buf.length} bytes: too short for a TFTP request` };
  const opcode = buf.readUInt16BE(0);
  if (opcode !== 1 && opcode !== 2)
    return { ok: false, error: `opcode ${opcode}: not a read (1) or write (2) request` };
  const fields: string[] = [];
  let start = 2;
  while (start < buf.length) {
    const end = buf.indexOf(0, start);
    if (end < 0) return { ok: false, error: `field ${fields.length + 1} is not NUL-terminated` };
    fields.push(buf.subarray(start, end).toString('latin1'));
    start = end + 1;
  }
  const [filename, mode, ...rest] = fields;
  if (filename === undefined || filename === '') return { ok: false, error: 'no file name' };
  if (mode === undefined) return { ok: false, error: 'no transfer mode' };
  if (rest.length % 2 !== 0) return { ok: false, error: `option "${rest.at(-1)}" has no value` };
  const options: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) options[rest[i]!.toLowerCase()] = rest[i + 1]!;
  return { ok: true, request: { kind: opcode === 1 ? 'read' : 'write', filename, mode: mode.toLowerCase(), options } };
}
