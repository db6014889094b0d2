/**
 * Edit intents (src/core/edit): each intent becomes minimal text edits. For
 * every kind the tests check the exact changed lines, that the result parses
 * back to the intended value without new PA002 problems, that everything
 * else stays byte-identical, CRLF files, hostile values, and errors. A
 * fast-check property sets random fields of the example to random values.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyIntent, type FieldValue, type Intent } from '../../src/core/edit';
import { verifyIntent } from '../../src/core/edit/verify';
import { toPlain, type AuditRecord, type Report } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import { nextId } from '../../src/core/lint/edits';
import { RECORD_FIELDS } from '../../src/core/report/schema';
import type { TextEdit } from '../../src/core/report/types';
import { applyEdits } from '../support/edits';

const EXAMPLE = readFileSync(path.join(__dirname, '../../examples/xiaomi-redmi-1s/redmi-1s.audit.md'), 'utf8');
const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';

const HOSTILE: string[] = [
  'a: b # c',
  '"quoted"',
  "'single'",
  '- dash',
  '[x]',
  '{y}',
  '&anchor',
  '*alias',
  '!tag',
  '@',
  '%',
  '`tick',
  'line one\nline two',
  'x\n```\ny',
  '```',
  '~~~',
  '---',
  '...',
  '---\nafter',
  'a\n...\nb',
  '2014-08-10',
  '1234',
  '0x1F',
  '1e3',
  'true',
  'no',
  'null',
  '~',
  '',
  ' ',
  ' lead',
  'trail ',
  'tab\there',
  'a\r\nb',
  'cr\ronly',
  '\n',
  'a\n\n\nb\n\n',
  '  indented\nnext',
  '# hash',
  'x #y',
  'key:',
  '? q',
  '| pipe',
  '> gt',
  'a, b',
  'café 中文 🎉',
  'nel\u0085ls\u2028ps\u2029',
  'bom\ufeff',
  'repl\ufffd',
  'nul\u0000',
  'bell\u0007',
  'del\u007f',
  'back\\slash',
  '[@E1]',
  '<!-- html -->',
];

// ---------------------------------------------------------------- helpers

function ok(report: Report, intent: Intent, verify = true): TextEdit[] {
  const res = applyIntent(report, intent, { verify });
  if ('error' in res) assert.fail(`unexpected error for ${JSON.stringify(intent)}: ${res.error}`);
  return res.edits;
}

function err(report: Report, intent: Intent): string {
  const res = applyIntent(report, intent);
  assert.ok('error' in res, `expected an error for ${JSON.stringify(intent)}, got ${JSON.stringify('edits' in res ? res.edits : res)}`);
  return res.error;
}

/** Applies an intent to a text: the new text and its parse. */
function run(text: string, intent: Intent, verify = true): { text: string; report: Report; before: Report; edits: TextEdit[] } {
  const before = parseReport(text);
  const edits = ok(before, intent, verify);
  const out = applyEdits(text, edits);
  return { text: out, report: parseReport(out), before, edits };
}

/** The lines that differ between two texts (common leading and trailing lines removed). */
function lineDiff(a: string, b: string): { line: number; removed: string[]; added: string[] } {
  const A = a.split(/\r?\n/);
  const B = b.split(/\r?\n/);
  let s = 0;
  while (s < A.length && s < B.length && A[s] === B[s]) s++;
  let e = 0;
  while (e < A.length - s && e < B.length - s && A[A.length - 1 - e] === B[B.length - 1 - e]) e++;
  return { line: s, removed: A.slice(s, A.length - e), added: B.slice(s, B.length - e) };
}

function problemKeys(r: Report, rules = ['PA000', 'PA001', 'PA002']): string[] {
  return r.problems.filter((p) => rules.includes(p.rule)).map((p) => `${p.rule} ${p.message}`).sort();
}

/** No parse problem that was not there before. */
function noNewProblems(before: Report, after: Report): void {
  const old = problemKeys(before);
  for (const p of problemKeys(after)) {
    const i = old.indexOf(p);
    assert.ok(i >= 0, `new problem: ${p}`);
    old.splice(i, 1);
  }
}

function rec(r: Report, id: string): AuditRecord {
  const x = r.byId.get(id);
  assert.ok(x, `record ${id} exists`);
  return x;
}

function field(r: Report, id: string, name: string): unknown {
  const e = rec(r, id).fields.get(name);
  return e ? toPlain(e.value) : undefined;
}

/** 0-based line of the first line equal to `needle` (after the line equal to `after`, when given). */
function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const from = after === undefined ? 0 : lines.indexOf(after);
  const i = lines.findIndex((l, k) => k > from - (after === undefined ? 1 : 0) && l === needle);
  assert.ok(i >= 0, `line ${needle}`);
  return i;
}

// ---------------------------------------------------------------- setField

