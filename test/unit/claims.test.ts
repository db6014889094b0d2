/**
 * The claim rules (PA050–PA053) on reports the scan wrote: what
 * `scan --write` adds lints clean; a category or a locator changed by hand
 * raises PA050 there; a retest's `fixed` is PA051 while its capture still
 * sends the data and clean once a capture without it is cited; PA053's fix
 * is what `scan --write` adds, and applying it clears PA053; a capture that
 * cannot be read is an `info`, never silence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeScan } from '../../src/core/capture/write';
import type { CaptureScans } from '../../src/core/lint/captures';
import { Linter, type LintOptions } from '../../src/core/lint/linter';
import { parseReport } from '../../src/core/report/parse';
import type { Diagnostic } from '../../src/core/report/types';
import '../../src/node/evidence-files';
import { nodeCaptureScans } from '../../src/node/capture/scan-cache';
import { scanReport } from '../../src/node/capture/scan';
import { applyEdits } from '../support/edits';

const ROOT = path.resolve(__dirname, '..', '..');
const CAPTURES = path.join(ROOT, 'test', 'fixtures', 'captures');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const IMEI = '356721094823151';

/** A folder with the captures copied in (by name → fixture path), removed after `fn`. */
async function inFolder(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-claims-'));
  try {
    for (const [name, from] of Object.entries(files)) copyFileSync(from, path.join(dir, name));
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A report with the fixtures' canaries and one evidence record per capture (kind from the name), no flow. */
function report(dir: string, captures: string[], extra = ''): string {
  const evidence = captures.flatMap((c, i) => [
    `- id: E${i + 1}`,
    `  file: ${c}`,
    `  sha256: ${sha(path.join(dir, c))}`,
    `  kind: ${c.endsWith('.har') ? 'har' : 'pcap'}`,
  ]);
  return [
    '---', 'audit-format: 1', 'id: T-CLAIMS', 'title: Claims against captures', 'status: draft', 'date: 2026-12-05', 'auditors: [Test]', '---', '',
    'The run is cited here so that no evidence is left uncited: [@E1]' + (captures.length > 1 ? ' [@E2]' : '') + '.', '',
    '```device', 'id: D1', 'vendor: Example', 'model: Phone', 'build: EX-1',
    'identifiers:', `  IMEI: "${IMEI}"`, '  phone number: "+86 138 0013 8000"', '  email: analyst.test@example.org', '  advertising ID: 38400000-8cf0-11bd-b23e-10b96e40000d', '```', '',
    '```evidence', ...evidence, '```', '',
    extra,
  ].join('\n');
}

const lintAt = async (dir: string, text: string, opts: Partial<LintOptions> = {}) =>
  (await new Linter().lint(text, { filePath: path.join(dir, 'r.audit.md'), root: dir, ...opts })).diagnostics;
const claims = (ds: readonly Diagnostic[]) => ds.filter((d) => /^PA05/.test(d.rule));
const show = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.range.start.line + 1}: ${d.rule} ${d.severity} ${d.message}`).join('\n');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

/** What `privacy-audit scan --write` makes of a report in `dir` (the same calls as the command). */
async function scanWrite(dir: string, text: string): Promise<string> {
  const file = path.join(dir, 'r.audit.md');
  writeFileSync(file, text);
  const scan = await scanReport(parseReport(text), file, undefined, { root: dir, rg: false });
  const w = writeScan(text, parseReport, scan);
  assert.deepEqual(w.errors, []);
  return w.text;
}

test('a report whose flows scan --write added lints with no PA05x diagnostic; changing a category or a locator by hand raises PA050 there', async () => {
  await inFolder({ 'run.har': path.join(CAPTURES, 'har', 'chrome.har'), 'run.pcap': path.join(CAPTURES, 'pcap', 'http1.pcap') }, async (dir) => {
    const written = await scanWrite(dir, report(dir, ['run.har', 'run.pcap']));
    assert.ok((written.match(/^id: F\d+$/gm) ?? []).length >= 4, written);
    assert.deepEqual(show(claims(await lintAt(dir, written))), '');

    // one category of a two-category flow changed: the data line
    const data = 'data: [email, phone number]';
    assert.ok(written.includes(data), written);
    const changedData = written.replace(data, 'data: [email, advertising ID]');
    const d1 = claims(await lintAt(dir, changedData));
    assert.deepEqual(d1.map((d) => `${d.rule}@${d.range.start.line + 1}`), [`PA050@${lineOf(changedData, 'data: [email, advertising ID]')}`], show(d1));
    assert.match(d1[0]!.message, /advertising ID to auth\.example\.org/);

    // one locator changed to an entry that carries nothing there: the evidence line
    const cite = 'evidence: [E1#entry=5]';
    assert.ok(written.includes(cite), written);
    const changedCite = written.replace(cite, 'evidence: [E1#entry=4]');
    const d2 = claims(await lintAt(dir, changedCite));
    assert.deepEqual(d2.map((d) => `${d.rule}@${d.range.start.line + 1}`), [`PA050@${lineOf(changedCite, 'evidence: [E1#entry=4]')}`], show(d2));
    assert.match(d2[0]!.message, /E1#entry=4 shows none of F\d+'s data \(email and phone number\) going to auth\.example\.org/);
  });
});

test("a retest's `fixed` is PA051 while its capture still shows the data, and clean once the capture without the canary is cited", async () => {
  const har = readFileSync(path.join(CAPTURES, 'har', 'chrome.har'), 'utf8');
  await inFolder({ 'first.har': path.join(CAPTURES, 'har', 'chrome.har') }, async (dir) => {
    // the re-capture: the same traffic with another IMEI (the canary no longer sent)
    assert.ok(har.includes(IMEI));
    const md5 = createHash('md5').update(IMEI).digest('hex');
    assert.ok(har.includes(md5));
    writeFileSync(path.join(dir, 'retest.har'), har.split(IMEI).join('490154203237518').split(md5).join(createHash('md5').update('490154203237518').digest('hex')));
    const base = await scanWrite(dir, report(dir, ['first.har', 'retest.har']));
    const flow = /^id: (F\d+)\nfrom: D1\nto: api\.tracker\.example$/m.exec(base)?.[1];
    assert.ok(flow, base);
    const retest = (cite: string) => `${base}\n\`\`\`retest\nid: R1\ndate: 2026-12-01\nflows: [${flow}]\nresult: fixed\nevidence: [${cite}]\n\`\`\`\n`;

    const still = retest('E1');
    const d1 = claims(await lintAt(dir, still));
    assert.deepEqual(d1.map((d) => `${d.rule}@${d.range.start.line + 1}`), [`PA051@${lineOf(still, 'result: fixed')}`], show(d1));
    assert.equal(d1[0]!.severity, 'error');
    assert.match(d1[0]!.message, new RegExp(`IMEI of ${flow} going to api\\.tracker\\.example \\(E1#entry=1\\)`));
    // a locator that shows something else: only it is looked at
    assert.deepEqual(show(claims(await lintAt(dir, retest('E1#entry=3'))).filter((d) => d.rule === 'PA051')), '');

    const clean = retest('E2');
    assert.deepEqual(show(claims(await lintAt(dir, clean))), '');
  });
});

