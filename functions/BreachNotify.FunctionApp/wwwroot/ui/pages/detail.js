import { api, optional, ApiError, newIdempotencyKey } from '../api.js';
import { h, field, select, checkbox, clear, showProblem } from '../dom.js';
import { timeEl, countdownEl, deadlineState, localInputToIso, isoToLocalInput, getZone } from '../time.js';
import { factsForm, assessmentView, liveAssessment } from '../facts.js';
import { me, navigate, toast, onLeave } from '../state.js';
import { noticeTextsCard } from './notice-texts.js';
import * as W from '../words.js';

const POLL_MS = 5000;

export async function detailPage(view, id) {
  let incident;
  try {
    incident = (await api(`incidents/${encodeURIComponent(id)}`)).data;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      view.append(h('h1', {}, 'Incident not found'), h('p', {}, h('a', { href: '#/incidents' }, 'Back to incidents')));
      return;
    }
    throw e;
  }
  const reload = () => navigate(`#/incident/${encodeURIComponent(id)}`);
  const base = `incidents/${encodeURIComponent(id)}`;
  const open = W.openStatuses.includes(incident.status);

  view.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, '← Incidents')),
    h('div', { class: 'title-row' },
      h('h1', {}, incident.title),
      h('span', { class: `badge status-${incident.status}` }, incident.status)),
    h('p', { class: 'id' }, incident.id),
    incident.notices ? h('p', { class: 'status-note', 'data-status-note': '' }, incident.notices.summary) : null,
    lifecycleActions(incident, base, reload),
    h('div', { class: 'grid' },
      deadlinesCard(incident),
      noticesCard(incident, base, reload),
      summaryCard(incident),
      decisionCard(incident, base, reload),
      assessmentCard(incident, base, reload),
      noticeTextsCard(incident, base, { card, notAvailable }),
      recipientsCard(incident, base),
      notificationsCard(incident, base, open),
      timelineCard(incident, base)));
}

export function card(title, ...content) {
  const hid = 'h-' + title.toLowerCase().replace(/[^a-z]+/g, '-');
  return h('section', { class: 'card', 'aria-labelledby': hid, 'data-panel': hid.slice(2) }, h('h2', { id: hid }, title), ...content);
}

export const notAvailable = what => h('p', { class: 'muted unavailable' }, `${what} not available on this server yet.`);

