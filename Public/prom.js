// Prometheus text exposition format (0.0.4) parser and the arithmetic the dashboard needs:
// counter rates across scrapes and quantiles estimated from histogram bucket deltas.
// Pure functions, no DOM; a malformed line is skipped, never thrown on.

/**
 * Parse exposition text into samples `[{name, labels: {k: v}, value}]` (value may be ±Infinity/NaN).
 * `# HELP`/`# TYPE`/comment lines and blank lines are skipped; so is any line that does not parse.
 */
export function parseMetrics(text) {
  const out = [];
  for (const raw of String(text).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const s = parseSampleLine(line);
    if (s) out.push(s);
  }
  return out;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseSampleLine(line) {
  const m = NAME.exec(line);
  if (!m) return null;
  const name = m[0];
  let i = name.length;
  const labels = {};
  if (line[i] === '{') {
    i += 1;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i += 1;
      if (line[i] === '}') { i += 1; break; }
      const lm = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (!lm) return null;
      i += lm[0].length;
      while (line[i] === ' ') i += 1;
      if (line[i] !== '=') return null;
      i += 1;
      while (line[i] === ' ') i += 1;
      if (line[i] !== '"') return null;
      i += 1;
      let v = '';
      for (;;) {
        if (i >= line.length) return null;
        const c = line[i];
        if (c === '\\') {
          const n = line[i + 1];
          v += n === 'n' ? '\n' : n === undefined ? '' : n;
          i += 2;
        } else if (c === '"') { i += 1; break; } else { v += c; i += 1; }
      }
      labels[lm[0]] = v;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  if (!rest[0]) return null;
  const value = parseValue(rest[0]);
  if (value === null) return null;
  return { name, labels, value };
}

/** A sample value: a float, `+Inf`, `-Inf` or `NaN`; null when it is none of those. */
export function parseValue(s) {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return null;
  return Number(s);
}

/** Sum of the samples named `name`, grouped by the value of label `by` ('' when absent). */
export function sumBy(samples, name, by) {
  const out = {};
  for (const s of samples) {
    if (s.name !== name || !Number.isFinite(s.value)) continue;
    const k = by ? (s.labels[by] ?? '') : '';
    out[k] = (out[k] || 0) + s.value;
  }
  return out;
}

/**
 * Per-second rate of a counter between two readings `dtSeconds` apart. A decrease is a counter
 * reset (process restart): the new value is then the increase, as Prometheus' rate() assumes.
 * Null when either reading is missing or dt is not positive.
 */
export function counterRate(prev, cur, dtSeconds) {
  if (!Number.isFinite(prev) || !Number.isFinite(cur) || !(dtSeconds > 0)) return null;
  const inc = cur >= prev ? cur - prev : cur;
  return inc / dtSeconds;
}

/** Cumulative histogram buckets of `base` (`base_bucket{le}` summed over other labels), sorted by le. */
export function histogramBuckets(samples, base) {
  const byLe = new Map();
  for (const s of samples) {
    if (s.name !== `${base}_bucket` || s.labels.le === undefined) continue;
    const le = parseValue(s.labels.le);
    if (le === null || Number.isNaN(le) || !Number.isFinite(s.value)) continue;
    byLe.set(le, (byLe.get(le) || 0) + s.value);
  }
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * Bucket-wise increase between two cumulative bucket lists (same layout expected; buckets missing
 * from `prev` count from zero; a decrease anywhere is treated as a reset and `cur` is returned).
 */
export function bucketDelta(prev, cur) {
  const before = new Map((prev || []).map((b) => [b.le, b.count]));
  const out = cur.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) || 0) }));
  return out.some((b) => b.count < 0) ? cur.map((b) => ({ ...b })) : out;
}

/**
 * Quantile q ∈ [0,1] from cumulative buckets, like PromQL's histogram_quantile: linear
 * interpolation inside the bucket holding the q-th observation, the lowest bucket starting at 0
 * (or at its bound when negative); a rank in the +Inf bucket yields the highest finite bound.
 * Null when there are no observations or no finite bucket.
 */
export function histogramQuantile(q, buckets) {
  if (!buckets.length) return null;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return null;
  const finite = buckets.filter((b) => Number.isFinite(b.le));
  if (!finite.length) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let prevLe = Math.min(0, finite[0].le);
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank && b.count > prevCount) {
      if (!Number.isFinite(b.le)) return finite[finite.length - 1].le;
      return prevLe + (b.le - prevLe) * ((rank - prevCount) / (b.count - prevCount));
    }
    if (Number.isFinite(b.le)) prevLe = b.le;
    prevCount = b.count;
  }
  return finite[finite.length - 1].le;
}