test("PA053's fix adds what scan --write adds for that host, and applying it clears that PA053", async () => {
  await inFolder({ 'run.har': path.join(CAPTURES, 'har', 'chrome.har') }, async (dir) => {
    const text = report(dir, ['run.har']);
    const before = (await lintAt(dir, text)).filter((d) => d.rule === 'PA053');
    // chrome.har sends canaries to four hosts; none is recorded
    assert.equal(before.length, 4, show(before));
    const d = before.find((x) => x.message.includes('auth.example.org'))!;
    assert.ok(d, show(before));
    assert.equal(d.severity, 'warning');
    assert.equal(d.range.start.line + 1, lineOf(text, '- id: E1'));
    assert.equal(d.fixes?.length, 1);
    const fixed = applyEdits(text, d.fixes![0]!.edits);
    // exactly what scan --write adds for that device and host
    writeFileSync(path.join(dir, 'r.audit.md'), text);
    const scan = await scanReport(parseReport(text), path.join(dir, 'r.audit.md'), undefined, { root: dir, rg: false });
    assert.equal(fixed, writeScan(text, parseReport, scan, (f) => f.device === 'D1' && f.host === 'auth.example.org').text);
    const after = (await lintAt(dir, fixed)).filter((x) => x.rule === 'PA053');
    assert.deepEqual(after.map((x) => x.message.match(/going to (\S+)/)?.[1]).sort(), ['api.tracker.example', 'log.example.cn', 'push.example.com']);
    assert.deepEqual(show(claims(await lintAt(dir, fixed)).filter((x) => x.rule !== 'PA053')), '');
  });
});

