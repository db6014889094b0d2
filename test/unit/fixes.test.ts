/**
 * The quick fixes of issue 10, each applied to a small report: the fixed text
 * must be exactly the report with the one change expected (`changes`: a fix
 * that took a line or a block more with it fails), and the diagnostic must go
 * from its place (or stay, for a placeholder): `still` counts the
 * diagnostics of the rule at the fixed diagnostic's place or in the text the
 * fix wrote, whatever their message. Which fixes are safe for Fix all
 * (`preferred`) is part of what is tested.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintText } from '../../src/core/lint/linter';
import type { Diagnostic, Fix } from '../../src/core/report/types';
import { applyEdits } from '../support/edits';
import { stillAt } from '../support/fix-outcome';

const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n# R\n\n';
const DEVICE = '```device\nvendor: V\nmodel: M\nbuild: B\n```\n\n';

/** Lints `body` (after front matter and a device), finds the (first) fix of `rule` whose title matches, applies it. */
async function fix(body: string, rule: string, title: RegExp, fm = FM) {
  const text = fm + DEVICE + body;
  const { diagnostics } = await lintText(text);
  const withRule = diagnostics.filter((d) => d.rule === rule);
  const found: { d: Diagnostic; f: Fix }[] = withRule.flatMap((d) => (d.fixes ?? []).filter((f) => title.test(f.title)).map((f) => ({ d, f })));
  assert.ok(found.length >= 1, `${rule} fixes: ${withRule.flatMap((d) => (d.fixes ?? []).map((f) => f.title)).join(' | ') || 'none'}\n${diagnostics.map((d) => `${d.rule} ${d.message}`).join('\n')}`);
  const { d, f } = found[0]!;
  const fixed = applyEdits(text, f.edits);
  const after = (await lintText(fixed)).diagnostics;
  const still = stillAt(d, after, f.edits).length;
  return { text, fixed, fix: f, diagnostic: d, still, after, body: fixed.slice(fm.length + DEVICE.length), fmAfter: fixed.slice(0, fixed.indexOf('\n---\n') + 5) };
}

/** The fixed text is the text with its one `from` (which must occur once) made `to`, and nothing else changed. */
function changes(r: { text: string; fixed: string }, from: string, to: string): void {
  assert.equal(r.text.split(from).length, 2, `${JSON.stringify(from)} occurs once in the report`);
  assert.equal(r.fixed, r.text.replace(from, () => to));
}

const EVIDENCE = '```evidence\n- id: E1\n  url: https://example.org/1\n  captured: 2014-08-06\n- id: E2\n  url: https://example.org/2\n  captured: 2014-08-06\n```\n\n[@E1]\n';

describe('PA007: the repeat removed (safe for Fix all)', () => {
  test('in a [] list', async () => {
    const r = await fix('```flow\nid: F1\nfrom: D1\nto: a.example.com\ndata: [IMEI]\nevidence: [E1, E2, E1#frame=3, E1]\n```\n\n' + EVIDENCE, 'PA007', /Remove the repeated `E1`/);
    changes(r, 'evidence: [E1, E2, E1#frame=3, E1]\n', 'evidence: [E1, E2, E1#frame=3]\n');
    assert.equal(r.fix.preferred, true);
    assert.equal(r.still, 0);
  });
  test('in a block list', async () => {
    const r = await fix('```flow\nid: F1\nfrom: D1\nto: a.example.com\ndata: [IMEI]\nevidence:\n  - E1\n  - E2\n  - E1 # again\n```\n\n' + EVIDENCE, 'PA007', /Remove/);
    changes(r, 'evidence:\n  - E1\n  - E2\n  - E1 # again\n```', 'evidence:\n  - E1\n  - E2\n```');
    assert.equal(r.still, 0);
  });
});

