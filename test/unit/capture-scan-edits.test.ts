/**
 * `scanEdits` and `composeEdit`: what `writeScan` writes, as edits of the
 * original text (the results view applies them as one undoable change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ScanResult } from '../../src/core/capture/result';
import { composeEdit, scanEdits, writeScan, type OffsetEdit } from '../../src/core/capture/write';
import type { CaptureMatch } from '../../src/core/capture/types';
import { applyEdits } from '../../src/core/edit/apply-edits';
import { parseReport } from '../../src/core/report/parse';

const REPORT = `---
audit-format: 1
id: T-2
title: Scan edits test
status: draft
date: 2026-12-05
auditors: [A. Analyst]
---

# Test

Some prose that stays. [@E1]

\`\`\`device
id: D1
vendor: Acme
model: Phone 2
identifiers: { IMEI: "356721094823151" }
\`\`\`

\`\`\`flow
id: F1
from: D1/modem
to: api.known.test  # seen by hand
data: [IMEI]
\`\`\`

More prose between the blocks.

\`\`\`evidence
id: E1
kind: har
file: first.har
sha256: ${'a'.repeat(64)}
description: the first run
\`\`\`

Closing words.
`;

const m = (over: Partial<CaptureMatch>): CaptureMatch => ({ locator: 'entry=1', direction: 'request', category: 'IMEI', device: 'D1', canary: 0, transforms: ['plain'], where: 'query', name: 'imei', tls: true, ...over });

const SCAN: ScanResult = {
  version: 1,
  canaries: [{ device: 'D1', category: 'IMEI' }],
  data: {},
  captures: [
    { path: 'first.har', sha256: 'a'.repeat(64), format: 'har', evidence: 'E1', units: 2, undecrypted: 0, warnings: [], matches: [m({ host: 'api.known.test' }), m({ locator: 'entry=2', host: 'sdk.tracker.test', address: '198.51.100.7', port: 443 })] },
    // not cited yet: an evidence record is added too, in another block than the flow
    { path: 'second.har', sha256: 'b'.repeat(64), format: 'har', units: 1, undecrypted: 0, warnings: [], matches: [m({ host: 'push.other.test', address: '192.0.2.9', port: 80, tls: false })] },
  ],
};

test('scanEdits: the edits applied to the original text give writeScan’s text, and touch only where records are added', () => {
  const w = writeScan(REPORT, parseReport, SCAN);
  const e = scanEdits(REPORT, parseReport, SCAN);
  assert.equal(e.text, w.text);
  assert.deepEqual(e.added, w.added);
  assert.ok(w.added.length >= 3, `expected an evidence record and two flows, got ${w.added.join('; ')}`);
  assert.equal(applyEdits(REPORT, e.edits.map((x) => ({ ...x, range: undefined as never }))), w.text);
  // sorted, not overlapping, and none replaces existing text with more than it needs
  for (let i = 1; i < e.edits.length; i++) assert.ok(e.edits[i - 1]!.span.end <= e.edits[i]!.span.start);
  const untouched = ['Some prose that stays.', 'More prose between the blocks.', 'Closing words.', 'to: api.known.test  # seen by hand'];
  for (const u of untouched) {
    const at = REPORT.indexOf(u);
    for (const x of e.edits) assert.ok(x.span.end <= at || x.span.start >= at + u.length, `an edit ${JSON.stringify(x.span)} covers “${u}”`);
  }
  assert.ok(e.edits.length >= 2, 'the evidence record and the flows are separate edits');
});

test('scanEdits with only: one host', () => {
  const e = scanEdits(REPORT, parseReport, SCAN, (f) => f.host === 'sdk.tracker.test');
  assert.equal(e.added.length, 1);
  assert.match(e.added[0]!, /sdk\.tracker\.test/);
  assert.equal(applyEdits(REPORT, e.edits as never), e.text);
  assert.equal(scanEdits(e.text, parseReport, SCAN, (f) => f.host === 'sdk.tracker.test').edits.length, 0, 'a second run adds nothing');
});

test('composeEdit: any sequence of edits, each on the text the ones before made, composes into edits of the original', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 0, maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 5 })), { maxLength: 8 }), (original, steps) => {
      let current = original;
      let composed: OffsetEdit[] = [];
      for (const [x, y, t] of steps) {
        const a = x % (current.length + 1);
        const b = a + (y % (current.length - a + 1));
        const next = { span: { start: a, end: b }, newText: t };
        composed = composeEdit(composed, current, next);
        current = current.slice(0, a) + t + current.slice(b);
      }
      for (let i = 1; i < composed.length; i++) assert.ok(composed[i - 1]!.span.end <= composed[i]!.span.start, 'sorted and apart');
      assert.equal(applyEdits(original, composed as never), current);
    }),
    { numRuns: 2000 },
  );
});
