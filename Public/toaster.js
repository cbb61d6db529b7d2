// Toasts and the notification history of the player page. A toast stays TOAST_MS (longer while
// it holds focus); at most MAX_TOASTS are shown and MAX_HISTORY history lines are kept.

import { formatClock } from './common.js';

const TOAST_MS = 12000;
const MAX_TOASTS = 5;
const MAX_HISTORY = 50;

export class Toaster {
  /** `toasts`: the aria-live container; `history`: an <ol>, newest first; `empty`: its placeholder. */
  constructor(toasts, history, empty) {
    this.toasts = toasts;
    this.history = history;
    this.empty = empty;
  }

  /** Show `t` = {kind, type, window?, scope?, friend?, text} (as made by notify.js toastFor). */
  show(t) {
    const box = document.createElement('div');
    box.className = `toast ${t.kind}${t.friend ? ' friend' : ''}`;
    box.dataset.type = t.type;
    if (t.window) box.dataset.window = t.window;
    if (t.scope) box.dataset.scope = t.scope;
    if (t.friend) {
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = 'Friend';
      box.append(tag);
    }
    const text = document.createElement('span');
    text.className = 'toast-text';
    text.textContent = t.text;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'dismiss'; // its × comes from CSS, so the toast's text is only the message
    close.setAttribute('aria-label', 'Dismiss notification');
    close.addEventListener('click', () => box.remove());
    box.append(text, close);
    this.toasts.append(box);
    while (this.toasts.children.length > MAX_TOASTS) this.toasts.firstElementChild.remove();
    const expire = () => { if (box.contains(document.activeElement)) setTimeout(expire, 2000); else box.remove(); };
    setTimeout(expire, TOAST_MS);
    this.log(t);
  }

  log(t) {
    const li = document.createElement('li');
    const time = document.createElement('time');
    const now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = formatClock(now.getTime());
    li.append(time, `${t.friend ? '[friend] ' : ''}${t.text}`);
    this.history.prepend(li);
    while (this.history.children.length > MAX_HISTORY) this.history.lastElementChild.remove();
    this.empty.hidden = true;
  }
}
