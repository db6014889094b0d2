/**
 * The HTML and PDF export (src/node/export.ts, src/core/present/document.ts)
 * in Debian's Chromium, checked with poppler's tools:
 *
 * - the example: title, flows, text from inside the diagram, every evidence
 *   hash, bookmarks, running header and footer, page count; no device
 *   identifier or redacted value anywhere; cards, rows and the diagram whole
 *   on one page; A4 and Letter; DRAFT watermark; header templates for older
 *   browsers; a generated report of about 50 pages;
 * - a hostile report (script, iframe and images from file:// and remote
 *   hosts, mermaid injection): no local file content in the PDF, no request
 *   left the pages (counted), and the HTML export opened with JavaScript on
 *   runs nothing; controls show that each of these checks can fail;
 * - atomic writes, cancelling, and the messages for a missing browser.
 *
 * Page images (pdftoppm, 60 dpi) are kept in test-output/export/ for a
 * reviewer. Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH) and
 * poppler-utils (pdftotext, pdfinfo, pdftoppm, pdftohtml); without them the
 * tests fail with a message saying what to install.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { largeExportReport } from '../../bench/export-bench';
import { canariesOf } from '../../src/core/capture/canaries';
import { formsOf } from '../../src/core/capture/forms';
import { needlesOf } from '../../src/core/capture/needles';
import { cssString } from '../../src/core/present/document';
import { scalarText } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import { launch, type LaunchedBrowser } from '../../src/node/browser';
import { ExportCancelledError, Exporter, writeFileAtomic, type ExportResult } from '../../src/node/export';
import { exportCommand, exportMany, exportSummary } from '../../src/cli/export-command';
import { main } from '../../src/cli/main';
import { openMermaidPage } from '../../src/node/export-mermaid';

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = path.join(REPO, 'test-output', 'export');
/** The example's device identifiers and `redact` values: none may appear in any export. */
const EXAMPLE_SECRETS = ['869999012345677', '001010000012345', '+12025550101', '+12025550142', '+12025550177', '2025550101', '2025550142', '2025550177'];
const POPPLER = ['pdftotext', 'pdfinfo', 'pdftoppm', 'pdftohtml', 'pdfimages'];

let exporter: Exporter | undefined;
/** A second browser that opens the HTML exports like a reader would (JavaScript on). */
let viewer: LaunchedBrowser | undefined;
let tmp = '';

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. The export tests need it and do not skip: install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  for (const tool of POPPLER) {
    try {
      execFileSync(tool, ['-v'], { stdio: 'pipe' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`${tool} not found. The export tests read the PDFs with poppler-utils and do not skip: install it (Debian/Ubuntu: apt-get install -y poppler-utils).`);
      }
    }
  }
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  tmp = mkdtempSync(path.join(tmpdir(), 'pa-export-test-'));
  exporter = new Exporter({ browserPath: CHROMIUM, generator: 'Privacy Audit (test)' });
  await exporter.start();
  viewer = await launch(CHROMIUM);
});

