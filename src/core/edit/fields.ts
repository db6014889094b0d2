/**
 * Setting fields: one field of a record (`setField`), several at once
 * (`setFields`), a front-matter key (`setFrontMatter`). Only the changed
 * value's characters are rewritten; a new field goes where the schema orders
 * it (after the known field that comes last before it, else before the one
 * that comes first after it; unknown fields at the end). A device's
 * identifiers are set entry by entry. The text of one key is written by
 * map-entries.ts, a block list's items by list-items.ts.
 */
import type { FieldValue, IntentOf, StringMap } from '../protocol';
import { toPlain, type AuditRecord, type RecordKind, type YMap } from '../report/model';
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
 * written: `001010…` stays as it is) keep their text. The changes are made
 * one after another on a copy and given back as one edit.
 */
function setMapEntries(ctx: EditContext, rec: AuditRecord, field: string, inner: YMap, value: StringMap, maxLine: number): FieldChange | string {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(value, k);
  // changes and additions first, removals last: the mapping is never left empty on the way (a renamed only entry)
  const ops: [string, string | null][] = [];
  for (const [k, v] of Object.entries(value)) {
    const old = inner.entries.find((e) => e.key === k);
    // a value sent back as the form shows it is no change
    if (!old || !readsAs(ctx.text, old.value, v)) ops.push([k, v]);
  }
  for (const e of inner.entries) if (!has(e.key)) ops.push([e.key, null]);
  // what the record must read back as: kept entries in their order and type, then the new ones
  const expected: Record<string, unknown> = {};
  for (const e of inner.entries) if (has(e.key)) expected[e.key] = ops.some(([k]) => k === e.key) ? value[e.key] : toPlain(e.value);
  for (const [k, v] of Object.entries(value)) if (!(k in expected)) expected[k] = v;

  let report = ctx.report;
  for (const [k, v] of ops) {
    const now = report.records[rec.index]?.fields.get(field)?.value;
    if (!now || now.type !== 'map') return `${recordName(rec)} ${field} could not be located after an earlier change.`;
    const keyText = flowScalar(k);
    if (keyText === undefined) return serialiseFailed(k);
    const block = report.records[rec.index]!.block;
    const change = setOnMap(new EditContext(report), now, block.closeLine >= 0 ? block.closeLine - 1 : maxLine, k, v, `${recordName(rec)} ${field}`, { keyText });
    if (typeof change === 'string') return change;
    report = reparsed(report, change.edits);
  }
  return { edits: changeTo(ctx, report.text), value: expected as FieldValue };
}
