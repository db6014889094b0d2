/**
 * Edit intents: what a structured editor asks for (set a field, add, delete
 * or move a record, set a front-matter key), turned into minimal plain text
 * edits on the report text. The report text stays the only model: nothing
 * here re-serialises a whole block, so comments, blank lines, quoting and
 * layout outside the changed value are kept byte for byte.
 *
 * Values are written by the `yaml` package (serialize.ts); positions come
 * from the parsed model (`YNode` spans are file offsets). Before returning,
 * every result is applied to a copy of the text and parsed again (verify.ts):
 * an edit that would not read back exactly as intended, or that would add a
 * parse problem, becomes an error instead of a corrupt document.
 */
import { nextId } from '../lint/edits';
import { isRecordKind, toPlain, writtenText, type AuditRecord, type RecordBlock, type RecordKind, type Report, type YEntry, type YMap, type YNode } from '../model';
import { parseReport, reparseEdit, textChange, yamlText } from '../parse';
import type { Span, TextEdit } from '../types';
import { isSeq, parseDocument } from 'yaml';
import { blockValue, flowScalar, flowValue, isPlainKey, isStringMap, type BlockValue, type FieldValue, type ScalarStyle, type StringMap } from './serialize';
import { applyEdits, verifyIntent } from './verify';

export type { FieldValue } from './serialize';

/** A record: by id, or by `AuditRecord.index` (for records without an id). */
export type RecordRef = { id: string } | { index: number };

export type Intent =
  /** Set a field of a record; `null` removes the field. */
  | { type: 'setField'; record: RecordRef; field: string; value: FieldValue }
  /**
   * Add a record with the next free id (or `fields.id` when given and free).
   * With `after`: a new item after that record when its block is a sequence
   * of the same kind, otherwise a new fenced block after that record's block.
   * Without: after the last record of the last top-level block of that kind,
   * or a new block at the end of the report.
   */
  | { type: 'addRecord'; kind: RecordKind; after?: RecordRef; fields?: Record<string, FieldValue> }
  /** Set several fields of one record in one edit (`null` removes a field); new fields go where the schema orders them. */
  | { type: 'setFields'; record: RecordRef; fields: Record<string, FieldValue> }
  /**
   * Remove a sequence item's lines, or the whole fenced block (and one adjacent blank line).
   * With `references: 'remove'`, the record's id is also taken out of every record field that names it.
   */
  | { type: 'deleteRecord'; record: RecordRef; references?: 'keep' | 'remove' }
  /**
   * Replace the text of the prose segment (Markdown outside the front matter and the record blocks)
   * that starts on `line` and reads `old` (as `proseSegments` gives it), with a minimal edit.
   */
  | { type: 'setProse'; line: number; old: string; text: string }
  /** Swap with the neighbouring record of the same block. */
  | { type: 'moveRecord'; record: RecordRef; direction: 'up' | 'down' }
  /** Set a front-matter key; `null` removes it. */
  | { type: 'setFrontMatter'; key: string; value: FieldValue };

/** The edits (ascending, non-overlapping, offsets into `report.text`); `newId` is the id given to an added record. */
export type IntentResult = { edits: TextEdit[]; newId?: string } | { error: string };

export interface ApplyOptions {
  /**
   * Parse the edited text and check that it reads back as intended (default
   * true). Costs one parse of the block (or of the file for structural
   * changes and front matter).
   */
  verify?: boolean;
}

/** The minimal text edits for an intent, or an error that says why it cannot be done. Never throws. */
export function applyIntent(report: Report, intent: Intent, options: ApplyOptions = {}): IntentResult {
  try {
    const res = plan(report, intent);
    if ('error' in res) return res;
    if (options.verify !== false) {
      const problem = verifyIntent(report, intent, res.edits, res.expect);
      if (problem) return { error: `The edit was not made because it would not read back as intended (${problem}). Please report this.` };
    }
    return res.expect.type === 'addRecord' ? { edits: res.edits, newId: res.expect.id } : { edits: res.edits };
  } catch (err) {
    return { error: `The edit could not be computed: ${(err as Error).message}` };
  }
}

