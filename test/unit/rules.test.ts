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
import { Linter } from '../../src/core/linter';
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

describe('fixes', () => {
  test('every fix offered on the broken examples applies cleanly and removes its diagnostic', async () => {
    let applied = 0;
    for (const file of findReports(path.join(ROOT, 'examples', 'broken'))) {
      const text = readFileSync(file, 'utf8');
      if (text.includes('\u0000')) continue;
      const { diagnostics } = await new Linter().lint(text, { filePath: file, root: ROOT });
      for (const d of diagnostics) {
        for (const fix of d.fixes ?? []) {
          const fixed = applyEdits(text, fix.edits);
          const after = await new Linter().lint(fixed, { filePath: file, root: ROOT });
          const same = after.diagnostics.filter((x) => x.rule === d.rule && x.message === d.message);
          assert.equal(same.length, fix.placeholder ? 1 : 0, `${path.basename(file)}: "${fix.title}" left "${d.message}"`);
          // a fix never breaks the YAML
          assert.equal(after.diagnostics.filter((x) => x.rule === 'PA002').length, diagnostics.filter((x) => x.rule === 'PA002').length, fix.title);
          applied++;
        }
      }
    }
    assert.ok(applied >= 8, `expected at least 8 fixes, applied ${applied}`);
  });
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
