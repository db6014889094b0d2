/**
 * The build pipeline: a report to the document that is printed. The report
 * is linted (its evidence hashed again), its images read, its diagrams drawn
 * (from the cache in diagram-cache.ts, else by mermaid in the warm browser),
 * rendered by the preview's renderer into the export document, and the
 * redaction checked on the final HTML and the document information.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Linter, type LintResult } from '../core/lint/linter';
import './capture/scan-cache'; // the claim rules read the report's captures (cached)
import { dataFlowDiagram, timelineHtml } from '../core/present/diagram';
import { confirmedFlowIds } from '../core/lint/confirm';
import { exportDocument, type ExportDocument } from '../core/present/document';
import { renderReport } from '../core/present/render/html';
import { maskHtml, redactorFor, verifyHtml } from '../core/redact';
import { abortable, throwIfCancelled } from './abort';
import { DiagramCache, defaultDiagramCacheDir } from './diagram-cache';
import { chromiumMajor, MARGIN_BOX_MIN_VERSION, mermaidPage, type Warm } from './export-browser';
import { ExportInputError } from './export-errors';
import { defaultMermaidPath, type RenderedSvg } from './export-mermaid';
import { PRINT_LIMITS, tooMuchToPrint, type ExporterOptions, type ExportOptions, type ExportStage } from './export-types';
import { exportOutputClash } from './files';
import { loadImages } from './images';

/** Mermaid's theme in the export (the PDF is printed light). */
const THEME = 'default';

function mediaDirFor(explicit: string | undefined): string {
  if (explicit) return explicit;
  // a bundle in dist/ → ../media; src/node → ../../media
  const candidates = [path.join(__dirname, '..', 'media'), path.join(__dirname, '..', '..', 'media')];
  const found = candidates.find((d) => ['report.css', 'timeline.css', 'export.css'].every((f) => existsSync(path.join(d, f))));
  if (!found) throw new Error(`The export style sheets were not found (looked for report.css and export.css in ${candidates.join(', ')}).`);
  return found;
}

/** A report built: its export document (whose HTML the print page loads), its lint result and what the user should know. */
export interface Built {
  doc: ExportDocument;
  result: LintResult;
  warnings: string[];
  marginBoxes: boolean;
}

/** Builds export documents; keeps the linter's caches, the style sheets and the diagram cache between reports. */
export class DocumentBuilder {
  private readonly linter = new Linter();
  private css: { report: string; export: string } | undefined;
  /** Diagrams this exporter took from the cache and drew with mermaid (for tests and benchmarks). */
  readonly diagramStats = { cached: 0, drawn: 0 };
  private cache: DiagramCache | undefined;

  constructor(private readonly options: ExporterOptions) {}

