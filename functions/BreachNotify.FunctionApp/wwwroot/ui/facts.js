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
  const recipients = num('recipients', { min: 1 });
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

  const recipientsField = field('How many received it by mistake? (optional)', recipients,
    'People or organisations; leave empty while not known. Few (20 or less) who confirm deletion weigh differently from many.');
  const openListFlag = flag('openRecipientList', 'An e-mail showed its recipients each other\'s addresses (To/Cc instead of Bcc)',
    'Tick what being on the list reveals under "kinds of data" too, e.g. health for a clinic\'s clients');
  const identifiedOnly = h('div', { class: 'identified' }, recipientsField, openListFlag);
  const confOnly = h('div', { class: 'conditional', 'data-when': 'confidentiality' },
    field('Who could have seen the data?', expo, 'Required when data was disclosed or accessed.'),
    identifiedOnly,
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
    // Recipients are counted only when identified people got the data; an open To/Cc list means known recipients.
    identifiedOnly.hidden = !['trusted-recipient', 'known-recipients'].includes(expo.value);
    openListFlag.hidden = expo.value !== 'known-recipients';
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
    // Always sent, null or false when not asked: the incident page saves the facts as a merge patch, so a count
    // or a list that no longer applies must be cleared, not left as it was.
    const confidentiality = types.includes('confidentiality');
    facts.recipients = confidentiality && !identifiedOnly.hidden && recipients.value !== '' ? Number(recipients.value) : null;
    facts.openRecipientList = confidentiality && !openListFlag.hidden && boolOf('openRecipientList');
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
    recipients.value = f.recipients ?? '';
    prot.value = f.protection ?? 'none';
    expo.value = f.exposure ?? '';
    exfil.value = f.exfiltration ?? '';
    avail.value = f.availabilityImpact ?? 'none';
    integ.value = f.integrityImpact ?? 'none';
    for (const n of ['protectionCompromised', 'vulnerableSubjects', 'maliciousIntent', 'misuseObserved', 'contained', 'disproportionateEffort', 'openRecipientList'])
      element.querySelector(`input[name="${n}"]`).checked = !!f[n];
    syncConditional();
  }

  return { element, read, fill, started, onChange: fn => listeners.push(fn) };
}

/** The engine's assessment: risk, notices, what would change it, ENISA breakdown, exemptions and reasons. */
export function assessmentView(a, facts) {
  const s = a.severity;
  return h('div', { class: 'assessment', 'data-risk': a.risk },
    h('p', { class: 'risk-line' }, h('span', { class: `badge risk-${a.risk}` }, W.riskWords[a.risk] ?? a.risk),
      ' ENISA severity ', h('strong', {}, W.severityWords[s.level] ?? s.level), ` (score ${s.score})`),
    h('ul', { class: 'notices' },
      h('li', {}, a.notifyAuthority ? 'Notify the supervisory authority (Art 33(1))' : 'No notification of the authority required'),
      h('li', {}, a.notifyDataSubjects ? 'Tell the affected people (Art 34(1))' : 'No communication to the people required'),
      a.publicCommunication ? h('li', {}, 'Make a public communication instead of individual notices (Art 34(3)(c))') : null),
    a.currentEngineDiffers ? driftView(a, facts) : whatIfView(a.whatIf, facts),
    h('details', { class: 'enisa' }, h('summary', {}, 'ENISA breakdown'),
      h('p', {}, `Data processing context ${s.dataProcessingContext} × ease of identification ${s.easeOfIdentification} + circumstances ${s.circumstances} = ${s.score}`)),
    a.exemptions?.length ? h('p', {}, 'Art 34(3) exemptions: ', a.exemptions.join(', ')) : null,
    h('h4', {}, 'Reasons'),
    h('ul', { class: 'reasons' }, (a.reasons ?? []).map(r => h('li', {}, r))),
    h('p', { class: 'muted' }, `Engine ${a.engineVersion}`));
}

