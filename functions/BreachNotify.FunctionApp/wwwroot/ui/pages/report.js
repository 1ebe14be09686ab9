import { api, ApiError, newIdempotencyKey } from '../api.js';
import { h, field, select, showProblem } from '../dom.js';
import { localInputToIso, isoToLocalInput, getZone } from '../time.js';
import { factsForm, liveAssessment } from '../facts.js';
import { me, navigate, toast } from '../state.js';

export async function reportPage(view) {
  view.append(h('h1', {}, 'Report an incident'));
  if (!me.can('report')) { view.append(h('p', { class: 'alert' }, 'Your role may read incidents but not report them.')); return; }

  const zone = getZone();
  const title = h('input', { type: 'text', name: 'title', 'data-field': 'title', required: true, maxlength: 200 });
  const description = h('textarea', { name: 'description', 'data-field': 'description', rows: 3 });
  const detectedAt = h('input', { type: 'datetime-local', name: 'detectedAt', 'data-field': 'detectedAt', value: isoToLocalInput(new Date().toISOString()) });
  const awareAt = h('input', { type: 'datetime-local', name: 'awareAt', 'data-field': 'awareAt' });
  const occurredAt = h('input', { type: 'datetime-local', name: 'occurredAt', 'data-field': 'occurredAt' });
  const role = select([['controller', 'Controller (our own processing)'], ['processor', 'Processor (for a customer)']], { name: 'role', 'data-field': 'role' });
  const customer = h('input', { type: 'text', name: 'controllerCustomer', 'data-field': 'controllerCustomer' });
  const customerField = field('Which customer (controller)?', customer, 'They must be told without undue delay (Art 33(2)).');
  const countries = h('input', { type: 'text', name: 'countries', 'data-field': 'countries', placeholder: 'NL, BE', autocomplete: 'off' });
  const owner = h('input', { type: 'text', name: 'owner', 'data-field': 'owner' });
  const facts = factsForm('facts.');
  const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
  const assessment = h('div', { class: 'live', 'aria-live': 'polite', 'aria-busy': 'false' });
  role.addEventListener('change', () => { customerField.hidden = role.value !== 'processor'; });
  customerField.hidden = true;

  const form = h('form', { class: 'report split', novalidate: true },
    h('section', { class: 'card' }, h('h2', {}, 'What happened'),
      field('Title', title, 'A short name, e.g. "Laptop stolen from car". No personal data.'),
      field('Description (optional)', description),
      h('div', { class: 'row' },
        field(`Detected (${zone})`, detectedAt, 'When the signal was first noticed.'),
        field(`Aware of a breach (${zone}, optional)`, awareAt, 'When you became reasonably certain personal data was affected. This starts the 72-hour clock; leave empty while it is only suspected.')),
      field(`Occurred (${zone}, optional)`, occurredAt),
      h('div', { class: 'row' }, field('Our role', role), field('Countries affected (optional)', countries, 'Two-letter codes, comma separated.')),
      customerField,
      field('Owner (optional)', owner, 'Team or person handling it.')),
    h('section', { class: 'card' }, h('h2', {}, 'Facts for the risk assessment'),
      h('p', { class: 'muted' }, 'Optional now, needed before a decision. The live assessment follows your answers.'),
      facts.element),
    // After the facts in reading order (phones), beside them on wide screens.
    h('aside', { class: 'card sticky', 'aria-labelledby': 'live-h' }, h('h2', { id: 'live-h' }, 'Live assessment'), assessment),
    summary,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Report incident')));

  view.append(form);
  liveAssessment(facts, assessment);

  // One key per filled-in form: a double click or a retry after a timeout creates one incident.
  const idempotencyKey = newIdempotencyKey();
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const body = {
      title: title.value.trim(),
      description: description.value.trim() || null,
      detectedAt: localInputToIso(detectedAt.value),
      awareAt: localInputToIso(awareAt.value),
      occurredAt: localInputToIso(occurredAt.value),
      role: role.value,
      controllerCustomer: role.value === 'processor' ? customer.value.trim() || null : null,
      countries: countries.value.split(/[\s,;]+/).map(c => c.trim().toUpperCase()).filter(Boolean),
      owner: owner.value.trim() || null,
    };
    if (facts.started()) body.facts = facts.read();
    for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const { data } = await api('incidents', { method: 'POST', json: body, headers: { 'Idempotency-Key': idempotencyKey } });
      toast(`Incident ${data.id} reported.`);
      navigate(`#/incident/${encodeURIComponent(data.id)}`);
    } catch (e) {
      showProblem(form, e instanceof ApiError ? e.problem : { title: e.message }, summary);
    } finally { button.disabled = false; }
  });
}
