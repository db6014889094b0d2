/** The New Audit Report skeleton and the evidence records that `hash` and Add Evidence write. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evidenceBlock } from '../../src/core/evidence';
import { lintText } from '../../src/core/linter';
import { scalarText } from '../../src/core/model';
import { parseReport } from '../../src/core/parse';
import { reportSkeleton } from '../../src/core/skeleton';

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
