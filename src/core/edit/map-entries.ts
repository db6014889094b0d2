/**
 * One key of a YAML mapping set in the text: a record's field, a front-matter
 * key, an entry of a device's identifiers or of a list's mapping item. Only
 * the value's characters are rewritten where that says it; a new key goes
 * where the schema orders it; a removed one takes its lines; a flow mapping
 * (`{id: F1, to: x}`) stays on one line; a block list stays a block list,
 * changed item by item (list-items.ts), and so does a flow list when asked
 * (an identifier's values).
 */
import type { FieldValue } from '../protocol';
import type { YEntry, YMap, YNode } from '../report/model';
import type { TextEdit } from '../report/types';
import { serialiseFailed, type EditContext, type FieldChange, type Locate } from './context';
import { setFlowListItems, setListItems, styleOf } from './list-items';
import { fieldLines, indentLines } from './new-record';
import { blockItem, blockValue, flowValue, isStringMap, wantsBlockList, type BlockValue } from './serialize';

/** Field names in the schema's order. */
export type FieldOrder = readonly string[];

/**
 * How a new entry is written: its key as text (the field name itself by
 * default), and the order of the known keys; `locate` finds the field's value
 * again after an edit (so that a block list's items can be changed entry by
 * entry).
 */
export interface NewEntry {
  keyText?: string;
  order?: FieldOrder;
  locate?: Locate;
  /**
   * A list that replaces a scalar or comes with a new key is written as a
   * block list, its `- ` this far past the key's column (`'  '`, or `''`
   * when the lists around it are written so); by default in flow style.
   */
  blockList?: string;
  /** A flow list is changed item by item (its other items keep their text and spacing), not written again. */
  flowItems?: boolean;
}

/** A key to add: the field, its text, the schema's order of the map's keys. */
interface NewKey {
  field: string;
  keyText: string;
  order: FieldOrder | undefined;
}

/** Sets `field` of `map`: the edits, and what the field must read back as. */
export function setOnMap(ctx: EditContext, map: YMap, maxLine: number, field: string, value: FieldValue, where: string, add: NewEntry = {}): FieldChange | string {
  const entry = map.entries.find((e) => e.key === field);
  const key: NewKey = { field, keyText: add.keyText ?? field, order: add.order };
  const done = (edits: TextEdit[] | string): FieldChange | string => (typeof edits === 'string' ? edits : { edits, value });
  if (map.flow) return (add.flowItems && entry && flowItems(ctx, entry, value)) || done(setOnFlowMap(ctx, map, entry, key, value, where));
  if (value === null) return done(entry ? removeEntry(ctx, map, entry, where) : []);
  if (!entry) return done(insertEntry(ctx, map, maxLine, key, value, add.blockList));
  return replaceEntry(ctx, entry, value, add);
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

/** A flow list set item by item (list-items.ts), when `value` is a list and the entry holds a flow list. */
function flowItems(ctx: EditContext, entry: YEntry, value: FieldValue): FieldChange | undefined {
  const v = entry.value;
  return Array.isArray(value) && v?.type === 'seq' && v.flow ? setFlowListItems(ctx, v, value) : undefined;
}

/** A list as a block list under its key: `- ` lines `indent` past the key's column. */
function blockListLines(value: FieldValue, indent: string): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const lines: string[] = [];
  for (const item of value) {
    const l = blockItem(item);
    if (!l) return undefined;
    lines.push(...l.map((x) => indent + x));
  }
  return lines;
}

function replaceEntry(ctx: EditContext, entry: YEntry, value: FieldValue, { locate, blockList, flowItems: byItem }: NewEntry): FieldChange | string {
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
      const items = setListItems(ctx, v, value, locate && { locate, setEntry: setOnMap });
      if (items) return items;
      // (items whose lines cannot be told apart) the whole list, in the first item's layout
      const ser = blockValue(value);
      if (!ser || ser.inline !== '') return serialiseFailed(value);
      const lines = ser.rest.map((l) => (l === '' ? itemPrefix.trimEnd() : itemPrefix + l.slice(2)));
      return { edits: [ctx.edit(ctx.lineStart(firstItemLine), ctx.lineEnd(lastLine), lines.join(eol))], value };
    }
  }

  // (when asked) a flow list stays a flow list, changed item by item
  const items = byItem ? flowItems(ctx, entry, value) : undefined;
  if (items) return items;

  const style = styleOf(ctx, v);
  let ser: BlockValue | undefined;
  const asBlock = blockList !== undefined && v?.type !== 'seq' ? blockListLines(value, blockList) : undefined;
  // a block mapping stays a block mapping; a list that holds a mapping is a block list unless it replaces a flow
  // collection (`[]` and `{}` aside); other lists and mappings are written in flow style on the key line
  if (asBlock) ser = { inline: '', rest: asBlock };
  else if (isStringMap(value) && v?.type === 'map' && !v.flow && Object.keys(value).length > 0) ser = blockValue(value);
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

/** Where the value after `colon` starts, node properties (tag, anchor) included. */
function valueStart(ctx: EditContext, colon: number, start: number): number {
  let i = colon + 1;
  while (i < start && (ctx.text[i] === ' ' || ctx.text[i] === '\t')) i++;
  return i;
}

function insertEntry(ctx: EditContext, map: YMap, maxLine: number, key: NewKey, value: FieldValue, blockList: string | undefined): TextEdit[] | string {
  const first = map.entries[0];
  const last = map.entries[map.entries.length - 1];
  if (!first || !last) return 'The record has no fields to place the new one after.';
  const prefix = ctx.contPrefix(first.keySpan.start);
  const asBlock = blockList !== undefined ? blockListLines(value, blockList) : undefined;
  const lines = asBlock ? [`${key.keyText}:`, ...indentLines(asBlock, prefix)] : fieldLines(key.keyText, value, prefix);
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

function isEmpty(node: YNode | null): boolean {
  return !node || (node.type === 'scalar' && node.value === null && node.span.start === node.span.end);
}
