/**
 * Setting fields: one field of a record (`setField`), several at once
 * (`setFields`), a front-matter key (`setFrontMatter`). Only the changed
 * value's characters are rewritten; a new field goes where the schema orders
 * it (after the known field that comes last before it, else before the one
 * that comes first after it; unknown fields at the end).
 */
import { toPlain, writtenText, type AuditRecord, type RecordKind, type YEntry, type YMap, type YNode } from '../model';
import { FRONT_MATTER_FIELDS, RECORD_FIELDS } from '../schema';
import type { TextEdit } from '../types';
import { Ctx, changeTo, checkValue, label, reparsed, resolve, serialiseFailed, type Plan, type RecordRef } from './ctx';
import { blockValue, flowScalar, flowValue, isPlainKey, isStringMap, type BlockValue, type FieldValue, type ScalarStyle, type StringMap } from './serialize';

/** Field names in the schema's order. */
type FieldOrder = readonly string[];

const recordOrder = (kind: RecordKind): FieldOrder => RECORD_FIELDS[kind].map((f) => f.name);
const FRONT_MATTER_ORDER: FieldOrder = FRONT_MATTER_FIELDS.map((f) => f.name);

/** The edits that set one field, and what the field must read back as. */
export interface FieldChange {
  edits: TextEdit[];
  value: FieldValue;
}

export function setField(ctx: Ctx, ref: RecordRef, field: unknown, value: FieldValue): Plan {
  const rec = resolve(ctx, ref);
  if (typeof rec === 'string') return { error: rec };
  const bad = checkField(ctx, rec, field, value);
  if (bad) return { error: bad };
  const change = fieldChange(ctx, rec, field as string, value);
  if (typeof change === 'string') return { error: change };
  return { edits: change.edits, expect: { type: 'setField', recordIndex: rec.index, field: field as string, value: change.value } };
}

/**
 * Several fields of one record: set one after another on a copy of the text
 * (values first, removals last, so the record is never left without fields
 * on the way), given back as one edit. Fields that already read as their
 * value keep their text.
 */
export function setFields(ctx: Ctx, ref: RecordRef, fields: unknown): Plan {
  const rec = resolve(ctx, ref);
  if (typeof rec === 'string') return { error: rec };
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return { error: 'fields must be an object of field names to values.' };
  const given = Object.entries(fields as Record<string, FieldValue>);
  for (const [k, v] of given) {
    const bad = checkField(ctx, rec, k, v);
    if (bad) return { error: isPlainKey(k) && checkValue(v) ? `${k}: ${bad}` : bad };
  }
  // a field that already reads as the value is left as written (the form may send fields it did not change)
  const same = ([k, v]: [string, FieldValue]) => rec.fields.has(k) && JSON.stringify(toPlain(rec.fields.get(k)!.value)) === JSON.stringify(v);
  const todo = given.filter((kv) => !same(kv));
  const ops = [...todo.filter(([, v]) => v !== null), ...todo.filter(([, v]) => v === null)];
  const expected: [string, FieldValue][] = [];
  let report = ctx.report;
  for (const [k, v] of ops) {
    const now = report.records[rec.index];
    if (!now) return { error: `${label(rec)} could not be located after an earlier change.` };
    const change = fieldChange(new Ctx(report), now, k, v, label(rec));
    if (typeof change === 'string') return { error: change };
    expected.push([k, change.value]);
    report = reparsed(report, change.edits);
  }
  return { edits: changeTo(ctx, report.text), expect: { type: 'setFields', recordIndex: rec.index, fields: expected } };
}

/** Why `field` cannot be set to `value` on `rec`, or undefined. */
function checkField(ctx: Ctx, rec: AuditRecord, field: unknown, value: unknown): string | undefined {
  if (typeof field !== 'string' || !isPlainKey(field)) return `${JSON.stringify(field)} is not a valid field name.`;
  const bad = checkValue(value);
  if (bad) return bad;
  if (field === 'id' && value !== null) {
    const clash = ctx.report.records.find((r) => r !== rec && r.id === String(value));
    if (clash) return `The id ${String(value)} is already used by another record.`;
  }
  return undefined;
}

