/**
 * Fixture tests in markdownlint's style: every `*.audit.md` under
 * examples/ and test/fixtures/ carries its expected diagnostics as markers
 * at the end of lines (`# expect: PA010` in YAML, `<!-- expect: PA005 -->` in
 * prose, `expect@N:` for a diagnostic on line N). The linter must report
 * exactly those (rule, line) pairs: no more, no fewer. A file without
 * markers must lint clean.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { RULES } from '../../src/core/lint';
import { Linter } from '../../src/core/lint/linter';
import type { Diagnostic, TextEdit } from '../../src/core/report/types';
import { applyEdits } from '../support/edits';
import { expectedOf } from '../support/markers';

const ROOT = path.resolve(__dirname, '..', '..');

function findReports(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return findReports(p);
    return name.endsWith('.audit.md') ? [p] : [];
  });
}


const files = [...findReports(path.join(ROOT, 'examples')), ...findReports(path.join(ROOT, 'test', 'fixtures'))];
const fired = new Set<string>();
/** Fix titles applied by the fix tests, ids and values left out. */
const fixesApplied = new Set<string>();

describe('rule fixtures (expect markers)', () => {
  for (const file of files) {
    test(path.relative(ROOT, file), async () => {
      const text = readFileSync(file, 'latin1').includes('\u0000') ? readFileSync(file, 'latin1') : readFileSync(file, 'utf8');
      const { diagnostics } = await new Linter().lint(text, { filePath: file, root: ROOT });
      const actual = diagnostics.map((d) => `${d.rule}@${d.range.start.line + 1}`).sort();
      for (const d of diagnostics) fired.add(d.rule);
      assert.deepEqual(actual, expectedOf(text), diagnostics.map((d) => `${d.range.start.line + 1}: ${d.rule} ${d.message}`).join('\n'));
    });
  }

  test('every rule fires somewhere in the fixtures', () => {
    const missing = RULES.map((r) => r.id).filter((id) => !fired.has(id));
    assert.deepEqual(missing, []);
  });
});

