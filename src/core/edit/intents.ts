/**
 * Edit intents: what a structured editor asks for (set one or several fields,
 * add, delete or move a record, set a front-matter key, replace a piece of
 * prose), turned into minimal plain text edits on the report text. The
 * report text stays the only model: nothing here re-serialises a whole
 * block, so comments, blank lines, quoting and layout outside the changed
 * value are kept byte for byte. Fields: fields.ts; prose: prose.ts;
 * references to a deleted record: references.ts.
 *
 * Values are written by the `yaml` package (serialize.ts); positions come
 * from the parsed model (`YNode` spans are file offsets). Before returning,
 * every result is applied to a copy of the text and parsed again (verify.ts):
 * an edit that would not read back exactly as intended, or that would add a
 * parse problem, becomes an error instead of a corrupt document.
 */
import { nextId } from '../lint/edits';
import { RECORD_KINDS as PROTOCOL_KINDS, checkIntent, type FieldValue, type Intent, type IntentOf } from '../protocol';
import { RECORD_KINDS, type AuditRecord, type RecordBlock, type Report } from '../report/model';
import { yamlText } from '../report/parse';
import type { TextEdit } from '../report/types';
import { isSeq, parseDocument } from 'yaml';
import { EditContext, fieldNameProblem, recordName, resolve, serialiseFailed, type Expectation, type Plan } from './context';
import { setField, setFields, setFrontMatter } from './fields';
import { recordBlock, recordLines } from './new-record';
import { setProse } from './prose';
import { citationsOf, referencesTo, removeReferences } from './references';
import { verifyIntent } from './verify';

export type { FieldValue, Intent, RecordRef } from '../protocol';
export type { Expectation } from './context';
export { citationsOf, referencesTo };

// the protocol restates the model's record kinds (it imports nothing): the same list, in the same order
PROTOCOL_KINDS satisfies typeof RECORD_KINDS;

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

/**
 * The minimal text edits for an intent, or an error that says why it cannot be done. Never throws.
 * The intent is checked against its type here, once (the protocol's check, without a webview's
 * limits); the planners below trust it and check only what depends on the document.
 */