after(async () => {
  await exporter?.dispose();
  await viewer?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function ex(): Exporter {
  if (!exporter) throw new Error('the exporter did not start (see the error of the before hook)');
  return exporter;
}

function browser(): Browser {
  if (!viewer) throw new Error('the browser did not start (see the error of the before hook)');
  return viewer.browser;
}

// ------------------------------------------------------------------ poppler

/**
 * The PDF's text, one string per page (pdftotext separates pages with form
 * feeds). Diagonal text (the DRAFT watermark) is left out unless `diagonal`,
 * which reads the text in content order instead.
 */
function pdfPages(file: string, diagonal = false): string[] {
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', diagonal ? '-raw' : '-nodiag', file, '-'], { maxBuffer: 64 << 20 }).toString('utf8');
  const pages = text.split('\f');
  if (pages[pages.length - 1]!.trim() === '') pages.pop();
  return pages;
}

/** Text with all white space removed (lines wrap differently from the source). */
const squash = (s: string) => s.replace(/\s+/g, '');

function pdfInfo(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of execFileSync('pdfinfo', [file]).toString('utf8').split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

/** The PDF's bookmarks (document outline), in order, with their target pages. */
function bookmarks(file: string): { title: string; page: number }[] {
  const xml = execFileSync('pdftohtml', ['-xml', '-i', '-q', '-stdout', file], { maxBuffer: 64 << 20 }).toString('utf8');
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&');
  return [...xml.matchAll(/<item page="(\d+)">([^<]*)<\/item>/g)].map((m) => ({ page: Number(m[1]), title: decode(m[2]!).trim() }));
}

/** Page images for a reviewer: test-output/export/NAME-NN.png. */
function pageImages(file: string, name: string): string[] {
  execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(OUT, name)]);
  return readdirSync(OUT).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png') && /^\d+$/.test(f.slice(name.length + 1, -4)));
}

/** Pages (1-based) whose text contains `needle`: a string is compared without white space, a pattern is matched with runs of white space as one space. */
function pagesWith(pages: string[], needle: string | RegExp): number[] {
  return pages.flatMap((p, i) => (typeof needle === 'string' ? squash(p).includes(squash(needle)) : needle.test(p.replace(/\s+/g, ' '))) ? [i + 1] : []);
}

/** The pages the timeline takes: from its summary line to its caption. */
function timelinePages(pages: string[]): number[] {
  const first = pagesWith(pages, /\d+ dated events?, from/)[0];
  const last = pagesWith(pages, /Figure \d+ — Timeline of events/)[0];
  assert.ok(first !== undefined && last !== undefined && last >= first, `the timeline's pages (from ${first} to ${last})`);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Asserts that the text from `start` to `end` (one card, row or figure) is on a single page (pages in `skip` are ignored). */
function onOnePage(pages: string[], start: string | RegExp, end: string | RegExp, what: string, skip: number[] = []): number {
  const a = pagesWith(pages, start).filter((p) => !skip.includes(p));
  const b = pagesWith(pages, end).filter((p) => !skip.includes(p));
  assert.equal(a.length, 1, `${what}: its start (${start}) is on pages ${a.join(', ') || 'none'}`);
  assert.ok(b.includes(a[0]!), `${what}: starts on page ${a[0]} but its end (${end}) is on pages ${b.join(', ') || 'none'}`);
  return a[0]!;
}

// ------------------------------------------------------------------ the example

describe('export of the example', () => {
  const pdf = () => path.join(OUT, 'example.pdf');
  const html = () => path.join(OUT, 'example.html');
  let result: ExportResult;
  let pages: string[];

  before(async () => {
    result = await ex().export({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE, root: REPO, pdf: pdf(), html: html() });
    pages = pdfPages(pdf());
  });

  test('the PDF: title, flows, diagram text, every hash, header and footer, page count; page images kept', () => {
    const info = pdfInfo(pdf());
    const title = 'Xiaomi Redmi 1S (MIUI V5): identifiers and contact numbers sent to Beijing by MIUI Cloud Messaging — reconstructed example';
    assert.equal(info.Title, title);
    assert.match(info['Page size']!, /^59[45](\.\d+)? x 841(\.\d+)? pts \(A4\)/);
    assert.equal(Number(info.Pages), pages.length);
    assert.equal(result.pdf!.pages, pages.length, 'the page count the exporter reports');
    assert.ok(pages.length >= 10 && pages.length <= 22, `the example has ${pages.length} pages (expected 10–22)`);
    assert.equal(result.errors, 0);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.blockedRequests, 0, 'nothing tried to load anything');

    const all = squash(pages.join('\n'));
    assert.ok(squash(pages[0]!).includes(squash(title)), 'the title is on the cover');
    for (const s of ['FSEC-2014-RM1S', 'PUBLIC', 'Example Analyst', '2014-10-24', 'Xiaomi Redmi 1S, MIUI V5 (Android 4.x), MIUI Cloud Messaging / Mi Cloud']) {
      assert.ok(squash(pages[0]!).includes(squash(s)), `the cover shows ${s}`);
    }
    // the flows table
    for (const s of ['F1', 'F2', 'F3', 'F4', 'api.account.xiaomi.com', '42.62.48.113']) assert.ok(all.includes(squash(s)), `${s} is in the PDF`);
    // text that only the data-flow diagram, its key and the timeline show: vector text, selectable and searchable
    for (const s of ['CN · China', '42.62.48.17, 42.62.48.113', 'Retest: R1 partially fixed', 'Figure 1 — Data flows observed in this audit', 'high-sensitivity data unencrypted or without opt-in consent', '35 dated events, from 6 August 2014 to 24 October 2014', 'Evidence captured (3) E2, E3, E14', 'Report date', 'Timeline of events']) assert.ok(all.includes(squash(s)), `figure text "${s}" is in the PDF`);
    assert.ok(!all.includes('Legend'), 'the key is a caption row, not a legend drawn in the diagram');
    // nothing was printed as a bitmap (a CSS filter on an SVG group makes Chromium rasterise it, text and all):
    // the only raster image is the evidence screenshot E14, at its own 480 × 320 pixels
    const images = execFileSync('pdfimages', ['-list', pdf()], { encoding: 'utf8' }).trim().split('\n').slice(2);
    assert.deepEqual(images.map((r) => r.trim().split(/\s+/).slice(2, 5)), [['image', '480', '320']], 'the PDF holds one raster image, the screenshot');
    // every evidence hash, in full, and the check made at export time
    const hashes = [...readFileSync(EXAMPLE, 'utf8').matchAll(/sha256: ([0-9a-f]{64})/g)].map((m) => m[1]!);
    assert.equal(hashes.length, 11);
    for (const h of hashes) assert.ok(all.includes(h), `sha256 ${h.slice(0, 12)}… is in the PDF`);
    assert.deepEqual(result.evidence, { records: 15, files: 11, verified: 11 });
    const appendix = pagesWith(pages, 'Evidence appendix').filter((p) => p > 2);
    assert.ok(appendix.length >= 1);
    assert.ok(squash(pages.slice(appendix[0]! - 1).join('')).includes('11of11evidencefilesmatchtheirrecordedsha256'));
    assert.ok(pagesWith(pages, '✓Verified').length >= 1, 'the appendix marks verified files');
    // running header and footer on every page but the cover
    const n = pages.length;
    assert.deepEqual(pagesWith(pages, /Page \d+ of \d+/), Array.from({ length: n - 1 }, (_, i) => i + 2));
    for (let p = 2; p <= n; p++) {
      assert.ok(squash(pages[p - 1]!).includes(`Page${p}of${n}`), `page ${p} says "Page ${p} of ${n}"`);
      assert.ok(squash(pages[p - 1]!).includes('FSEC-2014-RM1S'), `page ${p} has the report id in its header`);
    }
    // a final report has no DRAFT watermark
    assert.deepEqual(pagesWith(pdfPages(pdf(), true), 'DRAFT'), []);
    const pngs = pageImages(pdf(), 'example');
    assert.equal(pngs.length, n, 'one page image per page');
  });

  test('bookmarks from the headings, pointing at the right pages', () => {
    const marks = bookmarks(pdf());
    const titles = marks.map((m) => m.title);
    for (const t of ['Contents', 'Summary', 'Scope and method', 'Observed data flows', 'Evidence', 'Vendor response and fix', 'Retest', 'Findings', 'Conclusion', 'Evidence appendix']) {
      assert.ok(titles.includes(t), `bookmark "${t}" (have: ${titles.join(' | ')})`);
    }
    const page = (t: string) => marks.find((m) => m.title === t)!.page;
    assert.equal(marks[0]!.page, 1, 'the first bookmark is the cover');
    // the cover title wraps over four lines: its bookmark keeps every space
    assert.equal(marks[0]!.title, 'Xiaomi Redmi 1S (MIUI V5): identifiers and contact numbers sent to Beijing by MIUI Cloud Messaging — reconstructed example');
    assert.equal(page('Contents'), 2);
    assert.ok(page('Summary') >= 3 && page('Summary') < page('Observed data flows') && page('Observed data flows') < page('Findings') && page('Findings') < page('Evidence appendix'));
    const pages = pdfPages(pdf());
    assert.ok(squash(pages[page('Evidence appendix') - 1]!).includes('Evidenceappendix'));
    assert.ok(squash(pages[page('Findings') - 1]!).includes('Findings'));
  });

  test('no device identifier or redacted value survives: text, bookmarks, metadata, bytes, HTML', () => {
    const text = pages.join('\n');
    const raw = readFileSync(pdf()).toString('latin1');
    const h = readFileSync(html(), 'utf8');
    const meta = JSON.stringify(pdfInfo(pdf()));
    const marks = JSON.stringify(bookmarks(pdf()));
    for (const s of EXAMPLE_SECRETS) {
      assert.ok(!text.includes(s) && !squash(text).includes(s), `${s} is not in the PDF text`);
      assert.ok(!raw.includes(s), `${s} is not in the PDF bytes`);
      assert.ok(!meta.includes(s) && !marks.includes(s), `${s} is not in the metadata or bookmarks`);
      assert.ok(!h.includes(s), `${s} is not in the HTML export`);
    }
    // masked, not dropped: the device card's identifiers table says so
    assert.ok(text.includes('[redacted]'));
    assert.ok(h.includes('[redacted]'));
  });

  test('exhibits under the flows and the captures in the appendix: hosts and masked markers, never a declared value in any form the scan knows', () => {
    const text = pages.join('\n');
    const all = squash(text);
    // one exhibit per cited frame or entry, each confirmed, each value a marker naming its category
    for (const unit of ['E2 · frame=22', 'E2 · frame=32', 'E2 · frame=44', 'E3 · entry=1']) {
      assert.ok(all.toLowerCase().includes(squash(`exhibit ${unit} — POST to api.account.xiaomi.com`).toLowerCase()), `the exhibit of ${unit}`);
      assert.ok(all.includes(squash(`✓ Confirmed by the capture: ${unit} shows the declared data going to this host.`)), `${unit} confirms its flow`);
    }
    for (const marker of ['imei=[redacted IMEI]', 'X-Sim-Imsi: [redacted IMSI]', '{"deviceId":"[redacted IMEI]"', '[redacted contacts]', '[redacted sms metadata]']) assert.ok(all.includes(squash(marker)), `the exhibit shows ${marker}`);
    assert.ok(all.includes(squash('IMEI · json → base64')), 'the transform chain');
    assert.ok(all.includes(squash('42.62.48.17:80 · CN · AS23724')), "the exhibit's address, country and network");
    // the diagram marks the confirmed flows; the appendix lists each capture's hosts and the data sets
    assert.ok(all.includes(squash('✓ confirmed by capture')));
    for (const s of ['Captures', 'E15 evidence/retest-2014-08-14.pcapng', 'update.miui.example', 'geo-whois-asn-country', 'no network lookups']) assert.ok(all.includes(squash(s)), `the appendix shows ${s}`);
    // the retest's comparison: the opt-in change of 2014-08-10 shows as every category stopped
    for (const s of ['Before (E2, E3) → after (E15)', 'IMEI ✓ stopped', 'contacts ✓ stopped', 'Suggested result from the captures: fixed (written: partially fixed).']) assert.ok(all.includes(squash(s)), `the retest comparison shows ${s}`);
    assert.ok(!all.includes(squash('still sent')) && !all.includes(squash('newly sent')), 'nothing is still or newly sent in the retest capture');
    // every form the scan searches, of every declared value: the PDF's text and the HTML (its embedded picture aside) hold none
    const report = parseReport(readFileSync(EXAMPLE, 'utf8'));
    const h = readFileSync(html(), 'utf8').replace(/data:image\/[a-z]+;base64,[A-Za-z0-9+/=]+/g, '');
    const hLower = h.toLowerCase();
    const tLower = all.toLowerCase();
    let checked = 0;
    for (const c of canariesOf(report)) {
      const { exact, caseless } = needlesOf(formsOf(c));
      const extra = [encodeURIComponent(c.value), encodeURIComponent(encodeURIComponent(c.value)), Buffer.from(c.value).toString('base64'), Buffer.from(c.value).toString('base64url')];
      for (const n of [...exact, ...extra]) {
        checked++;
        assert.ok(!all.includes(squash(n)) && !h.includes(n), `a form of ${c.category} (${n.length} characters) is in the export`);
      }
      for (const n of caseless) assert.ok(!tLower.includes(n) && !hLower.includes(n), `a case-folded form of ${c.category} is in the export`);
    }
    assert.ok(checked > 100, `${checked} forms checked`);
  });

  test('cards, the flows table and the diagrams are each on one page', () => {
    const report = parseReport(readFileSync(EXAMPLE, 'utf8'));
    const field = (id: string, key: string) => String(scalarText(report.byId.get(id)!.fields.get(key))).replace(/\s+/g, ' ').trim();
    const contents = [2];
    for (const fn of ['FN1', 'FN2', 'FN3', 'FN4']) {
      onOnePage(pages, field(fn, 'title').slice(0, 40), field(fn, 'recommendation').slice(-40), `finding ${fn}`, contents);
    }
    // the timeline, after the cards, repeats each statement in full: the cards are looked for in the text before it
    const first = timelinePages(pages)[0]!;
    const beforeTimeline = pages.map((p, i) => (i + 1 < first ? p : i + 1 === first ? p.slice(0, p.search(/\d+ dated events?, from/)) : ''));
    // from the card's date and channel line (the prose may quote a statement's first words)
    for (const v of ['V1', 'V3', 'V4', 'V5', 'V6']) onOnePage(beforeTimeline, `${field(v, 'date')} · ${field(v, 'channel')}`, field(v, 'statement').slice(-30), `response ${v}`);
    onOnePage(pages, 'DEVICE UNDER TEST', field('D1', 'notes').slice(-40), 'device D1');
    onOnePage(pages, 'Retest of 2014-08-14', 'Suggested result from the captures', 'retest R1 with its comparison');
    // each flow's row with its exhibit (the table itself may now go over a page break; its head repeats)
    onOnePage(pages, '09:12:44Z', 'IMEI, phone number, carrier name · form', 'flow F1 and its exhibit');
    onOnePage(pages, '13:41:05Z', 'IMEI · json → base64', 'flow F4 and its exhibit');
    onOnePage(pages, 'CN·China', 'high-sensitivitydataunencryptedorwithoutopt-inconsent', 'the data-flow diagram with its key');
  });

  test('the timeline: every event in full, at 9 pt or more (pdftotext -bbox), its figure number resolved', () => {
    const report = parseReport(readFileSync(EXAMPLE, 'utf8'));
    const field = (id: string, key: string) => String(scalarText(report.byId.get(id)!.fields.get(key))).replace(/\s+/g, ' ').trim();
    const range = timelinePages(pages);
    // pdftotext joins a word hyphenated at a line end: hyphens are left out of the comparison
    const flat = (t: string) => squash(t).replace(/-/g, '');
    const text = flat(range.map((p) => pages[p - 1]!).join('\n'));
    // never truncated: every step's action and every statement, whole
    const steps = report.records.filter((r) => r.kind === 'step').map((r) => r.id!);
    const responses = report.records.filter((r) => r.kind === 'response').map((r) => r.id!);
    assert.ok(steps.length >= 10 && responses.length >= 7);
    for (const id of steps) assert.ok(text.includes(flat(field(id, 'action'))), `step ${id}'s action in full on the timeline`);
    for (const id of responses) assert.ok(text.includes(flat(field(id, 'statement'))), `statement ${id} in full on the timeline`);
    assert.match(pages.join('\n').replace(/\s+/g, ' '), /Figure \d+ — Timeline of events/);
    // the size of every word of the timeline, as pdftotext measures it (the box height is about the font size)
    const bbox = execFileSync('pdftotext', ['-bbox', '-f', String(range[0]), '-l', String(range[range.length - 1]), pdf(), '-'], { encoding: 'utf8' });
    const pageBlocks = bbox.split(/<page /).slice(1);
    const small: string[] = [];
    let words = 0;
    pageBlocks.forEach((block, i) => {
      const list = [...block.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)];
      // the timeline's words: from its summary line to its caption (running header and footer left out)
      const from = i === 0 ? list.findIndex((m) => m[5] === 'dated') - 1 : 0;
      const toCaption = list.findIndex((m, k) => k > from && m[5] === 'Timeline' && list[k + 1]?.[5] === 'of');
      const to = i === pageBlocks.length - 1 && toCaption >= 0 ? toCaption : list.length;
      for (const m of list.slice(Math.max(0, from), to)) {
        const y = Number(m[2]);
        if (y < 50 || y > 800) continue; // header and footer rows
        words++;
        const h = Number(m[4]) - y;
        if (h < 9) small.push(`${m[5]} (${h.toFixed(1)} pt)`);
      }
    });
    assert.ok(words > 300, `the timeline's words were found (${words})`);
    assert.deepEqual(small.slice(0, 10), [], `${small.length} words of the timeline under 9 pt`);
  });

  test('the HTML export: one self-contained file, inline CSS and SVG, no script, no outside reference', async () => {
    const h = readFileSync(html(), 'utf8');
    assert.equal(result.html!.bytes, Buffer.byteLength(h));
    assert.match(h, /^<!doctype html>/);
    assert.match(h, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;/);
    assert.equal((h.match(/<svg[\s>]/g) ?? []).length, 1, 'the data-flow diagram is inline SVG');
    assert.equal((h.match(/<div class="pa-timeline"/g) ?? []).length, 1, 'the timeline is HTML');
    assert.ok(h.includes('.pa-report') && h.includes('.pa-cover'), 'report.css and export.css are inline');
    // open it in Chromium with JavaScript on and look at the DOM
    const opened = await openWithJavaScript(browser(), html());
    assert.equal(opened.pwned, undefined);
    assert.deepEqual(opened.requests, [], 'opening it loads nothing');
    const dom = await inspectDom(html());
    // the one image is the evidence screenshot, embedded as a data: URI
    assert.deepEqual({ ...dom, external: [] }, { scripts: 0, external: [], handlers: [], active: 1 });
    // the only outside references are the report's own web links (evidence URLs), never loaded
    assert.ok(dom.external.length > 0 && dom.external.every((e) => /^a href (https?|mailto):/.test(e) || /^img src data:image\/png;base64,/.test(e)), dom.external.join('\n'));
  });
});

