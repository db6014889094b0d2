/**
 * The structured editor: forms for the front matter, every record and the
 * narrative, driven by the field schema the extension sends. The webview
 * never edits text: each change becomes an intent that the extension turns
 * into a minimal edit of the document, which comes back as a new model.
 *
 * The page is built once and then updated in place: a section keeps its
 * cards, a card its field widgets, and a widget decides itself whether a new
 * model may redraw it (never while it has focus, an edit in flight or a
 * half-made row; see form/widgets.ts). So a model that arrives while the
 * analyst types changes nothing under the cursor.
 */
import type { EditorModel, FieldSchema, FieldValue, FromWebview, Intent, ProblemView, RecordKind, RecordRef, RecordView, ToWebview } from '../core/protocol';
import { el, hasFocusWithin, problemsList, type FieldTarget, type FormContext, type Widget } from './form/dom';
import { AuditorsWidget, CategoriesWidget, IdentifiersWidget } from './form/rows';
import { ListWidget, ProseWidget, RefsWidget, ScalarWidget, choicesOf, countries, recordChoices } from './form/widgets';
import { cachedDiagram, renderDiagram } from './mermaid';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

let model: EditorModel | undefined;
let requestId = 0;
/** Results of sent intents: request id → error text ('' when it was applied). */
const results = new Map<number, string>();
/** The widget that sent each request still in flight, to tell it when its edit is refused. */
const senders = new Map<number, Widget>();
/** A record just added: its card gets focus once it is shown. */
let focusNew: string | undefined;

const post = (m: FromWebview) => vscode.postMessage(m);

const ctx: FormContext = {
  model: () => model,
  post,
  intent(intent: Intent) {
    if (!model) return undefined;
    const id = ++requestId;
    notice.hidden = true;
    post({ type: 'intent', requestId: id, version: model.version, intent });
    return id;
  },
  applyFix(diagnostic, fix) {
    if (model) post({ type: 'applyFix', requestId: ++requestId, version: model.version, diagnostic, fix });
  },
  settled: (id) => results.has(id),
};

/** Front-matter keys the form leaves to the text editor (structured settings). */
const TEXT_ONLY_KEYS = ['categories', 'lint'];

const refOf = (r: RecordView): RecordRef => (r.id !== undefined ? { id: r.id } : { index: r.index });
const recordKey = (r: RecordView) => (r.id !== undefined ? r.id : `#${r.index}`);

function records(kinds: readonly string[]): () => RecordView[] {
  return () => (model?.records ?? []).filter((r) => kinds.includes(r.kind));
}

// ------------------------------------------------------------------ one field

/** A labelled field: its widget and, under it, its own problems with their quick fixes. */
class Field {
  readonly label: HTMLElement;
  readonly box: HTMLElement;
  private readonly problems = el('div', { class: 'field-problems' });
  private shownProblems = '';

  constructor(readonly widget: Widget, name: string, required = false) {
    const first = widget.el.querySelector('input, select, textarea');
    const text: (Node | string)[] = required ? [name, el('span', { class: 'required', title: 'Required: the record needs it', 'aria-label': 'required' }, ' *')] : [name];
    this.label = first?.id ? el('label', { for: first.id }, ...text) : el('span', { class: 'label' }, ...text);
    this.box = el('div', { class: 'field' }, widget.el, this.problems);
  }

  update(value: unknown, problems: ProblemView[]): void {
    this.widget.update(value);
    const sig = JSON.stringify(problems);
    if (sig === this.shownProblems) return;
    this.shownProblems = sig;
    const list = problemsList(problems, ctx);
    this.problems.replaceChildren(...(list ? [list] : []));
    this.box.classList.toggle('has-error', problems.some((p) => p.severity === 'error'));
  }
}

type Target = FieldTarget & { owner?: Widget };

function target(key: string, label: string, send: (v: FieldValue) => Intent): Target {
  const t: Target = {
    key,
    label,
    send: (v) => {
      const id = ctx.intent(send(v));
      if (id !== undefined && t.owner) senders.set(id, t.owner);
      return id;
    },
  };
  return t;
}