/** The edits that set (or, with null, remove) one field of `rec`, a record of `ctx`'s report; `where` names it in errors. */
export function fieldChange(ctx: Ctx, rec: AuditRecord, field: string, value: FieldValue, where = label(rec)): FieldChange | string {
  const block = rec.block;
  const maxLine = block.closeLine >= 0 ? block.closeLine - 1 : ctx.report.lines.lineCount - 1;
  const current = rec.fields.get(field)?.value;
  if (isStringMap(value) && Object.keys(value).length > 0 && current?.type === 'map' && current.entries.length > 0) return setMapEntries(ctx, rec, field, current, value, maxLine);
  const edits = setOnMap(ctx, rec.map, maxLine, field, value, where, { order: recordOrder(rec.kind) });
  // a value written again as it was is no change
  return typeof edits === 'string' ? edits : { edits: edits.filter((e) => ctx.text.slice(e.span.start, e.span.end) !== e.newText), value };
}

export function setFrontMatter(ctx: Ctx, key: unknown, value: FieldValue): Plan {
  const fm = ctx.report.frontMatter;
  if (!fm) return { error: 'The report has no front matter.' };
  if (!fm.closed || !fm.map) return { error: 'The front matter cannot be read (see PA001); fix it in the text editor first.' };
  if (typeof key !== 'string' || !isPlainKey(key)) return { error: `${JSON.stringify(key)} is not a valid front-matter key.` };
  const bad = checkValue(value);
  if (bad) return { error: bad };
  if (fm.map.flow) return { error: 'The front matter is written as a flow mapping; edit it in the text editor.' };
  const closeLine = ctx.lineOf(fm.span.end);
  const edits = setOnMap(ctx, fm.map, closeLine - 1, key, value, 'the front matter', { order: FRONT_MATTER_ORDER });
  if (typeof edits === 'string') return { error: edits };
  return { edits, expect: { type: 'setFrontMatter', key, value } };
}

/** How a scalar was written. */
function styleOf(ctx: Ctx, node: YNode | null): ScalarStyle {
  if (!node || node.type !== 'scalar' || !node.quoted) return 'plain';
  const c = ctx.text[node.span.start];
  return c === '"' ? 'double' : c === "'" ? 'single' : c === '|' ? 'literal' : c === '>' ? 'folded' : 'plain';
}

function isEmpty(node: YNode | null): boolean {
  return !node || (node.type === 'scalar' && node.value === null && node.span.start === node.span.end);
}

/** How a new entry is written: its key as text (the field name itself by default), and the order of the known keys. */
interface NewEntry {
  keyText?: string;
  order?: FieldOrder;
}

/** A key to add: the field, its text, the schema's order of the map's keys. */
interface NewKey {
  field: string;
  keyText: string;
  order: FieldOrder | undefined;
}

/** Sets `field` of `map`. */
function setOnMap(ctx: Ctx, map: YMap, maxLine: number, field: string, value: FieldValue, where: string, add: NewEntry = {}): TextEdit[] | string {
  const entry = map.entries.find((e) => e.key === field);
  const key: NewKey = { field, keyText: add.keyText ?? field, order: add.order };
  if (map.flow) return setOnFlowMap(ctx, map, entry, key, value, where);
  if (value === null) return entry ? removeEntry(ctx, map, entry, where) : [];
  if (!entry) return insertEntry(ctx, map, maxLine, key, value);
  return replaceEntry(ctx, entry, value);
}

/**
 * Where a new key goes in `map`: after the last entry that comes before it in
 * the schema's order, else before the first entry that comes after it; at
 * the end (neither) for a key the schema does not know or that has no known
 * neighbour. Never before a leading `id`, nor before a sequence item's first
 * field on its `- ` line: after it instead.
 */
