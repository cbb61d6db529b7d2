// Dashboard page (dashboard.html): polls /metrics, turns each scrape into one sample per series
// (gauges as read, counters as per-second rates, latency quantiles from bucket deltas) and keeps
// the last five minutes. Invariant: one request in flight at a time; samples are time-ordered.

import { formatClock, setStatus } from './common.js';
import { LineChart, dashFor } from './chart.js';
import { bucketDelta, counterRate, histogramBuckets, histogramQuantile, parseMetrics, sumBy } from './prom.js';

const params = new URLSearchParams(location.search);
const SPAN_MS = Math.min(3600, Math.max(30, Number(params.get('span')) || 300)) * 1000;
const INTERVAL_MS = Math.min(60000, Math.max(500, Number(params.get('interval')) || 2000));
// Okabe–Ito colours: distinguishable with common colour-vision deficiencies, readable on both themes.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#999999'];

const fmtNum = (v) => (v >= 100 ? String(Math.round(v)) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : String(Number(v.toFixed(2))));
const fmtRate = (v) => `${fmtNum(v)}/s`;
const fmtBytes = (v) => {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${fmtNum(v)} ${units[i]}`;
};
const bytesUnit = (max) => (max >= 1024 ** 3 ? 1024 ** 3 : max >= 1024 ** 2 ? 1024 ** 2 : max >= 1024 ? 1024 : 1);
const fmtMs = (v) => `${fmtNum(v)} ms`;

/**
 * Chart definitions. `sample(cur, prev, dt)` returns {seriesName: value|null} for one scrape, or null
 * when this scrape cannot give a sample (a rate's first scrape);
 * `order` fixes the first series' order (others follow as they appear).
 */
const CHARTS = [
  { id: 'connections', title: 'Connections by kind', format: fmtNum, order: ['websocket', 'sse', 'http'],
    sample: (cur) => sumBy(cur, 'overtake_connections', 'kind') },
  { id: 'ingest', title: 'Ingest events / s', format: fmtRate, order: ['accepted', 'rejected', 'duplicate'],
    sample: (cur, prev, dt) => rates(cur, prev, dt, 'overtake_ingest_events_total', 'result') },
  { id: 'notifications', title: 'Notifications / s by priority', format: fmtRate, order: ['p0', 'p1', 'p2', 'p3'],
    sample: (cur, prev, dt) => rates(cur, prev, dt, 'overtake_notifications_sent_total', 'priority') },
  { id: 'queue', title: 'Bytes queued to clients', format: fmtBytes, order: ['queued'], tickUnit: bytesUnit,
    sample: (cur) => renameAll(sumBy(cur, 'overtake_queue_bytes', null), 'queued') },
  { id: 'disconnects', title: 'Disconnects / s by reason', format: fmtRate, order: ['slow_consumer'],
    sample: (cur, prev, dt) => rates(cur, prev, dt, 'overtake_disconnects_total', 'reason') },
  { id: 'latency', title: 'Notification latency (ms)', format: fmtMs, order: ['p50', 'p99'],
    sample: latency },
];

function rates(cur, prev, dt, name, by) {
  if (!prev) return null;
  const a = sumBy(prev, name, by);
  const b = sumBy(cur, name, by);
  const out = {};
  for (const k of Object.keys(b)) out[k] = counterRate(a[k] ?? 0, b[k], dt);
  return out;
}

function renameAll(sums, name) {
  const vals = Object.values(sums);
  return vals.length ? { [name]: vals.reduce((x, y) => x + y, 0) } : {};
}

function latency(cur, prev) {
  if (!prev) return null;
  const base = 'overtake_notification_latency_seconds';
  const now = histogramBuckets(cur, base);
  if (!now.length) return {};
  const delta = bucketDelta(histogramBuckets(prev, base), now);
  const toMs = (v) => (v === null ? null : v * 1000);
  return { p50: toMs(histogramQuantile(0.5, delta)), p99: toMs(histogramQuantile(0.99, delta)) };
}

// ---------- state and DOM ----------

/** Per chart: its own sample times (Unix ms, ascending) and series name → values (null = gap). */
const views = new Map();
let prevSamples = null;
let prevAt = 0;

function buildCharts() {
  const root = document.getElementById('charts');
  for (const def of CHARTS) {
    const fig = document.createElement('figure');
    fig.className = 'panel';
    fig.setAttribute('aria-labelledby', `title-${def.id}`);
    const cap = document.createElement('figcaption');
    const h = document.createElement('h2');
    h.id = `title-${def.id}`;
    h.textContent = def.title;
    cap.append(h);
    const canvas = document.createElement('canvas');
    canvas.className = 'chart';
    canvas.id = `chart-${def.id}`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${def.title}: no data yet`);
    const legend = document.createElement('ul');
    legend.className = 'legend';
    legend.id = `legend-${def.id}`;
    legend.setAttribute('aria-label', `${def.title}, current values`);
    fig.append(cap, canvas, legend);
    root.append(fig);
    views.set(def.id, {
      def, canvas, legend, times: [], series: new Map(),
      chart: new LineChart(canvas, { format: def.format, spanMs: SPAN_MS, tickUnit: def.tickUnit }),
    });
  }
}

