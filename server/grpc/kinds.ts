// Event kinds as the Watch filter knows them (event.proto WatchRequest.kinds): a full kind
// ("lease.granted", "lease.snapshot") or an object type alone ("lease"), which matches every kind
// of that object, snapshot events included.
import type { EventKind, ObjectType } from '../events/types.ts';
import { InvalidInputError } from '../errors.ts';

/** Every kind the log holds; the type check below fails when events/types.ts gains one. */
const LOGGED_KINDS = [
  'lease.granted',
  'lease.renewed',
  'lease.released',
  'lease.expired',
  'lease.declined',
  'lease.deleted',
  'reservation.created',
  'reservation.updated',
  'reservation.deleted',
  'vm.created',
  'vm.updated',
  'vm.state_changed',
  'vm.address_assigned',
  'vm.deleted',
  'host.updated',
] as const satisfies readonly EventKind[];

type Unlisted = Exclude<EventKind, (typeof LOGGED_KINDS)[number]>;
const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKindListed;

export const OBJECT_TYPES = ['lease', 'reservation', 'vm', 'host'] as const satisfies readonly ObjectType[];

/** The kind of a snapshot event: no log entry, just the object as it is now. */
export function snapshotKind(type: ObjectType): string {
  return `${type}.snapshot`;
}

const KNOWN_ENTRIES: ReadonlySet<string> = new Set<string>([
  ...LOGGED_KINDS,
  ...OBJECT_TYPES,
  ...OBJECT_TYPES.map(snapshotKind),
]);

/** The object type a kind is about: the part before the dot. */
export function objectTypeOf(kind: string): string {
  const dot = kind.indexOf('.');
  return dot < 0 ? kind : kind.slice(0, dot);
}

/** Which kinds a watcher asked for. */
export interface KindFilter {
  /** Canonical text of the filter (sorted entries), equal for equal filters; '' for every kind. */
  readonly key: string;
  matches(kind: string): boolean;
}

const EVERY_KIND: KindFilter = { key: '', matches: () => true };

/** Parses WatchRequest.kinds; an unknown entry is INVALID_ARGUMENT naming its index. */
export function parseKinds(kinds: readonly string[]): KindFilter {
  if (kinds.length === 0) return EVERY_KIND;
  kinds.forEach((entry, index) => {
    if (!KNOWN_ENTRIES.has(entry)) {
      throw new InvalidInputError(
        `kinds[${index}]`,
        `"${entry}" is not an event kind; use an object type (${OBJECT_TYPES.join(', ')}) ` +
          `or a full kind such as "lease.granted" or "reservation.deleted"`,
      );
    }
  });
  const wanted = new Set(kinds);
  return {
    key: [...wanted].sort().join(','),
    matches: (kind) => wanted.has(kind) || wanted.has(objectTypeOf(kind)),
  };
}