function placeOf(ctx: Ctx, map: YMap, { field, order }: NewKey): { after?: YEntry; before?: YEntry } {
  const rank = order ? order.indexOf(field) : -1;
  if (!order || rank < 0) return {};
  const ranked = map.entries.map((e) => ({ e, r: order.indexOf(e.key) })).filter((x) => x.r >= 0 && x.r !== rank);
  const after = ranked.filter((x) => x.r < rank).at(-1)?.e;
  if (after) return { after };
  const before = ranked.find((x) => x.r > rank)?.e;
  if (before && before === map.entries[0] && (before.key === 'id' || (!map.flow && sharesDashLine(ctx, before)))) return { after: before };
  return before ? { before } : {};
}

/** True for a sequence item's first field, written on the item's `- ` line. */
function sharesDashLine(ctx: Ctx, entry: YEntry): boolean {
  const line = ctx.lineOf(entry.keySpan.start);
  return /[^\s>]/.test(ctx.text.slice(ctx.lineStart(line), entry.keySpan.start));
}

/**
 * A mapping field that already holds a mapping (a device's identifiers):
 * each entry is changed on its own, so entries whose value is unchanged (as
 * written: `001010…` stays as it is) keep their text. The changes are made
 * one after another on a copy and given back as one edit.
 */
function setMapEntries(ctx: Ctx, rec: AuditRecord, field: string, inner: YMap, value: StringMap, maxLine: number): FieldChange | string {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(value, k);
  // changes and additions first, removals last: the mapping is never left empty on the way (a renamed only entry)
  const ops: [string, string | null][] = [];
  for (const [k, v] of Object.entries(value)) {
    const old = inner.entries.find((e) => e.key === k);
    // the form shows a list, a mapping or nothing as '' and sends '' back: that is no change
    if (!old || (writtenText(ctx.text, old) ?? '') !== v) ops.push([k, v]);
  }
  for (const e of inner.entries) if (!has(e.key)) ops.push([e.key, null]);
  // what the record must read back as: kept entries in their order and type, then the new ones
  const expected: Record<string, unknown> = {};
  for (const e of inner.entries) if (has(e.key)) expected[e.key] = ops.some(([k]) => k === e.key) ? value[e.key] : toPlain(e.value);
  for (const [k, v] of Object.entries(value)) if (!(k in expected)) expected[k] = v;

  let report = ctx.report;
  for (const [k, v] of ops) {
    const now = report.records[rec.index]?.fields.get(field)?.value;
    if (!now || now.type !== 'map') return `${label(rec)} ${field} could not be located after an earlier change.`;
    const keyText = flowScalar(k);
    if (keyText === undefined) return serialiseFailed(k);
    const block = report.records[rec.index]!.block;
    const edits = setOnMap(new Ctx(report), now, block.closeLine >= 0 ? block.closeLine - 1 : maxLine, k, v, `${label(rec)} ${field}`, { keyText });
    if (typeof edits === 'string') return edits;
    report = reparsed(report, edits);
  }
  return { edits: changeTo(ctx, report.text), value: expected as FieldValue };
}

function indentLines(lines: string[], prefix: string): string[] {
  return lines.map((l) => (l === '' ? prefix.trimEnd() : prefix + l));
}

function replaceEntry(ctx: Ctx, entry: YEntry, value: FieldValue): TextEdit[] | string {
  const { text, eol } = ctx;
  const v = entry.value;
  const keyLine = ctx.lineOf(entry.keySpan.start);
  const prefix = ctx.contPrefix(entry.keySpan.start);
  const colon = text.indexOf(':', entry.keySpan.end);
  if (colon < 0 || ctx.lineOf(colon) !== keyLine) return 'The field could not be located.';
  const lastLine = ctx.entryLastLine(entry);
  const empty = isEmpty(v);
  let vStart = empty ? undefined : v!.span.start;
  const vEnd = empty ? undefined : ctx.trimmedEnd(v!.span);
  const onKeyLine = vStart !== undefined && ctx.lineOf(vStart) === keyLine;
  // a tag or anchor before the value (`!!str 123`, `&a x`) goes with it: it could change what the new value means
  if (onKeyLine) vStart = valueStart(ctx, colon, vStart!);

  // a block list stays a block list, items at the same indentation
  if (Array.isArray(value) && value.length > 0 && v && v.type === 'seq' && !v.flow) {
    const firstItemLine = ctx.lineOf(v.span.start);
    const itemPrefix = text.slice(ctx.lineStart(firstItemLine), v.span.start);
    if (firstItemLine > keyLine && /^[\s>]*$/.test(itemPrefix)) {
      const ser = blockValue(value);
      if (!ser || ser.inline !== '') return serialiseFailed(value);
      const lines = ser.rest.map((l) => (l === '' ? itemPrefix.trimEnd() : itemPrefix + l.slice(2)));
      return [ctx.edit(ctx.lineStart(firstItemLine), ctx.lineEnd(lastLine), lines.join(eol))];
    }
  }

  const style = styleOf(ctx, v);
  let ser: BlockValue | undefined;
  // a block mapping stays a block mapping; lists and other mappings are written in flow style on the key line
  if (isStringMap(value) && v?.type === 'map' && !v.flow && Object.keys(value).length > 0) ser = blockValue(value);
  else if (Array.isArray(value) || isStringMap(value)) {
    const flow = flowValue(value);
    ser = flow === undefined ? undefined : { inline: flow, rest: [] };
  } else ser = blockValue(value, style);
  if (!ser) return serialiseFailed(value);

  // the usual case: only the value's characters change
  if (onKeyLine && ser.rest.length === 0 && ser.inline !== '') return [ctx.edit(vStart!, vEnd!, ser.inline)];
  if (empty && ser.rest.length === 0 && ser.inline !== '') return [ctx.edit(colon + 1, colon + 1, ` ${ser.inline}`)];

  // otherwise rewrite from the colon to the end of the value, keeping a comment on the key line
  let comment = onKeyLine ? text.slice(vEnd!, ctx.lineEnd(ctx.lineOf(vEnd!))) : text.slice(colon + 1, ctx.lineEnd(keyLine));
  if (!/^[ \t]+#/.test(comment)) comment = '';
  const head = (ser.inline ? ` ${ser.inline}` : '') + comment.trimEnd();
  const rest = indentLines(ser.rest, prefix);
  return [ctx.edit(colon + 1, ctx.lineEnd(lastLine), head + (rest.length ? eol + rest.join(eol) : ''))];
}

/** Where the value after `colon` starts, node properties (tag, anchor) included. */
function valueStart(ctx: Ctx, colon: number, start: number): number {
  let i = colon + 1;
  while (i < start && (ctx.text[i] === ' ' || ctx.text[i] === '\t')) i++;
  return i;
}

/** `key: value` lines for a new field (lists in flow style), `prefix` before continuation lines. */
export function fieldLines(key: string, value: FieldValue, prefix: string): string[] | undefined {
  let ser: BlockValue | undefined;
  if (Array.isArray(value) || isStringMap(value)) {
    const flow = flowValue(value);
    ser = flow === undefined ? undefined : { inline: flow, rest: [] };
  } else ser = blockValue(value);
  if (!ser) return undefined;
  return [`${key}:${ser.inline ? ` ${ser.inline}` : ''}`, ...indentLines(ser.rest, prefix)];
}

function insertEntry(ctx: Ctx, map: YMap, maxLine: number, key: NewKey, value: FieldValue): TextEdit[] | string {
  const first = map.entries[0];
  const last = map.entries[map.entries.length - 1];
  if (!first || !last) return 'The record has no fields to place the new one after.';
  const prefix = ctx.contPrefix(first.keySpan.start);
  const lines = fieldLines(key.keyText, value, prefix);
  if (!lines) return serialiseFailed(value);
  const place = placeOf(ctx, map, key);
  if (place.before) {
    const at = ctx.lineStart(ctx.lineOf(place.before.keySpan.start));
    return [ctx.edit(at, at, prefix + lines.join(ctx.eol) + ctx.eol)];
  }
  const endLine = Math.min(ctx.entryLastLine(place.after ?? last), maxLine);
  const at = ctx.lineEnd(endLine);
  return [ctx.edit(at, at, ctx.eol + prefix + lines.join(ctx.eol))];
}

function removeEntry(ctx: Ctx, map: YMap, entry: YEntry, where: string): TextEdit[] | string {
  if (map.entries.length === 1) return `${entry.key} is the only field of ${where}; delete the record instead.`;
  const i = map.entries.indexOf(entry);
  const keyLine = ctx.lineOf(entry.keySpan.start);
  if (sharesDashLine(ctx, entry)) {
    // the first field of a sequence item, on the `- ` line: the next field moves up to that line
    const next = map.entries[i + 1];
    if (i !== 0 || !next) return 'The field could not be removed.';
    return [ctx.edit(entry.keySpan.start, next.keySpan.start, '')];
  }
  const lastLine = ctx.entryLastLine(entry);
  const end = ctx.hasLine(lastLine + 1) ? ctx.lineStart(lastLine + 1) : ctx.text.length;
  return [ctx.edit(ctx.lineStart(keyLine), end, '')];
}

/** A record written as `{id: F1, to: x}`: every value stays on one line in flow style. */
function setOnFlowMap(ctx: Ctx, map: YMap, entry: YEntry | undefined, key: NewKey, value: FieldValue, where: string): TextEdit[] | string {
  const { text } = ctx;
  if (value === null) {
    if (!entry) return [];
    if (map.entries.length === 1) return `${entry.key} is the only field of ${where}; delete the record instead.`;
    const i = map.entries.indexOf(entry);
    if (i > 0) {
      const prev = map.entries[i - 1]!;
      const prevEnd = prev.value && !isEmpty(prev.value) ? ctx.trimmedEnd(prev.value.span) : prev.keySpan.end;
      const end = entry.value && !isEmpty(entry.value) ? ctx.trimmedEnd(entry.value.span) : entry.keySpan.end;
      // `, key: value` (and `key:` with a null value written out)
      const colonEnd = Math.max(end, text.indexOf(':', entry.keySpan.end) + 1);
      return [ctx.edit(prevEnd, colonEnd, '')];
    }
    return [ctx.edit(entry.keySpan.start, map.entries[1]!.keySpan.start, '')];
  }
  if (!entry) {
    const inline = flowValue(value);
    if (inline === undefined) return serialiseFailed(value);
    const last = map.entries[map.entries.length - 1];
    if (!last) {
      const open = text.indexOf('{', map.span.start);
      if (open < 0) return 'The record could not be located.';
      return [ctx.edit(open + 1, open + 1, `${key.keyText}: ${inline}`)];
    }
    const place = placeOf(ctx, map, key);
    if (place.before) return [ctx.edit(place.before.keySpan.start, place.before.keySpan.start, `${key.keyText}: ${inline}, `)];
    const after = place.after ?? last;
    const colon = text.indexOf(':', after.keySpan.end);
    const end = after.value && !isEmpty(after.value) ? ctx.trimmedEnd(after.value.span) : colon + 1;
    return [ctx.edit(end, end, `, ${key.keyText}: ${inline}`)];
  }
  const v = entry.value;
  const inline = flowValue(value, styleOf(ctx, v));
  if (inline === undefined) return serialiseFailed(value);
  const colon = text.indexOf(':', entry.keySpan.end);
  if (!isEmpty(v)) return [ctx.edit(valueStart(ctx, colon, v!.span.start), ctx.trimmedEnd(v!.span), inline)];
  return [ctx.edit(colon + 1, colon + 1, ` ${inline}`)];
}