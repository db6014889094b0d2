/**
 * Locators of a capture in the editor (src/core/features/locators.ts): the
 * hover shows the request a unit carried (masked, from the scan's exhibit)
 * with its endpoint; go to definition knows which entry or frame a locator
 * names; completion after `E1#` offers the units carrying the flow's data to
 * its host first. Last, the same on the bundled example's real scan: no
 * canary value, in any form, reaches a hover or a completion.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Exhibit } from '../../src/core/capture/exhibit';
import type { CaptureResult } from '../../src/core/capture/result';
import type { CaptureMatch } from '../../src/core/capture/types';
import type { CaptureOutcome } from '../../src/core/lint/captures';
import { completions } from '../../src/core/features/completion';
import { hover } from '../../src/core/features/hover';
import { codeBlock, exhibitText, locatorBeingTyped, locatorTarget } from '../../src/core/features/locators';
import { definition } from '../../src/core/features/navigation';
import type { AuditRecord, Report } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import { Taxonomy } from '../../src/core/report/taxonomy';

const IMEI = '356721094823151';
const PHONE = '+8613800138000';
const taxonomy = Taxonomy.builtIn;

function reportText(evidenceLine: string, retest = ''): string {
  return [
    '---', 'audit-format: 1', 'id: T-LOC', 'title: Locators', 'status: draft', 'date: 2026-12-05', 'auditors: [Test]', '---', '',
    'The phone sent its IMEI [@E1#entry=2].', '',
    '```device', 'id: D1', 'identifiers:', `  IMEI: "${IMEI}"`, `  phone number: "${PHONE}"`, '```', '',
    '```flow', 'id: F1', 'from: D1', 'to: log.example.cn', 'data: [phone number, IMEI]', evidenceLine, '```', '',
    '```evidence', 'id: E1', 'file: run.har', `sha256: ${'a'.repeat(64)}`, 'kind: har', '```', '',
    retest,
  ].join('\n');
}

const match = (locator: string, category: string, canary: number, extra: Partial<CaptureMatch> = {}): CaptureMatch => ({
  locator, direction: 'request', host: 'log.example.cn', address: '203.0.113.7', port: 443, country: 'CN', asn: 64500, org: 'Example Net',
  category, device: 'D1', canary, transforms: ['plain'], where: 'body', tls: true, ...extra,
});

const EXHIBIT: Exhibit = {
  locator: 'entry=2', method: 'POST', host: 'log.example.cn', address: '203.0.113.7', port: 443, tls: true,
  lines: [
    { where: 'request', segments: [{ text: '/v1/report?tel=' }, { canary: 'phone number' }], categories: ['phone number'], chains: ['plain'] },
    { where: 'header', name: 'X-Device', segments: [{ canary: 'IMEI' }], categories: ['IMEI'], chains: ['base64'] },
    { where: 'cookie', name: 'sid', segments: [], categories: ['IMEI'], chains: ['hex'], withheld: 'an identifier could not be masked in it' },
    { where: 'body', segments: [{ text: '{"blob":"' }, { canary: 'IMEI' }, { text: '"}' }], categories: ['IMEI'], chains: ['json → base64'] },
  ],
};

function scan(withExhibits: boolean): CaptureResult {
  return {
    path: 'run.har',
    matches: [
      match('entry=1', 'IMEI', 0, { host: 'ads.example.com', address: '198.51.100.9', country: 'US' }),
      match('entry=2', 'phone number', 1, { where: 'query', name: 'tel' }),
      match('entry=2', 'IMEI', 0, { where: 'header', name: 'X-Device', transforms: ['base64'] }),
      match('entry=2', 'IMEI', 0, { transforms: ['json', 'base64'], field: 'blob' }),
      match('entry=3', 'IMEI', 0),
      match('entry=4', 'phone number', 1, { direction: 'response' }),
    ],
    undecrypted: 0,
    warnings: [],
    ...(withExhibits ? { exhibits: [{ ...EXHIBIT, locator: 'entry=1', host: 'ads.example.com', lines: [EXHIBIT.lines[3]!] }, EXHIBIT] } : {}),
  };
}

function withScan(text: string, result: CaptureResult | CaptureOutcome): { report: Report; captures: Map<AuditRecord, CaptureOutcome> } {
  const report = parseReport(text);
  const outcome: CaptureOutcome = 'state' in result ? result : { state: 'read', result };
  return { report, captures: new Map([[report.byId.get('E1')!, outcome]]) };
}

const after = (text: string, needle: string) => {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `no ${needle}`);
  return at + needle.length;
};

describe('hover on a locator', () => {
  test('shows the request of the exhibit: method and URL, the lines that held a value as markers, the endpoint, never a value', () => {
    const text = reportText('evidence: [E1#entry=2, E1]');
    const { report, captures } = withScan(text, scan(true));
    // on the locator part (after the `#`), as on the id
    for (const offset of [after(text, 'evidence: [E1#entry='), after(text, 'evidence: [E1') - 1]) {
      const h = hover(report, offset, { taxonomy, captures })!;
      assert.ok(h, 'a hover');
      assert.equal(text.slice(h.span.start, h.span.end), 'E1#entry=2');
      const md = h.markdown;
      assert.match(md, /Locator: `entry=2` of E1/);
      assert.match(md, /```http\nPOST https:\/\/log\.example\.cn\/v1\/report\?tel=\[phone number\]\nX-Device: \[IMEI\]\nCookie: sid=\(not shown: an identifier could not be masked in it; it holds \[IMEI\]\)\n\n\{"blob":"\[IMEI\]"\}\n```/);
      assert.match(md, /\*\*log\\\.example\\\.cn\*\* — 203\\\.0\\\.113\\\.7:443 · CN · AS64500 Example Net/);
      assert.match(md, /sent: IMEI \(D1\) in body › blob, json → base64, inside TLS/);
      assert.match(md, /`\[phone number\]`, `\[IMEI\]`: where the request held values of the test device, masked/);
      // the evidence record follows
      assert.match(md, /---\n\n\*\*evidence E1\*\*/);
      for (const v of [IMEI, PHONE, '8613800138000', Buffer.from(IMEI).toString('base64')]) assert.ok(!md.includes(v), `value ${v} in the hover`);
    }
  });

  test('an exhibit is found by its locator however the reference writes it (leading zeros, spaces)', () => {
    const text = reportText('evidence: [E1#entry=02]');
    const { report, captures } = withScan(text, scan(true));
    const md = hover(report, after(text, 'E1#entry=0'), { taxonomy, captures })!.markdown;
    assert.match(md, /POST https:\/\/log\.example\.cn\/v1\/report/);
  });

  test('without exhibits it lists what the scan found there (as before), with no request block', () => {
    const text = reportText('evidence: [E1#entry=2]');
    const { report, captures } = withScan(text, scan(false));
    const md = hover(report, after(text, 'E1#entry='), { taxonomy, captures })!.markdown;
    assert.doesNotMatch(md, /```/);
    assert.match(md, /sent: phone number \(D1\) in query tel, plain, inside TLS/);
    assert.match(md, /\*\*log\\\.example\\\.cn\*\*/);
  });

  test('a unit seen only in a response, an unknown unit and an unreadable capture say so', () => {
    const text = reportText('evidence: [E1#entry=4, E1#entry=9]');
    const { report, captures } = withScan(text, scan(true));
    const resp = hover(report, after(text, 'E1#entry=4') - 1, { taxonomy, captures })!.markdown;
    assert.match(resp, /only in the response: phone number/);
    assert.doesNotMatch(resp, /```/);
    assert.match(hover(report, after(text, 'E1#entry=9') - 1, { taxonomy, captures })!.markdown, /finds no identifier of this report's devices at `entry=9`/);
    const bad = withScan(text, { state: 'unreadable', reason: 'tshark is not installed' });
    assert.match(hover(bad.report, after(text, 'E1#entry=9') - 1, { taxonomy, captures: bad.captures })!.markdown, /could not be read: tshark is not installed/);
  });

  test('a request line that is a path gets its scheme, host and an unusual port; a code block outlasts backticks in the text', () => {
    const ex: Exhibit = { locator: 'frame=7', method: 'GET', host: 'h.example', port: 8080, tls: false, lines: [{ where: 'request', segments: [{ text: '/a?x=' }, { canary: 'IMEI' }], categories: ['IMEI'], chains: ['plain'] }, { where: 'payload', segments: [{ text: '```' }, { canary: 'IMEI' }], categories: ['IMEI'], chains: ['plain'] }] };
    assert.deepEqual(exhibitText(ex), ['GET http://h.example:8080/a?x=[IMEI]', 'Payload: ```[IMEI]']);
    assert.equal(codeBlock(exhibitText(ex)), '````\nGET http://h.example:8080/a?x=[IMEI]\nPayload: ```[IMEI]\n````');
  });
});

