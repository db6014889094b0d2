/**
 * The retest comparison (src/core/lint/retest-compare.ts) and its HTML
 * (src/core/present/render/retest-compare.ts): on the bundled example (the
 * opt-in change of 2014-08-10: everything the first run sent stopped), on
 * the PA054 fixture (stopped, still and newly sent; an unreadable capture),
 * and on a re-capture with the canary removed, which turns a retest's
 * `fixed` from PA051 (with the suggested result as its fix) to clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Linter, type LintResult } from '../../src/core/lint/linter';
import { compareRetest } from '../../src/core/lint/retest-compare';
import type { RenderContext } from '../../src/core/present/render/context';
import { retestComparisonHtml } from '../../src/core/present/render/retest-compare';
import type { CaptureOutcome } from '../../src/core/lint/captures';
import type { CaptureMatch } from '../../src/core/capture/types';
import { parseReport } from '../../src/core/report/parse';
import type { AuditRecord } from '../../src/core/report/model';
import '../../src/node/evidence-files';
import '../../src/node/capture/scan-cache';
import { applyEdits } from '../support/edits';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'claims', 'retest-result-disagrees.audit.md');
const CHROME = path.join(ROOT, 'test', 'fixtures', 'captures', 'har', 'chrome.har');
const IMEI = '356721094823151';

const lintFile = async (file: string, text = readFileSync(file, 'utf8'), root = ROOT) => new Linter().lint(text, { filePath: file, root });

/** The render state the card renderer passes (records anchored as `rec-ID`). */
function ctxOf(result: LintResult, mask: (s: string) => string = (s) => s): RenderContext {
  const anchorById = new Map<string, string>();
  for (const r of result.report.records) if (r.id !== undefined) anchorById.set(r.id, `rec-${r.id}`);
  return {
    result,
    report: result.report,
    mode: 'preview',
    mask,
    anchorOf: new Map(),
    anchorById,
    usedIds: new Set(),
    problems: { header: [], byRecord: new Map(), byBlock: new Map(), byGroup: new Map(), top: [] },
    shown: new Set(),
    blocksByLine: new Map(),
    headings: [],
    knownIds: new Set(),
  };
}

const retest = (result: LintResult, id: string): AuditRecord => {
  const r = result.report.byId.get(id);
  assert.ok(r?.kind === 'retest', id);
  return r;
};

/** `host | category | status | before | after` per table row, tags dropped. */
function rowsOf(html: string): string[] {
  const out: string[] = [];
  let host = '';
  for (const tr of html.match(/<tr class="compare-row-[^"]*">.*?<\/tr>/g) ?? []) {
    const cells = [...tr.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!);
    if (/^<td class="compare-host"/.test(tr.slice(tr.indexOf('>') + 1))) host = cells.shift()!.replace(/<span class="compare-where">.*<\/span>/, '');
    const plain = cells.map((c) => c.replace(/<[^>]+>/g, ''));
    out.push([host, ...plain].join(' | '));
  }
  return out;
}

const statusOf = (html: string) => [...html.matchAll(/<span class="compare-status compare-(stopped|still|new)">(stopped|still sent|newly sent)<\/span>/g)].map((m) => `${m[1]}:${m[2]}`);
const claimDiagnostics = (r: LintResult) => r.diagnostics.filter((d) => d.rule === 'PA051' || d.rule === 'PA054').map((d) => `${d.rule}@${d.range.start.line + 1}`);
const lineOf = (text: string, needle: string, from = 0) => text.slice(0, text.indexOf(needle, from)).split('\n').length;