// ------------------------------------------------------------------ planning

/** What the edited report must look like, for verify.ts. */
export type Expectation =
  | { type: 'setField'; recordIndex: number; field: string; value: FieldValue }
  | { type: 'setFrontMatter'; key: string; value: FieldValue }
  | { type: 'addRecord'; kind: RecordKind; id: string; fields: [string, FieldValue][]; position: number; newBlock: boolean }
  | { type: 'deleteRecord'; recordIndex: number; wholeBlock: boolean }
  | { type: 'moveRecord'; a: number; b: number };

type Plan = { edits: TextEdit[]; expect: Expectation } | { error: string };

function plan(report: Report, intent: Intent): Plan {
  if (!intent || typeof intent !== 'object') return { error: 'The intent must be an object.' };
  if (report.problems.some((p) => p.rule === 'PA000')) return { error: 'The file cannot be edited as a report (see PA000).' };
  const ctx = new Ctx(report);
  switch (intent.type) {
    case 'setField':
      return setField(ctx, intent.record, intent.field, intent.value);
    case 'setFrontMatter':
      return setFrontMatter(ctx, intent.key, intent.value);
    case 'addRecord':
      return addRecord(ctx, intent.kind, intent.after, intent.fields);
    case 'deleteRecord':
      return deleteRecord(ctx, intent.record);
    case 'moveRecord':
      return moveRecord(ctx, intent.record, intent.direction);
    default:
      return { error: `Unknown intent type ${JSON.stringify((intent as { type?: unknown }).type)}.` };
  }
}

/** Text helpers over one report. */
class Ctx {
  readonly text: string;
  readonly eol: string;
  constructor(readonly report: Report) {
    this.text = report.text;
    this.eol = report.lines.eol;
  }
  edit(start: number, end: number, newText: string): TextEdit {
    const span: Span = { start, end };
    return { span, range: this.report.lines.range(span), newText };
  }
  lineOf(offset: number): number {
    return this.report.lines.positionAt(offset).line;
  }
  lineStart(line: number): number {
    return this.report.lines.lineStarts[line] ?? this.text.length;
  }
  lineEnd(line: number): number {
    return this.report.lines.lineEnd(line);
  }
  lineText(line: number): string {
    return this.report.lines.lineText(line);
  }
  /** End of a node without the one line break a block node's range ends with. */
  trimmedEnd(span: Span): number {
    let e = span.end;
    // in a quote or list item, a block value ends after the next line's prefix (`> `, spaces): back to its line break
    const nl = this.text.lastIndexOf('\n', e - 1);
    if (nl >= span.start && nl + 1 < e && /^[ \t>]*$/.test(this.text.slice(nl + 1, e))) e = nl + 1;
    if (e > span.start && this.text.charCodeAt(e - 1) === 10) e--;
    if (e > span.start && this.text.charCodeAt(e - 1) === 13) e--;
    return e;
  }
  /** Last line a node's characters are on. */
  lastLineOf(span: Span): number {
    return this.lineOf(Math.max(span.start, this.trimmedEnd(span) - 1));
  }
  /** Last line of a map entry (its key line when the value is empty). */
  entryLastLine(entry: YEntry): number {
    return entry.value ? Math.max(this.lineOf(entry.keySpan.start), this.lastLineOf(entry.value.span)) : this.lineOf(entry.keySpan.start);
  }
  /** The prefix of continuation lines for a key at `offset`: container markers (`>`) kept, anything else (`- `) as spaces. */
  contPrefix(offset: number): string {
    const line = this.lineOf(offset);
    return this.text.slice(this.lineStart(line), offset).replace(/[^\s>]/g, ' ');
  }
  isBlank(line: number): boolean {
    return line >= 0 && line < this.report.lines.lineCount && this.lineStart(line) < this.text.length && this.lineText(line).trim() === '';
  }
  /** True when the line exists and holds text (a line break or characters). */
  hasLine(line: number): boolean {
    return line >= 0 && line < this.report.lines.lineCount && this.lineStart(line) < this.text.length;
  }
}

