/**
 * Lists whose items are mappings of strings (the front matter's `auditors`:
 * `- name: x` / `  org: y`), through setFrontMatter, setField, setFields and
 * addRecord. Every case asserts the exact text after the edit: a block list
 * stays a block list and only the changed items' lines change (a mapping item
 * entry by entry), a flow list stays a flow list, values are quoted only
 * where they must be.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { applyIntent, type FieldValue, type Intent, type IntentResult } from '../../src/core/edit';
import { blockItem, blockValue, flowValue } from '../../src/core/edit/serialize';
import { verifyIntent } from '../../src/core/edit/verify';
import { toPlain, type Report } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import { reportSkeleton } from '../../src/core/features/skeleton';
import type { TextEdit } from '../../src/core/report/types';
import { applyEdits } from '../support/edits';

const EXAMPLE = readFileSync(path.join(__dirname, '../../examples/xiaomi-redmi-1s/redmi-1s.audit.md'), 'utf8');
const SKELETON = reportSkeleton({ id: 'T-1', title: 'T', date: '2024-05-01', auditor: 'Analyst' });
/** The skeleton's auditor line, as the skeleton writes it (quoted or not). */
const NAME_LINE = SKELETON.split('\n').find((l) => l.startsWith('  - name: ')) ?? assert.fail('no auditor in the skeleton');
/** The skeleton with the auditor's name written plain, as the example writes names. */
const PLAIN_SKELETON = SKELETON.replace(NAME_LINE, '  - name: Analyst');
const EXAMPLE_AUDITOR = '  - name: Example Analyst\n    org: Privacy Audit example (re-telling of F-Secure\'s public 2014 test)\n';

const crlf = (s: string) => s.replace(/\n/g, '\r\n');

function outcome(report: Report, intent: Intent): IntentResult {
  return applyIntent(report, intent);
}

function err(text: string, intent: Intent): string {
  const res = outcome(parseReport(text), intent);
  if (!('error' in res)) return assert.fail(`expected an error for ${JSON.stringify(intent)}, got edits ${JSON.stringify(res.edits)}`);
  return res.error;
}

/** Applies an intent: the new text, its parse and the edits (ascending, apart); no new parse problem. */
function run(text: string, intent: Intent): { text: string; report: Report; edits: TextEdit[] } {
  const before = parseReport(text);
  const res = outcome(before, intent);
  if ('error' in res) return assert.fail(`${JSON.stringify(intent)}: ${res.error}`);
  for (let i = 1; i < res.edits.length; i++) assert.ok(res.edits[i]!.span.start >= res.edits[i - 1]!.span.end, 'edits ascending and apart');
  const out = applyEdits(text, res.edits);
  const report = parseReport(out);
  assert.deepEqual(report.problems.map((p) => p.rule), before.problems.map((p) => p.rule), 'no new parse problem');
  return { text: out, report, edits: res.edits };
}

const auditors = (value: FieldValue): Intent => ({ type: 'setFrontMatter', key: 'auditors', value });
const fmValue = (r: Report, key = 'auditors') => toPlain(r.frontMatter!.fields.get(key)?.value);

/** The text every edit replaced, for asserting that nothing outside some lines was touched. */
function touched(text: string, edits: readonly TextEdit[]): string[] {
  return edits.map((e) => text.slice(e.span.start, e.span.end));
}

// ---------------------------------------------------------------- the skeleton

