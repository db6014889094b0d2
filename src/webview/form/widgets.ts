/** The form's editors of one value, of a list of items, of references, and of a narrative part (see base.ts for what they share). */
import type { FieldSchema, FieldValue, RecordView } from '../../core/protocol';
import { Base, asStrings, dropRow, editableList, findItem, nextId, type Row } from './base';
import { display, el, type FieldTarget, type FormContext } from './dom';

// ------------------------------------------------------------------ one value

type Input = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** A text box, text area or drop-down: sent on change (Tab, Enter, leaving the field). */
export class ScalarWidget extends Base {
  readonly input: Input;
  private shown = '';

  constructor(ctx: FormContext, target: FieldTarget, private readonly schema: FieldSchema, private readonly choices?: () => { value: string; label: string }[]) {
    super(ctx, target, `w-${schema.type}`);
    const id = nextId(target.key);
    if (choices) {
      this.input = el('select', { id });
    } else if (schema.type === 'text') {
      this.input = el('textarea', { id, rows: '2' });
    } else {
      const placeholder = schema.type === 'datetime' ? 'YYYY-MM-DD or YYYY-MM-DDTHH:MM' : schema.type === 'date' ? 'YYYY-MM-DD' : schema.type === 'ports' ? '443 or 80, 443' : schema.type === 'url' ? 'https://…' : (schema.example ?? '');
      this.input = el('input', { id, type: 'text', placeholder });
    }
    this.input.dataset.key = target.key;
    this.input.setAttribute('aria-label', target.label);
    this.input.title = schema.doc;
    this.input.addEventListener('change', () => this.commit());
    this.mount(this.input);
  }

  /** Lets a text box suggest values (record ids) from a datalist. */
  suggest(list: HTMLDataListElement): void {
    this.input.setAttribute('list', list.id);
  }

  override refused(id: number, error: string): boolean {
    if (!super.refused(id, error)) return false;
    this.input.setAttribute('aria-invalid', 'true');
    return true;
  }

  protected draw(value: unknown): void {
    this.input.removeAttribute('aria-invalid');
    const text = display(value);
    if (this.input instanceof HTMLSelectElement) {
      const options = [{ value: '', label: '—' }, ...this.choices!()];
      if (text && !options.some((o) => o.value === text)) options.push({ value: text, label: `${text} (not a known value)` });
      const same = this.input.options.length === options.length && options.every((o, i) => this.input instanceof HTMLSelectElement && this.input.options[i]!.value === o.value && this.input.options[i]!.text === o.label);
      if (!same) this.input.replaceChildren(...options.map((o) => el('option', { value: o.value }, o.label)));
    }
    if (this.input.value !== text) this.input.value = text;
    this.shown = text;
  }

  private commit(): void {
    const raw = this.input.value;
    if (raw === this.shown) return;
    this.shown = raw;
    this.send(parseScalar(this.schema, raw), raw);
  }
}

function parseScalar(schema: FieldSchema, raw: string): FieldValue {
  const s = raw.trim();
  if (s === '') return null;
  if (schema.type === 'ports') {
    const parts = s.split(',').map((x) => x.trim());
    const nums = parts.map(Number);
    if (parts.every((p) => /^\d+$/.test(p)) && nums.every((n) => Number.isSafeInteger(n))) return nums.length === 1 ? nums[0]! : nums;
    return s;
  }
  // one-line fields lose the spaces around them; a text area keeps its text as written
  return schema.type === 'text' ? raw : s;
}

// ------------------------------------------------------------------ lists of items

/**
 * A list of text items: one row per item, ✕ to remove, + to add. A new row is
 * written once it holds text; an emptied row removes its item.
 */
export class ListWidget extends Base {
  private readonly rows = el('div', { class: 'list-rows' });
  private readonly add: HTMLButtonElement;
  private rowList: Row[] = [];

  constructor(ctx: FormContext, target: FieldTarget, private readonly schema: FieldSchema, private readonly itemName = 'item') {
    super(ctx, target, 'w-list');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', target.label);
    this.el.title = schema.doc;
    this.add = el('button', { type: 'button', class: 'list-add', 'aria-label': `Add ${itemName} to ${target.label}` }, `+ ${itemName}`);
    this.add.addEventListener('click', () => this.addRow('', undefined).focus());
    this.mount(this.rows, this.add);
  }

  protected override holding(): boolean {
    return super.holding() || this.rowList.some((r) => !r.orig && (r.el.querySelector('input')?.value ?? '') !== '');
  }