describe('setField', () => {
  test('F1 encryption unknown → tls changes exactly that line; the rest is byte-identical', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'setField', record: { id: 'F1' }, field: 'encryption', value: 'tls' });
    const d = lineDiff(EXAMPLE, text);
    assert.deepEqual(d.removed, ['  encryption: unknown']);
    assert.deepEqual(d.added, ['  encryption: tls']);
    assert.equal(d.line, lineOf(EXAMPLE, '- id: F1') + 7);
    assert.equal(field(report, 'F1', 'encryption'), 'tls');
    assert.equal(field(report, 'F2', 'encryption'), 'unknown');
    noNewProblems(before, report);
    assert.equal(text.length, EXAMPLE.length - 'unknown'.length + 'tls'.length);
  });

  test('a trailing comment, the key spacing and the quoting style are kept', () => {
    const src = `${FM}\n\`\`\`flow\nid: F1\nencryption:   unknown   # check with a proxy\nbuild: "old"\ntool: 'x'\nto: host\n\`\`\`\n`;
    const a = run(src, { type: 'setField', record: { id: 'F1' }, field: 'encryption', value: 'tls' });
    assert.deepEqual(lineDiff(src, a.text).added, ['encryption:   tls   # check with a proxy']);
    const b = run(src, { type: 'setField', record: { id: 'F1' }, field: 'build', value: 'new' });
    assert.deepEqual(lineDiff(src, b.text).added, ['build: "new"']);
    const c = run(src, { type: 'setField', record: { id: 'F1' }, field: 'tool', value: "it's" });
    assert.deepEqual(lineDiff(src, c.text).added, ["tool: 'it''s'"]);
    const d = run(src, { type: 'setField', record: { id: 'F1' }, field: 'to', value: 'a: b # c' });
    assert.deepEqual(lineDiff(src, d.text).added, ['to: "a: b # c"']);
    assert.equal(field(d.report, 'F1', 'to'), 'a: b # c');
    const e = run(src, { type: 'setField', record: { id: 'F1' }, field: 'to', value: 'plain.example.com' });
    assert.deepEqual(lineDiff(src, e.text).added, ['to: plain.example.com']);
  });

  test('the example: a double-quoted value stays double-quoted', () => {
    const { text, report } = run(EXAMPLE, { type: 'setField', record: { id: 'D1' }, field: 'build', value: 'MIUI V6 (post)' });
    assert.deepEqual(lineDiff(EXAMPLE, text), { line: lineOf(EXAMPLE, 'build: "MIUI V5 JHCCNBF (pre-2014-08-10)"'), removed: ['build: "MIUI V5 JHCCNBF (pre-2014-08-10)"'], added: ['build: "MIUI V6 (post)"'] });
    assert.equal(field(report, 'D1', 'build'), 'MIUI V6 (post)');
  });

  test('numbers, booleans and strings that look like them', () => {
    const a = run(EXAMPLE, { type: 'setField', record: { id: 'F1' }, field: 'port', value: 443 });
    assert.deepEqual(lineDiff(EXAMPLE, a.text).added, ['  port: 443']);
    assert.equal(field(a.report, 'F1', 'port'), 443);
    const b = run(EXAMPLE, { type: 'setField', record: { id: 'F1' }, field: 'port', value: '443' });
    assert.deepEqual(lineDiff(EXAMPLE, b.text).added, ['  port: "443"']);
    assert.equal(field(b.report, 'F1', 'port'), '443');
    const c = run(EXAMPLE, { type: 'setField', record: { id: 'F1' }, field: 'first-seen', value: '2014-08-10' });
    assert.deepEqual(lineDiff(EXAMPLE, c.text).added, ['  first-seen: 2014-08-10']);
    assert.equal(field(c.report, 'F1', 'first-seen'), '2014-08-10');
    const d = run(EXAMPLE, { type: 'setField', record: { id: 'F1' }, field: 'consent', value: true });
    assert.equal(field(d.report, 'F1', 'consent'), true);
  });

  test('a flow list is replaced in flow style on the same line', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'setField', record: { id: 'F1' }, field: 'data', value: ['IMEI', 'phone number', 'a, b'] });
    assert.deepEqual(lineDiff(EXAMPLE, text), {
      line: lineOf(EXAMPLE, '  data: [carrier name, IMEI, phone number]'),
      removed: ['  data: [carrier name, IMEI, phone number]'],
      added: ['  data: [IMEI, phone number, "a, b"]'],
    });
    assert.deepEqual(field(report, 'F1', 'data'), ['IMEI', 'phone number', 'a, b']);
    noNewProblems(before, report);
  });

  test('a device\'s identifiers: a block mapping stays a block mapping; a flow one or a new one is written on one line', () => {
    // the example writes them as a block mapping
    const value = { IMEI: '869999012345677', 'phone number': '+12025550199', MEID: 'A0000012345678' };
    const a = run(EXAMPLE, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value });
    const d = lineDiff(EXAMPLE, a.text);
    assert.deepEqual(d.removed, ['  phone number: "+12025550101"', '  IMSI: "001010000012345"', '  carrier name: "ExampleTel"', '  contacts: "+12025550142"', '  sms metadata: "+12025550177"']);
    assert.deepEqual(d.added, ['  phone number: "+12025550199"', '  MEID: A0000012345678']);
    assert.deepEqual(field(a.report, 'D1', 'identifiers'), value);
    noNewProblems(a.before, a.report);
    // digits only: quoted, so they stay strings
    const b = run(EXAMPLE, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '869999012345677' } });
    assert.deepEqual(field(b.report, 'D1', 'identifiers'), { IMEI: '869999012345677' });
    // a flow mapping stays on its line; keys with spaces and values with YAML characters round-trip
    const src = `${FM}
\`\`\`device
id: D1
identifiers: {IMEI: "1"} # test phone
\`\`\`
`;
    const c = run(src, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '2', 'phone number': '+1 202: 555', 'mac address': '#aa' } });
    assert.deepEqual(lineDiff(src, c.text).added, ['identifiers: {IMEI: "2", phone number: "+1 202: 555", mac address: "#aa"} # test phone']);
    assert.deepEqual(field(c.report, 'D1', 'identifiers'), { IMEI: '2', 'phone number': '+1 202: 555', 'mac address': '#aa' });
    // values written unquoted read as numbers: rows the form did not change keep their text
    const src3 = `${FM}\n\`\`\`device\nid: D1\nidentifiers:\n  IMEI: 869999012345677\n  phone number: +12025550101\n  IMSI: 001010000012345\n  ICCID: 89012600000000000012\n\`\`\`\n`;
    const g = run(src3, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '869999012345678', 'phone number': '+12025550101', IMSI: '001010000012345', ICCID: '89012600000000000012' } });
    assert.deepEqual(lineDiff(src3, g.text), { line: 12, removed: ['  IMEI: 869999012345677'], added: ['  IMEI: "869999012345678"'] });
    // one removed, one added with a key that needs quotes, in a flow mapping
    const src4 = `${FM}\n\`\`\`device\nid: D1\nidentifiers: {IMEI: 1, IMSI: 001, phone number: +1} # x\n\`\`\`\n`;
    const h = run(src4, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMSI: '001', 'phone number': '+1', 'a: b': '#c' } });
    assert.deepEqual(lineDiff(src4, h.text).added, ['identifiers: {IMSI: 001, phone number: +1, "a: b": "#c"} # x']);
    assert.deepEqual(field(h.report, 'D1', 'identifiers'), { IMSI: 1, 'phone number': 1, 'a: b': '#c' });
    // nothing changed: no edit at all
    assert.deepEqual(ok(parseReport(src4), { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '1', IMSI: '001', 'phone number': '+1' } }), []);
    // the only entry renamed (the form's category changed): added first, then the old one removed
    const src5 = `${FM}\n\`\`\`device\nid: D1\nidentifiers:\n  IMEI: "1"\nvendor: X\n\`\`\`\n`;
    const k = run(src5, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { MEID: '1' } });
    assert.deepEqual(field(k.report, 'D1', 'identifiers'), { MEID: '1' });
    assert.deepEqual(lineDiff(src5, k.text), { line: 12, removed: ['  IMEI: "1"'], added: ['  MEID: "1"'] });
    // none yet: appended in flow style; null removes the field
    const src2 = `${FM}
\`\`\`device
id: D1
model: X
\`\`\`
`;
    const e = run(src2, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '3' } });
    assert.deepEqual(lineDiff(src2, e.text).added, ['model: X', 'identifiers: {IMEI: "3"}'].slice(1));
    const f = run(e.text, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: null });
    assert.equal(f.text, src2);
  });

  test('in a block quote, a block scalar is replaced up to its own last line: the comment and blank line after it stay', () => {
    const src = `${FM}\n> \`\`\`device\n> id: D1\n> identifiers:\n>   a: |-\n>     multi\n>     line\n>\n>   # comment about b\n>   b: x\n> notes: |-\n>   one\n>   two\n> # about vendor\n> vendor: X\n> \`\`\`\n`;
    const a = run(src, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { a: 'z', b: 'x' } });
    // the literal style is kept; only the scalar's own lines change
    assert.deepEqual(lineDiff(src, a.text), { line: 13, removed: ['>     multi', '>     line'], added: ['>     z'] });
    assert.deepEqual(field(a.report, 'D1', 'identifiers'), { a: 'z', b: 'x' });
    const b = run(src, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { b: 'x' } });
    assert.ok(b.text.includes('>   # comment about b\n>   b: x'), b.text);
    const c = run(src, { type: 'setField', record: { id: 'D1' }, field: 'notes', value: 'z' });
    assert.deepEqual(lineDiff(src, c.text), { line: 19, removed: ['>   one', '>   two'], added: ['>   z'] });
  });

  test('a block list is rewritten in block style with the same indentation', () => {
    const { text, report } = run(EXAMPLE, { type: 'setField', record: { id: 'V1' }, field: 'claims', value: ['one', 'two: three'] });
    const d = lineDiff(EXAMPLE, text);
    assert.equal(d.removed.length, 3);
    assert.ok(d.removed.every((l) => l.startsWith('    - ')));
    assert.deepEqual(d.added, ['    - one', '    - "two: three"']);
    assert.deepEqual(field(report, 'V1', 'claims'), ['one', 'two: three']);
    // items at the key's own column stay there; a comment on the key line stays
    const src = `${FM}\n\`\`\`response\nid: V1\nclaims: # the vendor's words\n- a\n- b\nverdict: mixed\n\`\`\`\n`;
    const r2 = run(src, { type: 'setField', record: { id: 'V1' }, field: 'claims', value: ['c', 'multi\nline'] });
    assert.deepEqual(lineDiff(src, r2.text), { line: 12, removed: ['- a', '- b'], added: ['- c', '- |-', '  multi', '  line'] });
    assert.deepEqual(field(r2.report, 'V1', 'claims'), ['c', 'multi\nline']);
  });

  test('a block list set to [] or to a scalar becomes one line; the key-line comment stays', () => {
    const src = `${FM}\n\`\`\`response\nid: V1\nclaims: # note\n  - a\n  - b\nverdict: mixed\n\`\`\`\n`;
    const a = run(src, { type: 'setField', record: { id: 'V1' }, field: 'claims', value: [] });
    assert.deepEqual(lineDiff(src, a.text), { line: 11, removed: ['claims: # note', '  - a', '  - b'], added: ['claims: [] # note'] });
    assert.deepEqual(field(a.report, 'V1', 'claims'), []);
    const b = run(src, { type: 'setField', record: { id: 'V1' }, field: 'claims', value: 'one claim' });
    assert.deepEqual(lineDiff(src, b.text).added, ['claims: one claim # note']);
  });

  test('a new field goes where the schema orders it (here last), with the record’s indentation', () => {
    const a = run(EXAMPLE, { type: 'setField', record: { id: 'F1' }, field: 'description', value: 'Seen at the gateway.' });
    const d = lineDiff(EXAMPLE, a.text);
    assert.deepEqual(d.removed, []);
    assert.deepEqual(d.added, ['  description: Seen at the gateway.']);
    assert.equal(d.line, lineOf(EXAMPLE, '  evidence: [E2#frame=22, E1]') + 1);
    assert.equal(field(a.report, 'F1', 'description'), 'Seen at the gateway.');
    assert.deepEqual([...rec(a.report, 'F1').fields.keys()].at(-1), 'description');
    // mapping block: column 0, after the field the schema puts before it (result), not at the end
    const b = run(EXAMPLE, { type: 'setField', record: { id: 'R1' }, field: 'observed', value: ['x', 'y'] });
    const db = lineDiff(EXAMPLE, b.text);
    assert.deepEqual(db.added, ['observed: [x, y]']);
    assert.equal(db.line, lineOf(EXAMPLE, 'result: partially-fixed') + 1);
    // multi-line values become a literal block scalar indented under the key
    const c = run(EXAMPLE, { type: 'setField', record: { id: 'F2' }, field: 'notes', value: 'first\nsecond' });
    assert.deepEqual(lineDiff(EXAMPLE, c.text).added, ['  notes: |-', '    first', '    second']);
    assert.equal(field(c.report, 'F2', 'notes'), 'first\nsecond');
  });

  test('a line that could close the fence is never written raw', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'setField', record: { id: 'R1' }, field: 'notes', value: 'x\n```\ny' });
    const d = lineDiff(EXAMPLE, text);
    assert.deepEqual(d.added, ['notes: "x\\n```\\ny"']);
    assert.equal(field(report, 'R1', 'notes'), 'x\n```\ny');
    noNewProblems(before, report);
  });

  test('a folded (>-) value keeps its style; the key line is untouched', () => {
    const { text, report } = run(EXAMPLE, { type: 'setField', record: { id: 'R1' }, field: 'notes', value: 'Short now.' });
    const d = lineDiff(EXAMPLE, text);
    assert.equal(d.line, lineOf(EXAMPLE, 'notes: >-', 'id: R1') + 1);
    assert.equal(d.removed.length, 4);
    assert.deepEqual(d.added, ['  Short now.']);
    assert.equal(field(report, 'R1', 'notes'), 'Short now.');
  });

  test('a value for `key:` or `key: # comment` written without one', () => {
    const src = `${FM}\n\`\`\`step\n- id: S1\n  observed:\n  notes: # later\n\`\`\`\n`;
    const a = run(src, { type: 'setField', record: { id: 'S1' }, field: 'observed', value: 'seen' });
    assert.deepEqual(lineDiff(src, a.text).added, ['  observed: seen']);
    const b = run(src, { type: 'setField', record: { id: 'S1' }, field: 'notes', value: 'n' });
    assert.deepEqual(lineDiff(src, b.text).added, ['  notes: n # later']);
    assert.equal(field(b.report, 'S1', 'notes'), 'n');
    const c = run(src, { type: 'setField', record: { id: 'S1' }, field: 'notes', value: 'two\nlines' });
    assert.deepEqual(lineDiff(src, c.text).added, ['  notes: |- # later', '    two', '    lines']);
    assert.equal(field(c.report, 'S1', 'notes'), 'two\nlines');
  });

  test('removing a field deletes its whole line(s) and nothing else', () => {
    const a = run(EXAMPLE, { type: 'setField', record: { id: 'F1' }, field: 'encryption', value: null });
    assert.deepEqual(lineDiff(EXAMPLE, a.text), { line: lineOf(EXAMPLE, '- id: F1') + 7, removed: ['  encryption: unknown'], added: [] });
    assert.equal(rec(a.report, 'F1').fields.has('encryption'), false);
    const b = run(EXAMPLE, { type: 'setField', record: { id: 'V1' }, field: 'claims', value: null });
    const db = lineDiff(EXAMPLE, b.text);
    assert.deepEqual(db.added, []);
    assert.deepEqual(db.removed, [
      '  claims:',
      '    - the reported traffic belongs to MIUI Cloud Messaging',
      '    - OTA update of 2014-08-10 makes Cloud Messaging opt-in',
      '    - MIUI only requests public, non-personal data from Xiaomi servers',
    ]);
    const c = run(EXAMPLE, { type: 'setField', record: { id: 'R1' }, field: 'notes', value: null });
    assert.equal(lineDiff(EXAMPLE, c.text).removed.length, 5);
    noNewProblems(c.before, c.report);
    // removing a field that is not there changes nothing
    assert.deepEqual(ok(parseReport(EXAMPLE), { type: 'setField', record: { id: 'F1' }, field: 'notes', value: null }), []);
  });

  test('removing the first field of a sequence item moves the next one up to the `- ` line', () => {
    const { text, report } = run(EXAMPLE, { type: 'setField', record: { id: 'F2' }, field: 'id', value: null });
    assert.deepEqual(lineDiff(EXAMPLE, text), { line: lineOf(EXAMPLE, '- id: F2'), removed: ['- id: F2', '  from: D1'], added: ['- from: D1'] });
    const r = report.records.find((x) => x.kind === 'flow' && x.fields.get('first-seen') && toPlain(x.fields.get('first-seen')!.value) === '2014-08-06T09:19:02Z');
    assert.ok(r && r.id === undefined);
  });

  test('records written as flow mappings', () => {
    const src = `${FM}\n\`\`\`evidence\n- {id: E1, kind: log, file: a.log}\n- { id: E2 }\n\`\`\`\n`;
    const a = run(src, { type: 'setField', record: { id: 'E1' }, field: 'kind', value: 'a, b' });
    assert.deepEqual(lineDiff(src, a.text).added, ['- {id: E1, kind: "a, b", file: a.log}']);
    const b = run(src, { type: 'setField', record: { id: 'E2' }, field: 'tool', value: ['x', 'y z'] });
    assert.deepEqual(lineDiff(src, b.text).added, ['- { id: E2, tool: [x, y z] }']);
    const c = run(src, { type: 'setField', record: { id: 'E1' }, field: 'kind', value: null });
    assert.deepEqual(lineDiff(src, c.text).added, ['- {id: E1, file: a.log}']);
    const d = run(src, { type: 'setField', record: { id: 'E1' }, field: 'id', value: null });
    assert.deepEqual(lineDiff(src, d.text).added, ['- {kind: log, file: a.log}']);
    const e = run(src, { type: 'setField', record: { id: 'E1' }, field: 'description', value: 'two\nlines' });
    assert.deepEqual(lineDiff(src, e.text).added, ['- {id: E1, kind: log, file: a.log, description: "two\\nlines"}']);
    assert.equal(field(e.report, 'E1', 'description'), 'two\nlines');
  });

  test('a block inside a block quote: setField keeps the `>` prefix; structural changes are refused', () => {
    const src = `${FM}\n> Quoted:\n>\n> \`\`\`flow\n> - id: F1\n>   to: x # c\n> - id: F2\n>   to: y\n> \`\`\`\n`;
    const before = parseReport(src);
    assert.equal(before.records.length, 2);
    const a = run(src, { type: 'setField', record: { id: 'F1' }, field: 'to', value: 'z' });
    assert.deepEqual(lineDiff(src, a.text).added, ['>   to: z # c']);
    const b = run(src, { type: 'setField', record: { id: 'F1' }, field: 'notes', value: 'one\ntwo' });
    assert.deepEqual(lineDiff(src, b.text).added, ['>   notes: |-', '>     one', '>     two']);
    assert.equal(field(b.report, 'F1', 'notes'), 'one\ntwo');
    noNewProblems(before, b.report);
    const c = run(src, { type: 'setField', record: { id: 'F2' }, field: 'to', value: null });
    assert.deepEqual(lineDiff(src, c.text).removed, ['>   to: y']);
    assert.match(err(before, { type: 'deleteRecord', record: { id: 'F1' } }), /inside a list or quote/);
    assert.match(err(before, { type: 'moveRecord', record: { id: 'F2' }, direction: 'up' }), /inside a list or quote/);
    assert.match(err(before, { type: 'addRecord', kind: 'flow', after: { id: 'F1' } }), /inside a list or quote/);
  });

  test('a tag or anchor before the old value is replaced with it', () => {
    const src = `${FM}\n\`\`\`flow\nid: F1\nto: !!str 123\nport: &p 80\n- \n\`\`\`\n`.replace('- \n', '');
    const a = run(src, { type: 'setField', record: { id: 'F1' }, field: 'to', value: 5 });
    assert.deepEqual(lineDiff(src, a.text).added, ['to: 5']);
    assert.equal(field(a.report, 'F1', 'to'), 5);
    const b = run(src, { type: 'setField', record: { id: 'F1' }, field: 'port', value: 443 });
    assert.deepEqual(lineDiff(src, b.text).added, ['port: 443']);
  });

  test('records without id are addressed by index', () => {
    const src = `${FM}\n\`\`\`device\nvendor: X\n\`\`\`\n\n\`\`\`step\n- action: a\n- action: b\n\`\`\`\n`;
    const r = parseReport(src);
    const step = r.records.find((x) => x.kind === 'step' && toPlain(x.fields.get('action')!.value) === 'b')!;
    const { text, report } = run(src, { type: 'setField', record: { index: step.index }, field: 'action', value: 'c' });
    assert.deepEqual(lineDiff(src, text).added, ['- action: c']);
    assert.equal(toPlain(report.records[step.index]!.fields.get('action')!.value), 'c');
    // the implied D1
    const d = run(src, { type: 'setField', record: { id: 'D1' }, field: 'id', value: 'D1' });
    assert.deepEqual(lineDiff(src, d.text).added, ['id: D1']);
  });

  test('errors: unknown record, bad field name, bad value, id already used, only field', () => {
    const r = parseReport(EXAMPLE);
    assert.match(err(r, { type: 'setField', record: { id: 'F99' }, field: 'to', value: 'x' }), /No record has the id "F99"/);
    assert.match(err(r, { type: 'setField', record: { index: 999 }, field: 'to', value: 'x' }), /No record has the index 999/);
    assert.match(err(r, { type: 'setField', record: { id: 'F1' }, field: 'a b', value: 'x' }), /not a valid field name/);
    assert.match(err(r, { type: 'setField', record: { id: 'F1' }, field: 'null', value: 'x' }), /not a valid field name/);
    assert.match(err(r, { type: 'setField', record: { id: 'F1' }, field: 'to', value: { x: 1 } as unknown as FieldValue }), /mapping value must map non-empty keys to strings/);
    assert.match(err(r, { type: 'setField', record: { id: 'F1' }, field: 'to', value: new Date() as unknown as FieldValue }), /must be a string, a number/);
    assert.match(err(r, { type: 'setField', record: { id: 'F1' }, field: 'port', value: Number.NaN }), /finite/);
    assert.match(err(r, { type: 'setField', record: { id: 'F1' }, field: 'data', value: ['a', true] as unknown as FieldValue }), /strings or numbers only/);
    assert.match(err(r, { type: 'setField', record: { id: 'F1' }, field: 'id', value: 'F2' }), /already used/);
    assert.match(err(r, { type: 'frobnicate' } as unknown as Intent), /Unknown intent type/);
    const one = parseReport(`${FM}\n\`\`\`flow\nid: F1\n\`\`\`\n`);
    assert.match(err(one, { type: 'setField', record: { id: 'F1' }, field: 'id', value: null }), /only field/);
    const dup = parseReport(`${FM}\n\`\`\`flow\n- id: F1\n- id: F1\n\`\`\`\n`);
    assert.match(err(dup, { type: 'setField', record: { id: 'F1' }, field: 'to', value: 'x' }), /defined 2 times/);
  });
});

