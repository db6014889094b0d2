/**
 * The safety net of the edit intents: apply the planned edits to a copy of
 * the text, parse it again, and compare with what the intent promised. Every
 * record other than the edited one must read back unchanged, the edited one
 * exactly as intended, and the parse must not gain problems (PA000–PA002).
 */
import { toPlain, type AuditRecord, type Report } from '../model';
import { parseReport, reparseEdit } from '../parse';
import type { TextEdit } from '../types';
import type { Expectation, Intent } from './intents';
import type { FieldValue } from './serialize';

/** Applies non-overlapping edits (any order) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

type Plain = Record<string, unknown>;

function plainOf(r: AuditRecord): Plain {
  return toPlain(r.map) as Plain;
}

function sig(kind: string, plain: unknown): string {
  return `${kind}\u0000${JSON.stringify(plain)}`;
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
export function verifyIntent(report: Report, intent: Intent, edits: readonly TextEdit[], expect: Expectation): string | undefined {
  for (const e of edits) if (e.span.start < 0 || e.span.start > e.span.end || e.span.end > report.text.length) return 'an edit lies outside the text';
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.span.start < sorted[i - 1]!.span.end) return 'edits overlap';

  const newText = applyEdits(report.text, edits);
  const input = (report.hadBom ? '\ufeff' : '') + newText;
  const inBlock = intent.type === 'setField' || ((intent.type === 'moveRecord' || intent.type === 'addRecord' || intent.type === 'deleteRecord') && !('newBlock' in expect && expect.newBlock) && !('wholeBlock' in expect && expect.wholeBlock));
  const after = (inBlock ? reparseEdit(report, input) : undefined) ?? parseReport(input);

  // no new parse problems
  const before = problemCounts(report);
  for (const [k, n] of problemCounts(after)) if (n > (before.get(k) ?? 0)) return `new problem: ${k}`;
  if (after.headings.length !== report.headings.length) return 'the headings changed';
  if (after.citations.length !== report.citations.length) return 'the citations changed';

  // front matter
  const fmBefore = report.frontMatter?.map ? (toPlain(report.frontMatter.map) as Plain) : undefined;
  const fmAfter = after.frontMatter?.map ? (toPlain(after.frontMatter.map) as Plain) : undefined;
  const fmExpected = expect.type === 'setFrontMatter' && fmBefore ? withField(fmBefore, expect.key, expect.value) : fmBefore;
  if (JSON.stringify(fmExpected) !== JSON.stringify(fmAfter)) return 'the front matter does not read back as intended';

  // records, in order
  const expected = report.records.map((r) => sig(r.kind, plainOf(r)));
  let blocks = report.blocks.length;
  switch (expect.type) {
    case 'setField': {
      const r = report.records[expect.recordIndex];
      if (!r) return 'the record is gone';
      expected[expect.recordIndex] = sig(r.kind, withField(plainOf(r), expect.field, expect.value));
      break;
    }
    case 'addRecord': {
      const plain: Plain = {};
      for (const [k, v] of expect.fields) plain[k] = v;
      expected.splice(expect.position, 0, sig(expect.kind, plain));
      if (expect.newBlock) blocks++;
      break;
    }
    case 'deleteRecord':
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
      break;
  }
  if (after.blocks.length !== blocks) return `expected ${blocks} record blocks, found ${after.blocks.length}`;
  const actual = after.records.map((r) => sig(r.kind, plainOf(r)));
  if (actual.length !== expected.length) return `expected ${expected.length} records, found ${actual.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) return `record #${i} reads ${JSON.stringify(actual[i]!.split('\u0000')[1])}`;
  }
  return undefined;
}