// ------------------------------------------------------------------ checks of untrusted input

function checkValue(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'A number value must be finite.';
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) ? undefined : 'A list value must hold strings or numbers only.';
  if (isStringMap(value as FieldValue) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value as object).every(([k, v]) => k !== '' && typeof v === 'string') ? undefined : 'A mapping value must map non-empty keys to strings.';
  }
  return 'A value must be a string, a number, true/false, null, a list of strings or a mapping of strings.';
}

function resolve(ctx: Ctx, ref: unknown): AuditRecord | string {
  if (!ref || typeof ref !== 'object') return 'A record reference must be {id} or {index}.';
  const r = ref as { id?: unknown; index?: unknown };
  if (typeof r.id === 'string') {
    const all = ctx.report.records.filter((x) => x.id === r.id);
    if (all.length === 0) return `No record has the id ${JSON.stringify(r.id)}.`;
    if (all.length > 1) return `The id ${r.id} is defined ${all.length} times; refer to the record by its index.`;
    return all[0]!;
  }
  if (typeof r.index === 'number') {
    const rec = ctx.report.records.find((x) => x.index === r.index);
    return rec ?? `No record has the index ${r.index}.`;
  }
  return 'A record reference must be {id} or {index}.';
}

function label(rec: AuditRecord): string {
  return rec.id !== undefined ? rec.id : `the ${rec.kind} record #${rec.index}`;
}

/** Why a block cannot take structural edits (adding, deleting or moving lines), or undefined. */
function structuralBlocker(ctx: Ctx, block: RecordBlock): string | undefined {
  if (block.closeLine < 0) return `The \`${block.kind}\` block is not closed; close it first.`;
  if (block.indent !== '' || !ctx.lineText(block.openLine).startsWith(block.marker)) {
    return `The \`${block.kind}\` block is inside a list or quote; add, delete or move its records in the text editor.`;
  }
  if (ctx.report.problems.some((p) => p.rule === 'PA002' && p.span.start >= block.span.start && p.span.start <= block.span.end)) {
    return `The \`${block.kind}\` block has YAML problems (PA002); fix them first.`;
  }
  if (block.shape === 'sequence') {
    const info = seqInfo(ctx, block);
    if (!info) return `The \`${block.kind}\` block could not be read.`;
    if (info.flow) return `The \`${block.kind}\` block is a flow-style sequence ([…]); edit it in the text editor.`;
    if (info.items !== block.records.length) return `The \`${block.kind}\` block holds items that are not records.`;
  }
  return undefined;
}

function seqInfo(ctx: Ctx, block: RecordBlock): { flow: boolean; items: number } | undefined {
  const doc = parseDocument(yamlText(ctx.text.slice(block.contentSpan.start, block.contentSpan.end)), { prettyErrors: false });
  if (!isSeq(doc.contents)) return undefined;
  return { flow: !!doc.contents.flow, items: doc.contents.items.length };
}

// ------------------------------------------------------------------ setField / setFrontMatter

function setField(ctx: Ctx, ref: RecordRef, field: unknown, value: FieldValue): Plan {
  const rec = resolve(ctx, ref);
  if (typeof rec === 'string') return { error: rec };
  if (typeof field !== 'string' || !isPlainKey(field)) return { error: `${JSON.stringify(field)} is not a valid field name.` };
  const bad = checkValue(value);
  if (bad) return { error: bad };
  if (field === 'id' && value !== null) {
    const clash = ctx.report.records.find((r) => r !== rec && r.id === String(value));
    if (clash) return { error: `The id ${String(value)} is already used by another record.` };
  }
  const block = rec.block;
  const maxLine = block.closeLine >= 0 ? block.closeLine - 1 : ctx.report.lines.lineCount - 1;
  const current = rec.fields.get(field)?.value;
  if (isStringMap(value) && Object.keys(value).length > 0 && current?.type === 'map' && current.entries.length > 0) return setMapEntries(ctx, rec, field, current, value, maxLine);
  const edits = setOnMap(ctx, rec.map, maxLine, field, value, `${label(rec)}`);
  if (typeof edits === 'string') return { error: edits };
  return { edits, expect: { type: 'setField', recordIndex: rec.index, field, value } };
}