function dl(pairs) {
  return h('dl', { class: 'pairs' }, pairs.filter(p => p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

/** What to do in this dashboard to make each kind of notice. */
const howTo = {
  authority: 'Submit the notice through the authority\'s portal, then record the portal\'s reference below. An authority notice e-mailed to our own mailbox does not count.',
  'data-subjects': 'Upload the data subjects under Recipients, then send the data-subject notice under Notifications.',
  controllers: 'Upload the controller\'s contact under Recipients (kind controller), then send the controller notice under Notifications.',
  public: 'Send the public communication under Notifications for publication.',
};

/**
 * The notices the incident requires and which are made (GET …/{id} notices): why the status says confirmed or
 * notified, and for each notice still owed, how to make it here. The DPO records the authority's portal submission.
 */
function noticesCard(i, base, reload) {
  if (!i.notices) return card('Notices owed', notAvailable('The notices owed are'));
  const n = i.notices;
  const items = n.required.map(r => h('li', { 'data-recipient': r.recipient, 'data-made': String(r.made) },
    h('p', {}, h('strong', {}, W.label(W.noticeRecipients, r.recipient)), ' — ',
      r.made ? h('span', { class: 'ok' }, 'made ', timeEl(r.madeAt), r.reference ? ` (reference ${r.reference})` : '')
        : h('span', { class: 'owed' }, 'still to make')),
    h('p', { class: 'small muted' }, r.basis),
    r.made ? null : h('p', { class: 'small' }, howTo[r.recipient] ?? r.toDo)));
  const c = card('Notices owed', h('p', { 'data-notices-summary': '' }, n.summary),
    items.length ? h('ul', { class: 'obligations' }, items) : null);
  const owesAuthority = n.required.some(r => r.recipient === 'authority' && !r.made);
  if (owesAuthority && me.can('dpo') && W.openStatuses.includes(i.status)) c.append(authoritySubmissionForm(i, base, reload));
  return c;
}

function authoritySubmissionForm(i, base, reload) {
  const reference = h('input', { type: 'text', 'data-field': 'reference', required: true, autocomplete: 'off' });
  const at = h('input', { type: 'datetime-local', 'data-field': 'submittedAt', value: isoToLocalInput(new Date().toISOString()) });
  const reasons = h('textarea', { 'data-field': 'reasonsForDelay', rows: 2 });
  const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
  const form = h('form', { novalidate: true },
    field('Portal reference or receipt number', reference),
    field(`Submitted at (${getZone()})`, at),
    field('Reasons for delay (when late)', reasons, 'Art 33(1): required when the authority is notified after 72 hours.'),
    summary, h('button', { type: 'submit', class: 'primary' }, 'Record the submission'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    try {
      await api(`${base}/authority-submissions`, { method: 'POST',
        json: { reference: reference.value.trim(), submittedAt: localInputToIso(at.value), reasonsForDelay: reasons.value.trim() || null } });
      toast('Authority submission recorded.');
      reload();
    } catch (err) { showProblem(form, err.problem ?? { title: err.message }, summary); }
  });
  return h('details', { class: 'action' }, h('summary', {}, 'Record the authority\'s portal submission'), form);
}

function summaryCard(i) {
  return card('Summary', dl([
    ['Description', i.description],
    ['Source', i.source.kind + (i.source.externalId ? ` (${i.source.externalId})` : '')],
    ['Reporter', i.reporter],
    ['Owner', i.owner],
    ['Our role', i.role + (i.controllerCustomer ? ` for ${i.controllerCustomer}` : '')],
    ['Countries', i.countries?.join(', ') || null],
    ['Detected', timeEl(i.detectedAt)],
    ['Aware', i.awareAt ? timeEl(i.awareAt) : 'not yet (suspected)'],
    ['Occurred', i.occurredAt ? timeEl(i.occurredAt) : null],
    ['Reported', timeEl(i.createdAt)],
    i.closedAt ? ['Closed', timeEl(i.closedAt)] : null,
    i.dismissalReason ? ['Dismissed because', i.dismissalReason] : null,
  ]));
}

function lifecycleActions(i, base, reload) {
  const box = h('div', { class: 'lifecycle' });
  const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
  const post = async (form, path, body) => {
    try {
      await api(`${base}/${path}`, { method: 'POST', json: body, headers: { 'If-Match': i.eTag } });
      toast(`Incident ${path === 'confirm' ? 'confirmed' : path === 'dismiss' ? 'dismissed' : 'closed'}.`);
      reload();
    } catch (e) { showProblem(form, e.problem ?? { title: e.message }, summary); }
  };
  if (i.status === 'suspected' && me.can('report')) {
    const aware = h('input', { type: 'datetime-local', 'data-field': 'awareAt', required: true, value: isoToLocalInput(new Date().toISOString()) });
    const note = h('input', { type: 'text', 'data-field': 'note' });
    const form = h('form', { class: 'inline', novalidate: true },
      field(`Aware of a breach at (${getZone()})`, aware), field('Note (optional)', note),
      h('button', { type: 'submit', class: 'primary' }, 'Confirm breach (starts the clock)'));
    form.addEventListener('submit', e => { e.preventDefault(); post(form, 'confirm', { awareAt: localInputToIso(aware.value), note: note.value || null }); });
    box.append(h('details', { class: 'action' }, h('summary', {}, 'Confirm as a personal data breach'), form));
  }
  if (W.openStatuses.includes(i.status) && me.can('dpo')) {
    const reason = h('textarea', { 'data-field': 'reason', rows: 2, required: true });
    const dform = h('form', { class: 'inline', novalidate: true }, field('Why is this not a personal data breach?', reason),
      h('button', { type: 'submit', class: 'danger' }, 'Dismiss'));
    dform.addEventListener('submit', e => { e.preventDefault(); post(dform, 'dismiss', { reason: reason.value }); });
    const note = h('input', { type: 'text', 'data-field': 'note' });
    const cform = h('form', { class: 'inline', novalidate: true }, field('Closing note (optional)', note),
      h('button', { type: 'submit' }, 'Close incident'));
    cform.addEventListener('submit', e => { e.preventDefault(); post(cform, 'close', { note: note.value || null }); });
    box.append(h('details', { class: 'action' }, h('summary', {}, 'Dismiss'), dform),
      h('details', { class: 'action' }, h('summary', {}, 'Close'), cform));
  }
  box.append(summary);
  return box.childElementCount > 1 ? box : null;
}

function deadlinesCard(i) {
  if (!('deadlines' in i)) return card('Deadlines', notAvailable('Deadlines are'));
  if (!i.deadlines?.length) return card('Deadlines', h('p', { class: 'muted' }, i.awareAt ? 'No deadlines apply.' : 'The clock starts when the incident is confirmed (awareness).'));
  const rows = i.deadlines.map(d => {
    const state = deadlineState(d);
    // A due instant means something only while the obligation applies and its clock runs (or when it was met).
    const due = d.dueAt && !['not-required', 'not-started', 'no-deadline'].includes(state);
    return h('tr', { 'data-state': state },
      h('td', { 'data-label': 'Obligation' }, W.obligationText(d), h('br'), h('span', { class: 'muted small' }, W.label(W.noticeRecipients, d.recipient)),
        d.reason ? h('p', { class: 'small muted reason' }, d.reason) : null),
      h('td', { 'data-label': 'Due' }, due ? [timeEl(d.dueAt), d.outerBoundAt ? h('span', { class: 'muted small' }, h('br'), 'outer bound ', timeEl(d.outerBoundAt)) : null] : '—'),
      h('td', { 'data-label': 'Countdown' }, countdownEl(d)),
      h('td', { 'data-label': 'Met' }, d.metAt ? timeEl(d.metAt) : '—'));
  });
  return card('Deadlines', h('table', { class: 'responsive deadlines' },
    h('thead', {}, h('tr', {}, ['Obligation', 'Due', 'Countdown', 'Met'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows)));
}

function factsList(f) {
  if (!f) return h('p', { class: 'muted' }, 'No facts recorded yet.');
  const yes = [
    f.vulnerableSubjects && 'vulnerable people affected', f.maliciousIntent && 'deliberate', f.misuseObserved && 'misuse observed',
    f.contained && 'contained', f.protectionCompromised && 'protection compromised', f.disproportionateEffort && 'individual notice disproportionate',
    f.openRecipientList && 'addresses shown to each other (To/Cc)',
  ].filter(Boolean);
  return dl([
    ['What happened', f.breachTypes.map(t => W.label(W.breachTypes, t)).join(', ')],
    ['Data', f.dataCategories.map(c => W.label(W.dataCategories, c)).join(', ')],
    ['People', String(f.dataSubjects)],
    f.records != null ? ['Records', String(f.records)] : null,
    f.recipients != null ? ['Received by mistake by', `${f.recipients} recipient(s)`] : null,
    ['Protection', W.label(W.protection, f.protection)],
    f.breachTypes.includes('confidentiality') ? ['Seen by', W.label(W.exposure, f.exposure)] : null,
    f.breachTypes.includes('confidentiality') ? ['Exfiltration', W.label(W.exfiltration, f.exfiltration)] : null,
    f.breachTypes.includes('availability') ? ['Availability', W.label(W.availabilityImpact, f.availabilityImpact)] : null,
    f.breachTypes.includes('integrity') ? ['Integrity', W.label(W.integrityImpact, f.integrityImpact)] : null,
    yes.length ? ['Circumstances', yes.join(', ')] : null,
  ]);
}

function assessmentCard(i, base, reload) {
  const body = h('div', {}, factsList(i.facts),
    i.assessment ? [h('h3', {}, 'Assessment ', h('span', { class: 'muted small' }, 'as of ', timeEl(i.assessedAt))), assessmentView(i.assessment, i.facts)]
      : h('p', { class: 'muted' }, 'Not assessed: record the facts first.'));
  const c = card('Facts and assessment', body);
  if (me.can('report') && W.openStatuses.includes(i.status)) {
    const facts = factsForm('facts.');
    facts.fill(i.facts);
    const live = h('div', { class: 'live', 'aria-live': 'polite' });
    const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
    const form = h('form', { novalidate: true }, facts.element, h('h3', {}, 'Assessment of these facts'), live, summary,
      h('button', { type: 'submit', class: 'primary' }, 'Save facts'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        await api(base, { method: 'PATCH', json: { facts: facts.read() }, contentType: 'application/merge-patch+json', headers: { 'If-Match': i.eTag } });
        toast('Facts saved and re-assessed.');
        reload();
      } catch (err) { showProblem(form, err.problem ?? { title: err.message }, summary); }
    });
    const details = h('details', { class: 'action' }, h('summary', {}, i.facts ? 'Edit facts' : 'Record facts'), form);
    details.addEventListener('toggle', () => { if (details.open && !live.childElementCount) liveAssessment(facts, live); });
    c.append(details);
  }
  return c;
}

function decisionCard(i, base, reload) {
  const d = i.decision;
  const c = card('DPO decision',
    d ? [dl([
      ['Authority', d.notifyAuthority ? 'notify' : 'do not notify'],
      ['Data subjects', d.notifyDataSubjects ? 'notify' : 'do not notify'],
      ['Public communication', d.publicCommunication ? 'yes' : 'no'],
      ['Rationale', h('span', { class: 'prewrap' }, d.rationale)],
      ['Decided', [d.decidedBy, ' · ', timeEl(d.decidedAt)]],
      ['Based on', `${W.riskWords[d.basedOnRisk] ?? d.basedOnRisk} (engine ${d.engineVersion})`],
    ]), d.isOverride ? h('div', { class: 'override' }, h('strong', {}, 'Override of the engine: '), h('ul', {}, d.departures.map(x => h('li', {}, x)))) : null]
      : h('p', { class: 'muted' }, 'No decision recorded yet.'));
  if (me.can('dpo') && W.openStatuses.includes(i.status)) {
    const rec = d ?? i.assessment;
    const auth = checkbox('Notify the supervisory authority', { 'data-field': 'notifyAuthority', checked: !!rec?.notifyAuthority });
    const subj = checkbox('Tell the data subjects', { 'data-field': 'notifyDataSubjects', checked: !!rec?.notifyDataSubjects });
    const pub = checkbox('Public communication', { 'data-field': 'publicCommunication', checked: !!rec?.publicCommunication });
    const rationale = h('textarea', { 'data-field': 'rationale', rows: 4, required: true });
    const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
    const form = h('form', { novalidate: true },
      h('fieldset', { class: 'group' }, h('legend', {}, 'Notices'), auth, subj, pub),
      field('Rationale', rationale, 'Required (Art 33(5)): why these notices, in words an authority can verify.'),
      summary, h('button', { type: 'submit', class: 'primary' }, 'Record decision'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const val = b => b.querySelector('input').checked;
      try {
        await api(`${base}/decision`, { method: 'POST', headers: { 'If-Match': i.eTag },
          json: { notifyAuthority: val(auth), notifyDataSubjects: val(subj), publicCommunication: val(pub), rationale: rationale.value } });
        toast('Decision recorded.');
        reload();
      } catch (err) { showProblem(form, err.problem ?? { title: err.message }, summary); }
    });
    if (!i.assessment) c.append(h('p', { class: 'muted' }, 'The engine has not assessed this incident; the decision needs an assessment first.'));
    c.append(h('details', { class: 'action', open: !d }, h('summary', {}, d ? 'Change the decision' : 'Record the decision'), form));
  }
  return c;
}

/** "12 (English 5, Nederlands 7)": a count with its split by language, in words. */
function byLanguage(total, split) {
  const parts = W.languages.filter(([l]) => split?.[l]).map(([l, name]) => `${name} ${split[l]}`);
  return parts.length ? `${total} (${parts.join(', ')})` : String(total);
}

/** GET …/recipients: how many people of each kind in which language, and where their notices stand. */
function recipientsView(data) {
  if (!data?.total) return h('p', { class: 'muted' }, 'No recipients uploaded yet.');
  const kinds = W.recipientKinds.filter(([k]) => data.byKind?.[k]);
  return dl([
    ['Recipients', `${data.total} in all`],
    ...kinds.map(([k, text]) => [text, byLanguage(data.byKind[k], data.byKindAndLanguage?.[k])]),
    ['Their notices', W.countsText(data.noticesByStatus, W.deliveryStatuses, 'none sent yet')],
  ]);
}

/**
 * A card that shows an optional endpoint (a panel that says "not available" when it answers 404), then, when the
 * data is there, lets `controls(card, show)` add what the user may do; `show()` reloads the panel.
 */
function liveCard(title, url, what, render, controls) {
  const c = card(title, h('p', { class: 'muted' }, 'Loading…'));
  const body = h('div', { 'aria-live': 'polite' });
  const show = async () => {
    const r = await optional(url);
    clear(body);
    if (!r.available) { body.append(notAvailable(what)); return false; }
    body.append(render(r.data));
    return true;
  };
  (async () => {
    let available = false;
    try { available = await show(); } catch (e) { body.append(h('p', { class: 'error' }, e.message)); }
    c.querySelector('p.muted')?.remove();
    c.append(body);
    if (available) controls(c, show);
  })();
  return c;
}

function recipientsCard(i, base) {
  return liveCard('Recipients', `${base}/recipients`, 'Recipients are', recipientsView, (c, show) => {
    if (!me.can('report')) return;
    const file = h('input', { type: 'file', accept: '.csv,text/csv', 'data-field': 'file', required: true });
    const report = h('div', { class: 'upload-report', 'aria-live': 'polite' });
    const form = h('form', { novalidate: true },
      field('Recipients CSV', file, 'Header: email,name,language,country,kind,externalId (kind data-subject or controller; language nl, en, fr or de). Uploading the same file again adds nothing.'),
      h('button', { type: 'submit', class: 'primary' }, 'Upload'), report);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      if (!file.files.length) { clear(report).append(h('p', { class: 'error' }, 'Choose a CSV file first.')); return; }
      clear(report).append(h('p', { class: 'muted' }, 'Uploading…'));
      try {
        const { data } = await api(`${base}/recipients`, { method: 'POST', body: file.files[0], contentType: 'text/csv' });
        clear(report).append(h('p', { class: 'ok' }, `Accepted ${data.accepted}, duplicates ${data.duplicates}, rejected ${data.rejected?.length ?? 0}.`),
          data.rejected?.length ? h('table', { class: 'rejected' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Reason'))),
            h('tbody', {}, data.rejected.map(x => h('tr', {}, h('td', {}, String(x.line)), h('td', {}, x.reason))))) : null);
        await show();
      } catch (err) { clear(report).append(h('p', { class: 'error', role: 'alert' }, err.message)); }
    });
    c.append(form);
  });
}

function notificationList(data) {
  const list = Array.isArray(data) ? data : data?.items ?? data?.notifications ?? [];
  if (!list.length) return h('p', { class: 'muted' }, 'No notifications sent yet.');
  return h('ul', { class: 'notifications' }, list.map(n => {
    const jobs = Object.values(n.jobsByStatus ?? {}).reduce((a, b) => a + b, 0);
    return h('li', { 'data-notification': n.notificationId },
      h('p', {}, h('strong', {}, W.label(W.noticeKinds, n.kind)), ` · ${W.label(W.phases, n.phase)} · ${W.label(W.notificationStatuses, n.status)}`,
        n.override ? h('span', { class: 'badge override-badge' }, 'override') : null),
      dl([
        ['Created', [timeEl(n.createdAt), ` by ${n.createdBy}`]],
        n.completedAt ? ['Completed', timeEl(n.completedAt)] : null,
        ['Recipients', byLanguage(n.recipients, n.languages)],
        ['E-mails', `${jobs} (${W.countsText(n.jobsByStatus, W.jobStatuses)})`],
        ['Delivery', W.countsText(n.recipientsByStatus, W.deliveryStatuses)],
        n.reasonsForDelay ? ['Reasons for delay', h('span', { class: 'prewrap' }, n.reasonsForDelay)] : null,
        ['Reference', h('span', { class: 'id' }, n.notificationId)],
      ]));
  }));
}

function notificationsCard(i, base, open) {
  return liveCard('Notifications', `${base}/notifications`, 'Notifications are', notificationList, (c, show) => {
    // Progress moves as jobs are sent and delivery events arrive: refresh while the page is open.
    const timer = setInterval(() => show().catch(() => {}), POLL_MS);
    onLeave(() => clearInterval(timer));
    if (!me.can('dpo') || !open) return;
    const kind = select(W.noticeKinds, { 'data-field': 'kind' });
    const phase = select(W.phases, { 'data-field': 'phase' });
    const reasons = h('textarea', { 'data-field': 'reasonsForDelay', rows: 2 });
    const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
    const result = h('p', { class: 'ok', role: 'status' });
    const form = h('form', { novalidate: true },
      h('div', { class: 'row' }, field('Notice', kind), field('Phase', phase)),
      field('Reasons for delay (when late)', reasons, 'Art 33(1): required when the authority is notified after 72 hours.'),
      summary, h('button', { type: 'submit', class: 'primary' }, 'Send notifications'), result);
    let key = newIdempotencyKey();
    form.addEventListener('input', () => { key = newIdempotencyKey(); }); // a changed request is a new request
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        const { data } = await api(`${base}/notifications`, { method: 'POST', headers: { 'Idempotency-Key': key },
          json: { kind: kind.value, phase: phase.value, reasonsForDelay: reasons.value.trim() || null } });
        showProblem(form, null, summary);
        result.textContent = `Queued: ${data.jobs} job${data.jobs === 1 ? '' : 's'} for ${data.recipients} recipient${data.recipients === 1 ? '' : 's'} (notification ${data.notificationId}).`;
        toast('Notifications queued.');
        await show();
      } catch (err) { showProblem(form, err.problem ?? { title: err.message }, summary); }
    });
    c.append(form);
  });
}