  /** The value as the model last had it (a scalar or a list). */
  private written: unknown;

  protected draw(value: unknown): void {
    this.written = value;
    this.rowList = [];
    this.rows.replaceChildren();
    const editable = editableList(value);
    this.add.hidden = !editable;
    asStrings(value).forEach((v, index) => this.addRow(v, { index, value: v }, !editable));
  }

  private addRow(text: string, orig: Row['orig'], readonly = false): HTMLInputElement {
    const n = this.rows.children.length;
    const input = el('input', { type: 'text', class: 'list-item', 'aria-label': `${this.target.label} ${this.itemName} ${n + 1}` });
    input.value = text;
    input.dataset.key = `${this.target.key}.${n}`;
    if (readonly) {
      input.readOnly = true;
      input.title = 'Not a plain text item: change it in the text';
    }
    const remove = el('button', { type: 'button', class: 'list-remove', title: `Remove this ${this.itemName}`, 'aria-label': `Remove ${this.target.label} ${this.itemName} ${n + 1}` }, '✕');
    const row: Row = { el: el('div', { class: 'list-row' }, input, remove), orig };
    input.addEventListener('change', () => this.commit(row, input.value.trim()));
    remove.addEventListener('click', () => this.commit(row, ''));
    if (readonly) remove.hidden = true;
    this.rowList.push(row);
    this.rows.append(row.el);
    return input;
  }

  private commit(row: Row, value: string): void {
    const list = asStrings(this.latest);
    const at = findItem(list, row.orig);
    if (value === '') {
      this.rowList = dropRow(this.rowList, row, at, this.add);
      if (at < 0) return;
      list.splice(at, 1);
    } else if (at >= 0) {
      if (list[at] === value) return;
      list[at] = value;
      row.orig = { index: at, value };
    } else {
      list.push(value);
      row.orig = { index: list.length - 1, value };
    }
    this.send(list.length ? this.typed(list) : null, list);
  }

  /** Items as values: ports stay numbers; a field written as one value stays one value while it has one item. */
  private typed(list: string[]): FieldValue {
    const values = this.schema.type === 'ports' ? list.map((x) => (/^\d+$/.test(x) ? Number(x) : x)) : list;
    return values.length === 1 && !Array.isArray(this.written) && this.written !== undefined && this.written !== null ? values[0]! : values;
  }
}

// ------------------------------------------------------------------ references

/** Records a reference field may name, as picker choices. */
export type Candidates = () => RecordView[];

const splitRef = (item: string): [string, string] => {
  const i = item.indexOf('#');
  return i < 0 ? [item, ''] : [item.slice(0, i), item.slice(i + 1)];
};

/**
 * A list of references (`E1`, `E2#frame=3`): one row per item with a picker of
 * the records it may name (shown with their title or file) and the locator;
 * an "add" picker offers the records not yet in the list.
 */
export class RefsWidget extends Base {
  private readonly rows = el('div', { class: 'list-rows' });
  private readonly adder: HTMLSelectElement;
  private rowList: Row[] = [];

  constructor(ctx: FormContext, target: FieldTarget, schema: FieldSchema, private readonly candidates: Candidates) {
    super(ctx, target, 'w-refs');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', target.label);
    this.el.title = schema.doc;
    this.adder = el('select', { class: 'ref-add', 'aria-label': `Add a reference to ${target.label}` });
    this.adder.dataset.key = `${target.key}.add`;
    this.adder.addEventListener('change', () => {
      const id = this.adder.value;
      this.adder.value = '';
      if (id) this.commit(undefined, id);
    });
    this.mount(this.rows, this.adder);
  }

  protected draw(value: unknown): void {
    this.rowList = [];
    this.rows.replaceChildren();
    const list = asStrings(value);
    const editable = editableList(value);
    list.forEach((v, index) => this.addRow(v, { index, value: v }, !editable));
    this.drawAdder(list, editable);
  }

  /** The "add" picker: the records not yet in the list. */
  private drawAdder(list: string[], editable: boolean): void {
    const present = new Set(list.map((x) => splitRef(x)[0]));
    const free = this.candidates().filter((r) => r.id !== undefined && !present.has(r.id));
    this.adder.replaceChildren(el('option', { value: '' }, free.length ? '+ add…' : '+ add… (no other record to name)'), ...free.map((r) => el('option', { value: r.id! }, r.label)));
    this.adder.hidden = !editable;
  }