// ---------------------------------------------------------------- setFrontMatter

describe('setFrontMatter', () => {
  test('replace, add, remove; block lists keep their layout', () => {
    const a = run(EXAMPLE, { type: 'setFrontMatter', key: 'status', value: 'draft' });
    assert.deepEqual(lineDiff(EXAMPLE, a.text), { line: 4, removed: ['status: final'], added: ['status: draft'] });
    assert.equal(toPlain(a.report.frontMatter!.fields.get('status')!.value), 'draft');
    const b = run(EXAMPLE, { type: 'setFrontMatter', key: 'lint', value: 'x' });
    assert.deepEqual(lineDiff(EXAMPLE, b.text), { line: 17, removed: [], added: ['lint: x'] });
    const c = run(EXAMPLE, { type: 'setFrontMatter', key: 'subject', value: null });
    assert.deepEqual(lineDiff(EXAMPLE, c.text).removed, ['subject: Xiaomi Redmi 1S, MIUI V5 (Android 4.x), MIUI Cloud Messaging / Mi Cloud']);
    const d = run(EXAMPLE, { type: 'setFrontMatter', key: 'redact', value: ['869999012345677', '+1 202'] });
    const dd = lineDiff(EXAMPLE, d.text);
    // the first item reads the same, so only the lines after it differ
    assert.deepEqual(dd.added, ['  - +1 202']);
    assert.deepEqual(dd.removed, ['  - "001010000012345"', '  - "+12025550101"', '  - "+12025550142"', '  - "+12025550177"']);
    assert.deepEqual(toPlain(d.report.frontMatter!.fields.get('redact')!.value), ['869999012345677', '+1 202']);
    const e = run(EXAMPLE, { type: 'setFrontMatter', key: 'title', value: 'a\n---\nb' });
    assert.deepEqual(lineDiff(EXAMPLE, e.text).added, ['title: "a\\n---\\nb"']);
    assert.equal(e.report.frontMatter!.closed, true);
    assert.equal(toPlain(e.report.frontMatter!.fields.get('title')!.value), 'a\n---\nb');
  });

  test('errors: no front matter, unreadable front matter, bad key', () => {
    assert.match(err(parseReport('# no front matter\n'), { type: 'setFrontMatter', key: 'status', value: 'draft' }), /no front matter/);
    assert.match(err(parseReport('---\nid: [\n---\n'), { type: 'setFrontMatter', key: 'status', value: 'draft' }), /cannot be read/);
    assert.match(err(parseReport(EXAMPLE), { type: 'setFrontMatter', key: '', value: 'draft' }), /not a valid/);
  });
});

