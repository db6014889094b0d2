/**
 * The whole scan on the capture fixtures: readers, matcher and enrichment
 * together, against the ground truth written beside each fixture (what was
 * planted, where) and its decoys (what must not match). Every planted value
 * is found at its entry or frame, on the request side, in its place; no
 * request-side match exists that the ground truth does not list.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import Ajv from 'ajv';
import type { ScanResult } from '../../src/core/capture/result';
import type { CaptureMatch } from '../../src/core/capture/types';
import { parseReport } from '../../src/core/report/parse';
import { scanReport } from '../../src/node/capture/scan';

const ROOT = path.resolve(__dirname, '..', '..');
const DIR = path.join(ROOT, 'test', 'fixtures', 'captures');
const CANARIES = JSON.parse(readFileSync(path.join(DIR, 'canaries.json'), 'utf8')) as { device: string; category: string; value: string }[];
const REPORT_PATH = path.join(DIR, 'fixtures.audit.md');
const REPORT = [
  '---',
  'audit-format: 1',
  'id: T-SCAN',
  'title: Capture fixtures',
  'status: draft',
  'date: 2026-12-05',
  'auditors: [Test]',
  '---',
  '',
  '```device',
  'id: D1',
  'identifiers:',
  ...CANARIES.map((c) => `  ${c.category}: ${JSON.stringify(c.value)}`),
  '```',
  '',
].join('\n');

interface Expected {
  locator: string;
  direction: 'request' | 'response';
  where: string;
  name?: string;
  category: string;
  form: string;
  host?: string;
  address?: string;
  port?: number;
  tls?: boolean;
}

const hasTshark = (() => {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function scan(file: string, opts: { rg?: false; keylog?: string } = {}): Promise<ScanResult> {
  return scanReport(parseReport(REPORT), REPORT_PATH, [file], { root: ROOT, geo: null, rg: opts.rg, keylog: opts.keylog });
}

function check(result: ScanResult, expected: Expected[], what: string): void {
  const cap = result.captures[0]!;
  assert.equal(cap.error, undefined, `${what}: ${cap.error}`);
  const ms = cap.matches;
  for (const e of expected) {
    const hit = ms.find((m) => m.locator === e.locator && m.direction === e.direction && m.category === e.category && m.where === e.where && (e.name === undefined || [m.name, m.field].some((n) => n?.toLowerCase() === e.name!.toLowerCase())));
    assert.ok(hit, `${what}: ${e.category} at ${e.locator} (${e.direction}, ${e.where} ${e.name ?? ''}, planted as ${e.form}) not found; matches: ${JSON.stringify(ms.map((m) => [m.locator, m.direction, m.category, m.where, m.name, m.field, m.transforms.join('>')]))}`);
    // a host name holding an identifier (a DNS label) is masked like every output
    if (e.host !== undefined) assert.equal(hit.host, CANARIES.reduce((h, c) => h.split(c.value).join('[redacted]'), e.host), `${what} ${e.locator}: host`);
    if (e.address !== undefined) assert.equal(hit.address, e.address, `${what} ${e.locator}: address`);
    if (e.port !== undefined) assert.equal(hit.port, e.port, `${what} ${e.locator}: port`);
    if (e.tls !== undefined) assert.equal(hit.tls, e.tls, `${what} ${e.locator}: tls`);
  }
  // nothing on the request side that was not planted there (the decoys among it)
  const planted = (m: CaptureMatch) => expected.some((e) => e.locator === m.locator && e.direction === 'request' && e.category === m.category);
  const extra = ms.filter((m) => m.direction === 'request' && !planted(m));
  assert.deepEqual(extra.map((m) => [m.locator, m.category, m.where, m.name, m.transforms.join('>')]), [], `${what}: request-side matches nobody planted`);
}

const fixtures = (sub: string, ext: RegExp) =>
  readdirSync(path.join(DIR, sub))
    .filter((f) => ext.test(f) && existsSync(path.join(DIR, sub, f.replace(ext, '.expected.json'))))
    .map((f) => ({ file: path.join(DIR, sub, f), expected: JSON.parse(readFileSync(path.join(DIR, sub, f.replace(ext, '.expected.json')), 'utf8')) as Expected[] }));

describe('scan: HAR fixtures of each producer', () => {
  const hars = fixtures('har', /\.har$/);
  test('there are fixtures of every producer', () => {
    assert.deepEqual(hars.map((h) => path.basename(h.file)).sort(), ['charles.har', 'chrome.har', 'firefox.har', 'httptoolkit.har', 'mitmproxy.har']);
  });
  for (const h of hars) {
    test(`${path.basename(h.file)}: every planted value, no decoy (ripgrep prefilter)`, async () => check(await scan(h.file), h.expected, path.basename(h.file)));
    test(`${path.basename(h.file)}: the same without ripgrep`, async () => {
      const fast = await scan(h.file);
      const slow = await scan(h.file, { rg: false });
      check(slow, h.expected, `${path.basename(h.file)} (JavaScript)`);
      assert.deepEqual(slow.captures[0]!.matches, fast.captures[0]!.matches);
    });
  }
});

describe('scan: pcap fixtures (tshark)', () => {
  test('tshark is installed (CI installs it; HAR scanning works without)', () => assert.ok(hasTshark, 'tshark not found: apt-get install tshark'));
  for (const p of fixtures('pcap', /\.pcap(ng)?$/)) {
    // a plain pcap whose keys lie beside it is read with them (--keylog)
    const keys = p.file.replace(/\.pcap(ng)?$/, '.keys.log');
    const keylog = p.file.endsWith('.pcap') && existsSync(keys) ? keys : undefined;
    test(`${path.basename(p.file)}: every planted value, no decoy`, async () => check(await scan(p.file, { keylog }), p.expected, path.basename(p.file)));
  }
  test('a TLS key log decrypts what the plain pcap hides', async () => {
    const file = path.join(DIR, 'pcap', 'tls-keylog.pcap');
    const without = await scan(file);
    assert.equal(without.captures[0]!.matches.filter((m) => m.direction === 'request' && m.where === 'body').length, 0);
    assert.ok(without.captures[0]!.undecrypted >= 1);
    const withKeys = await scan(file, { keylog: path.join(DIR, 'pcap', 'tls-keylog.keys.log') });
    assert.ok(withKeys.captures[0]!.matches.some((m) => m.locator === 'frame=9' && m.category === 'IMEI' && m.tls), JSON.stringify(withKeys.captures[0]!.matches));
  });
  test('undecrypted TLS is counted, so "nothing found" is not "nothing sent"', async () => {
    const r = await scan(path.join(DIR, 'pcap', 'tls-nokeys.pcap'));
    assert.equal(r.captures[0]!.undecrypted, 1);
  });
  test('a file that is no capture, and a truncated one, give a clear error', async () => {
    const bad = await scan(path.join(DIR, 'pcap', 'not-a-capture.pcap'));
    assert.match(bad.captures[0]!.error ?? '', /neither a HAR file/);
    const cut = await scan(path.join(DIR, 'pcap', 'truncated.pcapng'));
    const c = cut.captures[0]!;
    assert.ok(c.error !== undefined || c.warnings.some((w) => /cut short|truncated|appears to have been cut/i.test(w)), JSON.stringify(c));
  });
});

describe('scan: hostile HAR files', () => {
  for (const name of readdirSync(path.join(DIR, 'har', 'hostile'))) {
    test(`${name}: a clear message or a warning, in bounded time, no absolute path`, async () => {
      const t0 = performance.now();
      const r = await scan(path.join(DIR, 'har', 'hostile', name));
      const c = r.captures[0]!;
      assert.ok(performance.now() - t0 < 20_000, 'bounded time');
      const said = [c.error ?? '', ...c.warnings].join(' ');
      if (name !== 'invalid-utf8.har') assert.ok(said.length > 0, `${name}: nothing said`);
      assert.ok(!said.includes(ROOT), `${name}: ${said}`);
    });
  }
});

describe('scan: the bundled example', () => {
  const example = path.join(ROOT, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
  const truth = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'xiaomi-redmi-1s', 'evidence', 'make-captures', 'captures.expected.json'), 'utf8'));
  test('every flow the example cites is confirmed at its entry or frame; the retest capture shows nothing sent', async () => {
    const text = readFileSync(example, 'utf8');
    const r = await scanReport(parseReport(text), example, undefined, { root: ROOT });
    const sent = (ev: string) => r.captures.find((c) => c.evidence === ev)!.matches.filter((m) => m.direction === 'request').map((m) => `${m.locator} ${m.category}`);
    assert.deepEqual(sent('E2').sort(), ['frame=22 IMEI', 'frame=22 carrier name', 'frame=22 phone number', 'frame=32 contacts', 'frame=44 sms metadata']);
    assert.deepEqual(sent('E3').sort(), ['entry=1 IMEI', 'entry=1 IMSI', 'entry=1 phone number']);
    assert.deepEqual(sent('E15'), []);
    for (const c of r.captures) {
      for (const m of c.matches) {
        assert.equal(m.country, 'CN', `${c.path} ${m.locator}`);
        assert.equal(m.host, 'api.account.xiaomi.com');
      }
    }
    assert.ok(truth, 'the ground truth of the example captures exists');
    assert.match(r.data.geo ?? '', /geo-whois-asn-country \d{4}-\d{2}-\d{2}/);
  });

  test('the command line: the JSON document follows docs/scan.schema.json; no identifier value in either format', () => {
    const cli = path.join(ROOT, 'dist', 'cli.js');
    assert.ok(existsSync(cli), 'dist/cli.js: npm run build first');
    const run = (format: string) => spawnSync(process.execPath, [cli, 'scan', '--report', example, '--format', format, '--root', ROOT], { encoding: 'utf8' });
    const json = run('json');
    assert.equal(json.status, 1, json.stderr);
    const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(path.join(ROOT, 'docs', 'scan.schema.json'), 'utf8')));
    const doc = JSON.parse(json.stdout);
    assert.ok(validate(doc), JSON.stringify(validate.errors));
    const stylish = run('stylish');
    for (const secret of ['869999012345677', '001010000012345', '12025550101', '12025550142', '12025550177', 'ExampleTel']) {
      assert.ok(!json.stdout.includes(secret) && !stylish.stdout.includes(secret), secret);
    }
    assert.match(stylish.stdout, /frame=22 +sent +IMEI \(D1\) +body › imei +form/);
  });
});