describe('PA006: empty values and template leftovers', () => {
  test('an empty optional field is deleted with its line', async () => {
    const r = await fix('```flow\nid: F1\nfrom: D1\nto: a.example.com\ncountry: ""\ndata: [IMEI]\nevidence: [E1]\n```\n\n' + EVIDENCE, 'PA006', /Delete the empty `country`/);
    changes(r, 'to: a.example.com\ncountry: ""\ndata: [IMEI]\n', 'to: a.example.com\ndata: [IMEI]\n');
    assert.notEqual(r.fix.preferred, true);
    assert.equal(r.still, 0);
  });
  test('an empty field the record needs has no fix, and says so', async () => {
    const { diagnostics } = await lintText(`${FM}${DEVICE}\`\`\`flow\nid: F1\nfrom: D1\nto: ""\ndata: []\nevidence: [E1]\n\`\`\`\n\n${EVIDENCE}`);
    const pa006 = diagnostics.filter((d) => d.rule === 'PA006');
    assert.deepEqual(pa006.map((d) => /and a flow needs it/.test(d.message)), [true, true]);
    assert.deepEqual(pa006.map((d) => d.fixes ?? []), [[], []]);
  });
  test("the template's instruction goes with its paragraph", async () => {
    const r = await fix(`## Summary\n\nWhat was tested, what left the device, and what the vendor said.\n\nOur text.\n\n${EVIDENCE}`, 'PA006', /instruction/);
    changes(r, '## Summary\n\nWhat was tested, what left the device, and what the vendor said.\n\nOur text.\n', '## Summary\n\nOur text.\n');
    assert.equal(r.still, 0);
  });
  test('an empty identifier is deleted', async () => {
    const text = `${FM}\`\`\`device\nvendor: V\nmodel: M\nbuild: B\nidentifiers:\n  IMEI: "869999012345677"\n  IMSI: ""\n\`\`\`\n`;
    const { diagnostics } = await lintText(text);
    const d = diagnostics.find((x) => x.rule === 'PA006')!;
    assert.equal(applyEdits(text, d.fixes![0]!.edits), text.replace('  IMSI: ""\n', ''));
  });
});

describe('PA003: the value meant', () => {
  const flow = (line: string) => `\`\`\`flow\nid: F1\nfrom: D1\nto: a.example.com\n${line}\ndata: [IMEI]\nevidence: [E1]\n\`\`\`\n\n${EVIDENCE}`;
  test('encryption: TLS 1.3 → tls (a guess: not in Fix all)', async () => {
    const r = await fix(flow('encryption: TLS 1.3'), 'PA003', /Replace with `tls`/);
    changes(r, '\nencryption: TLS 1.3\n', '\nencryption: tls\n');
    assert.notEqual(r.fix.preferred, true);
    assert.equal(r.still, 0);
  });
  test('country: China → CN, from the runtime\'s country names (safe)', async () => {
    const r = await fix(flow('country: China'), 'PA003', /Replace with `CN` \(China\)/);
    changes(r, '\ncountry: China\n', '\ncountry: CN\n');
    assert.equal(r.fix.preferred, true);
    assert.equal(r.still, 0);
  });
  test('quotes are kept; a code in lower case; another country', async () => {
    const hk = await fix(flow('country: "Hong Kong"'), 'PA003', /`HK`/);
    changes(hk, '\ncountry: "Hong Kong"\n', '\ncountry: "HK"\n');
    assert.equal(hk.still, 0);
    const de = await fix(flow('country: de'), 'PA003', /`DE`/);
    changes(de, '\ncountry: de\n', '\ncountry: DE\n');
    assert.equal(de.still, 0);
  });
  test('consent: Opt in → opt-in (the same word: safe)', async () => {
    const r = await fix(flow('consent: Opt in'), 'PA003', /`opt-in`/);
    changes(r, '\nconsent: Opt in\n', '\nconsent: opt-in\n');
    assert.equal(r.fix.preferred, true);
    assert.equal(r.still, 0);
  });
  test('no fix for a value that means nothing known', async () => {
    const { diagnostics } = await lintText(FM + DEVICE + flow('country: Atlantis'));
    assert.deepEqual(diagnostics.filter((d) => d.rule === 'PA003').map((d) => d.fixes), [undefined]);
  });
});