  private addRow(item: string, orig: Row['orig'], readonly: boolean): void {
    const n = this.rows.children.length;
    const [id, locator] = splitRef(item);
    const pick = el('select', { class: 'ref-id', 'aria-label': `${this.target.label} reference ${n + 1}` });
    pick.dataset.key = `${this.target.key}.${n}`;
    const options = this.candidates().filter((r) => r.id !== undefined);
    if (!options.some((r) => r.id === id)) pick.append(el('option', { value: id }, `${id} (no such record)`));
    for (const r of options) pick.append(el('option', { value: r.id! }, r.label));
    pick.value = id;
    const loc = el('input', { type: 'text', class: 'ref-locator', placeholder: '#locator', 'aria-label': `${this.target.label} reference ${n + 1} locator`, title: 'Where in the evidence: frame=57, entry=12, t=00:01:30 …' });
    loc.dataset.key = `${this.target.key}.${n}.locator`;
    loc.value = locator;
    const remove = el('button', { type: 'button', class: 'list-remove', title: 'Remove this reference', 'aria-label': `Remove ${this.target.label} reference ${n + 1}` }, '✕');
    const row: Row = { el: el('div', { class: 'list-row ref-row' }, pick, loc, remove), orig };
    const value = () => (loc.value.trim() ? `${pick.value}#${loc.value.trim().replace(/^#/, '')}` : pick.value);
    pick.addEventListener('change', () => this.commit(row, value()));
    loc.addEventListener('change', () => this.commit(row, value()));
    remove.addEventListener('click', () => this.commit(row, ''));
    if (readonly) for (const c of [pick, loc, remove]) c.setAttribute('disabled', '');
    this.rowList.push(row);
    this.rows.append(row.el);
  }

  // rows are changed one by one, never redrawn, so that the focus stays where the analyst is
  private commit(row: Row | undefined, value: string): void {
    const list = asStrings(this.latest);
    const at = findItem(list, row?.orig);
    if (value === '') {
      if (row) this.rowList = dropRow(this.rowList, row, at, this.adder);
      if (at < 0) return;
      list.splice(at, 1);
    } else if (at >= 0) {
      if (list[at] === value) return;
      list[at] = value;
      if (row) row.orig = { index: at, value };
    } else {
      list.push(value);
      if (row) row.orig = { index: list.length - 1, value };
      else this.addRow(value, { index: list.length - 1, value }, false);
    }
    this.send(list.length ? list : null, list);
    this.drawAdder(list, true);
  }
}
export function choicesOf(values: readonly string[]): () => { value: string; label: string }[] {
  return () => values.map((v) => ({ value: v, label: v }));
}

let countryList: { value: string; label: string }[] | undefined;
/** ISO 3166 alpha-2 codes with their names, from the browser's own region data. */
export function countries(): { value: string; label: string }[] {
  if (!countryList) {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    countryList = [];
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name && name !== code && !['EU', 'EZ', 'UN', 'QO'].includes(code)) countryList.push({ value: code, label: `${code} · ${name}` });
      }
  }
  return countryList;
}

/** The newest choices of records of `kinds` (ids with their labels) for a single reference. */
export function recordChoices(records: () => RecordView[]): () => { value: string; label: string }[] {
  return () => records().filter((r) => r.id !== undefined).map((r) => ({ value: r.id!, label: r.label }));
}

/** A Markdown section of the narrative: a text area, sent (as a minimal edit) on change. */
export class ProseWidget extends Base {
  readonly area: HTMLTextAreaElement;
  private readonly rendered = el('div', { class: 'prose-block' });
  private shown = '';

  constructor(ctx: FormContext, target: FieldTarget) {
    super(ctx, target, 'w-prose');
    this.area = el('textarea', { class: 'prose-text', 'aria-label': target.label, spellcheck: 'true' });
    this.area.dataset.key = target.key;
    this.area.addEventListener('change', () => {
      if (this.area.value === this.shown) return;
      this.shown = this.area.value;
      this.send(this.area.value, this.latest);
    });
    const details = el('details', { class: 'prose-rendered' }, el('summary', {}, 'As rendered'), this.rendered);
    this.mount(this.area, details);
  }

  protected draw(value: unknown): void {
    const seg = value as { text: string; html: string };
    if (this.area.value !== seg.text) this.area.value = seg.text;
    this.shown = seg.text;
    this.area.rows = Math.min(30, Math.max(3, seg.text.split('\n').length + 1));
    // HTML from the core renderer: escaped report text, no scripts, no raw HTML
    this.rendered.innerHTML = seg.html;
  }
}
