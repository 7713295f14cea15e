/**
 * "Did you mean …?" for names a user typed: a misspelled api.conf section or
 * key, an unknown command-line option. Pure.
 */

/**
 * The candidate closest to `name` (case-insensitive edit distance, a swap of
 * two neighbours counting as one edit), or undefined when none is close
 * enough to be a plausible typo: at most a third of the candidate's length,
 * and at least one edit.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const typed = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(typed, candidate.toLowerCase());
    if (d < bestDistance && d <= Math.max(1, Math.floor(candidate.length / 3))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[i].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}