test('the example: every host and category of the first run stopped in the retest capture; fixed is suggested, partially fixed is written, and PA054 leaves it', async () => {
  const result = await lintFile(EXAMPLE);
  const r1 = retest(result, 'R1');
  const cmp = compareRetest(result, r1);
  assert.deepEqual(cmp.beforeIds, ['E2', 'E3']);
  assert.deepEqual(cmp.afterIds, ['E15']);
  assert.deepEqual(cmp.unread, []);
  assert.equal(cmp.written, 'partially-fixed');
  assert.equal(cmp.suggested, 'fixed');
  assert.deepEqual(claimDiagnostics(result), []);

  const html = retestComparisonHtml(ctxOf(result), r1);
  assert.match(html, /^<div class="retest-compare"><table class="compare"><caption>Before \(E2, E3\) → after \(E15\)<\/caption>/);
  assert.deepEqual(rowsOf(html), [
    'api.account.xiaomi.com | IMEI | stopped | E2 · frame=22, E3 · entry=1 | —',
    'api.account.xiaomi.com | phone number | stopped | E2 · frame=22, E3 · entry=1 | —',
    'api.account.xiaomi.com | carrier name | stopped | E2 · frame=22 | —',
    'api.account.xiaomi.com | contacts | stopped | E2 · frame=32 | —',
    'api.account.xiaomi.com | sms metadata | stopped | E2 · frame=44 | —',
    'api.account.xiaomi.com | IMSI | stopped | E3 · entry=1 | —',
  ]);
  assert.equal(statusOf(html).length, 6);
  assert.match(html, /rowspan="6"/);
  assert.match(html, /<span class="compare-where">xiaomi\.com · CN · 42\.62\.48\.17 · 42\.62\.48\.113<\/span>/);
  assert.match(html, /<a class="ref" href="#rec-E2" data-ref="E2">E2 · frame=22<\/a>/);
  assert.match(html, /<p class="compare-suggested compare-disagrees">Suggested result from the captures: fixed \(written: partially fixed\)\.<\/p><\/div>$/);
  // no identifier of the device in it, in any form the example writes
  for (const v of ['869999012345677', '12025550101', '001010000012345', 'ExampleTel', '12025550142', '12025550177']) assert.ok(!html.includes(v), v);
});

test("every string of the comparison passes through the render's masking", async () => {
  const result = await lintFile(EXAMPLE);
  const html = retestComparisonHtml(ctxOf(result, (s) => s.split('xiaomi').join('[host]').split('42.62.48').join('[net]')), retest(result, 'R1'));
  assert.ok(html.includes('api.account.[host].com'), html);
  assert.ok(!/xiaomi|42\.62\.48/.test(html), html);
});

test('the PA054 fixture: what stopped, what is still and newly sent, and the suggested result', async () => {
  const result = await lintFile(FIXTURE);
  const html = (id: string) => retestComparisonHtml(ctxOf(result), retest(result, id));

  // R1: a retest capture that sends nothing: all stopped (the first run is the whole capture its flows cite), `fixed` against a written `not-fixed`
  assert.deepEqual(rowsOf(html('R1')), [
    'api.example.test | IMEI | stopped | E1 · frame=4 | —',
    'api.example.test | phone number | stopped | E1 · frame=14 | —',
    'api.example.test | email | stopped | E1 · frame=24 | —',
    'api.example.test | advertising ID | stopped | E1 · frame=34, E1 · frame=78 | —',
  ]);
  assert.match(html('R1'), /Suggested result from the captures: fixed \(written: not fixed\)\./);

  // R2: the first run cited again: everything it sent is still sent
  assert.deepEqual(statusOf(html('R2')), ['still:still sent', 'still:still sent', 'still:still sent', 'still:still sent']);
  assert.deepEqual(rowsOf(html('R2')).slice(2), ['api.example.test | email | still sent | E1 · frame=24 | E1 · frame=24', 'api.example.test | advertising ID | still sent | E1 · frame=34, E1 · frame=78 | E1 · frame=34, E1 · frame=78']);
  assert.match(html('R2'), /Suggested result from the captures: not fixed \(written: partially fixed\)\./);

  // R3: the IMEI stopped, the email did not: partially fixed, as written
  const r3 = rowsOf(html('R3'));
  assert.equal(r3[0], 'api.example.test | IMEI | stopped | E1 · frame=4 | —');
  assert.ok(r3.includes('api.example.test | email | still sent | E1 · frame=24 | E3 · frame=14'), r3.join('\n'));
  assert.match(html('R3'), /<p class="compare-suggested">Suggested result from the captures: partially fixed \(as written\)\.<\/p>/);

  // R10: nothing seen in a capture of undecrypted HTTPS: nothing is said to have stopped
  assert.match(html('R10'), /<p class="compare-note">E5 holds 1 TLS stream without keys: a value may have gone there unseen, so nothing is said to have stopped\.<\/p>/);
  assert.match(html('R10'), /<p class="compare-suggested">No result is suggested: what stopped may be in the traffic the scan could not read\.<\/p>/);
  assert.deepEqual(statusOf(html('R10')), ['stopped:stopped', 'stopped:stopped', 'stopped:stopped', 'stopped:stopped']);

  // R8 cites only a file that is no capture: nothing to show
  assert.equal(html('R8'), '');
  const r8 = compareRetest(result, retest(result, 'R8'));
  assert.deepEqual(r8.unread.map((u) => `${u.id} ${u.side}`), ['E4 after']);
  assert.equal(r8.suggested, undefined);
});

