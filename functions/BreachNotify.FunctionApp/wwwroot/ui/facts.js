// The facts form (assessment contract) and the live assessment view, shared by "Report" and "Edit facts".
import { h, field, checkbox, select, clear } from './dom.js';
import * as W from './words.js';
import { api, ApiError } from './api.js';

/** Builds the facts fieldsets; returns { element, read(), fill(facts), onChange(fn) }. */
export function factsForm(prefix = 'facts.') {
  const listeners = [];
  const changed = () => listeners.forEach(fn => fn());

  const typeBoxes = W.breachTypes.map(([v, text, hint]) => checkbox(text, { name: 'breachTypes', value: v }, hint));
  const catBoxes = W.dataCategories.map(([v, text, hint]) => checkbox(text, { name: 'dataCategories', value: v }, hint || null));
  const num = (name, attrs = {}) => h('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', name, 'data-field': prefix + name, ...attrs });
  const dataSubjects = num('dataSubjects', { required: true });
  const records = num('records');
  const sel = (name, options) => select(options, { name, 'data-field': prefix + name });
  const prot = sel('protection', W.protection);
  const expo = sel('exposure', [['', 'Choose…'], ...W.exposure]);
  const exfil = sel('exfiltration', [['', 'Choose…'], ...W.exfiltration]);
  const avail = sel('availabilityImpact', W.availabilityImpact);
  const integ = sel('integrityImpact', W.integrityImpact);
  const flag = (name, text, hint) => checkbox(text, { name, 'data-field': prefix + name }, hint);

  const typesSet = h('fieldset', { class: 'group', 'data-field': prefix + 'breachTypes', id: `${prefix}bt`.replace(/\W/g, '-') },
    h('legend', {}, 'What happened to the data? (one or more)'), typeBoxes, h('p', { class: 'error', id: `${prefix}bt`.replace(/\W/g, '-') + '-error', hidden: true }));
  const catsSet = h('fieldset', { class: 'group cols', 'data-field': prefix + 'dataCategories', id: `${prefix}dc`.replace(/\W/g, '-') },
    h('legend', {}, 'Which kinds of personal data? (one or more)'), catBoxes, h('p', { class: 'error', id: `${prefix}dc`.replace(/\W/g, '-') + '-error', hidden: true }));

  const confOnly = h('div', { class: 'conditional', 'data-when': 'confidentiality' },
    field('Who could have seen the data?', expo, 'Required when data was disclosed or accessed.'),
    field('Was the data copied out (exfiltrated)?', exfil, 'Required when data was disclosed or accessed.'));
  const availOnly = h('div', { class: 'conditional', 'data-when': 'availability' }, field('How bad is the loss of access?', avail));
  const integOnly = h('div', { class: 'conditional', 'data-when': 'integrity' }, field('Can the altered data be put right?', integ));

  const element = h('div', { class: 'facts' },
    typesSet,
    catsSet,
    h('div', { class: 'row' },
      field('About how many people are affected?', dataSubjects, 'A best estimate is fine; you can update it later.'),
      field('About how many records? (optional)', records)),
    field('How was the data protected?', prot, 'Protection only counts if the key or salt was not exposed too.'),
    flag('protectionCompromised', 'The key, salt or pseudonymisation table was exposed too'),
    confOnly, availOnly, integOnly,
    h('fieldset', { class: 'group' }, h('legend', {}, 'Circumstances'),
      flag('vulnerableSubjects', 'Children, patients or other vulnerable people are affected'),
      flag('maliciousIntent', 'Deliberate: an attack, theft or insider misuse'),
      flag('misuseObserved', 'We have seen the data being misused', 'fraud, impersonation, phishing with the data'),
      flag('contained', 'Contained: measures make misuse unlikely', 'remote wipe, confirmed deletion or return, credentials reset'),
      flag('disproportionateEffort', 'Telling each person individually would take disproportionate effort', 'Art 34(3)(c): a public communication may replace individual notices')));

  const typesChecked = () => typeBoxes.map(b => b.querySelector('input')).filter(i => i.checked).map(i => i.value);
  const syncConditional = () => {
    const types = typesChecked();
    for (const c of element.querySelectorAll('.conditional')) c.hidden = !types.includes(c.dataset.when);
  };
  element.addEventListener('input', () => { syncConditional(); changed(); });
  element.addEventListener('change', () => { syncConditional(); changed(); });
  syncConditional();

  const boolOf = name => element.querySelector(`input[name="${name}"]`).checked;
  function read() {
    const types = typesChecked();
    const facts = {
      breachTypes: types,
      dataCategories: catBoxes.map(b => b.querySelector('input')).filter(i => i.checked).map(i => i.value),
      dataSubjects: dataSubjects.value === '' ? null : Number(dataSubjects.value),
      records: records.value === '' ? null : Number(records.value),
      protection: prot.value,
      protectionCompromised: boolOf('protectionCompromised'),
      vulnerableSubjects: boolOf('vulnerableSubjects'),
      maliciousIntent: boolOf('maliciousIntent'),
      misuseObserved: boolOf('misuseObserved'),
      contained: boolOf('contained'),
      disproportionateEffort: boolOf('disproportionateEffort'),
      availabilityImpact: types.includes('availability') ? avail.value : 'none',
      integrityImpact: types.includes('integrity') ? integ.value : 'none',
    };
    if (types.includes('confidentiality')) {
      if (expo.value) facts.exposure = expo.value;
      if (exfil.value) facts.exfiltration = exfil.value;
    } else {
      facts.exposure = 'none';
      facts.exfiltration = 'ruled-out';
    }
    if (facts.dataSubjects === null) delete facts.dataSubjects;
    return facts;
  }

  /** True when the user has started on the facts at all (a report may be filed without facts). */
  const started = () => typesChecked().length > 0 || read().dataCategories.length > 0 || dataSubjects.value !== '';

  function fill(f) {
    if (!f) return;
    for (const b of typeBoxes) { const i = b.querySelector('input'); i.checked = f.breachTypes?.includes(i.value); }
    for (const b of catBoxes) { const i = b.querySelector('input'); i.checked = f.dataCategories?.includes(i.value); }
    dataSubjects.value = f.dataSubjects ?? '';
    records.value = f.records ?? '';
    prot.value = f.protection ?? 'none';
    expo.value = f.exposure ?? '';
    exfil.value = f.exfiltration ?? '';
    avail.value = f.availabilityImpact ?? 'none';
    integ.value = f.integrityImpact ?? 'none';
    for (const n of ['protectionCompromised', 'vulnerableSubjects', 'maliciousIntent', 'misuseObserved', 'contained', 'disproportionateEffort'])
      element.querySelector(`input[name="${n}"]`).checked = !!f[n];
    syncConditional();
  }

  return { element, read, fill, started, onChange: fn => listeners.push(fn) };
}

