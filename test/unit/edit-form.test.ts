/**
 * The structured editor's form intents (src/core/edit): several fields at
 * once (setFields), prose segments (setProse), deleting a record together
 * with the references to it (deleteRecord `references: 'remove'`,
 * referencesTo, citationsOf), new fields in the schema's order, and the
 * device identifiers / comma-list bug. Every case asserts the exact text
 * after the edit; a fast-check property runs random intents of these kinds
 * (and changes of the front matter's auditors, a list of names and mappings)
 * on the example and checks that nothing else changes. Lists of mappings:
 * edit-lists.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyIntent, type FieldValue, type Intent, type IntentResult } from '../../src/core/edit';
import { citationsOf, referencesTo } from '../../src/core/edit/intents';
import { proseSpans } from '../../src/core/edit/prose';
import { verifyIntent } from '../../src/core/edit/verify';
import { toPlain, type AuditRecord, type Report, type YEntry, type YNode } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import { reportSkeleton } from '../../src/core/features/skeleton';
import type { TextEdit } from '../../src/core/report/types';
import { proseSegments } from '../../src/core/edit/viewmodel';
import { applyEdits } from '../support/edits';

const EXAMPLE = readFileSync(path.join(__dirname, '../../examples/xiaomi-redmi-1s/redmi-1s.audit.md'), 'utf8');
const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';
const HASH = '9366ec9874a6fdce47e81c11a0940dffeb0764dd1452595af54c11e0c012caf9';

// ---------------------------------------------------------------- helpers

/** The result of an intent, which must be edits or an error as asked (else the test fails and shows the other). */
function outcome<K extends 'edits' | 'error'>(report: Report, intent: Intent, kind: K): Extract<IntentResult, Record<K, unknown>> {
  const res = applyIntent(report, intent);
  if (!(kind in res)) assert.fail(`expected ${kind === 'edits' ? 'edits' : 'an error'} for ${JSON.stringify(intent)}, got ${JSON.stringify(res)}`);
  return res as Extract<IntentResult, Record<K, unknown>>;
}
const ok = (report: Report, intent: Intent): TextEdit[] => outcome(report, intent, 'edits').edits;
const err = (report: Report, intent: Intent): string => outcome(report, intent, 'error').error;

/** Applies an intent to a text: the new text, its parse and the edits (checked: ascending, not overlapping). */
function run(text: string, intent: Intent): { text: string; report: Report; before: Report; edits: TextEdit[] } {
  const before = parseReport(text);
  const edits = ok(before, intent);
  for (let i = 1; i < edits.length; i++) assert.ok(edits[i]!.span.start >= edits[i - 1]!.span.end, 'edits ascending and apart');
  const out = applyEdits(text, edits);
  return { text: out, report: parseReport(out), before, edits };
}

/** The parse problems (PA000–PA002) of `after` that `before` did not have, as `rule message`, counted. */
function newProblems(before: Report, after: Report): string[] {
  const left = new Map<string, number>();
  const key = (p: Report['problems'][number]) => `${p.rule} ${p.message}`;
  for (const p of before.problems) left.set(key(p), (left.get(key(p)) ?? 0) + 1);
  const out: string[] = [];
  for (const p of after.problems) {
    const n = left.get(key(p)) ?? 0;
    if (n > 0) left.set(key(p), n - 1);
    else out.push(key(p));
  }
  return out;
}

function noNewProblems(before: Report, after: Report): void {
  assert.deepEqual(newProblems(before, after), []);
}

function rec(r: Report, id: string): AuditRecord {
  return r.byId.get(id) ?? assert.fail(`no record ${id}`);
}

function plain(r: Report, id: string): Record<string, unknown> {
  return toPlain(rec(r, id).map) as Record<string, unknown>;
}

/** The text of a record (from its first key to the end of its last value). */
function recordText(r: Report, x: AuditRecord): string {
  return r.text.slice(x.map.span.start, x.map.span.end).trimEnd();
}

/** The text of a field: its key, the value and anything between them. */
function entryText(r: Report, e: YEntry): string {
  return r.text.slice(e.keySpan.start, e.value ? e.value.span.end : e.keySpan.end).trimEnd();
}

/** Lines of the example from the one equal to `first`, `n` of them. */
function linesFrom(text: string, first: string, n: number): string[] {
  const lines = text.split('\n');
  const i = lines.indexOf(first);
  assert.ok(i >= 0, first);
  return lines.slice(i, i + n);
}

const crlf = (s: string) => s.replace(/\n/g, '\r\n');

// ---------------------------------------------------------------- setFields

