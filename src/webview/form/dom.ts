/** DOM helpers of the structured editor's form, and what every field widget shares. */
import type { EditorModel, FieldValue, FromWebview, ProblemView } from '../../core/protocol';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** True while the webview has focus and it is inside `node`. */
export function hasFocusWithin(node: Node): boolean {
  return document.hasFocus() && !!document.activeElement && node.contains(document.activeElement);
}

/** What a widget needs from the form: the newest model, and the way to send a change. */
export interface FormContext {
  model(): EditorModel | undefined;
  /** Sends a message that is not an edit intent (show the text, add evidence, …). */
  post(m: FromWebview): void;
  /** Sends an edit intent; returns its request id, or undefined when there is no model yet. */
  intent(intent: import('../../core/protocol').Intent): number | undefined;
  /** Asks for a quick fix of the model's diagnostic `diagnostic`. */
  applyFix(diagnostic: number, fix: number): void;
  /** True once the result of request `id` has arrived. */
  settled(id: number): boolean;
}

/** Where a widget sends its value: a record field or a front-matter key. */
export interface FieldTarget {
  /** The key the widget's inputs are found by (`data-key`), e.g. `F1.to` or `fm.title`. */
  key: string;
  /** Accessible label, e.g. `F1 to`. */
  label: string;
  send(value: FieldValue): number | undefined;
}

/** A field's editor. It keeps what the analyst is typing: `update` never redraws it while it has focus or an edit in flight. */
export interface Widget {
  readonly el: HTMLElement;
  /** The field's value in the newest model (kept even while busy, so that edits patch the newest value). */
  update(value: unknown): void;
  /** The extension refused request `id` (sent by this widget): keep the text and say why. */
  refused(id: number, error: string): boolean;
}

/** Field values as text. */
export function display(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A list value as items (a scalar is a list of one). */
export function items(v: unknown): unknown[] {
  if (v === null || v === undefined || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * A field's problems, each with the quick fixes the text editor offers for it
 * and a link to its line.
 */
export function problemsList(problems: ProblemView[], ctx: FormContext): HTMLElement | undefined {
  if (!problems.length) return undefined;
  const ul = el('ul', { class: 'problems', 'aria-label': `${problems.length} problem${problems.length > 1 ? 's' : ''}` });
  for (const p of problems) {
    const a = el('a', { href: '#', class: `problem problem-${p.severity}`, title: 'Show in the text' }, `${p.rule} — ${p.message}`);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      ctx.post({ type: 'editSource', line: p.line });
    });
    const li = el('li', {}, a);
    p.fixes.forEach((title, fix) => {
      const b = el('button', { type: 'button', class: 'fix', title: 'Quick fix' }, `Fix: ${title}`);
      b.addEventListener('click', () => {
        ctx.applyFix(p.diagnostic, fix);
      });
      li.append(' ', b);
    });
    ul.append(li);
  }
  return ul;
}