/** The widget for one field of the schema. */
function widgetFor(schema: FieldSchema, kind: string | undefined, t: Target): Widget {
  const refKinds = kind ? model?.refKinds[kind]?.[schema.name] : undefined;
  const categories = () => model?.categories ?? [];
  let w: Widget;
  switch (schema.type) {
    case 'enum':
      w = new ScalarWidget(ctx, t, schema, choicesOf(schema.values ?? []));
      break;
    case 'country':
      w = new ScalarWidget(ctx, t, schema, countries);
      break;
    case 'categories':
      w = new CategoriesWidget(ctx, t, schema, categories);
      break;
    case 'identifiers':
      w = new IdentifiersWidget(ctx, t, schema, categories);
      break;
    case 'refs':
      w = refKinds ? new RefsWidget(ctx, t, schema, records(refKinds)) : new ListWidget(ctx, t, schema);
      break;
    case 'ref':
      w = new ScalarWidget(ctx, t, schema, refKinds ? recordChoices(records(refKinds)) : undefined);
      break;
    case 'strings':
      if (!kind && schema.name === 'auditors') {
        w = new AuditorsWidget(ctx, t, schema);
        break;
      }
      w = new ListWidget(ctx, t, schema, schema.name === 'claims' ? 'claim' : schema.name === 'auditors' ? 'auditor' : schema.name === 'redact' ? 'value or /pattern/' : schema.name === 'address' ? 'address' : 'item');
      break;
    default: {
      const s = new ScalarWidget(ctx, t, schema);
      // a text field that names a record (a flow's `from`, a response's `source`) suggests their ids
      if (refKinds && s.input instanceof HTMLInputElement) s.suggest(idList(refKinds));
      w = s;
    }
  }
  t.owner = w;
  return w;
}

const idLists = new Map<string, HTMLDataListElement>();
/** A datalist of the ids of records of `kinds` (shared, refreshed with every model). */
function idList(kinds: readonly string[]): HTMLDataListElement {
  const key = kinds.join(',');
  let list = idLists.get(key);
  if (!list) {
    list = el('datalist', { id: `ids-${kinds.join('-')}` });
    idLists.set(key, list);
    document.body.append(list);
  }
  return list;
}

function refreshIdLists(): void {
  for (const [key, list] of idLists) {
    const kinds = key.split(',');
    const recs = (model?.records ?? []).filter((r) => kinds.includes(r.kind) && r.id !== undefined);
    list.replaceChildren(...recs.map((r) => el('option', { value: r.id! }, r.id!)));
  }
}

// ------------------------------------------------------------------ records

const HASH_LABEL: Record<string, string> = { ok: '✓ hash verified', mismatch: '✗ file changed', missing: '✗ file missing', unrecorded: '✗ no hash recorded', blocked: '✗ path not allowed' };

/** One record: header (id, summary, actions), its fields in the schema's order, problems not on a field. */
class Card {
  readonly el: HTMLElement;
  private view: RecordView;
  private readonly title = el('h3');
  private readonly summary = el('span', { class: 'record-summary' });
  private readonly actions = el('span', { class: 'record-actions' });
  private readonly buttons: Record<'up' | 'down' | 'delete' | 'source', HTMLButtonElement>;
  private readonly fields = new Map<string, Field>();
  private readonly loose = el('div', { class: 'record-problems' });
  private readonly choose?: HTMLButtonElement;

  constructor(view: RecordView, schema: FieldSchema[]) {
    this.view = view;
    this.el = el('article', { class: 'record-card', 'data-record': view.id ?? '' }, el('header', {}, this.title, this.summary, this.actions));
    const btn = (text: string, onClick: () => void) => {
      const b = el('button', { type: 'button' }, text);
      b.addEventListener('click', onClick);
      this.actions.append(b);
      return b;
    };
    this.buttons = {
      up: btn('↑', () => ctx.intent({ type: 'moveRecord', record: refOf(this.view), direction: 'up' })),
      down: btn('↓', () => ctx.intent({ type: 'moveRecord', record: refOf(this.view), direction: 'down' })),
      delete: btn('✕', () => ctx.intent({ type: 'deleteRecord', record: refOf(this.view) })),
      source: btn('⤴', () => post({ type: 'editSource', line: this.view.line })),
    };
    const grid = el('div', { class: 'field-grid' });
    for (const f of schema) {
      if (f.name === 'id') continue;
      const label = `${view.id ?? view.kind} ${f.name}`;
      const t = target(`${recordKey(view)}.${f.name}`, label, (value) => ({ type: 'setField', record: refOf(this.view), field: f.name, value }));
      const field = new Field(widgetFor(f, view.kind, t), f.name, f.required);
      this.fields.set(f.name, field);
      grid.append(field.label, field.box);
    }
    this.el.append(grid);
    if (view.kind === 'evidence') {
      this.choose = el('button', { type: 'button', class: 'choose-file' }, 'Choose File…');
      this.choose.addEventListener('click', () => post({ type: 'addEvidence', ...(this.view.id ? { record: this.view.id } : {}) }));
      grid.after(this.choose);
    }
    this.el.append(this.loose);
    this.update(view, [view]);
  }

