// A small time-series line chart on <canvas>: y axis with "nice" ticks, x axis in time before
// now, one line per series (colour + dash pattern so colour is never the only cue), gaps for nulls.
// The canvas is sized from its CSS box × devicePixelRatio on every draw; colours come from CSS.

const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2], [8, 2]];

/** Round step ≥ raw/…: 1, 2, 2.5 or 5 × 10^k. */
export function niceStep(raw) {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/** Ticks 0..top covering `max` with about `count` steps: {top, step, ticks}. */
export function niceTicks(max, count = 4) {
  const step = niceStep((max > 0 ? max : 1) / count);
  const top = Math.max(step, Math.ceil((max > 0 ? max : 1) / step - 1e-9) * step);
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { top, step, ticks };
}

const TIME_STEPS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** Seconds between x-axis labels: the smallest of 5 s, 10 s, … 1 h giving ≤ maxLabels steps. */
export function timeStep(spanS, maxLabels) {
  return TIME_STEPS.find((s) => spanS / s <= maxLabels) || TIME_STEPS[TIME_STEPS.length - 1];
}

export class LineChart {
  /**
   * `format(value)` renders axis labels; `spanMs` is the visible time range ending now;
   * `tickUnit(max)` gives the unit the ticks are nice multiples of (e.g. 1024 for KiB).
   */
  constructor(canvas, { format = (v) => String(v), spanMs = 300000, tickUnit = () => 1 } = {}) {
    this.canvas = canvas;
    this.format = format;
    this.spanMs = spanMs;
    this.tickUnit = tickUnit;
  }

  /**
   * Draw `series` = [{name, color, values}] over `times` (Unix ms, ascending, same length as each
   * values array; null values leave a gap). Marks the canvas `data-ready="true"` once at least two
   * time points have been drawn, and sets `data-points` to the number drawn.
   */
  draw(times, series, nowMs = Date.now()) {
    const c = this.canvas;
    const cssW = Math.max(200, Math.round(c.clientWidth || 600));
    const cssH = Math.max(120, Math.round(c.clientHeight || 220));
    const dpr = (typeof devicePixelRatio === 'number' && devicePixelRatio) || 1;
    if (c.width !== Math.round(cssW * dpr) || c.height !== Math.round(cssH * dpr)) {
      c.width = Math.round(cssW * dpr);
      c.height = Math.round(cssH * dpr);
    }
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(c);
    const ink = css.getPropertyValue('--chart-ink').trim() || '#333';
    const grid = css.getPropertyValue('--chart-grid').trim() || '#ddd';
    const font = `12px ${css.fontFamily || 'sans-serif'}`;
    g.clearRect(0, 0, cssW, cssH);
    g.font = font;

    let max = 0;
    for (const s of series) for (const v of s.values) if (Number.isFinite(v) && v > max) max = v;
    const unit = this.tickUnit(max) || 1;
    const nice = niceTicks(max / unit);
    const top = nice.top * unit;
    const ticks = nice.ticks.map((t) => t * unit);
    const labelW = Math.max(...ticks.map((t) => g.measureText(this.format(t)).width));
    const left = Math.ceil(labelW) + 12;
    const right = 10;
    const topPad = 10;
    const bottom = 24;
    const w = cssW - left - right;
    const h = cssH - topPad - bottom;
    const x = (t) => left + w * (1 - (nowMs - t) / this.spanMs);
    const y = (v) => topPad + h * (1 - v / top);

    // Grid and y labels.
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const t of ticks) {
      const yy = Math.round(y(t)) + 0.5;
      g.strokeStyle = grid;
      g.beginPath(); g.moveTo(left, yy); g.lineTo(left + w, yy); g.stroke();
      g.fillStyle = ink;
      g.fillText(this.format(t), left - 6, yy);
    }
    // X axis: a label every minute back from now.
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const stepS = timeStep(this.spanMs / 1000, Math.max(2, Math.floor(w / 70)));
    for (let s = 0; s <= this.spanMs / 1000 + 1e-9; s += stepS) {
      const xx = Math.round(x(nowMs - s * 1000)) + 0.5;
      g.strokeStyle = grid;
      g.beginPath(); g.moveTo(xx, topPad); g.lineTo(xx, topPad + h); g.stroke();
      g.fillStyle = ink;
      const label = s === 0 ? 'now' : s % 60 === 0 ? `−${s / 60}m` : `−${s}s`;
      g.fillText(label, Math.min(Math.max(xx, left + 12), left + w - 12), topPad + h + 6);
    }
    g.strokeStyle = ink;
    g.beginPath(); g.moveTo(left + 0.5, topPad); g.lineTo(left + 0.5, topPad + h + 0.5);
    g.lineTo(left + w, topPad + h + 0.5); g.stroke();

    // Lines (clipped to the plot area).
    g.save();
    g.beginPath(); g.rect(left, topPad - 2, w, h + 4); g.clip();
    g.lineWidth = 2;
    g.lineJoin = 'round';
    series.forEach((s, i) => {
      g.strokeStyle = s.color;
      g.setLineDash(DASHES[i % DASHES.length]);
      g.beginPath();
      const dots = []; // points with no neighbour on either side: drawn as dots to stay visible
      let run = 0;
      for (let k = 0; k < times.length; k += 1) {
        const v = s.values[k];
        if (!Number.isFinite(v)) { run = 0; continue; }
        const px = x(times[k]);
        const py = y(v);
        if (run > 0) g.lineTo(px, py); else g.moveTo(px, py);
        run += 1;
        const nextMissing = k + 1 >= times.length || !Number.isFinite(s.values[k + 1]);
        if (run === 1 && nextMissing) dots.push([px, py]);
      }
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = s.color;
      for (const [px, py] of dots) { g.beginPath(); g.arc(px, py, 2.5, 0, Math.PI * 2); g.fill(); }
    });
    g.restore();
    g.setLineDash([]);

    c.dataset.points = String(times.length);
    if (times.length >= 2) c.dataset.ready = 'true';
  }
}

/** Dash pattern used for the i-th series (so legends can show the same pattern). */
export function dashFor(i) { return DASHES[i % DASHES.length]; }
