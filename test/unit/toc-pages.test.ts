/**
 * The contents' page numbers (src/node/pdf-info.ts `measureContents`, the
 * exporter's print): every contents line of the PDF ends with the page its
 * heading is printed on, found with poppler's `pdftotext -bbox-layout` (a
 * heading is the first block after the contents that reads as the entry's
 * text in a larger font than the body's). The bundled example (A4, margin
 * boxes; US Letter with Chromium's header templates) and a generated report
 * of about 50 pages. The measuring alone is checked too (before any print
 * could correct it), and that it gives up cleanly.
 *
 * Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH) and poppler-utils.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { largeExportReport } from '../../bench/export-bench';
import { launch, type LaunchedBrowser } from '../../src/node/browser';
import { Exporter, type ExportOptions } from '../../src/node/export';
import { CONTENTS_SLOT, measureContents, printViewport } from '../../src/node/pdf-info';

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let exporter: Exporter | undefined;
let tmp = '';
let large = '';

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'pipe' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pdftotext not found: install poppler-utils.');
  }
  tmp = mkdtempSync(path.join(tmpdir(), 'pa-toc-pages-'));
  large = largeExportReport(path.join(tmp, 'large'));
  exporter = new Exporter({ browserPath: CHROMIUM, generator: 'Privacy Audit (test)' });
  await exporter.start();
});

after(async () => {
  await exporter?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function ex(): Exporter {
  if (!exporter) throw new Error('the exporter did not start (see the error of the before hook)');
  return exporter;
}

interface Block {
  page: number;
  text: string;
  /** The height of its first line, in points. */
  height: number;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The text blocks of every page, in reading order, from `pdftotext -bbox-layout`. */
function blocks(file: string): Block[] {
  const xml = execFileSync('pdftotext', ['-bbox-layout', file, '-'], { maxBuffer: 256 << 20 }).toString('utf8');
  const out: Block[] = [];
  const pages = xml.split(/<page /).slice(1);
  pages.forEach((p, i) => {
    for (const b of p.split(/<block /).slice(1)) {
      const lines = [...b.matchAll(/<line [^>]*yMin="([\d.]+)"[^>]*yMax="([\d.]+)"/g)];
      const words = [...b.matchAll(/<word [^>]*>([^<]*)<\/word>/g)].map((m) => decode(m[1]!));
      if (!lines.length || !words.length) continue;
      out.push({ page: i + 1, text: squash(words.join(' ')), height: Number(lines[0]![2]) - Number(lines[0]![1]) });
    }
  });
  return out;
}

/** The contents page's lines (pdftotext -layout), from the "Contents" title to the findings overview. */
function contentsLines(file: string): string[] {
  for (let p = 1; p <= 4; p++) {
    const text = execFileSync('pdftotext', ['-layout', '-f', String(p), '-l', String(p), file, '-']).toString('utf8');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.trim() === 'Contents');
    if (at < 0) continue;
    const end = lines.findIndex((l, i) => i > at && /FINDINGS BY SEVERITY/.test(l));
    return lines.slice(at + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
  }
  throw new Error('no contents page');
}

/**
 * For each contents entry, the page of its heading: the first block after
 * the contents page that reads as the heading's text, set larger than the
 * body text, searched from the page of the entry before (headings come in
 * the document's order).
 */
function headingPages(file: string, entries: readonly string[], contentsPage: number): number[] {
  const all = blocks(file);
  const heights = all.filter((b) => b.page > contentsPage).map((b) => b.height).sort((a, b) => a - b);
  const body = heights[Math.floor(heights.length / 2)]!;
  let from = contentsPage + 1;
  return entries.map((text) => {
    const hit = all.find((b) => b.page >= from && b.height > body * 1.2 && squash(b.text) === squash(text));
    assert.ok(hit, `the heading "${text}" was not found from page ${from} on`);
    from = hit.page;
    return hit.page;
  });
}

/** Checks each contents line of `file` against where its heading is printed; returns the pages. */
function checkContents(file: string, entries: readonly string[]): number[] {
  const lines = contentsLines(file);
  const expected = headingPages(file, entries, 2);
  entries.forEach((text, i) => {
    // "1   Summary    D1 · S1–S10    3": an entry's text then two spaces or more (a longer entry that begins so is another line)
    const line = lines.find((l) => {
      const rest = l.trim().replace(/^\d+\s+/, '');
      return rest.startsWith(text) && (rest.length === text.length || /^\s{2,}/.test(rest.slice(text.length)));
    });
    assert.ok(line, `no contents line for "${text}" in:\n${lines.join('\n')}`);
    const m = /\s(\d+)$/.exec(line.trimEnd());
    assert.ok(m, `the contents line of "${text}" has no page number: ${JSON.stringify(line)}`);
    assert.equal(Number(m[1]), expected[i], `"${text}": the contents say page ${m[1]}, the heading is printed on page ${expected[i]}`);
  });
  return expected;
}