/** The engine's assessment: risk, notices, ENISA breakdown, exemptions and reasons. */
export function assessmentView(a) {
  const s = a.severity;
  return h('div', { class: 'assessment', 'data-risk': a.risk },
    h('p', { class: 'risk-line' }, h('span', { class: `badge risk-${a.risk}` }, W.riskWords[a.risk] ?? a.risk),
      ' ENISA severity ', h('strong', {}, W.severityWords[s.level] ?? s.level), ` (score ${s.score})`),
    h('ul', { class: 'notices' },
      h('li', {}, a.notifyAuthority ? 'Notify the supervisory authority (Art 33(1))' : 'No notification of the authority required'),
      h('li', {}, a.notifyDataSubjects ? 'Tell the affected people (Art 34(1))' : 'No communication to the people required'),
      a.publicCommunication ? h('li', {}, 'Make a public communication instead of individual notices (Art 34(3)(c))') : null),
    h('details', { class: 'enisa' }, h('summary', {}, 'ENISA breakdown'),
      h('p', {}, `Data processing context ${s.dataProcessingContext} × ease of identification ${s.easeOfIdentification} + circumstances ${s.circumstances} = ${s.score}`)),
    a.exemptions?.length ? h('p', {}, 'Art 34(3) exemptions: ', a.exemptions.join(', ')) : null,
    h('h4', {}, 'Reasons'),
    h('ul', { class: 'reasons' }, (a.reasons ?? []).map(r => h('li', {}, r))),
    h('p', { class: 'muted' }, `Engine ${a.engineVersion}`));
}

/**
 * Re-assesses on every change (debounced) through POST /api/assessments and shows the answer, or what is still
 * missing, in an aria-live region.
 */
export function liveAssessment(form, target) {
  let timer = null;
  let generation = 0;
  const run = async () => {
    const gen = ++generation;
    if (!form.started()) { clear(target).append(h('p', { class: 'muted' }, 'Fill in the facts to see the assessment.')); return; }
    try {
      const { data } = await api('assessments', { method: 'POST', json: form.read() });
      if (gen !== generation) return;
      clear(target).append(assessmentView(data));
    } catch (e) {
      if (gen !== generation) return;
      if (e instanceof ApiError && e.status === 400) {
        const items = Object.entries(e.problem?.errors ?? {}).map(([k, v]) => h('li', {}, `${k.replace(/^facts\./, '')}: ${v.join(' ')}`));
        clear(target).append(h('p', {}, 'Still needed before the engine can judge:'), h('ul', { class: 'missing' }, items));
      } else if (e instanceof ApiError && e.status === 403) {
        clear(target).append(h('p', { class: 'muted' }, 'Your role may not run assessments.'));
      } else clear(target).append(h('p', { class: 'error' }, e.message));
    }
  };
  form.onChange(() => { clearTimeout(timer); timer = setTimeout(run, 250); });
  run();
}
