import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import pc from 'picocolors';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatScanStylish } from '../../src/core/capture/stylish';
import { scanJson, type ScanResult } from '../../src/core/capture/result';
import { proposeFlows, writeScan } from '../../src/core/capture/write';
import type { CaptureMatch } from '../../src/core/capture/types';
import { parseReport } from '../../src/core/report/parse';

const REPORT = `---
audit-format: 1
id: T-1
title: Write test
status: draft
date: 2026-12-05
auditors: [A. Analyst]
---

# Test

\`\`\`device
id: D1
model: Phone
identifiers:
  IMEI: "356721094823151"
  contacts: ["+86 139 1234 5678", "+86 139 8765 4321"] # two contacts
\`\`\`

\`\`\`flow
- id: F1
  from: D1
  to: api.known.test  # seen by hand
  data: [IMEI]
  evidence: [E1#entry=1]
\`\`\`

\`\`\`evidence
- id: E1
  file: first.har
  sha256: ${'a'.repeat(64)}
  kind: har
\`\`\`
`;

const m = (over: Partial<CaptureMatch>): CaptureMatch => ({ locator: 'entry=1', direction: 'request', category: 'IMEI', device: 'D1', canary: 0, transforms: ['plain'], where: 'query', name: 'imei', tls: true, ...over });

const SCAN: ScanResult = {
  version: 1,
  canaries: [{ device: 'D1', category: 'IMEI' }, { device: 'D1', category: 'contacts' }],
  data: { geo: 'test data 2026-01-01', domains: 'Public Suffix List (tldts)' },
  captures: [
    {
      path: 'first.har', sha256: 'a'.repeat(64), format: 'har', evidence: 'E1', units: 3, undecrypted: 0, warnings: [],
      matches: [
        m({ host: 'api.known.test', address: '203.0.113.5', port: 443 }),
        m({ locator: 'entry=2', host: 'sdk.tracker.test', domain: 'tracker.test', address: '198.51.100.7', port: 443, country: 'US', asn: 64500, org: 'Example Net', protocol: 'h2', time: '2026-12-01T10:00:02.123Z', transforms: ['json', 'base64'], where: 'body', name: undefined, field: 'payload' }),
        m({ locator: 'entry=3', host: 'sdk.tracker.test', address: '198.51.100.7', port: 443, category: 'contacts', canary: 1, protocol: 'h2', time: '2026-12-01T10:00:01Z', where: 'header', name: 'x-c' }),
        m({ locator: 'entry=3', direction: 'response', host: 'cdn.other.test', category: 'IMEI' }),
      ],
    },
    {
      path: 'second.pcapng', sha256: 'b'.repeat(64), format: 'pcapng', units: 40, undecrypted: 1, warnings: [], engine: 'tshark 4.0.17',
      matches: [m({ locator: 'frame=7', host: 'push.other.test', address: '192.0.2.9', port: 5222, where: 'payload', name: undefined, tls: false, protocol: 'tcp' })],
    },
  ],
};

test('proposeFlows: one per device and host, request side only, existing flows recognised', () => {
  const flows = proposeFlows(parseReport(REPORT), SCAN);
  assert.deepEqual(flows.map((f) => [f.host, f.existing ?? null, f.data]), [
    ['api.known.test', 'F1', ['IMEI']],
    ['sdk.tracker.test', null, ['IMEI', 'contacts']],
    ['push.other.test', null, ['IMEI']],
  ]);
  assert.equal(flows[1]!.firstSeen, '2026-12-01T10:00:01Z');
  assert.equal(flows[1]!.protocol, 'https');
});

test('writeScan adds flows and evidence as minimal edits, and a second run adds nothing', () => {
  const first = writeScan(REPORT, parseReport, SCAN);
  assert.deepEqual(first.errors, []);
  assert.deepEqual(first.added, ['E2: second.pcapng', 'F2: D1 → sdk.tracker.test (IMEI, contacts)', 'F3: D1 → push.other.test (IMEI)']);
  assert.deepEqual(first.kept, ['F1 already records D1 → api.known.test']);
  // everything that was there is still there, byte for byte, in order
  let at = 0;
  for (const line of REPORT.split('\n')) {
    const found = first.text.indexOf(line, at);
    assert.ok(found >= 0, `line kept: ${line}`);
    at = found + line.length;
  }
  const report = parseReport(first.text);
  const f2 = report.records.find((r) => r.id === 'F2')!;
  assert.ok(f2, first.text);
  const plain = (k: string) => JSON.stringify(f2.fields.get(k)?.value && (f2.fields.get(k)!.value as { type: string; value?: unknown; items?: { value: unknown }[] }).type === 'seq' ? (f2.fields.get(k)!.value as { items: { value: unknown }[] }).items.map((i) => i.value) : (f2.fields.get(k)?.value as { value?: unknown } | undefined)?.value);
  assert.equal(plain('evidence'), JSON.stringify(['E1#entry=2', 'E1#entry=3']));
  assert.equal(plain('country'), JSON.stringify('US'));
  assert.equal(plain('encryption'), JSON.stringify('tls'));
  assert.equal(plain('first-seen'), JSON.stringify('2026-12-01T10:00:01Z'));
  const f3 = report.records.find((r) => r.id === 'F3')!;
  assert.equal(JSON.stringify((f3.fields.get('evidence')!.value as { items: { value: unknown }[] }).items.map((i) => i.value)), JSON.stringify(['E2#frame=7']));
  // outside TLS, read as text: no encryption
  assert.equal((f3.fields.get('encryption')!.value as { value: unknown }).value, 'none');
  const e2 = report.records.find((r) => r.id === 'E2')!;
  assert.equal((e2.fields.get('sha256')!.value as { value: unknown }).value, 'b'.repeat(64));

  // the second run sees E2 cited and F2, F3 recorded
  const again = { ...SCAN, captures: SCAN.captures.map((c) => (c.path === 'second.pcapng' ? { ...c, evidence: 'E2' } : c)) };
  const second = writeScan(first.text, parseReport, again);
  assert.equal(second.text, first.text);
  assert.deepEqual(second.added, []);
});

test('stylish: one table per capture, grouped by host, no canary value, undecrypted streams said', () => {
  const text = formatScanStylish(SCAN, pc.createColors(false));
  assert.match(text, /first\.har \(har, 3 entries, E1\)/);
  assert.match(text, /sdk\.tracker\.test \(tracker\.test\)  198\.51\.100\.7 port 443 · US · AS64500 Example Net/);
  assert.match(text, /entry=2 +sent +IMEI \(D1\) +body › payload +json → base64/);
  assert.match(text, /only in responses/);
  assert.match(text, /1 TLS stream not decrypted: nothing found there does not mean nothing was sent/);
  assert.match(text, /test data 2026-01-01/);
  assert.doesNotMatch(text, /356721094823151|1234 5678/);
});

test('the JSON document follows docs/scan.schema.json', () => {
  const schema = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'docs', 'scan.schema.json'), 'utf8'));
  const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
  const doc = JSON.parse(scanJson(SCAN)) as { captures: { matches: { transforms: string[] }[] }[] };
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  // and the schema can fail
  doc.captures[0]!.matches[0]!.transforms = ['rot13'];
  assert.equal(validate(doc), false);
});
