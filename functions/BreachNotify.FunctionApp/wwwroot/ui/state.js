// Shared page state: the signed-in caller, page clean-up, toasts and navigation.
import { api, session, ApiError } from './api.js';
import { setZone } from './time.js';

/** The signed-in caller: { name, role, permissions, timeZone } from GET /api/whoami. */
export const me = { current: null, can: p => !!me.current?.permissions?.includes(p) };

let cleanup = [];
/** Registers work to stop when the page changes (timers, pollers). */
export function onLeave(fn) { cleanup.push(fn); }
export function leavePage() { for (const fn of cleanup) fn(); cleanup = []; }

export function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 4000);
}

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange')); else location.hash = hash;
}

export function showChrome() {
  const signedIn = !!me.current;
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('who').hidden = !signedIn;
  if (signedIn) {
    document.getElementById('who-name').textContent = `${me.current.name} (${me.current.role})`;
    for (const li of document.querySelectorAll('[data-requires]')) li.hidden = !me.can(li.dataset.requires);
  }
}

export async function signIn() {
  if (!session.key) me.current = null;
  else {
    try {
      me.current = (await api('whoami')).data;
      setZone(me.current.timeZone);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) { session.clear(); me.current = null; } else throw e;
    }
  }
  showChrome();
}

export function signOut() {
  session.clear();
  me.current = null;
  showChrome();
  navigate('#/login');
}
