// Spectator page (index.html): picks a board, follows its top K over one EventSource
// (`snapshot`, then `board` diffs, `reset` → wait for the next snapshot) and animates the list.
// Invariant: at most one EventSource is open; events from a replaced source are ignored.

import {
  backoffMs, boardPath, boardPicker, formatClock, formatInt, query, reducedMotion, replaceQuery,
  serverTimeMs, setStatus, windowLabel,
} from './common.js';
import { applyDiff, changesBetween, fromSnapshot } from './toplist.js';

const $ = (id) => document.getElementById(id);
const els = {
  status: $('status'), reconnects: $('reconnects'), list: $('top-list'), empty: $('empty'),
  count: $('player-count'), period: $('period'), updated: $('last-update'),
  boardName: $('board-name'), depth: $('depth'), message: $('picker-message'),
  activity: $('activity'), activityEmpty: $('activity-empty'),
};
const params = new URLSearchParams(location.search);
const MOVE_TTL_MS = 20000; // how long a ▲/▼ marker stays on a row after its last move
const LEAVE_MS = 450; // matches the fade-out animation in app.css
const MAX_ACTIVITY = 30;

const view = { entries: [], rows: new Map(), depth: 100, awaitingSnapshot: true, period: null };
const stream = { es: null, sel: null, lastEventId: '', reconnects: 0, failures: 0, retryTimer: 0 };

// ---------- stream ----------

function streamUrl(sel, lastEventId) {
  return boardPath(sel.board, sel.window, 'stream') + query({
    scope: sel.scope,
    region: sel.scope === 'region' ? sel.region : '',
    token: params.get('token') || '',
    lastEventId, // only when we rebuild the EventSource ourselves; the browser sends the header otherwise
  });
}

function closeStream() {
  clearTimeout(stream.retryTimer);
  if (stream.es) stream.es.close();
  stream.es = null;
}

function countReconnect() {
  stream.reconnects += 1;
  els.reconnects.textContent = String(stream.reconnects);
}

function openStream(sel, lastEventId = '') {
  closeStream();
  stream.sel = sel;
  const es = new EventSource(streamUrl(sel, lastEventId));
  stream.es = es;
  if (!lastEventId) setStatus(els.status, 'connecting', 'connecting…');
  es.onopen = () => {
    if (es !== stream.es) return;
    stream.failures = 0;
    setStatus(els.status, view.awaitingSnapshot ? 'connecting' : 'connected',
      view.awaitingSnapshot ? 'connected, waiting for snapshot…' : 'connected');
  };
  es.onerror = () => {
    if (es !== stream.es) return;
    countReconnect();
    if (es.readyState === EventSource.CLOSED) {
      // The browser gave up (HTTP error status or wrong content type): retry ourselves, resuming
      // from the last event id through the `lastEventId` query parameter.
      closeStream();
      const delay = backoffMs(stream.failures);
      stream.failures += 1;
      setStatus(els.status, 'disconnected', `disconnected — retrying in ${Math.ceil(delay / 1000)} s`);
      stream.retryTimer = setTimeout(() => openStream(sel, stream.lastEventId), delay);
    } else {
      setStatus(els.status, 'reconnecting', 'reconnecting…'); // EventSource retries with Last-Event-ID
    }
  };
  const route = (name) => (ev) => {
    if (es !== stream.es) return;
    if (ev.lastEventId) stream.lastEventId = ev.lastEventId;
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (!msg || typeof msg !== 'object') return;
    const type = name || msg.type;
    if (type === 'snapshot') onSnapshot(msg);
    else if (type === 'board') onBoard(msg);
    else if (type === 'reset') onReset();
  };
  es.addEventListener('snapshot', route('snapshot'));
  es.addEventListener('board', route('board'));
  es.addEventListener('reset', route('reset'));
  es.onmessage = route(null); // unnamed events: route by the JSON `type`
}

// ---------- messages ----------

function onSnapshot(msg) {
  const next = fromSnapshot(msg.top).filter((e) => e.rank <= view.depth);
  const animate = !view.awaitingSnapshot || view.entries.length > 0;
  const changes = animate ? changesBetween(view.entries, next) : new Map();
  view.awaitingSnapshot = false;
  view.period = msg.period ?? null;
  els.list.classList.remove('stale');
  render(next, changes, animate, 'snapshot');
  showSummary(msg);
  setStatus(els.status, 'connected', 'connected');
}