  update(view: RecordView, siblings: RecordView[]): void {
    this.view = view;
    this.el.dataset.record = view.id ?? '';
    this.el.setAttribute('aria-label', `${view.kind} ${view.id ?? ''}`);
    const title = view.id ?? `${view.kind} without id`;
    if (this.title.dataset.text !== title + (view.hash ?? '')) {
      this.title.dataset.text = title + (view.hash ?? '');
      this.title.replaceChildren(title, ...(view.hash ? [' ', el('span', { class: `badge hash-${view.hash === 'ok' ? 'ok' : 'bad'}` }, HASH_LABEL[view.hash] ?? view.hash)] : []));
    }
    this.summary.textContent = view.summary;
    this.updateActions(view, siblings);
    if (this.choose) this.choose.hidden = !!view.fields.file || !!view.fields.url;
    for (const [name, field] of this.fields) field.update(view.fields[name], view.problems.filter((p) => p.field === name));
    const list = problemsList(view.problems.filter((p) => p.field === undefined || !this.fields.has(p.field)), ctx);
    this.loose.replaceChildren(...(list ? [list] : []));
  }

  /** The buttons, changed in place (a focused ↑ keeps its focus): records move only within their block, so ↑ and ↓ stop at its ends. */
  private updateActions(r: RecordView, siblings: RecordView[]): void {
    const block = siblings.filter((x) => x.block === r.block);
    const i = block.indexOf(r);
    const name = r.id ?? `${r.kind} ${siblings.indexOf(r) + 1}`;
    const set = (key: keyof Card['buttons'], label: string, disabled = false, why = '') => {
      const b = this.buttons[key];
      b.dataset.key = `${recordKey(r)}.actions.${key}`;
      b.setAttribute('aria-label', label);
      b.title = why || label;
      b.disabled = disabled;
    };
    const alone = 'Records move within their block; to move it elsewhere, cut and paste it in the text';
    set('up', `Move ${name} up`, i <= 0, i <= 0 ? `${name} is the first record of its block. ${alone}` : '');
    set('down', `Move ${name} down`, i < 0 || i === block.length - 1, i === block.length - 1 ? `${name} is the last record of its block. ${alone}` : '');
    set('delete', `Delete ${name}`);
    set('source', `Show ${name} in the text`);
  }

  focusFirst(): void {
    const first = this.el.querySelector<HTMLElement>('.field-grid input:not([readonly]), .field-grid select, .field-grid textarea');
    this.el.scrollIntoView({ block: 'nearest' });
    first?.focus();
  }
}

/** The records of one kind: its cards, in the report's order, kept across models. */
class KindSection {
  readonly el: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly list = el('div', { class: 'cards' });
  readonly cards = new Map<string, Card>();

  constructor(private readonly kind: RecordKind, private readonly title: string) {
    const hid = `h-${kind}`;
    this.heading = el('h2', { id: hid }, title);
    const add = el('button', { type: 'button', class: 'add', 'aria-label': `Add ${kind}` }, `+ Add ${kind}`);
    add.addEventListener('click', () => {
      const mine = (model?.records ?? []).filter((r) => r.kind === kind);
      const last = mine[mine.length - 1];
      const id = ctx.intent({ type: 'addRecord', kind, ...(last ? { after: refOf(last) } : {}) });
      if (id !== undefined) addedBy.add(id);
    });
    const head = el('header', {}, this.heading, add);
    if (kind === 'evidence') {
      const file = el('button', { type: 'button', class: 'add', 'aria-label': 'Add File… (copy evidence files in, hash them, insert their records)' }, 'Add File…');
      file.addEventListener('click', () => post({ type: 'addEvidence' }));
      head.append(file);
    }
    this.el = el('section', { class: 'form-section', 'aria-labelledby': hid }, head, this.list);
  }

