/** Builders of plain text edits for fixes (any host can apply them). */
import type { AuditRecord, RecordKind, Report, YEntry, YMap, YNode, YSeq } from '../report/model';
import { ID_PREFIX } from '../report/model';
import type { Span, TextEdit } from '../report/types';

export function edit(report: Report, span: Span, newText: string): TextEdit {
  return { span, range: report.lines.range(span), newText };
}

/** The span of a scalar's text inside its quotes (`"CN"` → `CN`), so that a replacement keeps the quoting. */
export function scalarInner(report: Report, n: YNode): Span {
  const q = report.text[n.span.start];
  return n.type === 'scalar' && n.quoted && (q === '"' || q === "'") ? { start: n.span.start + 1, end: Math.max(n.span.start + 1, n.span.end - 1) } : n.span;
}

/** Replace the value of a field (or give a value to `key:` written without one). */
export function replaceValue(report: Report, entry: YEntry, newText: string): TextEdit {
  const v = entry.value;
  const empty = !v || (v.type === 'scalar' && v.value === null && v.span.end === v.span.start);
  if (!empty) return edit(report, v.span, newText);
  // `key:` with no value: write ` value` right after the colon
  const colon = report.text.indexOf(':', entry.keySpan.end);
  const at = colon >= 0 ? colon + 1 : entry.keySpan.end;
  return edit(report, { start: at, end: at }, ` ${newText}`);
}

/** Insert `key: value` as the last field of a record, matching its layout. */
export function insertField(report: Report, record: AuditRecord, key: string, valueText: string): TextEdit {
  const { lines } = report;
  const map = record.map;
  const last = map.entries[map.entries.length - 1];
  if (map.flow || !last) {
    // `{id: F1, to: x}` → insert before the closing brace
    const close = report.text.lastIndexOf('}', map.span.end);
    const at = close > map.span.start ? close : map.span.end;
    return edit(report, { start: at, end: at }, `${map.entries.length ? ', ' : ''}${key}: ${valueText}`);
  }
  const first = map.entries[0]!;
  const firstPos = lines.positionAt(first.keySpan.start);
  const prefix = lines.lineText(firstPos.line).slice(0, firstPos.character).replace(/[^\s>]/g, ' ');
  const endOffset = Math.max(last.span.start, last.span.end - 1);
  let endLine = lines.positionAt(endOffset).line;
  // never insert past the closing fence
  if (record.block.closeLine >= 0) endLine = Math.min(endLine, record.block.closeLine - 1);
  const at = lines.lineEnd(endLine);
  return edit(report, { start: at, end: at }, `${lines.eol}${prefix}${key}: ${valueText}`);
}

/** Stub fields for a new record of each kind. */
const STUB: Record<RecordKind, string[]> = {
  device: ['vendor: ""', 'model: ""', 'build: ""'],
  step: ['action: ""', 'observed: ""', 'evidence: []'],
  flow: ['from: D1', 'to: ""', 'data: []', 'evidence: []'],
  evidence: ['file: ""', 'sha256: ""', 'kind: log', 'captured: ""', 'description: ""'],
  response: ['date: ""', 'party: vendor', 'source: ""', 'statement: ""'],
  retest: ['date: ""', 'verifies: []', 'result: inconclusive', 'evidence: []'],
  finding: ['title: ""', 'severity: medium', 'flows: []', 'evidence: []'],
};

/** Whether the text ends with an empty (or blank) line: read from the end, since a report can ask for 100,000 stubs. */
function endsWithBlankLine(text: string): boolean {
  let i = text.length - 1;
  if (text[i] !== '\n') return false;
  i--;
  if (text[i] === '\r') i--;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i >= 0 && text[i] === '\n';
}

/** Append a new record block with `id` at the end of the report. */
export function appendStub(report: Report, kind: RecordKind, id: string): TextEdit {
  const eol = report.lines.eol;
  const text = report.text;
  const end = text.length;
  // leave exactly one blank line before the new block
  const lead = text.length === 0 || endsWithBlankLine(text) ? '' : text.endsWith('\n') ? eol : eol + eol;
  const body = [`\`\`\`${kind}`, `id: ${id}`, ...STUB[kind], '```'].join(eol);
  return edit(report, { start: end, end }, `${lead}${body}${eol}`);
}

/** The next free id of a kind (`E7` when E1–E6 exist). */
export function nextId(report: Report, kind: RecordKind): string {
  return `${ID_PREFIX[kind]}${nextIdNumber(report, kind)}`;
}

/**
 * The number after the largest id of a kind, exactly (`E999999999999999999999` is followed by
 * `E1000000000000000000000`, not `E1e+21`). Ids that are only named (a reference or citation left
 * by a deleted record) count too: a new record never takes over what they meant.
 */
export function nextIdNumber(report: Report, kind: RecordKind): bigint {
  const prefix = ID_PREFIX[kind];
  let max = 0n;
  const see = (id: string | undefined) => {
    if (id && id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length))) {
      const n = BigInt(id.slice(prefix.length));
      if (n > max) max = n;
    }
  };
  for (const r of report.records) see(r.id);
  for (const r of report.references) see(r.id);
  for (const c of report.citations) see(c.id);
  return max + 1n;
}

