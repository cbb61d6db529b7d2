// Player page (player.html): one WebSocket per player token (subprotocol overtake.v1). Subscribes
// to every window of the chosen board (global + friends) and watches them; shows the selected
// window's rank, the around-me and friends lists (REST), and toasts personal notifications.
// Invariants: at most one socket; personal messages are applied once (by pseq); reconnects
// resume from the pseq watermark (the highest pseq below which every pseq was seen) with backoff.
// Friend messages (priority P2) may arrive after later personal ones (P1), so pseqs can arrive
// out of order: dedupe by a set of seen pseqs, never by "highest seen".

import {
  backoffMs, boardPath, boardPicker, decodeToken, fetchJSON, formatInt, query,
  replaceQuery, setStatus, windowLabel,
} from './common.js';
import { toastFor } from './notify.js';
import { Toaster } from './toaster.js';

const $ = (id) => document.getElementById(id);
const els = {
  status: $('status'), reconnects: $('reconnects'), token: $('token'), whoami: $('whoami'),
  expiry: $('token-expiry'), message: $('form-message'), myRank: $('my-rank'), myScore: $('my-score'),
  myPercentile: $('my-percentile'), myTotal: $('my-total'), context: $('rank-context'),
  windowRanks: $('window-ranks').tBodies[0], friendsCol: $('friends-col'), around: $('around'),
  aroundEmpty: $('around-empty'), friendsPanel: $('friends-panel'), friends: $('friends'),
};
const toaster = new Toaster($('toasts'), $('history'), $('history-empty'));
const toast = (t) => toaster.show(t);
const TOKEN_KEY = 'overtake.token';
const PING_EVERY_MS = 25000;
const PONG_WITHIN_MS = 10000;
const REFRESH_DEBOUNCE_MS = 150;

const params = new URLSearchParams(location.search);
const state = {
  token: '', player: '', expiresMs: null,
  sel: null, // {board, window, definition}
  ws: null, wantOpen: false, attempts: 0, reconnects: 0, retryTimer: 0,
  subscribed: null, // {board, windows, friends} as sent on the current socket
  lastPseq: null, seenPseqs: new Set(), nextSeq: 1,
  pingId: 0, pingTimer: 0, pongTimer: 0,
  ranks: new Map(), // window → {rank, score, percentile, total, friendsRank}
  refreshTimers: new Map(),
};

// ---------- token ----------

function useToken(token, { persist }) {
  const info = decodeToken(token);
  state.token = info ? token.trim() : '';
  state.player = info ? info.player : '';
  state.expiresMs = info ? info.expiresMs : null;
  els.whoami.textContent = info ? info.player : '—';
  els.expiry.textContent = info && info.expiresMs ? `(token expires ${new Date(info.expiresMs).toLocaleString()})` : '';
  if (info && persist) {
    try { localStorage.setItem(TOKEN_KEY, state.token); } catch { /* storage disabled: keep in memory */ }
  }
  return info;
}

const tokenExpired = () => state.expiresMs !== null && state.expiresMs <= Date.now();
const hasFriends = () => !!(state.sel && state.sel.definition && Array.isArray(state.sel.definition.scopes)
  && state.sel.definition.scopes.includes('friends'));
const boardWindows = () => {
  const d = state.sel && state.sel.definition;
  return d && Array.isArray(d.windows) && d.windows.length ? d.windows : [state.sel.window];
};
const depth = () => {
  const d = state.sel && state.sel.definition;
  return d && Number.isInteger(d.notify_depth) && d.notify_depth > 0 ? d.notify_depth : 100;
};

// ---------- socket ----------

function send(msg) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(msg));
}