/** Elements and attributes of an HTML file that could run or load something. */
async function inspectDom(file: string): Promise<{ scripts: number; external: string[]; handlers: string[]; active: number }> {
  const page = await browser().newPage({ javaScriptEnabled: false });
  try {
    await page.goto(pathToFileURL(file).href);
    return await page.evaluate(() => {
      const attrs = Array.from(document.querySelectorAll('*')).flatMap((el) => Array.from(el.attributes).map((a) => [el.localName, a.name, a.value] as const));
      return {
        scripts: document.querySelectorAll('script').length,
        external: attrs.filter(([, n, v]) => /^(src|href|xlink:href|data|action|srcset|poster|background)$/i.test(n) && !v.startsWith('#')).map((x) => x.join(' ')),
        handlers: attrs.filter(([, n]) => /^on/i.test(n)).map((x) => x.join(' ')),
        active: document.querySelectorAll('iframe, object, embed, img, image, video, audio, link, base, meta[http-equiv="refresh"], svg a').length,
      };
    });
  } finally {
    await page.close();
  }
}

// ------------------------------------------------------------------ variants

describe('redaction that cannot be bypassed (issue 8)', () => {
  const IMEI = '869999012345677';
  const IMEI2 = '356938035643809';
  const PHONE = '+12025550101';
  const head = (extra: string[]) => ['---', 'audit-format: 1', 'id: T-1', 'title: T', 'status: draft', 'date: 2024-01-01', 'auditors: [A]', ...extra, '---'];
  /** Every place a reader or a program could find a value: page text (also without white space), bytes, metadata, bookmarks, the HTML file, the file names. */
  async function exportAndRead(name: string, text: string, wrote = true): Promise<{ haystacks: Record<string, string>; error?: string }> {
    const dir = mkdtempSync(path.join(tmp, 'redact-'));
    const file = path.join(dir, `${name}.audit.md`);
    writeFileSync(file, text);
    const pdf = path.join(dir, `${name}.pdf`);
    const html = path.join(dir, `${name}.html`);
    try {
      await ex().export({ text, filePath: file, root: dir, pdf, html });
    } catch (err) {
      assert.ok(!wrote, `the export failed: ${(err as Error).message}`);
      assert.ok(!existsSync(pdf) && !existsSync(html), 'a refused export writes nothing');
      return { haystacks: {}, error: (err as Error).message };
    }
    const pages = pdfPages(pdf).join('\n');
    return {
      haystacks: {
        'PDF text': pages,
        'PDF text without white space': squash(pages),
        'PDF bytes': readFileSync(pdf).toString('latin1'),
        'PDF metadata': JSON.stringify(pdfInfo(pdf)),
        bookmarks: JSON.stringify(bookmarks(pdf)),
        'HTML export': readFileSync(html, 'utf8'),
      },
    };
  }
  function assertAbsent(h: Record<string, string>, secrets: string[]): void {
    assert.ok(Object.keys(h).length > 0);
    for (const [where, hay] of Object.entries(h)) for (const s of secrets) assert.ok(!hay.includes(s), `${s} found in the ${where}`);
  }

  test('the YAML slip of the issue: duplicate keys in the front matter and in the device block', async () => {
    const text = [...head([`redact: ["${PHONE}"]`, 'status: final']), `Own number ${PHONE} was sent.`, '', '```device', 'build: X1', 'build: X2', `identifiers: {IMEI: "${IMEI}"}`, '```', ''].join('\n');
    const { haystacks } = await exportAndRead('yaml-slip', text);
    assertAbsent(haystacks, [IMEI, PHONE, '2025550101']);
    assert.match(haystacks['PDF text']!, /Own number \[redacted\] was sent/);
  });

  test('a dual-SIM phone: identifiers written as a list and as a mapping', async () => {
    const text = [...head([]), `Both ${IMEI} and ${IMEI2} left; so did 8944500102198304826.`, '', '```device', 'identifiers:', `  IMEI: [${IMEI}, "${IMEI2}"]`, '  SIM: {ICCID: "8944500102198304826"}', '```', ''].join('\n');
    assertAbsent((await exportAndRead('dual-sim', text)).haystacks, [IMEI, IMEI2, '8944500102198304826']);
  });

  test('split by markup, inside link text, in a heading, NFD against NFC, separators, a /…/y pattern', async () => {
    const text = [
      ...head(['redact: ["Jos\u00e9 M\u00fcller", "/user-[0-9]+/y"]']),
      `# Findings for 8699990**12345677**`,
      '',
      `The IMEI [${IMEI.slice(0, 7)}](https://example.com/)${IMEI.slice(7)} and *+1 202* 555 0101 were sent by Jose\u0301 Mu\u0308ller as user-1, user-22, user-333.`,
      '',
      '```device',
      `identifiers: {IMEI: "${IMEI}", phone number: "${PHONE}"}`,
      '```',
      '',
    ].join('\n');
    const { haystacks } = await exportAndRead(`${IMEI}-named`, text);
    assertAbsent(haystacks, [IMEI, '12345677', '5550101', 'user-1', 'user-22', 'user-333', 'Müller', 'Mu\u0308ller']);
    assert.ok(!haystacks['PDF text without white space']!.includes('0101'), 'the split phone number');
  });

  test('a catastrophic pattern: export and diagram end at once', async () => {
    const text = [...head(['redact: ["/(a+)+$/"]']), 'a'.repeat(35) + '!', '', 'a'.repeat(50_000) + '!', ''].join('\n');
    const t0 = performance.now();
    const { haystacks } = await exportAndRead('catastrophic', text);
    assert.ok(haystacks['PDF text']!.includes('a'.repeat(35)));
    const { diagramText } = await import('../../src/cli/diagram-command');
    diagramText(text, { kind: 'timeline' });
    // a backtracking engine does not finish this in a lifetime; generous bound for a linear one
    assert.ok(performance.now() - t0 < 60_000);
  });

  test('attacks from a review: split between header boxes, cut at a label end or an ellipsis, reversed by a bidi override, a refused pattern', async () => {
    const text = [
      ...head(['id: T-8699990', 'classification: "12345677"']).filter((l) => l !== 'id: T-1'),
      `See \u202e776543210999968\u202c there; and ${IMEI} itself.`,
      '',
      '```flow',
      'id: F1',
      `to: "x${' '.repeat(481)}${IMEI}"`,
      'data: [IMEI]',
      '```',
      '',
      '```evidence',
      'id: E1',
      'file: none.pcap',
      `sha256: "${IMEI}000000"`,
      '```',
      '',
      '```device',
      `identifiers: {IMEI: "${IMEI}"}`,
      '```',
      '',
    ].join('\n');
    const { haystacks } = await exportAndRead('review-attacks', text);
    assertAbsent(haystacks, [IMEI, '86999901234567', '869999012345', '8699990 12345677', '8699990\u00a012345677']);
    // the override is shown as a space: the digits read in the order they are matched in, not reversed on the page
    assert.ok(!/[\u202a-\u202e]/.test(haystacks['HTML export']!));
    const refused = await exportAndRead('refused-pattern', [...head(['redact: ["/(?=8)869999012345677/"]']), IMEI, ''].join('\n'), false);
    assert.match(refused.error!, /Not exported.*lookaround are not supported/s);
  });

  test('YAML that cannot be read where it names identifiers: refused with the reason, nothing written', async () => {
    const text = [...head([]), `IMEI ${IMEI}`, '', '```device', `identifiers: {IMEI: "${IMEI}"`, 'build: [', '```', ''].join('\n');
    const { error } = await exportAndRead('unreadable', text, false);
    assert.match(error!, /Not exported.*device block at line 11 is not valid YAML.*`identifiers`/s);
    const { diagramText } = await import('../../src/cli/diagram-command');
    assert.throws(() => diagramText(text), /No diagram.*not valid YAML/s);
  });
});