function onBoard(msg) {
  if (view.awaitingSnapshot) return; // after a reset only a snapshot can re-establish state
  // A diff for another period (a window rolled over) applies to that period's fresh, empty list.
  const base = msg.period !== undefined && view.period !== null && msg.period !== view.period ? [] : view.entries;
  const { entries, changes } = applyDiff(base, msg, view.depth);
  logMoves(msg, base, entries);
  if (msg.period !== undefined) view.period = msg.period;
  render(entries, changes, true, 'diff');
  showSummary(msg);
}

function onReset() {
  view.awaitingSnapshot = true;
  els.list.classList.add('stale');
  setStatus(els.status, 'reconnecting', 'resyncing…');
}

/** Add the diff's real movers (entered, or moved with a new score) to the activity feed. */
function logMoves(msg, before, after) {
  const old = new Map(before.map((e) => [e.player, e]));
  const now = new Map(after.map((e) => [e.player, e]));
  const lines = [];
  for (const e of Array.isArray(msg.entered) ? msg.entered : []) {
    if (e && now.has(e.player)) lines.push(`${e.player} entered at #${now.get(e.player).rank}`);
  }
  for (const m of Array.isArray(msg.moved) ? msg.moved : []) {
    const was = m && old.get(m.player);
    const is = m && now.get(m.player);
    if (!was || !is || m.score === undefined || m.score === was.score || was.rank === is.rank) continue;
    const d = was.rank - is.rank;
    lines.push(`${m.player} ${d > 0 ? '▲' : '▼'} ${Math.abs(d)} → #${is.rank}`);
  }
  if (!lines.length) return;
  const time = formatClock(serverTimeMs(msg.t));
  for (const text of lines) {
    const li = document.createElement('li');
    const t = document.createElement('time');
    t.textContent = time;
    li.append(t, text);
    els.activity.prepend(li);
  }
  while (els.activity.children.length > MAX_ACTIVITY) els.activity.lastElementChild.remove();
  els.activityEmpty.hidden = true;
}

function showSummary(msg) {
  if (Number.isFinite(msg.size)) els.count.textContent = formatInt(msg.size);
  if (msg.period !== undefined) els.period.textContent = String(msg.period);
  const at = serverTimeMs(msg.t);
  els.updated.textContent = formatClock(at);
  els.updated.dateTime = new Date(at).toISOString();
}

// ---------- rendering ----------

function makeRow(player, arrived) {
  const li = document.createElement('li');
  li.dataset.player = player;
  li.dataset.arrived = arrived;
  for (const cls of ['rank', 'player', 'move', 'move-sr sr-only', 'score']) {
    const span = document.createElement('span');
    span.className = cls;
    if (cls === 'move') span.setAttribute('aria-hidden', 'true');
    li.append(span);
  }
  li.querySelector('.player').textContent = player;
  li.addEventListener('animationend', (ev) => {
    if (ev.target === li && !li.classList.contains('leaving')) li.classList.remove('entering', 'flash-up', 'flash-down');
  });
  return li;
}

function setMove(li, text, cls, spoken) {
  const move = li.querySelector('.move');
  move.textContent = text;
  move.className = cls ? `move ${cls}` : 'move';
  li.querySelector('.move-sr').textContent = spoken;
  li.dataset.movedAt = text ? String(Date.now()) : '';
}

function flash(li, cls) {
  li.classList.remove('flash-up', 'flash-down');
  void li.offsetWidth; // restart the animation
  li.classList.add(cls);
}

function updateRow(li, e, change, motion) {
  li.dataset.rank = String(e.rank);
  li.dataset.score = String(e.score);
  li.querySelector('.rank').textContent = String(e.rank);
  li.querySelector('.score').textContent = formatInt(e.score);
  if (!change) return;
  if (change.kind === 'entered') {
    setMove(li, 'NEW', 'new', 'new entry');
  } else if (change.kind === 'moved' && Number.isFinite(change.from)) {
    const d = change.from - change.to;
    if (d > 0) setMove(li, `▲ ${d}`, 'up', `up ${d}`);
    else setMove(li, `▼ ${-d}`, 'down', `down ${-d}`);
    if (motion) flash(li, d > 0 ? 'flash-up' : 'flash-down');
  }
}