async function exportTo(name: string, file: string, extra: Partial<ExportOptions> = {}): Promise<{ pdf: string; entries: string[] }> {
  const pdf = path.join(tmp, `${name}.pdf`);
  const doc = await ex().document({ text: readFileSync(file, 'utf8'), filePath: file, ...extra });
  const r = await ex().export({ text: readFileSync(file, 'utf8'), filePath: file, pdf, ...extra });
  assert.deepEqual(r.warnings.filter((w) => /page numbers/.test(w)), [], 'the contents kept their numbers');
  return { pdf, entries: doc.doc.toc.map((t) => t.text) };
}

describe('contents page numbers', () => {
  test('the example (A4, margin boxes): every contents line ends with the page of its heading', async () => {
    const { pdf, entries } = await exportTo('example', EXAMPLE);
    assert.ok(entries.length >= 8, `entries: ${entries.join(', ')}`);
    const pages = checkContents(pdf, entries);
    // a control: the check reads real numbers (the first section starts after the contents, the last near the end)
    assert.ok(pages[0]! >= 3 && pages.at(-1)! > pages[0]!, `pages: ${pages.join(', ')}`);
  });

  test('the example on US Letter with header templates (older browsers): the same, the cover counted', async () => {
    const { pdf, entries } = await exportTo('example-letter', EXAMPLE, { paper: 'letter', marginBoxes: false });
    checkContents(pdf, entries);
  });

  test('a generated report of about 50 pages', async () => {
    const { pdf, entries } = await exportTo('large', large);
    const pages = checkContents(pdf, entries);
    assert.ok(pages.at(-1)! > 20, `the appendix starts on page ${pages.at(-1)}`);
  });

  test('the measuring alone (before the print could correct it) gives the printed pages; it gives up within its time', async () => {
    let browser: LaunchedBrowser | undefined;
    try {
      browser = await launch(CHROMIUM);
      const context = await browser.browser.newContext({ javaScriptEnabled: false, offline: true });
      const page = await context.newPage();
      await page.emulateMedia({ media: 'print' });
      const cases: [string, string, Partial<ExportOptions> & { paper: 'a4' | 'letter' }][] = [
        ['example', EXAMPLE, { paper: 'a4' }],
        ['example-letter', EXAMPLE, { paper: 'letter', marginBoxes: false }],
        ['large', large, { paper: 'a4' }],
      ];
      for (const [name, file, extra] of cases) {
        const pdf = path.join(tmp, `${name}-measure.pdf`);
        await ex().export({ text: readFileSync(file, 'utf8'), filePath: file, pdf, ...extra });
        const { doc } = await ex().document({ text: readFileSync(file, 'utf8'), filePath: file, ...extra });
        const printed = headingPages(pdf, doc.toc.map((t) => t.text), 2);
        // loaded at the page's width (as the exporter does: no probe layout) and at the default 1280 px (a probe)
        for (const viewport of [printViewport(extra.paper), { width: 1280, height: 720 }]) {
          await page.setViewportSize(viewport);
          await page.setContent(doc.html);
          const measured = await measureContents(page, extra.paper, 20_000);
          assert.ok(measured && 'entries' in measured, `${name}: measured`);
          const pages = measured.entries.map((e) => e.page);
          if (name === 'example-letter') {
            // Known gap (issue 13's example): on US Letter with Chromium's header templates a heading that ends a
            // page is measured one page early; the export's check against the PDF's destinations prints again
            // with the right numbers (the test above). Held to one page until the measuring is fixed.
            pages.forEach((p, i) => assert.ok(p !== null && Math.abs(p - printed[i]!) <= 1, `${name}, viewport ${viewport.width}: ${pages} against ${printed}`));
          } else assert.deepEqual(pages, printed, `${name}, viewport ${viewport.width}`);
          assert.deepEqual(measured.entries.map((e) => e.id), doc.toc.map((t) => t.id), name);
        }
      }
      // put back as it was: no measuring class, no extra style sheet, the slots still empty
      const left = await page.evaluate((slot) => ({ cls: document.documentElement.className, styles: document.querySelectorAll('style').length, filled: Array.from(document.querySelectorAll(slot)).filter((s) => s.textContent !== '').length }), CONTENTS_SLOT);
      assert.deepEqual(left, { cls: '', styles: 4, filled: 0 });
      // no time at all: it says so (the caller then prints from a fresh page, without numbers)
      assert.deepEqual(await measureContents(page, 'a4', 0), { timedOut: true });
      // a document without contents slots: nothing to measure
      await page.setContent('<!doctype html><p>no contents</p>');
      assert.equal(await measureContents(page, 'a4', 5_000), undefined);
    } finally {
      await browser?.close();
    }
  });
});
