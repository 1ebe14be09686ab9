import { api } from '../api.js';
import { h, field, select, clear } from '../dom.js';
import { timeEl, countdownEl, nearestDeadline, noClockText } from '../time.js';
import { me, navigate } from '../state.js';
import * as W from '../words.js';

const MAX_LIST = 1000;     // incidents read for one view (5 pages of 200)
const DETAIL_LIMIT = 100;  // rows completed with risk and deadlines from their detail
const PARALLEL = 4;

export async function incidentsPage(view, params) {
  const filter = params.get('status') ?? 'open';
  const choose = select([['open', 'Open (suspected, confirmed, notified)'], ['all', 'All'], ...W.statuses.map(s => [s, s[0].toUpperCase() + s.slice(1)])],
    { name: 'status' });
  choose.value = filter;
  choose.addEventListener('change', () => navigate(`#/incidents?status=${choose.value}`));
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' }, 'Loading…');
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Incidents'),
      me.can('report') ? h('a', { class: 'button primary', href: '#/report' }, 'Report an incident') : null),
    h('form', { class: 'filters', onsubmit: e => e.preventDefault() }, field('Show', choose)),
    status);

  const items = await loadList(filter);
  // Open first (they have clocks running), newest first within each group.
  const open = new Set(W.openStatuses);
  items.sort((a, b) => (open.has(b.status) - open.has(a.status)) || (new Date(b.createdAt) - new Date(a.createdAt)));
  status.textContent = items.length ? `${items.length} incident${items.length === 1 ? '' : 's'}` : 'No incidents.';
  if (!items.length) return;

  const tbody = h('tbody');
  const table = h('table', { class: 'incidents responsive' },
    h('caption', { class: 'visually-hidden' }, 'Incidents, open first, with the nearest deadline'),
    h('thead', {}, h('tr', {}, ['Incident', 'Status', 'Risk', 'Next deadline', 'Source', 'Detected'].map(t => h('th', { scope: 'col' }, t)))),
    tbody);
  const rows = items.map(i => {
    const risk = h('td', { 'data-label': 'Risk' }, h('span', { class: 'muted' }, '…'));
    const deadline = h('td', { 'data-label': 'Next deadline' }, h('span', { class: 'muted' }, '…'));
    tbody.append(h('tr', { 'data-id': i.id },
      h('th', { scope: 'row', 'data-label': 'Incident' }, h('a', { href: `#/incident/${encodeURIComponent(i.id)}` }, i.title), h('br'), h('span', { class: 'id' }, i.id)),
      h('td', { 'data-label': 'Status' }, h('span', { class: `badge status-${i.status}` }, i.status)),
      risk, deadline,
      h('td', { 'data-label': 'Source' }, i.source),
      h('td', { 'data-label': 'Detected' }, timeEl(i.detectedAt))));
    return { item: i, risk, deadline };
  });
  view.append(h('div', { class: 'table-wrap' }, table));

  // The list has no risk or deadlines: complete the first rows from their details, a few at a time.
  const queue = rows.slice(0, DETAIL_LIMIT);
  for (const r of rows.slice(DETAIL_LIMIT)) { fill(r.risk, '—'); fill(r.deadline, '—'); }
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let r; (r = queue.shift());) {
      try {
        const { data } = await api(`incidents/${encodeURIComponent(r.item.id)}`);
        const a = data.assessment;
        fill(r.risk, a ? h('span', {}, h('span', { class: `badge risk-${a.risk}` }, W.riskWords[a.risk]),
          a.currentEngineDiffers ? h('span', { class: 'drift-flag', title: `Engine ${a.current.engineVersion} decides differently` }, ' engine differs') : null)
          : h('span', { class: 'muted' }, 'not assessed'));
        fill(r.deadline, deadlineCell(data));
      } catch (e) { fill(r.risk, '?'); fill(r.deadline, h('span', { class: 'error' }, e.message)); }
    }
  }));
}

function fill(td, content) { clear(td).append(content); }

export function deadlineCell(incident) {
  if (!('deadlines' in incident)) return h('span', { class: 'muted', title: 'This server does not report deadlines yet' }, 'not available');
  const d = nearestDeadline(incident.deadlines);
  if (!d) return h('span', { class: 'muted', 'data-no-clock': '' }, noClockText(incident));
  return h('span', { class: 'deadline' }, countdownEl(d), h('span', { class: 'obligation' }, ' ', W.obligationText(d)));
}

async function loadList(filter) {
  const status = W.statuses.includes(filter) ? `&status=${filter}` : '';
  let url = `incidents?pageSize=200${status}`;
  const items = [];
  while (url && items.length < MAX_LIST) {
    const { data } = await api(url);
    items.push(...data.items);
    url = data.next ? data.next.replace(/^\/api\//, '') : null;
  }
  return filter === 'open' ? items.filter(i => W.openStatuses.includes(i.status)) : items;
}
