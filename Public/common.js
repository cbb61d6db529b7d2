// Shared helpers for the Overtake pages: query parameters, JSON fetch with the protocol's error
// body, formatting, the connection-status widget and the board/window picker.
// Invariant: nothing here touches the DOM at import time, so node can import it for tests.

export const ALL_WINDOWS = ['alltime', 'daily', 'weekly', 'monthly'];
const WINDOW_LABELS = { alltime: 'All time', daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly' };

/** An HTTP failure carrying the protocol's `{"error":{"code","message"}}` (or a synthesized one). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** GET (or another method with a JSON body) `path` and return the parsed JSON; throws ApiError. */
export async function fetchJSON(path, { method = 'GET', body, signal, headers = {} } = {}) {
  let res;
  try {
    res = await fetch(path, {
      method,
      signal,
      cache: 'no-store',
      headers: body === undefined ? { Accept: 'application/json', ...headers }
        : { Accept: 'application/json', 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', `${path}: network error`);
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    const err = (json && json.error) || {};
    throw new ApiError(res.status, err.code || `http_${res.status}`,
      err.message || `${path}: HTTP ${res.status}`);
  }
  if (json === null) throw new ApiError(res.status, 'bad_json', `${path}: response is not JSON`);
  return json;
}

/** `/v1/boards/{board}/{window}/…rest` with every segment percent-encoded. */
export function boardPath(board, window, ...rest) {
  return ['/v1/boards', board, window, ...rest]
    .map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}

/** Query string from an object, skipping undefined/null/'' values; '' when nothing is left. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Integer with thousands separators (en-US), '—' for missing values. */
export function formatInt(n) {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/** Wall-clock time `HH:MM:SS` (24 h, local zone) of a Unix-millisecond instant. */
export function formatClock(ms) {
  const d = new Date(ms);
  const p = (x) => String(x).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The protocol's `t` (Unix nanoseconds) as Unix milliseconds; falls back to now when absent. */
export function serverTimeMs(t) {
  return Number.isFinite(t) && t > 0 ? t / 1e6 : Date.now();
}

export function windowLabel(w) { return WINDOW_LABELS[w] || w; }

/** Exponential backoff with ±20 % jitter: attempt 0 → ~0.5 s, capped at `maxMs`. */
export function backoffMs(attempt, maxMs = 30000) {
  const base = Math.min(maxMs, 500 * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Set a status element's text and `data-state` (connecting|connected|reconnecting|disconnected|error). */
export function setStatus(el, state, text) {
  if (!el) return;
  el.dataset.state = state;
  if (el.textContent !== text) el.textContent = text;
}

/** Replace the page URL's query (no reload, no history entry), dropping empty values. */
export function replaceQuery(params) {
  history.replaceState(null, '', `${location.pathname}${query(params)}${location.hash}`);
}

/** Fill a <select> with [value, label] pairs and select `selected` when present. */
export function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    return o;
  }));
  if (options.some(([v]) => v === selected)) select.value = selected;
  select.disabled = options.length === 0;
}

/**
 * Board + window (+ optional scope/region) picker backed by `GET /v1/boards`.
 * `els` = {board, window, scope?, region?, regionField?, message?}; `initial` = {board, window, scope, region};
 * `allowedScopes` filters the board's scopes (spectators cannot follow `friends`).
 * Calls `onChange(selection)` after load and after every user change; returns {reload, selection, boards}.
 */
export function boardPicker(els, initial, allowedScopes, onChange) {
  const state = { boards: [], selection: { ...initial } };

  const current = () => state.boards.find((b) => b.id === els.board.value);

  function syncDependents(prefer) {
    const def = current();
    const windows = def && Array.isArray(def.windows) && def.windows.length ? def.windows : ALL_WINDOWS;
    fillSelect(els.window, windows.map((w) => [w, windowLabel(w)]), prefer.window);
    if (els.scope) {
      const scopes = (def && Array.isArray(def.scopes) ? def.scopes : ['global'])
        .filter((s) => allowedScopes.includes(s));
      fillSelect(els.scope, (scopes.length ? scopes : ['global']).map((s) => [s, s]), prefer.scope);
    }
    syncRegion();
  }

  function syncRegion() {
    if (!els.scope || !els.regionField) return;
    els.regionField.hidden = els.scope.value !== 'region';
  }

  function read() {
    const s = { board: els.board.value, window: els.window.value };
    if (els.scope) s.scope = els.scope.value || 'global';
    if (els.region) s.region = s.scope === 'region' ? els.region.value.trim() : '';
    s.definition = current() || null;
    state.selection = s;
    return s;
  }

  function changed() {
    const s = read();
    if (s.scope === 'region' && !s.region) {
      if (els.message) els.message.textContent = 'Enter a region name to follow a regional board.';
      return;
    }
    if (els.message) els.message.textContent = '';
    onChange(s);
  }

  async function reload() {
    if (els.message) els.message.textContent = 'Loading boards…';
    let boards = [];
    try {
      const body = await fetchJSON('/v1/boards');
      boards = Array.isArray(body.boards) ? body.boards.filter((b) => b && typeof b.id === 'string') : [];
    } catch (e) {
      if (els.message) els.message.textContent = `Could not load boards: ${e.message}`;
    }
    state.boards = boards;
    const want = state.selection.board;
    const options = boards.map((b) => [b.id, b.id]);
    // A deep-linked board that is not (yet) listed stays selectable: the stream will tell.
    if (want && !boards.some((b) => b.id === want)) options.unshift([want, `${want} (not listed)`]);
    fillSelect(els.board, options, want);
    if (!options.length) {
      if (els.message) els.message.textContent ||= 'No boards yet: create one with PUT /v1/boards/{id}.';
      els.window.disabled = true;
      if (els.scope) els.scope.disabled = true;
      return;
    }
    if (els.message && els.message.textContent === 'Loading boards…') els.message.textContent = '';
    if (els.region && initial.region) els.region.value = initial.region;
    syncDependents(state.selection);
    changed();
  }

  els.board.addEventListener('change', () => { syncDependents(read()); changed(); });
  els.window.addEventListener('change', changed);
  if (els.scope) els.scope.addEventListener('change', () => { syncRegion(); changed(); });
  if (els.region) els.region.addEventListener('change', changed);

  return { reload, get selection() { return state.selection; }, get boards() { return state.boards; } };
}

/** True when the user asked for reduced motion (always false outside a browser). */
export function reducedMotion() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Decode a player token `v1.<base64url(player)>.<expiry>.<mac>` without verifying it (the server
 * does). Returns {player, expiresMs} or null when it is not of that shape. The expiry is taken as
 * Unix seconds when below 1e11, else as milliseconds; expiresMs is null when not a number.
 */
export function decodeToken(token) {
  const parts = String(token || '').trim().split('.');
  if (parts.length !== 4 || parts[0] !== 'v1' || !parts[1]) return null;
  let player;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    player = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
  if (!player) return null;
  const exp = /^\d+$/.test(parts[2]) ? Number(parts[2]) : NaN;
  const expiresMs = Number.isFinite(exp) && exp > 0 ? (exp < 1e11 ? exp * 1000 : exp) : null;
  return { player, expiresMs };
}