describe('rule metadata and docs', () => {
  for (const rule of RULES) {
    test(`${rule.id} has metadata and a doc page`, () => {
      assert.match(rule.name, /^[a-z0-9-]+$/);
      assert.ok(rule.description.length > 10);
      const doc = readFileSync(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`), 'utf8');
      assert.ok(doc.startsWith(`# ${rule.id}`), 'page title starts with the id');
      assert.ok(doc.includes(rule.name), 'page names the rule');
      assert.ok(doc.toLowerCase().includes(`default severity: **${rule.defaultSeverity}**`), 'page states the default severity');
    });
  }
});

/** Where the new text of each edit ends up in the edited text. */
function insertedSpans(edits: readonly { span: { start: number; end: number }; newText: string }[]): { start: number; end: number }[] {
  let delta = 0;
  return [...edits]
    .sort((a, b) => a.span.start - b.span.start)
    .map((e) => {
      const start = e.span.start + delta;
      delta += e.newText.length - (e.span.end - e.span.start);
      return { start, end: start + e.newText.length };
    });
}

describe('fixes', () => {
  // (a message that names a line says the same after a fix that adds lines above it)
  const key = (d: { rule: string; message: string }) => `${d.rule} ${d.message.replace(/\bline \d+/g, 'line #')}`;
  const count = (ds: readonly { rule: string; message: string }[], k: string) => ds.filter((x) => key(x) === k).length;
  // the broken examples and every fixture: each fix applied alone, the text linted again
  const fixable = [...findReports(path.join(ROOT, 'examples', 'broken')), ...findReports(path.join(ROOT, 'test', 'fixtures'))];
  for (const file of fixable) {
    test(`every fix offered on ${path.relative(ROOT, file)} applies cleanly and removes its diagnostic`, async () => {
      const text = readFileSync(file, 'utf8');
      if (text.includes('\u0000')) return;
      const { diagnostics } = await new Linter().lint(text, { filePath: file, root: ROOT });
      for (const d of diagnostics) {
        for (const fix of d.fixes ?? []) {
          const fixed = applyEdits(text, fix.edits);
          const after = (await new Linter().lint(fixed, { filePath: file, root: ROOT })).diagnostics;
          const k = key(d);
          // several diagnostics may read the same (a sentence left twice): one fewer, or all gone when one fix serves them all
          if (fix.placeholder) assert.equal(count(after, k), count(diagnostics, k), `"${fix.title}" is a placeholder: "${d.message}" stays`);
          else assert.ok(count(after, k) < count(diagnostics, k), `"${fix.title}" left "${d.message}"`);
          // a fix never breaks the YAML, and brings no problem that was not there before (PA041 counts the others)
          assert.equal(after.filter((x) => x.rule === 'PA002').length, diagnostics.filter((x) => x.rule === 'PA002').length, fix.title);
          // (what a fix writes for the analyst to fill in, such as a stub record, may have problems of its own)
          const written = insertedSpans(fix.edits);
          const inWritten = (x: { span: { start: number } }) => written.some((w) => w.start <= x.span.start && x.span.start <= w.end);
          // (counted by rule: a message may change with the text, as "did you mean" does)
          const ofRule = (ds: readonly Diagnostic[], rule: string) => ds.filter((x) => x.rule === rule && !(ds === after && inWritten(x))).length;
          const grown = [...new Set(after.map((x) => x.rule))].filter((rule) => rule !== 'PA041' && ofRule(after, rule) > ofRule(diagnostics, rule));
          assert.deepEqual(grown, [], `"${fix.title}" added problems: ${after.filter((x) => grown.includes(x.rule)).map(key).join('; ')}`);
          fixesApplied.add(`${d.rule}: ${fix.title.replace(/`[^`]*`/g, '…')}`);
        }
      }
    });
  }
  for (const file of fixable) {
    test(`Fix all (every safe fix at once, as the editor applies them) on ${path.relative(ROOT, file)}`, async () => {
      const text = readFileSync(file, 'utf8');
      if (text.includes('\u0000')) return;
      const { diagnostics } = await new Linter().lint(text, { filePath: file, root: ROOT });
      const chosen: { d: Diagnostic; edits: readonly { span: { start: number; end: number }; newText: string }[] }[] = [];
      const taken: { start: number; end: number }[] = [];
      for (const d of diagnostics) {
        const fix = d.fixes?.find((f) => f.preferred && !f.placeholder && !f.requiresConfirmation);
        if (!fix || fix.edits.some((e) => taken.some((t) => e.span.start < t.end && t.start < e.span.end))) continue;
        chosen.push({ d, edits: fix.edits });
        taken.push(...fix.edits.map((e) => e.span));
      }
      if (!chosen.length) return;
      const after = (await new Linter().lint(applyEdits(text, chosen.flatMap((c) => c.edits as TextEdit[])), { filePath: file, root: ROOT })).diagnostics;
      for (const { d } of chosen) assert.ok(count(after, key(d)) < count(diagnostics, key(d)) || count(after, key(d)) === 0, `Fix all left "${d.message}"`);
      assert.equal(after.filter((x) => x.rule === 'PA002').length, diagnostics.filter((x) => x.rule === 'PA002').length);
      for (const rule of new Set(after.map((x) => x.rule))) {
        if (rule === 'PA041') continue;
        assert.ok(after.filter((x) => x.rule === rule).length <= diagnostics.filter((x) => x.rule === rule).length, `Fix all added ${rule} problems`);
      }
    });
  }
  test('fixes were applied', () => assert.ok(fixesApplied.size >= 8, [...fixesApplied].join('\n')));
});

describe('PA041 counts every other rule', () => {
  test('the numbers in its message equal the other errors and warnings', async () => {
    const file = path.join(ROOT, 'examples', 'broken', 'records.audit.md');
    const { diagnostics } = await new Linter().lint(readFileSync(file, 'utf8'), { filePath: file, root: ROOT });
    const others = diagnostics.filter((d) => d.rule !== 'PA041');
    const pa041 = diagnostics.find((d) => d.rule === 'PA041')!;
    const errors = others.filter((d) => d.severity === 'error').length;
    const warnings = others.filter((d) => d.severity === 'warning').length;
    assert.ok(others.some((d) => d.rule === 'PA042'), 'a rule after PA041 in the catalogue fires');
    assert.match(pa041.message, new RegExp(`but ${errors} errors and ${warnings} warnings remain`));
  });
});