function timelineCard(i, base) {
  const entries = [...(i.timeline ?? [])].sort((a, b) => b.sequence - a.sequence);
  const list = h('ol', { class: 'timeline', reversed: true }, entries.map(e => h('li', { value: e.sequence, 'data-sequence': e.sequence },
    h('p', {}, timeEl(e.at), ' · ', h('strong', {}, e.action), ' · ', `${e.actor} (${e.actorRole})`),
    e.changes?.length ? h('ul', { class: 'changes' }, e.changes.map(c => h('li', {}, h('code', {}, c.field), ': ', fmtValue(c.oldValue), ' → ', fmtValue(c.newValue)))) : null,
    e.note ? h('p', { class: 'prewrap' }, e.note) : null,
    e.details ? h('details', {}, h('summary', {}, 'Details'), h('pre', {}, JSON.stringify(e.details, null, 2))) : null)));
  const chain = h('div', { class: 'chain', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Checking the record…'));
  (async () => {
    try {
      const r = await optional(`${base}/audit`);
      clear(chain).append(r.available ? chainView(r.data, list) : notAvailable('Verification of the record is'));
    } catch (e) { clear(chain).append(h('p', { class: 'error' }, e.message)); }
  })();
  return card('Timeline', chain, list);
}

/** The timeline's hash chain as GET …/audit checked it: intact, broken (at which entry and why) or recorded before chaining. */
function chainView(a, list) {
  const state = a.valid ? 'valid' : a.broken ? 'broken' : 'legacy';
  const verdict = {
    valid: h('p', { class: 'ok' }, `Record intact: all ${a.entries.length} entries are hash-chained and verified.`),
    legacy: h('p', { class: 'warn' }, 'Not verifiable: ', a.firstInvalid?.reason),
    broken: h('p', { class: 'error', role: 'alert' }, `Record altered: the chain breaks at entry ${a.firstInvalid?.sequence}. `, a.firstInvalid?.reason),
  }[state];
  if (state === 'broken') list.querySelector(`li[data-sequence="${a.firstInvalid?.sequence}"]`)?.classList.add('chain-break');
  return h('div', { 'data-chain': state }, verdict,
    dl([['Head hash', h('code', { class: 'hash', 'data-head-hash': a.headHash ?? '' }, a.headHash ?? '—')],
      ['Entries', String(a.entries.length)]]),
    state === 'valid' ? h('p', { class: 'muted small' }, 'Keep the head hash (the register export has it too): it proves later that the record up to this entry was not rewritten.') : null);
}

function fmtValue(v) {
  if (v === null || v === undefined || v === '') return '∅';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