describe('PA005: did you mean, before the stub', () => {
  test('the closest id of the expected kind comes first; the stub last', async () => {
    const text = `${FM}${DEVICE}\`\`\`flow\nid: F1\nfrom: D1\nto: a.example.com\ndata: [IMEI]\nevidence: [E1, E22]\n\`\`\`\n\n${EVIDENCE}`;
    const d = (await lintText(text)).diagnostics.find((x) => x.rule === 'PA005')!;
    assert.match(d.message, /Did you mean `E2`\?/);
    assert.deepEqual(d.fixes!.map((f) => f.title), ['Change `E22` to `E2` (evidence)', 'Add an evidence record `E22` at the end of the report']);
    changes({ text, fixed: applyEdits(text, d.fixes![0]!.edits) }, 'evidence: [E1, E22]\n', 'evidence: [E1, E2]\n');
  });
  test('an id already in the list is not suggested (it would repeat)', async () => {
    const d = (await lintText(`${FM}${DEVICE}\`\`\`flow\nid: F1\nfrom: D1\nto: a.example.com\ndata: [IMEI]\nevidence: [E2, E22]\n\`\`\`\n\n${EVIDENCE}`)).diagnostics.find((x) => x.rule === 'PA005')!;
    assert.deepEqual(d.fixes!.map((f) => f.title), ['Change `E22` to `E1` (evidence)', 'Add an evidence record `E22` at the end of the report']);
  });
  test('in a citation, an evidence id is not turned into a step id', async () => {
    const d = (await lintText(`${FM}${DEVICE}\`\`\`step\nid: S9\naction: x\n\`\`\`\n\nSee [@E99].\n`)).diagnostics.find((x) => x.rule === 'PA005')!;
    assert.deepEqual(d.fixes!.map((f) => f.title), ['Add an evidence record `E99` at the end of the report']);
  });
});

describe('PA014, PA020: placeholders where only the analyst knows the value', () => {
  test('a response without source gets `source: ""` to fill in', async () => {
    const r = await fix('```response\nid: V1\ndate: 2014-08-10\nparty: vendor\nstatement: Fixed.\n```\n', 'PA014', /Add `source:`/);
    changes(r, 'statement: Fixed.\n```', 'statement: Fixed.\nsource: ""\n```');
    assert.equal(r.fix.placeholder, true);
    assert.equal(r.still, 1, 'the warning stays until it is filled in');
  });
  test('a response whose source is written empty (the template\'s) cites an evidence record, web sources first', async () => {
    const text = '```response\nid: V1\ndate: 2014-08-10\nparty: vendor\nsource: ""\nstatement: Fixed.\n```\n\n```evidence\n- id: E1\n  file: a.pcap\n- id: E2\n  url: https://example.com/blog\n```\n';
    const r = await fix(text, 'PA014', /Cite E2 as the source/);
    changes(r, '\nsource: ""\nstatement: Fixed.', '\nsource: E2\nstatement: Fixed.');
    assert.equal(r.still, 0, 'the warning goes');
    const other = await fix(text, 'PA014', /Cite E1 as the source/);
    changes(other, '\nsource: ""\n', '\nsource: E1\n');
    assert.equal(other.still, 0);
  });
  test('an evidence record with an empty file can become a web source', async () => {
    const r = await fix('```evidence\nid: E1\nfile: ""\nkind: web\n```\n\n[@E1]\n', 'PA020', /url/);
    changes(r, '\nfile: ""\nkind: web\n', '\nurl: ""\nkind: web\n');
    assert.equal(r.fix.placeholder, true);
    assert.equal(r.still, 1, 'the error stays until the URL is written');
  });
});

