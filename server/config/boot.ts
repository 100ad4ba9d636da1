// Config fields for DHCP options, client classes and network boot. Option lists are compiled by
// the same function the API uses (dhcp/options), its problems placed under the list's path.
import { z } from 'zod';
import { compileOptionEntries, type CompiledOption } from '../dhcp/options/index.ts';
import { asText, field, integerIn, invalid, valid, type Parsed } from './field.ts';

/** An option list; each entry's problems at its own path (options[2].data). */
export function optionsField() {
  return z
    .unknown()
    .optional()
    .transform((input, ctx): CompiledOption[] => {
      const result = compileOptionEntries(input, '');
      if (result.ok) return result.options;
      for (const error of result.errors) {
        ctx.issues.push({ code: 'custom', message: error.reason, input, path: pathSegments(error.path) });
      }
      return z.NEVER;
    });
}

/** "[2].data" -> [2, "data"]. */
function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)) {
    segments.push(match[1] !== undefined ? Number(match[1]) : match[2]!);
  }
  return segments;
}

/** Printable ASCII without spaces: what TFTP and HTTP loaders take as a file name or URL. */
function bootText(input: unknown, example: string, what: string): Parsed<string> {
  const text = asText(input, example);
  if (!text.ok) return text;
  const value = text.value.trim();
  if (value === '') return invalid(`is empty; name the ${what}, e.g. ${example}`);
  if (!/^[\x21-\x7e]+$/.test(value)) {
    return invalid(`"${text.value}" has spaces or characters beyond printable ASCII; boot loaders take plain ASCII`);
  }
  if (value.length > 255) return invalid(`is ${value.length} characters; at most 255 fit in an option`);
  return valid(value);
}

/** The file field (128 bytes), or option 67 when longer. */
export function parseBootFile(input: unknown): Parsed<string> {
  return bootText(input, 'pxelinux.0', 'boot file');
}

/** The sname field (64 bytes), or option 66 when longer. */
export function parseServerHostname(input: unknown): Parsed<string> {
  return bootText(input, 'tftp.lab.home', 'boot server');
}

/** `*` and `?` globs over what a client sends; the text must not be empty. */
export function parseGlob(input: unknown): Parsed<string> {
  const text = asText(input, '"PXEClient:Arch:00007*"');
  if (!text.ok) return text;
  if (text.value === '') return invalid('is empty; write the text to match, with * for any run of characters');
  if (text.value.length > 255) return invalid('is longer than 255 characters, more than an option holds');
  return valid(text.value);
}

/** "b8:27:eb:*" or a whole MAC; hex pairs, lower-cased, with `*`/`?` allowed. */
export function parseMacPattern(input: unknown): Parsed<string> {
  const text = asText(input, '"b8:27:eb:*"');
  if (!text.ok) return text;
  const value = text.value.trim().toLowerCase().replaceAll('-', ':');
  if (!/^([0-9a-f?*]{1,2}|\*)(:([0-9a-f?*]{1,2}|\*))*$/.test(value) || value.split(':').length > 6) {
    return invalid(`"${text.value}" is not a MAC pattern; write hex pairs with * for the rest, e.g. "b8:27:eb:*"`);
  }
  return valid(value);
}

export function parseClassName(input: unknown): Parsed<string> {
  const text = asText(input, 'pxe-bios');
  if (!text.ok) return text;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(text.value)) {
    return invalid(
      `"${text.value}" is not a class name; use letters, digits, ".", "_" and "-" (at most 63), e.g. pxe-bios`,
    );
  }
  return valid(text.value);
}

/** A match with no key at all is refused before the keys are read (a misspelt key is its own problem). */
export const classMatchSchema = z.preprocess(
  (raw, ctx) => {
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0) {
      ctx.issues.push({
        code: 'custom',
        message:
          'matches nothing in particular; give at least one of vendorClass, userClass, clientArch, mac, hostname',
        input: raw,
      });
    }
    return raw;
  },
  z.strictObject({
    vendorClass: field(parseGlob).optional(),
    userClass: field(parseGlob).optional(),
    clientArch: field(integerIn(0, 65535)).optional(),
    mac: field(parseMacPattern).optional(),
    hostname: field(parseGlob).optional(),
  }),
);