// ---------------------------------------------------------------- addRecord

describe('addRecord', () => {
  test('into a sequence block: a new item after the last record, with the next id', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'addRecord', kind: 'flow', fields: { to: 'x.example.com', port: 443, data: ['IMEI'], notes: null } });
    const d = lineDiff(EXAMPLE, text);
    assert.deepEqual(d.removed, []);
    assert.deepEqual(d.added, ['- id: F5', '  to: x.example.com', '  port: 443', '  data: [IMEI]']);
    assert.equal(d.line, lineOf(EXAMPLE, '  evidence: [E3#entry=1, E1]') + 1);
    assert.deepEqual(toPlain(rec(report, 'F5').map), { id: 'F5', to: 'x.example.com', port: 443, data: ['IMEI'] });
    assert.equal(rec(report, 'F5').block, rec(report, 'F4').block);
    noNewProblems(before, report);
  });

  test('after a given record of a sequence block', () => {
    const { text, report } = run(EXAMPLE, { type: 'addRecord', kind: 'flow', after: { id: 'F1' }, fields: { notes: 'a\nb' } });
    const d = lineDiff(EXAMPLE, text);
    assert.deepEqual(d.added, ['- id: F5', '  notes: |-', '    a', '    b']);
    assert.equal(d.line, lineOf(EXAMPLE, '- id: F2'));
    const flows = report.records.filter((r) => r.kind === 'flow').map((r) => r.id);
    assert.deepEqual(flows, ['F1', 'F5', 'F2', 'F3', 'F4']);
  });

  test('after a mapping block: a new fenced block after it, separated by one blank line', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'addRecord', kind: 'retest', fields: { result: 'fixed', verifies: ['V1'] } });
    const close = EXAMPLE.indexOf('```', EXAMPLE.indexOf('content not established.'));
    const at = close + 3;
    assert.equal(text, `${EXAMPLE.slice(0, at)}\n\n\`\`\`retest\nid: R2\nresult: fixed\nverifies: [V1]\n\`\`\`${EXAMPLE.slice(at)}`);
    assert.equal(report.blocks.length, before.blocks.length + 1);
    assert.deepEqual(toPlain(rec(report, 'R2').map), { id: 'R2', result: 'fixed', verifies: ['V1'] });
  });

  test('after a record of another kind: a new block after that record’s block', () => {
    const { text, report } = run(EXAMPLE, { type: 'addRecord', kind: 'finding', after: { id: 'F2' } });
    const at = EXAMPLE.indexOf('```', EXAMPLE.indexOf('  evidence: [E3#entry=1, E1]')) + 3;
    assert.equal(text, `${EXAMPLE.slice(0, at)}\n\n\`\`\`finding\nid: FN5\n\`\`\`${EXAMPLE.slice(at)}`);
    assert.equal(rec(report, 'FN5').index, rec(report, 'F4').index + 1);
  });

  test('no block of that kind: a new block at the end of the report', () => {
    const src = `${FM}\n# Report\n\nText.\n`;
    const { text, report } = run(src, { type: 'addRecord', kind: 'device', fields: { vendor: 'X', identifiers: null } });
    assert.equal(text, `${src}\n\`\`\`device\nid: D1\nvendor: X\n\`\`\`\n`);
    assert.equal(field(report, 'D1', 'vendor'), 'X');
    const noEol = run('# T\n\nText.', { type: 'addRecord', kind: 'step' });
    assert.equal(noEol.text, '# T\n\nText.\n\n```step\nid: S1\n```\n');
  });

  test('a new block is followed by a blank line when text follows directly', () => {
    const src = `${FM}\n\`\`\`retest\nid: R1\n\`\`\`\nText right after.\n`;
    const { text } = run(src, { type: 'addRecord', kind: 'retest' });
    assert.equal(text, `${FM}\n\`\`\`retest\nid: R1\n\`\`\`\n\n\`\`\`retest\nid: R2\n\`\`\`\n\nText right after.\n`);
  });

  test('the result names the new id', () => {
    const res = applyIntent(parseReport(EXAMPLE), { type: 'addRecord', kind: 'evidence' });
    assert.ok('edits' in res);
    assert.equal(res.newId, 'E16');
  });

  test('a given free id is used; errors for a taken id, an unknown kind, an unknown anchor', () => {
    const a = run(EXAMPLE, { type: 'addRecord', kind: 'evidence', fields: { id: 'E20', kind: 'log' } });
    assert.equal(field(a.report, 'E20', 'kind'), 'log');
    const r = parseReport(EXAMPLE);
    assert.match(err(r, { type: 'addRecord', kind: 'evidence', fields: { id: 'E1' } }), /already used/);
    assert.match(err(r, { type: 'addRecord', kind: 'gadget' as never }), /not a record kind/);
    assert.match(err(r, { type: 'addRecord', kind: 'flow', after: { id: 'F77' } }), /No record has the id/);
    assert.match(err(r, { type: 'addRecord', kind: 'flow', fields: { 'bad key': 'x' } }), /not a valid field name/);
  });
});

