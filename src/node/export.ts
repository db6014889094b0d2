/**
 * HTML and PDF export of a report: the preview's HTML (one renderer, so the
 * PDF looks like the preview) inside a document with a cover, contents and
 * an evidence appendix (src/core/present/document.ts), printed by a local
 * Chromium-family browser's own PDF engine.
 *
 * 1. The diagrams are drawn to SVG by the bundled mermaid (securityLevel
 *    'strict') in an isolated page of their own, sanitised, and inlined.
 * 2. The final HTML is loaded with `setContent` (never a file:// URL) into a
 *    page of a separate browser context with JavaScript disabled, where every
 *    request other than `data:` is aborted and counted, and printed with
 *    `page.pdf()` (bookmarks from the headings, tagged PDF).
 * 3. Files are written atomically: a temporary file next to the target,
 *    flushed, then renamed over it.
 *
 * The browser is driven through playwright-core with a fresh temporary
 * profile; it is found automatically or given (`browserPath`), and never
 * downloaded. An `Exporter` keeps it warm between exports; `dispose()` ends it.
 *
 * This file holds the `Exporter`, which runs exports one at a time, and
 * re-exports what its callers use. The parts: export-types.ts (options,
 * results, limits), export-build.ts (lint → images → diagrams → render →
 * document → redaction check), export-print.ts (the print, the contents'
 * page numbers, the document information), export-browser.ts (the warm
 * browser), export-batch.ts (several reports as one job), export-errors.ts
 * (the errors and which of them leave the browser as it is), abort.ts
 * (cancelling) and write-atomic.ts (the files).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PAPERS, type Paper } from '../core/present/document';
import { RedactionBudgetError } from '../core/redact';
import { throwIfCancelled } from './abort';
import { runBatch, type ExportJob } from './export-batch';
import { newMermaidRequests, WarmBrowser, type Warm } from './export-browser';
import { DocumentBuilder, type Built } from './export-build';
import { ExportInputError, isExpectedFailure, plainFailure } from './export-errors';
import { pdfPageCount, printDocument } from './export-print';
import { PRINT_LIMITS, tooMuchToPrint, type ExporterOptions, type ExportOptions, type ExportResult, type ExportTimings } from './export-types';
import { writeFileAtomic } from './write-atomic';

export { PAPERS, type Paper } from '../core/present/document';
export { writeFileAtomic } from './write-atomic';
export { ExportCancelledError, ExportInputError } from './export-errors';
export { chromiumMajor, MARGIN_BOX_MIN_VERSION } from './export-browser';
export { pdfPageCount } from './export-print';
export { PRINT_LIMITS, type ExporterOptions, type ExportOptions, type ExportResult, type ExportStage, type ExportTimings } from './export-types';

// ------------------------------------------------------------------ the exporter

/** A report ready to print: its document and what it took. */
interface Prepared extends Built {
  w: Warm;
  options: ExportOptions;
  t: ExportTimings;
  start: number;
  mermaidRequests: number;
  /** How long the preparation took. */
  prepareMs: number;
}

/**
 * Exports reports, keeping one headless browser (with mermaid loaded) warm
 * between calls. Exports run one at a time. Call `dispose()` when done.
 */
export class Exporter {
  private readonly browser: WarmBrowser;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly builder: DocumentBuilder;
  /** Diagrams this exporter took from the cache and drew with mermaid (for tests and benchmarks). */
  readonly diagramStats: { cached: number; drawn: number };

  constructor(options: ExporterOptions = {}) {
    this.browser = new WarmBrowser(options);
    this.builder = new DocumentBuilder(options);
    this.diagramStats = this.builder.diagramStats;
  }

  /** Starts the browser now (otherwise the first export does); mermaid is loaded when a diagram is not in the cache. */
  async start(): Promise<{ path: string; version: string }> {
    const w = await this.browser.ensure();
    return { path: w.browserPath, version: w.version };
  }

  /** Exports one report; see `ExportOptions`. Runs after any export already under way. */
  export(options: ExportOptions): Promise<ExportResult> {
    return this.enqueue(() => this.run(options));
  }

  /**
   * Exports several reports, in order, as one job: while one is printed the
   * next is linted and its diagrams drawn. A job may be a function that
   * makes its options (reading the report) when its turn comes. `onEach`
   * hears of each report in order, with its result or the error that stopped
   * it (the others go on).
   */
  exportAll(jobs: readonly ExportJob[], onEach?: (index: number, outcome: ExportResult | Error) => void): Promise<(ExportResult | Error)[]> {
    return this.enqueue(() =>
      runBatch(
        jobs,
        {
          prepare: (o) => this.prepare(o),
          finish: (p) => this.finish(p),
          usable: (p) => p.w.launched.browser.isConnected(),
          reset: () => this.browser.reset(),
        },
        onEach,
      ),
    );
  }

  /**
   * The export document only (lint, diagrams, render): what `export` loads
   * into the print page. For benchmarks and tests.
   */
  document(options: Omit<ExportOptions, 'pdf' | 'html'>): Promise<Built & { paper: Paper }> {
    return this.enqueue(async () => {
      const r = await this.builder.build(this.browser.ensure(), options, undefined, { lint: 0, diagrams: 0, render: 0 });
      return { ...r, paper: options.paper ?? 'a4' };
    });
  }

  /** Prints final HTML as `export` does (for benchmarks and tests): the PDF bytes, timings and the requests it tried. */
  printHtml(html: string, options: { paper?: Paper; marginBoxes?: boolean; headerTemplate?: string; footerTemplate?: string; signal?: AbortSignal } = {}): Promise<{ pdf: Buffer; load: number; print: number; requests: number }> {
    return this.enqueue(async () => {
      const w = await this.browser.ensure();
      return printDocument(w, html, options.paper ?? 'a4', options.marginBoxes ?? true, options.headerTemplate ?? '', options.footerTemplate ?? '', options.signal);
    });
  }

