/**
 * The structured editor: forms for the front matter and every record, driven
 * by the field schema the extension sends. The webview never edits text: each
 * change becomes an intent (set field, add, delete, move record) that the
 * extension turns into a minimal edit of the document, which then comes back
 * as a new model. Focus and unsaved typing survive those round trips.
 */
import type { RecordKind } from '../core/model';
import type { EditorModel, FieldSchema, FieldValue, FromWebview, Intent, ProblemView, RecordRef, RecordView, ToWebview } from '../core/protocol';
import { cachedDiagram, renderDiagram } from './mermaid';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

let model: EditorModel | undefined;
let requestId = 0;
const post = (m: FromWebview) => vscode.postMessage(m);

const KIND_TITLES: Record<string, string> = {
  device: 'Devices',
  step: 'Test steps',
  flow: 'Data flows',
  evidence: 'Evidence',
  response: 'Responses',
  retest: 'Retests',
  finding: 'Findings',
};
const FLOW_COLUMNS = ['from', 'to', 'address', 'port', 'country', 'protocol', 'encryption', 'data', 'consent', 'step', 'evidence'];

// ------------------------------------------------------------------ helpers

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function refOf(r: RecordView): RecordRef {
  return r.id !== undefined ? { id: r.id } : { index: r.index };
}

function send(intent: Intent): void {
  if (!model) return;
  post({ type: 'intent', requestId: ++requestId, version: model.version, intent });
}

/** Field values as the form shows them. */
function display(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A form value back to a field value: '' removes the field; lists split on commas. */
function parse(schema: FieldSchema, raw: string | string[]): FieldValue {
  if (Array.isArray(raw)) return raw.length ? raw : null;
  const s = raw.trim();
  if (s === '') return null;
  switch (schema.type) {
    case 'refs':
    case 'strings':
    case 'categories':
      return s.split(',').map((x) => x.trim()).filter(Boolean);
    case 'ports': {
      const nums = s.split(',').map((x) => Number(x.trim()));
      if (nums.every((n) => Number.isInteger(n))) return nums.length === 1 ? nums[0]! : nums;
      return s;
    }
    default:
      return raw;
  }
}

function problemsList(problems: ProblemView[]): HTMLElement | undefined {
  if (!problems.length) return undefined;
  const ul = el('ul', { class: 'problems', 'aria-label': `${problems.length} problem${problems.length > 1 ? 's' : ''}` });
  for (const p of problems) {
    const a = el('a', { href: '#', class: `problem problem-${p.severity}`, title: 'Show in the text' }, `${p.rule} — ${p.message}`);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      post({ type: 'editSource', line: p.line });
    });
    ul.append(el('li', {}, a));
  }
  return ul;
}

