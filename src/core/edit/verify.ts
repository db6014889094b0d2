/**
 * The safety net of the edit intents: apply the planned edits to a copy of
 * the text, parse it again, and compare with what the intent promised. Every
 * record other than the edited one must read back unchanged, the edited one
 * exactly as intended, and the parse must not gain problems (PA000–PA002).
 */
import type { FieldValue, Intent } from '../protocol';
import { toPlain, type AuditRecord, type Report } from '../report/model';
import { parseReport, reparseEdit } from '../report/parse';
import type { TextEdit } from '../report/types';
import { applyEdits } from './apply-edits';
import type { Expectation } from './context';

type Plain = Record<string, unknown>;

function plainOf(r: AuditRecord): Plain {
  return toPlain(r.map) as Plain;
}

function sig(kind: string, plain: unknown): string {
  return `${kind}\u0000${JSON.stringify(plain)}`;
}

/**
 * The keys in a fixed order: where a new field goes is the planner's choice
 * (the schema's order), not part of its meaning. Only the top level: inside a
 * value (a list's mapping items, a device's identifiers) the order is what
 * the intent asked for, and compared as such.
 */
function unordered(plain: Plain | undefined): Plain | undefined {
  return plain && Object.fromEntries(Object.entries(plain).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The plain object after setting `field` (appended when new, removed for null). */
function withField(plain: Plain, field: string, value: FieldValue): Plain {
  const out: Plain = {};
  let seen = false;
  for (const [k, v] of Object.entries(plain)) {
    if (k === field) {
      seen = true;
      if (value !== null) out[k] = value;
    } else out[k] = v;
  }
  if (!seen && value !== null) out[field] = value;
  return out;
}

function problemCounts(r: Report): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of r.problems) {
    const k = `${p.rule} ${p.message}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Returns a description of the first mismatch, or undefined when the edited text reads back as intended. */
export function verifyIntent(report: Report, _intent: Intent, edits: readonly TextEdit[], expect: Expectation): string | undefined {
  for (const e of edits) if (e.span.start < 0 || e.span.start > e.span.end || e.span.end > report.text.length) return 'an edit lies outside the text';
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.span.start < sorted[i - 1]!.span.end) return 'edits overlap';

  const newText = applyEdits(report.text, edits);
  const input = (report.hadBom ? '\ufeff' : '') + newText;
  // edits inside one block are parsed again incrementally; prose, several blocks or the block structure: the whole text
  const oneBlock =
    expect.type === 'setField' ||
    expect.type === 'setFields' ||
    expect.type === 'moveRecord' ||
    (expect.type === 'addRecord' && !expect.newBlock) ||
    (expect.type === 'deleteRecord' && !expect.wholeBlock && !expect.changed?.length);
  const after = (oneBlock ? reparseEdit(report, input) : undefined) ?? parseReport(input);

  // no new parse problems
  const before = problemCounts(report);
  for (const [k, n] of problemCounts(after)) if (n > (before.get(k) ?? 0)) return `new problem: ${k}`;
  // (new prose may have other headings and citations)
  if (expect.type !== 'setProse') {
    if (after.headings.length !== report.headings.length) return 'the headings changed';
    if (after.citations.length !== report.citations.length) return 'the citations changed';
  }

  // front matter
  const fmBefore = report.frontMatter?.map ? (toPlain(report.frontMatter.map) as Plain) : undefined;
  const fmAfter = after.frontMatter?.map ? (toPlain(after.frontMatter.map) as Plain) : undefined;
  if (expect.type === 'setFrontMatter') {
    if (JSON.stringify(unordered(fmBefore && withField(fmBefore, expect.key, expect.value))) !== JSON.stringify(unordered(fmAfter))) return 'the front matter does not read back as intended';
  } else if (JSON.stringify(fmBefore) !== JSON.stringify(fmAfter)) return 'the front matter does not read back as intended';
  if (!report.frontMatter !== !after.frontMatter) return 'the front matter came or went';

  // records, in order; the changed ones whatever the order of their fields
  const expected: { kind: string; plain: Plain; changed?: boolean }[] = report.records.map((r) => ({ kind: r.kind, plain: plainOf(r) }));
  let blocks = report.blocks.length;
  switch (expect.type) {
    case 'setField':
    case 'setFields': {
      const e = expected[expect.recordIndex];
      if (!e) return 'the record is gone';
      const fields: [string, FieldValue][] = expect.type === 'setField' ? [[expect.field, expect.value]] : expect.fields;
      for (const [k, v] of fields) e.plain = withField(e.plain, k, v);
      e.changed = true;
      break;
    }
    case 'addRecord': {
      const plain: Plain = {};
      for (const [k, v] of expect.fields) plain[k] = v;
      expected.splice(expect.position, 0, { kind: expect.kind, plain });
      if (expect.newBlock) blocks++;
      break;
    }
    case 'deleteRecord':
      for (const c of expect.changed ?? []) {
        const e = expected[c.recordIndex];
        if (!e || c.recordIndex === expect.recordIndex) return 'a changed record is gone';
        e.plain = c.plain;
        e.changed = true;
      }
      expected.splice(expect.recordIndex, 1);
      if (expect.wholeBlock) blocks--;
      break;
    case 'moveRecord': {
      const a = expected[expect.a]!;
      expected[expect.a] = expected[expect.b]!;
      expected[expect.b] = a;
      break;
    }
    case 'setFrontMatter':
    case 'setProse':
      break;
  }
  if (after.blocks.length !== blocks) return `expected ${blocks} record blocks, found ${after.blocks.length}`;
  if (after.records.length !== expected.length) return `expected ${expected.length} records, found ${after.records.length}`;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const r = after.records[i]!;
    const order = e.changed ? unordered : (p: Plain) => p;
    if (sig(r.kind, order(plainOf(r))) !== sig(e.kind, order(e.plain))) return `record #${i} reads ${JSON.stringify(plainOf(r))}`;
  }
  return undefined;
}
