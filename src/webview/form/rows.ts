/** The form's editors made of rows and choices: data categories, a device's identifiers, the auditors (see base.ts for what they share). */
import type { FieldSchema } from '../../core/protocol';
import { Base, asStrings, dropRow, editableList, findItem, nextId, type Row } from './base';
import { display, el, items, type FieldTarget, type FormContext } from './dom';

// ------------------------------------------------------------------ data categories

export interface CategoryChoice {
  /** What a click writes into the report. */
  name: string;
  /** What chips and checkboxes show: the taxonomy's label, the category's one display name. */
  label: string;
  sensitivity: string;
  aliases?: string[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** True when `written` names the category `c` (its name or any alias, in any case): `contacts` and `address book` both check Contacts. */
const names = (c: CategoryChoice, written: string) => same(written, c.name) || (c.aliases ?? []).some((a) => same(a, written));

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
    // chips; the focus on a chip's ✕ goes to the chip that takes its place, else to the filter box
    const chipButtons = () => Array.from(this.chips.querySelectorAll<HTMLButtonElement>('button'));
    const focusedChip = chipButtons().findIndex((b) => b === document.activeElement);
    this.chips.replaceChildren(
      ...(chosen.length ? [] : [el('span', { class: 'chips-empty' }, 'none chosen')]),
      ...chosen.map((name) => {
        const known = cats.find((c) => names(c, name));
        // shown under the taxonomy's label (as in the rendered report); an unknown name as written
        const shown = known ? known.label : name;
        const title = known ? `${known.sensitivity} sensitivity${known.label !== name ? ` · written “${name}”` : ''}` : 'Not a category of the taxonomy';
        const chip = el('span', { class: `chip${known ? '' : ' chip-unknown'}`, title }, known ? shown : `${name} (unknown)`);
        const x = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${shown} from ${this.target.label}` }, '✕');
        x.disabled = !editable;
        x.addEventListener('click', () => this.toggle(known ?? { name, label: name, sensitivity: '' }, false));
        chip.append(x);
        return chip;
      }),
    );
    if (focusedChip >= 0) (chipButtons()[focusedChip] ?? this.filter).focus();
    // checkboxes: built once per taxonomy, then only checked or not
    const all = cats.map((c) => c.name).join('\n');
    if (this.list.dataset.names !== all) {
      this.boxes = new Map();
      this.list.replaceChildren(
        ...cats.map((c) => {
          const box = el('input', { type: 'checkbox', value: c.name });
          box.dataset.key = `${this.target.key}.cat.${c.name}`;
          box.addEventListener('change', () => this.toggle(c, box.checked));
          this.boxes.set(c.name, box);
          return el('label', { class: `check sens-${c.sensitivity}`, ...(c.label !== c.name ? { title: `Writes “${c.name}”` } : {}) }, box, ` ${c.label} `, el('span', { class: 'sensitivity' }, c.sensitivity));
        }),
      );
      this.list.dataset.names = all;
      this.applyFilter();
    }
    for (const [name, box] of this.boxes) {
      const c = cats.find((x) => x.name === name);
      box.checked = chosen.some((x) => (c ? names(c, x) : same(x, name)));
      box.disabled = !editable;
    }
  }

  private applyFilter(): void {
    const q = this.filter.value.trim().toLowerCase();
    const cats = this.categories();
    for (const label of Array.from(this.list.children) as HTMLElement[]) {
      const name = (label.querySelector('input') as HTMLInputElement).value;
      const c = cats.find((x) => x.name === name);
      label.hidden = q !== '' && !`${name} ${c?.label ?? ''} ${c?.sensitivity ?? ''} ${(c?.aliases ?? []).join(' ')}`.toLowerCase().includes(q);
    }
  }

  /** Adds the category under its form name, or removes every item that names it (however written). */
  private toggle(c: CategoryChoice, on: boolean): void {
    const list = asStrings(this.latest);
    const has = list.some((x) => names(c, x));
    if (on === has) return;
    const next = on ? [...list, c.name] : list.filter((x) => !names(c, x));
    this.send(next.length ? next : null, next);
    this.draw(next);
  }
}

// ------------------------------------------------------------------ a device's identifiers

/** A category and its values, in the model's order; `list` when the report writes them as a list (also of one). */
interface IdEntry {
  key: string;
  values: string[];
  list: boolean;
}

interface IdRow extends Row {
  key: HTMLInputElement;
  value: HTMLInputElement;
  /** The value the row stands for in the model: its category and its place in the category's values. */
  at?: { key: string; index: number };
}

/**
 * A device's identifiers: one row per value, a category with several values
 * on several rows (the later ones say so). A row is written whole, once it
 * has both a category and a value; until then it stays as typed, marked, and
 * nothing is sent. A row whose category already has values adds its value to
 * them (a list); renaming the category of a category's only value keeps its
 * place; ✕ removes that value only.
 */
export class IdentifiersWidget extends Base {
  private readonly rows = el('div', { class: 'identifier-rows' });
  private readonly datalist: HTMLDataListElement;
  private readonly add: HTMLButtonElement;
  private rowList: IdRow[] = [];

  constructor(ctx: FormContext, target: FieldTarget, schema: FieldSchema, private readonly categories: () => CategoryChoice[]) {
    super(ctx, target, 'identifiers');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', target.label);
    this.el.title = "The test device's own values, by data category (one or several each); every export masks them, and the capture scan looks for them";
    this.datalist = el('datalist', { id: nextId(`${target.key}-categories`) });
    this.add = el('button', { type: 'button', class: 'identifier-add', 'aria-label': `Add identifier to ${target.label}` }, 'Add identifier');
    this.add.addEventListener('click', () => this.addRow('', '', undefined).focus());
    this.mount(this.rows, this.add, this.datalist);
    void schema;
  }

  protected override holding(): boolean {
    // a row that is not written yet (new, or missing its category or value)
    return super.holding() || this.rowList.some((r) => (r.at === undefined ? r.key.value.trim() !== '' || r.value.value !== '' : r.key.value.trim() === '' || r.value.value.trim() === ''));
  }

  /** The newest model's identifiers as categories with their values. */
  private entries(): IdEntry[] {
    const v = this.latest;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
    return Object.entries(v as Record<string, unknown>).map(([key, x]) => (Array.isArray(x) ? { key, values: x.map(display), list: true } : { key, values: [display(x)], list: false }));
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
    for (const e of this.entries()) e.values.forEach((v, index) => this.addRow(e.key, v, { key: e.key, index }));
    this.markRepeats();
  }

  private addRow(k: string, v: string, at: IdRow['at']): HTMLInputElement {
    const n = this.rows.children.length;
    const key = el('input', { type: 'text', class: 'identifier-key', list: this.datalist.id, placeholder: 'category', 'aria-label': `${this.target.label}: category ${n + 1}` });
    key.value = k;
    key.dataset.key = `${this.target.key}.k${n}`;
    const value = el('input', { type: 'text', class: 'identifier-value', placeholder: 'value', 'aria-label': `${this.target.label}: value ${n + 1}` });
    value.value = v;
    value.dataset.key = `${this.target.key}.v${n}`;
    const remove = el('button', { type: 'button', title: 'Remove this value', 'aria-label': `Remove identifier ${n + 1}` }, '✕');
    const row: IdRow = { el: el('div', { class: 'identifier-row' }, key, value, remove), key, value, ...(at ? { at } : {}) };
    key.addEventListener('change', () => this.commit(row));
    value.addEventListener('change', () => this.commit(row));
    remove.addEventListener('click', () => this.remove(row));
    this.rowList.push(row);
    this.rows.append(row.el);
    return key;
  }

  /** A row whose category is the one of the row above it shows it as another value of that category (classes and titles only: nothing is redrawn). */
  private markRepeats(): void {
    this.rowList.forEach((r, i) => {
      const prev = this.rowList[i - 1];
      const more = !!r.at && !!prev?.at && prev.at.key === r.at.key;
      r.key.classList.toggle('identifier-more', more);
      r.key.title = more ? `Another value of ${r.at!.key}` : '';
    });
  }

  private mark(row: IdRow, message: string): void {
    row.key.setCustomValidity(message);
    row.el.classList.toggle('incomplete', message !== '');
    row.el.title = message;
  }

  /** The row's value in `entries` (its place when the model still has the value there), or undefined. */
  private placeOf(entries: IdEntry[], row: IdRow): { entry: IdEntry; index: number } | undefined {
    const entry = row.at && entries.find((e) => e.key === row.at!.key);
    return entry && row.at!.index < entry.values.length ? { entry, index: row.at!.index } : undefined;
  }

  private commit(row: IdRow): void {
    const k = row.key.value.trim();
    const v = row.value.value.trim();
    if (!k || !v) {
      this.mark(row, k ? 'Not saved yet: give it a value' : v ? 'Not saved yet: give it a category' : '');
      return;
    }
    this.mark(row, '');
    const entries = this.entries();
    const place = this.placeOf(entries, row);
    if (place && place.entry.key === k) {
      // the value changed
      if (place.entry.values[place.index] === v) return;
      place.entry.values[place.index] = v;
    } else if (place && place.entry.values.length === 1 && !entries.some((e) => e.key === k)) {
      // the category of its only value renamed: it keeps its place
      place.entry.key = k;
      row.at = { key: k, index: 0 };
    } else {
      // a new value, or one moved to another category: added to that category's values (the last one)
      if (place) this.take(entries, place.entry, place.index);
      row.at = { key: k, index: this.put(entries, k, v) };
    }
    this.sendEntries(entries);
  }

  private remove(row: IdRow): void {
    this.rowList = dropRow(this.rowList, row, -1, this.add);
    const entries = this.entries();
    const place = this.placeOf(entries, row);
    if (!place) return;
    this.take(entries, place.entry, place.index);
    this.sendEntries(entries);
  }

  /** Takes value `index` out of `entry` (and the category out when it was its last value); the rows after it move up. */
  private take(entries: IdEntry[], entry: IdEntry, index: number): void {
    entry.values.splice(index, 1);
    if (entry.values.length === 0) entries.splice(entries.indexOf(entry), 1);
    for (const r of this.rowList) if (r.at && r.at.key === entry.key && r.at.index > index) r.at = { key: r.at.key, index: r.at.index - 1 };
  }

  /** Adds `v` to category `k` (a new category at the end, a second value makes a list); its index. */
  private put(entries: IdEntry[], k: string, v: string): number {
    const e = entries.find((x) => x.key === k);
    if (!e) {
      entries.push({ key: k, values: [v], list: false });
      return 0;
    }
    e.values.push(v);
    e.list = true;
    return e.values.length - 1;
  }

  private sendEntries(entries: IdEntry[]): void {
    // a list stays a list, also of one value
    const map: Record<string, string | string[]> = Object.fromEntries(entries.map((e) => [e.key, e.list ? e.values : e.values[0]!]));
    this.send(map, map);
    this.markRepeats();
  }
}

/** Choices of a drop-down: an enum's values, or countries, or records of some kinds. */
// ------------------------------------------------------------------ auditors

type Auditor = string | Record<string, string>;
const AUDITOR_PARTS = ['name', 'org', 'contact'] as const;

interface AuditorRow extends Row {
  inputs: Record<(typeof AUDITOR_PARTS)[number], HTMLInputElement>;
}

/**
 * The report's auditors: one row per person, with name, organisation and
 * contact. A person written as a plain name stays a plain name until an
 * organisation or contact is given; other keys of a person's mapping are kept.
 */
export class AuditorsWidget extends Base {
  private readonly rows = el('div', { class: 'list-rows' });
  private rowList: AuditorRow[] = [];
  private readonly add: HTMLButtonElement;

  constructor(ctx: FormContext, target: FieldTarget, schema: FieldSchema) {
    super(ctx, target, 'w-auditors');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', target.label);
    this.el.title = schema.doc;
    this.add = el('button', { type: 'button', class: 'list-add', 'aria-label': `Add auditor to ${target.label}` }, '+ auditor');
    this.add.addEventListener('click', () => this.addRow(undefined, undefined).inputs.name.focus());
    this.mount(this.rows, this.add);
  }

  protected override holding(): boolean {
    return super.holding() || this.rowList.some((r) => (!r.orig && AUDITOR_PARTS.some((p) => r.inputs[p].value.trim() !== '')) || (r.orig && r.inputs.name.value.trim() === ''));
  }

  private list(): Auditor[] {
    return items(this.latest).map((x) => (typeof x === 'object' && x !== null ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, display(v)])) : String(x)));
  }

  protected draw(value: unknown): void {
    this.rowList = [];
    this.rows.replaceChildren();
    items(value).forEach((a, index) => this.addRow(a as Auditor, index));
  }

  private addRow(a: Auditor | undefined, index: number | undefined): AuditorRow {
    const n = this.rows.children.length;
    const mk = (part: string, placeholder: string) => {
      const i = el('input', { type: 'text', class: `auditor-${part}`, placeholder, 'aria-label': `${this.target.label} ${n + 1} ${part}` });
      i.dataset.key = `${this.target.key}.${n}.${part}`;
      return i;
    };
    const inputs = { name: mk('name', 'name'), org: mk('org', 'organisation'), contact: mk('contact', 'contact') };
    if (a !== undefined) for (const p of AUDITOR_PARTS) inputs[p].value = typeof a === 'string' ? (p === 'name' ? a : '') : display(a[p]);
    const remove = el('button', { type: 'button', class: 'list-remove', title: 'Remove this auditor', 'aria-label': `Remove ${this.target.label} ${n + 1}` }, '✕');
    const row: AuditorRow = { el: el('div', { class: 'list-row auditor-row' }, inputs.name, inputs.org, inputs.contact, remove), inputs, ...(index !== undefined ? { orig: { index, value: JSON.stringify(a) } } : {}) };
    for (const p of AUDITOR_PARTS) inputs[p].addEventListener('change', () => this.commit(row, false));
    remove.addEventListener('click', () => this.commit(row, true));
    this.rowList.push(row);
    this.rows.append(row.el);
    return row;
  }

  private commit(row: AuditorRow, remove: boolean): void {
    const list = this.list();
    const texts = list.map((x) => JSON.stringify(x));
    const at = findItem(texts, row.orig);
    if (remove) {
      this.rowList = dropRow(this.rowList, row, at, this.add);
      if (at < 0) return;
      list.splice(at, 1);
      this.send(list, list);
      return;
    }
    const parts = Object.fromEntries(AUDITOR_PARTS.map((p) => [p, row.inputs[p].value.trim()])) as Record<(typeof AUDITOR_PARTS)[number], string>;
    if (!parts.name) return; // a person needs a name: held until it has one
    const old = at >= 0 ? list[at] : undefined;
    let next: Auditor;
    if ((old === undefined || typeof old === 'string') && !parts.org && !parts.contact) next = parts.name;
    else {
      // the person's other keys stay, in their order; emptied parts go (the name never does)
      const base: Record<string, string> = typeof old === 'object' ? { ...old } : {};
      for (const p of AUDITOR_PARTS) {
        if (parts[p]) base[p] = parts[p];
        else delete base[p];
      }
      next = Object.fromEntries([...AUDITOR_PARTS.filter((p) => p in base).map((p) => [p, base[p]!] as const), ...Object.entries(base).filter(([k]) => !(AUDITOR_PARTS as readonly string[]).includes(k))]);
    }
    if (JSON.stringify(next) === JSON.stringify(old)) return;
    if (at >= 0) list[at] = next;
    else list.push(next);
    row.orig = { index: at >= 0 ? at : list.length - 1, value: JSON.stringify(next) };
    this.send(list, list);
  }
}
