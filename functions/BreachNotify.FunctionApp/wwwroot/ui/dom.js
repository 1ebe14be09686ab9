// Builds DOM nodes without innerHTML: every value from the API is inserted as text, never parsed as markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let seq = 0;
/** A unique id for label/for pairs. */
export const uid = (prefix = 'f') => `${prefix}-${++seq}`;

/** A labelled form field: label, control, optional hint (aria-describedby) and error slot. */
export function field(label, control, hint) {
  const id = control.id || (control.id = uid());
  const hintEl = hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null;
  const err = h('p', { class: 'error', id: id + '-error', hidden: true });
  const describedBy = [hintEl ? id + '-hint' : null, id + '-error'].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  return h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, control, err);
}

export function checkbox(label, attrs = {}, hint) {
  const id = attrs.id || uid();
  const input = h('input', { type: 'checkbox', ...attrs, id });
  const hintEl = hint ? h('span', { class: 'hint', id: id + '-hint' }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', id + '-hint');
  return h('div', { class: 'check' }, input, h('label', { for: id }, label, hintEl ? h('br') : null, hintEl));
}

export function select(options, attrs = {}) {
  const el = h('select', attrs);
  for (const o of options) {
    const [value, text] = Array.isArray(o) ? o : [o, o];
    el.append(h('option', { value }, text));
  }
  return el;
}

/** Shows field errors from an RFC 7807 problem next to the controls named by data-field. */
export function showProblem(form, problem, summary) {
  for (const e of form.querySelectorAll('.error')) { e.hidden = true; e.textContent = ''; }
  for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  const unplaced = [];
  for (const [name, messages] of Object.entries(problem?.errors ?? {})) {
    const control = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const err = control && document.getElementById(control.id + '-error');
    if (err) {
      err.textContent = messages.join(' ');
      err.hidden = false;
      control.setAttribute('aria-invalid', 'true');
    } else unplaced.push(`${name}: ${messages.join(' ')}`);
  }
  if (summary) {
    clear(summary);
    if (problem) {
      summary.append(h('p', {}, h('strong', {}, problem.title ?? 'Request failed'), problem.detail ? ' — ' + problem.detail : ''));
      if (unplaced.length) summary.append(h('ul', {}, unplaced.map(u => h('li', {}, u))));
      summary.hidden = false;
      summary.focus();
    } else summary.hidden = true;
  }
}
