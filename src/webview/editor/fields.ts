/** A field of the form: its widget (chosen by the field's type in the schema), its label, its own problems. */
import type { FieldSchema, FieldValue, Intent, ProblemView } from '../../core/protocol';
import { el, problemsList, type FieldTarget, type Widget } from '../form/dom';
import { AuditorsWidget, CategoriesWidget, IdentifiersWidget } from '../form/rows';
import { ListWidget, RefsWidget, ScalarWidget, choicesOf, countries, recordChoices } from '../form/widgets';
import { ctx, page, records, senders } from './state';

/** A labelled field: its widget and, under it, its own problems with their quick fixes. */
export class Field {
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

export type Target = FieldTarget & { owner?: Widget };

export function target(key: string, label: string, send: (v: FieldValue) => Intent): Target {
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
export function widgetFor(schema: FieldSchema, kind: string | undefined, t: Target): Widget {
  const refKinds = kind ? page.model?.refKinds[kind]?.[schema.name] : undefined;
  const categories = () => page.model?.categories ?? [];
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

export function refreshIdLists(): void {
  for (const [key, list] of idLists) {
    const kinds = key.split(',');
    const recs = (page.model?.records ?? []).filter((r) => kinds.includes(r.kind) && r.id !== undefined);
    list.replaceChildren(...recs.map((r) => el('option', { value: r.id! }, r.id!)));
  }
}
