// A reservation's DHCP options as the form edits them: one row per option, naming it by its Kea
// name ("domain-name-servers") or its code (252, then with a type), with its data as Kea writes
// it ("10.0.0.53, 10.0.0.54"). The browser checks only that a row is complete; the daemon parses
// and checks the value (server/dhcp/options/compile.ts) and its refusal comes back at the row's
// field (optionErrorKey, optionReason). Client-safe.

/** The value types an option given by code may take (reservation.proto / the config's `type`). */
export const OPTION_TYPES = [
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
] as const;

/** What each type's data looks like, for the type menu and the data placeholder. */
export const TYPE_EXAMPLES: Record<(typeof OPTION_TYPES)[number], string> = {
  ip: '10.0.0.1',
  ips: '10.0.0.1, 10.0.0.2',
  uint8: '64',
  uint16: '1500',
  uint32: '86400',
  int32: '-3600',
  bool: 'true',
  string: 'http://wpad.lab/wpad.dat',
  fqdn: 'lab.example',
  fqdns: 'lab.example, home.arpa',
  hex: '01:02:03',
  routes: '10.200.0.0/16 - 10.0.0.254',
};

export interface OptionRow {
  /** A Kea option name, or a code 1-254 as digits. */
  option: string;
  /** '' for the option's own type (a named option); one of OPTION_TYPES for a code. */
  type: string;
  data: string;
  /** Sent even when the client does not ask for it (Kea's always-send). */
  always: boolean;
}

export const EMPTY_ROW: OptionRow = { option: '', type: '', data: '', always: false };

export type OptionPart = 'option' | 'type' | 'data';
/** Where a message about a row is shown: one of its fields, or the row as a whole. */
export type OptionErrorKey = `option-${number}-${OptionPart}` | `option-${number}`;

export function optionFieldName(index: number, part: OptionPart | 'always'): string {
  return `option-${index}-${part}`;
}

/**
 * The rows as the form posted them (indexed names, in order), trimmed, blank ones included: a
 * message about row N must reach the row drawn N-th. Drop the blank ones (withoutBlankRows)
 * only for what goes to the daemon.
 */
export function readOptionRows(form: FormData): OptionRow[] {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const rows: OptionRow[] = [];
  for (let i = 0; form.has(optionFieldName(i, 'option')); i++) {
    rows.push({
      option: text(optionFieldName(i, 'option')).toLowerCase(),
      type: text(optionFieldName(i, 'type')),
      data: text(optionFieldName(i, 'data')),
      always: form.get(optionFieldName(i, 'always')) === 'on',
    });
  }
  return rows;
}

/** A row with neither option nor value: an "Add option" not filled in, ignored. */
export function isBlankRow(row: OptionRow): boolean {
  return row.option === '' && row.data === '';
}

export function withoutBlankRows(rows: readonly OptionRow[]): OptionRow[] {
  return rows.filter((row) => !isBlankRow(row));
}

/** Whether the row names its option by code (digits) rather than by name. */
export function isCode(option: string): boolean {
  return /^[0-9]+$/.test(option);
}

/** What the browser can tell: a row needs its option and its data; a code is 1-254. */
export function checkOptionRows(rows: readonly OptionRow[]): Partial<Record<OptionErrorKey, string>> {
  const errors: Partial<Record<OptionErrorKey, string>> = {};
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    if (isBlankRow(row)) return;
    if (row.option === '') {
      errors[`option-${i}-option`] = 'Name the option (e.g. domain-name-servers) or give its code (1-254).';
    } else if (isCode(row.option) && (Number(row.option) < 1 || Number(row.option) > 254)) {
      errors[`option-${i}-option`] = `${row.option} is not an option code; codes run from 1 to 254.`;
    } else if (seen.has(row.option)) {
      errors[`option-${i}-option`] =
        `${row.option} is already set in row ${seen.get(row.option)! + 1}; keep one of the two.`;
    } else {
      seen.set(row.option, i);
    }
    if (row.data === '') errors[`option-${i}-data`] = 'Give the value to hand out, e.g. 10.0.0.53.';
  });
  return errors;
}

/** The row as the API's option entry: by code when it is digits (then with its type, if chosen), else by name. */
export function optionEntry(row: OptionRow): {
  name: string;
  code: number;
  type: string;
  data: string;
  always: boolean;
} {
  return isCode(row.option)
    ? { name: '', code: Number(row.option), type: row.type, data: row.data, always: row.always }
    : { name: row.option, code: 0, type: row.type, data: row.data, always: row.always };
}

/** A stored option back as a row: by its name when it has one, else by code with its type. */
export function optionRowOf(option: {
  name: string;
  code: number;
  type: string;
  data: string;
  always: boolean;
}): OptionRow {
  return option.name !== ''
    ? { option: option.name, type: '', data: option.data, always: option.always }
    : { option: String(option.code), type: option.type, data: option.data, always: option.always };
}

const PATH = /^(?:reservation\.)?options\[(\d+)\](?:\.([a-z-]+))?$/;

/**
 * The form key of a daemon path such as "reservation.options[2].data" (null for a path that is
 * not about an option). The row's "Option" field holds both name and code.
 */
export function optionErrorKey(path: string): OptionErrorKey | null {
  const match = PATH.exec(path);
  if (match === null) return null;
  const index = Number(match[1]);
  switch (match[2]) {
    case 'name':
    case 'code':
      return `option-${index}-option`;
    case 'type':
      return `option-${index}-type`;
    case 'data':
      return `option-${index}-data`;
    default:
      return `option-${index}`;
  }
}

/** The daemon's reason as a sentence about the field it is shown at ("is empty; ..." -> "The value is empty; ..."). */
export function optionReason(key: OptionErrorKey, reason: string): string {
  const trimmed = reason.trim();
  let text = trimmed;
  if (key.endsWith('-data')) {
    if (trimmed.startsWith('required')) text = `A value is ${trimmed}`;
    else if (/^(is|has|contains) /.test(trimmed)) text = `The value ${trimmed}`;
    else if (trimmed.startsWith('got ')) text = `The value ${trimmed.replace(/^got /, 'was ')}`;
  } else if (!/-(option|type)$/.test(key) && /^(has|names) /.test(trimmed)) {
    text = `This option ${trimmed}`;
  }
  const capital = text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