describe('ids and titles a report cannot forge (issue 8, 17 and 18)', () => {
  test("headings named like the export's own elements keep their own ids; the contents link to the right places", async () => {
    const text = ['---', 'audit-format: 1', 'id: T-2', 'title: Ids', 'status: final', 'date: 2024-01-01', 'auditors: [A]', '---', '# pa-evidence-appendix', '', 'x', '', '# pa-diagrams', '', 'y', '', '# pa-toc-title', '', 'z', ''].join('\n');
    const dir = mkdtempSync(path.join(tmp, 'ids-'));
    const file = path.join(dir, 'ids.audit.md');
    const html = path.join(dir, 'ids.html');
    await ex().export({ text, filePath: file, root: dir, html });
    const h = readFileSync(html, 'utf8');
    const ids = [...h.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'every element id is unique');
    // each contents link lands on the element whose text it shows
    for (const m of h.matchAll(/<nav class="pa-report pa-toc"[\s\S]*?<\/nav>/g)) {
      for (const a of m[0].matchAll(/<a href="#([^"]+)"><span class="pa-toc-text">([^<]+)<\/span>/g)) {
        const target = new RegExp(`id="${a[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>([^<]*)`).exec(h);
        assert.ok(target, `no element with id ${a[1]}`);
        assert.equal(target[1]!.trim(), a[2]!.trim(), `the link "${a[2]}" lands on "${target[1]}"`);
      }
    }
  });

  test('NUL, ESC, C1 and U+202E never reach the HTML title or the PDF Title', async () => {
    const text = ['---', 'audit-format: 1', 'id: T-3', 'title: "Bad\\0title\\e[2J\\u0085here\\u202Egnp.exe"', 'status: final', 'date: 2024-01-01', 'auditors: [A]', '---', 'x', ''].join('\n');
    const dir = mkdtempSync(path.join(tmp, 'title-'));
    const file = path.join(dir, 'title.audit.md');
    const pdf = path.join(dir, 'title.pdf');
    const html = path.join(dir, 'title.html');
    await ex().export({ text, filePath: file, root: dir, pdf, html });
    const title = /<title>([^<]*)<\/title>/.exec(readFileSync(html, 'utf8'))![1]!;
    assert.doesNotMatch(title, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u, JSON.stringify(title));
    assert.match(title, /^Bad title \[2J here gnp\.exe$/);
    const meta = pdfInfo(pdf).Title ?? '';
    assert.doesNotMatch(meta, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/u, JSON.stringify(meta));
    assert.match(meta, /Bad title/);
  });
});