describe('setFields', () => {
  const EVIDENCE = `${FM}\n\`\`\`evidence\n- id: E1\n  kind: pcap # the capture\n  description: "x"\n- id: E2\n  url: http://a\n\`\`\`\n`;

  test('an evidence record in a sequence block: file, sha256 and captured in one edit, each where the schema puts it', () => {
    const { text, report, before, edits } = run(EVIDENCE, { type: 'setFields', record: { id: 'E1' }, fields: { file: 'a.pcap', sha256: HASH, captured: '2014-08-06T09:30:00Z' } });
    assert.equal(edits.length, 1);
    assert.equal(
      text,
      `${FM}\n\`\`\`evidence\n- id: E1\n  file: a.pcap\n  sha256: ${HASH}\n  kind: pcap # the capture\n  captured: 2014-08-06T09:30:00Z\n  description: "x"\n- id: E2\n  url: http://a\n\`\`\`\n`,
    );
    assert.deepEqual(plain(report, 'E1'), { id: 'E1', file: 'a.pcap', sha256: HASH, kind: 'pcap', captured: '2014-08-06T09:30:00Z', description: 'x' });
    noNewProblems(before, report);
  });

  test('values replaced, added and removed together; a sha256 of digits stays a string', () => {
    const { text, report } = run(EVIDENCE, { type: 'setFields', record: { id: 'E2' }, fields: { url: null, file: 'b.log', sha256: '0123456789', kind: 'log', description: 'x' } });
    assert.equal(text, `${FM}\n\`\`\`evidence\n- id: E1\n  kind: pcap # the capture\n  description: "x"\n- id: E2\n  file: b.log\n  sha256: "0123456789"\n  kind: log\n  description: x\n\`\`\`\n`);
    assert.equal(plain(report, 'E2').sha256, '0123456789');
    // the existing value keeps its quoting
    const b = run(EVIDENCE, { type: 'setFields', record: { id: 'E1' }, fields: { description: 'y', kind: 'log' } });
    assert.equal(b.text, EVIDENCE.replace('kind: pcap #', 'kind: log #').replace('description: "x"', 'description: "y"'));
    assert.equal(b.edits.length, 1);
  });

  test('a single-mapping block in a CRLF file keeps CRLF; the example E10', () => {
    const src = crlf(`${FM}\n\`\`\`device\nid: D1\nmodel: X # old\nnotes: n\n\`\`\`\n`);
    const { text, report, before } = run(src, { type: 'setFields', record: { id: 'D1' }, fields: { vendor: 'V', identifiers: { IMEI: '356938035643809' }, notes: null, model: 'Y' } });
    assert.equal(text, crlf(`${FM}\n\`\`\`device\nid: D1\nvendor: V\nmodel: Y # old\nidentifiers: {IMEI: "356938035643809"}\n\`\`\`\n`));
    assert.deepEqual(plain(report, 'D1'), { id: 'D1', vendor: 'V', model: 'Y', identifiers: { IMEI: '356938035643809' } });
    noNewProblems(before, report);

    const ex = run(EXAMPLE, { type: 'setFields', record: { id: 'E10' }, fields: { file: 'evidence/blog.html', sha256: HASH, url: null } });
    assert.deepEqual(linesFrom(ex.text, '- id: E10', 6), ['- id: E10', '  file: evidence/blog.html', `  sha256: ${HASH}`, '  kind: web', '  captured: 2014-10-23T11:00:00Z', "  description: F-Secure's Japanese blog, post on the retest after Xiaomi's OTA update (in Japanese)."]);
    assert.equal(ex.text.replace(/\n {2}file: evidence\/blog.html\n {2}sha256: [0-9a-f]+/, '\n  url: http://blog.f-secure.jp/archives/50732861.html'), EXAMPLE);
  });

  test('a record written as a flow mapping', () => {
    const src = `${FM}\n\`\`\`flow\n- {id: F1, to: x}\n- { id: F2 }\n\`\`\`\n`;
    const a = run(src, { type: 'setFields', record: { id: 'F1' }, fields: { from: 'D1', port: 443, notes: 'two\nlines', to: null } });
    assert.equal(a.text, `${FM}\n\`\`\`flow\n- {id: F1, from: D1, port: 443, notes: "two\\nlines"}\n- { id: F2 }\n\`\`\`\n`);
    assert.deepEqual(plain(a.report, 'F1'), { id: 'F1', from: 'D1', port: 443, notes: 'two\nlines' });
    const b = run(src, { type: 'setFields', record: { id: 'F2' }, fields: { data: ['IMEI', 'a, b'], to: 'y' } });
    assert.equal(b.text, `${FM}\n\`\`\`flow\n- {id: F1, to: x}\n- { id: F2, to: y, data: [IMEI, "a, b"] }\n\`\`\`\n`);
  });

  test('a device’s identifiers merged entry by entry, with other fields', () => {
    const { text } = run(EXAMPLE, { type: 'setFields', record: { id: 'D1' }, fields: { identifiers: { IMEI: '869999012345677', 'phone number': '+12025550199' }, model: 'Redmi 1S (2014)' } });
    assert.deepEqual(linesFrom(text, 'id: D1', 9), [
      'id: D1',
      'vendor: Xiaomi',
      'model: Redmi 1S (2014)',
      'os: "MIUI V5 (Android 4.x)"',
      'build: "MIUI V5 JHCCNBF (pre-2014-08-10)"',
      'identifiers:',
      '  IMEI: "869999012345677"',
      '  phone number: "+12025550199"',
      'notes: >-',
    ]);
  });

  test('fields sent as they read keep their text (the form sends the whole record)', () => {
    const v1 = parseReport(EXAMPLE).byId.get('V1')!;
    const fields = { ...(toPlain(v1.map) as Record<string, FieldValue>), verdict: 'supported' };
    const { text, edits } = run(EXAMPLE, { type: 'setFields', record: { id: 'V1' }, fields });
    const at = EXAMPLE.indexOf('  verdict: mixed', EXAMPLE.indexOf('- id: V1'));
    assert.equal(text, `${EXAMPLE.slice(0, at)}  verdict: supported${EXAMPLE.slice(at + '  verdict: mixed'.length)}`);
    assert.equal(edits.length, 1);
  });

  test('nothing to change: no edit; a removal of a missing field: no edit', () => {
    const r = parseReport(EVIDENCE);
    assert.deepEqual(ok(r, { type: 'setFields', record: { id: 'E1' }, fields: {} }), []);
    assert.deepEqual(ok(r, { type: 'setFields', record: { id: 'E1' }, fields: { notes: null, kind: 'pcap' } }), []);
  });

  test('errors: unknown record, bad name, bad value, id in use, every field removed, not an object', () => {
    const r = parseReport(EVIDENCE);
    assert.match(err(r, { type: 'setFields', record: { id: 'E9' }, fields: { kind: 'log' } }), /No record has the id "E9"/);
    assert.match(err(r, { type: 'setFields', record: { id: 'E1' }, fields: { kind: 'log', 'a b': 'x' } }), /"a b" is not a valid field name/);
    assert.match(err(r, { type: 'setFields', record: { id: 'E1' }, fields: { kind: 'log', tool: Number.NaN } }), /^tool: A number value must be finite/);
    assert.match(err(r, { type: 'setFields', record: { id: 'E1' }, fields: { id: 'E2', kind: 'log' } }), /The id E2 is already used/);
    assert.match(err(r, { type: 'setFields', record: { id: 'E2' }, fields: { id: null, url: null } }), /only field of E2; delete the record instead/);
    assert.match(err(r, { type: 'setFields', record: { id: 'E1' }, fields: ['kind'] as unknown as Record<string, FieldValue> }), /fields must be an object/);
    // an id renamed together with other fields
    const b = run(EVIDENCE, { type: 'setFields', record: { id: 'E2' }, fields: { id: 'E7', url: null, file: 'x' } });
    assert.equal(b.text, EVIDENCE.replace('- id: E2\n  url: http://a', '- id: E7\n  file: x'));
  });

  test('the check: a setFields result that reads back otherwise is refused', () => {
    const r = parseReport(EVIDENCE);
    const e1 = rec(r, 'E1');
    const at = EVIDENCE.indexOf('kind: pcap') + 'kind: '.length;
    const wrong: TextEdit = { span: { start: at, end: at + 4 }, newText: 'log', range: r.lines.range({ start: at, end: at + 4 }) };
    const intent: Intent = { type: 'setFields', record: { id: 'E1' }, fields: { kind: 'har' } };
    assert.match(verifyIntent(r, intent, [wrong], { type: 'setFields', recordIndex: e1.index, fields: [['kind', 'har']] }) ?? '', /record #0 reads/);
    assert.equal(verifyIntent(r, intent, [{ ...wrong, newText: 'har' }], { type: 'setFields', recordIndex: e1.index, fields: [['kind', 'har']] }), undefined);
  });
});

// ---------------------------------------------------------------- schema order

describe('a new field goes where the schema orders it', () => {
  test('after the last field that comes before it; unknown fields at the end', () => {
    const src = `${FM}\n\`\`\`flow\n- id: F1\n  to: x\n  # the port seen\n  port: 80\n  notes: n\n\`\`\`\n`;
    const a = run(src, { type: 'setField', record: { id: 'F1' }, field: 'country', value: 'CN' });
    assert.equal(a.text, src.replace('  port: 80\n', '  port: 80\n  country: CN\n'));
    const b = run(src, { type: 'setField', record: { id: 'F1' }, field: 'from', value: 'D1' });
    assert.equal(b.text, src.replace('- id: F1\n', '- id: F1\n  from: D1\n'));
    const c = run(src, { type: 'setField', record: { id: 'F1' }, field: 'x-extra', value: 1 });
    assert.equal(c.text, src.replace('  notes: n\n', '  notes: n\n  x-extra: 1\n'));
    // a multi-line value of the field before it
    const d = run(a.text, { type: 'setField', record: { id: 'F1' }, field: 'address', value: 'two\nlines' });
    assert.equal(d.text, a.text.replace('  to: x\n', '  to: x\n  address: |-\n    two\n    lines\n'));
  });

  test('in the example: a retest’s observed goes after result, not at the end', () => {
    const { text } = run(EXAMPLE, { type: 'setField', record: { id: 'R1' }, field: 'observed', value: 'nothing' });
    assert.equal(text, EXAMPLE.replace('result: partially-fixed\n', 'result: partially-fixed\nobserved: nothing\n'));
  });

  test('no field before it: before the first field after it, but after a first field on the `- ` line', () => {
    const mapping = `${FM}\n\`\`\`flow\nto: x # host\nport: 1\n\`\`\`\n`;
    assert.equal(run(mapping, { type: 'setField', record: { index: 0 }, field: 'id', value: 'F1' }).text, mapping.replace('to: x', 'id: F1\nto: x'));
    assert.equal(run(mapping, { type: 'setField', record: { index: 0 }, field: 'from', value: 'D1' }).text, mapping.replace('to: x', 'from: D1\nto: x'));
    const item = `${FM}\n\`\`\`flow\n- to: x\n  port: 1\n- id: F2\n\`\`\`\n`;
    assert.equal(run(item, { type: 'setField', record: { index: 0 }, field: 'from', value: 'D1' }).text, item.replace('- to: x\n', '- to: x\n  from: D1\n'));
    const flow = `${FM}\n\`\`\`flow\n- {to: x, port: 1}\n\`\`\`\n`;
    assert.equal(run(flow, { type: 'setField', record: { index: 0 }, field: 'from', value: 'D1' }).text, flow.replace('{to: x', '{from: D1, to: x'));
    // in a block quote, with its prefix
    const quoted = `${FM}\n> \`\`\`flow\n> to: x\n> port: 1\n> \`\`\`\n`;
    assert.equal(run(quoted, { type: 'setField', record: { index: 0 }, field: 'from', value: 'D1' }).text, quoted.replace('> to: x', '> from: D1\n> to: x'));
  });

  test('the front matter: FRONT_MATTER_FIELDS order; never before a leading id', () => {
    const a = run(EXAMPLE, { type: 'setFrontMatter', key: 'categories', value: ['x'] });
    assert.equal(a.text, EXAMPLE.replace('  - "+12025550177"\n---', '  - "+12025550177"\ncategories: [x]\n---'));
    const src = `---\nid: T\ntitle: T # t\ndate: 2014-10-24\n---\n\nText.\n`;
    assert.equal(run(src, { type: 'setFrontMatter', key: 'status', value: 'draft' }).text, src.replace('title: T # t\n', 'title: T # t\nstatus: draft\n'));
    assert.equal(run(src, { type: 'setFrontMatter', key: 'audit-format', value: 1 }).text, src.replace('id: T\n', 'id: T\naudit-format: 1\n'));
    assert.equal(run(src, { type: 'setFrontMatter', key: 'x-key', value: 'v' }).text, src.replace('date: 2014-10-24\n', 'date: 2014-10-24\nx-key: v\n'));
    const noId = `---\ntitle: T\n---\n`;
    assert.equal(run(noId, { type: 'setFrontMatter', key: 'audit-format', value: 1 }).text, `---\naudit-format: 1\ntitle: T\n---\n`);
  });

  test('CRLF', () => {
    const src = crlf(`${FM}\n\`\`\`flow\n- id: F1\n  to: x\n  notes: n\n\`\`\`\n`);
    assert.equal(run(src, { type: 'setField', record: { id: 'F1' }, field: 'port', value: [80, 443] }).text, src.replace('  to: x\r\n', '  to: x\r\n  port: [80, 443]\r\n'));
  });
});

// ---------------------------------------------------------------- identifiers {} and lists with commas

describe('device identifiers written as {} and list items with commas (reported bug)', () => {
  const SKELETON = reportSkeleton({ id: 'T-1', title: 'T', date: '2024-05-01', auditor: 'A' });

  test('the skeleton’s `identifiers: {}` takes a first identifier, and can be removed', () => {
    assert.ok(SKELETON.includes('build: ""\nidentifiers: {}\n```'));
    const a = run(SKELETON, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '356938035643809' } });
    assert.equal(a.text, SKELETON.replace('identifiers: {}', 'identifiers: {IMEI: "356938035643809"}'));
    assert.deepEqual(plain(a.report, 'D1').identifiers, { IMEI: '356938035643809' });
    noNewProblems(a.before, a.report);
    // and a second one, on the line written above
    const b = run(a.text, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '356938035643809', IMSI: '001010000012345' } });
    assert.equal(b.text, SKELETON.replace('identifiers: {}', 'identifiers: {IMEI: "356938035643809", IMSI: "001010000012345"}'));
    const c = run(SKELETON, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: null });
    assert.equal(c.text, SKELETON.replace('identifiers: {}\n', ''));
    assert.equal(rec(c.report, 'D1').fields.has('identifiers'), false);
    // {} again is no change
    assert.deepEqual(ok(parseReport(SKELETON), { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: {} }), []);
    // through setFields, as the form sends it with other fields
    const d = run(SKELETON, { type: 'setFields', record: { id: 'D1' }, fields: { vendor: 'Xiaomi', identifiers: { IMEI: '356938035643809' } } });
    assert.equal(d.text, SKELETON.replace('vendor: ""', 'vendor: "Xiaomi"').replace('identifiers: {}', 'identifiers: {IMEI: "356938035643809"}'));
  });

  test('`identifiers: {}` in CRLF, in a flow-mapping record and written `identifiers:`', () => {
    const s = crlf(SKELETON);
    const a = run(s, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '356938035643809' } });
    assert.equal(a.text, s.replace('identifiers: {}', 'identifiers: {IMEI: "356938035643809"}'));
    assert.equal(run(s, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: null }).text, s.replace('identifiers: {}\r\n', ''));
    const flow = `${FM}\n\`\`\`device\n- {id: D1, identifiers: {}, vendor: X}\n\`\`\`\n`;
    assert.equal(run(flow, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '356938035643809' } }).text, flow.replace('{}', '{IMEI: "356938035643809"}'));
    assert.equal(run(flow, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: null }).text, flow.replace(' identifiers: {},', ''));
    const empty = `${FM}\n\`\`\`device\nid: D1\nidentifiers:\nvendor: X\n\`\`\`\n`;
    assert.equal(run(empty, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '356938035643809' } }).text, empty.replace('identifiers:', 'identifiers: {IMEI: "356938035643809"}'));
  });

  test('list items with commas read back as exactly those items', () => {
    const claims = ['MIUI only requests public, non-personal data', 'Xiaomi apologised'];
    // a block list (V2's claims)
    const a = run(EXAMPLE, { type: 'setField', record: { id: 'V2' }, field: 'claims', value: claims });
    assert.equal(a.text, EXAMPLE.replace('    - the cloud service is now opt-in\n', '    - MIUI only requests public, non-personal data\n    - Xiaomi apologised\n'));
    assert.deepEqual(plain(a.report, 'V2').claims, claims);
    // a flow list, and a new field
    const src = `${FM}\n\`\`\`response\n- id: V1\n  claims: [a]\n- id: V2\n  verdict: mixed\n\`\`\`\n`;
    const b = run(src, { type: 'setField', record: { id: 'V1' }, field: 'claims', value: claims });
    assert.equal(b.text, src.replace('claims: [a]', 'claims: ["MIUI only requests public, non-personal data", Xiaomi apologised]'));
    assert.deepEqual(plain(b.report, 'V1').claims, claims);
    const c = run(src, { type: 'setFields', record: { id: 'V2' }, fields: { claims } });
    assert.equal(c.text, src.replace('- id: V2\n', '- id: V2\n  claims: ["MIUI only requests public, non-personal data", Xiaomi apologised]\n'));
    assert.deepEqual(plain(c.report, 'V2').claims, claims);
  });
});