describe('PA024: cite it from the step or flow it belongs to', () => {
  const body = (f2: string) =>
    `\`\`\`step\nid: S1\naction: Boot\ndate: 2014-08-06\nevidence: [E1]\n\`\`\`\n\n\`\`\`flow\n- id: F1\n  from: D1\n  to: a.example.com\n  data: [IMEI]\n  evidence: [E1]\n- id: F2\n  from: D1\n  to: b.example.com\n  data: [IMEI]\n${f2}\`\`\`\n\n${EVIDENCE}`;
  test('a flow with no evidence field gets one', async () => {
    const r = await fix(body(''), 'PA024', /Cite E2 from flow F2 \(→ b\.example\.com\)/);
    changes(r, '  to: b.example.com\n  data: [IMEI]\n```', '  to: b.example.com\n  data: [IMEI]\n  evidence: [E2]\n```');
    assert.equal(r.still, 0);
    assert.equal(r.after.filter((d) => d.rule === 'PA010').length, 0, 'and the flow has evidence now');
  });
  test('an empty list, a block list', async () => {
    const empty = await fix(body('  evidence: []\n'), 'PA024', /flow F2/);
    changes(empty, '  evidence: []\n', '  evidence: [E2]\n');
    assert.equal(empty.still, 0);
    const block = body('').replace('evidence: [E1]\n```\n\n```flow', 'evidence:\n  - E1 # the boot log\n```\n\n```flow');
    const step = await fix(block, 'PA024', /step S1/);
    changes(step, 'evidence:\n  - E1 # the boot log\n```', 'evidence:\n  - E1 # the boot log\n  - E2\n```');
    assert.equal(step.still, 0);
  });
  test('steps and flows of the capture day come first, also those that already cite something', async () => {
    const { diagnostics } = await lintText(FM + DEVICE + body(''));
    const d = diagnostics.find((x) => x.rule === 'PA024')!;
    assert.deepEqual(d.fixes!.map((f) => f.title), ['Cite E2 from flow F2 (→ b.example.com)', 'Cite E2 from step S1 (Boot)']);
  });
});

describe('PA030: declare a new category', () => {
  const flow = '```flow\nid: F1\nfrom: D1\nto: a.example.com\ndata: [wifi scan results]\nevidence: [E1]\n```\n\n' + EVIDENCE;
  test('under a new `categories:` at the end of the front matter', async () => {
    const r = await fix(flow, 'PA030', /Declare/);
    changes(r, 'auditors: [A]\n---\n', 'auditors: [A]\ncategories:\n  - {id: wifi-scan-results, label: wifi scan results, sensitivity: medium}\n---\n');
    assert.equal(r.still, 0);
  });
  test('appended to an existing list, block or flow', async () => {
    const block = FM.replace('auditors: [A]\n', 'auditors: [A]\ncategories:\n  - id: push-token\n    label: Push token\n');
    const appended = await fix(flow, 'PA030', /Declare/, block);
    changes(appended, '    label: Push token\n---\n', '    label: Push token\n  - {id: wifi-scan-results, label: wifi scan results, sensitivity: medium}\n---\n');
    assert.equal(appended.still, 0);
    const inline = FM.replace('auditors: [A]\n', 'auditors: [A]\ncategories: []\n');
    const flowList = await fix(flow, 'PA030', /Declare/, inline);
    changes(flowList, 'categories: []\n', 'categories: [{id: wifi-scan-results, label: wifi scan results, sensitivity: medium}]\n');
    assert.equal(flowList.still, 0);
  });
});

describe('PA042: the report date moved to the latest date', () => {
  test('one fix clears every date after the report date; not safe for Fix all', async () => {
    const r = await fix(
      '```step\n- id: S1\n  action: a\n  date: 2014-11-02\n- id: S2\n  action: b\n  date: 2014-12-01\n```\n',
      'PA042',
      /2014-12-01/,
    );
    changes(r, '\ndate: 2014-10-24\n', '\ndate: 2014-12-01\n');
    assert.notEqual(r.fix.preferred, true);
    assert.deepEqual(r.after.filter((d) => d.rule === 'PA042'), []);
  });
});
