// Option entries as written (YAML config or API) -> CompiledOption[], or every problem found, as
// `path: reason`. The one validation both the config and ReservationService use.
import { closestKey } from '../../config/suggest.ts';
import { dnsNameFault } from '../../config/names.ts';
import { definitionByCode, definitionByName, managedReason, NAME_ALIASES, OPTION_NAMES } from './catalogue.ts';
import { decodeOptionData, example, parseOptionData } from './data.ts';
import {
  OPTION_TYPES,
  type CompileResult,
  type CompiledOption,
  type OptionProblem,
  type OptionType,
  type PlainOption,
} from './types.ts';

/** Keys of one entry; the hyphenated ones are Kea's spellings, accepted so entries paste as they are. */
const ENTRY_KEYS = [
  'name',
  'code',
  'type',
  'data',
  'always',
  'always-send',
  'csv-format',
  'space',
  'never-send',
] as const;

export function compileOptionEntries(entries: unknown, path: string): CompileResult {
  if (entries === undefined || entries === null) return { ok: true, options: [] };
  if (!Array.isArray(entries)) {
    return fail([
      { path, reason: 'expected a list of options, e.g. [{ name: domain-name-servers, data: "10.0.0.53" }]' },
    ]);
  }
  const errors: OptionProblem[] = [];
  const options: CompiledOption[] = [];
  const seen = new Map<number, string>();
  entries.forEach((entry, index) => {
    const at = `${path}[${index}]`;
    const result = compileEntry(entry, at);
    if ('problems' in result) {
      errors.push(...result.problems);
      return;
    }
    const first = seen.get(result.code);
    if (first !== undefined) {
      errors.push({ path: at, reason: `${label(result)} is already set at ${first}; keep one of them` });
      return;
    }
    seen.set(result.code, at);
    options.push(result);
  });
  return errors.length > 0 ? fail(errors) : { ok: true, options: options.sort((a, b) => a.code - b.code) };
}

function fail(errors: OptionProblem[]): CompileResult {
  return { ok: false, errors };
}

export function label(option: { code: number; name: string | null }): string {
  return option.name === null ? `option ${option.code}` : `option ${option.code} (${option.name})`;
}

function compileEntry(entry: unknown, at: string): CompiledOption | { problems: OptionProblem[] } {
  const problems: OptionProblem[] = [];
  const problem = (key: string | null, reason: string) =>
    problems.push({ path: key === null ? at : `${at}.${key}`, reason });
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problem(
      null,
      'expected a mapping such as { name: domain-name-servers, data: "10.0.0.53" } or { code: 252, type: string, data: "..." }',
    );
    return { problems };
  }
  const fields = entry as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if ((ENTRY_KEYS as readonly string[]).includes(key)) continue;
    const suggestion = closestKey(key, ENTRY_KEYS);
    problem(
      key,
      suggestion === null
        ? `unknown key; the keys allowed here are: name, code, type, data, always`
        : `unknown key (did you mean "${suggestion}"?)`,
    );
  }
  if (fields.space !== undefined && fields.space !== 'dhcp4') {
    problem('space', `only the dhcp4 option space is served; remove space or write dhcp4`);
  }
  if (fields['never-send'] !== undefined && fields['never-send'] !== false) {
    problem('never-send', 'never-send is not supported; remove the entry to stop sending the option');
  }
  const always = flag(fields, 'always', problem) || flag(fields, 'always-send', problem);
  const hexData =
    fields['csv-format'] === undefined ? false : !flagValue(fields['csv-format'], 'csv-format', problem, true);

  // Which option: by name, by code, or both (then they must agree).
  let code: number | null = null;
  let name: string | null = null;
  let definedType: OptionType | null = null;
  if (fields.name !== undefined) {
    if (typeof fields.name !== 'string') {
      problem('name', `expected an option name such as domain-name-servers, got ${describe(fields.name)}`);
    } else {
      const definition = definitionByName(fields.name.trim().toLowerCase());
      if (definition === undefined) {
        problem('name', unknownName(fields.name));
      } else {
        ({ code, name, type: definedType } = definition);
      }
    }
  }
  if (fields.code !== undefined) {
    const written = fields.code;
    if (typeof written !== 'number' || !Number.isInteger(written) || written < 1 || written > 254) {
      problem('code', `expected an option code 1-254, got ${describe(written)}`);
    } else if (code !== null && written !== code) {
      problem('code', `${written} is not the code of ${name} (${code}); drop code or name`);
    } else if (managedReason(written) !== null) {
      problem('code', `option ${written} cannot be configured: ${managedReason(written)}`);
    } else if (code === null && fields.name === undefined) {
      code = written;
      const definition = definitionByCode(written);
      if (definition !== undefined) ({ name, type: definedType } = definition);
    }
  }
  if (fields.name === undefined && fields.code === undefined) {
    problem(
      null,
      'names no option; give name (e.g. domain-name-servers) or code and type (e.g. code: 252, type: string)',
    );
  }

  let type: OptionType | null = definedType;
  if (fields.type !== undefined) {
    const written = OPTION_TYPES.find((t) => t === fields.type);
    if (written === undefined) {
      problem('type', `${describe(fields.type)} is not one of: ${OPTION_TYPES.join(', ')}; use one of those`);
    } else if (definedType !== null && written !== definedType) {
      problem(
        'type',
        `${name} (option ${code}) is of type ${definedType}, not ${written}; drop type or write ${definedType}`,
      );
    } else {
      type = written;
    }
  } else if (code !== null && definedType === null) {
    problem('type', `option ${code} has no name here, so its type is needed: one of ${OPTION_TYPES.join(', ')}`);
  }

  if (!('data' in fields)) {
    const hint = type === null ? '' : ` such as ${example(hexData ? 'hex' : type)}`;
    problem(null, `has no data; add data: with the option's value${hint}`);
  }
  if (problems.length > 0 || code === null || type === null) return { problems };

  const parsed = parseOptionData(hexData ? 'hex' : type, fields.data);
  if (!parsed.ok) {
    problem('data', parsed.reason);
    return { problems };
  }
  let text = parsed.text;
  if (hexData && type !== 'hex') {
    // csv-format: false (Kea): the value is given as raw bytes; they must still be a valid `type`.
    const decoded = decodeOptionData(type, parsed.bytes);
    if (!decoded.ok) {
      problem('data', `the hex bytes are not a valid ${type} value for ${label({ code, name })}: ${decoded.reason}`);
      return { problems };
    }
    text = decoded.text;
  }
  const option: CompiledOption = { code, name, type, data: text, always, bytes: parsed.bytes };
  const fault = checkMeaning(option);
  if (fault !== null) {
    problem('data', fault);
    return { problems };
  }
  return option;
}

