/** The form's sections: the records of one kind, the report's own fields (front matter), and the narrative. */
import type { EditorModel, RecordKind } from '../../core/protocol';
import { el, hasFocusWithin, problemsList } from '../form/dom';
import { ProseWidget } from '../form/widgets';
import { Card } from './card';
import { Field, target, widgetFor } from './fields';
import { addedBy, ctx, page, post, recordKey, refOf } from './state';

/** Front-matter keys the form leaves to the text editor (structured settings). */
const TEXT_ONLY_KEYS = ['categories', 'lint'];

/** The records of one kind: its cards, in the report's order, kept across models. */
export class KindSection {
  readonly el: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly list = el('div', { class: 'cards' });
  readonly cards = new Map<string, Card>();

  constructor(private readonly kind: RecordKind, private readonly title: string) {
    const hid = `h-${kind}`;
    this.heading = el('h2', { id: hid }, title);
    const add = el('button', { type: 'button', class: 'add', 'aria-label': `Add ${kind}` }, `+ Add ${kind}`);
    add.addEventListener('click', () => {
      const mine = (page.model?.records ?? []).filter((r) => r.kind === kind);
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

export class FrontMatterSection {
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

export class ProseSection {
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
