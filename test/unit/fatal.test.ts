/**
 * A fatal PA000 (the file is not a report at all) is a flag of the parse
 * problem, not a reading of its message: the linter runs no other rule and the
 * renderer draws nothing of the text; invalid UTF-8 is a PA000 that is not fatal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Linter } from '../../src/core/lint/linter';
import { parseReport } from '../../src/core/report/parse';
import { renderReport } from '../../src/core/present/render/html';
import { LIMITS } from '../../src/core/report/yaml';
import { frontMatter } from '../support/reports';

const REPORT = `${frontMatter('Fatal')}# Findings heading

\`\`\`flow
id: F1
from: D9
to: a.example.com
\`\`\`
`;

describe('fatal PA000', () => {
  test('a NUL byte and a file over the size limit are fatal; invalid UTF-8 is not', () => {
    const nul = parseReport(REPORT + '\u0000');
    assert.deepEqual(nul.problems.map((p) => [p.rule, p.fatal]), [['PA000', true]]);
    const big = parseReport('x'.repeat(LIMITS.maxFileChars + 1));
    assert.deepEqual(big.problems.map((p) => [p.rule, p.fatal]), [['PA000', true]]);
    const bad = parseReport(REPORT + 'caf\ufffd\n');
    assert.deepEqual(bad.problems.filter((p) => p.rule === 'PA000').map((p) => p.fatal), [undefined]);
  });

  test('the linter runs only PA000 after a fatal problem, every rule after invalid UTF-8', async () => {
    const fatal = await new Linter().lint(REPORT + '\u0000');
    assert.deepEqual([...new Set(fatal.diagnostics.map((d) => d.rule))], ['PA000']);
    const bad = await new Linter().lint(REPORT + 'caf\ufffd\n');
    const rules = new Set(bad.diagnostics.map((d) => d.rule));
    assert.ok(rules.has('PA000') && rules.has('PA005'), [...rules].join(' '));
  });

  test('the renderer draws no text of a fatal file, and all of a file with invalid UTF-8', async () => {
    const fatal = renderReport(await new Linter().lint(REPORT + '\u0000'), { mode: 'preview' }).html;
    assert.doesNotMatch(fatal, /Findings heading/);
    const bad = renderReport(await new Linter().lint(REPORT + 'caf\ufffd\n'), { mode: 'preview' }).html;
    assert.match(bad, /Findings heading/);
  });
});