/** Rules beyond the type, from the RFC defining the option. */
function checkMeaning(option: CompiledOption): string | null {
  switch (option.code) {
    case 15: {
      const fault = dnsNameFault(option.data.endsWith('.') ? option.data.slice(0, -1) : option.data);
      return fault === null ? null : `"${option.data}" is not a domain name: ${fault}`;
    }
    case 21:
    case 33:
      return (option.bytes.length / 4) % 2 === 0
        ? null
        : `${label(option)} takes pairs of addresses (destination, router); give an even number`;
    case 26:
      return Number(option.data) >= 68 ? null : `${option.data} is below 68, the smallest MTU IPv4 allows (RFC 791)`;
    default:
      return null;
  }
}

function unknownName(written: string): string {
  const lower = written.trim().toLowerCase();
  const alias = NAME_ALIASES.get(lower);
  const suggestion = alias ?? closestKey(lower, OPTION_NAMES);
  const base = `"${written}" is not an option name known here`;
  if (suggestion !== null) return `${base} (did you mean "${suggestion}"?)`;
  return `${base}; use a Kea option name such as domain-name-servers, or code and type for an unnamed option`;
}

function flag(fields: Record<string, unknown>, key: string, problem: (key: string, reason: string) => void): boolean {
  return fields[key] === undefined ? false : flagValue(fields[key], key, problem, false);
}

function flagValue(
  value: unknown,
  key: string,
  problem: (key: string, reason: string) => void,
  fallback: boolean,
): boolean {
  if (typeof value === 'boolean') return value;
  problem(key, `expected true or false, got ${describe(value)}`);
  return fallback;
}

function describe(input: unknown): string {
  if (input === null) return 'an empty value';
  if (typeof input === 'string') return `"${input}"`;
  if (typeof input === 'number' || typeof input === 'boolean') return `${typeof input} ${String(input)}`;
  if (Array.isArray(input)) return 'a list';
  return 'a mapping';
}

export function plainOption(option: PlainOption): PlainOption {
  return { code: option.code, name: option.name, type: option.type, data: option.data, always: option.always };
}

/**
 * Options stored or sent in their plain form, compiled again (a stored reservation at start, or
 * one just changed). They were checked when written, so a problem here is a fault in the store.
 */
export function compilePlainOptions(options: readonly PlainOption[], path: string): CompiledOption[] {
  const result = compileOptionEntries(
    options.map((o) => ({ code: o.code, type: o.type, data: o.data, always: o.always })),
    path,
  );
  if (!result.ok)
    throw new Error(
      `${path}: stored options do not compile: ${result.errors.map((e) => `${e.path}: ${e.reason}`).join('; ')}`,
    );
  return result.options;
}