// ---------------------------------------------------------------- deleteRecord

describe('deleteRecord', () => {
  test('a sequence item: exactly its lines', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'deleteRecord', record: { id: 'F2' } });
    const d = lineDiff(EXAMPLE, text);
    assert.deepEqual(d.added, []);
    assert.equal(d.removed.length, 13);
    assert.equal(d.removed[0], '- id: F2');
    assert.equal(d.removed.at(-1), '  evidence: [E2#frame=32, E1]');
    assert.equal(report.byId.has('F2'), false);
    assert.equal(report.records.length, before.records.length - 1);
    noNewProblems(before, report);
  });

  test('the last item of a sequence block', () => {
    const { text } = run(EXAMPLE, { type: 'deleteRecord', record: { id: 'F4' } });
    const d = lineDiff(EXAMPLE, text);
    assert.equal(d.removed[0], '- id: F4');
    assert.equal(d.removed.length, 13);
  });

  test('a mapping block: the whole fence and one blank line', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'deleteRecord', record: { id: 'R1' } });
    const d = lineDiff(EXAMPLE, text);
    assert.deepEqual(d.added, []);
    assert.equal(d.removed[0], '```retest');
    assert.equal(d.removed.at(-2), '```');
    assert.equal(d.removed.at(-1), '');
    assert.equal(d.removed.length, 15);
    assert.equal(report.blocks.length, before.blocks.length - 1);
    assert.ok(text.includes('needs examination.\n\n## Other statements'));
  });

  test('the only record of a sequence block removes the block; at the end of the file', () => {
    const src = `${FM}\nText.\n\n\`\`\`step\n- id: S1\n  action: a\n\`\`\`\n`;
    assert.equal(run(src, { type: 'deleteRecord', record: { id: 'S1' } }).text, `${FM}\nText.\n`);
    const noEol = `${FM}\nText.\n\n\`\`\`step\nid: S1\n\`\`\``;
    assert.equal(run(noEol, { type: 'deleteRecord', record: { id: 'S1' } }).text, `${FM}\nText.`);
    const tight = `${FM}\nText.\n\n\`\`\`step\nid: S1\n\`\`\`\nMore.\n`;
    assert.equal(run(tight, { type: 'deleteRecord', record: { id: 'S1' } }).text, `${FM}\nText.\n\nMore.\n`);
  });

  test('errors: unknown id, unclosed block, flow-style block', () => {
    const r = parseReport(EXAMPLE);
    assert.match(err(r, { type: 'deleteRecord', record: { id: 'X1' } }), /No record has the id "X1"/);
    assert.match(err(parseReport(`${FM}\n\`\`\`step\n- id: S1\n- id: S2\n`), { type: 'deleteRecord', record: { id: 'S1' } }), /not closed/);
    assert.match(err(parseReport(`${FM}\n\`\`\`step\n[{id: S1}, {id: S2}]\n\`\`\`\n`), { type: 'deleteRecord', record: { id: 'S1' } }), /flow-style/);
    assert.match(err(parseReport(`${FM}\n\`\`\`step\n- id: S1\n- just text\n\`\`\`\n`), { type: 'deleteRecord', record: { id: 'S1' } }), /PA002/);
  });
});