function setFrontMatter(ctx: Ctx, key: unknown, value: FieldValue): Plan {
  const fm = ctx.report.frontMatter;
  if (!fm) return { error: 'The report has no front matter.' };
  if (!fm.closed || !fm.map) return { error: 'The front matter cannot be read (see PA001); fix it in the text editor first.' };
  if (typeof key !== 'string' || !isPlainKey(key)) return { error: `${JSON.stringify(key)} is not a valid front-matter key.` };
  const bad = checkValue(value);
  if (bad) return { error: bad };
  if (fm.map.flow) return { error: 'The front matter is written as a flow mapping; edit it in the text editor.' };
  const closeLine = ctx.lineOf(fm.span.end);
  const edits = setOnMap(ctx, fm.map, closeLine - 1, key, value, 'the front matter');
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

/** Sets `field` of `map`; a new entry is written with the key `keyText` (the field name itself by default). */
function setOnMap(ctx: Ctx, map: YMap, maxLine: number, field: string, value: FieldValue, where: string, keyText = field): TextEdit[] | string {
  const entry = map.entries.find((e) => e.key === field);
  if (map.flow) return setOnFlowMap(ctx, map, entry, keyText, value, where);
  if (value === null) return entry ? removeEntry(ctx, map, entry, where) : [];
  if (!entry) return insertEntry(ctx, map, maxLine, keyText, value);
  return replaceEntry(ctx, entry, value);
}

/**
 * A mapping field that already holds a mapping (a device's identifiers):
 * each entry is changed on its own, so entries whose value is unchanged (as
 * written: `001010…` stays as it is) keep their text. The changes are made
 * one after another on a copy and given back as one edit.
 */
function setMapEntries(ctx: Ctx, rec: AuditRecord, field: string, inner: YMap, value: StringMap, maxLine: number): Plan {
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

  const bom = ctx.report.hadBom ? '\ufeff' : '';
  let report = ctx.report;
  for (const [k, v] of ops) {
    const c = new Ctx(report);
    const now = report.records[rec.index]?.fields.get(field)?.value;
    if (!now || now.type !== 'map') return { error: `${label(rec)} ${field} could not be located after an earlier change.` };
    const keyText = flowScalar(k);
    if (keyText === undefined) return { error: serialiseFailed(k) };
    const block = report.records[rec.index]!.block;
    const edits = setOnMap(c, now, block.closeLine >= 0 ? block.closeLine - 1 : maxLine, k, v, `${label(rec)} ${field}`, keyText);
    if (typeof edits === 'string') return { error: edits };
    const text = applyEdits(report.text, edits);
    report = reparseEdit(report, bom + text) ?? parseReport(bom + text);
  }
  const change = textChange(ctx.text, report.text);
  const edits = change.start === change.oldEnd && change.start === change.newEnd ? [] : [ctx.edit(change.start, change.oldEnd, report.text.slice(change.start, change.newEnd))];
  return { edits, expect: { type: 'setField', recordIndex: rec.index, field, value: expected as FieldValue } };
}

function indentLines(lines: string[], prefix: string): string[] {
  return lines.map((l) => (l === '' ? prefix.trimEnd() : prefix + l));
}

function serialiseFailed(value: FieldValue): string {
  return `The value ${JSON.stringify(value)} cannot be written as YAML here.`;
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
function fieldLines(key: string, value: FieldValue, prefix: string): string[] | undefined {
  let ser: BlockValue | undefined;
  if (Array.isArray(value) || isStringMap(value)) {
    const flow = flowValue(value);
    ser = flow === undefined ? undefined : { inline: flow, rest: [] };
  } else ser = blockValue(value);
  if (!ser) return undefined;
  return [`${key}:${ser.inline ? ` ${ser.inline}` : ''}`, ...indentLines(ser.rest, prefix)];
}

function insertEntry(ctx: Ctx, map: YMap, maxLine: number, key: string, value: FieldValue): TextEdit[] | string {
  const first = map.entries[0];
  const last = map.entries[map.entries.length - 1];
  if (!first || !last) return 'The record has no fields to place the new one after.';
  const prefix = ctx.contPrefix(first.keySpan.start);
  const lines = fieldLines(key, value, prefix);
  if (!lines) return serialiseFailed(value);
  const endLine = Math.min(ctx.entryLastLine(last), maxLine);
  const at = ctx.lineEnd(endLine);
  return [ctx.edit(at, at, ctx.eol + prefix + lines.join(ctx.eol))];
}

function removeEntry(ctx: Ctx, map: YMap, entry: YEntry, where: string): TextEdit[] | string {
  if (map.entries.length === 1) return `${entry.key} is the only field of ${where}; delete the record instead.`;
  const i = map.entries.indexOf(entry);
  const keyLine = ctx.lineOf(entry.keySpan.start);
  const before = ctx.text.slice(ctx.lineStart(keyLine), entry.keySpan.start);
  if (/[^\s>]/.test(before)) {
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
function setOnFlowMap(ctx: Ctx, map: YMap, entry: YEntry | undefined, key: string, value: FieldValue, where: string): TextEdit[] | string {
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
      return [ctx.edit(open + 1, open + 1, `${key}: ${inline}`)];
    }
    const colon = text.indexOf(':', last.keySpan.end);
    const end = last.value && !isEmpty(last.value) ? ctx.trimmedEnd(last.value.span) : colon + 1;
    return [ctx.edit(end, end, `, ${key}: ${inline}`)];
  }
  const v = entry.value;
  const inline = flowValue(value, styleOf(ctx, v));
  if (inline === undefined) return serialiseFailed(value);
  const colon = text.indexOf(':', entry.keySpan.end);
  if (!isEmpty(v)) return [ctx.edit(valueStart(ctx, colon, v!.span.start), ctx.trimmedEnd(v!.span), inline)];
  return [ctx.edit(colon + 1, colon + 1, ` ${inline}`)];
}

// ------------------------------------------------------------------ records: add, delete, move

/** The line of a sequence item's `-`, and the text before the first key on its first line. */
function itemLayout(ctx: Ctx, rec: AuditRecord): { dashLine: number; lead: string; cont: string } | undefined {
  const start = rec.map.span.start;
  let i = start - 1;
  while (i >= 0 && /\s/.test(ctx.text[i]!)) i--;
  if (i < 0 || ctx.text[i] !== '-') return undefined;
  const dashLine = ctx.lineOf(i);
  const beforeDash = ctx.text.slice(ctx.lineStart(dashLine), i);
  if (!/^[ \t]*$/.test(beforeDash)) return undefined;
  const lead = ctx.lineOf(start) === dashLine ? ctx.text.slice(ctx.lineStart(dashLine), start) : `${beforeDash}- `;
  return { dashLine, lead, cont: lead.replace(/[^\s>]/g, ' ') };
}

function checkNewFields(fields: unknown): [string, FieldValue][] | string {
  if (fields === undefined || fields === null) return [];
  if (typeof fields !== 'object' || Array.isArray(fields)) return 'fields must be an object of field names to values.';
  const out: [string, FieldValue][] = [];
  for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
    if (!isPlainKey(k)) return `${JSON.stringify(k)} is not a valid field name.`;
    const bad = checkValue(v);
    if (bad) return `${k}: ${bad}`;
    if (v !== null) out.push([k, v as FieldValue]);
  }
  return out;
}

function addRecord(ctx: Ctx, kind: unknown, after: RecordRef | undefined, fieldsIn: unknown): Plan {
  const { report, eol, text } = ctx;
  if (typeof kind !== 'string' || !isRecordKind(kind)) return { error: `${JSON.stringify(kind)} is not a record kind.` };
  const given = checkNewFields(fieldsIn);
  if (typeof given === 'string') return { error: given };
  const idGiven = given.find(([k]) => k === 'id');
  let id: string;
  if (idGiven) {
    if (typeof idGiven[1] !== 'string' || idGiven[1].trim() === '') return { error: 'The id must be a non-empty string.' };
    id = idGiven[1];
    if (report.records.some((r) => r.id === id)) return { error: `The id ${id} is already used by another record.` };
  } else id = nextId(report, kind);
  const fields: [string, FieldValue][] = [['id', id], ...given.filter(([k]) => k !== 'id')];

  let anchor: AuditRecord | undefined;
  let block: RecordBlock | undefined;
  if (after !== undefined) {
    const rec = resolve(ctx, after);
    if (typeof rec === 'string') return { error: rec };
    anchor = rec;
    block = rec.block;
  } else {
    block = [...report.blocks].reverse().find((b) => b.kind === kind && (b.shape === 'sequence' || b.shape === 'mapping') && !structuralBlocker(ctx, b));
    anchor = block?.records[block.records.length - 1];
  }

  // a new item in the same sequence block
  if (block && anchor && block.kind === kind && block.shape === 'sequence') {
    const blocker = structuralBlocker(ctx, block);
    if (blocker) return { error: blocker };
    const layout = itemLayout(ctx, anchor);
    if (!layout) return { error: `The layout of ${label(anchor)} could not be read.` };
    const lines: string[] = [];
    for (const [k, v] of fields) {
      const fl = fieldLines(k, v, layout.cont);
      if (!fl) return { error: serialiseFailed(v) };
      lines.push(...fl.map((l, i) => (i === 0 ? (lines.length === 0 ? layout.lead : layout.cont) + l : l)));
    }
    const at = ctx.lineEnd(Math.min(ctx.lastLineOf(anchor.map.span), block.closeLine - 1));
    const position = anchor.index + 1;
    return { edits: [ctx.edit(at, at, eol + lines.join(eol))], expect: { type: 'addRecord', kind, id, fields, position, newBlock: false } };
  }

  // a new fenced block
  const body: string[] = ['```' + kind];
  for (const [k, v] of fields) {
    const fl = fieldLines(k, v, '');
    if (!fl) return { error: serialiseFailed(v) };
    body.push(...fl);
  }
  body.push('```');
  if (block) {
    const blocker = structuralBlocker(ctx, block);
    if (blocker) return { error: blocker };
    const at = block.span.end;
    const tail = ctx.hasLine(block.closeLine + 1) && !ctx.isBlank(block.closeLine + 1) ? eol : '';
    const position = block.records.length ? block.records[block.records.length - 1]!.index + 1 : recordsBefore(report, block.span.end);
    return { edits: [ctx.edit(at, at, eol + eol + body.join(eol) + tail)], expect: { type: 'addRecord', kind, id, fields, position, newBlock: true } };
  }
  // at the end of the report, after exactly one blank line
  const end = text.length;
  const lead = end === 0 || /\n[ \t]*\r?\n$/.test(text) ? '' : /\n$/.test(text) ? eol : eol + eol;
  return {
    edits: [ctx.edit(end, end, lead + body.join(eol) + eol)],
    expect: { type: 'addRecord', kind, id, fields, position: report.records.length, newBlock: true },
  };
}

function recordsBefore(report: Report, offset: number): number {
  return report.records.filter((r) => r.span.start < offset).length;
}

/** Whole lines of a sequence item: from its `-` line to its last line. */
function itemLines(ctx: Ctx, rec: AuditRecord): { first: number; last: number } | undefined {
  const layout = itemLayout(ctx, rec);
  if (!layout) return undefined;
  return { first: layout.dashLine, last: Math.min(ctx.lastLineOf(rec.map.span), rec.block.closeLine - 1) };
}

function deleteRecord(ctx: Ctx, ref: RecordRef): Plan {
  const rec = resolve(ctx, ref);
  if (typeof rec === 'string') return { error: rec };
  const block = rec.block;
  const blocker = structuralBlocker(ctx, block);
  if (blocker) return { error: blocker };
  if (block.shape === 'sequence' && block.records.length > 1) {
    const lines = itemLines(ctx, rec);
    if (!lines) return { error: `The lines of ${label(rec)} could not be located.` };
    return {
      edits: [ctx.edit(ctx.lineStart(lines.first), ctx.lineStart(lines.last + 1), '')],
      expect: { type: 'deleteRecord', recordIndex: rec.index, wholeBlock: false },
    };
  }
  // the whole fence, and one blank line next to it (after it, else before it)
  let start = ctx.lineStart(block.openLine);
  let end = ctx.hasLine(block.closeLine + 1) ? ctx.lineStart(block.closeLine + 1) : ctx.text.length;
  const breakAfter = ctx.lineEnd(block.closeLine) < ctx.text.length;
  const atEnd = !ctx.hasLine(block.closeLine + 1);
  if (ctx.isBlank(block.closeLine + 1)) end = ctx.hasLine(block.closeLine + 2) ? ctx.lineStart(block.closeLine + 2) : ctx.text.length;
  // the last block of the file: the blank line before it goes (text after it would otherwise join the text before)
  else if (atEnd && ctx.isBlank(block.openLine - 1)) start = breakAfter ? ctx.lineStart(block.openLine - 1) : ctx.lineEnd(block.openLine - 2);
  // the fence ends the file without a line break: drop the break before it instead
  else if (!breakAfter && block.openLine > 0) start = ctx.lineEnd(block.openLine - 1);
  return { edits: [ctx.edit(start, end, '')], expect: { type: 'deleteRecord', recordIndex: rec.index, wholeBlock: true } };
}

function moveRecord(ctx: Ctx, ref: RecordRef, direction: unknown): Plan {
  const rec = resolve(ctx, ref);
  if (typeof rec === 'string') return { error: rec };
  if (direction !== 'up' && direction !== 'down') return { error: 'direction must be "up" or "down".' };
  const block = rec.block;
  if (block.shape !== 'sequence' || block.records.length < 2) {
    return { error: `${label(rec)} is the only record in its \`${block.kind}\` block; records move only within a block, not across blocks.` };
  }
  const i = block.records.indexOf(rec);
  const j = direction === 'up' ? i - 1 : i + 1;
  if (j < 0) return { error: `${label(rec)} is already the first record of its block; records move only within a block, not across blocks.` };
  if (j >= block.records.length) return { error: `${label(rec)} is already the last record of its block; records move only within a block, not across blocks.` };
  const blocker = structuralBlocker(ctx, block);
  if (blocker) return { error: blocker };
  const a = block.records[Math.min(i, j)]!;
  const b = block.records[Math.max(i, j)]!;
  const la = itemLines(ctx, a);
  const lb = itemLines(ctx, b);
  if (!la || !lb || la.last >= lb.first) return { error: `The lines of ${label(rec)} could not be located.` };
  const spanA = { start: ctx.lineStart(la.first), end: ctx.lineEnd(la.last) };
  const spanB = { start: ctx.lineStart(lb.first), end: ctx.lineEnd(lb.last) };
  const textA = ctx.text.slice(spanA.start, spanA.end);
  const textB = ctx.text.slice(spanB.start, spanB.end);
  return {
    edits: [ctx.edit(spanA.start, spanA.end, textB), ctx.edit(spanB.start, spanB.end, textA)],
    expect: { type: 'moveRecord', a: a.index, b: b.index },
  };
}
