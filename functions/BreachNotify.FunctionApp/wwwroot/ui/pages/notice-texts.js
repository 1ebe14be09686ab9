// The people-written parts of an incident's notices, per language (PUT …/notice-content/{language}), with the notice
// they produce beside them (GET …/notices/preview): write, save, and read exactly what would be sent.
import { api, optional, ApiError } from '../api.js';
import { h, field, select, clear, showProblem } from '../dom.js';
import { me, toast } from '../state.js';
import * as W from '../words.js';

const same = (a, b, keys) => keys.every(k => (a?.[k] ?? '') === (b?.[k] ?? ''));

export function noticeTextsCard(i, base, { card, notAvailable }) {
  const editable = me.can('report') && W.openStatuses.includes(i.status);
  const c = card('Notice texts',
    h('p', { class: 'muted small' }, 'What only people can write, in each language the recipients need. The rest of each notice (who we are, the contact point, the data affected, dates) is filled in from the incident. Each save is on the timeline.'));
  const body = h('div', { class: 'split' }, h('p', { class: 'muted' }, 'Loading…'));
  c.append(body);
  (async () => {
    try {
      const first = await optional(`${base}/notice-content`);
      clear(body);
      if (!first.available) { body.append(notAvailable('Notice texts are')); return; }
      build(body, first, editable, base);
    } catch (e) { clear(body).append(h('p', { class: 'error' }, e.message)); }
  })();
  return c;
}

function build(body, first, editable, base) {
  let saved = first.data ?? {};            // the texts as stored, per language
  let etag = first.headers.get('ETag');    // the incident's version they were read at
  const drafts = {};                       // unsaved edits per language, kept while switching languages
  // The known fields in words; a field the server has that this page does not know yet still gets a box.
  const extra = [...new Set(Object.values(saved).flatMap(t => Object.keys(t ?? {})))].filter(k => !W.noticeTextFields.some(([f]) => f === k));
  const fields = [...W.noticeTextFields, ...extra.map(k => [k, W.humanize(k)[0].toUpperCase() + W.humanize(k).slice(1), ''])];
  const keys = fields.map(([k]) => k);

  const language = select(W.languages, { 'data-field': 'language' });
  const boxes = Object.fromEntries(fields.map(([k]) => [k, h('textarea', { 'data-field': k, rows: 4, readonly: !editable, maxlength: 5000 })]));
  const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: -1 });
  const state = h('p', { class: 'small', role: 'status', 'data-texts-state': '' });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, 'Save texts');
  const form = h('form', { novalidate: true, 'data-texts-form': '' },
    field('Language', language, 'Write the texts for each language your recipients need; switch freely, unsaved edits are kept.'),
    fields.map(([k, label, hint]) => field(label, boxes[k], hint || null)),
    summary, editable ? saveButton : h('p', { class: 'muted small' }, 'Read only: your role or the incident\'s status does not allow changing the texts.'), state);

  const values = () => Object.fromEntries(keys.map(k => [k, boxes[k].value.trim() === '' ? null : boxes[k].value]));
  const show = lang => {
    const t = drafts[lang] ?? saved[lang] ?? {};
    for (const k of keys) boxes[k].value = t[k] ?? '';
    saveButton.textContent = `Save texts (${W.label(W.languages, lang)})`;
    describe();
  };
  const describe = () => {
    const lang = language.value;
    const dirty = !same(values(), saved[lang], keys);
    state.dataset.textsState = dirty ? 'unsaved' : saved[lang] ? 'saved' : 'empty';
    state.textContent = dirty ? 'Unsaved changes.' : saved[lang] ? 'Saved.' : 'No texts in this language yet.';
  };
  let current = language.value;
  language.addEventListener('change', () => {
    if (!same(values(), saved[current], keys)) drafts[current] = values(); else delete drafts[current];
    current = language.value;
    show(current);
    preview.refresh();
  });
  form.addEventListener('input', e => { if (e.target !== language) describe(); });

  const reread = async () => {
    const r = await api(`${base}/notice-content`);
    saved = r.data ?? {};
    etag = r.headers.get('ETag');
  };
  const put = (lang, texts) => api(`${base}/notice-content/${lang}`, { method: 'PUT', json: texts, headers: etag ? { 'If-Match': etag } : {} });

  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!editable) return;
    const lang = language.value;
    const texts = values();
    const before = saved[lang];
    try {
      try {
        await put(lang, texts);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 412)) throw err;
        // The incident changed since the texts were read (any change moves its version). Save anyway only when nobody
        // changed this language's texts meanwhile; otherwise say so and keep this version in the fields.
        await reread();
        if (!same(saved[lang], before, keys)) {
          showProblem(form, { title: 'Changed meanwhile', detail: `Someone else saved the ${W.label(W.languages, lang)} texts after you opened them. Your version is still in the fields and the saved one is in the preview: save again to replace it.` }, summary);
          preview.refresh();
          return;
        }
        await put(lang, texts);
      }
      await reread();
      delete drafts[lang];
      showProblem(form, null, summary);
      show(lang);
      toast('Notice texts saved.');
      preview.refresh();
    } catch (err) { showProblem(form, err.problem ?? { title: err.message }, summary); }
  });

  const preview = previewPane(base, () => language.value);
  clear(body).append(form, preview.element);
  show(language.value);
  preview.refresh();
}

/** The notice as it would be sent, for the editor's language and the chosen kind and phase. */
function previewPane(base, currentLanguage) {
  const kind = select(W.noticeKinds, { 'data-field': 'kind' });
  kind.value = 'data-subjects';
  const phase = select(W.phases, { 'data-field': 'phase' });
  const out = h('div', { class: 'preview', 'aria-live': 'polite', 'data-preview': '' });
  const form = h('form', { class: 'row', novalidate: true }, field('Notice', kind), field('Phase', phase),
    h('div', { class: 'field end' }, h('button', { type: 'submit' }, 'Preview')));
  let seq = 0;
  const refresh = async () => {
    const mine = ++seq;
    clear(out).append(h('p', { class: 'muted' }, 'Rendering…'));
    try {
      const q = new URLSearchParams({ kind: kind.value, language: currentLanguage(), phase: phase.value });
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
  form.addEventListener('submit', e => { e.preventDefault(); refresh(); });
  kind.addEventListener('change', refresh);
  phase.addEventListener('change', refresh);
  const element = h('aside', { class: 'sticky', 'aria-labelledby': 'h-preview' }, h('h3', { id: 'h-preview' }, 'Preview'), form, out);
  return { element, refresh };
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
    h('p', { class: 'muted small' }, `Template ${data.templateVersion}; the salutation is filled in per recipient.`));
}