describe('go to definition on a locator', () => {
  test('the locator part names the entry or frame of the evidence; the id part still goes to the record', () => {
    const text = reportText('evidence: [E1#entry=2, E1]');
    const report = parseReport(text);
    const onLocator = locatorTarget(report, after(text, 'evidence: [E1#en'))!;
    assert.ok(onLocator);
    assert.equal(onLocator.unit, 'entry');
    assert.equal(onLocator.n, 2);
    assert.equal(onLocator.file, 'run.har');
    assert.equal(onLocator.evidence.id, 'E1');
    assert.equal(text.slice(onLocator.span.start, onLocator.span.end), 'entry=2');
    const onId = after(text, 'evidence: [E');
    assert.equal(locatorTarget(report, onId), undefined);
    const def = definition(report, onId)!;
    assert.equal(text.slice(def.start, def.end), 'E1');
    // a prose citation: the locator stops before the `]`
    const cite = locatorTarget(report, after(text, '[@E1#entry=2'))!;
    assert.equal(text.slice(cite.span.start, cite.span.end), 'entry=2');
    assert.equal(locatorTarget(report, after(text, '[@E1#entry=2]')), undefined);
    // a frame of a HAR names nothing there
    const frame = reportText('evidence: [E1#frame=2]');
    assert.equal(locatorTarget(parseReport(frame), after(frame, 'E1#fr')), undefined);
    // a locator that is not an entry or a frame names no unit
    const other = reportText('evidence: [E1#t=00:01:02]');
    assert.equal(locatorTarget(parseReport(other), after(other, 'E1#t=0')), undefined);
  });
});