// ---------------------------------------------------------------- moveRecord

describe('moveRecord', () => {
  test('swaps with the neighbour; lines between them stay in place', () => {
    const src = `${FM}\n\`\`\`step\n- id: S1 # first\n  action: a\n\n# between\n- id: S2\n  action: |-\n    two\n    lines\n- id: S3\n\`\`\`\n`;
    const { text, report } = run(src, { type: 'moveRecord', record: { id: 'S2' }, direction: 'up' });
    assert.equal(text, `${FM}\n\`\`\`step\n- id: S2\n  action: |-\n    two\n    lines\n\n# between\n- id: S1 # first\n  action: a\n- id: S3\n\`\`\`\n`);
    assert.deepEqual(report.records.map((r) => r.id), ['S2', 'S1', 'S3']);
    const down = run(src, { type: 'moveRecord', record: { id: 'S2' }, direction: 'down' });
    assert.deepEqual(down.report.records.map((r) => r.id), ['S1', 'S3', 'S2']);
  });

  test('the example: F2 up', () => {
    const { text, report, before } = run(EXAMPLE, { type: 'moveRecord', record: { id: 'F2' }, direction: 'up' });
    const d = lineDiff(EXAMPLE, text);
    assert.equal(d.removed.length, 26);
    assert.equal(d.added[0], '- id: F2');
    assert.equal(d.added[13], '- id: F1');
    assert.deepEqual(report.records.filter((r) => r.kind === 'flow').map((r) => r.id), ['F2', 'F1', 'F3', 'F4']);
    assert.deepEqual(toPlain(rec(report, 'F1').map), toPlain(rec(before, 'F1').map));
  });

  test('errors: first up, last down, only record, across blocks', () => {
    const r = parseReport(EXAMPLE);
    assert.match(err(r, { type: 'moveRecord', record: { id: 'F1' }, direction: 'up' }), /already the first record of its block.*not across blocks/);
    assert.match(err(r, { type: 'moveRecord', record: { id: 'F4' }, direction: 'down' }), /already the last record/);
    assert.match(err(r, { type: 'moveRecord', record: { id: 'R1' }, direction: 'up' }), /only record in its `retest` block/);
    assert.match(err(r, { type: 'moveRecord', record: { id: 'V2' }, direction: 'down' }), /already the last record of its block.*not across blocks/);
    assert.match(err(r, { type: 'moveRecord', record: { id: 'F1' }, direction: 'sideways' as never }), /direction/);
  });
});

// ---------------------------------------------------------------- comments and layout elsewhere

describe('comments, blank lines and layout outside the edit stay byte-identical', () => {
  const src = [
    '---', 'audit-format: 1   # format', 'id: T', 'title: "T"', 'status: draft', 'date: 2014-10-24', 'auditors: [A]', '---', '',
    '<!-- a comment in prose -->', '', '```flow   extra info', '# about the flows', '-   id: F1      # odd spacing', '    to: "a"   # quoted', '',
    '    # inside F1', '    data: [ x , y ]', '# between', '-   id: F2', '    to: b', '```', '', 'Prose [@F1].', '',
  ].join('\n');
  const intents: Intent[] = [
    { type: 'setField', record: { id: 'F1' }, field: 'to', value: 'c' },
    { type: 'setField', record: { id: 'F1' }, field: 'data', value: ['z'] },
    { type: 'setField', record: { id: 'F2' }, field: 'port', value: 8080 },
    { type: 'addRecord', kind: 'flow', fields: { to: 'n' } },
    { type: 'deleteRecord', record: { id: 'F2' } },
    { type: 'moveRecord', record: { id: 'F2' }, direction: 'up' },
    { type: 'setFrontMatter', key: 'status', value: 'review' },
  ];
  const expected: Record<string, { removed: string[]; added: string[] }> = {
    0: { removed: ['    to: "a"   # quoted'], added: ['    to: "c"   # quoted'] },
    1: { removed: ['    data: [ x , y ]'], added: ['    data: [z]'] },
    2: { removed: [], added: ['    port: 8080'] },
    3: { removed: [], added: ['-   id: F3', '    to: n'] },
    4: { removed: ['-   id: F2', '    to: b'], added: [] },
    6: { removed: ['status: draft'], added: ['status: review'] },
  };
  intents.forEach((intent, i) => {
    test(JSON.stringify(intent), () => {
      const { text, report, before } = run(src, intent);
      noNewProblems(before, report);
      const d = lineDiff(src, text);
      if (expected[i]) assert.deepEqual({ removed: d.removed, added: d.added }, expected[i]);
      else {
        // the move: the two items swap, the comment lines around and between them stay put
        assert.equal(text, src.replace('-   id: F1      # odd spacing\n    to: "a"   # quoted\n\n    # inside F1\n    data: [ x , y ]\n# between\n-   id: F2\n    to: b', '-   id: F2\n    to: b\n# between\n-   id: F1      # odd spacing\n    to: "a"   # quoted\n\n    # inside F1\n    data: [ x , y ]'));
      }
      for (const c of ['# about the flows', '<!-- a comment in prose -->', 'audit-format: 1   # format', '```flow   extra info', 'Prose [@F1].']) assert.ok(text.includes(c), c);
    });
  });
});

// ---------------------------------------------------------------- CRLF

