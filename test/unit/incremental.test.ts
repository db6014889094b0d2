/**
 * The incremental re-parse (an edit inside one record block) must give the
 * same model as a full parse of the edited text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Report, YNode } from '../../src/core/model';
import { parseReport, reparseEdit } from '../../src/core/parse';
import { carryDiagnostics, Linter } from '../../src/core/linter';

const EXAMPLE = readFileSync(path.resolve(__dirname, '../../examples/xiaomi-redmi-1s/redmi-1s.audit.md'), 'utf8');
const BROKEN = readFileSync(path.resolve(__dirname, '../../examples/broken/records.audit.md'), 'utf8');

function node(n: YNode | null): unknown {
  if (!n) return null;
  if (n.type === 'scalar') return [n.span.start, n.span.end, n.value, n.quoted];
  if (n.type === 'seq') return [n.span.start, n.span.end, n.flow, n.items.map(node)];
  return [n.span.start, n.span.end, n.flow, n.entries.map((e) => [e.key, e.keySpan.start, e.keySpan.end, e.span.start, e.span.end, node(e.value)])];
}

/** Everything a rule or an editor feature can see, as plain data. */
function project(r: Report): unknown {
  return {
    lines: r.lines.lineStarts,
    blocks: r.blocks.map((b) => [b.kind, b.span, b.contentSpan, b.openLine, b.closeLine, b.shape, b.records.length]),
    records: r.records.map((x) => [x.kind, x.id, x.idSpan, x.implicitId, x.index, x.span, node(x.map), [...x.fields.keys()], r.blocks.indexOf(x.block)]),
    byId: [...r.byId.entries()].map(([k, v]) => [k, r.records.indexOf(v)]),
    references: r.references.map((x) => [x.id, x.locator, x.span, x.idSpan, x.field, x.from && r.records.indexOf(x.from)]),
    citations: r.citations.map((x) => [x.id, x.locator, x.span, x.idSpan]),
    headings: r.headings,
    problems: r.problems,
  };
}

const FRAGMENTS = ['x', ' ', '\n', '\n  ', 'E1', ', E2', '[', ']', ':', '- id: F9\n  to: y', '#', '"', '\n```', '\n~~~', 'évidence', '📱', '\t', '\r\n'];

function edits(text: string) {
  const r = parseReport(text);
  const spans = r.blocks.map((b) => b.contentSpan).filter((s) => s.end > s.start);
  return fc
    .record({
      block: fc.integer({ min: 0, max: spans.length - 1 }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      del: fc.integer({ min: 0, max: 12 }),
      ins: fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 4 }).map((a) => a.join('')),
    })
    .map(({ block, at, del, ins }) => {
      const s = spans[block]!;
      const start = s.start + Math.floor(at * (s.end - s.start));
      const end = Math.min(s.end, start + del);
      return text.slice(0, start) + ins + text.slice(end);
    });
}

describe('incremental re-parse', () => {
  for (const [name, text] of [['example', EXAMPLE], ['broken records', BROKEN]] as const) {
    test(`edits inside a block of the ${name} report give the same model as a full parse`, () => {
      let incremental = 0;
      fc.assert(
        fc.property(edits(text), (edited) => {
          const prev = parseReport(text);
          const fast = reparseEdit(prev, edited);
          if (fast) incremental++;
          assert.deepEqual(project(fast ?? parseReport(edited)), project(parseReport(edited)));
        }),
        { numRuns: 300 },
      );
      // most edits must take the fast path, or this test proves nothing
      assert.ok(incremental > 150, `only ${incremental} of 300 edits were incremental`);
    });
  }

  test('an edit that adds a fence line falls back to a full parse', () => {
    const prev = parseReport(EXAMPLE);
    const b = prev.blocks[2]!;
    const edited = EXAMPLE.slice(0, b.contentSpan.start) + '```\n' + EXAMPLE.slice(b.contentSpan.start);
    assert.equal(reparseEdit(prev, edited), undefined);
  });

  test('an edit in prose falls back to a full parse', () => {
    const prev = parseReport(EXAMPLE);
    const at = EXAMPLE.indexOf('## Summary');
    assert.equal(reparseEdit(prev, EXAMPLE.slice(0, at) + 'x' + EXAMPLE.slice(at)), undefined);
  });

  test('a Linter re-linting edits reports the same diagnostics as a fresh one', async () => {
    const linter = new Linter();
    let text = BROKEN;
    await linter.lint(text);
    for (const [from, to] of [['encryption: ssl', 'encryption: tls'], ['severity: severe', 'severity: high'], ['data: [IMEI, phone number]', 'data: [IMEI]']] as const) {
      text = text.replace(from, to);
      const a = await linter.lint(text);
      const b = await new Linter().lint(text);
      assert.deepEqual(a.diagnostics.map((d) => [d.rule, d.range, d.message]), b.diagnostics.map((d) => [d.rule, d.range, d.message]));
    }
  });
});

describe('carryDiagnostics', () => {
  test('keeps the problems an edit did not touch, moved to their new place, and drops the touched ones', async () => {
    const before = await new Linter().lint(BROKEN);
    const at = BROKEN.indexOf('encryption: ssl');
    const edited = BROKEN.slice(0, at) + 'encryption: tls\n  notes: an added line' + BROKEN.slice(at + 'encryption: ssl'.length);
    const after = parseReport(edited);
    const carried = carryDiagnostics(before.report, after, before.diagnostics);
    const fresh = (await new Linter().lint(edited)).diagnostics;
    // the touched problem (PA003 on `ssl`) is gone; every carried one is exactly where a fresh lint puts it
    assert.ok(!carried.some((d) => d.message.includes('`ssl`')));
    assert.ok(carried.length >= before.diagnostics.length - 3, `${carried.length} of ${before.diagnostics.length} kept`);
    const key = (d: { rule: string; range: { start: { line: number; character: number } }; message: string }) => `${d.rule}@${d.range.start.line}:${d.range.start.character} ${d.message}`;
    const freshKeys = new Set(fresh.map(key));
    const moved = carried.filter((d) => d.rule !== 'PA041').map(key);
    assert.deepEqual(moved.filter((k) => !freshKeys.has(k)), []);
  });
});