describe('completion of locators', () => {
  const labels = (text: string, needle: string, result: CaptureResult | null = scan(false)) => {
    const { report, captures } = result ? withScan(text, result) : { report: parseReport(text), captures: undefined };
    return completions(report, after(text, needle), { taxonomy, ...(captures ? { captures } : {}) });
  };

  test("after `E1#` in a flow's evidence: the units carrying its data to its host first (most categories first), then the others", () => {
    const text = reportText('evidence: [E1#, E1]');
    const items = labels(text, 'evidence: [E1#');
    assert.deepEqual(items.map((i) => i.label), ['entry=2', 'entry=3', 'entry=1']);
    assert.deepEqual(items.map((i) => i.description), ['phone number, IMEI → log.example.cn', 'IMEI → log.example.cn', 'IMEI → ads.example.com']);
    assert.match(items[2]!.detail!, /not this flow's data to its host/);
    assert.ok(items.every((i) => i.kind === 'locator' && i.insertText === i.label));
    // sorted as listed
    assert.deepEqual([...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label), items.map((i) => i.label));
  });

  test('what is typed after the `#` is replaced; a block list item works too', () => {
    const text = reportText('evidence: [E1#ent]');
    const items = labels(text, 'E1#ent');
    assert.equal(text.slice(items[0]!.span.start, items[0]!.span.end), 'ent');
    const block = reportText('evidence:\n  - E1\n  - E1#');
    assert.deepEqual(labels(block, '- E1#').map((i) => i.label), ['entry=2', 'entry=3', 'entry=1']);
  });

  test('a locator the list already holds (inline or as a block item) is not offered again; categories follow the flow', () => {
    const inline = reportText('evidence: [E1#entry=2, E1#, E1#entry=03]');
    assert.deepEqual(labels(inline, 'E1#entry=2, E1#').map((i) => i.label), ['entry=1']);
    const block = reportText('evidence:\n  - E1#entry=3 # the IMEI\n  - E1#\n  - "E1#entry=1"');
    const { report, captures } = withScan(block, scan(false));
    const typing = block.indexOf('- E1#\n') + '- E1#'.length;
    assert.deepEqual(completions(report, typing, { taxonomy, captures }).map((i) => i.label), ['entry=2']);
    // the flow writes `phone number, IMEI`: that order, whatever the capture's
    const swapped = scan(false);
    swapped.matches = [swapped.matches[2]!, swapped.matches[1]!];
    assert.equal(labels(reportText('evidence: [E1#]'), 'evidence: [E1#', swapped)[0]!.description, 'phone number, IMEI → log.example.cn');
  });

  test("a retest's evidence ranks the units carrying its flows' data first", () => {
    const retest = ['```retest', 'id: R1', 'date: 2026-12-01', 'flows: [F2]', 'result: fixed', 'evidence: [E1#]', '```', '', '```flow', 'id: F2', 'from: D1', 'to: ads.example.com', 'data: [IMEI]', '```', ''].join('\n');
    const text = reportText('evidence: [E1]', retest);
    const items = labels(text, 'evidence: [E1#');
    assert.deepEqual(items.map((i) => i.label), ['entry=1', 'entry=2', 'entry=3']);
    assert.equal(items[0]!.description, 'IMEI → ads.example.com');
    assert.match(items[1]!.detail!, /not the retest's flows' data to its host/);
  });

  test('nothing without a read scan, outside an evidence field, or for an unreadable capture; a citation lists every unit that sent one', () => {
    const text = reportText('evidence: [E1#, E1]');
    assert.deepEqual(labels(text, 'evidence: [E1#', null), []);
    const bad = withScan(text, { state: 'unreadable', reason: 'no tshark' });
    assert.deepEqual(completions(bad.report, after(text, 'evidence: [E1#'), { taxonomy, captures: bad.captures }), []);
    const inData = reportText('evidence: [E1]').replace('data: [phone number, IMEI]', 'data: [E1#]');
    assert.deepEqual(labels(inData, 'data: [E1#').map((i) => i.label), []);
    const cite = reportText('evidence: [E1]').replace('[@E1#entry=2]', '[@E1#');
    assert.deepEqual(labels(cite, '[@E1#').map((i) => i.label), ['entry=1', 'entry=2', 'entry=3']);
  });

  test('the text before the cursor is read as an id and a locator being typed', () => {
    assert.deepEqual(locatorBeingTyped('  evidence: [E2#fra'), { id: 'E2', typed: 'fra' });
    assert.deepEqual(locatorBeingTyped('  - E2#'), { id: 'E2', typed: '' });
    assert.equal(locatorBeingTyped('  notes: see E2 # a comment'), undefined);
  });
});

describe('the bundled example, scanned for real', () => {
  test('the hover of E3#entry=1 names the host and masked markers; completion in F4 offers entry=1; no value in any form', async () => {
    await import('../../src/node/evidence-files');
    await import('../../src/node/capture/scan-cache');
    const { Linter } = await import('../../src/core/lint/linter');
    const file = path.resolve(__dirname, '..', '..', 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
    const text = readFileSync(file, 'utf8');
    const res = await new Linter().lint(text, { filePath: file, root: path.dirname(path.dirname(file)) });
    const e3 = res.report.byId.get('E3')!;
    const outcome = res.captures.get(e3);
    assert.equal(outcome?.state, 'read', JSON.stringify(outcome));
    const md = hover(res.report, after(text, 'evidence: [E3#entry='), { taxonomy, captures: res.captures })!.markdown;
    assert.match(md, /POST http:\/\/api\.account\.xiaomi\.com\/\S+/);
    assert.match(md, /\[IMEI\]/);
    assert.match(md, /\[IMSI\]/);
    assert.match(md, /42\\\.62\\\.48\\\.113:80 · CN · AS23724/);
    const values = ['869999012345677', '86999901234567', '+12025550101', '12025550101', '2025550101', '001010000012345'];
    const forms = values.flatMap((v) => [v, encodeURIComponent(v), Buffer.from(v).toString('base64').replace(/=+$/, ''), Buffer.from(v).toString('hex')]);
    for (const v of forms) assert.ok(!md.includes(v), `a form of a value (${v}) in the hover`);
    const typing = text.replace('evidence: [E3#entry=1, E1]', 'evidence: [E3#, E1]');
    const report = parseReport(typing);
    const captures = new Map([...res.captures].map(([r, c]) => [report.byId.get(r.id!)!, c]));
    const items = completions(report, after(typing, 'evidence: [E3#'), { taxonomy, captures });
    assert.equal(items[0]?.label, 'entry=1');
    assert.match(items[0]!.description!, /IMEI/);
    assert.match(items[0]!.description!, /→ api\.account\.xiaomi\.com$/);
    for (const v of forms) assert.ok(!JSON.stringify(items).includes(v), `a form of a value (${v}) in a completion`);
  });
});