describe('what a report may ask of the printer (issue 8, 6)', () => {
  test('a PDF of more records than the limit is refused at once, with the reason; nothing is written', async () => {
    const { PRINT_LIMITS } = await import('../../src/node/export');
    const steps = Array.from({ length: PRINT_LIMITS.maxRecords + 1 }, (_, i) => `- {id: S${i + 1}, action: a}`);
    const text = ['---', 'audit-format: 1', 'id: T-4', 'title: Big', 'status: final', 'date: 2024-01-01', 'auditors: [A]', '---', '```step', ...steps, '```', ''].join('\n');
    const dir = mkdtempSync(path.join(tmp, 'big-'));
    const file = path.join(dir, 'big.audit.md');
    const pdf = path.join(dir, 'big.pdf');
    await assert.rejects(ex().export({ text, filePath: file, root: dir, pdf }), (err: Error) => {
      assert.match(err.message, new RegExp(`Not printed: .*${PRINT_LIMITS.maxRecords + 1} records \\(the limit is ${PRINT_LIMITS.maxRecords}\\).*export HTML only`));
      return true;
    });
    assert.ok(!existsSync(pdf));
  });
});

describe('paper, watermark, header templates, extra CSS', () => {
  test('Letter paper and a DRAFT watermark on every page of a draft', async () => {
    const text = readFileSync(EXAMPLE, 'utf8').replace('status: final', 'status: draft');
    const out = path.join(OUT, 'example-draft-letter.pdf');
    const r = await ex().export({ text, filePath: EXAMPLE, root: REPO, pdf: out, paper: 'letter' });
    const info = pdfInfo(out);
    assert.match(info['Page size']!, /^612 x 792 pts \(letter\)/);
    const pages = pdfPages(out);
    assert.equal(r.pdf!.pages, pages.length);
    assert.deepEqual(pagesWith(pdfPages(out, true), 'DRAFT'), pages.map((_, i) => i + 1), 'DRAFT on every page');
    // the watermark is diagonal: DRAFT reads horizontally only in the status badges, on the cover and at the timeline's report date
    const reportDate = pagesWith(pages, /REPORT Report date/i);
    assert.equal(reportDate.length, 1);
    assert.deepEqual(pagesWith(pages, 'DRAFT'), [1, reportDate[0]!], 'the watermark is diagonal (the status badges on the cover and the timeline say DRAFT too)');
    assert.ok(squash(pages[0]!).includes('Draft.Thisreportisnotfinal'));
    pageImages(out, 'example-draft-letter');
  });

  test('header and footer templates (browsers older than Chromium 131): on every page', async () => {
    const out = path.join(OUT, 'example-templates.pdf');
    await ex().export({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE, root: REPO, pdf: out, marginBoxes: false });
    const pages = pdfPages(out);
    for (let p = 1; p <= pages.length; p++) {
      assert.ok(squash(pages[p - 1]!).includes(`Page${p}of${pages.length}`), `page ${p} has its number`);
      assert.ok(squash(pages[p - 1]!).includes('FSEC-2014-RM1S'), `page ${p} has the report id`);
    }
    pageImages(out, 'example-templates');
  });

  test('extra CSS is applied, and cannot end its style element', async () => {
    const out = path.join(tmp, 'extra.html');
    const extraCss = '.pa-cover-title { color: rgb(1, 2, 3); } </style><script>window.__pwned = 1</script><style>';
    await ex().export({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE, root: REPO, html: out, extraCss });
    assert.equal((await inspectDom(out)).scripts, 0);
    const { colour, pwned } = await openWithJavaScript(browser(), out);
    assert.equal(colour, 'rgb(1, 2, 3)');
    assert.equal(pwned, undefined);
  });

  test('cssString escapes everything that could end a string, a rule or the style element', () => {
    const s = cssString('a"b\\c</style>\n{}; é 😀');
    assert.equal(s, '"a\\22 b\\5c c\\3c /style\\3e  \\7b \\7d ; \\e9  \\1f600 "');
    assert.ok(!/["\\](?![0-9a-f])/.test(s.slice(1, -1).replace(/\\[0-9a-f]+ /g, '')));
  });
});

/** Opens a file in a JavaScript-enabled page; returns what the sentinel and the cover title's colour are. */
async function openWithJavaScript(browser: Browser, file: string): Promise<{ pwned: unknown; colour: string | undefined; requests: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const requests: string[] = [];
  try {
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForTimeout(300); // timers, meta refresh, late handlers
    const pwned = await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned);
    const colour = await page.evaluate(() => {
      const el = document.querySelector('.pa-cover-title');
      return el ? getComputedStyle(el).color : undefined;
    });
    return { pwned, colour, requests: requests.filter((u) => u !== pathToFileURL(file).href) };
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------ about 50 pages

describe('a generated report of about 50 pages', () => {
  test('every flow row whole on one page, bookmarks, page images', async () => {
    const file = largeExportReport(path.join(tmp, 'large'), 1.9);
    const out = path.join(OUT, 'large.pdf');
    const r = await ex().export({ text: readFileSync(file, 'utf8'), filePath: file, pdf: out });
    const pages = pdfPages(out);
    assert.equal(r.pdf!.pages, pages.length);
    // about 50 pages of records, and the timeline of its 300 dated events (about 13 pages)
    assert.ok(pages.length >= 50 && pages.length <= 75, `${pages.length} pages`);
    assert.deepEqual(r.evidence, { records: 57, files: 57, verified: 57 });
    // a flow row holds its address (first column) and its evidence locator (last column), both unique to the flow
    const src = readFileSync(file, 'utf8');
    const flows = [...src.matchAll(/address: (\S+)\n[\s\S]*?evidence: \[E\d+#frame=(\d+)\]/g)];
    assert.equal(flows.length, 190);
    for (const [, address, frame] of flows) {
      const at = pagesWith(pages, new RegExp(`(?<![\\d.])${address!.replace(/\./g, '\\.')}(?![\\d.])`));
      const loc = pagesWith(pages, new RegExp(`frame=${frame}(?!\\d)`));
      assert.equal(at.length, 1, `address ${address} is on one page (${at.join(', ')})`);
      assert.ok(loc.includes(at[0]!), `the row of ${address} (frame=${frame}) is split: pages ${at} and ${loc}`);
    }
    const titles = bookmarks(out).map((b) => b.title);
    for (const t of ['Contents', 'Test steps', 'Observed data flows', 'Findings', 'Evidence appendix']) assert.ok(titles.includes(t), t);
    for (const s of ['356938035643809', '15555550123']) assert.ok(!pages.join('').includes(s), `${s} is masked`);
    pageImages(out, 'large');
  });

  test('nothing is wider than the page (Chromium would shrink every page to fit it): the example and the long report', async () => {
    const large = largeExportReport(path.join(tmp, 'large-width'), 1.9);
    for (const file of [EXAMPLE, large]) {
      const out = path.join(tmp, `${path.basename(file, '.audit.md')}-width.html`);
      await ex().export({ text: readFileSync(file, 'utf8'), filePath: file, root: path.dirname(file), html: out });
      const page = await browser().newPage();
      try {
        // print layout at the A4 content width (210 mm less 2 × 16 mm of margin)
        await page.emulateMedia({ media: 'print' });
        await page.setViewportSize({ width: Math.floor((178 / 25.4) * 96), height: 1000 });
        await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
        const wide = await page.evaluate(() => {
          const w = document.documentElement.clientWidth;
          return Array.from(document.querySelectorAll('table, pre, figure, img, svg, .card'))
            .filter((el) => el.getBoundingClientRect().right > w + 0.5)
            .map((el) => `${el.tagName.toLowerCase()}.${String((el as HTMLElement).className).split(' ').join('.')} (${Math.round(el.getBoundingClientRect().right - w)} px too wide)`);
        });
        assert.deepEqual(wide, [], `${path.basename(file)}: elements wider than the page`);
      } finally {
        await page.close();
      }
    }
  });
});

// ------------------------------------------------------------------ hostile report

const SENTINEL = 'window.__pwned=1';

/** A report that tries every way out: script, iframe, object, images and links to a local secret and remote hosts, mermaid injection. */
function hostileReport(dir: string): { file: string; text: string; secret: string; secretText: string } {
  const secret = path.join(dir, 'secret.txt');
  const secretText = 'TOP-SECRET-MARKER-4711';
  writeFileSync(secret, `${secretText}\n`);
  const ws = path.join(dir, 'ws');
  mkdirSync(ws);
  symlinkSync(secret, path.join(ws, 'link.txt'));
  const url = pathToFileURL(secret).href;
  const q = (s: string) => JSON.stringify(s);
  const text = [
    '---', 'audit-format: 1', `id: ${q(`EVIL-1</style><script>${SENTINEL}</script>`)}`, `title: ${q(`<script>${SENTINEL}</script> Hostile "quoted" report`)}`,
    'status: draft', 'date: 2020-03-01', `auditors: [{name: ${q(`<img src=${url} onerror=${SENTINEL}>`)}, org: "Evil & Co"}]`, 'classification: confidential',
    `subject: ${q(`<iframe src=${url}></iframe>`)}`, 'redact: ["SECRET-IMEI-123456789"]', '---', '',
    `# Hostile <script>${SENTINEL}</script>`, '',
    `<script>${SENTINEL}</script>`, '',
    `<iframe src="${url}"></iframe>`, '',
    `<img src="${url}"> <img src="https://tracker.example/pixel.png"> <img src="http://127.0.0.1:9/x.png" onerror="${SENTINEL}">`, '',
    `![local](${url}) ![remote](https://tracker.example/p.png) [link](${url}) [js](javascript:${SENTINEL})`, '',
    `<object data="${url}"></object><embed src="${url}"><link rel="stylesheet" href="https://evil.example/x.css">`, '',
    `<svg onload="${SENTINEL}"><image href="${url}"/></svg> <meta http-equiv="refresh" content="0;url=${url}"> <base href="https://evil.example/">`, '',
    `<style>@import url(https://evil.example/a.css); body{background:url(${url})}</style>`, '',
    'The IMEI 356938035643809 and SECRET-IMEI-123456789 appear in prose.', '',
    '```device', 'id: D1', `name: ${q('Phone"]; click n1 call alert(1)')}`, 'build: X', 'identifiers: {IMEI: "356938035643809", phone number: "+15555550123"}', '```', '',
    '```flow',
    `- id: F1\n  from: D1\n  to: ${q('x"]; click n1 call alert(1); %%{init: {"securityLevel":"loose","startOnLoad":true}}%% n9["pwn')}\n  country: CN\n  data: [IMEI]\n  evidence: [E1]`,
    `- id: F2\n  from: D1\n  to: ${q(`<img src=${url}> 356938035643809.example.com`)}\n  country: US\n  data: [phone number]\n  evidence: [E2]`,
    `- id: F3\n  from: ${q('D1/<script>x</script>')}\n  to: ${q('"]; style n1 fill:url(https://evil.example/x.png) %% end')}\n  data: [IMEI]\n  evidence: [E3]`,
    '```', '',
    '```response', `id: V1\ndate: 2020-03-02\nparty: vendor\nby: ${q(`<iframe src=${url}>`)}\nstatement: ${q('"]; click V1 href "https://evil.example"')}\naddresses: [F1]\nverdict: mixed`, '```', '',
    '```evidence',
    '- id: E1\n  file: ../secret.txt\n  kind: log',
    `- id: E2\n  file: ${q(secret)}\n  kind: log`,
    `- id: E3\n  file: link.txt\n  kind: log\n  sha256: ${'0'.repeat(64)}`,
    '```', '',
  ].join('\n');
  const file = path.join(ws, 'hostile.audit.md');
  writeFileSync(file, text);
  return { file, text, secret, secretText };
}

describe('hostile report', () => {
  test('no local file content in the PDF, no request left the pages, the HTML export runs nothing', async () => {
    const dir = path.join(tmp, 'hostile');
    mkdirSync(dir);
    const h = hostileReport(dir);
    const pdf = path.join(OUT, 'hostile.pdf');
    const html = path.join(OUT, 'hostile.html');
    const r = await ex().export({ text: h.text, filePath: h.file, root: path.dirname(h.file), pdf, html });
    assert.equal(r.blockedRequests, 0, 'neither the diagram page nor the print page tried to load anything');
    assert.deepEqual(r.warnings, [], 'the diagrams were drawn and needed no cleaning');

    const pages = pdfPages(pdf);
    const text = pages.join('\n');
    assert.ok(!text.includes(h.secretText), 'the local file is not in the PDF');
    assert.ok(!readFileSync(pdf).toString('latin1').includes(h.secretText));
    const doc = readFileSync(html, 'utf8');
    assert.ok(!doc.includes(h.secretText), 'the local file is not in the HTML');
    for (const s of ['356938035643809', '15555550123', 'SECRET-IMEI-123456789']) {
      assert.ok(!text.includes(s) && !doc.includes(s), `${s} is masked everywhere`);
    }
    // the markup is shown as text, the diagrams are there
    assert.ok(squash(text).includes(squash('<script>window.__pwned=1</script> Hostile "quoted" report')));
    assert.ok(doc.includes('class="diagram-svg"'), 'the data-flow diagram is embedded');
    assert.ok(squash(text).includes('[redacted].example.com'), 'the diagram label is masked too');
    // evidence outside the workspace is refused, never read
    assert.ok(pagesWith(pages, '✗Pathrefused').length >= 1, 'the appendix marks refused paths');
    assert.deepEqual(r.evidence, { records: 3, files: 3, verified: 0 });

    // the HTML export in Chromium with JavaScript on: nothing runs, nothing loads
    const opened = await openWithJavaScript(browser(), html);
    assert.equal(opened.pwned, undefined, 'the sentinel stays unset');
    assert.deepEqual(opened.requests, [], 'the page made no request');
    const dom = await inspectDom(html);
    assert.deepEqual(dom, { scripts: 0, external: [], handlers: [], active: 0 });
    pageImages(pdf, 'hostile');
  });

  test('controls: the sentinel, the request counter and the sanitiser can each fail', async () => {
    {
      // a script without the export's Content-Security-Policy runs and sets the sentinel …
      const bare = path.join(tmp, 'control.html');
      writeFileSync(bare, `<!doctype html><title>x</title><script>${SENTINEL}</script><img src="https://tracker.example/p.png">`);
      const a = await openWithJavaScript(browser(), bare);
      assert.equal(a.pwned, 1);
      assert.ok(a.requests.some((u) => u.startsWith('https://tracker.example/')), 'a request was seen');
      // … and with the export's policy in front of it, it does not (a second line behind the escaping)
      const doc = readFileSync(path.join(OUT, 'example.html'), 'utf8').replace('</body>', `<script>${SENTINEL}</script><img src="https://tracker.example/p.png"></body>`);
      const guarded = path.join(tmp, 'guarded.html');
      writeFileSync(guarded, doc);
      const b = await openWithJavaScript(browser(), guarded);
      assert.equal(b.pwned, undefined);

      // the print page counts (and aborts) what a document tries to load
      const printed = await ex().printHtml('<!doctype html><p>x</p><img src="https://tracker.example/p.png"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">');
      assert.ok(printed.requests >= 2, `requests counted: ${printed.requests}`);

      // mermaid's own output with a link and an image: the sanitiser removes both, and the image load was stopped and counted
      const mermaid = await openMermaidPage(browser(), { idPrefix: 'ctl' });
      try {
        const [r] = await mermaid.render(['flowchart LR\n  A["<img src=\'https://evil.example/p.png\'> label"] --> B\n  click A href "https://evil.example/x"\n']);
        assert.ok(r!.svg, r!.error);
        assert.ok(r!.removed >= 1, `removed ${r!.removed}`);
        assert.ok(!/<a[\s>]|<img|evil\.example/.test(r!.svg!), 'no link, no image, no remote address left in the SVG');
      } finally {
        await mermaid.close();
      }
    }
  });
});

// ------------------------------------------------------------------ files, errors, cancelling

describe('files and errors', () => {
  test('atomic write: replaces the target and leaves no temporary file; a failed write leaves the old file', async () => {
    const dir = path.join(tmp, 'atomic');
    mkdirSync(dir);
    const target = path.join(dir, 'out.pdf');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, Buffer.from('new content'));
    assert.equal(readFileSync(target, 'utf8'), 'new content');
    assert.deepEqual(readdirSync(dir), ['out.pdf']);
    // a folder in the way: the rename fails, the temporary file goes
    const blocked = path.join(dir, 'blocked');
    mkdirSync(path.join(blocked, 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(blocked, 'x'));
    assert.deepEqual(readdirSync(dir).sort(), ['blocked', 'out.pdf']);
  });

  test('an export into an existing file replaces it whole; the report itself is never overwritten', async () => {
    const out = path.join(tmp, 'replace.html');
    writeFileSync(out, 'old export');
    await ex().export({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE, root: REPO, html: out });
    assert.match(readFileSync(out, 'utf8'), /^<!doctype html>/);
    assert.deepEqual(readdirSync(tmp).filter((f) => f.endsWith('.tmp')), []);
    await assert.rejects(ex().export({ text: 'x', filePath: EXAMPLE, html: EXAMPLE }), /overwrite the report itself/);
    // the same file by another path: through a folder link (what the editor's save dialog can give), and an evidence file
    const linkDir = mkdtempSync(path.join(tmp, 'link-'));
    symlinkSync(path.dirname(EXAMPLE), path.join(linkDir, 'alias'));
    const viaLink = path.join(linkDir, 'alias', path.basename(EXAMPLE));
    await assert.rejects(ex().export({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE, html: viaLink }), /is the report .* itself/);
    const evidence = /file: (evidence\/[^\s]+)/.exec(readFileSync(EXAMPLE, 'utf8'))![1]!;
    await assert.rejects(ex().export({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE, html: path.join(linkDir, 'alias', evidence) }), /is the evidence file/);
    await assert.rejects(ex().export({ text: 'x', filePath: EXAMPLE }), /Nothing to export/);
    await assert.rejects(ex().export({ text: 'x', filePath: EXAMPLE, pdf: path.join(tmp, 'no', 'such', 'dir', 'x.pdf') }), /does not exist/);
  });

  test('cancelling through the signal stops the export and writes nothing', async () => {
    const out = path.join(tmp, 'cancelled.pdf');
    const controller = new AbortController();
    const stages: string[] = [];
    await assert.rejects(
      ex().export({
        text: readFileSync(EXAMPLE, 'utf8'),
        filePath: EXAMPLE,
        root: REPO,
        pdf: out,
        signal: controller.signal,
        onProgress: (stage) => {
          stages.push(stage);
          if (stage === 'print') controller.abort();
        },
      }),
      ExportCancelledError,
    );
    assert.deepEqual(stages, ['lint', 'diagrams', 'render', 'print']);
    assert.equal(existsSync(out), false);
    // the exporter still works afterwards
    const r = await ex().export({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE, root: REPO, pdf: out });
    assert.ok(r.pdf!.pages > 1);
  });

  test('in a batch, a report cancelled while printing stops only itself; a throwing callback is given back at the end', async () => {
    const dir = path.join(tmp, 'batch-cancel');
    mkdirSync(dir);
    const text = readFileSync(EXAMPLE, 'utf8');
    const controller = new AbortController();
    const job = (i: number) => ({
      text,
      filePath: EXAMPLE,
      root: REPO,
      pdf: path.join(dir, `r${i}.pdf`),
      ...(i === 1 ? { signal: controller.signal, onProgress: (stage: string) => stage === 'print' && controller.abort() } : {}),
    });
    const order: number[] = [];
    const outcomes = await ex().exportAll([0, 1, 2, 3].map(job), (i) => order.push(i));
    assert.deepEqual(order, [0, 1, 2, 3], 'each report is announced in order');
    assert.ok(outcomes[1] instanceof ExportCancelledError, `report 1 was cancelled: ${String(outcomes[1])}`);
    for (const i of [0, 2, 3]) {
      const o = outcomes[i];
      assert.ok(o && !(o instanceof Error) && o.pdf!.pages > 1, `report ${i} was exported: ${o instanceof Error ? o.message : ''}`);
    }
    assert.equal(existsSync(path.join(dir, 'r1.pdf')), false);
    // a print right after a cancelled one gets a page of its own (the cancelled one's is still closing)
    const c2 = new AbortController();
    const cancelled = ex().export({ ...job(0), signal: c2.signal, onProgress: (stage) => stage === 'print' && c2.abort() });
    const next = ex().printHtml('<!doctype html><p>next</p>');
    await assert.rejects(cancelled, ExportCancelledError);
    assert.ok((await next).pdf.byteLength > 0, 'the next print works');
    // a callback that throws does not stop the batch, and its error comes back to the caller
    const done: number[] = [];
    await assert.rejects(
      ex().exportAll([0, 2].map(job), (i) => {
        done.push(i);
        if (i === 0) throw new Error('callback failed');
      }),
      /callback failed/,
    );
    assert.deepEqual(done, [0, 1]);
  });

  test('no browser: the message says what to install or set, for the command line and for VS Code', async () => {
    for (const host of ['cli', 'vscode'] as const) {
      const missing = new Exporter({ browserPath: path.join(tmp, 'no-such-chrome'), host });
      try {
        await assert.rejects(missing.export({ text: 'x', filePath: EXAMPLE, pdf: path.join(tmp, 'x.pdf') }), (err: Error) => {
          assert.equal(err.name, 'BrowserNotFoundError');
          assert.match(err.message, /No browser at .*no-such-chrome/);
          assert.match(err.message, /Chrome, Chromium, Edge or Brave/);
          assert.match(err.message, host === 'cli' ? /--browser/ : /the setting privacyAudit\.export\.browserPath/);
          if (host === 'vscode') assert.doesNotMatch(err.message, /--browser/);
          return true;
        });
      } finally {
        await missing.dispose();
      }
    }
    assert.equal(existsSync(path.join(tmp, 'x.pdf')), false);
  });

  test('the command line function: writes both files and prints a summary', async () => {
    const dir = path.join(tmp, 'cli');
    mkdirSync(dir);
    const r = await exportCommand(path.relative(dir, EXAMPLE), { pdf: 'r.pdf', html: 'r.html', browser: CHROMIUM, paper: 'a4', root: REPO }, dir);
    assert.ok(existsSync(path.join(dir, 'r.pdf')) && existsSync(path.join(dir, 'r.html')));
    const { out, err } = exportSummary(r, dir);
    assert.match(out, /^Wrote r\.pdf \(\d+ pages, \d+ kB\)\nWrote r\.html \(\d+ kB\)\nEvidence: 11 of 11 files verified; \d+\.\d s\n$/);
    assert.equal(err, '');
    await assert.rejects(exportCommand('nope.audit.md', { pdf: 'x.pdf' }, dir), /Cannot read nope\.audit\.md/);
    await assert.rejects(exportCommand(EXAMPLE, {}, dir), /give --pdf FILE, --html FILE or both/);
  });

  test('several reports with one browser: a file per report and format, a failure does not stop the rest', async () => {
    const dir = path.join(tmp, 'many');
    mkdirSync(path.join(dir, 'b'), { recursive: true });
    const other = path.join(dir, 'b', 'other.audit.md');
    writeFileSync(other, readFileSync(path.join(REPO, 'examples', 'broken', 'yaml.audit.md')));
    const seen: string[] = [];
    const items = await exportMany([EXAMPLE, 'b/other.audit.md', 'b/missing.audit.md'], { outDir: 'out', formats: ['pdf', 'html'], browser: CHROMIUM, root: REPO }, dir, (i) => seen.push(i.file));
    assert.deepEqual(seen, [EXAMPLE, 'b/other.audit.md', 'b/missing.audit.md'], 'each report is announced as it is done');
    assert.deepEqual(readdirSync(path.join(dir, 'out')).sort(), ['other.html', 'other.pdf', 'redmi-1s.html', 'redmi-1s.pdf']);
    assert.equal(items[0]!.result!.pdf!.pages, pdfPages(path.join(dir, 'out', 'redmi-1s.pdf')).length);
    assert.equal(items[0]!.result!.evidence.verified, 11);
    assert.ok(items[1]!.result!.errors > 0, 'the broken report is exported with its errors marked');
    assert.match(items[2]!.error ?? '', /Cannot read b\/missing\.audit\.md/);
    // two reports that would write the same file: nothing is written
    writeFileSync(path.join(dir, 'redmi-1s.audit.md'), readFileSync(EXAMPLE));
    await assert.rejects(exportMany([EXAMPLE, 'redmi-1s.audit.md'], { outDir: 'clash', formats: ['pdf'], browser: CHROMIUM }, dir), /would both be written to .*redmi-1s\.pdf/);
    assert.equal(existsSync(path.join(dir, 'clash')), false);
    // names that differ only in case are one file on macOS and Windows; a format given twice is one
    writeFileSync(path.join(dir, 'b', 'REDMI-1S.audit.md'), readFileSync(EXAMPLE));
    await assert.rejects(exportMany([EXAMPLE, 'b/REDMI-1S.audit.md'], { outDir: 'clash', formats: ['pdf'], browser: CHROMIUM }, dir), /would both be written to/);
    const twice = await exportMany(['b/other.audit.md'], { outDir: 'twice', formats: ['pdf', 'pdf'], browser: CHROMIUM }, dir);
    assert.ok(twice[0]!.result?.pdf && !twice[0]!.error);
    // no browser: one error for all, not one per report, and no folder made
    await assert.rejects(exportMany([EXAMPLE, 'b/other.audit.md'], { outDir: 'none', formats: ['pdf'], browser: path.join(dir, 'no-such-browser') }, dir), /browser/i);
    assert.equal(existsSync(path.join(dir, 'none')), false);
  });

  test('the command line: --out-dir with folders and globs; usage errors exit 2', async () => {
    const dir = path.join(tmp, 'cli-many');
    mkdirSync(dir);
    const run = async (argv: string[]) => {
      let out = '';
      let err = '';
      const code = await main(argv, { cwd: REPO, color: false, out: (x) => (out += x), err: (x) => (err += x) });
      return { code, out, err };
    };
    const ok = await run(['export', 'examples/xiaomi-redmi-1s', 'examples/broken/y*.audit.md', '--out-dir', dir, '--formats', 'pdf,html', '--browser', CHROMIUM]);
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(readdirSync(dir).sort(), ['redmi-1s.html', 'redmi-1s.pdf', 'yaml.html', 'yaml.pdf']);
    assert.match(ok.out, /^examples\/broken\/yaml\.audit\.md\n  Wrote .*yaml\.pdf \(\d+ pages?, \d+ kB\)\n/m);
    assert.match(ok.out, /Exported 2 of 2 reports in \d+\.\d s\n$/);
    assert.match(ok.err, /examples\/broken\/yaml\.audit\.md: warning: the report has \d+ lint errors/);
    for (const [argv, message] of [
      [['export', EXAMPLE, EXAMPLE, '--pdf', path.join(dir, 'x.pdf')], /for 2 paths give --out-dir DIR/],
      [['export', EXAMPLE, '--out-dir', dir, '--pdf', path.join(dir, 'x.pdf')], /leave out --pdf and --html/],
      [['export', EXAMPLE, '--out-dir', dir, '--formats', 'docx'], /--formats takes pdf, html/],
      [['export', EXAMPLE], /Nothing to export/],
      [['export', EXAMPLE, '--pdf', path.join(dir, 'x.pdf'), '--formats', 'html'], /--formats goes with --out-dir/],
    ] as const) {
      const r = await run([...argv, '--browser', CHROMIUM]);
      assert.equal(r.code, 2, `${argv.join(' ')} exits 2`);
      assert.match(r.err, message);
    }
  });

  test("--out-dir names an output after its report without the report's secrets (issue 8, 3)", async () => {
    const dir = mkdtempSync(path.join(tmp, 'cli-masked-'));
    const report = path.join(dir, 'phone-869999012345677.audit.md');
    writeFileSync(report, ['---', 'audit-format: 1', 'id: T-6', 'title: Named', 'status: final', 'date: 2024-01-01', 'auditors: [A]', '---', 'x', '', '```device', 'identifiers: {IMEI: "869999012345677"}', '```', ''].join('\n'));
    let err = '';
    const code = await main(['export', report, '--out-dir', path.join(dir, 'out'), '--formats', 'html', '--browser', CHROMIUM], { cwd: dir, color: false, out: () => {}, err: (x) => (err += x) });
    assert.equal(code, 0, err);
    assert.deepEqual(readdirSync(path.join(dir, 'out')), ['phone-redacted.html']);
  });
});
