// Top-K list model for spectators: builds the ordered list from a `snapshot` and applies `board`
// diffs. Pure functions over plain objects (no DOM), so they are unit-tested in selftest.js.
// Invariant: a returned list is sorted by rank ascending, one entry per player, ranks ≤ depth.

/** Entries `[{player, rank, score}]` from a snapshot's `top`, sorted by rank (1-based). */
export function fromSnapshot(top) {
  const seen = new Set();
  const out = [];
  for (const e of Array.isArray(top) ? top : []) {
    if (!e || typeof e.player !== 'string' || seen.has(e.player)) continue;
    seen.add(e.player);
    out.push({ player: e.player, rank: Number(e.rank), score: Number(e.score) });
  }
  return out.sort((a, b) => a.rank - b.rank);
}

/**
 * Apply a `board` diff to `entries` (as returned by fromSnapshot/applyDiff).
 * Players named in `entered`/`moved` take the rank the server gave; every other remaining
 * player keeps its relative order and fills the free ranks from the top, so the result is right
 * whether the server lists the rows merely shifted by an insertion or only the real movers.
 * Returns {entries, changes, consistent}: `changes` maps player → {kind: 'entered'|'moved'|'left',
 * from, to} for every player whose rank changed (kind 'moved' includes implicit shifts);
 * `consistent` is false when the diff left holes or collisions (the view then still renders).
 * O(n log n) in the list length.
 */
export function applyDiff(entries, diff, depth = Infinity) {
  const prev = new Map(entries.map((e) => [e.player, e]));
  const gone = new Set();
  for (const l of list(diff.left)) if (l && typeof l.player === 'string') gone.add(l.player);
  const placed = new Map();
  for (const m of list(diff.moved)) {
    if (!m || typeof m.player !== 'string') continue;
    const old = prev.get(m.player);
    placed.set(m.player, { player: m.player, rank: Number(m.rank),
      score: m.score !== undefined ? Number(m.score) : old ? old.score : NaN });
  }
  for (const e of list(diff.entered)) {
    if (!e || typeof e.player !== 'string') continue;
    placed.set(e.player, { player: e.player, rank: Number(e.rank), score: Number(e.score) });
  }
  for (const p of placed.keys()) gone.delete(p);

  const rest = entries.filter((e) => !placed.has(e.player) && !gone.has(e.player));
  const fixed = [...placed.values()].filter((e) => Number.isInteger(e.rank) && e.rank >= 1)
    .sort((a, b) => a.rank - b.rank);
  let consistent = fixed.length === placed.size;

  const out = [];
  let next = 1;
  let fi = 0;
  let ri = 0;
  while (fi < fixed.length || ri < rest.length) {
    if (fi < fixed.length && fixed[fi].rank <= next) {
      if (fixed[fi].rank < next) consistent = false; // two players claimed one rank
      out.push({ ...fixed[fi], rank: Math.max(fixed[fi].rank, next) });
      fi += 1;
    } else if (ri < rest.length) {
      out.push({ ...rest[ri], rank: next });
      ri += 1;
    } else {
      consistent = false; // a hole: the server placed someone below our last known row
      out.push({ ...fixed[fi] });
      next = fixed[fi].rank;
      fi += 1;
    }
    next += 1;
  }

  const kept = out.filter((e) => e.rank <= depth);
  return { entries: kept, changes: changesBetween(entries, kept), consistent };
}

/**
 * Rank changes from list `prev` to list `next`: player → {kind: 'entered'|'moved'|'left', from, to}
 * (from/to are ranks, null on the side where the player is absent). Unchanged players are absent.
 */
export function changesBetween(prev, next) {
  const before = new Map(prev.map((e) => [e.player, e]));
  const changes = new Map();
  for (const e of next) {
    const old = before.get(e.player);
    if (!old) changes.set(e.player, { kind: 'entered', from: null, to: e.rank });
    else if (old.rank !== e.rank) changes.set(e.player, { kind: 'moved', from: old.rank, to: e.rank });
  }
  const names = new Set(next.map((e) => e.player));
  for (const e of prev) {
    if (!names.has(e.player)) changes.set(e.player, { kind: 'left', from: e.rank, to: null });
  }
  return changes;
}

function list(x) { return Array.isArray(x) ? x : []; }
