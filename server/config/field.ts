// The seam between zod and our own field parsers. Each parser is a plain function from what YAML
// produced to a value or a reason a person can act on; zod only places the reason at its path.
import { z } from 'zod';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function valid<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function invalid<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

/** A zod schema that runs `parse` and reports its reason as the issue message. */
export function field<T>(parse: (input: unknown) => Parsed<T>) {
  return z.unknown().transform((input, ctx): T => {
    const result = parse(input);
    if (result.ok) return result.value;
    ctx.issues.push({ code: 'custom', message: result.reason, input });
    return z.NEVER;
  });
}

/** Names the kind of YAML value a user wrote, for "expected X, got Y" reasons. */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'an empty value';
  if (typeof input === 'string') return `"${input}"`;
  if (typeof input === 'number' || typeof input === 'boolean') return `${typeof input} ${String(input)}`;
  if (Array.isArray(input)) return 'a list';
  return 'a mapping';
}

/**
 * Narrows to a string or explains what to write instead. A number where text was expected usually
 * means YAML read it as one (a client-id of only digits, say), so the fix is to quote it.
 */
export function asText(input: unknown, example: string): Parsed<string> {
  if (typeof input === 'string') return valid(input);
  if (input === undefined) return invalid(`required; add it, e.g. ${example}`);
  if (typeof input === 'number') {
    return invalid(`got the number ${input}; write it in quotes as text, e.g. ${example}`);
  }
  return invalid(`expected text such as ${example}, got ${describeInput(input)}`);
}

export function parseBoolean(input: unknown): Parsed<boolean> {
  if (typeof input === 'boolean') return valid(input);
  return invalid(`expected true or false, got ${describeInput(input)}`);
}

/** A parser for whole numbers in [min, max]. */
export function integerIn(min: number, max: number): (input: unknown) => Parsed<number> {
  return (input) => {
    if (typeof input !== 'number' || !Number.isInteger(input)) {
      return invalid(`expected a whole number ${min}-${max}, got ${describeInput(input)}`);
    }
    if (input < min || input > max) return invalid(`${input} is outside ${min}-${max}; pick a number in that range`);
    return valid(input);
  };
}

/** A parser for numbers (fractions allowed) in [min, max]. */
export function numberIn(min: number, max: number): (input: unknown) => Parsed<number> {
  return (input) => {
    if (typeof input !== 'number' || !Number.isFinite(input)) {
      return invalid(`expected a number ${min}-${max}, got ${describeInput(input)}`);
    }
    if (input < min || input > max) return invalid(`${input} is outside ${min}-${max}; pick a number in that range`);
    return valid(input);
  };
}

/** A parser for one of a fixed set of words. */
export function oneOf<const T extends string>(choices: readonly T[]): (input: unknown) => Parsed<T> {
  return (input) => {
    const match = choices.find((choice) => choice === input);
    if (match !== undefined) return valid(match);
    return invalid(`${describeInput(input)} is not one of: ${choices.join(', ')}; use one of those`);
  };
}
