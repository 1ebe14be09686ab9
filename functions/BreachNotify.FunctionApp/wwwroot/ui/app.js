// BreachNotify dashboard: hash routes, session login, role-aware navigation.
import { setUnauthorizedHandler } from './api.js';
import { h, clear } from './dom.js';
import { tickAll } from './time.js';
import { me, leavePage, signIn, signOut } from './state.js';
import { loginPage } from './pages/login.js';
import { incidentsPage } from './pages/incidents.js';
import { reportPage } from './pages/report.js';
import { detailPage } from './pages/detail.js';
import { registerPage } from './pages/register.js';

const main = document.getElementById('main');

async function route() {
  leavePage();
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  // Not logged in: log in first, then go where the link pointed (a reminder e-mail links to an incident's page).
  if (!me.current && parts[0] !== 'login') { location.replace('#/login' + (path && path !== '/' ? '?next=' + encodeURIComponent(location.hash) : '')); return; }
  const section = parts[0] === 'incident' ? 'incidents' : parts[0];
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  clear(main);
  const view = h('div', { class: 'view' });
  main.append(view);
  try {
    switch (parts[0]) {
      case 'login': await loginPage(view, params.get('next')); break;
      case 'report': await reportPage(view); break;
      case 'incident': await detailPage(view, decodeURIComponent(parts[1] ?? '')); break;
      case 'register': await registerPage(view); break;
      default: await incidentsPage(view, params); break;
    }
  } catch (e) {
    clear(view).append(h('h1', {}, 'Something went wrong'), h('p', { class: 'alert' }, e.message));
  }
  // Focus the new page's heading so keyboard and screen-reader users know the page changed.
  const heading = view.querySelector('h1');
  if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: true }); }
  document.title = (heading?.textContent ? heading.textContent + ' — ' : '') + 'BreachNotify';
}

setUnauthorizedHandler(signOut);
document.getElementById('logout').addEventListener('click', signOut);
window.addEventListener('hashchange', route);
setInterval(tickAll, 1000);

try { await signIn(); } catch { /* offline or server error: the login page says so when used */ }
if (!location.hash || location.hash === '#/') location.replace(me.current ? '#/incidents' : '#/login');
else route();