export function applyIntent(report: Report, intentIn: Intent, options: ApplyOptions = {}): IntentResult {
  try {
    const checked = checkIntent(intentIn);
    if ('error' in checked) return checked;
    const { intent } = checked;
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

/** The planner of each intent: its edits and what the edited report must read as. */
const PLANNERS: { [T in Intent['type']]: (ctx: EditContext, intent: IntentOf<T>) => Plan } = {
  setField,
  setFields,
  setFrontMatter,
  setProse,
  addRecord,
  deleteRecord,
  moveRecord,
};

function plan(report: Report, intent: Intent): Plan {
  if (report.problems.some((p) => p.rule === 'PA000')) return { error: 'The file cannot be edited as a report (see PA000).' };
  const planner = PLANNERS[intent.type] as (ctx: EditContext, intent: Intent) => Plan;
  return planner(new EditContext(report), intent);
}

/** Why a block cannot take structural edits (adding, deleting or moving lines), or undefined. */
function structuralBlocker(ctx: EditContext, block: RecordBlock): string | undefined {
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

function seqInfo(ctx: EditContext, block: RecordBlock): { flow: boolean; items: number } | undefined {
  const doc = parseDocument(yamlText(ctx.text.slice(block.contentSpan.start, block.contentSpan.end)), { prettyErrors: false });
  if (!isSeq(doc.contents)) return undefined;
  return { flow: !!doc.contents.flow, items: doc.contents.items.length };
}

// ------------------------------------------------------------------ records: add, delete, move

/** The line of a sequence item's `-`, and the text before the first key on its first line. */
function itemLayout(ctx: EditContext, rec: AuditRecord): { dashLine: number; lead: string; cont: string } | undefined {
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

/** The fields a new record is given (null: not given), or why one cannot be written. */
function newFields(fields: Record<string, FieldValue> = {}): [string, FieldValue][] | string {
  const out: [string, FieldValue][] = [];
  for (const [k, v] of Object.entries(fields)) {
    const bad = fieldNameProblem(k);
    if (bad) return bad;
    if (v !== null) out.push([k, v]);
  }
  return out;
}

function addRecord(ctx: EditContext, { kind, after, fields: fieldsIn }: IntentOf<'addRecord'>): Plan {
  const { report, eol, text } = ctx;
  const given = newFields(fieldsIn);
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
    if (!layout) return { error: `The layout of ${recordName(anchor)} could not be read.` };
    const lines = recordLines(fields, layout.lead, layout.cont);
    if (!Array.isArray(lines)) return { error: serialiseFailed(lines.unwritable) };
    const at = ctx.lineEnd(Math.min(ctx.lastLineOf(anchor.map.span), block.closeLine - 1));
    const position = anchor.index + 1;
    return { edits: [ctx.edit(at, at, eol + lines.join(eol))], expect: { type: 'addRecord', kind, id, fields, position, newBlock: false } };
  }

  // a new fenced block
  const fenced = recordBlock(kind, fields, { eol });
  if (typeof fenced !== 'string') return { error: serialiseFailed(fenced.unwritable) };
  if (block) {
    const blocker = structuralBlocker(ctx, block);
    if (blocker) return { error: blocker };
    const at = block.span.end;
    const tail = ctx.hasLine(block.closeLine + 1) && !ctx.isBlank(block.closeLine + 1) ? eol : '';
    const position = block.records.length ? block.records[block.records.length - 1]!.index + 1 : recordsBefore(report, block.span.end);
    return { edits: [ctx.edit(at, at, eol + eol + fenced + tail)], expect: { type: 'addRecord', kind, id, fields, position, newBlock: true } };
  }
  // at the end of the report, after exactly one blank line
  const end = text.length;
  const lead = end === 0 || /\n[ \t]*\r?\n$/.test(text) ? '' : /\n$/.test(text) ? eol : eol + eol;
  return {
    edits: [ctx.edit(end, end, lead + fenced + eol)],
    expect: { type: 'addRecord', kind, id, fields, position: report.records.length, newBlock: true },
  };
}

function recordsBefore(report: Report, offset: number): number {
  return report.records.filter((r) => r.span.start < offset).length;
}

/** Whole lines of a sequence item: from its `-` line to its last line. */
function itemLines(ctx: EditContext, rec: AuditRecord): { first: number; last: number } | undefined {
  const layout = itemLayout(ctx, rec);
  if (!layout) return undefined;
  return { first: layout.dashLine, last: Math.min(ctx.lastLineOf(rec.map.span), rec.block.closeLine - 1) };
}

function deleteRecord(ctx: EditContext, { record, references }: IntentOf<'deleteRecord'>): Plan {
  const rec = resolve(ctx, record);
  if (typeof rec === 'string') return { error: rec };
  const blocker = structuralBlocker(ctx, rec.block);
  if (blocker) return { error: blocker };
  const del = deletion(ctx, rec);
  if (typeof del === 'string') return { error: del };
  const expect: Expectation = { type: 'deleteRecord', recordIndex: rec.index, wholeBlock: del.wholeBlock };
  if (references !== 'remove') return { edits: [del.edit], expect };
  const refs = removeReferences(ctx, rec);
  return { edits: [del.edit, ...refs.edits].sort((x, y) => x.span.start - y.span.start), expect: { ...expect, changed: refs.changed } };
}

/** The edit that removes a record: a sequence item's lines, or the whole fenced block. */
function deletion(ctx: EditContext, rec: AuditRecord): { edit: TextEdit; wholeBlock: boolean } | string {
  const block = rec.block;
  if (block.shape === 'sequence' && block.records.length > 1) {
    const lines = itemLines(ctx, rec);
    if (!lines) return `The lines of ${recordName(rec)} could not be located.`;
    return { edit: ctx.edit(ctx.lineStart(lines.first), ctx.lineStart(lines.last + 1), ''), wholeBlock: false };
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
  return { edit: ctx.edit(start, end, ''), wholeBlock: true };
}

function moveRecord(ctx: EditContext, { record, direction }: IntentOf<'moveRecord'>): Plan {
  const rec = resolve(ctx, record);
  if (typeof rec === 'string') return { error: rec };
  const block = rec.block;
  if (block.shape !== 'sequence' || block.records.length < 2) {
    return { error: `${recordName(rec)} is the only record in its \`${block.kind}\` block; records move only within a block, not across blocks.` };
  }
  const i = block.records.indexOf(rec);
  const j = direction === 'up' ? i - 1 : i + 1;
  if (j < 0) return { error: `${recordName(rec)} is already the first record of its block; records move only within a block, not across blocks.` };
  if (j >= block.records.length) return { error: `${recordName(rec)} is already the last record of its block; records move only within a block, not across blocks.` };
  const blocker = structuralBlocker(ctx, block);
  if (blocker) return { error: blocker };
  const a = block.records[Math.min(i, j)]!;
  const b = block.records[Math.max(i, j)]!;
  const la = itemLines(ctx, a);
  const lb = itemLines(ctx, b);
  if (!la || !lb || la.last >= lb.first) return { error: `The lines of ${recordName(rec)} could not be located.` };
  const spanA = { start: ctx.lineStart(la.first), end: ctx.lineEnd(la.last) };
  const spanB = { start: ctx.lineStart(lb.first), end: ctx.lineEnd(lb.last) };
  const textA = ctx.text.slice(spanA.start, spanA.end);
  const textB = ctx.text.slice(spanB.start, spanB.end);
  return {
    edits: [ctx.edit(spanA.start, spanA.end, textB), ctx.edit(spanB.start, spanB.end, textA)],
    expect: { type: 'moveRecord', a: a.index, b: b.index },
  };
}
