/** A record's card: its header (id, hash badge, summary, actions) and its fields in the schema's order. */
import type { FieldSchema, RecordView } from '../../core/protocol';
import { el, problemsList } from '../form/dom';
import { Field, target, widgetFor } from './fields';
import { ctx, post, recordKey, refOf } from './state';

const HASH_LABEL: Record<string, string> = { ok: '✓ hash verified', mismatch: '✗ file changed', missing: '✗ file missing', unrecorded: '✗ no hash recorded', blocked: '✗ path not allowed' };

/** One record: header (id, summary, actions), its fields in the schema's order, problems not on a field. */
export class Card {
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
    const badges = `${view.hash ?? ''}|${view.claim?.label ?? ''}`;
    if (this.title.dataset.text !== title + badges) {
      this.title.dataset.text = title + badges;
      this.title.replaceChildren(
        title,
        ...(view.hash ? [' ', el('span', { class: `badge hash-${view.hash === 'ok' ? 'ok' : 'bad'}` }, HASH_LABEL[view.hash] ?? view.hash)] : []),
        // a flow: whether the capture entries it cites show its data going to its host
        ...(view.claim ? [' ', el('span', { class: `badge claim-${view.claim.state}`, title: 'What the capture entries and frames this flow cites show (see the preview for the request)' }, view.claim.label)] : []),
      );
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
