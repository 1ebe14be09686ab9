import { api } from '../api.js';
import { h } from '../dom.js';
import { timeEl } from '../time.js';
import { toast } from '../state.js';
import * as W from '../words.js';

const yesNo = b => (b === true ? 'yes' : b === false ? 'no' : '—');

export async function registerPage(view) {
  const download = h('button', { type: 'button', class: 'primary', id: 'download-csv' }, 'Download CSV');
  download.addEventListener('click', downloadCsv);
  view.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Breach register'), download),
    h('p', { class: 'muted' }, 'Every incident, notified or not, with the decision and its rationale (GDPR Art 33(5)). Times in the organisation\'s zone; the CSV has UTC.'));
  const { data } = await api('register');
  if (!data.items.length) { view.append(h('p', {}, 'The register is empty.')); return; }
  view.append(h('div', { class: 'table-wrap' }, h('table', { class: 'register responsive' },
    h('caption', { class: 'visually-hidden' }, 'Breach register'),
    h('thead', {}, h('tr', {}, ['Incident', 'Status', 'Aware', 'Facts', 'Risk', 'Decision', 'Rationale', 'Decided'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, data.items.map(e => h('tr', {},
      h('th', { scope: 'row', 'data-label': 'Incident' }, h('a', { href: `#/incident/${encodeURIComponent(e.id)}` }, e.title), h('br'), h('span', { class: 'id' }, e.id)),
      h('td', { 'data-label': 'Status' }, h('span', { class: `badge status-${e.status}` }, e.status), e.dismissalReason ? h('span', { class: 'small' }, h('br'), e.dismissalReason) : null),
      h('td', { 'data-label': 'Aware' }, e.awareAt ? timeEl(e.awareAt) : '—'),
      h('td', { 'data-label': 'Facts' }, e.dataSubjects != null ? `${e.dataSubjects} people; ${(e.dataCategories ?? []).map(c => W.label(W.dataCategories, c)).join(', ')}` : '—'),
      h('td', { 'data-label': 'Risk' }, e.risk ? h('span', { class: `badge risk-${e.risk}` }, W.riskWords[e.risk]) : '—'),
      h('td', { 'data-label': 'Decision' }, e.rationale != null
        ? [`authority ${yesNo(e.notifyAuthority)}, people ${yesNo(e.notifyDataSubjects)}, public ${yesNo(e.publicCommunication)}`, e.isOverride ? h('span', { class: 'badge override-badge' }, 'override') : null]
        : h('span', { class: 'muted' }, 'none')),
      h('td', { 'data-label': 'Rationale', class: 'prewrap' }, e.rationale ?? '—'),
      h('td', { 'data-label': 'Decided' }, e.decidedAt ? [e.decidedBy, h('br'), timeEl(e.decidedAt)] : '—')))))));
}

/** The CSV needs the API key, so it is fetched with the header and handed to the browser as a download. */
async function downloadCsv() {
  try {
    const { data, headers } = await api('register.csv', { accept: 'text/csv', blob: true });
    const name = /filename="?([^";]+)"?/.exec(headers.get('Content-Disposition') ?? '')?.[1] ?? 'breach-register.csv';
    const url = URL.createObjectURL(data);
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) { toast(`Download failed: ${e.message}`); }
}