function retire(li, motion) {
  li.dataset.leftPlayer = li.dataset.player;
  delete li.dataset.player;
  li.setAttribute('aria-hidden', 'true');
  if (!motion) { li.remove(); return; }
  li.classList.add('leaving');
  setTimeout(() => li.remove(), LEAVE_MS);
}

/** Bring the DOM in line with `entries`, animating moves (FLIP), entries and exits. */
function render(entries, changes, animate, arrived) {
  const motion = animate && !reducedMotion();
  const before = new Map();
  if (motion) for (const [p, li] of view.rows) before.set(p, li.getBoundingClientRect().top);

  const keep = new Set(entries.map((e) => e.player));
  for (const [p, li] of view.rows) {
    if (!keep.has(p)) { view.rows.delete(p); retire(li, motion); }
  }
  let cursor = els.list.firstElementChild;
  for (const e of entries) {
    let li = view.rows.get(e.player);
    if (!li) {
      li = makeRow(e.player, arrived);
      view.rows.set(e.player, li);
      if (motion) li.classList.add('entering');
    }
    updateRow(li, e, changes.get(e.player), motion);
    while (cursor && cursor.classList.contains('leaving')) cursor = cursor.nextElementSibling;
    if (cursor === li) cursor = li.nextElementSibling;
    else els.list.insertBefore(li, cursor);
  }
  view.entries = entries;
  els.empty.hidden = entries.length > 0;

  if (motion) glide(before);
}

function glide(before) {
  const moved = [];
  for (const [p, top] of before) {
    const li = view.rows.get(p);
    if (!li) continue;
    const dy = top - li.getBoundingClientRect().top;
    if (Math.abs(dy) < 1) continue;
    li.classList.remove('gliding');
    li.style.transform = `translateY(${dy}px)`;
    moved.push(li);
  }
  if (!moved.length) return;
  void els.list.offsetHeight; // commit the inverted positions before transitioning back
  requestAnimationFrame(() => {
    for (const li of moved) {
      li.classList.add('gliding');
      li.style.transform = '';
    }
  });
}

function expireMoves() {
  const cutoff = Date.now() - MOVE_TTL_MS;
  for (const li of view.rows.values()) {
    if (li.dataset.movedAt && Number(li.dataset.movedAt) < cutoff) setMove(li, '', '', '');
  }
}

// ---------- selection ----------

function select(sel) {
  replaceQuery({
    board: sel.board, window: sel.window, scope: sel.scope === 'global' ? '' : sel.scope,
    region: sel.region, token: params.get('token') || '',
  });
  const def = sel.definition;
  view.depth = def && Number.isInteger(def.notify_depth) && def.notify_depth > 0 ? def.notify_depth : 100;
  els.depth.textContent = String(view.depth);
  els.boardName.textContent = `— ${sel.board} · ${windowLabel(sel.window)} · ${sel.scope === 'region' ? `region ${sel.region}` : sel.scope}`;
  document.title = `${sel.board} top ${view.depth} — Overtake`;
  for (const li of view.rows.values()) li.remove();
  view.rows.clear();
  view.entries = [];
  view.period = null;
  view.awaitingSnapshot = true;
  els.empty.hidden = true;
  els.count.textContent = '—';
  els.period.textContent = '—';
  els.updated.textContent = '—';
  els.activity.replaceChildren();
  els.activityEmpty.hidden = false;
  stream.lastEventId = '';
  stream.failures = 0;
  openStream(sel);
}

const picker = boardPicker(
  { board: $('board'), window: $('window'), scope: $('scope'), region: $('region'),
    regionField: $('region-field'), message: els.message },
  { board: params.get('board') || '', window: params.get('window') || '',
    scope: params.get('scope') || 'global', region: params.get('region') || '' },
  ['global', 'region'],
  select,
);
$('picker').addEventListener('submit', (ev) => { ev.preventDefault(); $('region').dispatchEvent(new Event('change')); });
setInterval(expireMoves, 5000);
picker.reload().then(() => {
  if (!picker.boards.length && !params.get('board')) setStatus(els.status, 'disconnected', 'no board selected');
});
