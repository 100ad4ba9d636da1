// Fitting the encoded options into a message of at most maxMessageSize bytes: the options field
// alone when possible, else also the empty file and sname fields (option overload, RFC 2132 9.3),
// else dropping whole options from the end of the list.
//
// Choice: options are dropped last-first in wire order (the highest codes go first) and 53
// (message type), 54 (server identifier), 61 (client identifier: RFC 6842 3 says the server MUST
// return it) and 82 (relay agent information) are never dropped: a reply without them is not a
// valid answer. When those alone do not fit, they are written anyway
// and the message exceeds the limit; that only happens for limits far below the RFC minimum.

import { FILE_LENGTH, OVERLOAD_FILE, OVERLOAD_SNAME, SNAME_LENGTH } from './format.ts';
import { OPTION_MESSAGE_TYPE, OPTION_OVERLOAD, OPTION_RELAY_AGENT_INFO, OPTION_SERVER_ID } from './options.ts';

/** Client identifier: echoed unaltered (RFC 6842 3), so never dropped to make room. */
const OPTION_CLIENT_ID = 61;

/** The option bytes (code/length/data instances, no END) each field carries. */
export interface OptionFields {
  options: Uint8Array;
  /** Set only when the field carries options (overload), else the field holds its text. */
  file: Uint8Array | null;
  sname: Uint8Array | null;
  /** True when some options had to be left out to fit. */
  dropped: boolean;
}

/** Room for the file and sname fields when they carry options: each needs its own END. */
const FILE_ROOM = FILE_LENGTH - 1;
const SNAME_ROOM = SNAME_LENGTH - 1;
/** Option 52 itself: code, length, value. */
const OVERLOAD_OPTION_SIZE = 3;

/** One code/length/data instance within the encoded stream. */
interface Instance {
  code: number;
  start: number;
  end: number;
}

/**
 * @param stream options as encode wrote them: 53, 54, ascending codes, 82; no END
 * @param optionsRoom bytes the options field may use, END included (maxMessageSize - 240)
 */
export function placeOptions(
  stream: Uint8Array,
  optionsRoom: number,
  fileFree: boolean,
  snameFree: boolean,
): OptionFields {
  const all = instancesOf(stream);
  let kept = all;
  while (true) {
    const placed = place(stream, kept, optionsRoom, fileFree, snameFree);
    if (placed !== null) return { ...placed, dropped: kept.length < all.length };
    const victim = lastDroppableCode(kept);
    if (victim === undefined) return { options: gather(stream, kept), file: null, sname: null, dropped: true };
    kept = kept.filter((instance) => instance.code !== victim);
  }
}

function instancesOf(stream: Uint8Array): Instance[] {
  const instances: Instance[] = [];
  for (let at = 0; at < stream.length; at += 2 + stream[at + 1]!) {
    instances.push({ code: stream[at]!, start: at, end: at + 2 + stream[at + 1]! });
  }
  return instances;
}

/**
 * Fills the options field, then file, then sname, in order: decoders read them in that order and
 * join repeated codes in it (RFC 2131 4.1, RFC 3396 6), so the order of instances is kept.
 */
function place(
  stream: Uint8Array,
  kept: Instance[],
  optionsRoom: number,
  fileFree: boolean,
  snameFree: boolean,
): Omit<OptionFields, 'dropped'> | null {
  const total = kept.reduce((sum, instance) => sum + instance.end - instance.start, 0);
  if (total + 1 <= optionsRoom) return { options: gather(stream, kept), file: null, sname: null };
  if (!fileFree && !snameFree) return null;

  const rooms = [optionsRoom - OVERLOAD_OPTION_SIZE - 1, fileFree ? FILE_ROOM : 0, snameFree ? SNAME_ROOM : 0];
  const fields: Instance[][] = [[], [], []];
  const used = [0, 0, 0];
  let field = 0;
  for (const instance of kept) {
    const size = instance.end - instance.start;
    while (field < 3 && used[field]! + size > rooms[field]!) field++;
    if (field === 3) return null;
    fields[field]!.push(instance);
    used[field]! += size;
  }
  const overload = (fields[1]!.length > 0 ? OVERLOAD_FILE : 0) | (fields[2]!.length > 0 ? OVERLOAD_SNAME : 0);
  return {
    options: withOverloadOption(stream, fields[0]!, overload),
    file: fields[1]!.length > 0 ? gather(stream, fields[1]!) : null,
    sname: fields[2]!.length > 0 ? gather(stream, fields[2]!) : null,
  };
}

/** The options field's instances with option 52 placed right after the leading 53 and 54. */
function withOverloadOption(stream: Uint8Array, instances: Instance[], overload: number): Uint8Array {
  let leading = 0;
  while (leading < instances.length && isLeading(instances[leading]!.code)) leading++;
  const head = gather(stream, instances.slice(0, leading));
  const tail = gather(stream, instances.slice(leading));
  const out = new Uint8Array(head.length + OVERLOAD_OPTION_SIZE + tail.length);
  out.set(head);
  out.set([OPTION_OVERLOAD, 1, overload], head.length);
  out.set(tail, head.length + OVERLOAD_OPTION_SIZE);
  return out;
}

function gather(stream: Uint8Array, instances: Instance[]): Uint8Array {
  const out = new Uint8Array(instances.reduce((sum, i) => sum + i.end - i.start, 0));
  let at = 0;
  for (const instance of instances) {
    out.set(stream.subarray(instance.start, instance.end), at);
    at += instance.end - instance.start;
  }
  return out;
}

function isLeading(code: number): boolean {
  return code === OPTION_MESSAGE_TYPE || code === OPTION_SERVER_ID;
}

function lastDroppableCode(instances: Instance[]): number | undefined {
  for (let i = instances.length - 1; i >= 0; i--) {
    const code = instances[i]!.code;
    if (!isLeading(code) && code !== OPTION_RELAY_AGENT_INFO && code !== OPTION_CLIENT_ID) return code;
  }
  return undefined;
}
