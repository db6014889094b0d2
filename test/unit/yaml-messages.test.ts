/**
 * One YAML typo, one diagnostic: a block that does not parse is reported once
 * (PA002), in plain words at the line of the typo, and the records it would
 * have defined are not reported as missing (PA005) nor their references as
 * absent (PA024, PA031, PA032).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Linter, lintText } from '../../src/core/lint/linter';

const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';
const REST = '\n```device\nvendor: V\nmodel: M\nbuild: B\n```\n\n```evidence\nid: E1\nurl: https://example.org/e1\n```\n\n```finding\nid: FN1\ntitle: T\nseverity: low\nflows: [F1]\nevidence: [E1]\n```\n\nSee [@F1].\n';

/** A report whose flow block holds `yaml`; the line of `typo` (1-based) is where the diagnostic must be. */
async function lintFlow(yaml: string) {
  const text = `${FM}# R\n\n\`\`\`flow\n${yaml}\n\`\`\`\n${REST}`;
  const { diagnostics } = await lintText(text);
  return { text, diagnostics };
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

const TYPOS: [name: string, yaml: string, at: string, says: RegExp][] = [
  ['a stray comma after a list', 'id: F1\nfrom: D1\nto: a.example.com\ndata: [IMEI], \nevidence: [E1]', 'data: [IMEI]', /`,` cannot follow the value/],
  ['an unclosed list', 'id: F1\nfrom: D1\nto: a.example.com\ndata: [IMEI\nevidence: [E1]', 'evidence: [E1]', /list opened with `\[` is not closed/],
  ['a colon in a value', 'id: F1\nfrom: D1\nto: a.example.com, data: [IMEI]\nevidence: [E1]', 'to: a.example.com', /colon and a space/],
  ['an unclosed quote', 'id: F1\nfrom: D1\nto: "a.example.com\nevidence: [E1]', 'to: "a', /double quote .* is not closed/],
  ['a tab', 'id: F1\nfrom: D1\n\tto: a.example.com\nevidence: [E1]', '\tto:', /tab/],
  ['a misaligned field', '- id: F1\n  from: D1\n to: a.example.com\n  evidence: [E1]', ' to: a.example', /indented differently/],
  ['a repeated field', 'id: F1\nfrom: D1\nto: a.example.com\nto: b.example.com\nevidence: [E1]', 'to: b.example.com', /`to` appears twice/],
  ['a value starting with @', 'id: F1\nfrom: D1\nto: @home\nevidence: [E1]', '@home', /cannot start with `@`/],
];

describe('PA002: one diagnostic per unparsable block, in plain words', () => {
  for (const [name, yaml, at, says] of TYPOS) {
    test(name, async () => {
      const { text, diagnostics } = await lintFlow(yaml);
      const shown = diagnostics.map((d) => `${d.range.start.line + 1} ${d.rule} ${d.message}`).join('\n');
      assert.deepEqual(diagnostics.map((d) => d.rule), ['PA002'], shown);
      const d = diagnostics[0]!;
      assert.match(d.message, says);
      assert.match(d.message, /^The `flow` block is not valid YAML/);
      assert.doesNotMatch(d.message, /node end|compact mapping|implicit|scalar/i, 'no parser jargon');
      assert.equal(d.range.start.line + 1, lineOf(text, at), shown);
    });
  }

  test('without the typo the same report is clean', async () => {
    const { diagnostics } = await lintFlow('id: F1\nfrom: D1\nto: a.example.com\ndata: [IMEI]\nevidence: [E1]');
    assert.deepEqual(diagnostics.map((d) => `${d.rule} ${d.message}`), []);
  });

  test('ids the broken block does not define are still reported', async () => {
    const { diagnostics } = await lintFlow('id: F2\nfrom: D1\nto: a.example.com\ndata: [IMEI], \nevidence: [E1]');
    assert.deepEqual(diagnostics.map((d) => d.rule).sort(), ['PA002', 'PA005', 'PA005']);
  });

  test('re-linting after the typo is typed and removed again (incremental parse) agrees', async () => {
    const linter = new Linter();
    const good = `${FM}# R\n\n\`\`\`flow\nid: F1\nfrom: D1\nto: a.example.com\ndata: [IMEI]\nevidence: [E1]\n\`\`\`\n${REST}`;
    assert.deepEqual((await linter.lint(good)).diagnostics, []);
    const bad = good.replace('data: [IMEI]', 'data: [IMEI], ');
    assert.deepEqual((await linter.lint(bad)).diagnostics.map((d) => d.rule), ['PA002']);
    assert.deepEqual((await linter.lint(good)).diagnostics, []);
  });
});
