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
import type { FieldValue } from '../../core/protocol';
import { el, hasFocusWithin, items, type FieldTarget, type FormContext, type Widget } from './dom';

let uid = 0;
/** A unique element id for an input of the widget with data-key `base`. */
export const nextId = (base: string) => `w${++uid}-${base.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** What all widgets share: in-flight requests, the newest model value, refused edits. */
export abstract class Base implements Widget {
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
    // text typed and not sent yet (the form's Ctrl+Z then undoes it in the field, and Ctrl+S sends it first)
    const field = (t: EventTarget | null) => (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement ? t : undefined);
    const sent = new WeakMap<HTMLElement, string>();
    this.el.addEventListener('focusin', (e) => {
      const f = field(e.target);
      if (f) sent.set(f, f.value);
    });
    this.el.addEventListener('input', (e) => {
      const f = field(e.target);
      if (!f) return;
      if (f.value !== sent.get(f)) f.dataset.unsent = '1';
      else delete f.dataset.unsent;
    });
    this.el.addEventListener('change', (e) => {
      const f = field(e.target);
      if (!f) return;
      sent.set(f, f.value);
      delete f.dataset.unsent;
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

  protected abstract draw(value: unknown): void;
}

// ------------------------------------------------------------------ lists of items

export interface Row {
  el: HTMLElement;
  /** The item the row stands for in the model: its position and text then. */
  orig?: { index: number; value: string };
}

/** Where an item the analyst changed now is in `list`: at its old position if it is still there, else where its text is. */
/**
 * Takes `row` out of the widget (its item was at `at` in the list, -1 when it
 * had none): the rows after it move up one place, and the focus, when it was
 * in the row, goes to the row that took its place, else to `fallback`.
 */
export function dropRow<R extends Row>(rows: R[], row: R, at: number, fallback: HTMLElement): R[] {
  const i = rows.indexOf(row);
  const hadFocus = !!document.activeElement && row.el.contains(document.activeElement);
  row.el.remove();
  const rest = rows.filter((r) => r !== row);
  if (at >= 0) for (const r of rest) if (r.orig && r.orig.index > at) r.orig = { ...r.orig, index: r.orig.index - 1 };
  if (hadFocus) (rest[i]?.el.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled])') ?? fallback).focus();
  return rest;
}

export function findItem(list: string[], orig: { index: number; value: string } | undefined): number {
  if (!orig) return -1;
  return list[orig.index] === orig.value ? orig.index : list.indexOf(orig.value);
}

export const asStrings = (v: unknown): string[] => items(v).map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x)));

/** Values that are not plain strings or numbers (mappings in a list) are shown but changed in the text. */
export const editableList = (v: unknown) => items(v).every((x) => typeof x === 'string' || typeof x === 'number');