  /**
   * Lints, reads the images, draws the diagrams and lays out the document;
   * `warm` is the browser starting meanwhile, awaited only to draw a diagram
   * the cache lacks and to learn its version. Stage times go into `t`.
   */
  async build(
    warm: Promise<Warm>,
    options: ExportOptions,
    progress: ((stage: ExportStage, message: string) => void) | undefined,
    t: { lint: number; diagrams: number; render: number },
  ): Promise<Built> {
    const { signal } = options;
    const warnings: string[] = [];
    // lint: evidence files are hashed again now ("verified at export time")
    let t0 = performance.now();
    progress?.('lint', 'Checking the report and hashing its evidence');
    const filePath = path.resolve(options.filePath);
    this.linter.evidence.invalidate();
    const linting = this.linter.lint(options.text, { filePath, root: path.resolve(options.root ?? path.dirname(filePath)), ...(options.config ? { config: options.config } : {}) });
    // a browser that cannot start is reported at once, not after hashing every evidence file
    linting.catch(() => {}); // when the browser fails first, nobody waits for the lint
    const result = await Promise.race([linting, warm.then(() => linting)]);
    t.lint = performance.now() - t0;
    throwIfCancelled(signal);
    // the same file by another path (a folder link, a hard link, another case): the report, its evidence, or the other output;
    // checked on the linted report (no second parse), and long before anything is written
    const targets = [options.pdf, options.html].filter((p): p is string => !!p).map((p) => path.resolve(p));
    const clash = await exportOutputClash({ reportPath: filePath, text: options.text, report: result.report, outputs: targets, shown: options.shownPath ?? ((p) => path.basename(p)) });
    if (clash) throw new ExportInputError(clash);
    if (options.pdf && result.report.records.length > PRINT_LIMITS.maxRecords) tooMuchToPrint(`${result.report.records.length} records (the limit is ${PRINT_LIMITS.maxRecords})`);
    // the report's images as data: URIs (the print page loads nothing else), from the workspace only; see images.ts
    const images = await loadImages(result.report, { filePath, root: path.resolve(options.root ?? path.dirname(filePath)) });
    throwIfCancelled(signal);
    // the browser started before the lint; it is needed to draw a diagram the cache does not hold, and to print:
    // everything else is done while it starts

    // diagrams: masked labels → mermaid → sanitised SVG
    t0 = performance.now();
    progress?.('diagrams', 'Drawing the diagrams');
    // redaction first: a report whose redaction cannot be read with certainty is not exported
    const redactor = redactorFor(result.report);
    if (redactor.refusals.length) throw new ExportInputError(`Not exported, so that nothing meant to be masked leaks: ${redactor.refusals.join(' ')} Fix it and export again.`);
    const mask = (s: string) => redactor.mask(s);
    // the key goes under the figure as a caption row, not into the drawing
    const dataflow = dataFlowDiagram(result.report, result.taxonomy, { mask, legend: false, confirmed: confirmedFlowIds(result) });
    // the timeline is HTML of the core's own (masked and escaped there): nothing to draw
    const timeline = timelineHtml(result.report, { mask });
    const [df] = await abortable(this.drawDiagrams(warm, [dataflow.text], signal), signal);
    for (const [name, r] of [['data-flow diagram', df]] as const) {
      if (r?.svg === undefined) warnings.push(`The ${name} could not be drawn (${r?.error ?? 'no output'}); the export shows its mermaid text instead.`);
      else if (r.removed > 0) warnings.push(`The ${name} held ${r.removed} element${r.removed === 1 ? '' : 's'} or attribute${r.removed === 1 ? '' : 's'} that could load or run something; they were removed.`);
    }
    t.diagrams = performance.now() - t0;
    throwIfCancelled(signal);

    // the preview's renderer, then the document around it
    t0 = performance.now();
    progress?.('render', 'Laying out the document');
    const rendered = renderReport(result, {
      mode: 'export',
      mask,
      header: true,
      images,
      diagrams: {
        dataflow: dataflow.text,
        timelineHtml: timeline.html,
        dataflowLegend: dataflow.legendItems,
        ...(dataflow.note ? { dataflowNote: dataflow.note } : {}),
        ...(df?.svg !== undefined ? { dataflowSvg: df.svg } : {}),
      },
    });
    const css = this.styles();
    // the running header and footer depend on the browser's version: assume a current one, and lay out again if not
    const layout = (marginBoxes: boolean, version: string | undefined) => exportDocument({
      result,
      rendered,
      mask,
      maskSegments: (segs) => redactor.maskSegments(segs),
      css: { ...css, ...(options.extraCss ? { extra: options.extraCss } : {}) },
      paper: options.paper ?? 'a4',
      marginBoxes,
      exportedAt: options.now ?? new Date(),
      sourceName: mask(path.basename(filePath)),
      generator: this.options.generator ?? 'Privacy Audit',
      ...(version ? { printer: `Chromium ${chromiumMajor(version)} / Skia` } : {}),
    });
    let marginBoxes = options.marginBoxes ?? true;
    let doc = layout(marginBoxes, undefined);
    const w = await abortable(warm, signal);
    const fits = options.marginBoxes ?? chromiumMajor(w.version) >= MARGIN_BOX_MIN_VERSION;
    if (fits !== marginBoxes) doc = layout((marginBoxes = fits), w.version);
    else doc.info.producer = `${this.options.generator ?? 'Privacy Audit'} (Chromium ${chromiumMajor(w.version)} / Skia)`;
    // the last pass reads the document as a reader does (a value split by markup is one value), then checks it
    doc.html = maskHtml(doc.html, redactor);
    doc.headerTemplate = maskHtml(doc.headerTemplate, redactor);
    doc.footerTemplate = maskHtml(doc.footerTemplate, redactor);
    const leaks = [doc.html, doc.headerTemplate, doc.footerTemplate].flatMap((h) => verifyHtml(h, redactor));
    // the PDF's document information too (title, author, subject, keywords, creator, producer)
    const infoLeak = Object.entries(doc.info).find(([, v]) => typeof v === 'string' && redactor.leaks(v))?.[0];
    if (leaks.length || redactor.leaks(doc.title) || infoLeak) throw new ExportInputError(`Not exported: a value to be masked would still be readable in ${leaks[0] ?? (infoLeak ? `the PDF's ${infoLeak}` : 'the title')}. Please report this as a bug.`);
    t.render = performance.now() - t0;
    return { doc, result, warnings, marginBoxes };
  }

  private styles(): { report: string; export: string } {
    if (!this.css) {
      const dir = mediaDirFor(this.options.mediaDir);
      // the timeline's own sheet goes with the report's
      const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
      this.css = { report: `${read('report.css')}\n${read('timeline.css')}`, export: read('export.css') };
    }
    return this.css;
  }

  /**
   * The export's drawings of diagram texts: from the cache, else drawn by
   * mermaid (the browser awaited and mermaid opened only then) and kept.
   */
  private async drawDiagrams(warm: Promise<Warm>, texts: readonly string[], signal: AbortSignal | undefined): Promise<(RenderedSvg | undefined)[]> {
    const cache = this.diagramCache();
    const keys = texts.map((t) => (cache.enabled ? cache.key(THEME, t) : undefined));
    const out: (RenderedSvg | undefined)[] = await Promise.all(
      keys.map(async (k) => {
        const svg = k ? await cache.get(k) : undefined;
        return svg === undefined ? undefined : { svg, removed: 0 };
      }),
    );
    const missing = texts.map((_, i) => i).filter((i) => out[i] === undefined);
    this.diagramStats.cached += texts.length - missing.length;
    this.diagramStats.drawn += missing.length;
    if (!missing.length) return out;
    const w = await abortable(warm, signal);
    // one drawing at a time on the mermaid page (a cancelled export does not wait for its own; the next one does)
    await w.rendering;
    let done: () => void = () => {};
    w.rendering = new Promise<void>((resolve) => (done = resolve));
    try {
      return await this.drawMissing(w, texts, keys, missing, out);
    } finally {
      done();
    }
  }

  private async drawMissing(w: Warm, texts: readonly string[], keys: readonly (string | undefined)[], missing: readonly number[], out: (RenderedSvg | undefined)[]): Promise<(RenderedSvg | undefined)[]> {
    const cache = this.diagramCache();
    const page = await mermaidPage(w, { theme: THEME, mermaidPath: this.options.mermaidPath });
    // an id from the key: the same drawing is the same bytes, whichever export made it
    const drawn = await page.render(
      missing.map((i) => texts[i]!),
      missing.map((i) => (keys[i] ? `pa-diagram-${keys[i]!.slice(0, 12)}` : `pa-diagram-${randomBytes(6).toString('hex')}`)),
    );
    await Promise.all(
      missing.map(async (i, j) => {
        const r = drawn[j];
        out[i] = r;
        // only a drawing the sanitiser had nothing to remove from is kept
        if (r?.svg !== undefined && r.removed === 0 && keys[i]) await cache.set(keys[i]!, r.svg);
      }),
    );
    return out;
  }

  private diagramCache(): DiagramCache {
    if (!this.cache) {
      const dir = this.options.diagramCacheDir === null ? undefined : (this.options.diagramCacheDir ?? defaultDiagramCacheDir());
      this.cache = new DiagramCache(dir, () => this.options.mermaidPath ?? defaultMermaidPath());
    }
    return this.cache;
  }

}