test('a capture that cannot be read is an info of PA050, PA051 and PA053, never silence', async () => {
  await inFolder({ 'broken.pcap': path.join(CAPTURES, 'pcap', 'not-a-capture.pcap'), 'run.har': path.join(CAPTURES, 'har', 'chrome.har') }, async (dir) => {
    const text = report(
      dir,
      ['broken.pcap', 'run.har'],
      ['```flow', 'id: F1', 'from: D1', 'to: api.tracker.example', 'data: [IMEI]', 'evidence: [E1#frame=3, E2#entry=1]', '```', '',
        '```retest', 'id: R1', 'date: 2026-12-01', 'flows: [F1]', 'result: fixed', 'evidence: [E1]', '```', ''].join('\n'),
    );
    const ds = claims(await lintAt(dir, text));
    const infos = ds.filter((d) => d.severity === 'info');
    assert.deepEqual(infos.map((d) => `${d.rule}@${d.range.start.line + 1}`).sort(), [
      `PA050@${lineOf(text, 'evidence: [E1#frame=3')}`,
      `PA051@${lineOf(text, 'evidence: [E1]')}`,
      `PA053@${lineOf(text, '- id: E1')}`,
    ].sort(), show(ds));
    for (const d of infos) assert.match(d.message, /E1 .*could not be read: it is neither a HAR file/);

    // a reader that cannot read any capture (no tshark): every capture is said, and a readable-looking one too
    const noTshark: CaptureScans = {
      scan: async () => ({ state: 'unreadable', reason: 'tshark was not found on PATH' }),
      locate: () => undefined,
      geoData: () => undefined,
    };
    const blind = claims(await lintAt(dir, text, { captures: noTshark }));
    const about = blind.filter((d) => d.rule === 'PA053').map((d) => `${d.severity} ${d.message}`);
    assert.equal(about.length, 2, show(blind));
    for (const m of about) assert.match(m, /^info E\d \(`[^`]+`\) could not be read: tshark was not found on PATH; PA050–PA053 do not check it\.$/);
    // and no claim is judged on what could not be read
    assert.deepEqual(blind.filter((d) => d.severity !== 'info').map((d) => d.rule), []);

    // no capture reader at all in the host
    const none = claims(await lintAt(dir, text, { captures: null })).filter((d) => d.rule === 'PA053');
    assert.equal(none.length, 2, show(none));
    assert.match(none[0]!.message, /cannot be read here/);
  });
});

test('PA052: the located country, its fix, and one info when there is no location data', async () => {
  await inFolder({}, async (dir) => {
    writeFileSync(path.join(dir, 'notes.log'), 'run notes\n');
    const flow = (country: string) =>
      ['```flow', 'id: F1', 'from: D1', 'to: api.account.xiaomi.com', 'address: 42.62.48.17', `country: ${country}`, 'data: [IMEI]', 'evidence: [E1]', '```',
        '```flow', 'id: F2', 'from: D1', 'to: b.example.net', 'address: 8.8.8.8', 'country: US', 'data: [IMEI]', 'evidence: [E1]', '```', ''].join('\n');
    const text = report(dir, []).replace('```evidence\n```', `\`\`\`evidence\nid: E1\nfile: notes.log\nsha256: ${sha(path.join(dir, 'notes.log'))}\nkind: log\n\`\`\``) + flow('US');
    const ds = claims(await lintAt(dir, text));
    assert.deepEqual(ds.map((d) => `${d.rule}@${d.range.start.line + 1}`), [`PA052@${lineOf(text, 'country: US')}`], show(ds));
    assert.match(ds[0]!.message, /^F1's addresses locate to CN \(42\.62\.48\.17\), not US — geo-whois-asn-country/);
    const fixed = applyEdits(text, ds[0]!.fixes![0]!.edits);
    assert.ok(fixed.includes('country: CN'));
    assert.deepEqual(show(claims(await lintAt(dir, fixed))), '');
    // location data missing: said once, as an info, on the first flow it would have checked
    const noData: CaptureScans = { scan: nodeCaptureScans.scan.bind(nodeCaptureScans), locate: () => undefined, geoData: () => undefined };
    const blind = claims(await lintAt(dir, text, { captures: noData }));
    assert.deepEqual(blind.map((d) => `${d.rule}@${d.range.start.line + 1} ${d.severity}`), [`PA052@${lineOf(text, 'country: US')} info`], show(blind));
  });
});

test('a host made of a canary (DNS exfiltration) is masked as the scan masks it: in the message, in the fix, in what counts as recorded', async () => {
  await inFolder({ 'dns.pcap': path.join(CAPTURES, 'pcap', 'dns-raw.pcap') }, async (dir) => {
    const text = report(dir, ['dns.pcap']);
    const ds = (await lintAt(dir, text)).filter((d) => d.rule === 'PA053');
    assert.ok(ds.length >= 2, show(ds));
    for (const d of ds) {
      assert.ok(!d.message.includes(IMEI), d.message);
      for (const f of d.fixes ?? []) for (const e of f.edits) assert.ok(!e.newText.includes(IMEI), e.newText);
    }
    const dns = ds.find((d) => /going to \[redacted\]\.t\.example\.test/.test(d.message));
    assert.ok(dns?.fixes?.length, show(ds));
    writeFileSync(path.join(dir, 'r.audit.md'), text);
    const scan = await scanReport(parseReport(text), path.join(dir, 'r.audit.md'), undefined, { root: dir, rg: false });
    const fixed = applyEdits(text, dns.fixes![0]!.edits);
    assert.equal(fixed, writeScan(text, parseReport, scan, (f) => f.host.startsWith('[redacted]')).text);
    const after = claims(await lintAt(dir, fixed));
    assert.equal(after.filter((d) => d.rule === 'PA053').length, ds.length - 1, show(after));
    assert.deepEqual(show(after.filter((d) => d.rule !== 'PA053')), '');
  });
});

test('severities are configurable as for every rule; what could not be read stays an info', async () => {
  await inFolder({ 'broken.pcap': path.join(CAPTURES, 'pcap', 'not-a-capture.pcap'), 'run.har': path.join(CAPTURES, 'har', 'chrome.har') }, async (dir) => {
    const text = report(dir, ['broken.pcap', 'run.har']).replace('auditors: [Test]', 'auditors: [Test]\nlint: {PA053: error, PA052: off}');
    const ds = (await lintAt(dir, text)).filter((d) => d.rule === 'PA053');
    assert.deepEqual(ds.map((d) => d.severity).sort(), ['error', 'error', 'error', 'error', 'info'], show(ds));
    assert.match(ds.find((d) => d.severity === 'info')!.message, /^E1 .* could not be read/);
    const off = (await lintAt(dir, text.replace('PA053: error', 'PA053: off'))).filter((d) => d.rule === 'PA053');
    assert.deepEqual(off, []);
  });
});
