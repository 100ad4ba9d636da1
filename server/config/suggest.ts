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

/**
 * Edit distance where an insertion, deletion, substitution or swap of two neighbours each costs
 * one (optimal string alignment), so "dhpc" is one step from "dhcp".
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