describe('CRLF files', () => {
  const CRLF = EXAMPLE.replace(/\n/g, '\r\n');
  const intents: Intent[] = [
    { type: 'setField', record: { id: 'F1' }, field: 'encryption', value: 'tls' },
    { type: 'setField', record: { id: 'F1' }, field: 'notes', value: 'one\ntwo' },
    { type: 'setField', record: { id: 'V1' }, field: 'claims', value: ['a', 'b'] },
    { type: 'setField', record: { id: 'R1' }, field: 'notes', value: 'x' },
    { type: 'setField', record: { id: 'V1' }, field: 'claims', value: null },
    { type: 'setFrontMatter', key: 'status', value: 'review' },
    { type: 'setFrontMatter', key: 'lint', value: 'x' },
    { type: 'addRecord', kind: 'flow', fields: { notes: 'a\nb' } },
    { type: 'addRecord', kind: 'retest' },
    { type: 'deleteRecord', record: { id: 'F3' } },
    { type: 'deleteRecord', record: { id: 'R1' } },
    { type: 'moveRecord', record: { id: 'F3' }, direction: 'up' },
  ];
  for (const intent of intents) {
    test(`${intent.type} ${JSON.stringify(intent).slice(0, 80)} keeps CRLF and matches the LF result`, () => {
      const crlf = run(CRLF, intent);
      const lf = run(EXAMPLE, intent);
      assert.doesNotMatch(crlf.text.replace(/\r\n/g, ''), /[\r\n]/, 'a bare line break');
      assert.equal(crlf.text.replace(/\r\n/g, '\n'), lf.text);
      noNewProblems(crlf.before, crlf.report);
    });
  }
});

// ---------------------------------------------------------------- hostile values

describe('hostile values round-trip exactly as strings', () => {
  const src = `${FM}\n\`\`\`flow\n- id: F1\n  to: host # keep\n  protocol: "http"\n  data: [a, b]\n  tool:\n    - x\n- {id: F2, to: y}\n\`\`\`\n\n> \`\`\`step\n> id: S1\n> action: a\n> \`\`\`\n`;
  const base = parseReport(src);
  for (const v of HOSTILE) {
    test(JSON.stringify(v), () => {
      const cases: [Intent, (r: Report) => unknown, FieldValue][] = [
        [{ type: 'setField', record: { id: 'F1' }, field: 'to', value: v }, (r) => field(r, 'F1', 'to'), v],
        [{ type: 'setField', record: { id: 'F1' }, field: 'protocol', value: v }, (r) => field(r, 'F1', 'protocol'), v],
        [{ type: 'setField', record: { id: 'F1' }, field: 'notes', value: v }, (r) => field(r, 'F1', 'notes'), v],
        [{ type: 'setField', record: { id: 'F1' }, field: 'data', value: [v, 'z'] }, (r) => field(r, 'F1', 'data'), [v, 'z']],
        [{ type: 'setField', record: { id: 'F1' }, field: 'tool', value: [v, v] }, (r) => field(r, 'F1', 'tool'), [v, v]],
        [{ type: 'setField', record: { id: 'F2' }, field: 'to', value: v }, (r) => field(r, 'F2', 'to'), v],
        [{ type: 'setField', record: { id: 'F2' }, field: 'notes', value: v }, (r) => field(r, 'F2', 'notes'), v],
        [{ type: 'setField', record: { id: 'S1' }, field: 'action', value: v }, (r) => field(r, 'S1', 'action'), v],
        [{ type: 'setField', record: { id: 'S1' }, field: 'notes', value: v }, (r) => field(r, 'S1', 'notes'), v],
        [{ type: 'setFrontMatter', key: 'title', value: v }, (r) => toPlain(r.frontMatter?.fields.get('title')?.value), v],
        [{ type: 'setFrontMatter', key: 'redact', value: [v] }, (r) => toPlain(r.frontMatter?.fields.get('redact')?.value), [v]],
        [{ type: 'addRecord', kind: 'flow', fields: { to: v, data: [v] } }, (r) => [field(r, 'F3', 'to'), field(r, 'F3', 'data')], [v, [v]] as unknown as FieldValue],
        [{ type: 'addRecord', kind: 'retest', fields: { notes: v } }, (r) => field(r, 'R1', 'notes'), v],
      ];
      for (const [intent, read, expected] of cases) {
        // the edit itself, without the built-in check, must already be right
        const edits = ok(base, intent, false);
        const out = applyEdits(src, edits);
        const after = parseReport(out);
        assert.deepEqual(read(after), expected, `${JSON.stringify(intent)} → ${JSON.stringify(out.slice(FM.length))}`);
        noNewProblems(base, after);
        assert.equal(after.records.length, base.records.length + (intent.type === 'addRecord' ? 1 : 0));
        assert.equal(after.frontMatter?.closed, true);
        assert.doesNotMatch(out, /[\u2028\u2029\ufeff\ufffd]/, 'a raw separator, BOM or replacement character');
        // and with the check on
        ok(base, intent, true);
      }
    });
  }
});

// ---------------------------------------------------------------- the check itself

describe('verification', () => {
  test('an edit that would break the block is reported, not returned', () => {
    const r = parseReport(EXAMPLE);
    const at = EXAMPLE.indexOf('  encryption: unknown');
    const bad: TextEdit = { span: { start: at, end: at }, newText: '```\n', range: r.lines.range({ start: at, end: at }) };
    const msg = verifyIntent(r, { type: 'setField', record: { id: 'F1' }, field: 'encryption', value: 'unknown' }, [bad], {
      type: 'setField',
      recordIndex: rec(r, 'F1').index,
      field: 'encryption',
      value: 'unknown',
    });
    assert.ok(msg, 'the broken edit passed');
    const wrong: TextEdit = { span: { start: at + 14, end: at + 21 }, newText: 'none', range: r.lines.range({ start: at + 14, end: at + 21 }) };
    assert.match(
      verifyIntent(r, { type: 'setField', record: { id: 'F1' }, field: 'encryption', value: 'tls' }, [wrong], { type: 'setField', recordIndex: rec(r, 'F1').index, field: 'encryption', value: 'tls' }) ?? '',
      /record #\d+ reads/,
    );
  });
});

// ---------------------------------------------------------------- property