describe('the skeleton’s auditors', () => {
  test('the brief’s case: an organisation added to the only auditor, in the list’s indentation', () => {
    const a = run(PLAIN_SKELETON, auditors([{ name: 'Analyst', org: 'ACME' }]));
    assert.ok(a.text.includes('\nauditors:\n  - name: Analyst\n    org: ACME\nsubject: ""\n'));
    assert.equal(a.text, PLAIN_SKELETON.replace('  - name: Analyst\n', '  - name: Analyst\n    org: ACME\n'));
    assert.deepEqual(fmValue(a.report), [{ name: 'Analyst', org: 'ACME' }]);
    // one insertion, nothing replaced
    assert.deepEqual(touched(PLAIN_SKELETON, a.edits), ['']);
    // the skeleton itself: the name line stays as written (quoted or not), the org goes under it
    const b = run(SKELETON, auditors([{ name: 'Analyst', org: 'ACME' }]));
    assert.equal(b.text, SKELETON.replace(`${NAME_LINE}\n`, `${NAME_LINE}\n    org: ACME\n`));
  });

  test('the name set: only the value’s characters change, its quoting kept', () => {
    const a = run(PLAIN_SKELETON, auditors([{ name: 'Jane Roe' }]));
    assert.equal(a.text, PLAIN_SKELETON.replace('  - name: Analyst\n', '  - name: Jane Roe\n'));
    assert.deepEqual(touched(PLAIN_SKELETON, a.edits), ['Analyst']);
    const b = run(SKELETON, auditors([{ name: 'Jane Roe' }]));
    assert.equal(b.text, SKELETON.replace(NAME_LINE, NAME_LINE.replace('Analyst', 'Jane Roe')));
  });

  test('a second auditor as a plain name, then removed again; the first removed instead', () => {
    const two = run(PLAIN_SKELETON, auditors([{ name: 'Analyst' }, 'Bob']));
    assert.equal(two.text, PLAIN_SKELETON.replace('  - name: Analyst\n', '  - name: Analyst\n  - Bob\n'));
    assert.deepEqual(fmValue(two.report), [{ name: 'Analyst' }, 'Bob']);
    assert.deepEqual(touched(PLAIN_SKELETON, two.edits), ['']);
    // the second removed: back to the skeleton
    assert.equal(run(two.text, auditors([{ name: 'Analyst' }])).text, PLAIN_SKELETON);
    // the first removed: the second keeps its line
    const first = run(two.text, auditors(['Bob']));
    assert.equal(first.text, PLAIN_SKELETON.replace('  - name: Analyst\n', '  - Bob\n'));
    assert.deepEqual(touched(two.text, first.edits), ['  - name: Analyst\n']);
    // and a mapping after a plain name
    const three = run(first.text, auditors(['Bob', { name: 'Carol', org: 'ACME', contact: 'carol@example.org' }]));
    assert.equal(three.text, PLAIN_SKELETON.replace('  - name: Analyst\n', '  - Bob\n  - name: Carol\n    org: ACME\n    contact: carol@example.org\n'));
  });

  test('a plain name becomes a mapping and back: the item’s own lines only', () => {
    const two = PLAIN_SKELETON.replace('  - name: Analyst\n', '  - name: Analyst\n  - Bob\n  - Carol\n');
    const a = run(two, auditors([{ name: 'Analyst' }, { name: 'Bob', org: 'ACME' }, 'Carol']));
    assert.equal(a.text, two.replace('  - Bob\n', '  - name: Bob\n    org: ACME\n'));
    const b = run(a.text, auditors([{ name: 'Analyst' }, 'Bob', 'Carol']));
    assert.equal(b.text, two);
  });

  test('CRLF: the new lines end in CRLF', () => {
    const s = crlf(PLAIN_SKELETON);
    const a = run(s, auditors([{ name: 'Analyst', org: 'ACME' }, 'Bob']));
    assert.equal(a.text, s.replace('  - name: Analyst\r\n', '  - name: Analyst\r\n    org: ACME\r\n  - Bob\r\n'));
    const b = run(a.text, auditors(['Bob']));
    assert.equal(b.text, s.replace('  - name: Analyst\r\n', '  - Bob\r\n'));
    const c = run(a.text, auditors([{ name: 'Analyst', org: 'ACME', contact: 'a@b' }, { name: 'Bob', org: 'X' }]));
    assert.equal(c.text, s.replace('  - name: Analyst\r\n', '  - name: Analyst\r\n    org: ACME\r\n    contact: a@b\r\n  - name: Bob\r\n    org: X\r\n'));
    assert.doesNotMatch(c.text.replace(/\r\n/g, ''), /[\r\n]/);
  });
});

// ---------------------------------------------------------------- the example