/** A stored assessment the current engine would decide differently: flagged, never silently replaced. */
function driftView(a, facts) {
  const c = a.current;
  return h('div', { class: 'alert drift', role: 'note' },
    h('p', {}, h('strong', {}, `Engine ${c.engineVersion} decides differently on these facts: `),
      `${W.riskWords[c.risk] ?? c.risk}; ${outcomeWords(c)}. `,
      `This assessment was made by engine ${a.engineVersion} and stands until the facts are saved again.`),
    h('details', {}, h('summary', {}, 'Reasons of the current engine'), h('ul', { class: 'reasons' }, c.reasons.map(r => h('li', {}, r)))),
    whatIfView(c.whatIf, facts, `With engine ${c.engineVersion}, would change if`));
}

const outcomeWords = o => [
  o.notifyAuthority ? 'notify the authority' : 'no authority notification',
  o.publicCommunication ? 'public communication' : o.notifyDataSubjects ? 'tell the people' : 'no communication to the people',
].join(', ');

/** Fact names in plain words, for "would change if …". */
const factWords = {
  breachTypes: 'what happened', dataCategories: 'the kinds of data', dataSubjects: 'the number of people', recipients: 'the number of recipients',
  openRecipientList: 'an open To/Cc list', vulnerableSubjects: 'vulnerable people affected', protection: 'protection', protectionCompromised: 'key or salt exposed',
  exposure: 'who could have seen it', exfiltration: 'exfiltration', maliciousIntent: 'deliberate', availabilityImpact: 'loss of access',
  integrityImpact: 'alteration', contained: 'contained', misuseObserved: 'misuse observed', disproportionateEffort: 'individual notice disproportionate',
};
const valueLists = {
  protection: W.protection, exposure: W.exposure, exfiltration: W.exfiltration, availabilityImpact: W.availabilityImpact,
  integrityImpact: W.integrityImpact, breachTypes: W.breachTypes, dataCategories: W.dataCategories,
};

/** One what-if change in words: a set says what is added or removed, a number says "at least/at most". */
function changeWords(w, current) {
  const name = factWords[w.fact] ?? w.fact;
  if (Array.isArray(w.value)) {
    const before = current?.[w.fact] ?? [];
    const added = w.value.filter(v => !before.includes(v));
    const removed = before.filter(v => !w.value.includes(v));
    const words = v => W.label(valueLists[w.fact], v);
    return added.length ? `${words(added[0])} were also involved` : removed.length ? `${words(removed[0])} were not involved` : `${name} changed`;
  }
  if (typeof w.value === 'boolean') return `${name}: ${w.value ? 'yes' : 'no'}`;
  if (typeof w.value === 'number') return w.fact === 'dataSubjects' ? `${w.value} people were affected` : `${w.value} received it`;
  return `${name}: ${W.label(valueLists[w.fact] ?? [], w.value)}`;
}

/** "Would change if …": the single-fact changes that change the decision, the still-unknown facts first. */
export function whatIfView(list, current, heading = 'Would change if') {
  if (!list?.length) return h('p', { class: 'what-if muted' }, 'No single change of one fact would change this decision.');
  return h('details', { class: 'what-if', open: true }, h('summary', {}, `${heading} …`),
    h('ul', {}, list.map(w => h('li', { 'data-fact': w.fact },
      h('span', { class: 'change' }, changeWords(w, current)), ' → ',
      h('span', { class: `badge risk-${w.risk}` }, W.riskWords[w.risk] ?? w.risk), ` ${outcomeWords(w)}`))));
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
      const facts = form.read();
      const { data } = await api('assessments', { method: 'POST', json: facts });
      if (gen !== generation) return;
      clear(target).append(assessmentView(data, facts));
    } catch (e) {
      if (gen !== generation) return;
      if (e instanceof ApiError && e.status === 400) {
        const items = Object.entries(e.problem?.errors ?? {}).map(([k, v]) => h('li', {}, `${W.humanize(k.replace(/^facts\./, ''))}: ${v.join(' ')}`));
        clear(target).append(h('p', {}, 'Still needed before the engine can judge:'), h('ul', { class: 'missing' }, items));
      } else if (e instanceof ApiError && e.status === 403) {
        clear(target).append(h('p', { class: 'muted' }, 'Your role may not run assessments.'));
      } else clear(target).append(h('p', { class: 'error' }, e.message));
    }
  };
  form.onChange(() => { clearTimeout(timer); timer = setTimeout(run, 250); });
  run();
}
