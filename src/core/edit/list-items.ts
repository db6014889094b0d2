/**
 * A block list set item by item: the items that read as before keep their
 * lines, changed items are written in place (a mapping item entry by entry
 * when it can be), new ones are inserted and left-over ones deleted. A flow
 * list (`[a, b]`, a device's identifiers) likewise, item by item on its line.
 */
import type { FieldValue, ListItem, StringMap } from '../protocol';
import { toPlain, type Report, type YMap, type YNode, type YSeq } from '../report/model';
import type { TextEdit } from '../report/types';
import { EditContext, changeTo, reparsed, serialiseFailed, type FieldChange, type Locate } from './context';
import { indentLines } from './new-record';
import { itemReadsAs, readsAs } from './reads-as';
import { blockItem, flowScalar, flowValue, isStringMap, type ScalarStyle } from './serialize';

/**
 * Sets one entry of a mapping (map-entries.ts's `setOnMap`): a list's mapping
 * items are entries of a mapping again, so the setter is passed in rather
 * than imported (YAML values nest; the modules do not import each other).
 */
export type SetEntry = (ctx: EditContext, map: YMap, maxLine: number, key: string, value: string | null, where: string, add: { keyText: string }) => FieldChange | string;

/** How a list's mapping items can be changed entry by entry: the list's locator, and the setter of an entry. */
export interface ListEntries {
  locate: Locate;
  setEntry: SetEntry;
}

/**
 * A block list set to `value` item by item: the items at the start and at
 * the end that read as the new ones keep their text; the items between are
 * changed in place (a mapping entry by entry when it can be), the new ones
 * inserted after them, the old ones left over deleted. Undefined when an
 * item's lines cannot be told apart (the caller rewrites the whole list).
 */
export function setListItems(ctx: EditContext, seq: YSeq, value: ListItem[], entries: ListEntries | undefined): FieldChange | string | undefined {
  const old = seq.items;
  const lines = old.map((item) => ctx.itemLines(item));
  if (lines.some((l, i) => !l || (i > 0 && l.first <= lines[i - 1]!.last))) return undefined;
  const at = (i: number) => lines[i]!;
  const same = (i: number, j: number) => itemReadsAs(ctx.text, old[i]!, value[j]!);
  const { head, tail, expected } = keptEnds(ctx.text, old, value);
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
    const change = itemChange(ctx, seq, j, value[j]!, at(j), entries && { ...entries, budget });
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

/**
 * How many items at the start (`head`) and at the end (`tail`) of the list
 * `old` read as those of the new list `value`, and what the new list must read
 * back as (those kept items as they are, the others as sent).
 */
function keptEnds(text: string, old: YNode[], value: ListItem[]): { head: number; tail: number; expected: unknown[] } {
  const same = (i: number, j: number) => itemReadsAs(text, old[i]!, value[j]!);
  const n = old.length;
  const m = value.length;
  let head = 0;
  while (head < n && head < m && same(head, head)) head++;
  let tail = 0;
  while (tail < n - head && tail < m - head && same(n - 1 - tail, m - 1 - tail)) tail++;
  const expected = value.map((v, j) => (j < head ? toPlain(old[j]) : j >= m - tail ? toPlain(old[j - m + n]) : v));
  return { head, tail, expected };
}

/**
 * A flow list (`[a, "b"]`) set to `value` item by item: the items that read
 * as the new ones keep their text (and quoting), a changed item's characters
 * are replaced (in its old quoting when it can be), new items go after the
 * last kept or changed one (`, c`), and removed ones go with the comma before
 * them. Undefined when an item's place cannot be told apart (a tag, a
 * comment or an empty list: the caller writes the list again).
 */
export function setFlowListItems(ctx: EditContext, seq: YSeq, value: ListItem[]): FieldChange | undefined {
  const { text } = ctx;
  const old = seq.items;
  if (!seq.flow || old.length === 0 || value.length === 0) return undefined;
  const spans = old.map((item) => ({ start: item.span.start, end: ctx.trimmedEnd(item.span) }));
  // every item stands between `[` or `,` and `,` or `]`, with nothing but spaces and line breaks around it
  const before = (i: number) => text.slice(0, spans[i]!.start).trimEnd().slice(-1);
  const after = (i: number) => text.slice(spans[i]!.end).trimStart().charAt(0);
  if (spans.some((_, i) => before(i) !== (i === 0 ? '[' : ',') || after(i) !== (i === old.length - 1 ? ']' : ','))) return undefined;
  const { head, tail, expected } = keptEnds(text, old, value);
  const oldMid = old.length - head - tail;
  const newMid = value.length - head - tail;
  const paired = Math.min(oldMid, newMid);
  const edits: TextEdit[] = [];
  const write = (item: ListItem, style: ScalarStyle) => (typeof item === 'string' ? flowScalar(item, style) : flowValue([item])?.slice(1, -1));
  for (let j = head; j < head + paired; j++) {
    if (itemReadsAs(text, old[j]!, value[j]!)) {
      expected[j] = toPlain(old[j]);
      continue;
    }
    const t = write(value[j]!, styleOf(ctx, old[j]!));
    if (t === undefined) return undefined;
    edits.push(ctx.edit(spans[j]!.start, spans[j]!.end, t));
  }
  if (newMid > paired) {
    // in the quoting of the item they follow (or precede)
    const prev = head + paired - 1;
    const like = old[Math.max(prev, 0)]!;
    const added: string[] = [];
    for (const item of value.slice(head + paired, head + newMid)) {
      const t = write(item, styleOf(ctx, like));
      if (t === undefined) return undefined;
      added.push(t);
    }
    if (prev >= 0) edits.push(ctx.edit(spans[prev]!.end, spans[prev]!.end, `, ${added.join(', ')}`));
    else edits.push(ctx.edit(spans[0]!.start, spans[0]!.start, `${added.join(', ')}, `));
  }
  if (oldMid > paired) {
    const first = head + paired;
    const last = head + oldMid - 1;
    // with the comma before them; at the start of the list, with the comma after them
    if (first > 0) edits.push(ctx.edit(spans[first - 1]!.end, spans[last]!.end, ''));
    else edits.push(ctx.edit(spans[first]!.start, spans[last + 1]!.start, ''));
  }
  return { edits: joinTouching(ctx, edits), value: expected as FieldValue };
}

/** How a scalar was written. */
export function styleOf(ctx: EditContext, node: YNode | null): ScalarStyle {
  if (!node || node.type !== 'scalar' || !node.quoted) return 'plain';
  const c = ctx.text[node.span.start];
  return c === '"' ? 'double' : c === "'" ? 'single' : c === '|' ? 'literal' : c === '>' ? 'folded' : 'plain';
}

/** How many entries of a list's mapping items one intent changes one by one (each is a parse of the report). */
const ENTRY_CHANGES = 24;

/** What changing a list's mapping items entry by entry needs: the list's locator, the setter of an entry, and the entry changes left. */
interface EntryChanges extends ListEntries {
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
function mapItemEntries(ctx: EditContext, i: number, node: YMap, item: StringMap, region: { start: number; end: number }, { locate, setEntry, budget }: EntryChanges): FieldChange | undefined {
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
    const change = setEntry(new EditContext(report), found.now, found.maxLine, k, v, 'the list item', { keyText });
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
