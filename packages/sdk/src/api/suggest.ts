/**
 * "Did you mean People?": the names closest to one that a server did not know. Distance is the
 * optimal-string-alignment edit distance (insert, delete, substitute, swap two neighbours), on
 * lower-case text, so `peple`, `Poeple` and `PEOPLE` all find `People`.
 */

/** Edits (insert, delete, substitute, swap of two neighbours) that turn `a` into `b`. @public */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rows: two back (for swaps), the previous and the current one.
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/**
 * The `candidates` close enough to `name` to be what was meant, best first, at most `limit`
 * (default 3): a different case, one within about a third of the name's length in edits, or a
 * name that contains the other; of those, the closest and any one edit further. Empty when
 * nothing is close.
 * @public
 */
export function closestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const want = name.toLowerCase();
  if (want === '') return [];
  const scored: { name: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c)) continue;
    seen.add(c);
    const have = c.toLowerCase();
    let score: number;
    if (have === want) score = 0;
    else {
      const d = editDistance(want, have);
      const allowed = Math.max(1, Math.floor(Math.max(want.length, have.length) / 3));
      if (d <= allowed) score = d;
      else if (want.length >= 3 && (have.startsWith(want) || have.includes(want) || want.includes(have))) score = allowed + 1;
      else continue;
    }
    scored.push({ name: c, score });
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  // Only the best and the nearly best: one typo away from `selectRows` is not also `deleteRows`.
  const best = scored[0]?.score ?? 0;
  return scored
    .filter((s) => s.score <= best + 1)
    .slice(0, limit)
    .map((s) => s.name);
}

/** `Did you mean People?` / `Did you mean People or Peoples?`, or undefined for no names. */
export function didYouMean(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return `Did you mean ${list}?`;
}