test("PA054's fix writes the suggested result, and the result then lints clean", async () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const result = await lintFile(FIXTURE, text);
  for (const [id, to] of [['R1', 'fixed'], ['R2', 'not-fixed']] as const) {
    const at = lineOf(text, `- id: ${id}\n`) + 3;
    const d = result.diagnostics.find((x) => x.rule === 'PA054' && x.range.start.line + 1 === at);
    assert.ok(d, `PA054 on ${id}'s result (line ${at})`);
    assert.equal(d.fixes?.length, 1);
    const fixed = applyEdits(text, d.fixes![0]!.edits);
    assert.equal(fixed.split('\n')[at - 1]!.replace(/ #.*/, ''), `  result: ${to}`);
    const after = await lintFile(FIXTURE, fixed);
    assert.ok(!claimDiagnostics(after).includes(`PA054@${at}`), claimDiagnostics(after).join(', '));
    assert.ok(!claimDiagnostics(after).includes(`PA051@${at}`), claimDiagnostics(after).join(', '));
  }
});

test("a re-capture with the canary removed turns a retest's `fixed` from PA051 (fix: the suggested result) to clean; the comparison shows the IMEI stopped, and where else it still goes", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-retest-compare-'));
  try {
    copyFileSync(CHROME, path.join(dir, 'first.har'));
    // the same traffic with another IMEI: the canary is no longer sent (its md5 neither)
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const har = readFileSync(CHROME, 'utf8');
    assert.ok(har.includes(IMEI) && har.includes(md5(IMEI)));
    const recapture = har.split(IMEI).join('490154203237518').split(md5(IMEI)).join(md5('490154203237518'));
    writeFileSync(path.join(dir, 'retest.har'), recapture);
    // and one in which the app no longer calls log.example.cn either (its entry 2 carries the IMEI in base64)
    const doc = JSON.parse(recapture) as { log: { entries: { request: { url: string } }[] } };
    assert.match(doc.log.entries[1]!.request.url, /log\.example\.cn/);
    doc.log.entries.splice(1, 1);
    writeFileSync(path.join(dir, 'retest2.har'), JSON.stringify(doc));
    const sha = (f: string) => createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex');
    const report = (cite: string) =>
      [
        '---', 'audit-format: 1', 'id: T-RETEST', 'title: Retest', 'status: draft', 'date: 2026-12-05', 'auditors: [Test]', '---', '',
        '```device', 'id: D1', 'vendor: Example', 'model: Phone', 'build: EX-1', 'identifiers:', `  IMEI: "${IMEI}"`, '```', '',
        '```evidence',
        '- id: E1', '  file: first.har', `  sha256: ${sha('first.har')}`, '  kind: har',
        '- id: E2', '  file: retest.har', `  sha256: ${sha('retest.har')}`, '  kind: har',
        '- id: E3', '  file: retest2.har', `  sha256: ${sha('retest2.har')}`, '  kind: har',
        '```', '',
        '```flow', 'id: F1', 'from: D1', 'to: api.tracker.example', 'data: [IMEI]', 'evidence: [E1#entry=1]', '```', '',
        '```retest', 'id: R1', 'date: 2026-12-01', 'flows: [F1]', 'result: fixed', `evidence: [${cite}]`, '```', '',
      ].join('\n');
    const file = path.join(dir, 'r.audit.md');

    const still = report('E1');
    const before = await lintFile(file, still, dir);
    const resultLine = lineOf(still, 'result: fixed');
    assert.deepEqual(claimDiagnostics(before), [`PA051@${resultLine}`]);
    const pa051 = before.diagnostics.find((d) => d.rule === 'PA051')!;
    assert.deepEqual(pa051.fixes?.map((f) => f.title), ['Set the result to `not-fixed` (as the captures show)']);
    const stillHtml = retestComparisonHtml(ctxOf(before), retest(before, 'R1'));
    assert.ok(statusOf(stillHtml).includes('still:still sent'), stillHtml);
    assert.match(stillHtml, /Suggested result from the captures: not fixed \(written: fixed\)\./);
    // the fix clears PA051 and brings no PA054
    assert.deepEqual(claimDiagnostics(await lintFile(file, applyEdits(still, pa051.fixes![0]!.edits), dir)), []);

    // F1's host no longer gets the IMEI: PA051 is clean; the comparison still shows it going (in base64) to a host F1 is not about
    const partly = report('E2');
    const after = await lintFile(file, partly, dir);
    assert.deepEqual(claimDiagnostics(after), []);
    const partlyHtml = retestComparisonHtml(ctxOf(after), retest(after, 'R1'));
    assert.match(partlyHtml, /<caption>Before \(E1\) → after \(E2\)<\/caption>/);
    // the first run sent it there too (entry 2, which no flow cites): still sent, not new
    assert.deepEqual(rowsOf(partlyHtml), ['api.tracker.example | IMEI | stopped | E1 · entry=1 | —', 'log.example.cn | IMEI | still sent | E1 · entry=2 | E2 · entry=2']);
    assert.match(partlyHtml, /Suggested result from the captures: partially fixed \(written: fixed\)\./);

    const clean = report('E3');
    const done = await lintFile(file, clean, dir);
    assert.deepEqual(claimDiagnostics(done), []);
    const cleanHtml = retestComparisonHtml(ctxOf(done), retest(done, 'R1'));
    assert.deepEqual(rowsOf(cleanHtml), ['api.tracker.example | IMEI | stopped | E1 · entry=1 | —', 'log.example.cn | IMEI | stopped | E1 · entry=2 | —']);
    assert.match(cleanHtml, /<p class="compare-suggested">Suggested result from the captures: fixed \(as written\)\.<\/p>/);
    for (const h of [stillHtml, partlyHtml, cleanHtml]) assert.ok(!h.includes(IMEI) && !h.includes(md5(IMEI)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A report with two devices, flows F1 (D1) and F2 (D2), and a retest R1 of both; the captures' scans made up. */
function madeUpInputs(retestFlows: string, scans: Record<string, Partial<CaptureMatch>[] | { undecrypted: number } | null>, cite = 'E3') {
  const report = parseReport(
    [
      '---', 'audit-format: 1', 'id: T', 'title: T', 'status: draft', 'date: 2026-12-05', 'auditors: [T]', '---', '',
      '```device', '- id: D1', '  identifiers: {IMEI: "356721094823151"}', '- id: D2', '  identifiers: {IMEI: "490154203237518"}', '```', '',
      '```evidence', ...['E1', 'E2', 'E3', 'E4'].flatMap((id) => [`- id: ${id}`, `  file: ${id}.har`, '  kind: har']), '```', '',
      '```flow', '- id: F1', '  from: D1', '  to: a.example', '  data: [IMEI]', '  evidence: [E1#entry=1]',
      '- id: F2', '  from: D2', '  to: b.example', '  data: [IMEI]', '  evidence: [E2]', '```', '',
      '```retest', 'id: R1', 'date: 2026-12-06', `flows: [${retestFlows}]`, 'result: not-fixed', `evidence: [${cite}]`, '```', '',
    ].join('\n'),
  );
  const captures = new Map<AuditRecord, CaptureOutcome>();
  for (const [id, scan] of Object.entries(scans)) {
    if (scan === null) continue; // not scanned
    const matches = Array.isArray(scan)
      ? scan.map((m, i) => ({ locator: `entry=${i + 1}`, direction: 'request', category: 'IMEI', device: 'D1', canary: 0, transforms: [], where: 'query', tls: true, ...m }) as CaptureMatch)
      : [];
    captures.set(report.byId.get(id)!, { state: 'read', result: { path: `${id}.har`, matches, undecrypted: Array.isArray(scan) ? 0 : scan.undecrypted, warnings: [] } });
  }
  return { report, captures, r1: report.byId.get('R1')! };
}

function madeUp(...args: Parameters<typeof madeUpInputs>) {
  const { report, captures, r1 } = madeUpInputs(...args);
  return compareRetest({ report, captures }, r1);
}

const summary = (c: ReturnType<typeof madeUp>) => c.rows.map((r) => `${r.host} ${r.category} ${r.status} [${r.before.map((s) => `${s.id}#${s.locator}`)}] [${r.after.map((s) => `${s.id}#${s.locator}`)}]`);

test('the comparison: hosts by name (an address alone joins the name it was seen with), devices of the flows only, request side only, the first run whole', () => {
  const c = madeUp('F1', {
    // entry 1 is cited by F1; entry 2 (another host) is not, and counts: the first run is the capture
    E1: [{ host: 'a.example', address: '192.0.2.1' }, { host: 'x.example', address: '192.0.2.9' }],
    E2: [],
    E3: [
      { address: '192.0.2.1' }, // no name: the host seen at that address
      { host: 'a.example', device: 'D2' }, // another device than F1's
      { host: 'c.example', direction: 'response' }, // an answer, not sent
      { host: 'A.Example', category: 'phone number' }, // same host, another category
    ],
  });
  assert.deepEqual(summary(c), ['a.example IMEI still [E1#entry=1] [E3#entry=1]', 'a.example phone number new [] [E3#entry=4]', 'x.example IMEI stopped [E1#entry=2] []']);
  assert.deepEqual(c.rows[0]!.addresses, ['192.0.2.1']);
  assert.equal(c.suggested, 'partially-fixed');
  // only F1's device on either side: D2's IMEI in E3 is not F1's
  assert.ok(!summary(c).some((r) => r.includes('E3#entry=2')));
});

test('the suggested result: fixed, partially fixed, not fixed, or none (nothing before, a capture not read or not scanned, undecrypted traffic where something stopped)', () => {
  const first = [{ host: 'a.example' }];
  assert.equal(madeUp('F1', { E1: first, E3: [] }).suggested, 'fixed');
  assert.equal(madeUp('F1', { E1: [...first, { host: 'a.example', category: 'email' }], E3: [{ host: 'a.example', locator: 'entry=1' }, { host: 'a.example', category: 'email' }] }, 'E3').suggested, 'not-fixed');
  assert.equal(madeUp('F1', { E1: [...first, { host: 'a.example', category: 'email' }], E3: [{ host: 'a.example', locator: 'entry=1' }] }, 'E3').suggested, 'partially-fixed', 'the email stopped');
  const f1f2 = madeUp('F1, F2', { E1: first, E2: [{ host: 'b.example', device: 'D2' }], E3: [{ host: 'b.example', device: 'D2' }] });
  assert.deepEqual(summary(f1f2), ['a.example IMEI stopped [E1#entry=1] []', 'b.example IMEI still [E2#entry=1] [E3#entry=1]']);
  assert.equal(f1f2.suggested, 'partially-fixed');
  assert.equal(madeUp('F1', { E1: first, E3: [{ host: 'z.example' }] }).suggested, 'partially-fixed', 'stopped there, newly sent elsewhere');
  assert.equal(madeUp('F1', { E1: [], E3: [{ host: 'z.example' }] }).suggested, undefined, 'nothing before');
  const notScanned = madeUp('F1', { E1: first, E3: null });
  assert.deepEqual(notScanned.unread.map((u) => `${u.id} ${u.side}`), ['E3 after']);
  assert.equal(notScanned.suggested, undefined);
  assert.equal(madeUp('F1', { E1: null, E3: [] }).unread[0]?.side, 'before');
  const hidden = madeUp('F1', { E1: first, E3: { undecrypted: 2 } });
  assert.deepEqual(hidden.hidden, [{ id: 'E3', undecrypted: 2, quic: 0 }]);
  assert.equal(hidden.suggested, undefined);
  // undecrypted traffic does not hide what is still sent
  assert.equal(madeUp('F1', { E1: first, E3: [{ host: 'a.example' }] }).suggested, 'not-fixed');
});

test('a long comparison is cut with a count: 200 rows, three addresses per host, eight entries per cell', () => {
  // F2 (D2) cites E2 as a whole: 250 hosts, the first of them at 5 addresses and in 10 entries
  const first = Array.from({ length: 10 }, (_, i) => ({ host: 'h0.example', address: `192.0.2.${i % 5}`, device: 'D2' }));
  const rest = Array.from({ length: 249 }, (_, i) => ({ host: `h${i + 1}.example`, device: 'D2' }));
  const { report, captures, r1 } = madeUpInputs('F2', { E1: [], E2: [...first, ...rest], E3: [] });
  const html = retestComparisonHtml(ctxOf({ report, captures, diagnostics: [], evidence: new Map() } as unknown as LintResult), r1);
  assert.equal(statusOf(html).length, 200);
  assert.match(html, /<p class="compare-note">And 50 more hosts and categories \(privacy-audit scan lists every one\)\.<\/p>/);
  assert.match(html, /<span class="compare-where">192\.0\.2\.0 · 192\.0\.2\.1 · 192\.0\.2\.2 · 2 more addresses<\/span>/);
  assert.match(html, /E2 · entry=8<\/a> and 2 more<\/td>/);
  assert.ok(!html.includes('entry=9<'));
  assert.match(html, /Suggested result from the captures: fixed \(written: not fixed\)\./);
});
