// Durations: whole seconds as a number, or text such as "90s", "30m", "1h", "1d", "1h30m".
import { describeInput, invalid, valid, type Parsed } from './field.ts';

const HINT = 'use seconds or a value like "90s", "30m", "1h", "1d"';

/** DHCP times are 32-bit seconds and all ones means "infinite" (RFC 2132 9.2), so stay below. */
export const MAX_DURATION_SECONDS = 0xfffffffe;

const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;

// Units largest first, each at most once, so "1h30m" reads one way only.
const DURATION_TEXT = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds from a number or duration text; zero and negative durations are rejected. */
export function parseDuration(input: unknown): Parsed<number> {
  if (typeof input === 'number') return checkSeconds(input, String(input));
  if (typeof input !== 'string') {
    if (input === undefined) return invalid(`required; ${HINT}`);
    return invalid(`expected a duration, got ${describeInput(input)}; ${HINT}`);
  }
  if (/^\d+$/.test(input)) return checkSeconds(Number(input), `"${input}"`);
  const match = DURATION_TEXT.exec(input);
  if (input === '' || match === null) return invalid(`"${input}" is not a duration; ${HINT}`);
  const [, weeks, days, hours, minutes, seconds] = match;
  const total =
    Number(weeks ?? 0) * UNIT_SECONDS.w +
    Number(days ?? 0) * UNIT_SECONDS.d +
    Number(hours ?? 0) * UNIT_SECONDS.h +
    Number(minutes ?? 0) * UNIT_SECONDS.m +
    Number(seconds ?? 0) * UNIT_SECONDS.s;
  return checkSeconds(total, `"${input}"`);
}

function checkSeconds(seconds: number, written: string): Parsed<number> {
  if (!Number.isInteger(seconds)) return invalid(`${written} is not a whole number of seconds; ${HINT}`);
  if (seconds <= 0) return invalid(`${written} must be longer than zero; ${HINT}`);
  if (seconds > MAX_DURATION_SECONDS) {
    return invalid(`${written} is too long; the most is ${MAX_DURATION_SECONDS} seconds (about 136 years)`);
  }
  return valid(seconds);
}

/** 5400 -> "1h30m"; used in messages so numbers read as the user wrote them. */
export function formatDuration(seconds: number): string {
  let rest = seconds;
  let text = '';
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text === '' ? '0s' : text;
}
