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
  private readonly add: HTMLButtonElement;
  private rowList: IdRow[] = [];

  constructor(ctx: FormContext, target: FieldTarget, schema: FieldSchema, private readonly categories: () => CategoryChoice[]) {
    super(ctx, target, 'identifiers');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', target.label);
    this.el.title = "The test device's own values, by data category; every export masks them";
    this.datalist = el('datalist', { id: nextId(`${target.key}-categories`) });
    this.add = el('button', { type: 'button', class: 'identifier-add', 'aria-label': `Add identifier to ${target.label}` }, 'Add identifier');
    this.add.addEventListener('click', () => this.addRow('', '', undefined).focus());
    this.mount(this.rows, this.add, this.datalist);
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
    this.rowList = dropRow(this.rowList, row, -1, this.add);
    if (row.origKey === undefined) return;
    const entries = this.entries().filter(([x]) => x !== row.origKey);
    const map = Object.fromEntries(entries);
    this.send(map, map);
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
