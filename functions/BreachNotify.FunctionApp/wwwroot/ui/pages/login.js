import { api, session, ApiError } from '../api.js';
import { h, field } from '../dom.js';
import { signIn, navigate } from '../state.js';

/** Only a route of this dashboard is followed after logging in, never another site. */
const safeNext = next => (typeof next === 'string' && /^#\/(incident|incidents|report|register)\b/.test(next) ? next : '#/incidents');

export async function loginPage(view, next) {
  const key = h('input', { type: 'password', name: 'apiKey', autocomplete: 'off', required: true, spellcheck: 'false' });
  const fkey = h('input', { type: 'password', name: 'functionsKey', autocomplete: 'off', spellcheck: 'false' });
  const error = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
  const form = h('form', { class: 'card narrow', novalidate: true },
    field('API key', key, 'Your personal X-Api-Key. It is kept in this browser tab only and forgotten when you close it.'),
    h('details', {}, h('summary', {}, 'Behind Azure Functions with function keys?'),
      field('Function key (optional)', fkey, 'Sent as x-functions-key when the Functions host requires it.')),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Log in'));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    error.hidden = true;
    if (!key.value.trim()) { error.textContent = 'Enter your API key.'; error.hidden = false; key.focus(); return; }
    try {
      await api('whoami', { key: key.value.trim(), functionsKey: fkey.value.trim() || null });
      session.save(key.value.trim(), fkey.value.trim() || null);
      await signIn();
      navigate(safeNext(next));
    } catch (e) {
      error.textContent = e instanceof ApiError && e.status === 401 ? 'That key was not accepted.' : `Could not log in: ${e.message}`;
      error.hidden = false;
      error.focus();
    }
  });
  view.append(h('h1', {}, 'Log in'), form);
}
