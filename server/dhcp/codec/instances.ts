// The option instances of a received message, by code. RFC 3396 6: the instances of one code are
// one option, their data concatenated in the order read (options field, then file, then sname:
// RFC 2131 4.1). Instances are kept as views into the message and each code's are joined once,
// when its value is asked for, so N instances cost N byte ranges copied once each. (Joining on
// arrival re-copied the value so far every time: 1-byte instances filling a 65,507-byte datagram
// copied 236,650,894 bytes.)

/** A code's data and where its first instance began (errors point there). */
export interface OptionData {
  data: Uint8Array;
  offset: number;
  /** True when `data` is a fresh join, not a view of the message: it need not be copied again. */
  joined: boolean;
}

/** `data` is the first instance's data until join() replaces it with all of them joined. */
interface Instances extends OptionData {
  /** Later instances' data, in the order read; null for a single instance (or once joined). */
  rest: Uint8Array[] | null;
}

export class OptionInstances {
  private readonly byCode = new Map<number, Instances>();

  /** Records one instance's data (a view into the message) found at `offset`. */
  add(code: number, data: Uint8Array, offset: number): void {
    const seen = this.byCode.get(code);
    if (seen === undefined) this.byCode.set(code, { data, offset, joined: false, rest: null });
    else if (seen.rest === null) seen.rest = [data];
    else seen.rest.push(data);
  }

  /** The code's data with its instances joined, or undefined when the code is absent. */
  get(code: number): OptionData | undefined {
    const instances = this.byCode.get(code);
    return instances === undefined ? undefined : join(instances);
  }

  /**
   * Calls `visit` with every code in the order its first instance was read, and its joined data.
   * A callback, not an iterator: an iterator's entry tuples and results were the largest
   * allocation of a decode (about 1.4 KB a packet, with the Map iterator's own).
   */
  forEach(visit: (code: number, option: OptionData) => void): void {
    this.byCode.forEach((instances, code) => visit(code, join(instances)));
  }
}

/** Joins the instances into one new array, once: the result replaces them. */
function join(instances: Instances): OptionData {
  const { data: first, rest } = instances;
  if (rest === null) return instances;
  let length = first.length;
  for (const data of rest) length += data.length;
  const out = new Uint8Array(length);
  out.set(first);
  let at = first.length;
  for (const data of rest) {
    out.set(data, at);
    at += data.length;
  }
  instances.data = out;
  instances.rest = null;
  instances.joined = true;
  return instances;
}
