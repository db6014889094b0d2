/**
 * Setting fields: one field of a record (`setField`), several at once
 * (`setFields`), a front-matter key (`setFrontMatter`). Only the changed
 * value's characters are rewritten; a new field goes where the schema orders
 * it (after the known field that comes last before it, else before the one
 * that comes first after it; unknown fields at the end). A device's
 * identifiers are set entry by entry, a list of values item by item. The text of one key is written by
 * map-entries.ts, a block list's items by list-items.ts.
 */
import type { FieldValue, IntentOf, ListItem, ValueMap } from '../protocol';
import { toPlain, type AuditRecord, type RecordKind, type YMap, type YNode } from '../report/model';
import { FRONT_MATTER_FIELDS, RECORD_FIELDS } from '../report/schema';
import { EditContext, changeTo, fieldNameProblem, recordName, reparsed, resolve, serialiseFailed, type FieldChange, type Locate, type Plan } from './context';
import { setOnMap, type FieldOrder } from './map-entries';
import { readsAs } from './reads-as';
import { flowScalar, isPlainKey, isStringMap } from './serialize';

const recordOrder = (kind: RecordKind): FieldOrder => RECORD_FIELDS[kind].map((f) => f.name);
const FRONT_MATTER_ORDER: FieldOrder = FRONT_MATTER_FIELDS.map((f) => f.name);

export function setField(ctx: EditContext, { record, field, value }: IntentOf<'setField'>): Plan {
  const rec = resolve(ctx, record);
  if (typeof rec === 'string') return { error: rec };
  const bad = checkField(ctx, rec, field, value);
  if (bad) return { error: bad };
  const change = fieldChange(ctx, rec, field, value);
  if (typeof change === 'string') return { error: change };
  return { edits: change.edits, expect: { type: 'setField', recordIndex: rec.index, field, value: change.value } };
}

/**
 * Several fields of one record: set one after another on a copy of the text
 * (values first, removals last, so the record is never left without fields
 * on the way), given back as one edit. Fields that already read as their
 * value keep their text.
 */
export function setFields(ctx: EditContext, { record, fields }: IntentOf<'setFields'>): Plan {
  const rec = resolve(ctx, record);
  if (typeof rec === 'string') return { error: rec };
  const given = Object.entries(fields);
  for (const [k, v] of given) {
    const bad = checkField(ctx, rec, k, v);
    if (bad) return { error: bad };
  }
  // a field that already reads as the value is left as written (the form may send fields it did not change)
  const same = ([k, v]: [string, FieldValue]) => rec.fields.has(k) && JSON.stringify(toPlain(rec.fields.get(k)!.value)) === JSON.stringify(v);
  const todo = given.filter((kv) => !same(kv));
  const ops = [...todo.filter(([, v]) => v !== null), ...todo.filter(([, v]) => v === null)];
  const expected: [string, FieldValue][] = [];
  let report = ctx.report;
  for (const [k, v] of ops) {
    const now = report.records[rec.index];
    if (!now) return { error: `${recordName(rec)} could not be located after an earlier change.` };
    const change = fieldChange(new EditContext(report), now, k, v, recordName(rec));
    if (typeof change === 'string') return { error: change };
    expected.push([k, change.value]);
    report = reparsed(report, change.edits);
  }
  return { edits: changeTo(ctx, report.text), expect: { type: 'setFields', recordIndex: rec.index, fields: expected } };
}

/** Why `field` cannot be set to `value` on `rec`, or undefined. */
function checkField(ctx: EditContext, rec: AuditRecord, field: string, value: FieldValue): string | undefined {
  const bad = fieldNameProblem(field);
  if (bad) return bad;
  if (field === 'id' && value !== null) {
    const clash = ctx.report.records.find((r) => r !== rec && r.id === String(value));
    if (clash) return `The id ${String(value)} is already used by another record.`;
  }
  return undefined;
}

/** The edits that set (or, with null, remove) one field of `rec`, a record of `ctx`'s report; `where` names it in errors. */
export function fieldChange(ctx: EditContext, rec: AuditRecord, field: string, value: FieldValue, where = recordName(rec)): FieldChange | string {
  const block = rec.block;
  const maxLine = block.closeLine >= 0 ? block.closeLine - 1 : ctx.report.lines.lineCount - 1;
  const current = rec.fields.get(field)?.value;
  if (isStringMap(value) && Object.keys(value).length > 0 && current?.type === 'map' && current.entries.length > 0) return setMapEntries(ctx, rec, field, current, value, maxLine);
  const locate: Locate = (r) => {
    const now = r.records[rec.index];
    return now && { node: now.fields.get(field)?.value, maxLine: now.block.closeLine >= 0 ? now.block.closeLine - 1 : r.lines.lineCount - 1 };
  };
  const change = setOnMap(ctx, rec.map, maxLine, field, value, where, { order: recordOrder(rec.kind), locate });
  // a value written again as it was is no change
  return typeof change === 'string' ? change : { edits: change.edits.filter((e) => ctx.text.slice(e.span.start, e.span.end) !== e.newText), value: change.value };
}

