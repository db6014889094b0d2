/**
 * A short, fixed-seed run of bench/fuzz-hostile.ts: 300 hostile reports
 * through every core entry point (parse, lint, re-lint, mask, diagrams,
 * render, export document), each call in a worker that is ended when it
 * takes longer than 2 s. Fails on any call that throws or hangs, with the
 * failing input as a reproducer. The long run (10,000 inputs, reports up to
 * 5 MB) is `node --import tsx bench/fuzz-hostile.ts`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { buildText, describeFailures, fuzz, hostileReport, runOne, textExpression } from '../../bench/fuzz-hostile';

describe('hostile reports', () => {
  test('300 inputs (seed 8008): no entry point throws, none takes over 2 s', { timeout: 15 * 60_000 }, async () => {
    const s = await fuzz({ runs: 300, seed: 8008, limitMs: 2000, maxChars: 100_000, minimize: false, minimizeMs: 0 });
    assert.equal(s.inputs, 300);
    assert.equal(s.failures.length, 0, describeFailures(s));
    assert.equal(s.crashes + s.hangs + s.workerDeaths, 0);
    // every entry point ran
    for (const e of ['parse', 'lint', 'relint', 'mask', 'dataflow', 'timeline', 'render', 'render-export', 'export'] as const) assert.ok(s.maxMs[e], `${e} never ran`);
  });

  test('the harness ends a call over the limit and says where it was', { timeout: 120_000 }, async () => {
    // 20,000 record blocks (1.3 MB): no parse is done in 1 ms
    const r = await runOne({ bom: false, eol: 'lf', edit: null, parts: [{ t: 'records', kind: 'flow', n: 20_000, distinctIds: true, oneBlock: false }] }, 1);
    assert.equal(r.hang?.entry, 'parse');
    assert.match(r.hang.stack, /src\/core\/|node_modules\//);
  });

  test('the same seed makes the same inputs', () => {
    const a = fc.sample(hostileReport(10_000), { numRuns: 50, seed: 3 });
    const b = fc.sample(hostileReport(10_000), { numRuns: 50, seed: 3 });
    assert.deepEqual(a.map(buildText), b.map(buildText));
  });

  test('reproducers are short expressions that evaluate to the text', () => {
    const text = `---\n${'['.repeat(5000)}\u202e\ud800${'ab'.repeat(300)}x\n`;
    const expr = textExpression(text);
    assert.ok(expr.length < 120, expr);
    assert.equal(new Function(`return ${expr};`)(), text);
  });
});