describe('property: random setField on the example', () => {
  const report = parseReport(EXAMPLE);
  const fieldNames = [...new Set([...Object.values(RECORD_FIELDS).flatMap((fs) => fs.map((f) => f.name)), 'x-extra'])];
  const hostile = fc.constantFrom(...HOSTILE);
  const pieces = fc.constantFrom('a', ' ', '\n', '\r\n', '#', ': ', '- ', '`', '```', '"', "'", '\t', '\\', '\u2028', 'é', '{', '[', ',', '>', '|', '---', '~~~', '&', '*', '!', '%', '@', '\ufffd', '0', '.');
  const str = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    hostile,
    fc.array(pieces, { maxLength: 12 }).map((xs) => xs.join('')),
  );
  const value: fc.Arbitrary<FieldValue> = fc.oneof(
    { weight: 5, arbitrary: str },
    { weight: 2, arbitrary: fc.array(str, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );

  test('reads back exactly, changes only the record’s lines, never adds PA002', () => {
    fc.assert(
      fc.property(fc.nat(report.records.length - 1), fc.constantFrom(...fieldNames), value, (ri, name, v) => {
        const r = report.records[ri]!;
        const intent: Intent = { type: 'setField', record: { index: r.index }, field: name, value: v };
        const res = applyIntent(report, intent, { verify: false });
        if ('error' in res) {
          // the only refusals possible here
          assert.ok(/already used/.test(res.error) && name === 'id', res.error);
          return;
        }
        const out = applyEdits(EXAMPLE, res.edits);
        const after = parseReport(out);
        noNewProblems(report, after);
        assert.equal(after.records.length, report.records.length);
        const ar = after.records[ri]!;
        const got = ar.fields.get(name);
        if (v === null) assert.equal(got, undefined);
        else assert.deepEqual(toPlain(got?.value), v);
        // every other field and record reads back unchanged
        for (let i = 0; i < report.records.length; i++) {
          const before = toPlain(report.records[i]!.map) as Record<string, unknown>;
          const now = toPlain(after.records[i]!.map) as Record<string, unknown>;
          if (i === ri) {
            delete before[name];
            delete now[name];
          }
          assert.deepEqual(now, before);
        }
        // only lines of this record changed
        const d = lineDiff(EXAMPLE, out);
        if (out === EXAMPLE) {
          assert.ok(v === null && !r.fields.has(name), 'no change although the value is new');
          return;
        }
        const first = report.lines.positionAt(r.span.start).line;
        const last = r.block.closeLine;
        assert.ok(d.line >= first - 1 && d.line + d.removed.length <= last, `lines ${d.line}..${d.line + d.removed.length} outside ${first}..${last}`);
        // the built-in check agrees
        assert.ok(!('error' in applyIntent(report, intent)));
      }),
      { numRuns: Number(process.env.EDIT_RUNS ?? 400) },
    );
  });
});

describe('property: random sequences of intents', () => {
  const kinds = ['device', 'step', 'flow', 'evidence', 'response', 'retest', 'finding'] as const;
  const str = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE));
  const value: fc.Arbitrary<FieldValue> = fc.oneof(str, fc.array(str, { maxLength: 3 }), fc.integer(), fc.constant(null));
  const names = fc.constantFrom('to', 'notes', 'data', 'encryption', 'claims', 'statement', 'evidence', 'x-extra', 'id');
  // record positions are taken modulo the current number of records
  const step = fc.oneof(
    fc.record({ t: fc.constant('set' as const), r: fc.nat(), f: names, v: value }),
    fc.record({ t: fc.constant('add' as const), k: fc.constantFrom(...kinds), after: fc.option(fc.nat()), fields: fc.dictionary(fc.constantFrom('to', 'notes', 'data', 'kind'), value, { maxKeys: 3 }) }),
    fc.record({ t: fc.constant('del' as const), r: fc.nat() }),
    fc.record({ t: fc.constant('move' as const), r: fc.nat(), up: fc.boolean() }),
    fc.record({ t: fc.constant('fm' as const), k: fc.constantFrom('title', 'subject', 'redact', 'x-key'), v: value }),
  );
  const EXPECTED_REFUSALS = /already the (first|last) record|only record in its|already used|only field|not closed|has YAML problems/;

  test('every step reads back as intended, keeps the line endings and adds no parse problem', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { minLength: 1, maxLength: 6 }), (crlf, steps) => {
        let text = crlf ? EXAMPLE.replace(/\n/g, '\r\n') : EXAMPLE;
        const original = parseReport(text);
        for (const st of steps) {
          const report = parseReport(text);
          const n = report.records.length;
          const pick = (i: number) => ({ index: report.records[i % n]!.index });
          let intent: Intent;
          if (st.t === 'set') intent = { type: 'setField', record: pick(st.r), field: st.f, value: st.v };
          else if (st.t === 'add') intent = { type: 'addRecord', kind: st.k, ...(st.after === null ? {} : { after: pick(st.after) }), fields: st.fields };
          else if (st.t === 'del') intent = { type: 'deleteRecord', record: pick(st.r) };
          else if (st.t === 'move') intent = { type: 'moveRecord', record: pick(st.r), direction: st.up ? 'up' : 'down' };
          else intent = { type: 'setFrontMatter', key: st.k, value: st.v };
          if (n === 0 && intent.type !== 'setFrontMatter' && intent.type !== 'addRecord') continue;
          const raw = applyIntent(report, intent, { verify: false });
          const checked = applyIntent(report, intent);
          if ('error' in raw) {
            assert.match(raw.error, EXPECTED_REFUSALS, `${JSON.stringify(intent)}: ${raw.error}`);
            assert.ok('error' in checked);
            continue;
          }
          assert.ok(!('error' in checked), `the check refused a correct edit: ${'error' in checked ? checked.error : ''}`);
          const out = applyEdits(text, raw.edits);
          const after = parseReport(out);
          noNewProblems(original, after);
          if (crlf) assert.doesNotMatch(out.replace(/\r\n/g, ''), /[\r\n]/);
          else assert.doesNotMatch(out, /\r/);
          const count = after.records.length - n;
          if (intent.type === 'addRecord') {
            assert.equal(count, 1);
            // (an id-less device loses its implied id D1 when a second device arrives, so it is not counted)
            const added = after.records.filter((r) => r.id !== undefined && !report.records.some((o) => o.id === r.id));
            assert.equal(added.length, 1);
            assert.equal(added[0]!.kind, intent.kind);
            const plain = toPlain(added[0]!.map) as Record<string, unknown>;
            for (const [k, v] of Object.entries(intent.fields ?? {})) if (v !== null && k !== 'id') assert.deepEqual(plain[k], v);
          } else if (intent.type === 'deleteRecord') {
            assert.equal(count, -1);
          } else if (intent.type === 'moveRecord') {
            assert.equal(count, 0);
            const i = (intent.record as { index: number }).index;
            const j = intent.direction === 'up' ? i - 1 : i + 1;
            assert.deepEqual(toPlain(after.records[j]!.map), toPlain(report.records[i]!.map));
            assert.deepEqual(toPlain(after.records[i]!.map), toPlain(report.records[j]!.map));
          } else if (intent.type === 'setField') {
            assert.equal(count, 0);
            const i = (intent.record as { index: number }).index;
            const got = after.records[i]!.fields.get(intent.field);
            if (intent.value === null) assert.equal(got, undefined);
            else assert.deepEqual(toPlain(got!.value), intent.value);
          } else {
            const got = after.frontMatter!.fields.get(intent.key);
            if (intent.value === null) assert.equal(got, undefined);
            else assert.deepEqual(toPlain(got!.value), intent.value);
          }
          text = out;
        }
      }),
      { numRuns: Number(process.env.EDIT_RUNS ?? 150) },
    );
  });
});

describe('lists of numbers', () => {
  test('a list of ports is written as numbers', () => {
    const text = readFileSync(path.resolve(__dirname, '../../examples/xiaomi-redmi-1s/redmi-1s.audit.md'), 'utf8');
    const report = parseReport(text);
    const r = applyIntent(report, { type: 'setField', record: { id: 'F1' }, field: 'port', value: [443, 5228] });
    assert.ok('edits' in r, JSON.stringify(r));
    const after = parseReport(applyEdits(text, r.edits));
    const port = after.byId.get('F1')!.fields.get('port')!.value!;
    assert.equal(port.type, 'seq');
    assert.deepEqual(port.type === 'seq' ? port.items.map((i) => (i.type === 'scalar' ? i.value : null)) : [], [443, 5228]);
  });
});

describe('next ids (issue 8, 16)', () => {
  test('the id after a huge one is exact, for the editor and quick fixes as for hash', () => {
    const report = parseReport(['```evidence', 'id: E999999999999999999999', 'file: a.pcap', '```', '```flow', 'id: F9007199254740993', '```', ''].join('\n'));
    assert.equal(nextId(report, 'evidence'), 'E1000000000000000000000');
    assert.equal(nextId(report, 'flow'), 'F9007199254740994');
    assert.equal(nextId(report, 'step'), 'S1');
  });
});
