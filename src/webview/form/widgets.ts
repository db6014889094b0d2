/**
 * The form's field editors. Each keeps what the analyst is typing:
 *
 * - a new model never redraws a widget that has focus, has an edit in flight,
 *   or holds a half-made row (a list item or identifier without its value);
 * - an edit is sent as a patch of the newest model's value (the item or row
 *   the analyst changed, the rest as the model has it), and the widget takes
 *   it as its own value at once, so that a second edit made before the model
 *   comes back builds on the first;
 * - lists are edited as items (a comma is text), identifiers row by row (a
 *   row is written once it has a category and a value);
 * - an edit the extension refuses leaves the typed text in place, marked,
 *   with the reason.
 */
import type { FieldSchema, FieldValue, RecordView } from '../../core/protocol';
import { display, el, hasFocusWithin, items, recordLabel, type FieldTarget, type FormContext, type Widget } from './dom';

let uid = 0;
const nextId = (base: string) => `w${++uid}-${base.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** What all widgets share: in-flight requests, the newest model value, refused edits. */
abstract class Base implements Widget {
  readonly el: HTMLElement;
  protected latest: unknown;
  private inFlight: number[] = [];
  private readonly note: HTMLElement;
  /** An edit was refused: the typed text stays until the analyst changes it. */
  private keptRefused = false;

  constructor(protected readonly ctx: FormContext, protected readonly target: FieldTarget, cls: string) {
    this.el = el('div', { class: `widget ${cls}` });
    this.note = el('div', { class: 'widget-note', role: 'alert', hidden: '' });
    // when focus leaves, a value held back while typing is shown
    this.el.addEventListener('focusout', (e) => {
      if (!this.el.contains(e.relatedTarget as Node | null)) queueMicrotask(() => this.update(this.latest));
    });
    this.el.addEventListener('input', () => {
      if (!this.keptRefused) return;
      this.keptRefused = false;
      this.say('');
      for (const i of Array.from(this.el.querySelectorAll('[aria-invalid]'))) i.removeAttribute('aria-invalid');
    });
  }

  /** Call at the end of the subclass constructor. */
  protected mount(...children: HTMLElement[]): void {
    this.el.append(...children, this.note);
  }

  protected pending(): boolean {
    this.inFlight = this.inFlight.filter((id) => !this.ctx.settled(id));
    return this.inFlight.length > 0;
  }

  /** True while the widget holds text the model does not have yet (a half-made row, a refused value). */
  protected holding(): boolean {
    return this.keptRefused;
  }

  update(value: unknown): void {
    if (this.pending()) return; // a model from before our edit: the one after it follows
    this.latest = value;
    if (hasFocusWithin(this.el) || this.holding()) return;
    this.draw(value);
  }

  /** Sends a new value for the field and takes it as the newest one. */
  protected send(value: FieldValue, latest: unknown = value): void {
    this.latest = latest;
    this.say('');
    const id = this.target.send(value);
    if (id !== undefined) this.inFlight.push(id);
  }

  /** The extension refused request `id`: say why and keep the text. */
  refused(id: number, error: string): boolean {
    if (!this.inFlight.includes(id)) return false;
    this.inFlight = this.inFlight.filter((x) => x !== id);
    this.say(error);
    this.keptRefused = true;
    if (document.activeElement instanceof HTMLElement && this.el.contains(document.activeElement)) document.activeElement.setAttribute('aria-invalid', 'true');
    return true;
  }

  protected say(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === '';
    this.el.classList.toggle('refused', text !== '');
  }

  flush(): void {
    // widgets that send on `change` have nothing held back
  }

  protected abstract draw(value: unknown): void;
}

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
      const placeholder = schema.type === 'datetime' ? 'YYYY-MM-DD or YYYY-MM-DDTHH:MM' : schema.type === 'date' ? 'YYYY-MM-DD' : schema.type === 'ports' ? '443 or 80, 443' : schema.type === 'url' ? 'https://…' : '';
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

interface Row {
  el: HTMLElement;
  /** The item the row stands for in the model: its position and text then. */
  orig?: { index: number; value: string };
}

/** Where an item the analyst changed now is in `list`: at its old position if it is still there, else where its text is. */
function findItem(list: string[], orig: { index: number; value: string } | undefined): number {
  if (!orig) return -1;
  return list[orig.index] === orig.value ? orig.index : list.indexOf(orig.value);
}

const asStrings = (v: unknown): string[] => items(v).map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x)));

/** Values that are not plain strings or numbers (mappings in a list) are shown but changed in the text. */
const editableList = (v: unknown) => items(v).every((x) => typeof x === 'string' || typeof x === 'number');

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

  protected draw(value: unknown): void {
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
      row.el.remove();
      this.rowList = this.rowList.filter((r) => r !== row);
      if (at < 0) return;
      list.splice(at, 1);
      // rows after it moved up one place
      for (const r of this.rowList) if (r.orig && r.orig.index > at) r.orig = { ...r.orig, index: r.orig.index - 1 };
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

  /** Items as values: ports stay numbers. */
  private typed(list: string[]): FieldValue {
    if (this.schema.type === 'ports') return list.map((x) => (/^\d+$/.test(x) ? Number(x) : x));
    return list;
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
    const present = new Set(list.map((x) => splitRef(x)[0]));
    const free = this.candidates().filter((r) => r.id !== undefined && !present.has(r.id));
    this.adder.replaceChildren(el('option', { value: '' }, free.length ? '+ add…' : '+ add… (no other record to name)'), ...free.map((r) => el('option', { value: r.id! }, recordLabel(r))));
    this.adder.hidden = !editable;
  }

  private addRow(item: string, orig: Row['orig'], readonly: boolean): void {
    const n = this.rows.children.length;
    const [id, locator] = splitRef(item);
    const pick = el('select', { class: 'ref-id', 'aria-label': `${this.target.label} reference ${n + 1}` });
    pick.dataset.key = `${this.target.key}.${n}`;
    const options = this.candidates().filter((r) => r.id !== undefined);
    if (!options.some((r) => r.id === id)) pick.append(el('option', { value: id }, `${id} (no such record)`));
    for (const r of options) pick.append(el('option', { value: r.id! }, recordLabel(r)));
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

  private commit(row: Row | undefined, value: string): void {
    const list = asStrings(this.latest);
    const at = findItem(list, row?.orig);
    if (value === '') {
      if (at < 0) return;
      list.splice(at, 1);
    } else if (at >= 0) {
      if (list[at] === value) return;
      list[at] = value;
    } else list.push(value);
    this.send(list.length ? list : null, list);
    this.draw(list);
  }
}

// ------------------------------------------------------------------ data categories

export interface CategoryChoice {
  name: string;
  label: string;
  sensitivity: string;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Data categories: the chosen ones as chips (✕ removes), then a filter box
 * and a checkbox per category. A click adds or removes one category; the
 * others stay as written.
 */
export class CategoriesWidget extends Base {
  private readonly chips = el('div', { class: 'chips', 'aria-live': 'polite' });
  private readonly filter: HTMLInputElement;
  private readonly list = el('div', { class: 'checklist', role: 'group' });
  private boxes = new Map<string, HTMLInputElement>();

  constructor(ctx: FormContext, target: FieldTarget, schema: FieldSchema, private readonly categories: () => CategoryChoice[]) {
    super(ctx, target, 'w-categories');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', target.label);
    this.el.title = schema.doc;
    this.list.setAttribute('aria-label', `${target.label}: all categories`);
    this.filter = el('input', { type: 'search', class: 'checklist-filter', placeholder: 'Filter categories…', 'aria-label': `Filter the categories of ${target.label}` });
    this.filter.dataset.key = `${target.key}.filter`;
    this.filter.addEventListener('input', () => this.applyFilter());
    this.mount(this.chips, this.filter, this.list);
  }

  // checkboxes and chips are updated in place, so a new model may always be shown
  override update(value: unknown): void {
    if (this.pending()) return;
    this.latest = value;
    this.draw(value);
  }

  protected draw(value: unknown): void {
    const chosen = asStrings(value);
    const editable = editableList(value);
    const cats = this.categories();
    // chips
    this.chips.replaceChildren(
      ...(chosen.length ? [] : [el('span', { class: 'chips-empty' }, 'none chosen')]),
      ...chosen.map((name) => {
        const known = cats.find((c) => same(c.name, name));
        const chip = el('span', { class: `chip${known ? '' : ' chip-unknown'}`, title: known ? `${known.label} (${known.sensitivity})` : 'Not a category of the taxonomy' }, known ? name : `${name} (unknown)`);
        const x = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${name} from ${this.target.label}` }, '✕');
        x.disabled = !editable;
        x.addEventListener('click', () => this.toggle(name, false));
        chip.append(x);
        return chip;
      }),
    );
    // checkboxes: built once per taxonomy, then only checked or not
    const names = cats.map((c) => c.name).join('\n');
    if (this.list.dataset.names !== names) {
      this.boxes = new Map();
      this.list.replaceChildren(
        ...cats.map((c) => {
          const box = el('input', { type: 'checkbox', value: c.name });
          box.dataset.key = `${this.target.key}.cat.${c.name}`;
          box.addEventListener('change', () => this.toggle(c.name, box.checked));
          this.boxes.set(c.name, box);
          return el('label', { class: `check sens-${c.sensitivity}`, title: c.label }, box, ` ${c.name} `, el('span', { class: 'sensitivity' }, c.sensitivity));
        }),
      );
      this.list.dataset.names = names;
      this.applyFilter();
    }
    for (const [name, box] of this.boxes) {
      box.checked = chosen.some((x) => same(x, name));
      box.disabled = !editable;
    }
  }

  private applyFilter(): void {
    const q = this.filter.value.trim().toLowerCase();
    const cats = this.categories();
    for (const label of Array.from(this.list.children) as HTMLElement[]) {
      const name = (label.querySelector('input') as HTMLInputElement).value;
      const c = cats.find((x) => x.name === name);
      label.hidden = q !== '' && !`${name} ${c?.label ?? ''} ${c?.sensitivity ?? ''}`.toLowerCase().includes(q);
    }
  }

  private toggle(name: string, on: boolean): void {
    const list = asStrings(this.latest);
    const has = list.some((x) => same(x, name));
    if (on === has) return;
    const next = on ? [...list, name] : list.filter((x) => !same(x, name));
    this.send(next.length ? next : null, next);
    this.draw(next);
  }
}