describe('the example’s auditors', () => {
  test('the organisation changed: only its characters', () => {
    const a = run(EXAMPLE, auditors([{ name: 'Example Analyst', org: 'ACME' }]));
    assert.equal(a.text, EXAMPLE.replace(EXAMPLE_AUDITOR, '  - name: Example Analyst\n    org: ACME\n'));
    assert.equal(a.edits.length, 1);
    assert.equal(a.edits[0]!.newText, 'ACME');
  });

  test('a contact added, the organisation removed, a second auditor added', () => {
    const a = run(EXAMPLE, auditors([{ name: 'Example Analyst', org: 'Privacy Audit example (re-telling of F-Secure\'s public 2014 test)', contact: 'analyst@example.org' }]));
    assert.equal(a.text, EXAMPLE.replace(EXAMPLE_AUDITOR, `${EXAMPLE_AUDITOR}    contact: analyst@example.org\n`));
    const b = run(EXAMPLE, auditors([{ name: 'Example Analyst' }]));
    assert.equal(b.text, EXAMPLE.replace(EXAMPLE_AUDITOR, '  - name: Example Analyst\n'));
    const c = run(EXAMPLE, auditors([{ name: 'Example Analyst', org: 'Privacy Audit example (re-telling of F-Secure\'s public 2014 test)' }, { name: 'Second Analyst', org: 'F-Secure' }]));
    assert.equal(c.text, EXAMPLE.replace(EXAMPLE_AUDITOR, `${EXAMPLE_AUDITOR}  - name: Second Analyst\n    org: F-Secure\n`));
    // the name changed and the organisation removed: the name's characters, the org's line
    const d = run(EXAMPLE, auditors([{ name: 'E. Analyst' }]));
    assert.equal(d.text, EXAMPLE.replace(EXAMPLE_AUDITOR, '  - name: E. Analyst\n'));
  });

  test('the mapping’s keys in another order: the item is written again, in that order', () => {
    const a = run(EXAMPLE, auditors([{ org: 'ACME', name: 'Example Analyst' }]));
    assert.equal(a.text, EXAMPLE.replace(EXAMPLE_AUDITOR, '  - org: ACME\n    name: Example Analyst\n'));
    assert.deepEqual(Object.keys((fmValue(a.report) as Record<string, string>[])[0]!), ['org', 'name']);
  });
});

// ---------------------------------------------------------------- other items keep their text

