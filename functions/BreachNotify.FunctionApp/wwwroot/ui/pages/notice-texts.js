// The people-written parts of an incident's notices, per language, in two sets: to the people affected
// (PUT …/notice-content/{language}) and, in the third person, to the supervisory authority and controllers
// (PUT …/notice-content/{language}/authority); with the notice they produce beside them (GET …/notices/preview): write,
// save, and read exactly what would be sent.
import { api, optional, ApiError } from '../api.js';
import { h, field, select, clear, showProblem, uid } from '../dom.js';
import { me, toast } from '../state.js';
import * as W from '../words.js';

const same = (a, b, keys) => keys.every(k => (a?.[k] ?? '') === (b?.[k] ?? ''));

/** Where each audience's texts are read (with the incident's ETag) and written. */
const resources = {
  people: { read: '/notice-content', write: lang => `/notice-content/${lang}` },
  authority: { read: '/notice-content/authority', write: lang => `/notice-content/${lang}/authority` },
};

export function noticeTextsCard(i, base, { card, notAvailable }) {
  const editable = me.can('report') && W.openStatuses.includes(i.status);
  const c = card('Notice texts',
    h('p', { class: 'muted small' }, 'What only people can write, in each language the recipients need: one set for the people affected, one in the third person for the supervisory authority and controllers. The rest of each notice (who we are, the contact point, the data affected, dates) is filled in from the incident. Each save is on the timeline.'));
  const body = h('div', { class: 'split' }, h('p', { class: 'muted' }, 'Loading…'));
  c.append(body);
  (async () => {
    try {
      const [people, authority] = await Promise.all([optional(`${base}${resources.people.read}`), optional(`${base}${resources.authority.read}`)]);
      clear(body);
      if (!people.available) { body.append(notAvailable('Notice texts are')); return; }
      // A server without the authority's own texts yet edits the people's only.
      build(body, { people, ...(authority.available ? { authority } : {}) }, editable, base);
    } catch (e) { clear(body).append(h('p', { class: 'error' }, e.message)); }
  })();
  return c;
}

/** One audience's texts: as stored, the incident version they were read at, unsaved edits per language, and the boxes. */
function audienceState([id, name, known, kinds], first, editable) {
  const saved = first.data ?? {};
  // The known fields in words; a field the server has that this page does not know yet still gets a box.
  const extra = [...new Set(Object.values(saved).flatMap(t => Object.keys(t ?? {})))].filter(k => !known.some(([f]) => f === k));
  const fields = [...known, ...extra.map(k => [k, W.humanize(k)[0].toUpperCase() + W.humanize(k).slice(1), ''])];
  const boxes = Object.fromEntries(fields.map(([k]) => [k, h('textarea', { 'data-field': k, rows: 4, readonly: !editable, maxlength: 5000 })]));
  return { id, name, kinds, saved, etag: first.headers.get('ETag'), drafts: {}, keys: fields.map(([k]) => k), boxes,
    group: h('div', { 'data-audience-fields': id }, fields.map(([k, label, hint]) => field(label, boxes[k], hint || null))) };
}

function build(body, firsts, editable, base) {
  const audiences = W.noticeAudiences.filter(([id]) => firsts[id]).map(a => audienceState(a, firsts[a[0]], editable));
  let a = audiences[0];                    // the audience being edited

  const name = uid('audience');
  const radios = audiences.map(x => {
    const input = h('input', { type: 'radio', name, value: x.id, id: uid(), checked: x === a, 'data-field': 'audience' });
    return [x, input, h('div', { class: 'check' }, input, h('label', { for: input.id }, x.name))];
  });
  const audience = audiences.length > 1
    ? h('fieldset', { class: 'group' }, h('legend', {}, 'Written for'), radios.map(([, , el]) => el))
    : null;
  const language = select(W.languages, { 'data-field': 'language' });
  const fieldsSlot = h('div', {}, a.group);
  const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
  const state = h('p', { class: 'small', role: 'status', 'data-texts-state': '' });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, 'Save texts');
  const form = h('form', { novalidate: true, 'data-texts-form': '' },
    audience,
    field('Language', language, 'Write the texts for each language your recipients need; switch freely, unsaved edits are kept.'),
    fieldsSlot,
    summary, editable ? saveButton : h('p', { class: 'muted small' }, 'Read only: your role or the incident\'s status does not allow changing the texts.'), state);

  const values = () => Object.fromEntries(a.keys.map(k => [k, a.boxes[k].value.trim() === '' ? null : a.boxes[k].value]));
  const show = lang => {
    const t = a.drafts[lang] ?? a.saved[lang] ?? {};
    for (const k of a.keys) a.boxes[k].value = t[k] ?? '';
    saveButton.textContent = `Save ${a.id === 'authority' ? 'authority ' : ''}texts (${W.label(W.languages, lang)})`;
    describe();
  };
  const describe = () => {
    const lang = language.value;
    const dirty = !same(values(), a.saved[lang], a.keys);
    state.dataset.textsState = dirty ? 'unsaved' : a.saved[lang] ? 'saved' : 'empty';
    state.textContent = dirty ? 'Unsaved changes.' : a.saved[lang] ? 'Saved.' : 'No texts in this language yet.';
  };
  // Unsaved edits of the texts on screen are kept (per audience and language) before switching either.
  const keep = () => { if (!same(values(), a.saved[current], a.keys)) a.drafts[current] = values(); else delete a.drafts[current]; };
  let current = language.value;
  language.addEventListener('change', () => {
    keep();
    current = language.value;
    show(current);
    preview.refresh();
  });
  for (const [x, input] of radios) input.addEventListener('change', () => {
    if (!input.checked) return;
    keep();
    a = x;
    clear(fieldsSlot).append(a.group);
    showProblem(form, null, summary);
    show(current);
    preview.audience(a.kinds);
  });
  form.addEventListener('input', e => { if (e.target === language || e.target.type === 'radio') return; describe(); });

  const reread = async x => {
    const r = await api(`${base}${resources[x.id].read}`);
    x.saved = r.data ?? {};
    x.etag = r.headers.get('ETag');
  };
  const put = (x, lang, texts) => api(`${base}${resources[x.id].write(lang)}`, { method: 'PUT', json: texts, headers: x.etag ? { 'If-Match': x.etag } : {} });

  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!editable) return;
    const x = a;
    const lang = language.value;
    const texts = values();
    const before = x.saved[lang];
    const whose = x.id === 'people' ? `${W.label(W.languages, lang)} texts` : `${W.label(W.languages, lang)} texts for the authority and controllers`;
    try {
      try {
        await put(x, lang, texts);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 412)) throw err;
        // The incident changed since these texts were read (any change moves its version, saving the other audience's
        // texts too). Save anyway only when nobody changed these texts meanwhile; otherwise say so and keep this version
        // in the fields.
        await reread(x);
        if (!same(x.saved[lang], before, x.keys)) {
          showProblem(form, { title: 'Changed meanwhile', detail: `Someone else saved the ${whose} after you opened them. Your version is still in the fields and the saved one is in the preview: save again to replace it.` }, summary);
          preview.refresh();
          return;
        }
        await put(x, lang, texts);
      }
      await reread(x);
      delete x.drafts[lang];
      showProblem(form, null, summary);
      if (x === a && lang === language.value) show(lang);
      toast('Notice texts saved.');
      preview.refresh();
    } catch (err) { showProblem(form, err.problem ?? { title: err.message }, summary); }
  });

  const preview = previewPane(base, () => language.value, a.kinds);
  clear(body).append(form, preview.element);
  show(language.value);
  preview.refresh();
}

