// The codec's one error type. decode() returns it for malformed input; encode() throws it only for
// a packet that has no wire form at all (a 17-byte chaddr, a 65-byte sname, an empty router list).

export class PacketError extends Error {
  override readonly name = 'PacketError';

  /**
   * @param field what was wrong: a header field ("op", "hlen", "cookie"), a region ("packet",
   *   "options", "file", "sname") or an option ("option 51").
   * @param offset byte offset in the message where the problem was found; -1 when encoding an
   *   option, which has no position yet.
   * @param problem what was wrong, in words.
   * @param label how the field is named in the message; defaults to `field`.
   */
  constructor(
    readonly field: string,
    readonly offset: number,
    problem: string,
    label: string = field,
  ) {
    super(offset >= 0 ? `${label}: ${problem} at offset ${offset}` : `${label}: ${problem}`);
  }
}
