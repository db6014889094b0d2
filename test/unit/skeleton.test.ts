/** The New Audit Report skeleton and the evidence records that `hash` and Add Evidence write. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evidenceBlock } from '../../src/core/lint/evidence';
import { lintText } from '../../src/core/lint/linter';
import { scalarText } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import { reportSkeleton, SKELETON_INSTRUCTIONS } from '../../src/core/features/skeleton';

describe('report skeleton', () => {
  test('is structurally valid: every kind once, no front matter, YAML, type or reference problems', async () => {
    const text = reportSkeleton({ id: 'AUDIT-2026-X', title: 'Phone: "test" #1', date: '2026-11-23', auditor: 'A. Analyst' });
    const { report, diagnostics } = await lintText(text);
    assert.deepEqual(report.records.map((r) => r.kind), ['device', 'step', 'flow', 'evidence', 'response', 'finding']);
    assert.deepEqual(diagnostics.filter((d) => /PA00[0-5]/.test(d.rule)).map((d) => `${d.rule} ${d.message}`), []);
    assert.equal(scalarText(report.frontMatter?.fields.get('title')), 'Phone: "test" #1');
    // what is left to fill in shows up as problems to work through
    assert.ok(diagnostics.some((d) => d.rule === 'PA020'));
  });

  test('every gap of a new report is a problem: empty values the records need, and each instruction sentence (PA006)', async () => {
    const text = reportSkeleton({ id: 'AUDIT-2026-X', title: 'T', date: '2026-11-23', auditor: 'A. Analyst' });
    const { report, diagnostics } = await lintText(text);
    const pa006 = diagnostics.filter((d) => d.rule === 'PA006');
    const at = (kind: string, field: string) => {
      const r = report.records.find((x) => x.kind === kind)!;
      return pa006.some((d) => d.span.start === r.fields.get(field)!.span.start);
    };
    for (const [kind, field] of [['flow', 'to'], ['flow', 'country'], ['flow', 'data'], ['finding', 'title'], ['step', 'action'], ['response', 'statement']]) assert.ok(at(kind!, field!), `${kind} ${field}`);
    for (const sentence of SKELETON_INSTRUCTIONS) {
      assert.ok(text.includes(sentence), 'the template writes its own instructions');
      assert.ok(pa006.some((d) => text.slice(d.span.start, d.span.end) === sentence), sentence);
    }
    // what the analyst fills in makes them go away
    const filled = SKELETON_INSTRUCTIONS.reduce((t, s) => t.replace(s, 'Our own words.'), text).replace(/: ""/g, ': x').replace('data: []', 'data: [IMEI]');
    assert.deepEqual((await lintText(filled)).diagnostics.filter((d) => d.rule === 'PA006').map((d) => d.message), []);
  });
});

describe('evidence block', () => {
  test('parses back to the same records, quoting paths YAML would misread', () => {
    const sha = 'a'.repeat(64);
    const block = evidenceBlock([
      { id: 'E7', file: 'evidence/.5', sha256: sha },
      { id: 'E8', file: 'evidence/#1 capture: a.pcap', sha256: sha, captured: '2014-08-06T10:00:00Z' },
    ]);
    const r = parseReport(`---\na: 1\n---\n${block}`);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.records.map((x) => [x.id, (x.fields.get('file')!.value as { value: unknown }).value, (x.fields.get('kind')!.value as { value: unknown }).value]),
      [['E7', 'evidence/.5', 'document'], ['E8', 'evidence/#1 capture: a.pcap', 'pcap']],
    );
  });
});