describe('items before and after a changed item keep their exact text', () => {
  const SRC = [
    '---',
    'title: T',
    'auditors:',
    '  - name: "Ann"   # lead',
    "    org: 'Org A'",
    '  # the reviewers',
    '  - name: Bob',
    '    org: Org B',
    '    contact: bob@example.org',
    '  - Carol',
    '  - {name: Dan, org: D}',
    'status: draft',
    '---',
    '',
    'Text.',
    '',
  ].join('\n');
  const now = fmValue(parseReport(SRC)) as FieldValue & unknown[];

  test('one organisation changed: that value only', () => {
    const value = now.map((x, i) => (i === 1 ? { ...(x as Record<string, string>), org: 'Org C' } : x)) as FieldValue;
    const a = run(SRC, auditors(value));
    assert.equal(a.text, SRC.replace('    org: Org B\n', '    org: Org C\n'));
    assert.deepEqual(touched(SRC, a.edits), ['B']);
    // a quoted value keeps its quotes, the comment after the name stays
    const b = run(SRC, auditors(now.map((x, i) => (i === 0 ? { name: 'Ann', org: 'Org Z' } : x)) as FieldValue));
    assert.equal(b.text, SRC.replace("    org: 'Org A'\n", "    org: 'Org Z'\n"));
    // a flow mapping item changes inside its braces
    const c = run(SRC, auditors(now.map((x, i) => (i === 3 ? { name: 'Dan', org: 'D', contact: 'd@x' } : x)) as FieldValue));
    assert.equal(c.text, SRC.replace('{name: Dan, org: D}', '{name: Dan, org: D, contact: d@x}'));
  });

  test('an item inserted between two, one removed from the middle, a plain name changed', () => {
    const ins = run(SRC, auditors([...now.slice(0, 2), 'Eve', ...now.slice(2)] as FieldValue));
    assert.equal(ins.text, SRC.replace('    contact: bob@example.org\n', '    contact: bob@example.org\n  - Eve\n'));
    const del = run(SRC, auditors([now[0], now[2], now[3]] as FieldValue));
    assert.equal(del.text, SRC.replace('  - name: Bob\n    org: Org B\n    contact: bob@example.org\n', ''));
    const ren = run(SRC, auditors([now[0], now[1], 'Caroline', now[3]] as FieldValue));
    assert.equal(ren.text, SRC.replace('  - Carol\n', '  - Caroline\n'));
    // two items changed: two edits, the item between them untouched
    const two = run(SRC, auditors([{ name: 'Ann', org: 'Org A2' }, now[1], 'Carla', now[3]] as FieldValue));
    assert.equal(two.text, SRC.replace("'Org A'", "'Org A2'").replace('  - Carol\n', '  - Carla\n'));
    assert.equal(two.edits.length, 2);
    // the last removed, a new one added at the end
    const end = run(SRC, auditors([...now.slice(0, 3), 'Fay'] as FieldValue));
    assert.equal(end.text, SRC.replace('  - {name: Dan, org: D}\n', '  - Fay\n'));
    const last = run(SRC, auditors(now.slice(0, 3) as FieldValue));
    assert.equal(last.text, SRC.replace('  - {name: Dan, org: D}\n', ''));
  });

  test('the form sends every item back as text: numbers, nulls and collections as it shows them are no change', () => {
    const src = '---\nauditors:\n  - name: A\n    org: 2014\n    contact:\n  - 7\n  - name: B\n    team: [x, y]\n---\n';
    // as the form shows them: 2014 → "2014", a null value → "", a list → its JSON
    const shown: FieldValue & unknown[] = [{ name: 'A', org: '2014', contact: '' }, '7', { name: 'B2', team: '["x","y"]' }];
    const a = run(src, auditors(shown));
    assert.equal(a.text, src.replace('name: B\n', 'name: B2\n'));
    assert.deepEqual(fmValue(a.report), [{ name: 'A', org: 2014, contact: null }, 7, { name: 'B2', team: ['x', 'y'] }]);
    // a number changed to the same digits as a string is no change; to other digits, a quoted string
    const b = run(src, auditors([{ name: 'A', org: '2015', contact: '' }, '7', shown[2]!] as FieldValue));
    assert.equal(b.text, src.replace('org: 2014', 'org: "2015"').replace('name: B\n', 'name: B2\n'));
  });
});

// ---------------------------------------------------------------- flow lists, new lists

