/** Builders of plain text edits for fixes (any host can apply them). */
import type { AuditRecord, RecordKind, Report, YEntry } from '../model';
import { ID_PREFIX } from '../model';
import type { Span, TextEdit } from '../types';

export function edit(report: Report, span: Span, newText: string): TextEdit {
  return { span, range: report.lines.range(span), newText };
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

/** Append a new record block with `id` at the end of the report. */
export function appendStub(report: Report, kind: RecordKind, id: string): TextEdit {
  const eol = report.lines.eol;
  const text = report.text;
  const end = text.length;
  // leave exactly one blank line before the new block
  const lead = text.length === 0 || /\n[ \t]*\r?\n$/.test(text) ? '' : /\n$/.test(text) ? eol : eol + eol;
  const body = [`\`\`\`${kind}`, `id: ${id}`, ...STUB[kind], '```'].join(eol);
  return edit(report, { start: end, end }, `${lead}${body}${eol}`);
}

/** The next free id of a kind (`E7` when E1–E6 exist). */
export function nextId(report: Report, kind: RecordKind): string {
  return `${ID_PREFIX[kind]}${nextIdNumber(report, kind)}`;
}

/** The number after the largest id of a kind, exactly (`E999999999999999999999` is followed by `E1000000000000000000000`, not `E1e+21`). */
export function nextIdNumber(report: Report, kind: RecordKind): bigint {
  const prefix = ID_PREFIX[kind];
  let max = 0n;
  for (const r of report.records) {
    if (r.id && r.id.startsWith(prefix) && /^\d+$/.test(r.id.slice(prefix.length))) {
      const n = BigInt(r.id.slice(prefix.length));
      if (n > max) max = n;
    }
  }
  return max + 1n;
}