// ---------------------------------------------------------------- setProse

describe('setProse', () => {
  const example = parseReport(EXAMPLE);
  const segments = proseSegments(example);
  const seg = (startsWith: string) => {
    const s = segments.find((x) => x.text.startsWith(startsWith));
    assert.ok(s, startsWith);
    return s;
  };

  test('proseSpans gives the segments of proseSegments', () => {
    for (const text of [EXAMPLE, crlf(EXAMPLE), `${FM}\n\`\`\`step\nid: S1\n\`\`\`\n`, 'No front matter.\n\n```step\nid: S1\n```\n\nAfter.', '  \n']) {
      const r = parseReport(text);
      assert.deepEqual(proseSpans(r).map(({ line, text: t }) => ({ line, text: t })), proseSegments(r));
      for (const s of proseSpans(r)) assert.equal(r.text.slice(s.start, s.start + s.text.length), s.text);
    }
  });

  test('only the changed characters are replaced', () => {
    const s = seg('The test followed');
    const { text, edits, report } = run(EXAMPLE, { type: 'setProse', line: s.line, old: s.text, text: s.text.replace('public account', 'published account') });
    assert.equal(text, EXAMPLE.replace('The test followed the sequence of the public account.', 'The test followed the sequence of the published account.'));
    assert.equal(edits.length, 1);
    // public → published: the `c` becomes `shed`
    assert.equal(edits[0]!.newText, 'shed');
    assert.equal(edits[0]!.span.end - edits[0]!.span.start, 1);
    assert.equal(report.records.length, example.records.length);
  });

  test('headings and citations may change; line breaks become the document’s; surrounding whitespace is dropped', () => {
    const s = seg('## Conclusion');
    const next = '## Conclusions\n\nShort [@E1] [@E4#frame=57].\n';
    const a = run(EXAMPLE, { type: 'setProse', line: s.line, old: s.text, text: next });
    assert.equal(a.text, EXAMPLE.replace(s.text, next.trim()));
    assert.equal(a.report.citations.length, example.citations.length + 2);
    assert.equal(a.report.headings.find((h) => h.line === s.line)?.text, 'Conclusions');
    const c = crlf(EXAMPLE);
    const cr = parseReport(c);
    const cs = proseSegments(cr).find((x) => x.text.startsWith('## Conclusion'))!;
    const b = run(c, { type: 'setProse', line: cs.line, old: cs.text, text: `\n\n${next}\n` });
    assert.equal(b.text, crlf(a.text));
  });

  test('an empty text removes the segment’s text; the blank lines around it stay', () => {
    const src = `${FM}\nIntro.\n\n\`\`\`step\nid: S1\n\`\`\`\n\nMiddle\ntext.\n\n\`\`\`flow\nid: F1\n\`\`\`\n`;
    const r = parseReport(src);
    const middle = proseSegments(r)[1]!;
    assert.deepEqual(middle, { line: 15, text: 'Middle\ntext.' });
    const { text, report } = run(src, { type: 'setProse', line: middle.line, old: middle.text, text: '' });
    assert.equal(text, `${FM}\nIntro.\n\n\`\`\`step\nid: S1\n\`\`\`\n\n\n\n\`\`\`flow\nid: F1\n\`\`\`\n`);
    assert.equal(report.records.length, 2);
  });

  test('code fences of another language are fine when closed', () => {
    const s = seg('V5\'s verdict');
    const next = `${s.text}\n\n\`\`\`js\nconst x = 1;\n\`\`\`\n\n~~~\nplain\n~~~`;
    const a = run(EXAMPLE, { type: 'setProse', line: s.line, old: s.text, text: next });
    assert.equal(a.text, EXAMPLE.replace(s.text, next));
    // and removed again
    const r = parseReport(a.text);
    const back = proseSegments(r).find((x) => x.line === s.line)!;
    assert.equal(run(a.text, { type: 'setProse', line: back.line, old: back.text, text: s.text }).text, EXAMPLE);
  });

  test('refused: a record block, a front matter, a fence left open or swallowing a block', () => {
    const s = seg('The test followed');
    const last = seg('## Conclusion');
    const e = (text: string, at = s) => err(example, { type: 'setProse', line: at.line, old: at.text, text });
    assert.match(e(`${s.text}\n\n\`\`\`flow\nid: F9\n\`\`\``), /would add a record block/);
    assert.match(e(`${s.text}\n\n~~~~ finding\nid: FN9\n~~~~`), /would add a record block/);
    assert.match(e(`${s.text}\n\n\`\`\`js\nnot closed`), /would remove a record block, or make Markdown read it as something else/);
    assert.match(e(`${last.text}\n\n\`\`\`js\nnot closed`, last), /would leave a code fence \(``` or ~~~\) open/);
    const noFm = 'Intro.\n\n```step\nid: S1\n```\n';
    const r = parseReport(noFm);
    assert.match(err(r, { type: 'setProse', line: 0, old: 'Intro.', text: '---\nid: X\n---' }), /would start a front matter/);
    // a fence inside the prose that loses its closing line
    const fenced = `${FM}\n\`\`\`js\ncode\n\`\`\`\n\nEnd.\n`;
    const fr = parseReport(fenced);
    const fs = proseSegments(fr)[0]!;
    assert.match(err(fr, { type: 'setProse', line: fs.line, old: fs.text, text: '```js\ncode\n\nEnd.' }), /leave a code fence/);
    assert.equal(run(fenced, { type: 'setProse', line: fs.line, old: fs.text, text: '~~~js\ncode\n~~~\n\nEnd.' }).text, `${FM}\n~~~js\ncode\n~~~\n\nEnd.\n`);
  });

  test('refused: the text changed meanwhile, bad input; a part that moved is found by its text', () => {
    const s = seg('The test followed');
    assert.match(err(example, { type: 'setProse', line: s.line, old: `${s.text} `, text: 'x' }), /^The text changed meanwhile/);
    // an edit above the part (another part, a record) moved it since the form saw it: its text still finds it
    const moved = run(EXAMPLE, { type: 'setProse', line: s.line + 7, old: s.text, text: 'Moved, then edited.' });
    assert.ok(moved.text.includes('\nMoved, then edited.\n') && !moved.text.includes('The test followed'));
    assert.match(err(example, { type: 'setProse', line: -1, old: s.text, text: 'x' }), /needs a line number/);
    assert.match(err(example, { type: 'setProse', line: s.line, old: s.text, text: 5 as unknown as string }), /needs a line number/);
    // no change: no edit
    assert.deepEqual(ok(example, { type: 'setProse', line: s.line, old: s.text, text: s.text }), []);
  });
});

// ---------------------------------------------------------------- deleteRecord with references

describe('deleteRecord with references: remove', () => {
  const REFS = `${FM}
Cited [@E1] and [@E1#frame=2].

\`\`\`evidence
- id: E1
  kind: log
- id: E2
  kind: log
\`\`\`

\`\`\`step
- id: S1
  evidence: [E1, E2#frame=3, "E1#frame=4"]
- id: S2
  evidence:
    - E1#frame=9 # the first
    - E2
- {id: S3, evidence: [E1]}
- evidence: [E1]
- id: S4
  evidence: E1 # one
  action: a
\`\`\`

\`\`\`response
id: V1
source: E1
evidence: [E2, E1]
\`\`\`
`;
  // each change named: the record, list items, a field whose list empties, a scalar field; `- evidence: [E1]` (an only field) and the citations stay
  const AFTER = REFS.replace('- id: E1\n  kind: log\n', '')
    .replace('evidence: [E1, E2#frame=3, "E1#frame=4"]', 'evidence: [E2#frame=3]')
    .replace('    - E1#frame=9 # the first\n', '')
    .replace('{id: S3, evidence: [E1]}', '{id: S3}')
    .replace('  evidence: E1 # one\n', '')
    .replace('source: E1\n', '')
    .replace('evidence: [E2, E1]', 'evidence: [E2]');

  test('referencesTo and citationsOf', () => {
    const r = parseReport(REFS);
    const named = (id: string) => referencesTo(r, id).map((x) => `${x.record.id ?? `#${x.record.index}`} ${x.field}`);
    assert.deepEqual(named('E1'), ['S1 evidence', 'S2 evidence', 'S3 evidence', '#5 evidence', 'S4 evidence', 'V1 source', 'V1 evidence']);
    assert.deepEqual(named('E2'), ['S1 evidence', 'S2 evidence', 'V1 evidence']);
    assert.deepEqual(named('S1'), []);
    assert.equal(citationsOf(r, 'E1'), 2);
    assert.equal(citationsOf(r, 'E2'), 0);
    const ex = parseReport(EXAMPLE);
    assert.deepEqual(referencesTo(ex, 'F1').map((x) => `${x.record.id} ${x.field}`), ['V1 addresses', 'R1 flows', 'FN1 flows', 'FN4 flows']);
    assert.equal(citationsOf(ex, 'E2'), 4);
    assert.equal(citationsOf(ex, 'F1'), 0);
  });

  test('list items (with or without a locator, quoted, flow or block) go; a scalar or an emptied list loses its field; an only field stays; citations stay', () => {
    const { text, report, before, edits } = run(REFS, { type: 'deleteRecord', record: { id: 'E1' }, references: 'remove' });
    assert.equal(text, AFTER);
    // one edit for the deletion, one per changed record
    assert.equal(edits.length, 6);
    assert.equal(report.citations.length, 2);
    noNewProblems(before, report);
    // keep: only the record goes
    const keep = run(REFS, { type: 'deleteRecord', record: { id: 'E1' }, references: 'keep' });
    assert.equal(keep.text, REFS.replace('- id: E1\n  kind: log\n', ''));
    assert.equal(run(REFS, { type: 'deleteRecord', record: { id: 'E1' } }).text, keep.text);
  });

  test('CRLF', () => {
    assert.equal(run(crlf(REFS), { type: 'deleteRecord', record: { id: 'E1' }, references: 'remove' }).text, crlf(AFTER));
  });

  test('the example: F1 out of a response, a retest and two findings', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'deleteRecord', record: { id: 'F1' }, references: 'remove' });
    const f1 = EXAMPLE.slice(EXAMPLE.indexOf('- id: F1\n'), EXAMPLE.indexOf('- id: F2\n'));
    const expected = EXAMPLE.replace(f1, '')
      .replace('  addresses: [F1, F2, F3, F4]\n', '  addresses: [F2, F3, F4]\n')
      .replace('\nflows: [F1, F2, F3, F4]\n', '\nflows: [F2, F3, F4]\n')
      .replace('  flows: [F1, F2, F3]\n', '  flows: [F2, F3]\n')
      .replace('  flows: [F1, F2, F3, F4]\n', '  flows: [F2, F3, F4]\n');
    assert.equal(text, expected);
    assert.equal(report.references.filter((x) => x.id === 'F1').length, 0);
    noNewProblems(before, report);
  });

  test('the example: a whole device block, and `device:` and `from:` fields', () => {
    const { text, report } = run(EXAMPLE, { type: 'deleteRecord', record: { id: 'D1' }, references: 'remove' });
    const block = EXAMPLE.slice(EXAMPLE.indexOf('```device\n'), EXAMPLE.indexOf('The test followed'));
    assert.equal(text, EXAMPLE.replace(block, '').replaceAll('  device: D1\n', '').replaceAll('  from: D1\n', ''));
    assert.equal(report.references.filter((x) => x.id === 'D1').length, 0);
  });

  test('an id defined twice: the references still name the other record and stay', () => {
    const src = `${FM}\n\`\`\`evidence\n- id: E1\n- id: E1\n  kind: log\n\`\`\`\n\n\`\`\`step\nid: S1\nevidence: [E1]\n\`\`\`\n`;
    assert.equal(run(src, { type: 'deleteRecord', record: { index: 0 }, references: 'remove' }).text, src.replace('- id: E1\n- id: E1', '- id: E1'));
  });

  test('errors', () => {
    const r = parseReport(REFS);
    assert.match(err(r, { type: 'deleteRecord', record: { id: 'E1' }, references: 'all' as never }), /references must be "keep" or "remove"/);
    assert.match(err(r, { type: 'deleteRecord', record: { id: 'E9' }, references: 'remove' }), /No record has the id "E9"/);
  });
});