describe('flow lists stay flow lists; new lists of mappings are block lists', () => {
  test('auditors: [{name: A}]', () => {
    const src = '---\ntitle: T\nauditors: [{name: A}] # people\n---\n';
    const a = run(src, auditors([{ name: 'A', org: 'B' }]));
    assert.equal(a.text, src.replace('[{name: A}]', '[{name: A, org: B}]'));
    const b = run(src, auditors([{ name: 'A' }, 'C', { name: 'Dr. X: Y', org: '2014' }]));
    assert.equal(b.text, src.replace('[{name: A}]', '[{name: A}, C, {name: "Dr. X: Y", org: "2014"}]'));
    assert.deepEqual(fmValue(b.report), [{ name: 'A' }, 'C', { name: 'Dr. X: Y', org: '2014' }]);
    // in CRLF
    assert.equal(run(crlf(src), auditors([{ name: 'A', org: 'B' }])).text, crlf(src).replace('[{name: A}]', '[{name: A, org: B}]'));
  });

  test('an empty list, a plain name, no auditors yet: a block list under the key', () => {
    const empty = '---\ntitle: T\nauditors: []\nstatus: draft\n---\n';
    assert.equal(run(empty, auditors([{ name: 'A', org: 'B' }])).text, empty.replace('auditors: []\n', 'auditors:\n  - name: A\n    org: B\n'));
    const scalar = '---\ntitle: T\nauditors: A # lead\nstatus: draft\n---\n';
    assert.equal(run(scalar, auditors([{ name: 'A', org: 'B' }, 'C'])).text, scalar.replace('auditors: A # lead\n', 'auditors: # lead\n  - name: A\n    org: B\n  - C\n'));
    const none = '---\ntitle: T\nstatus: draft\ndate: 2024-05-01\nsubject: S\n---\n';
    assert.equal(run(none, auditors([{ name: 'A' }])).text, none.replace('date: 2024-05-01\n', 'date: 2024-05-01\nauditors:\n  - name: A\n'));
    // back to no auditor at all, and to a list of names only (in flow style, as lists of strings are written)
    assert.equal(run(PLAIN_SKELETON, auditors([])).text, PLAIN_SKELETON.replace('auditors:\n  - name: Analyst\n', 'auditors: []\n'));
    assert.equal(run(empty, auditors(['A', 'B'])).text, empty.replace('[]', '[A, B]'));
  });

  test('a list of mappings in a record: setField, setFields, addRecord (a new block and a new sequence item)', () => {
    const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';
    const src = `${FM}\n\`\`\`flow\n- id: F1\n  to: x\n\`\`\`\n`;
    const people = [{ name: 'A', org: 'B' }, 'C'];
    const a = run(src, { type: 'setField', record: { id: 'F1' }, field: 'x-people', value: people });
    assert.equal(a.text, src.replace('  to: x\n', '  to: x\n  x-people:\n    - name: A\n      org: B\n    - C\n'));
    const b = run(a.text, { type: 'setFields', record: { id: 'F1' }, fields: { 'x-people': [{ name: 'A', org: 'B2' }, 'C'], to: 'y' } });
    assert.equal(b.text, a.text.replace('org: B\n', 'org: B2\n').replace('to: x', 'to: y'));
    const c = run(src, { type: 'addRecord', kind: 'flow', fields: { to: 'z', 'x-people': people } });
    assert.equal(c.text, src.replace('  to: x\n', '  to: x\n- id: F2\n  to: z\n  x-people:\n    - name: A\n      org: B\n    - C\n'));
    const d = run(`${FM}\nText.\n`, { type: 'addRecord', kind: 'device', fields: { 'x-people': people } });
    assert.equal(d.text, `${FM}\nText.\n\n\`\`\`device\nid: D1\nx-people:\n  - name: A\n    org: B\n  - C\n\`\`\`\n`);
    // a record written as a flow mapping: flow style
    const flow = `${FM}\n\`\`\`flow\n- {id: F1, to: x}\n\`\`\`\n`;
    assert.equal(run(flow, { type: 'setField', record: { id: 'F1' }, field: 'x-people', value: people }).text, flow.replace('to: x}', 'to: x, x-people: [{name: A, org: B}, C]}'));
  });
});

// ---------------------------------------------------------------- quoting