/** Append one scrape to every chart (a chart whose sample is null, e.g. a rate's first scrape, skips it). */
function record(at, cur, prev, dt) {
  for (const view of views.values()) {
    const sample = view.def.sample(cur, prev, dt);
    if (!sample) continue;
    view.times.push(at);
    for (const name of Object.keys(sample)) {
      if (!view.series.has(name)) view.series.set(name, new Array(view.times.length - 1).fill(null));
    }
    for (const [name, values] of view.series) {
      const v = sample[name];
      values.push(Number.isFinite(v) ? v : null);
    }
    // Forget what scrolled out of the window, keeping one older point so lines enter from the edge.
    let drop = 0;
    while (drop < view.times.length - 1 && view.times[drop + 1] < at - SPAN_MS) drop += 1;
    if (drop) {
      view.times.splice(0, drop);
      for (const values of view.series.values()) values.splice(0, drop);
    }
  }
}

function drawAll(now = Date.now()) {
  for (const view of views.values()) {
    const { def } = view;
    const rank = (n) => { const i = def.order.indexOf(n); return i < 0 ? def.order.length : i; };
    const series = [...view.series].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]))
      .map(([name, values], i) => ({ name, color: PALETTE[i % PALETTE.length], values }));
    view.chart.draw(view.times, series, now);
    renderLegend(def, view.legend, series);
    const summary = series.map((s) => `${s.name} ${formatLast(def, s.values)}`).join(', ');
    view.canvas.setAttribute('aria-label', `${def.title}, last ${spanText()}${summary ? `; now: ${summary}` : ': no data yet'}`);
  }
}

function spanText() {
  return SPAN_MS % 60000 === 0 ? `${SPAN_MS / 60000} minute${SPAN_MS === 60000 ? '' : 's'}` : `${SPAN_MS / 1000} seconds`;
}

function formatLast(def, values) {
  for (let i = values.length - 1; i >= 0; i -= 1) if (Number.isFinite(values[i])) return def.format(values[i]);
  return '—';
}

function renderLegend(def, legend, series) {
  legend.replaceChildren(...series.map((s, i) => {
    const li = document.createElement('li');
    li.dataset.series = s.name;
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.setAttribute('aria-hidden', 'true');
    sw.style.borderTopColor = s.color;
    const dash = dashFor(i);
    if (dash.length) sw.style.borderTopStyle = dash[0] <= 2 ? 'dotted' : 'dashed';
    const name = document.createElement('span');
    name.textContent = s.name;
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = formatLast(def, s.values);
    li.append(sw, name, value);
    return li;
  }));
  if (!series.length) {
    const li = document.createElement('li');
    li.textContent = 'no data yet';
    legend.append(li);
  }
}

// ---------- polling ----------

async function scrape() {
  const started = Date.now();
  try {
    const res = await fetch('/metrics', { cache: 'no-store', headers: { Accept: 'text/plain' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    const at = Date.now();
    const cur = parseMetrics(text);
    record(at, cur, prevSamples, prevSamples ? (at - prevAt) / 1000 : 0);
    prevSamples = cur;
    prevAt = at;
    drawAll(at);
    setStatus(document.getElementById('status'), 'live', 'live');
    const t = document.getElementById('last-scrape');
    t.textContent = formatClock(at);
    t.dateTime = new Date(at).toISOString();
  } catch (e) {
    setStatus(document.getElementById('status'), 'error', `error: ${e.message || 'metrics unavailable'}`);
  }
  setTimeout(scrape, Math.max(0, INTERVAL_MS - (Date.now() - started)));
}

buildCharts();
document.getElementById('interval').textContent = String(INTERVAL_MS / 1000);
document.getElementById('span').textContent = spanText();
let resizeTimer = 0;
addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(() => drawAll(prevAt || Date.now()), 100); });
scrape();