// ---------------------------------------------------------------- property

describe('property: random form intents on the example', () => {
  const names = ['id', 'to', 'from', 'port', 'notes', 'data', 'claims', 'evidence', 'file', 'sha256', 'captured', 'kind', 'identifiers', 'description', 'x-extra'];
  const str = fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom('a, b', 'x: y', '# c', '```', '---', 'two\nlines', '"q"', '', '0123', 'E1#frame=3', '[@E1]'),
  );
  // (plain objects, as JSON.parse gives them: fast-check's dictionaries have no prototype)
  const person = fc.dictionary(fc.constantFrom('name', 'org', 'contact', 'x key'), str, { maxKeys: 3 }).map((d): Record<string, string> => ({ ...d }));
  const item = fc.oneof({ weight: 1, arbitrary: str }, { weight: 2, arbitrary: person });
  const value: fc.Arbitrary<FieldValue> = fc.oneof(
    { weight: 4, arbitrary: str },
    { weight: 2, arbitrary: fc.array(str, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('IMEI', 'IMSI', 'phone number'), fc.string({ maxLength: 6 }), { maxKeys: 2 }).map((d) => ({ ...d })) },
    { weight: 1, arbitrary: fc.array(item, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 2, arbitrary: fc.constant(null) },
  );
  const pieces = fc.constantFrom('a', ' ', '\n', '\n\n', '```', '```flow\nid: F9\n```', '~~~', '---', '# H', '[@E1]', '- ', '> ', '    ', '|', '\r\n', 'é', '```js\nx\n```');
  const step = fc.oneof(
    fc.record({ t: fc.constant('fields' as const), r: fc.nat(), fields: fc.dictionary(fc.constantFrom(...names), value, { minKeys: 1, maxKeys: 4 }) }),
    fc.record({ t: fc.constant('delete' as const), r: fc.nat() }),
    fc.record({ t: fc.constant('prose' as const), s: fc.nat(), a: fc.nat(), b: fc.nat(), put: fc.array(pieces, { maxLength: 5 }) }),
    // the auditors as the form changes them: one item replaced, inserted or removed, or the whole list
    fc.record({ t: fc.constant('auditors' as const), op: fc.constantFrom('set', 'insert', 'remove', 'all'), i: fc.nat(), item, all: fc.array(item, { maxLength: 3 }) }),
  );
  const REFUSED = /already used|only field|^The new text would (add|remove|start|change|leave)/;
  // auditors written in several styles (a comment, quotes, a flow mapping): items the yaml package would write otherwise
  const first = "  - name: Example Analyst\n    org: Privacy Audit example (re-telling of F-Secure's public 2014 test)\n";
  assert.ok(EXAMPLE.includes(`auditors:\n${first}subject:`));
  const START = EXAMPLE.replace(first, `${first}  - 'Second Analyst'   # reviewer\n  - {name: "Third", org: X}\n  - name: "Fourth"\n    contact: 'f@example.org'\n`);

  test('either an error, or edits after which nothing else changed and no parse problem appeared', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { minLength: 1, maxLength: 3 }), (isCrlf, steps) => {
        let text = isCrlf ? crlf(START) : START;
        const original = parseReport(text);
        for (const st of steps) {
          const report = parseReport(text);
          const n = report.records.length;
          if (n === 0) return;
          let intent: Intent;
          // the records the intent may change, and the fields it may change in each (all when undefined)
          const targets = new Map<AuditRecord, Set<string> | undefined>();
          let prose: { start: number; end: number } | undefined;
          // the auditors: old item index → new item index, for the items the step leaves alone
          let kept: Map<number, number> | undefined;
          if (st.t === 'auditors') {
            const list = (toPlain(report.frontMatter!.fields.get('auditors')?.value) ?? []) as (string | Record<string, string>)[];
            const i = st.i % (list.length + 1);
            let next = [...list];
            kept = new Map(list.map((_, j) => [j, j]));
            if (st.op === 'all') {
              next = st.all;
              kept = new Map();
            } else if (st.op === 'insert') {
              next.splice(i, 0, st.item);
              kept = new Map(list.map((_, j) => [j, j < i ? j : j + 1]));
            } else if (i < list.length && st.op === 'set') {
              next[i] = st.item;
              kept.delete(i);
            } else if (i < list.length) {
              next.splice(i, 1);
              kept = new Map(list.flatMap((_, j) => (j === i ? [] : [[j, j < i ? j : j - 1] as [number, number]])));
            }
            intent = { type: 'setFrontMatter', key: 'auditors', value: next };
          } else if (st.t === 'fields') {
            const r = report.records[st.r % n]!;
            intent = { type: 'setFields', record: { index: r.index }, fields: st.fields };
            targets.set(r, new Set(Object.keys(st.fields)));
          } else if (st.t === 'delete') {
            const r = report.records[st.r % n]!;
            intent = { type: 'deleteRecord', record: { index: r.index }, references: 'remove' };
            targets.set(r, undefined);
            if (r.id !== undefined) for (const x of referencesTo(report, r.id)) targets.set(x.record, new Set([...(targets.get(x.record) ?? []), x.field]));
          } else {
            const segs = proseSpans(report);
            if (segs.length === 0) continue;
            const s = segs[st.s % segs.length]!;
            const a = st.a % (s.text.length + 1);
            const b = a + (st.b % (s.text.length - a + 1));
            intent = { type: 'setProse', line: s.line, old: s.text, text: s.text.slice(0, a) + st.put.join('') + s.text.slice(b) };
            prose = { start: s.start, end: s.start + s.text.length };
          }
          const res = applyIntent(report, intent);
          if ('error' in res) {
            assert.ok(intent.type !== 'setFrontMatter', `${JSON.stringify(intent)}: ${res.error}`);
            assert.match(res.error, REFUSED, `${JSON.stringify(intent)}: ${res.error}`);
            continue;
          }
          for (let i = 1; i < res.edits.length; i++) assert.ok(res.edits[i]!.span.start >= res.edits[i - 1]!.span.end, 'edits ascending and apart');
          const out = applyEdits(text, res.edits);
          const after = parseReport(out);
          noNewProblems(original, after);
          if (isCrlf) assert.doesNotMatch(out.replace(/\r\n/g, ''), /[\r\n]/, 'a bare line break');
          else assert.doesNotMatch(out, /\r/);
          if (prose) {
            assert.ok(out.startsWith(text.slice(0, prose.start)) && out.endsWith(text.slice(prose.end)), 'a change outside the prose segment');
          }
          if (intent.type === 'setFrontMatter') {
            // the auditors read as sent; the other keys and the items left alone keep their text
            assert.deepEqual(toPlain(after.frontMatter!.fields.get('auditors')!.value), intent.value);
            for (const e of report.frontMatter!.map!.entries) {
              if (e.key !== 'auditors') assert.equal(entryText(after, after.frontMatter!.fields.get(e.key)!), entryText(report, e), `front matter ${e.key} kept its text`);
            }
            const old = report.frontMatter!.fields.get('auditors')?.value;
            const now = after.frontMatter!.fields.get('auditors')!.value;
            const itemText = (r: Report, n: YNode) => r.text.slice(n.span.start, n.span.end).trimEnd();
            if (old?.type === 'seq' && !old.flow && now?.type === 'seq') {
              for (const [j, k] of kept ?? []) assert.equal(itemText(after, now.items[k]!), itemText(report, old.items[j]!), `auditor ${j} kept its text`);
            }
          }
          // untouched records keep their exact text; in a changed record, the fields not targeted too
          for (const r of report.records) {
            if (r.id === undefined || report.records.filter((x) => x.id === r.id).length > 1) continue;
            const target = targets.get(r);
            if (targets.has(r) && target === undefined) {
              assert.equal(after.byId.get(r.id), undefined, `${r.id} was deleted`);
              continue;
            }
            // (a record whose id the intent changed is found by its position)
            const now: AuditRecord | undefined = after.byId.get(r.id) ?? (target?.has('id') ? after.records[r.index] : undefined);
            assert.ok(now, `${r.id} is still there`);
            if (!target) {
              assert.equal(recordText(after, now), recordText(report, r), `${r.id} kept its text`);
              continue;
            }
            for (const e of r.map.entries) {
              if (target.has(e.key)) continue;
              const e2: YEntry | undefined = now.map.entries.find((x) => x.key === e.key);
              assert.ok(e2, `${r.id}.${e.key} is still there`);
              assert.equal(entryText(after, e2), entryText(report, e), `${r.id}.${e.key} kept its text`);
            }
          }
          if (intent.type === 'deleteRecord') {
            const gone = [...targets].find(([, f]) => f === undefined)![0];
            if (gone.id !== undefined) for (const ref of after.references) if (ref.id === gone.id) assert.equal(ref.from!.map.entries.length, 1, `a reference to ${gone.id} in ${ref.from!.id} is left`);
            assert.equal(after.citations.length, report.citations.length);
          }
          text = out;
        }
      }),
      { numRuns: Number(process.env.EDIT_RUNS ?? 200) },
    );
  });
});