  update(m: EditorModel): void {
    const recs = m.records.filter((r) => r.kind === this.kind);
    this.heading.textContent = `${this.title} (${recs.length})`;
    const schema = m.schema[this.kind] ?? [];
    const seen = new Set<string>();
    let before: ChildNode | null = this.list.firstChild;
    for (const r of recs) {
      const key = recordKey(r);
      if (seen.has(key)) continue; // a repeated id: the linter says so; one card
      seen.add(key);
      let card = this.cards.get(key);
      if (card) card.update(r, recs);
      else {
        card = new Card(r, schema);
        card.update(r, recs);
        this.cards.set(key, card);
      }
      // move a card only when it is out of place (moving takes focus away)
      if (card.el !== before) this.list.insertBefore(card.el, before);
      before = card.el.nextSibling;
    }
    for (const [key, card] of this.cards) {
      if (!seen.has(key)) {
        card.el.remove();
        this.cards.delete(key);
      }
    }
  }
}

/** Request ids of "Add" clicks: their result names the new record, which then gets focus. */
const addedBy = new Set<number>();

// ------------------------------------------------------------------ the report's own fields and the narrative

class FrontMatterSection {
  readonly el: HTMLElement;
  private readonly fields = new Map<string, Field>();
  private readonly loose = el('div', { class: 'record-problems' });
  private readonly textOnly = el('p', { class: 'text-only' });

  constructor(m: EditorModel) {
    const grid = el('div', { class: 'field-grid' });
    for (const f of m.frontMatterSchema) {
      if (TEXT_ONLY_KEYS.includes(f.name)) continue;
      const schema = f.name === 'audit-format' ? { ...f, type: 'string' } : f;
      const t = target(`fm.${f.name}`, f.name, (value) => ({ type: 'setFrontMatter', key: f.name, value }));
      const field = new Field(widgetFor(schema, undefined, t), f.name);
      this.fields.set(f.name, field);
      grid.append(field.label, field.box);
    }
    this.el = el('section', { class: 'form-section', 'aria-labelledby': 'h-report' }, el('h2', { id: 'h-report' }, 'Report'), grid, this.textOnly, this.loose);
  }

  update(m: EditorModel): void {
    for (const [name, field] of this.fields) field.update(m.frontMatter[name], m.problems.filter((p) => p.field === name));
    const kept = TEXT_ONLY_KEYS.filter((k) => m.frontMatter[k] !== undefined);
    this.textOnly.replaceChildren();
    if (kept.length) {
      const b = el('button', { type: 'button', class: 'link' }, 'edit them in the text');
      b.addEventListener('click', () => post({ type: 'editSource', line: m.frontMatterLine }));
      this.textOnly.append(`This report also sets ${kept.join(' and ')}: `, b, '.');
    }
    const list = problemsList(m.problems.filter((p) => p.field === undefined || !this.fields.has(p.field)), ctx);
    this.loose.replaceChildren(...(list ? [list] : []));
  }
}

class ProseSection {
  readonly el: HTMLElement;
  private readonly list = el('div');
  private widgets: ProseWidget[] = [];
  private segs: EditorModel['prose'] = [];

  constructor() {
    this.el = el('section', { class: 'form-section prose', 'aria-labelledby': 'h-prose' }, el('h2', { id: 'h-prose' }, 'Narrative'), el('p', { class: 'hint' }, 'Markdown. Cite records as [@F1] or [@E2#frame=3].'), this.list);
  }

