/**
 * What every planner of an edit intent shares: the report's text with line
 * helpers (`EditContext`), what a plan returns, the record an intent names, and
 * the successive application of changes (apply, parse again, go on) that
 * several intents use to make one result of many changes.
 */
import type { FieldValue, RecordRef } from '../protocol';
import type { AuditRecord, RecordKind, Report, YEntry, YNode } from '../report/model';
import { parseReport, reparseEdit, textChange } from '../report/parse';
import type { Span, TextEdit } from '../report/types';
import { isPlainKey } from './serialize';
import { applyEdits } from './apply-edits';

/** What the edited report must look like, for verify.ts. */
export type Expectation =
  | { type: 'setField'; recordIndex: number; field: string; value: FieldValue }
  /** Fields set one after another (null removes). */
  | { type: 'setFields'; recordIndex: number; fields: [string, FieldValue][] }
  | { type: 'setFrontMatter'; key: string; value: FieldValue }
  | { type: 'addRecord'; kind: RecordKind; id: string; fields: [string, FieldValue][]; position: number; newBlock: boolean }
  /** `changed`: other records whose references to the deleted one were taken out, as they must read afterwards. */
  | { type: 'deleteRecord'; recordIndex: number; wholeBlock: boolean; changed?: { recordIndex: number; plain: Record<string, unknown> }[] }
  | { type: 'moveRecord'; a: number; b: number }
  /** Prose only: every record, block and the front matter read as before. */
  | { type: 'setProse' };

export type Plan = { edits: TextEdit[]; expect: Expectation } | { error: string };

/** The edits that set one field, and what the field must read back as. */
export interface FieldChange {
  edits: TextEdit[];
  value: FieldValue;
}

/**
 * Finds a field's value in a report made from the one an edit started from
 * (after an edit inside that value), and the last line its record block or
 * front matter may use.
 */
export type Locate = (report: Report) => { node: YNode | null | undefined; maxLine: number } | undefined;

/** Text helpers over one report. */
export class EditContext {
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
  /**
   * The lines of an item of a block list: from its `-` line to its last line,
   * and the text before the `-` (indentation, a quote's `>`). Undefined when
   * no `-` starts the item's first line.
   */
  itemLines(item: YNode): { first: number; last: number; prefix: string } | undefined {
    let i = item.span.start - 1;
    while (i >= 0 && /\s/.test(this.text[i]!)) i--;
    if (i < 0 || this.text[i] !== '-') return undefined;
    const first = this.lineOf(i);
    const prefix = this.text.slice(this.lineStart(first), i);
    if (!/^[ \t>]*$/.test(prefix)) return undefined;
    return { first, last: item.span.start === item.span.end ? first : Math.max(first, this.lastLineOf(item.span)), prefix };
  }
  isBlank(line: number): boolean {
    return line >= 0 && line < this.report.lines.lineCount && this.lineStart(line) < this.text.length && this.lineText(line).trim() === '';
  }
  /** True when the line exists and holds text (a line break or characters). */
  hasLine(line: number): boolean {
    return line >= 0 && line < this.report.lines.lineCount && this.lineStart(line) < this.text.length;
  }
}

// ------------------------------------------------------------------ records named by an intent

/** The record `ref` names in the report, or why there is none. */
export function resolve(ctx: EditContext, ref: RecordRef): AuditRecord | string {
  if ('id' in ref) {
    const all = ctx.report.records.filter((x) => x.id === ref.id);
    if (all.length === 0) return `No record has the id ${JSON.stringify(ref.id)}.`;
    if (all.length > 1) return `The id ${ref.id} is defined ${all.length} times; refer to the record by its index.`;
    return all[0]!;
  }
  const rec = ctx.report.records.find((x) => x.index === ref.index);
  return rec ?? `No record has the index ${ref.index}.`;
}

/** Why a field cannot be called `name` (YAML would read the key as something else), or undefined. */
export function fieldNameProblem(name: string): string | undefined {
  return isPlainKey(name) ? undefined : `${JSON.stringify(name)} is not a valid field name.`;
}

/** A record as the error messages name it: its id, or `the flow record #3` when it has none. */
export function recordName(rec: AuditRecord): string {
  return rec.id !== undefined ? rec.id : `the ${rec.kind} record #${rec.index}`;
}

export function serialiseFailed(value: FieldValue): string {
  return `The value ${JSON.stringify(value)} cannot be written as YAML here.`;
}

// ------------------------------------------------------------------ successive changes

/** The report after `edits`: parsed again, only the changed block when that is enough. */
export function reparsed(report: Report, edits: readonly TextEdit[]): Report {
  if (edits.length === 0) return report;
  const input = (report.hadBom ? '\ufeff' : '') + applyEdits(report.text, edits);
  return reparseEdit(report, input) ?? parseReport(input);
}

/**
 * One edit that turns `ctx`'s text into `text` (none when they are equal).
 * With `within`, the change must lie inside that span of the old text, and
 * the edit is kept inside it (a change next to repeated text is not moved
 * out of it).
 */
export function changeTo(ctx: EditContext, text: string, within?: Span): TextEdit[] {
  const old = ctx.text;
  const from = within?.start ?? 0;
  const to = within?.end ?? old.length;
  const delta = text.length - old.length;
  if (text.slice(0, from) !== old.slice(0, from) || text.slice(to + delta) !== old.slice(to)) throw new Error('a change lies outside the record');
  const c = textChange(old.slice(from, to), text.slice(from, to + delta));
  if (c.start === c.oldEnd && c.start === c.newEnd) return [];
  return [ctx.edit(from + c.start, from + c.oldEnd, text.slice(from + c.start, from + c.newEnd))];
}
