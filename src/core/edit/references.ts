/**
 * References between records: which records name an id in their reference
 * fields (`referencesTo`), how often the prose cites it (`citationsOf`), and
 * the edits that take the id out of those fields when its record is deleted
 * (`deleteRecord` with `references: 'remove'`). Prose citations are never
 * touched.
 *
 * A list loses the items that name the id (`E1`, `E1#frame=3`), each item's
 * own text or lines only; a scalar reference (`step: S1`, `source: E1`), or a
 * list left empty, loses its whole field, unless that field is the record's
 * only one (it is then left as it is).
 */
import { toPlain, type AuditRecord, type Reference, type Report, type YSeq } from '../report/model';
import type { Span, TextEdit } from '../report/types';
import { EditContext, changeTo, reparsed } from './context';
import { fieldChange } from './fields';
import { applyEdits } from './apply-edits';

/** The records whose reference fields name `id`, with the field, in report order (the record with that id itself left out). */
export function referencesTo(report: Report, id: string): { record: AuditRecord; field: string }[] {
  const seen = new Set<string>();
  const out: { record: AuditRecord; field: string }[] = [];
  for (const ref of report.references) {
    const record = ref.from;
    if (ref.id !== id || !record || record.id === id) continue;
    const key = `${record.index}\u0000${ref.field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ record, field: ref.field });
  }
  // a stable sort: the fields of one record stay in the order the references were collected
  return out.sort((a, b) => a.record.index - b.record.index);
}

/** How many prose citations (`[@E1]`, `[@E1#frame=3]`) name `id`. */
export function citationsOf(report: Report, id: string): number {
  let n = 0;
  for (const c of report.citations) if (c.id === id) n++;
  return n;
}

export interface ReferenceRemoval {
  /** One edit per changed record, inside that record's lines. */
  edits: TextEdit[];
  /** What each changed record must read back as. */
  changed: { recordIndex: number; plain: Record<string, unknown> }[];
}

/**
 * The edits that take the id of `deleted` out of the other records' reference
 * fields. Nothing when the record has no id, or when another record has the
 * same id (the references still name that one).
 */
export function removeReferences(ctx: EditContext, deleted: AuditRecord): ReferenceRemoval {
  const { report } = ctx;
  const id = deleted.id;
  const out: ReferenceRemoval = { edits: [], changed: [] };
  if (id === undefined || report.records.some((r) => r !== deleted && r.id === id)) return out;
  const byRecord = new Map<AuditRecord, Map<string, Reference[]>>();
  for (const ref of report.references) {
    const rec = ref.from;
    if (ref.id !== id || !rec || rec.id === id) continue;
    const fields = byRecord.get(rec) ?? new Map<string, Reference[]>();
    fields.set(ref.field, [...(fields.get(ref.field) ?? []), ref]);
    byRecord.set(rec, fields);
  }
  for (const [rec, refs] of [...byRecord].sort((x, y) => x[0].index - y[0].index)) {
    const text = removedFrom(report, rec, id, refs);
    out.edits.push(...changeTo(ctx, text, recordLines(ctx, rec)));
    out.changed.push({ recordIndex: rec.index, plain: expectedAfter(rec, refs) });
  }
  return out;
}

/**
 * The text after taking `id` out of `rec`: one change at a time, parsed
 * again between changes (not needed when one change does it, the usual case).
 */
function removedFrom(report: Report, rec: AuditRecord, id: string, refs: Map<string, Reference[]>): string {
  const keep = new Set<string>();
  const first = nextRemoval(report, rec, refs, keep);
  if (!first) return report.text;
  if (changesNeeded(rec, refs) <= 1) return applyEdits(report.text, first);
  let cur = reparsed(report, first);
  for (;;) {
    const now = cur.records[rec.index];
    if (!now) throw new Error(`the record #${rec.index} is gone after an earlier change`);
    const byField = new Map<string, Reference[]>();
    for (const r of cur.references) if (r.from === now && r.id === id) byField.set(r.field, [...(byField.get(r.field) ?? []), r]);
    const edits = nextRemoval(cur, now, byField, keep);
    if (!edits) return cur.text;
    cur = reparsed(cur, edits);
  }
}

/** How many single changes take the references out of `rec` (an item each, or a whole field). */
function changesNeeded(rec: AuditRecord, refs: Map<string, Reference[]>): number {
  let n = 0;
  for (const [field, list] of refs) {
    const value = rec.fields.get(field)?.value;
    const items = value?.type === 'seq' ? itemsNaming(value, list).length : 0;
    n += value?.type === 'seq' && items < value.items.length ? items : 1;
  }
  return n;
}

/** Indexes of the items of `seq` that hold one of `refs`. */
function itemsNaming(seq: YSeq, refs: readonly Reference[]): number[] {
  const out: number[] = [];
  seq.items.forEach((item, i) => {
    if (refs.some((r) => r.span.start >= item.span.start && r.span.start <= item.span.end)) out.push(i);
  });
  return out;
}

/** The next edit that takes one of the references `byField` out of `rec` (a record of `report`), or undefined when none is left. */
function nextRemoval(report: Report, rec: AuditRecord, byField: Map<string, Reference[]>, keep: Set<string>): TextEdit[] | undefined {
  const ctx = new EditContext(report);
  for (const [field, refs] of byField) {
    if (keep.has(field)) continue;
    const value = rec.fields.get(field)?.value;
    if (value?.type === 'seq') {
      const items = itemsNaming(value, refs);
      if (items.length === 0) {
        keep.add(field);
        continue;
      }
      if (items.length < value.items.length) return removeItem(ctx, value, items[0]!);
    }
    // the record's only field stays as it is
    if (rec.map.entries.length === 1) {
      keep.add(field);
      continue;
    }
    const change = fieldChange(ctx, rec, field, null);
    if (typeof change === 'string') throw new Error(change);
    return change.edits;
  }
  return undefined;
}

/** What `rec` must read back as once the references `byField` are out (worked out from the model, not from the edits). */
function expectedAfter(rec: AuditRecord, byField: Map<string, Reference[]>): Record<string, unknown> {
  const plain = toPlain(rec.map) as Record<string, unknown>;
  let left = rec.map.entries.length;
  for (const [field, refs] of byField) {
    const value = rec.fields.get(field)?.value;
    if (value?.type === 'seq') {
      const items = itemsNaming(value, refs);
      if (items.length === 0) continue;
      if (items.length < value.items.length) {
        plain[field] = value.items.filter((_, i) => !items.includes(i)).map(toPlain);
        continue;
      }
    }
    if (left > 1) {
      delete plain[field];
      left--;
    }
  }
  return plain;
}

/** Removes one item of a list: `, E1` (or `E1, ` for the first) in flow style, the item's lines in block style. */
function removeItem(ctx: EditContext, seq: YSeq, i: number): TextEdit[] {
  const item = seq.items[i]!;
  if (seq.flow) {
    if (i > 0) return [ctx.edit(ctx.trimmedEnd(seq.items[i - 1]!.span), ctx.trimmedEnd(item.span), '')];
    return [ctx.edit(item.span.start, seq.items[1]!.span.start, '')];
  }
  const dash = ctx.text.lastIndexOf('-', item.span.start - 1);
  const first = ctx.lineOf(dash >= 0 ? dash : item.span.start);
  const last = ctx.lastLineOf(item.span);
  return [ctx.edit(ctx.lineStart(first), ctx.hasLine(last + 1) ? ctx.lineStart(last + 1) : ctx.text.length, '')];
}

/** The whole lines of a record, with the line break after the last one. */
function recordLines(ctx: EditContext, rec: AuditRecord): Span {
  const first = ctx.lineOf(rec.map.span.start);
  const last = rec.block.closeLine >= 0 ? Math.min(ctx.lastLineOf(rec.map.span), rec.block.closeLine - 1) : ctx.lastLineOf(rec.map.span);
  return { start: ctx.lineStart(first), end: ctx.hasLine(last + 1) ? ctx.lineStart(last + 1) : ctx.text.length };
}