// ------------------------------------------------------------------ a device's identifiers

interface IdRow extends Row {
  key: HTMLInputElement;
  value: HTMLInputElement;
  /** The category the row stands for in the model. */
  origKey?: string;
}

/**
 * A device's identifiers: one row per category and value. A row is written
 * whole, once it has both; until then it stays as typed, marked, and nothing
 * is sent. Renaming a category keeps its place; ✕ removes one.
 */
export class IdentifiersWidget extends Base {
  private readonly rows = el('div', { class: 'identifier-rows' });
  private readonly datalist: HTMLDataListElement;
  private rowList: IdRow[] = [];

  constructor(ctx: FormContext, target: FieldTarget, schema: FieldSchema, private readonly categories: () => CategoryChoice[]) {
    super(ctx, target, 'identifiers');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', target.label);
    this.el.title = "The test device's own values, by data category; every export masks them";
    this.datalist = el('datalist', { id: nextId(`${target.key}-categories`) });
    const add = el('button', { type: 'button', class: 'identifier-add', 'aria-label': `Add identifier to ${target.label}` }, 'Add identifier');
    add.addEventListener('click', () => this.addRow('', '', undefined).focus());
    this.mount(this.rows, add, this.datalist);
    void schema;
  }

  protected override holding(): boolean {
    // a row that is not written yet (new, or missing its category or value)
    return super.holding() || this.rowList.some((r) => r.origKey === undefined ? r.key.value.trim() !== '' || r.value.value !== '' : r.key.value.trim() === '' || r.value.value.trim() === '');
  }

