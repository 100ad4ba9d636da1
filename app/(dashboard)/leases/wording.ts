// The words and numbers the Leases page prints: counts with their plurals, and the "expires in"
// countdown. Pure, and fixed to one locale, so the server's HTML and the browser's first render
// agree to the character.

const NUMBER = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return NUMBER.format(n);
}

/** "1 lease", "0 leases", "49,760 leases". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "5 leases" when all are shown, "2 of 5 leases" when a filter hides some. */
export function shownCount(shown: number, total: number): string {
  return shown === total ? plural(total, 'lease') : `${formatCount(shown)} of ${plural(total, 'lease')}`;
}

/**
 * How long until `at`, to the second while it is under an hour ("59:07", "0:05"), then in hours
 * and minutes ("3 h 12 min") or days ("2 d 4 h"); null once it has passed.
 */
export function countdown(at: number, now: number): string | null {
  const seconds = Math.floor((at - now) / 1000);
  if (seconds < 0) return null;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 24 * 60) {
    const m = minutes % 60;
    return m === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${m} min`;
  }
  const hours = Math.floor(minutes / 60);
  return hours % 24 === 0 ? `${Math.floor(hours / 24)} d` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
