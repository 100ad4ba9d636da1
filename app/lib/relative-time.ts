// "in 59 min", "3 h 5 min ago": how far a time is from now, to the precision an operator reads
// a lease table at. Pure, so the server's first render and the browser's hydration agree when
// both are given the same `now`.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function formatRelative(at: number, now: number): string {
  const delta = at - now;
  const span = Math.abs(delta);
  if (span < 45_000) return delta >= 0 ? 'in a few seconds' : 'just now';
  const text = formatSpan(span);
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

function formatSpan(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / MINUTE));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(ms / HOUR);
  if (hours < 24) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** "2025-11-25 14:30:05 UTC": the exact time, for a tooltip. Fixed zone so server and browser agree. */
export function formatTimestamp(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
