// "Did you mean" for unknown keys: a near miss ("pool" for "pools", "leasetime" for "leaseTime",
// "dns" for "dnsServers") gets the key the user most likely meant.

/** The known key closest to `written`, or null when none is close enough to be a typo. */
export function closestKey(written: string, known: readonly string[]): string | null {
  const lower = written.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const key of known) {
    const distance = editDistance(lower, key.toLowerCase());
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(written.length / 3));
  if (best !== null && bestDistance <= allowed) return best;
  // An abbreviation of a longer key: "dns" -> "dnsServers".
  if (lower.length >= 3) return known.find((key) => key.toLowerCase().startsWith(lower)) ?? null;
  return null;
}

/** Levenshtein distance: insertions, deletions and substitutions each cost one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