/** The last line the text of `span` is on (a block value's range ends with its line break). */
function lastLineOf(report: Report, span: Span): number {
  let e = span.end;
  while (e > span.start && /\s/.test(report.text[e - 1]!)) e--;
  return report.lines.positionAt(Math.max(span.start, e - 1)).line;
}

/** The start of the line after `line`, or the end of the text. */
const nextLineStart = (report: Report, line: number) => report.lines.lineStarts[line + 1] ?? report.text.length;

/** The text before `offset` on its line, when it is a block list item's `- ` (after any indentation or `>`), else undefined. */
function dashPrefix(report: Report, offset: number): string | undefined {
  const start = report.lines.lineStarts[report.lines.positionAt(offset).line]!;
  const before = report.text.slice(start, offset);
  return /^[ \t>]*-[ \t]+$/.test(before) ? before : undefined;
}

/**
 * Adds `item` (as written, e.g. `E3`) at the end of the list that `entry`
 * holds: `[E1]` → `[E1, E3]`, a block list gets a `- E3` line, an empty
 * `key:` gets `[E3]`, a single value `E1` becomes `[E1, E3]`. Undefined when
 * the value cannot simply be extended (a mapping, a block scalar).
 */
export function appendToEntry(report: Report, entry: YEntry, item: string): TextEdit | undefined {
  const v = entry.value;
  if (!v || (v.type === 'scalar' && v.value === null)) return replaceValue(report, entry, `[${item}]`);
  if (v.type === 'scalar') {
    const written = report.text.slice(v.span.start, v.span.end);
    return /^[|>]/.test(written) || /[\r\n]/.test(written) ? undefined : edit(report, v.span, `[${written}, ${item}]`);
  }
  if (v.type !== 'seq') return undefined;
  const last = v.items[v.items.length - 1];
  if (v.flow) {
    if (last) return edit(report, { start: last.span.end, end: last.span.end }, `, ${item}`);
    const close = v.span.end - 1;
    return report.text[close] === ']' ? edit(report, { start: close, end: close }, item) : undefined;
  }
  const prefix = last && dashPrefix(report, last.span.start);
  if (!last || prefix === undefined) return undefined;
  const at = report.lines.lineEnd(lastLineOf(report, last.span));
  return edit(report, { start: at, end: at }, `${report.lines.eol}${prefix}${item}`);
}

/** Adds `item` to the list field `field` of `record`; adds the field (`field: [item]`) when it is absent. */
export function appendToList(report: Report, record: AuditRecord, field: string, item: string): TextEdit | undefined {
  const entry = record.fields.get(field);
  return entry ? appendToEntry(report, entry, item) : insertField(report, record, field, `[${item}]`);
}

/**
 * Removes item `i` of a list: `, E1` (or `E1, ` for the first) in `[…]`, its
 * lines in a block list. Undefined for the only item of a flow list, or an
 * item that does not start its own `- ` line.
 */
export function removeListItem(report: Report, seq: YSeq, i: number): TextEdit | undefined {
  const item = seq.items[i];
  if (!item) return undefined;
  if (seq.flow) {
    if (i > 0) return edit(report, { start: seq.items[i - 1]!.span.end, end: item.span.end }, '');
    const next = seq.items[1];
    return next ? edit(report, { start: item.span.start, end: next.span.start }, '') : undefined;
  }
  if (dashPrefix(report, item.span.start) === undefined) return undefined;
  const first = report.lines.positionAt(item.span.start).line;
  return edit(report, { start: report.lines.lineStarts[first]!, end: nextLineStart(report, lastLineOf(report, item.span)) }, '');
}

/**
 * Removes an entry of a mapping (a record's field, an identifier, a front
 * matter key): its lines in a block mapping, `, key: value` in a flow
 * mapping. Undefined for a mapping's only entry, and for the first field of a
 * list item (it shares the `- ` line).
 */
export function removeEntry(report: Report, map: YMap, entry: YEntry): TextEdit | undefined {
  const i = map.entries.indexOf(entry);
  if (i < 0 || map.entries.length < 2) return undefined;
  if (map.flow) {
    if (i > 0) return edit(report, { start: map.entries[i - 1]!.span.end, end: entry.span.end }, '');
    return edit(report, { start: entry.span.start, end: map.entries[1]!.keySpan.start }, '');
  }
  const first = report.lines.positionAt(entry.keySpan.start).line;
  const start = report.lines.lineStarts[first]!;
  if (!/^[ \t>]*$/.test(report.text.slice(start, entry.keySpan.start))) return undefined;
  return edit(report, { start, end: nextLineStart(report, lastLineOf(report, entry.span)) }, '');
}

/** Adds `item` to the front matter's list `key`; adds `key:` with the item at the end of the front matter when it is absent. */
export function appendToFrontMatter(report: Report, key: string, item: string): TextEdit | undefined {
  const fm = report.frontMatter;
  if (!fm?.closed || !fm.map || fm.map.flow) return undefined;
  const entry = fm.fields.get(key);
  if (entry) return appendToEntry(report, entry, item);
  const at = fm.contentSpan.end;
  const eol = report.lines.eol;
  return edit(report, { start: at, end: at }, `${eol}${key}:${eol}  - ${item}`);
}