  private entries(): [string, string][] {
    const v = this.latest;
    return v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, display(x)]) : [];
  }

  protected draw(value: unknown): void {
    const cats = this.categories();
    this.datalist.replaceChildren(...cats.map((c) => el('option', { value: c.name }, c.label)));
    this.rowList = [];
    this.rows.replaceChildren();
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      // not a mapping: shown as written, changed in the text (the linter says what it should be)
      const ro = el('input', { type: 'text', readonly: '', title: 'Not a mapping of categories to values: edit it in the text', 'aria-label': this.target.label });
      ro.dataset.key = this.target.key;
      ro.value = display(value);
      this.rows.append(ro);
      return;
    }
    for (const [k, v] of this.entries()) this.addRow(k, v, k);
  }

  private addRow(k: string, v: string, origKey: string | undefined): HTMLInputElement {
    const n = this.rows.children.length;
    const key = el('input', { type: 'text', class: 'identifier-key', list: this.datalist.id, placeholder: 'category', 'aria-label': `${this.target.label}: category ${n + 1}` });
    key.value = k;
    key.dataset.key = `${this.target.key}.k${n}`;
    const value = el('input', { type: 'text', class: 'identifier-value', placeholder: 'value', 'aria-label': `${this.target.label}: value ${n + 1}` });
    value.value = v;
    value.dataset.key = `${this.target.key}.v${n}`;
    const remove = el('button', { type: 'button', title: 'Remove this identifier', 'aria-label': `Remove identifier ${n + 1}` }, '✕');
    const row: IdRow = { el: el('div', { class: 'identifier-row' }, key, value, remove), key, value, origKey };
    key.addEventListener('change', () => this.commit(row));
    value.addEventListener('change', () => this.commit(row));
    remove.addEventListener('click', () => this.remove(row));
    this.rowList.push(row);
    this.rows.append(row.el);
    return key;
  }

  private mark(row: IdRow, message: string): void {
    row.key.setCustomValidity(message);
    row.el.classList.toggle('incomplete', message !== '');
    row.el.title = message;
  }

  private commit(row: IdRow): void {
    const k = row.key.value.trim();
    const v = row.value.value.trim();
    if (!k || !v) {
      this.mark(row, k ? 'Not saved yet: give it a value' : v ? 'Not saved yet: give it a category' : '');
      return;
    }
    const entries = this.entries();
    const at = row.origKey === undefined ? -1 : entries.findIndex(([x]) => x === row.origKey);
    if (entries.some(([x], i) => x === k && i !== at)) {
      this.mark(row, `${k} is listed twice; not saved`);
      return;
    }
    this.mark(row, '');
    if (at >= 0) {
      if (entries[at]![0] === k && entries[at]![1] === v) return;
      entries[at] = [k, v];
    } else entries.push([k, v]);
    row.origKey = k;
    const map = Object.fromEntries(entries);
    this.send(map, map);
  }

  private remove(row: IdRow): void {
    row.el.remove();
    this.rowList = this.rowList.filter((r) => r !== row);
    if (row.origKey === undefined) return;
    const entries = this.entries().filter(([x]) => x !== row.origKey);
    const map = Object.fromEntries(entries);
    this.send(map, map);
  }
}

/** Choices of a drop-down: an enum's values, or countries, or records of some kinds. */
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
  return () => records().filter((r) => r.id !== undefined).map((r) => ({ value: r.id!, label: recordLabel(r) }));
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