function connect() {
  clearTimeout(state.retryTimer);
  if (!state.token || !state.sel) return;
  if (tokenExpired()) { stop('error', 'token expired'); return; }
  state.wantOpen = true;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/v1/ws${query({ token: state.token })}`, 'overtake.v1');
  state.ws = ws;
  if (state.attempts === 0) setStatus(els.status, 'connecting', 'connecting…');
  ws.onopen = () => {
    if (ws !== state.ws) return;
    state.attempts = 0;
    state.nextSeq = 1;
    state.subscribed = null;
    setStatus(els.status, 'connected', 'connected');
    if (state.lastPseq !== null) send({ type: 'resume', last_pseq: state.lastPseq });
    syncSubscriptions();
    startPing();
    if (state.reconnects > 0) refreshAll(); // cheap, and covers anything a resume cannot
  };
  ws.onmessage = (ev) => {
    if (ws !== state.ws || typeof ev.data !== 'string') return;
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg && typeof msg === 'object') onMessage(msg);
  };
  ws.onclose = (ev) => {
    if (ws !== state.ws) return;
    state.ws = null;
    stopPing();
    if (!state.wantOpen) { setStatus(els.status, 'disconnected', 'disconnected'); return; }
    if (ev.code === 1008) { stop('error', `token rejected${ev.reason ? `: ${ev.reason}` : ''}`); return; }
    if (tokenExpired()) { stop('error', 'token expired'); return; }
    scheduleReconnect();
  };
}

function scheduleReconnect() {
  const delay = backoffMs(state.attempts);
  state.attempts += 1;
  state.reconnects += 1;
  els.reconnects.textContent = String(state.reconnects);
  // A refused upgrade (HTTP 401 for a bad token) looks like any network failure to a browser.
  const hint = state.attempts >= 3 ? 'cannot connect — is the token valid? ' : '';
  setStatus(els.status, 'reconnecting', `reconnecting… ${hint}(${Math.ceil(delay / 1000)} s)`);
  state.retryTimer = setTimeout(connect, delay);
}

/** Close without the browser's "closed before the connection is established" console error. */
function closeQuietly(ws, code, reason) {
  ws.onopen = null;
  ws.onmessage = null;
  ws.onclose = null;
  if (ws.readyState === WebSocket.CONNECTING) ws.addEventListener('open', () => ws.close(code, reason));
  else if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
}

function stop(kind, text) {
  state.wantOpen = false;
  clearTimeout(state.retryTimer);
  stopPing();
  if (state.ws) { closeQuietly(state.ws, 1000, 'bye'); state.ws = null; }
  setStatus(els.status, kind, text);
}

function startPing() {
  stopPing();
  state.pingTimer = setInterval(() => {
    state.pingId += 1;
    send({ type: 'ping', id: state.pingId });
    clearTimeout(state.pongTimer);
    state.pongTimer = setTimeout(() => { // no pong: the connection is dead even if TCP has not noticed
      if (!state.ws) return;
      closeQuietly(state.ws, 4000, 'ping timeout');
      state.ws = null;
      stopPing();
      scheduleReconnect();
    }, PONG_WITHIN_MS);
  }, PING_EVERY_MS);
}

function stopPing() {
  clearInterval(state.pingTimer);
  clearTimeout(state.pongTimer);
}

/** Make the socket's subscriptions match the selected board: every window, global (+ friends), watched. */
function syncSubscriptions() {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN || !state.sel) return;
  const want = { board: state.sel.board, windows: boardWindows(), friends: hasFriends() };
  const had = state.subscribed;
  if (had && had.board === want.board) return;
  if (had) {
    for (const window of had.windows) {
      send({ type: 'unsubscribe', board: had.board, window, scope: 'global' });
      if (had.friends) send({ type: 'unsubscribe', board: had.board, window, scope: 'friends' });
      send({ type: 'unwatch', board: had.board, window });
    }
  }
  for (const window of want.windows) {
    send({ type: 'subscribe', board: want.board, window, scope: 'global' });
    if (want.friends) send({ type: 'subscribe', board: want.board, window, scope: 'friends' });
    send({ type: 'watch', board: want.board, window });
  }
  state.subscribed = want;
}

// ---------- messages ----------

function onMessage(msg) {
  if (Number.isInteger(msg.seq)) {
    if (msg.seq !== state.nextSeq) refreshAll(); // a gap: something was lost, re-query the state
    state.nextSeq = msg.seq + 1;
  }
  switch (msg.type) {
    case 'rank': case 'overtaken': case 'top_entry': case 'top_exit':
      onPersonal(msg);
      break;
    case 'pong':
      clearTimeout(state.pongTimer);
      break;
    case 'reset': // missed personal messages are gone: re-query everything
      state.lastPseq = null;
      state.seenPseqs.clear();
      refreshAll();
      break;
    case 'error':
      toast({ kind: 'error', type: 'error', text: `Server error ${msg.code || ''}: ${msg.message || ''}`.trim() });
      break;
    default: // ack, and spectator messages we never asked for
      break;
  }
}

function onPersonal(msg) {
  if (Number.isInteger(msg.pseq)) {
    if (state.seenPseqs.has(msg.pseq)) return; // already applied (resume overlap)
    state.seenPseqs.add(msg.pseq);
    if (state.seenPseqs.size > 2048) state.seenPseqs.delete(state.seenPseqs.values().next().value);
    // The resume point: advance over every pseq seen without a hole.
    if (state.lastPseq === null) state.lastPseq = msg.pseq - 1;
    while (state.seenPseqs.has(state.lastPseq + 1)) state.lastPseq += 1;
  }
  if (!state.sel || msg.board !== state.sel.board) return;
  const r = rankOf(msg.window);
  const scope = msg.scope || 'global';
  const newRank = msg.type === 'rank' ? msg.new_rank : msg.rank;
  if (scope === 'global' && Number.isInteger(newRank)) {
    r.rank = newRank;
    if (Number.isFinite(msg.score)) r.score = msg.score;
  } else if (scope === 'friends' && Number.isInteger(newRank)) {
    r.friendsRank = newRank;
  }
  renderRanks();
  if (msg.window === state.sel.window) {
    const t = toastFor(msg, depth());
    if (t) toast(t);
  }
  if (scope === 'global' || scope === 'friends') scheduleRefresh(msg.window);
}

// ---------- REST state ----------

function rankOf(window) {
  if (!state.ranks.has(window)) state.ranks.set(window, { rank: undefined, score: undefined, percentile: undefined, total: undefined, friendsRank: undefined });
  return state.ranks.get(window);
}

function scheduleRefresh(window) {
  clearTimeout(state.refreshTimers.get(window));
  state.refreshTimers.set(window, setTimeout(() => refreshWindow(window), REFRESH_DEBOUNCE_MS));
}

function refreshAll() {
  if (!state.sel || !state.player) return;
  for (const w of boardWindows()) scheduleRefresh(w);
}

async function refreshWindow(window) {
  if (!state.sel || !state.player) return;
  const { board } = state.sel;
  const selected = window === state.sel.window;
  const r = rankOf(window);
  try {
    const body = await fetchJSON(boardPath(board, window, 'players', state.player) + query({ around: selected ? 5 : '' }));
    if (!state.sel || state.sel.board !== board) return;
    Object.assign(r, { rank: body.rank ?? null, score: body.score ?? null, percentile: body.percentile, total: body.total });
    if (selected) renderList(els.around, Array.isArray(body.around) ? body.around : [], els.aroundEmpty, 'Nobody around you yet.');
  } catch (e) {
    if (!state.sel || state.sel.board !== board) return;
    Object.assign(r, { rank: null, score: null, percentile: undefined, total: undefined });
    if (selected) renderList(els.around, [], els.aroundEmpty, e.status === 404 ? 'You have no score in this window yet.' : `Could not load: ${e.message}`);
  }
  if (hasFriends()) {
    try {
      const body = await fetchJSON(boardPath(board, window, 'friends', state.player));
      if (!state.sel || state.sel.board !== board) return;
      r.friendsRank = body.rank ?? null;
      if (selected) renderList(els.friends, Array.isArray(body.entries) ? body.entries : [], null, '');
    } catch {
      r.friendsRank = null;
      if (selected) renderList(els.friends, [], null, '');
    }
  }
  renderRanks();
}

// ---------- rendering ----------

function renderList(ol, entries, emptyEl, emptyText) {
  ol.replaceChildren(...entries.filter((e) => e && typeof e.player === 'string').map((e) => {
    const li = document.createElement('li');
    li.dataset.player = e.player;
    li.dataset.rank = String(e.rank);
    if (e.player === state.player) li.setAttribute('aria-current', 'true');
    for (const [cls, text] of [['rank', String(e.rank)], ['player', e.player], ['move', ''], ['score', formatInt(e.score)]]) {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      li.append(span);
    }
    return li;
  }));
  if (emptyEl) {
    emptyEl.textContent = emptyText;
    emptyEl.hidden = entries.length > 0;
  }
}

const rankText = (rank) => (rank === undefined ? '…' : Number.isInteger(rank) && rank > 0 ? `#${rank}` : 'unranked');

function renderRanks() {
  if (!state.sel) return;
  const cur = rankOf(state.sel.window);
  els.myRank.textContent = rankText(cur.rank);
  els.myRank.dataset.rank = Number.isInteger(cur.rank) ? String(cur.rank) : '';
  els.myScore.textContent = formatInt(cur.score);
  els.myPercentile.textContent = Number.isFinite(cur.percentile) ? `${cur.percentile.toFixed(1)} %` : '—';
  els.myTotal.textContent = formatInt(cur.total);
  els.context.textContent = `— ${state.sel.board} · ${windowLabel(state.sel.window)}`;
  const friends = hasFriends();
  els.friendsCol.hidden = !friends;
  els.friendsPanel.hidden = !friends;
  els.windowRanks.replaceChildren(...boardWindows().map((w) => {
    const r = rankOf(w);
    const tr = document.createElement('tr');
    tr.dataset.window = w;
    if (w === state.sel.window) tr.className = 'selected';
    const cells = [['window', windowLabel(w)], ['rank num', rankText(r.rank)], ['score num', formatInt(r.score)]];
    if (friends) cells.push(['friends-rank num', rankText(r.friendsRank)]);
    for (const [cls, text] of cells) {
      const td = document.createElement(cls === 'window' ? 'th' : 'td');
      if (cls === 'window') td.scope = 'row';
      td.className = cls;
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
}

// ---------- wiring ----------

function onSelect(sel) {
  const boardChanged = !state.sel || state.sel.board !== sel.board;
  state.sel = sel;
  replaceQuery({ board: sel.board, window: sel.window });
  if (boardChanged) {
    state.ranks.clear();
    renderList(els.friends, [], null, '');
  }
  renderRanks();
  if (!state.player) return;
  if (boardChanged) refreshAll(); else scheduleRefresh(sel.window);
  if (state.ws) syncSubscriptions();
  else if (!state.wantOpen && !tokenExpired()) connect();
}

function start() {
  const fromUrl = params.get('token');
  const saved = (() => { try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; } })();
  const token = fromUrl || saved;
  els.token.value = token;
  if (token && !useToken(token, { persist: !!fromUrl })) els.message.textContent = 'That is not a v1 player token.';
  if (!token) setStatus(els.status, 'disconnected', 'no token');

  const picker = boardPicker(
    { board: $('board'), window: $('window'), message: els.message },
    { board: params.get('board') || '', window: params.get('window') || '' },
    [],
    onSelect,
  );

  $('connect-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const info = decodeToken(els.token.value);
    if (!info) { els.message.textContent = 'That is not a v1 player token (v1.<player>.<expiry>.<mac>).'; return; }
    els.message.textContent = '';
    const samePlayer = info.player === state.player;
    stop('disconnected', 'disconnected');
    useToken(els.token.value, { persist: true });
    if (!samePlayer) { state.lastPseq = null; state.seenPseqs.clear(); state.ranks.clear(); }
    state.attempts = 0;
    if (state.sel) { refreshAll(); connect(); }
  });
  $('disconnect').addEventListener('click', () => stop('disconnected', 'disconnected'));
  $('forget').addEventListener('click', () => {
    stop('disconnected', 'no token');
    try { localStorage.removeItem(TOKEN_KEY); } catch { /* nothing stored */ }
    els.token.value = '';
    useToken('', { persist: false });
  });
  picker.reload();
}

start();
