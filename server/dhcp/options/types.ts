// Configured DHCP options, compiled once (at load, or when a reservation changes) into the bytes
// a reply carries, so nothing is parsed per packet.

/** The value shapes an option's `data` text can take (Kea's option definition types, narrowed). */
export type OptionType =
  'ip' | 'ips' | 'uint8' | 'uint16' | 'uint32' | 'int32' | 'bool' | 'string' | 'fqdn' | 'fqdns' | 'hex' | 'routes';

export const OPTION_TYPES: readonly OptionType[] = [
  'ip',
  'ips',
  'uint8',
  'uint16',
  'uint32',
  'int32',
  'bool',
  'string',
  'fqdn',
  'fqdns',
  'hex',
  'routes',
];

export interface CompiledOption {
  code: number;
  /** The Kea name when the code has one in the catalogue, else null. */
  name: string | null;
  type: OptionType;
  /** Canonical text of the value (what `data` normalises to; parses back to the same bytes). */
  data: string;
  /** Sent even when the client's parameter request list does not ask for it (Kea's always-send). */
  always: boolean;
  /** The option's data on the wire (no code or length; longer than 255 is split when sent). */
  bytes: Uint8Array;
}

/** A compiled option without its bytes: what is stored and shown; compiles back to the same bytes. */
export type PlainOption = Omit<CompiledOption, 'bytes'>;

export interface OptionProblem {
  path: string;
  reason: string;
}

export type CompileResult = { ok: true; options: CompiledOption[] } | { ok: false; errors: OptionProblem[] };