/** The notice as it would be sent, of a kind that uses the texts being edited, for the editor's language (the authority
 *  notice: in the lead authority's language, as sent) and the chosen phase. */
function previewPane(base, currentLanguage, kinds) {
  const kind = select([], { 'data-field': 'kind' });
  const phase = select(W.phases, { 'data-field': 'phase' });
  const out = h('div', { class: 'preview', 'aria-live': 'polite', 'data-preview': '' });
  const form = h('form', { class: 'row', novalidate: true }, field('Notice', kind), field('Phase', phase),
    h('div', { class: 'field end' }, h('button', { type: 'submit' }, 'Preview')));
  let seq = 0;
  const refresh = async () => {
    const mine = ++seq;
    clear(out).append(h('p', { class: 'muted' }, 'Rendering…'));
    try {
      const q = new URLSearchParams({ kind: kind.value, phase: phase.value });
      if (kind.value !== 'authority') q.set('language', currentLanguage());
      const r = await optional(`${base}/notices/preview?${q}`);
      if (mine !== seq) return; // a newer preview was asked for meanwhile
      clear(out).append(r.available ? previewView(r.data) : h('p', { class: 'muted unavailable' }, 'Notice previews are not available on this server yet.'));
    } catch (err) {
      if (mine !== seq) return;
      const errors = Object.entries(err.problem?.errors ?? {}).map(([k, v]) => h('li', {}, h('strong', {}, W.fieldText(k)), ': ', v.join(' ')));
      clear(out).append(...(errors.length
        ? [h('p', { class: 'error', role: 'alert' }, 'This notice cannot be rendered yet. Still missing:'), h('ul', { class: 'missing' }, errors)]
        : [h('p', { class: 'error', role: 'alert' }, err.message)]));
    }
  };
  /** The kinds of notice that use the texts being edited; the first is shown. */
  const offer = list => { clear(kind).append(...list.map(k => h('option', { value: k }, W.label(W.noticeKinds, k)))); };
  const audience = list => { offer(list); refresh(); };
  form.addEventListener('submit', e => { e.preventDefault(); refresh(); });
  kind.addEventListener('change', refresh);
  phase.addEventListener('change', refresh);
  const element = h('aside', { class: 'sticky', 'aria-labelledby': 'h-preview' }, h('h3', { id: 'h-preview' }, 'Preview'), form, out);
  offer(kinds);
  return { element, refresh, audience };
}

function previewView(data) {
  // What is filled in per recipient (the salutation) is shown as what it will be, not as its placeholder token.
  let text = data.text ?? '';
  const tokens = Object.entries(data.substitutions ?? {}).sort(([a], [b]) => b.length - a.length); // longest first: one may contain another
  for (const [token, meaning] of tokens) text = text.split(token).join(`⟨${meaning}⟩`);
  return h('div', {},
    h('p', {}, h('strong', {}, 'Subject: '), data.subject),
    // It scrolls when long: focusable so that keyboard users can scroll it too (WCAG 2.1.1).
    h('pre', { class: 'notice', tabindex: 0, role: 'region', 'aria-label': `Notice text: ${data.subject}` }, text),
    h('p', { class: 'muted small' }, data.kind === 'authority'
      ? `Template ${data.templateVersion}, in ${W.label(W.languages, data.language)}: the lead authority's language, as sent.`
      : `Template ${data.templateVersion}; the salutation is filled in per recipient.`));
}