export function setFrontMatter(ctx: EditContext, { key, value }: IntentOf<'setFrontMatter'>): Plan {
  const fm = ctx.report.frontMatter;
  if (!fm) return { error: 'The report has no front matter.' };
  if (!fm.closed || !fm.map) return { error: 'The front matter cannot be read (see PA001); fix it in the text editor first.' };
  if (!isPlainKey(key)) return { error: `${JSON.stringify(key)} is not a valid front-matter key.` };
  if (fm.map.flow) return { error: 'The front matter is written as a flow mapping; edit it in the text editor.' };
  const closeLine = ctx.lineOf(fm.span.end);
  const locate: Locate = (r) => r.frontMatter && { node: r.frontMatter.fields.get(key)?.value, maxLine: r.lines.positionAt(r.frontMatter.span.end).line - 1 };
  const change = setOnMap(ctx, fm.map, closeLine - 1, key, value, 'the front matter', { order: FRONT_MATTER_ORDER, locate });
  if (typeof change === 'string') return { error: change };
  return { edits: change.edits, expect: { type: 'setFrontMatter', key, value: change.value } };
}


/**
 * A mapping field that already holds a mapping (a device's identifiers):
 * each entry is changed on its own, so entries whose value is unchanged (as
 * written: `001010…` stays as it is) keep their text. A value may be a list:
 * a list stays a list (also of one value), changed item by item; a value that
 * becomes a list is written in the style of the lists beside it (flow style
 * when there are none). The changes are made one after another on a copy and
 * given back as one edit.
 */
function setMapEntries(ctx: EditContext, rec: AuditRecord, field: string, inner: YMap, value: ValueMap, maxLine: number): FieldChange | string {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(value, k);
  // changes and additions first, removals last: the mapping is never left empty on the way (a renamed only entry)
  const ops: [string, FieldValue][] = [];
  for (const [k, v] of Object.entries(value)) {
    const old = inner.entries.find((e) => e.key === k)?.value;
    // a value sent back as the form shows it is no change
    if (old === undefined || !entryReadsAs(ctx.text, old, v)) ops.push([k, entryValue(ctx.text, old, v)]);
  }
  for (const e of inner.entries) if (!has(e.key)) ops.push([e.key, null]);
  const blockList = inner.flow ? undefined : listIndent(ctx, inner);

  // what the record must read back as: kept entries in their order and type, then the new ones
  const expected: Record<string, unknown> = {};
  for (const e of inner.entries) if (has(e.key)) expected[e.key] = toPlain(e.value);
  for (const k of Object.keys(value)) if (!(k in expected)) expected[k] = value[k];

  let report = ctx.report;
  for (const [k, v] of ops) {
    const now = report.records[rec.index]?.fields.get(field)?.value;
    if (!now || now.type !== 'map') return `${recordName(rec)} ${field} could not be located after an earlier change.`;
    const keyText = flowScalar(k);
    if (keyText === undefined) return serialiseFailed(k);
    const block = report.records[rec.index]!.block;
    const change = setOnMap(new EditContext(report), now, block.closeLine >= 0 ? block.closeLine - 1 : maxLine, k, v, `${recordName(rec)} ${field}`, { keyText, blockList, flowItems: true });
    if (typeof change === 'string') return change;
    if (v !== null) expected[k] = change.value;
    report = reparsed(report, change.edits);
  }
  return { edits: changeTo(ctx, report.text), value: expected as FieldValue };
}

/**
 * True when `sent` is what the entry's value `node` holds as the form shows
 * it (readsAs.ts): a scalar or a list item by item; a list of one and its one
 * value stand for each other (a list of one shown as one value is no change).
 */
function entryReadsAs(text: string, node: YNode | null, sent: string | string[]): boolean {
  const items = node?.type === 'seq' ? node.items : [node];
  const want = Array.isArray(sent) ? sent : [sent];
  if (typeof sent === 'string' && readsAs(text, node, sent)) return true;
  return items.length === want.length && items.every((item, i) => readsAs(text, item, want[i]!));
}

/**
 * The value an entry is set to: a list stays a list (one value sent for it is
 * a list of one); an item the form shows as '' (an empty item) or as the JSON
 * of a mapping or list in the old list is that item again (so that it is
 * kept, not written as text).
 */
function entryValue(text: string, old: YNode | null | undefined, sent: string | string[]): FieldValue {
  if (old?.type !== 'seq') return sent;
  const items = Array.isArray(sent) ? sent : [sent];
  return items.map((x) => {
    const same = old.items.find((item) => (item.type !== 'scalar' || item.value === null) && readsAs(text, item, x));
    return same ? (toPlain(same) as ListItem) : x;
  });
}

/**
 * How a new list is written among `map`'s entries: like the first list there,
 * as a block list with its `- ` as far past its key as there (the indent), or
 * in flow style (undefined) when that list is a flow list or there is none.
 */
function listIndent(ctx: EditContext, map: YMap): string | undefined {
  const list = map.entries.find((e) => e.value?.type === 'seq' && e.value.items.length > 0);
  const seq = list?.value;
  if (!list || seq?.type !== 'seq' || seq.flow) return undefined;
  const lines = ctx.itemLines(seq.items[0]!);
  const keyColumn = list.keySpan.start - ctx.lineStart(ctx.lineOf(list.keySpan.start));
  return lines && lines.first > ctx.lineOf(list.keySpan.start) ? ' '.repeat(Math.max(0, lines.prefix.length - keyColumn)) : undefined;
}