  update(m: EditorModel): void {
    this.segs = m.prose;
    // one text area per segment, matched by position
    while (this.widgets.length < m.prose.length) {
      const i = this.widgets.length;
      const t = target(`prose.${i}`, `Narrative part ${i + 1}`, (text) => {
        const seg = this.segs[i]!;
        return { type: 'setProse', line: seg.line, old: seg.text, text: String(text ?? '') };
      });
      const w = new ProseWidget(ctx, t);
      t.owner = w;
      this.widgets.push(w);
      this.list.append(w.el);
    }
    while (this.widgets.length > m.prose.length) {
      const w = this.widgets[this.widgets.length - 1]!;
      if (hasFocusWithin(w.el)) break; // never take away the part being written
      w.el.remove();
      this.widgets.pop();
    }
    m.prose.forEach((seg, i) => this.widgets[i]?.update(seg));
    this.el.hidden = m.prose.length === 0 && this.widgets.length === 0;
  }
}

// ------------------------------------------------------------------ the page

const status = el('span', { class: 'status', role: 'status' });
/** Why the last edit was not made; stays until the next edit is sent. */
const notice = el('span', { class: 'notice', role: 'alert', hidden: '' });
const readOnlyBadge = el('span', { class: 'badge warn', hidden: '' }, 'The YAML has errors: fix them in the text to edit here');
const forms = el('fieldset', { class: 'forms' });
const pane = el('aside', { class: 'diagram-pane', 'aria-label': 'Diagrams' });
let front: FrontMatterSection | undefined;
let sections: KindSection[] = [];
const prose = new ProseSection();

function buildPage(m: EditorModel): void {
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Report actions' });
  const source = el('button', { type: 'button' }, 'Edit Source');
  source.addEventListener('click', () => post({ type: 'editSource' }));
  toolbar.append(source);
  for (const format of ['pdf', 'html'] as const) {
    const b = el('button', { type: 'button' }, `Export to ${format.toUpperCase()}`);
    b.addEventListener('click', () => post({ type: 'export', format }));
    toolbar.append(b);
  }
  toolbar.append(notice, status, readOnlyBadge);
  front = new FrontMatterSection(m);
  sections = m.kinds.map(({ kind, title }) => new KindSection(kind, title));
  forms.append(front.el, ...sections.map((s) => s.el), prose.el);
  app.replaceChildren(toolbar, el('div', { class: 'editor-layout' }, forms, pane));
}

function render(m: EditorModel): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined;
  model = m;
  if (!front) buildPage(m);
  refreshIdLists();
  const problems = m.problems.length + m.records.reduce((n, r) => n + r.problems.length, 0);
  status.textContent = problems ? `${problems} problem${problems > 1 ? 's' : ''}` : 'No problems';
  readOnlyBadge.hidden = m.editable;
  forms.disabled = !m.editable;
  front!.update(m);
  for (const s of sections) s.update(m);
  prose.update(m);
  void diagrams(m);
  // a card moved (↑/↓) lost its focus on the way: give it back
  if (focused && (document.activeElement === document.body || !document.activeElement)) app.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  if (focusNew) {
    const card = sections.map((s) => s.cards.get(focusNew!)).find(Boolean);
    if (card) {
      focusNew = undefined;
      card.focusFirst();
    }
  }
}

const drawn = new Map<string, string>();
const FIGURE_TITLES: Record<string, string> = { dataflow: 'Data flows', timeline: 'Timeline' };
async function diagrams(m: EditorModel): Promise<void> {
  const d = m.diagrams;
  // the timeline comes as HTML from the core (masked and escaped there); mermaid text only from an older host
  const entries: [string, { source?: string; html?: string }][] = [
    ['dataflow', { ...(d.dataflow ? { source: d.dataflow } : {}) }],
    ['timeline', d.timelineHtml ? { html: d.timelineHtml } : { ...(d.timeline ? { source: d.timeline } : {}) }],
  ];
  for (const [name, { source, html }] of entries) {
    let fig = pane.querySelector<HTMLElement>(`figure[data-diagram="${name}"]`);
    if (!source && !html) {
      fig?.remove();
      drawn.delete(name);
      continue;
    }
    if (!fig) {
      fig = el('figure', { class: 'diagram', 'data-diagram': name }, el('figcaption', {}, FIGURE_TITLES[name] ?? name), el('div', { class: 'diagram-svg', role: name === 'dataflow' ? 'img' : 'region', 'aria-label': name === 'dataflow' ? 'Data-flow diagram' : 'Timeline' }));
      pane.append(fig);
    }
    const holder = fig.querySelector<HTMLElement>('.diagram-svg')!;
    if (name === 'dataflow') legendRow(fig, d.dataflowLegend ?? []);
    const key = `${document.body.className}\n${source ?? html}`;
    if (drawn.get(name) === key) continue;
    drawn.set(name, key);
    if (html !== undefined) {
      holder.innerHTML = html;
      continue;
    }
    const cached = cachedDiagram(source!);
    if (cached) holder.innerHTML = cached;
    else
      renderDiagram(source!).then(
        (svg) => {
          if (drawn.get(name) === key) holder.innerHTML = svg;
        },
        (err: Error) => (holder.textContent = `The diagram could not be drawn: ${err.message}`),
      );
  }
}

