/**
 * The linter's captures for the claim rules: each capture evidence of a
 * report is scanned through the host's `CaptureScans`; the Node cache keeps a
 * scan by path, size and sha256, so re-linting after a prose edit reads no
 * capture again, and a changed capture is read anew.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CaptureOutcome, CaptureScans } from '../../src/core/lint/captures';
import { Linter } from '../../src/core/lint/linter';
import '../../src/node/evidence-files';
import { CaptureScanCache } from '../../src/node/capture/scan-cache';

const ROOT = path.resolve(__dirname, '..', '..');
const HAR = path.join(ROOT, 'test', 'fixtures', 'captures', 'har', 'chrome.har');
const PCAP = path.join(ROOT, 'test', 'fixtures', 'captures', 'pcap', 'http1.pcap');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function report(file: string, digest: string, prose = 'Some prose.'): string {
  return [
    '---', 'audit-format: 1', 'id: T-CAP', 'title: Captures in lint', 'status: draft', 'date: 2026-12-05', 'auditors: [Test]', '---', '',
    prose, '',
    '```device', 'id: D1', 'identifiers:', '  IMEI: "356721094823151"', '  email: analyst.test@example.org', '```', '',
    '```evidence', 'id: E1', `file: ${file}`, `sha256: ${digest}`, 'kind: har', '```', '',
  ].join('\n');
}

test('each capture evidence is scanned once; a prose edit reads nothing again; a changed capture is read anew', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-lint-captures-'));
  try {
    const cap = path.join(dir, 'run.har');
    copyFileSync(HAR, cap);
    const cache = new CaptureScanCache({ rg: false });
    const linter = new Linter();
    const file = path.join(dir, 'r.audit.md');
    const lint = (text: string) => linter.lint(text, { filePath: file, root: dir, captures: cache });
    const first = await lint(report('run.har', sha(cap)));
    assert.equal(cache.reads, 1);
    const outcome = [...first.captures.values()][0]!;
    assert.equal(outcome.state, 'read', JSON.stringify(outcome));
    assert.ok(outcome.state === 'read' && outcome.result.matches.some((m) => m.category === 'IMEI' && m.direction === 'request'));
    // the prose changes: same capture, no new read
    await lint(report('run.har', sha(cap), 'Other prose, edited.'));
    assert.equal(cache.reads, 1);
    // the capture changes on disk (and its record's hash with it): read again
    appendFileSync(cap, '\n');
    await lint(report('run.har', sha(cap)));
    assert.equal(cache.reads, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a capture reader, every capture is "cannot be read here", never skipped', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-lint-captures-'));
  try {
    copyFileSync(HAR, path.join(dir, 'run.har'));
    writeFileSync(path.join(dir, 'r.audit.md'), '');
    const r = await new Linter().lint(report('run.har', sha(HAR)), { filePath: path.join(dir, 'r.audit.md'), root: dir, captures: null });
    const outcomes = [...r.captures.values()];
    assert.equal(outcomes.length, 1);
    assert.deepEqual(outcomes[0], { state: 'unreadable', reason: 'captures cannot be read here (no capture reader in this host)' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reader that fails is an unreadable capture with its reason; a file that fails its hash check is not scanned', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-lint-captures-'));
  try {
    copyFileSync(HAR, path.join(dir, 'run.har'));
    let calls = 0;
    const failing: CaptureScans = {
      scan: async (): Promise<CaptureOutcome> => {
        calls++;
        throw new Error('tshark exploded');
      },
      locate: () => undefined,
      geoData: () => undefined,
    };
    const file = path.join(dir, 'r.audit.md');
    const r = await new Linter().lint(report('run.har', sha(HAR)), { filePath: file, root: dir, captures: failing });
    assert.deepEqual([...r.captures.values()], [{ state: 'unreadable', reason: 'tshark exploded' }]);
    // a missing file is the evidence rules' business (PA020): the capture is not scanned
    calls = 0;
    const missing = await new Linter().lint(report('gone.har', sha(HAR)), { filePath: file, root: dir, captures: failing });
    assert.equal(calls, 0);
    assert.equal(missing.captures.size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hover on a locator says what the capture shows there: endpoint, categories, where, encodings, never a value', async () => {
  const { hover } = await import('../../src/core/features/hover');
  const { parseReport } = await import('../../src/core/report/parse');
  const { Taxonomy } = await import('../../src/core/report/taxonomy');
  const text = report('run.har', 'a'.repeat(64)) + '\n```flow\nid: F1\nfrom: D1\nto: log.example.cn\ndata: [IMEI]\nevidence: [E1#entry=2, E1#entry=9]\n```\n';
  const rep = parseReport(text);
  const e1 = rep.byId.get('E1')!;
  const captures = new Map<typeof e1, CaptureOutcome>([[e1, { state: 'read', result: { path: 'run.har', matches: [
    { locator: 'entry=2', direction: 'request', host: 'log.example.cn', address: '203.0.113.7', port: 443, country: 'CN', asn: 64500, org: 'Example Net', category: 'IMEI', device: 'D1', canary: 0, transforms: ['json', 'base64'], where: 'body', field: 'blob', tls: true },
  ], undecrypted: 0, warnings: [] } }]]);
  const at = (needle: string) => text.indexOf(needle) + 1;
  const h = hover(rep, at('E1#entry=2'), { taxonomy: Taxonomy.builtIn, captures })!;
  assert.match(h.markdown, /Locator: `entry=2`/);
  assert.match(h.markdown, /\*\*log\\\.example\\\.cn\*\* — 203\\\.0\\\.113\\\.7:443 · CN · AS64500 Example Net/);
  assert.match(h.markdown, /sent: IMEI \(D1\) in body › blob, json → base64, inside TLS/);
  assert.doesNotMatch(h.markdown, /356721094823151/);
  const none = hover(rep, at('E1#entry=9'), { taxonomy: Taxonomy.builtIn, captures })!;
  assert.match(none.markdown, /finds no identifier of this report's devices at `entry=9`/);
  const unreadable = hover(rep, at('E1#entry=9'), { taxonomy: Taxonomy.builtIn, captures: new Map([[e1, { state: 'unreadable', reason: 'tshark is not installed' }]]) })!;
  assert.match(unreadable.markdown, /could not be read: tshark is not installed/);
});

test("configure: tshark's path and the key log per capture are used, and a change reads the captures again", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-lint-captures-'));
  try {
    const pcap = path.join(dir, 'run.pcap');
    copyFileSync(PCAP, pcap);
    const cache = new CaptureScanCache();
    const asked: string[] = [];
    const keylog = (f: string) => {
      asked.push(f);
      return undefined;
    };
    const file = path.join(dir, 'r.audit.md');
    const text = report('run.pcap', sha(pcap)).replace('kind: har', 'kind: pcap');
    const lint = () => new Linter().lint(text, { filePath: file, root: dir, captures: cache });
    cache.configure({ tshark: path.join(dir, 'no-such-tshark'), keylog });
    const missing = [...(await lint()).captures.values()][0]!;
    assert.equal(missing.state, 'unreadable', JSON.stringify(missing));
    assert.match(missing.state === 'unreadable' ? missing.reason : '', /tshark/);
    assert.deepEqual(asked, [pcap]);
    // the setting cleared: tshark from PATH, the capture read again
    cache.configure({ keylog });
    const read = [...(await lint()).captures.values()][0]!;
    assert.equal(read.state, 'read', JSON.stringify(read));
    assert.equal(cache.reads, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