/** One input for one field, labelled, sending setField on change. */
function fieldInput(schema: FieldSchema, value: unknown, key: string, label: string, onValue: (v: FieldValue) => void): HTMLElement {
  const id = `f-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  if (schema.type === 'enum') {
    const sel = el('select', { id });
    sel.append(el('option', { value: '' }, '—'));
    const values = [...(schema.values ?? [])];
    const current = display(value);
    if (current && !values.includes(current)) values.push(current);
    for (const v of values) {
      const o = el('option', { value: v }, v);
      if (v === current) o.selected = true;
      sel.append(o);
    }
    input = sel;
  } else if (schema.type === 'country') {
    // ISO 3166 alpha-2 codes with their names, from the browser's own region data
    const sel = el('select', { id });
    sel.append(el('option', { value: '' }, '—'));
    const current = display(value);
    const codes = countries();
    if (current && !codes.some(([c]) => c === current)) codes.unshift([current, 'not a known country code']);
    for (const [code, name] of codes) {
      const o = el('option', { value: code }, `${code} · ${name}`);
      if (code === current) o.selected = true;
      sel.append(o);
    }
    input = sel;
  } else if (schema.type === 'categories') {
    const sel = el('select', { id, multiple: '', size: '4' });
    const chosen = Array.isArray(value) ? value.map(String) : value ? [String(value)] : [];
    const names = (model?.categories ?? []).map((c) => c.name);
    for (const c of chosen) if (!names.includes(c)) names.push(c);
    for (const name of names) {
      const cat = model?.categories.find((c) => c.name === name);
      const o = el('option', { value: name }, cat ? `${name} (${cat.sensitivity})` : `${name} (unknown)`);
      if (chosen.includes(name)) o.selected = true;
      sel.append(o);
    }
    input = sel;
  } else if (schema.type === 'text') {
    input = el('textarea', { id, rows: '2' });
    input.value = display(value);
  } else if (schema.type === 'date') {
    input = el('input', { id, type: 'date' });
    input.value = display(value);
  } else if (schema.type === 'identifiers' && (value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value)))) {
    return identifiersInput(value, key, label, id, onValue);
  } else if (schema.type === 'identifiers') {
    // not a mapping: shown as written, changed in the text (the linter says what it should be)
    input = el('input', { id, type: 'text', readonly: '' });
    input.value = display(value);
    input.dataset.key = key;
    input.setAttribute('aria-label', label);
    input.title = 'Not a mapping of categories to values: edit it in the text';
    return input;
  } else {
    input = el('input', { id, type: 'text', placeholder: schema.type === 'datetime' ? 'YYYY-MM-DD or YYYY-MM-DDTHH:MM' : schema.type === 'refs' ? 'E1, E2#frame=3' : '' });
    input.value = display(value);
  }
  input.dataset.key = key;
  input.setAttribute('aria-label', label);
  input.title = schema.doc;
  input.addEventListener('change', () => {
    const raw = input instanceof HTMLSelectElement && input.multiple ? Array.from(input.selectedOptions).map((o) => o.value) : input.value;
    onValue(parse(schema, raw));
  });
  return input;
}

/**
 * A device's identifiers: one row per data category and value, rows added
 * and removed with buttons. Any change sends the whole mapping (in row order);
 * rows without a category are left out, and two rows with one category are
 * refused until one is changed.
 */
function identifiersInput(value: unknown, key: string, label: string, id: string, onValue: (v: FieldValue) => void): HTMLElement {
  const box = el('div', { class: 'identifiers', id, role: 'group', 'aria-label': label });
  const rows = el('div', { class: 'identifier-rows' });
  const listId = `${id}-categories`;
  const datalist = el('datalist', { id: listId });
  for (const c of model?.categories ?? []) datalist.append(el('option', { value: c.name }, c.label ?? c.name));
  const entries = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, display(v)] as const) : [];
  const commit = () => {
    // a row added here waits for its value before it is written (a row read from the text may be empty)
    const pairs = Array.from(rows.children as HTMLCollectionOf<HTMLElement>).flatMap((row) => {
      const [k, v] = Array.from(row.querySelectorAll('input'));
      return row.dataset.fresh && v!.value === '' ? [] : [[k!.value.trim(), v!.value] as [string, string]];
    });
    const keys = pairs.map(([k]) => k).filter(Boolean);
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    for (const i of Array.from(rows.querySelectorAll<HTMLInputElement>('input.identifier-key'))) i.setCustomValidity(dup !== undefined && i.value.trim() === dup ? `${dup} is listed twice` : '');
    if (dup !== undefined) return;
    const kept = pairs.filter(([k]) => k !== '');
    onValue(kept.length ? Object.fromEntries(kept) : null);
  };
  const addRow = (k: string, v: string) => {
    const n = rows.children.length;
    const keyInput = el('input', { type: 'text', class: 'identifier-key', list: listId, placeholder: 'category', 'aria-label': `${label}: category ${n + 1}` });
    keyInput.value = k;
    keyInput.dataset.key = `${key}.k${n}`;
    const valueInput = el('input', { type: 'text', class: 'identifier-value', placeholder: 'value', 'aria-label': `${label}: value ${n + 1}` });
    valueInput.value = v;
    valueInput.dataset.key = `${key}.v${n}`;
    const remove = el('button', { type: 'button', title: 'Remove this identifier', 'aria-label': `Remove identifier ${n + 1}` }, '✕');
    const row = el('div', { class: 'identifier-row' }, keyInput, valueInput, remove);
    keyInput.addEventListener('change', commit);
    valueInput.addEventListener('change', commit);
    remove.addEventListener('click', () => {
      row.remove();
      commit();
    });
    rows.append(row);
    return keyInput;
  };
  for (const [k, v] of entries) addRow(k, v);
  const add = el('button', { type: 'button', class: 'identifier-add', 'aria-label': `Add identifier to ${label}` }, 'Add identifier');
  add.addEventListener('click', () => {
    const keyInput = addRow('', '');
    keyInput.closest<HTMLElement>('.identifier-row')!.dataset.fresh = '1';
    keyInput.focus();
  });
  box.append(rows, add, datalist);
  box.title = 'The test device\'s own values, by data category; every export masks them';
  return box;
}

function recordButtons(r: RecordView, siblings: RecordView[]): HTMLElement {
  const i = siblings.indexOf(r);
  const name = r.id ?? `${r.kind} ${i + 1}`;
  const bar = el('span', { class: 'record-actions' });
  const btn = (label: string, text: string, intent: Intent, disabled = false) => {
    const b = el('button', { type: 'button', 'aria-label': label, title: label }, text);
    if (disabled) b.disabled = true;
    b.addEventListener('click', () => send(intent));
    bar.append(b);
  };
  btn(`Move ${name} up`, '↑', { type: 'moveRecord', record: refOf(r), direction: 'up' }, i === 0);
  btn(`Move ${name} down`, '↓', { type: 'moveRecord', record: refOf(r), direction: 'down' }, i === siblings.length - 1);
  btn(`Delete ${name}`, '✕', { type: 'deleteRecord', record: refOf(r) });
  const src = el('button', { type: 'button', 'aria-label': `Show ${name} in the text`, title: 'Show in the text' }, '⤴');
  src.addEventListener('click', () => post({ type: 'editSource', line: r.line }));
  bar.append(src);
  return bar;
}

let countryList: [string, string][] | undefined;
/** Two-letter region codes the browser can name, sorted by code. */
function countries(): [string, string][] {
  if (!countryList) {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    countryList = [];
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name && name !== code && !['EU', 'EZ', 'UN', 'QO'].includes(code)) countryList.push([code, name]);
      }
  }
  return countryList.map((c) => [...c] as [string, string]);
}

const HASH_LABEL: Record<string, string> = { ok: '✓ hash verified', mismatch: '✗ file changed', missing: '✗ file missing', unrecorded: '✗ no hash recorded', blocked: '✗ path not allowed' };

// ------------------------------------------------------------------ sections

function frontMatterSection(m: EditorModel): HTMLElement {
  const sec = el('section', { class: 'form-section', 'aria-labelledby': 'h-report' }, el('h2', { id: 'h-report' }, 'Report'));
  const grid = el('div', { class: 'field-grid' });
  for (const f of m.frontMatterSchema) {
    if (['categories', 'lint', 'redact', 'auditors'].includes(f.name)) continue;
    const key = `fm.${f.name}`;
    const input = fieldInput(f.name === 'audit-format' ? { ...f, type: 'string' } : f, m.frontMatter[f.name], key, f.name, (v) => send({ type: 'setFrontMatter', key: f.name, value: v }));
    grid.append(el('label', { for: input.id }, f.name), input);
  }
  sec.append(grid);
  const list = problemsList(m.problems);
  if (list) sec.append(list);
  return sec;
}

function recordCard(r: RecordView, schema: FieldSchema[], siblings: RecordView[]): HTMLElement {
  const title = el('h3', {}, r.id ?? `${r.kind} without id`);
  if (r.hash) title.append(' ', el('span', { class: `badge hash-${r.hash === 'ok' ? 'ok' : 'bad'}` }, HASH_LABEL[r.hash] ?? r.hash));
  const card = el('article', { class: 'record-card', 'data-record': r.id ?? '', 'aria-label': `${r.kind} ${r.id ?? ''}` }, el('header', {}, title, recordButtons(r, siblings)));
  const grid = el('div', { class: 'field-grid' });
  for (const f of schema) {
    if (f.name === 'id') continue;
    const key = `${r.id ?? r.index}.${f.name}`;
    const input = fieldInput(f, r.fields[f.name], key, `${r.id ?? r.kind} ${f.name}`, (v) => send({ type: 'setField', record: refOf(r), field: f.name, value: v }));
    grid.append(el('label', { for: input.id }, f.name), input);
  }
  card.append(grid);
  const list = problemsList(r.problems);
  if (list) card.append(list);
  return card;
}

function flowTable(flows: RecordView[], schema: FieldSchema[]): HTMLElement {
  const table = el('table', { class: 'flow-table', 'aria-label': 'Data flows' });
  const head = el('tr', {}, el('th', { scope: 'col' }, 'id'));
  for (const c of FLOW_COLUMNS) head.append(el('th', { scope: 'col' }, c));
  head.append(el('th', { scope: 'col' }, 'actions'));
  table.append(el('thead', {}, head));
  const body = el('tbody');
  for (const r of flows) {
    const row = el('tr', { 'data-record': r.id ?? '', class: r.problems.some((p) => p.severity === 'error') ? 'has-error' : '' });
    row.append(el('th', { scope: 'row' }, r.id ?? '?'));
    for (const c of FLOW_COLUMNS) {
      const f = schema.find((s) => s.name === c);
      if (!f) continue;
      row.append(el('td', {}, fieldInput(f, r.fields[c], `${r.id ?? r.index}.${c}`, `${r.id ?? 'flow'} ${c}`, (v) => send({ type: 'setField', record: refOf(r), field: c, value: v }))));
    }
    row.append(el('td', {}, recordButtons(r, flows)));
    body.append(row);
    const list = problemsList(r.problems);
    if (list) body.append(el('tr', { class: 'problem-row' }, el('td', { colspan: String(FLOW_COLUMNS.length + 2) }, list)));
  }
  table.append(body);
  return el('div', { class: 'table-scroll' }, table);
}

function kindSection(kind: string, m: EditorModel): HTMLElement {
  const records = m.records.filter((r) => r.kind === kind);
  const schema = m.schema[kind] ?? [];
  const hid = `h-${kind}`;
  const sec = el('section', { class: 'form-section', 'aria-labelledby': hid });
  const add = el('button', { type: 'button', class: 'add', 'aria-label': `Add ${kind}` }, `+ Add ${kind}`);
  add.addEventListener('click', () => {
    const last = records[records.length - 1];
    send({ type: 'addRecord', kind: kind as RecordKind, ...(last ? { after: refOf(last) } : {}) });
  });
  const head = el('header', {}, el('h2', { id: hid }, `${KIND_TITLES[kind]} (${records.length})`), add);
  if (kind === 'evidence') {
    const file = el('button', { type: 'button', class: 'add', 'aria-label': 'Add File… (copy evidence files in, hash them, insert their records)' }, 'Add File…');
    file.addEventListener('click', () => post({ type: 'addEvidence' }));
    head.append(file);
  }
  sec.append(head);
  if (kind === 'flow' && records.length) sec.append(flowTable(records, schema));
  else for (const r of records) sec.append(recordCard(r, schema, records));
  return sec;
}

function proseSection(m: EditorModel): HTMLElement {
  const sec = el('section', { class: 'form-section prose', 'aria-labelledby': 'h-prose' }, el('h2', { id: 'h-prose' }, 'Narrative'));
  for (const p of m.prose) {
    const block = el('div', { class: 'prose-block' });
    // HTML from the core renderer: escaped report text, no scripts, no raw HTML
    block.innerHTML = p.html;
    const edit = el('button', { type: 'button', class: 'link', 'aria-label': `Edit in text (line ${p.line + 1})` }, 'Edit in text');
    edit.addEventListener('click', () => post({ type: 'editSource', line: p.line }));
    sec.append(el('div', { class: 'prose-item' }, block, edit));
  }
  return sec;
}

async function diagramsPane(m: EditorModel, pane: HTMLElement): Promise<void> {
  for (const [name, source] of Object.entries(m.diagrams)) {
    if (!source) continue;
    const fig = el('figure', { class: 'diagram', 'data-diagram': name }, el('figcaption', {}, name === 'dataflow' ? 'Data flows' : 'Timeline'));
    const holder = el('div', { class: 'diagram-svg', role: 'img', 'aria-label': name === 'dataflow' ? 'Data-flow diagram' : 'Timeline' });
    fig.append(holder);
    pane.append(fig);
    const cached = cachedDiagram(source);
    if (cached) holder.innerHTML = cached;
    else
      renderDiagram(source).then(
        (svg) => (holder.innerHTML = svg),
        (err: Error) => (holder.textContent = `The diagram could not be drawn: ${err.message}`),
      );
  }
}

// ------------------------------------------------------------------ render

function render(m: EditorModel): void {
  // keep focus, caret and unsaved typing across the rebuild
  const active = document.activeElement as (HTMLInputElement & HTMLTextAreaElement) | null;
  const key = active?.dataset?.key;
  const typed = key && 'value' in active ? active.value : undefined;
  const sel = key && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd] : undefined;
  const scroll = window.scrollY;

  model = m;
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Report actions' });
  const source = el('button', { type: 'button' }, 'Edit Source');
  source.addEventListener('click', () => post({ type: 'editSource' }));
  toolbar.append(source);
  for (const format of ['pdf', 'html'] as const) {
    const b = el('button', { type: 'button' }, `Export to ${format.toUpperCase()}`);
    b.addEventListener('click', () => post({ type: 'export', format }));
    toolbar.append(b);
  }
  const errors = m.problems.length + m.records.reduce((n, r) => n + r.problems.length, 0);
  toolbar.append(el('span', { class: 'status', role: 'status' }, errors ? `${errors} problem${errors > 1 ? 's' : ''}` : 'No problems'));
  if (!m.editable) toolbar.append(el('span', { class: 'badge warn' }, 'The YAML has errors: fix them in the text to edit here'));

  const forms = el('div', { class: 'forms' }, frontMatterSection(m));
  for (const kind of Object.keys(KIND_TITLES)) forms.append(kindSection(kind, m));
  if (m.prose.length) forms.append(proseSection(m));
  const pane = el('aside', { class: 'diagram-pane', 'aria-label': 'Diagrams' });
  app.replaceChildren(toolbar, el('div', { class: 'editor-layout' }, forms, pane));
  if (!m.editable) for (const i of Array.from(forms.querySelectorAll<HTMLInputElement>('input, select, textarea, button'))) i.disabled = true;
  void diagramsPane(m, pane);

  window.scrollTo(0, scroll);
  if (key) {
    const again = app.querySelector<HTMLInputElement>(`[data-key="${CSS.escape(key)}"]`);
    if (again) {
      if (typed !== undefined && 'value' in again && again.value !== typed && again.type !== 'select-multiple') again.value = typed;
      again.focus();
      if (sel && typeof again.setSelectionRange === 'function' && again.type === 'text') again.setSelectionRange(sel[0]!, sel[1]!);
    }
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as ToWebview;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'model') render(msg.model);
  else if (msg.type === 'intentResult' && !msg.ok && msg.error) {
    const status = app.querySelector('.status');
    if (status) status.textContent = msg.error;
  }
});

new MutationObserver(() => {
  if (model) render(model);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });
