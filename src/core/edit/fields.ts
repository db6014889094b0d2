/**
 * Setting fields: one field of a record (`setField`), several at once
 * (`setFields`), a front-matter key (`setFrontMatter`). Only the changed
 * value's characters are rewritten; a new field goes where the schema orders
 * it (after the known field that comes last before it, else before the one
 * that comes first after it; unknown fields at the end).
 */
import { toPlain, type AuditRecord, type RecordKind, type Report, type YEntry, type YMap, type YNode, type YSeq } from '../report/model';
import { FRONT_MATTER_FIELDS, RECORD_FIELDS } from '../report/schema';
import type { TextEdit } from '../report/types';
import type { FieldValue, IntentOf, ListItem, StringMap } from '../protocol';
import { EditContext, changeTo, fieldNameProblem, recordName, reparsed, resolve, serialiseFailed, type Plan } from './context';
import { blockItem, blockValue, flowScalar, flowValue, isPlainKey, isStringMap, sameValue, wantsBlockList, type BlockValue, type ScalarStyle } from './serialize';
import { fieldLines, indentLines } from './new-record';

/** Field names in the schema's order. */
type FieldOrder = readonly string[];

const recordOrder = (kind: RecordKind): FieldOrder => RECORD_FIELDS[kind].map((f) => f.name);
const FRONT_MATTER_ORDER: FieldOrder = FRONT_MATTER_FIELDS.map((f) => f.name);

/** The edits that set one field, and what the field must read back as. */
export interface FieldChange {
  edits: TextEdit[];
  value: FieldValue;
}

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

/** How a scalar was written. */
function styleOf(ctx: EditContext, node: YNode | null): ScalarStyle {
  if (!node || node.type !== 'scalar' || !node.quoted) return 'plain';
  const c = ctx.text[node.span.start];
  return c === '"' ? 'double' : c === "'" ? 'single' : c === '|' ? 'literal' : c === '>' ? 'folded' : 'plain';
}

function isEmpty(node: YNode | null): boolean {
  return !node || (node.type === 'scalar' && node.value === null && node.span.start === node.span.end);
}

/**
 * How a new entry is written: its key as text (the field name itself by
 * default), and the order of the known keys; `locate` finds the field's value
 * again after an edit (so that a block list's items can be changed entry by
 * entry).
 */
interface NewEntry {
  keyText?: string;
  order?: FieldOrder;
  locate?: Locate;
}

/**
 * Finds a field's value in a report made from the one an edit started from
 * (after an edit inside that value), and the last line its record block or
 * front matter may use.
 */
type Locate = (report: Report) => { node: YNode | null | undefined; maxLine: number } | undefined;

/** A key to add: the field, its text, the schema's order of the map's keys. */
interface NewKey {
  field: string;
  keyText: string;
  order: FieldOrder | undefined;
}

/** Sets `field` of `map`: the edits, and what the field must read back as. */
function setOnMap(ctx: EditContext, map: YMap, maxLine: number, field: string, value: FieldValue, where: string, add: NewEntry = {}): FieldChange | string {
  const entry = map.entries.find((e) => e.key === field);
  const key: NewKey = { field, keyText: add.keyText ?? field, order: add.order };
  const done = (edits: TextEdit[] | string): FieldChange | string => (typeof edits === 'string' ? edits : { edits, value });
  if (map.flow) return done(setOnFlowMap(ctx, map, entry, key, value, where));
  if (value === null) return done(entry ? removeEntry(ctx, map, entry, where) : []);
  if (!entry) return done(insertEntry(ctx, map, maxLine, key, value));
  return replaceEntry(ctx, entry, value, add.locate);
}

/**
 * Where a new key goes in `map`: after the last entry that comes before it in
 * the schema's order, else before the first entry that comes after it; at
 * the end (neither) for a key the schema does not know or that has no known
 * neighbour. Never before a leading `id`, nor before a sequence item's first
 * field on its `- ` line: after it instead.
 */
function placeOf(ctx: EditContext, map: YMap, { field, order }: NewKey): { after?: YEntry; before?: YEntry } {
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
function sharesDashLine(ctx: EditContext, entry: YEntry): boolean {
  const line = ctx.lineOf(entry.keySpan.start);
  return /[^\s>]/.test(ctx.text.slice(ctx.lineStart(line), entry.keySpan.start));
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

/**
 * True when the string `sent` is what `node` already holds as the form shows
 * it (and sends it back unchanged): the string itself; a number, true/false
 * or date as written (`2014`, `0x1F`) or as read (`31`); nothing or a null
 * value as ''; a list or mapping as '' or as its JSON.
 */
function readsAs(text: string, node: YNode | null, sent: string): boolean {
  if (!node || (node.type === 'scalar' && node.value === null)) return sent === '';
  if (node.type === 'scalar') return typeof node.value === 'string' ? node.value === sent : sent === text.slice(node.span.start, node.span.end).trim() || sent === String(node.value);
  return sent === '' || sent === JSON.stringify(toPlain(node));
}

/** True when a list item sent by the form is what `node` already holds (see `readsAs`; a mapping's keys in the same order). */
function itemReadsAs(text: string, node: YNode, item: ListItem): boolean {
  if (sameValue(toPlain(node), item)) return true;
  if (typeof item === 'string') return node.type === 'scalar' && node.value !== null && readsAs(text, node, item);
  if (!isStringMap(item) || node.type !== 'map') return false;
  const keys = Object.keys(item);
  return node.entries.length === keys.length && node.entries.every((e, i) => e.key === keys[i] && readsAs(text, e.value, item[e.key]!));
}

function replaceEntry(ctx: EditContext, entry: YEntry, value: FieldValue, locate?: Locate): FieldChange | string {
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

  // a block list stays a block list, items at the same indentation; only the changed items' lines change
  if (Array.isArray(value) && value.length > 0 && v && v.type === 'seq' && !v.flow) {
    const firstItemLine = ctx.lineOf(v.span.start);
    const itemPrefix = text.slice(ctx.lineStart(firstItemLine), v.span.start);
    if (firstItemLine > keyLine && /^[\s>]*$/.test(itemPrefix)) {
      const items = setListItems(ctx, v, value, locate);
      if (items) return items;
      // (items whose lines cannot be told apart) the whole list, in the first item's layout
      const ser = blockValue(value);
      if (!ser || ser.inline !== '') return serialiseFailed(value);
      const lines = ser.rest.map((l) => (l === '' ? itemPrefix.trimEnd() : itemPrefix + l.slice(2)));
      return { edits: [ctx.edit(ctx.lineStart(firstItemLine), ctx.lineEnd(lastLine), lines.join(eol))], value };
    }
  }

  const style = styleOf(ctx, v);
  let ser: BlockValue | undefined;
  // a block mapping stays a block mapping; a list that holds a mapping is a block list unless it replaces a flow
  // collection (`[]` and `{}` aside); other lists and mappings are written in flow style on the key line
  if (isStringMap(value) && v?.type === 'map' && !v.flow && Object.keys(value).length > 0) ser = blockValue(value);
  else if (wantsBlockList(value) && !(v && v.type !== 'scalar' && v.flow && (v.type === 'seq' ? v.items : v.entries).length > 0)) ser = blockValue(value);
  else if (Array.isArray(value) || isStringMap(value)) {
    const flow = flowValue(value);
    ser = flow === undefined ? undefined : { inline: flow, rest: [] };
  } else ser = blockValue(value, style);
  if (!ser) return serialiseFailed(value);

  // the usual case: only the value's characters change
  if (onKeyLine && ser.rest.length === 0 && ser.inline !== '') return { edits: [ctx.edit(vStart!, vEnd!, ser.inline)], value };
  if (empty && ser.rest.length === 0 && ser.inline !== '') return { edits: [ctx.edit(colon + 1, colon + 1, ` ${ser.inline}`)], value };

  // otherwise rewrite from the colon to the end of the value, keeping a comment on the key line
  let comment = onKeyLine ? text.slice(vEnd!, ctx.lineEnd(ctx.lineOf(vEnd!))) : text.slice(colon + 1, ctx.lineEnd(keyLine));
  if (!/^[ \t]+#/.test(comment)) comment = '';
  const head = (ser.inline ? ` ${ser.inline}` : '') + comment.trimEnd();
  const rest = indentLines(ser.rest, prefix);
  return { edits: [ctx.edit(colon + 1, ctx.lineEnd(lastLine), head + (rest.length ? eol + rest.join(eol) : ''))], value };
}

/**
 * A block list set to `value` item by item: the items at the start and at
 * the end that read as the new ones keep their text; the items between are
 * changed in place (a mapping entry by entry when it can be), the new ones
 * inserted after them, the old ones left over deleted. Undefined when an
 * item's lines cannot be told apart (the caller rewrites the whole list).
 */
function setListItems(ctx: EditContext, seq: YSeq, value: ListItem[], locate: Locate | undefined): FieldChange | string | undefined {
  const old = seq.items;
  const lines = old.map((item) => ctx.itemLines(item));
  if (lines.some((l, i) => !l || (i > 0 && l.first <= lines[i - 1]!.last))) return undefined;
  const at = (i: number) => lines[i]!;
  const same = (i: number, j: number) => itemReadsAs(ctx.text, old[i]!, value[j]!);
  let head = 0;
  while (head < old.length && head < value.length && same(head, head)) head++;
  let tail = 0;
  while (tail < old.length - head && tail < value.length - head && same(old.length - 1 - tail, value.length - 1 - tail)) tail++;
  const expected: unknown[] = value.map((v, j) => (j < head ? toPlain(old[j]) : j >= value.length - tail ? toPlain(old[j - value.length + old.length]) : v));
  const oldMid = old.length - head - tail;
  const newMid = value.length - head - tail;
  const paired = Math.min(oldMid, newMid);
  const edits: TextEdit[] = [];
  // each change of an entry costs a parse of the report: past this many, mapping items are written again whole
  const budget = { entries: ENTRY_CHANGES };
  for (let j = head; j < head + paired; j++) {
    if (same(j, j)) {
      expected[j] = toPlain(old[j]);
      continue;
    }
    const change = itemChange(ctx, seq, j, value[j]!, at(j), locate && { locate, budget });
    if (typeof change === 'string') return change;
    edits.push(...change.edits);
    expected[j] = change.value;
  }
  const { eol } = ctx;
  if (newMid > paired) {
    // after the last changed or kept item, else before the first item (all the old ones come after the new ones)
    const prev = head + paired - 1;
    const prefix = at(Math.max(prev, 0)).prefix;
    const added: string[] = [];
    for (const item of value.slice(head + paired, head + newMid)) {
      const l = blockItem(item);
      if (!l) return serialiseFailed(item);
      added.push(...indentLines(l, prefix));
    }
    if (prev >= 0) {
      const end = ctx.lineEnd(at(prev).last);
      edits.push(ctx.edit(end, end, eol + added.join(eol)));
    } else {
      const start = ctx.lineStart(at(0).first);
      edits.push(ctx.edit(start, start, added.join(eol) + eol));
    }
  }
  if (oldMid > paired) {
    const first = at(head + paired).first;
    const last = at(head + oldMid - 1).last;
    edits.push(ctx.hasLine(last + 1) ? ctx.edit(ctx.lineStart(first), ctx.lineStart(last + 1), '') : ctx.edit(ctx.lineEnd(first - 1), ctx.lineEnd(last), ''));
  }
  return { edits: joinTouching(ctx, edits), value: expected as FieldValue };
}

/** How many entries of a list's mapping items one intent changes one by one (each is a parse of the report). */
const ENTRY_CHANGES = 24;

/** What changing a list's mapping items entry by entry needs: the list's locator, and the entry changes left. */
interface EntryChanges {
  locate: Locate;
  budget: { entries: number };
}

/**
 * One item of a block list changed to `item`: a mapping that stays a mapping
 * entry by entry (entries that read as before keep their text, new keys go
 * at its end), anything else by writing the item's lines again.
 */
function itemChange(ctx: EditContext, seq: YSeq, i: number, item: ListItem, lines: { first: number; last: number; prefix: string }, byEntry: EntryChanges | undefined): FieldChange | string {
  const node = seq.items[i]!;
  const region = { start: ctx.lineStart(lines.first), end: ctx.lineEnd(lines.last) };
  if (isStringMap(item) && node.type === 'map' && byEntry) {
    const change = mapItemEntries(ctx, i, node, item, region, byEntry);
    if (change) return change;
  }
  const written = blockItem(item);
  if (!written) return serialiseFailed(item);
  const text = indentLines(written, lines.prefix).join(ctx.eol);
  return { edits: changeTo(ctx, ctx.text.slice(0, region.start) + text + ctx.text.slice(region.end), region), value: item };
}

/**
 * A list item that is a mapping, set to `item` entry by entry on a copy of
 * the text (changes and additions first, removals last), as one edit inside
 * the item's lines. Undefined when it cannot be done so (the new keys in
 * another order than the old ones followed by the added ones, a repeated or
 * empty mapping, more changes than the budget has left, or a result that does
 * not read back as `item`).
 */
function mapItemEntries(ctx: EditContext, i: number, node: YMap, item: StringMap, region: { start: number; end: number }, { locate, budget }: EntryChanges): FieldChange | undefined {
  const keys = node.entries.map((e) => e.key);
  const want = Object.keys(item);
  if (want.length === 0 || (keys.length === 0 && !node.flow) || new Set(keys).size !== keys.length) return undefined;
  const order = [...keys.filter((k) => want.includes(k)), ...want.filter((k) => !keys.includes(k))];
  if (order.some((k, j) => k !== want[j])) return undefined;
  const ops: [string, string | null][] = [];
  const expected: Record<string, unknown> = {};
  for (const k of want) {
    const e = node.entries.find((x) => x.key === k);
    if (e && readsAs(ctx.text, e.value, item[k]!)) expected[k] = toPlain(e.value);
    else {
      ops.push([k, item[k]!]);
      expected[k] = item[k];
    }
  }
  for (const k of keys) if (!want.includes(k)) ops.push([k, null]);
  if (ops.length > budget.entries) return undefined;
  budget.entries -= ops.length;
  const itemNow = (r: Report) => {
    const found = locate(r);
    const now = found?.node?.type === 'seq' ? found.node.items[i] : undefined;
    return now && found ? { now, maxLine: found.maxLine } : undefined;
  };
  let report = ctx.report;
  for (const [k, v] of ops) {
    const found = itemNow(report);
    const keyText = flowScalar(k);
    if (!found || found.now.type !== 'map' || keyText === undefined) return undefined;
    const change = setOnMap(new EditContext(report), found.now, found.maxLine, k, v, 'the list item', { keyText });
    if (typeof change === 'string') return undefined;
    report = reparsed(report, change.edits);
  }
  const after = itemNow(report);
  if (!after || JSON.stringify(toPlain(after.now)) !== JSON.stringify(expected)) return undefined;
  try {
    return { edits: changeTo(ctx, report.text, region), value: expected as FieldValue };
  } catch {
    return undefined;
  }
}

/** Edits sorted, those that touch (one ends where the next starts) made one. */
function joinTouching(ctx: EditContext, edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end)) {
    const last = out[out.length - 1];
    if (last && e.span.start <= last.span.end) out[out.length - 1] = ctx.edit(last.span.start, Math.max(last.span.end, e.span.end), last.newText + ctx.text.slice(last.span.end, e.span.start) + e.newText);
    else out.push(e);
  }
  return out;
}

/** Where the value after `colon` starts, node properties (tag, anchor) included. */
function valueStart(ctx: EditContext, colon: number, start: number): number {
  let i = colon + 1;
  while (i < start && (ctx.text[i] === ' ' || ctx.text[i] === '\t')) i++;
  return i;
}

function insertEntry(ctx: EditContext, map: YMap, maxLine: number, key: NewKey, value: FieldValue): TextEdit[] | string {
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

function removeEntry(ctx: EditContext, map: YMap, entry: YEntry, where: string): TextEdit[] | string {
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
function setOnFlowMap(ctx: EditContext, map: YMap, entry: YEntry | undefined, key: NewKey, value: FieldValue, where: string): TextEdit[] | string {
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