/**
 * Printing: the final HTML loaded into the warm browser's print page and
 * printed once by Chromium's PDF engine (tagged, bookmarks from the
 * headings), with the contents' page numbers and the PDF's document
 * information (contents-pages.ts, pdf-docinfo.ts).
 */
import type { Paper } from '../core/present/document';
import { abortable } from './abort';
import { closePrintPage, openPrintPage, type Warm } from './export-browser';
import { fillContents, measureContents, printViewport } from './contents-pages';
import { appendInfo, type PdfInfo } from './pdf-docinfo';
import { destinationPages } from './pdf-structure';

/** The number of pages of a PDF written by Chromium (Skia): its page objects. */
export function pdfPageCount(pdf: Uint8Array): number {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  return (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

/**
 * Loads `html` into the print page and prints it. The contents' page
 * numbers are measured in the page before the one print (contents-pages.ts) and
 * checked afterwards against where the PDF's own link destinations landed;
 * a mismatch (rare) is printed once more with the PDF's numbers, and should
 * that disagree too, without numbers. A measuring that fails or takes too
 * long leaves the contents without numbers. `info` becomes the PDF's
 * document information (an incremental update).
 */
export async function printDocument(
  w: Warm,
  html: string,
  paper: Paper,
  marginBoxes: boolean,
  headerTemplate: string,
  footerTemplate: string,
  signal: AbortSignal | undefined,
  info?: PdfInfo,
): Promise<{ pdf: Buffer; load: number; print: number; requests: number; contents: 'numbered' | 'corrected' | 'unnumbered' | 'none' }> {
  const before = w.printRequests.n;
  const open = () => openPrintPage(w);
  let page = await open();
  const stop = () => closePrintPage(w, page);
  const load = async () => {
    // the measuring lays the document out as it prints (print media, the page's width); page.pdf() prints so anyway
    await abortable(page.emulateMedia({ media: 'print' }), signal, stop);
    await abortable(page.setViewportSize(printViewport(paper)), signal, stop);
    // a new, empty document first: nothing of the last one (its Content-Security-Policy included) carries over
    if (!w.printPageUnused) await abortable(page.goto('about:blank'), signal, stop);
    w.printPageUnused = false;
    await abortable(page.setContent(html, { waitUntil: 'load', timeout: 120_000 }), signal, stop);
  };
  let t0 = performance.now();
  await load();
  let loadMs = performance.now() - t0;
  t0 = performance.now();
  // the contents' page numbers, measured before printing (bounded: a slow measuring leaves them out)
  let measured = await abortable(measureContents(page, paper, 10_000 + html.length / 200), signal, stop);
  if (measured && 'timedOut' in measured) {
    // the page is still busy laying out: print from a fresh one, without numbers
    stop();
    page = await open();
    const t1 = performance.now();
    await load();
    loadMs += performance.now() - t1;
    measured = undefined;
  }
  const entries = measured?.entries;
  const printOnce = () =>
    abortable(
      page.pdf({
        preferCSSPageSize: true,
        printBackground: true,
        // bookmarks from the headings; Chromium builds them from the tagged (accessible) PDF's structure
        outline: true,
        tagged: true,
        ...(paper === 'letter' ? { format: 'Letter' } : { format: 'A4' }),
        ...(marginBoxes ? {} : { displayHeaderFooter: true, headerTemplate, footerTemplate }),
      }),
      signal,
      stop,
    );
  /** The pages where the PDF's link destinations of the entries landed, when it says so for every numbered entry. */
  const landed = (pdf: Buffer, numbers: readonly (number | null)[]): (number | null)[] | undefined => {
    if (!entries) return undefined;
    const dests = destinationPages(pdf, entries.map((e) => e.id));
    if (!dests) return undefined;
    return entries.map((e, i) => dests.get(e.id) ?? (numbers[i] === null ? null : -1));
  };
  const same = (a: readonly (number | null)[], b: readonly (number | null)[]) => a.every((x, i) => x === b[i]);
  let contents: 'numbered' | 'corrected' | 'unnumbered' | 'none' = entries ? 'numbered' : 'none';
  let pdf: Buffer;
  if (!entries) {
    pdf = await printOnce();
  } else {
    let numbers: (number | null)[] = entries.map((e) => e.page);
    await abortable(fillContents(page, numbers), signal, stop);
    pdf = await printOnce();
    let actual = landed(pdf, numbers);
    if (actual && !same(actual, numbers) && actual.every((p) => p === null || p > 0)) {
      // the measuring and the print disagree: once more with the printed pages (the slots keep their width)
      numbers = actual;
      await abortable(fillContents(page, numbers), signal, stop);
      pdf = await printOnce();
      actual = landed(pdf, numbers);
      contents = 'corrected';
    }
    if (actual && !same(actual, numbers)) {
      // never wrong numbers: without any
      await abortable(fillContents(page, undefined), signal, stop);
      pdf = await printOnce();
      contents = 'unnumbered';
    }
  }
  const printMs = performance.now() - t0;
  if (info) pdf = appendInfo(pdf, info);
  return { pdf, load: loadMs, print: printMs, requests: w.printRequests.n - before, contents };
}
