// Unit tests of the pages' pure modules (Prometheus parsing and quantiles, top-list diffs,
// notification texts, token decoding, chart ticks). `runAll()` works in a browser
// (selftest.html) and in node; each test names the behaviour it asserts.

import { boardPath, decodeToken, query } from './common.js';
import { niceTicks, timeStep } from './chart.js';
import { toastFor } from './notify.js';
import { bucketDelta, counterRate, histogramBuckets, histogramQuantile, parseMetrics, sumBy } from './prom.js';
import { applyDiff, fromSnapshot } from './toplist.js';

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function eq(actual, expected, what = '') {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}expected ${e}, got ${a}`);
}
function near(actual, expected, eps, what = '') {
  if (!(Math.abs(actual - expected) <= eps)) throw new Error(`${what}expected ≈${expected}, got ${actual}`);
}

const METRICS = `# HELP overtake_connections Open connections.
# TYPE overtake_connections gauge
overtake_connections{kind="websocket"} 12
overtake_connections{kind="sse"} 3
overtake_connections{kind="http" , } 1e1
overtake_ingest_events_total{result="accepted",board="a"} 100 1700000000000
overtake_ingest_events_total{result="accepted",board="b"} 50
weird{msg="say \\"hi\\"\\nthere \\\\o/"} +Inf
not a sample line
overtake_queue_bytes 4096
`;

test('parsesLabelsEscapesTimestampsAndSkipsGarbage', () => {
  const s = parseMetrics(METRICS);
  eq(s.length, 7, 'sample count: ');
  eq(s[2].labels, { kind: 'http' });
  eq(s[2].value, 10);
  eq(s[3].value, 100, 'timestamp ignored: ');
  eq(s[5].labels.msg, 'say "hi"\nthere \\o/');
  eq(s[5].value, Infinity);
});

test('sumsByLabelAcrossOtherLabels', () => {
  const s = parseMetrics(METRICS);
  eq(sumBy(s, 'overtake_ingest_events_total', 'result'), { accepted: 150 });
  eq(sumBy(s, 'overtake_connections', 'kind'), { websocket: 12, sse: 3, http: 10 });
  eq(sumBy(s, 'overtake_queue_bytes', null), { '': 4096 });
});

test('counterRateTreatsDecreaseAsReset', () => {
  eq(counterRate(100, 160, 2), 30);
  eq(counterRate(100, 10, 2), 5);
  eq(counterRate(undefined, 10, 2), null);
  eq(counterRate(1, 2, 0), null);
});

const hist = (pairs) => pairs.map(([le, c]) => `lat_bucket{le="${le}"} ${c}`).join('\n');

test('quantileInterpolatesInsideTheBucket', () => {
  // 100 observations: 50 ≤ 1 ms, 90 ≤ 5 ms, 100 ≤ 10 ms.
  const b = histogramBuckets(parseMetrics(hist([['0.001', 50], ['0.005', 90], ['0.01', 100], ['+Inf', 100]])), 'lat');
  near(histogramQuantile(0.5, b), 0.001, 1e-12, 'p50: ');
  near(histogramQuantile(0.7, b), 0.003, 1e-12, 'p70: ');
  near(histogramQuantile(0.99, b), 0.0095, 1e-12, 'p99: ');
  near(histogramQuantile(0.25, b), 0.0005, 1e-12, 'p25 from zero: ');
});

test('quantileInInfBucketIsHighestFiniteBound', () => {
  const b = histogramBuckets(parseMetrics(hist([['0.1', 1], ['1', 2], ['+Inf', 10]])), 'lat');
  eq(histogramQuantile(0.99, b), 1);
});

test('quantileOfEmptyHistogramIsNull', () => {
  eq(histogramQuantile(0.5, []), null);
  eq(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: Infinity, count: 0 }]), null);
});

test('bucketDeltaUsesOnlyTheLastInterval', () => {
  const before = [{ le: 0.001, count: 1000 }, { le: 0.01, count: 1000 }, { le: Infinity, count: 1000 }];
  const after = [{ le: 0.001, count: 1000 }, { le: 0.01, count: 1010 }, { le: Infinity, count: 1010 }];
  const d = bucketDelta(before, after);
  eq(d.map((x) => x.count), [0, 10, 10]);
  near(histogramQuantile(0.5, d), 0.0055, 1e-12, 'p50 of the interval: ');
  eq(bucketDelta(after, before).map((x) => x.count), [1000, 1000, 1000], 'reset: ');
});

const top = (...names) => names.map((p, i) => ({ rank: i + 1, player: p, score: 100 - i }));
const order = (r) => r.entries.map((e) => `${e.rank}:${e.player}`).join(' ');

test('diffWithExplicitShiftsIsApplied', () => {
  const r = applyDiff(fromSnapshot(top('a', 'b', 'c')), {
    entered: [{ player: 'x', rank: 2, score: 99 }], moved: [{ player: 'b', rank: 3, from: 2, score: 99 },
      { player: 'c', rank: 4, from: 3, score: 98 }], left: [],
  });
  eq(order(r), '1:a 2:x 3:b 4:c');
  eq(r.consistent, true);
  eq(r.changes.get('x').kind, 'entered');
  eq(r.changes.get('b'), { kind: 'moved', from: 2, to: 3 });
});

test('diffListingOnlyTheMoverShiftsTheOthers', () => {
  const r = applyDiff(fromSnapshot(top('a', 'b', 'c', 'd')), { entered: [], moved: [{ player: 'd', rank: 1, from: 4, score: 200 }], left: [] });
  eq(order(r), '1:d 2:a 3:b 4:c');
  eq(r.changes.get('a'), { kind: 'moved', from: 1, to: 2 });
  eq(r.entries[0].score, 200);
});

test('diffDropsLeaversAndTruncatesToDepth', () => {
  const r = applyDiff(fromSnapshot(top('a', 'b', 'c')), { entered: [{ player: 'x', rank: 1, score: 500 }], moved: [], left: [{ player: 'c', from: 3 }] }, 3);
  eq(order(r), '1:x 2:a 3:b');
  eq(r.changes.get('c'), { kind: 'left', from: 3, to: null });
  const r2 = applyDiff(fromSnapshot(top('a', 'b', 'c')), { entered: [{ player: 'x', rank: 1, score: 500 }] }, 3);
  eq(order(r2), '1:x 2:a 3:b', 'implicit exit past depth: ');
  eq(r2.changes.get('c').kind, 'left');
});

test('diffWithHoleIsFlaggedInconsistent', () => {
  const r = applyDiff(fromSnapshot(top('a')), { entered: [{ player: 'z', rank: 5, score: 1 }] });
  eq(order(r), '1:a 5:z');
  eq(r.consistent, false);
});

test('snapshotIgnoresDuplicatesAndSortsByRank', () => {
  eq(fromSnapshot([{ rank: 2, player: 'b', score: 1 }, { rank: 1, player: 'a', score: 2 }, { rank: 3, player: 'a', score: 0 }])
    .map((e) => e.player), ['a', 'b']);
});

test('overtakenTextsNameTheOvertakerAndOthers', () => {
  eq(toastFor({ type: 'overtaken', scope: 'global', rank: 12, by: 'bob', count: 1 }).text, 'You were overtaken by bob (now #12)');
  eq(toastFor({ type: 'overtaken', scope: 'global', rank: 12, by: 'bob', count: 3 }).text, 'You were overtaken by bob and 2 others (now #12)');
  eq(toastFor({ type: 'overtaken', scope: 'global', rank: 4, by: 'eve', count: 2 }).text, 'You were overtaken by eve and 1 other (now #4)');
  const f = toastFor({ type: 'overtaken', scope: 'friends', rank: 2, by: 'dan', count: 1 });
  eq([f.text, f.friend], ['You were overtaken by your friend dan (now #2 among friends)', true]);
});

test('rankAndTopTexts', () => {
  eq(toastFor({ type: 'rank', scope: 'global', old_rank: 12, new_rank: 9 }).text, '▲ 3 → #9');
  eq(toastFor({ type: 'rank', scope: 'global', old_rank: 9, new_rank: 11 }).text, '▼ 2 → #11');
  eq(toastFor({ type: 'rank', scope: 'global', old_rank: 0, new_rank: 40 }).text, 'You are ranked #40');
  eq(toastFor({ type: 'rank', scope: 'global', old_rank: 5, new_rank: 5 }), null);
  eq(toastFor({ type: 'top_entry', scope: 'global', rank: 87, depth: 100 }).text, 'You entered the top 100!');
  eq(toastFor({ type: 'top_exit', scope: 'global', rank: 101 }, 100).text, 'You left the top 100 (now #101)');
});

test('decodesPlayerAndExpiryFromToken', () => {
  eq(decodeToken('v1.Ym9i.1795392000.AbC-_'), { player: 'bob', expiresMs: 1795392000000 });
  eq(decodeToken('v1.w6lsw6hu.1795392000000.x'), { player: 'élèn', expiresMs: 1795392000000 });
  eq(decodeToken('v1.YW5u.soon.x'), { player: 'ann', expiresMs: null });
  eq(decodeToken('v2.Ym9i.1.x'), null);
  eq(decodeToken('v1.!!.1.x'), null);
  eq(decodeToken('v1.Ym9i.1'), null);
});

test('buildsEncodedPathsAndQueries', () => {
  eq(boardPath('a b', 'daily', 'players', 'x/y'), '/v1/boards/a%20b/daily/players/x%2Fy');
  eq(query({ scope: 'global', region: '', token: null, around: 5 }), '?scope=global&around=5');
  eq(query({}), '');
});

test('niceTicksCoverTheMaximum', () => {
  eq(niceTicks(0).ticks, [0, 0.25, 0.5, 0.75, 1]);
  eq(niceTicks(7).ticks, [0, 2, 4, 6, 8]);
  eq(niceTicks(1234).top, 1500);
});

test('timeAxisStepsAreRoundDurations', () => {
  eq(timeStep(300, 6), 60);
  eq(timeStep(300, 3), 120);
  eq(timeStep(120, 6), 30);
  eq(timeStep(60, 12), 5);
});

/** Run every test; returns [{name, ok, error}]. */
export function runAll() {
  return tests.map(({ name, fn }) => {
    try { fn(); return { name, ok: true }; } catch (e) { return { name, ok: false, error: String(e && e.message || e) }; }
  });
}