describe('values quoted where they must be', () => {
  test('in block items: a colon, a leading - or *, digits, words YAML reads otherwise, an empty string, line breaks', () => {
    const value = [{ name: 'Dr. X: Y', org: '- x', contact: '*y' }, { name: '2014', org: 'true', contact: '' }, '- z', '2014', { name: '#c', org: 'a #b', contact: 'two\nlines' }];
    const a = run(PLAIN_SKELETON, auditors(value));
    assert.equal(
      a.text,
      PLAIN_SKELETON.replace(
        '  - name: Analyst\n',
        [
          '  - name: "Dr. X: Y"',
          '    org: "- x"',
          '    contact: "*y"',
          '  - name: "2014"',
          '    org: "true"',
          '    contact: ""',
          '  - "- z"',
          '  - "2014"',
          '  - name: "#c"',
          '    org: "a #b"',
          '    contact: |-',
          '      two',
          '      lines',
          '',
        ].join('\n'),
      ),
    );
    assert.deepEqual(fmValue(a.report), value);
  });

  test('characters that must not be written raw are escaped; a key that needs quotes is quoted', () => {
    const value = [{ name: 'A\u2028B', 'e-mail address': 'a@b', 'x: y': 'z' }];
    const a = run(PLAIN_SKELETON, auditors(value));
    assert.equal(a.text, PLAIN_SKELETON.replace('  - name: Analyst\n', '  - name: "A\\u2028B"\n    e-mail address: a@b\n    "x: y": z\n'));
    assert.deepEqual(fmValue(a.report), value);
    assert.doesNotMatch(a.text, /\u2028/);
  });

  test('the serialisers: block items, flow lists of mappings, block lists', () => {
    assert.deepEqual(blockItem({ name: 'x', org: 'y' }), ['- name: x', '  org: y']);
    assert.deepEqual(blockItem({}), ['- {}']);
    assert.deepEqual(blockItem('2014'), ['- "2014"']);
    assert.equal(flowValue([{ name: 'x', org: 'a, b' }, 'c', 3, {}]), '[{name: x, org: "a, b"}, c, 3, {}]');
    assert.equal(flowValue([{ 'a b': '[x]' }]), '[{a b: "[x]"}]');
    assert.deepEqual(blockValue([{ name: 'x' }, 5]), { inline: '', rest: ['  - name: x', '  - 5'] });
    // a character that must not be written raw: every string of the item double-quoted, the character escaped
    assert.deepEqual(blockItem({ name: 'A\u2028B', org: 'x' }), ['- name: "A\\u2028B"', '  org: "x"']);
    assert.equal(flowValue([{ name: 'A\u0085B' }]), '[{name: "A\\u0085B"}]');
  });
});

// ---------------------------------------------------------------- errors and the check

describe('errors', () => {
  test('values that are not lists of strings, numbers or mappings of strings', () => {
    const bad: unknown[] = [
      [{ name: { first: 'A' } }],
      [{ name: 1 }],
      [{ '': 'x' }],
      [['nested']],
      [true],
      [null],
      [Number.NaN],
      [new Map([['name', 'A']])],
      [Object.assign(Object.create({ inherited: 'x' }) as object, { name: 'A' })],
      [Object.assign(Object.create(null) as object, { name: 'A' })],
    ];
    for (const v of bad) {
      assert.match(err(PLAIN_SKELETON, auditors(v as FieldValue)), /^A list value must hold strings or numbers only, or mappings of non-empty keys to strings\.$/, JSON.stringify(v));
      assert.match(err(EXAMPLE, { type: 'setFields', record: { id: 'F1' }, fields: { 'x-people': v as FieldValue } }), /^x-people: A list value must hold/);
      assert.match(err(EXAMPLE, { type: 'addRecord', kind: 'flow', fields: { 'x-people': v as FieldValue } }), /^x-people: A list value must hold/);
    }
  });

  test('a front matter written as a flow mapping, or that cannot be read', () => {
    assert.match(err('---\n{title: T, auditors: [A]}\n---\n', auditors([{ name: 'A' }])), /flow mapping/);
    assert.match(err('---\nauditors: [\n---\n', auditors([{ name: 'A' }])), /cannot be read/);
  });

  test('the check refuses a result whose item reads otherwise, its keys in another order included', () => {
    const r = parseReport(EXAMPLE);
    const at = EXAMPLE.indexOf(EXAMPLE_AUDITOR);
    const span = { start: at, end: at + EXAMPLE_AUDITOR.length };
    const edit = (newText: string): TextEdit => ({ span, range: r.lines.range(span), newText });
    const intent = auditors([{ name: 'A', org: 'B' }]);
    const expect = { type: 'setFrontMatter' as const, key: 'auditors', value: [{ name: 'A', org: 'B' }] };
    assert.equal(verifyIntent(r, intent, [edit('  - name: A\n    org: B\n')], expect), undefined);
    assert.match(verifyIntent(r, intent, [edit('  - org: B\n    name: A\n')], expect) ?? '', /front matter does not read back/);
    assert.match(verifyIntent(r, intent, [edit('  - name: A\n    org: C\n')], expect) ?? '', /front matter does not read back/);
    assert.match(verifyIntent(r, intent, [edit('  - name: A\n  - org: B\n')], expect) ?? '', /front matter does not read back/);
  });
});
