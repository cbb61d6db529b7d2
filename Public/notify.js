// Texts of the player page's notifications, derived from the protocol's personal messages.
// Pure (no DOM) so the exact wording is unit-tested in selftest.js; the page only renders them.

/**
 * The toast for a personal message (`rank`, `overtaken`, `top_entry`, `top_exit`), or null when
 * there is nothing worth saying (e.g. a rank message whose rank did not change). Returns
 * {kind, type, window, scope, friend, text}; `kind` is the CSS class (overtaken, rank-up, …).
 */
export function toastFor(msg, fallbackDepth = 100) {
  const scope = msg.scope || 'global';
  const friends = scope === 'friends';
  const where = friends ? ' among friends' : scope === 'region' && msg.region ? ` in ${msg.region}` : '';
  const base = { type: msg.type, window: msg.window, scope, friend: friends };
  if (msg.type === 'overtaken') {
    const others = Number.isInteger(msg.count) && msg.count > 1 ? msg.count - 1 : 0;
    const and = others ? ` and ${others} other${others > 1 ? 's' : ''}` : '';
    const who = friends ? `your friend ${msg.by}` : `${msg.by}`;
    return { ...base, kind: 'overtaken', text: `You were overtaken by ${who}${and} (now #${msg.rank}${where})` };
  }
  if (msg.type === 'rank') {
    const from = msg.old_rank;
    const to = msg.new_rank;
    if (!Number.isInteger(to) || from === to) return null;
    if (!from) return { ...base, kind: 'rank-up', text: `You are ranked #${to}${where}` };
    return from > to
      ? { ...base, kind: 'rank-up', text: `▲ ${from - to} → #${to}${where}` }
      : { ...base, kind: 'rank-down', text: `▼ ${to - from} → #${to}${where}` };
  }
  if (msg.type === 'top_entry') {
    return { ...base, kind: 'top-entry', text: `You entered the top ${msg.depth || fallbackDepth}${where}!` };
  }
  if (msg.type === 'top_exit') {
    return { ...base, kind: 'top-exit', text: `You left the top ${msg.depth || fallbackDepth}${where} (now #${msg.rank})` };
  }
  return null;
}