  /** Runs `job` after the jobs before it; a browser that failed unexpectedly is not reused. */
  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() =>
      job().catch(async (err: unknown) => {
        if (!isExpectedFailure(err)) await this.browser.reset();
        throw plainFailure(err);
      }),
    );
    this.queue = run.catch(() => {});
    return run;
  }

  async dispose(): Promise<void> {
    await this.browser.dispose();
  }

  private async run(options: ExportOptions): Promise<ExportResult> {
    return this.finish(await this.prepare(options));
  }

  /** Checks the options, lints, draws the diagrams and lays out the document (the browser starts meanwhile). */
  private async prepare(options: ExportOptions): Promise<Prepared> {
    const start = performance.now();
    const { signal } = options;
    const progress = options.onProgress;
    throwIfCancelled(signal);
    if (!options.pdf && !options.html) throw new ExportInputError('Nothing to export: give a PDF path, an HTML path, or both.');
    if (options.paper !== undefined && !PAPERS.includes(options.paper)) throw new ExportInputError(`Unknown paper size ${String(options.paper)}: use ${PAPERS.join(' or ')}.`);
    const source = path.resolve(options.filePath);
    const targets = [options.pdf, options.html].filter((p): p is string => !!p).map((p) => path.resolve(p));
    if (targets.some((p) => p === source)) throw new ExportInputError('The export would overwrite the report itself; choose another output path.');
    // (an output that is the report's evidence or the other output, by another path, is refused once the report is parsed)
    for (const p of targets) {
      const dir = path.dirname(p);
      if (!existsSync(dir)) throw new ExportInputError(`The folder ${dir} does not exist.`);
    }

    const t: ExportTimings = { launch: 0, lint: 0, diagrams: 0, render: 0, load: 0, pdf: 0, write: 0, total: 0 };
    const wasWarm = this.browser.started;
    if (!wasWarm) progress?.('launch', 'Starting the browser');
    // the browser starts while the report is linted and its evidence hashed (launch overlaps lint in the timings)
    const warm = this.browser.ensure();
    const launched = warm.then((w) => {
      t.launch = wasWarm ? 0 : performance.now() - start;
      return w;
    });
    launched.catch(() => {}); // awaited in build; a failure surfaces there
    const built = await this.builder.build(launched, options, progress, t).catch((err: unknown) => {
      throw err instanceof RedactionBudgetError ? new ExportInputError(`Not exported: ${err.message}.`) : err;
    });
    const w = await warm;
    // the requests the mermaid page tried for this report's diagrams
    const mermaidRequests = await newMermaidRequests(w);
    throwIfCancelled(signal);
    return { ...built, w, options, t, start, mermaidRequests, prepareMs: performance.now() - start };
  }

  /** Prints (when a PDF is asked for) and writes the files. */
  private async finish(p: Prepared): Promise<ExportResult> {
    const finishStart = performance.now();
    const { w, doc, result, warnings, marginBoxes, options, t } = p;
    const { signal } = options;
    const progress = options.onProgress;
    const out: ExportResult = {
      title: doc.title,
      errors: result.diagnostics.filter((d) => d.severity === 'error').length,
      blockedRequests: p.mermaidRequests,
      warnings,
      evidence: doc.evidence,
      timings: t,
      browser: { path: w.browserPath, version: w.version },
    };

    let pdf: Buffer | undefined;
    if (options.pdf) {
      // embedded pictures are bytes the browser decodes, not document to lay out: they have their own cap (images.ts)
      const markup = doc.html.length - [...doc.html.matchAll(/src="data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]*"/g)].reduce((n, m) => n + m[0].length, 0);
      if (markup > PRINT_LIMITS.maxHtmlChars) tooMuchToPrint(`a ${(markup / 1048576).toFixed(1)} MiB document (the limit is ${PRINT_LIMITS.maxHtmlChars / 1048576} MiB, embedded images not counted)`);
      progress?.('print', 'Printing the PDF');
      const { date, ...text } = doc.info;
      const printed = await printDocument(w, doc.html, options.paper ?? 'a4', marginBoxes, doc.headerTemplate, doc.footerTemplate, signal, { ...text, created: date, modified: date });
      if (printed.contents === 'unnumbered') warnings.push('The contents have no page numbers: the pages measured before printing did not match the printed ones.');
      pdf = printed.pdf;
      t.load = printed.load;
      t.pdf = printed.print;
      out.blockedRequests += printed.requests;
    }
    throwIfCancelled(signal);

    const t0 = performance.now();
    progress?.('write', 'Writing the files');
    if (options.html) {
      const html = path.resolve(options.html);
      await writeFileAtomic(html, doc.html);
      out.html = { path: html, bytes: Buffer.byteLength(doc.html) };
    }
    if (options.pdf && pdf) {
      const file = path.resolve(options.pdf);
      await writeFileAtomic(file, pdf);
      out.pdf = { path: file, bytes: pdf.byteLength, pages: pdfPageCount(pdf) };
    }
    t.write = performance.now() - t0;
    // the report's own time: preparing it and printing it, not waiting for the one before it to print
    t.total = p.prepareMs + (performance.now() - finishStart);
    return out;
  }
}

/**
 * Exports once: starts a browser, exports, and closes the browser. For many
 * exports keep an `Exporter` instead.
 */
export async function exportReport(options: ExportOptions & ExporterOptions): Promise<ExportResult> {
  const exporter = new Exporter(options);
  try {
    return await exporter.export(options);
  } finally {
    await exporter.dispose();
  }
}