/** The data-flow diagram's key, one line sample per edge style it uses, under the drawing. */
function legendRow(fig: HTMLElement, items: readonly { risk: string; text: string }[]): void {
  let row = fig.querySelector<HTMLElement>('.diagram-legend');
  const wanted = items.map((i) => `${i.risk}:${i.text}`).join('|');
  if (row?.dataset.items === wanted) return;
  row?.remove();
  if (!items.length) return;
  row = el('ul', { class: 'diagram-legend', 'aria-label': 'Key to the lines', 'data-items': wanted });
  for (const i of items) row.append(el('li', { class: `legend-${i.risk.replace(/[^a-z]/g, '')}` }, el('span', { class: 'legend-line', 'aria-hidden': 'true' }), i.text));
  fig.append(row);
}

// a click on a timeline event (or its keyboard activation) shows the record's card
pane.addEventListener('click', (e) => {
  const id = (e.target as Element | null)?.closest<HTMLElement>('.pa-timeline [data-record]')?.dataset.record;
  if (!id) return;
  const card = app.querySelector<HTMLElement>(`.record-card[data-record="${CSS.escape(id)}"]`);
  if (!card) return;
  card.scrollIntoView({ block: 'start' });
  card.classList.add('flash');
  setTimeout(() => card.classList.remove('flash'), 1200);
});

/** Sends the text typed into the focused field and not sent yet (as leaving the field would). */
function flushFocused(): void {
  const a = document.activeElement;
  if ((a instanceof HTMLInputElement || a instanceof HTMLTextAreaElement) && a.dataset.unsent) a.dispatchEvent(new Event('change'));
}

/**
 * Keys the workbench would handle before the field's text is sent. The webview's host forwards
 * key presses to VS Code from a listener on this window; this one runs first (capture phase):
 * - Ctrl/Cmd+S sends the field, then asks the extension to save after that edit (not before it);
 * - Ctrl/Cmd+Z (and redo) in a field with unsent text undoes the typing in the field, as a text box does.
 */
window.addEventListener(
  'keydown',
  (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (!mod || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === 's' && !e.shiftKey) {
      e.preventDefault();
      e.stopPropagation();
      flushFocused();
      post({ type: 'save' });
    } else if ((key === 'z' || key === 'y') && document.activeElement instanceof HTMLElement && document.activeElement.dataset.unsent) {
      e.stopPropagation();
    }
  },
  true,
);

/** The webview is losing focus (the analyst went to another editor): send what is typed but not sent. */
window.addEventListener('blur', flushFocused);

window.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as ToWebview;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'model') render(msg.model);
  else if (msg.type === 'intentResult') {
    results.set(msg.requestId, msg.ok ? '' : (msg.error ?? ''));
    if (msg.ok && msg.newId && addedBy.has(msg.requestId)) focusNew = msg.newId;
    addedBy.delete(msg.requestId);
    const sender = senders.get(msg.requestId);
    senders.delete(msg.requestId);
    // a refused edit changes nothing: the widgets show the model they have again (the one that sent it keeps
    // the typed text); an applied one is followed by the model of the edited text, which updates them
    if (!msg.ok) {
      if (msg.error) {
        notice.textContent = msg.error;
        notice.hidden = false;
      }
      if (msg.error) sender?.refused(msg.requestId, msg.error);
      if (model) render(model);
    }
  }
});

// the theme changed: the diagrams are drawn again in its colours
new MutationObserver(() => {
  if (model) void diagrams(model);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });
