/**
 * The report renderer: a linted report → an HTML body fragment, shared by
 * the live preview (a VS Code webview) and the HTML/PDF export, so the two
 * look the same. Pure: no DOM, no `vscode`, no file access.
 *
 * Output, in the Markdown file's order: a header block made from the front
 * matter; prose rendered by markdown-it; each record block as cards or a
 * table instead of YAML; lint problems next to what they are about.
 *
 * Diagrams: the data-flow diagram goes right after the first `flow` block,
 * the timeline after the last `response` or `retest` block. A report without
 * such a block gets the diagram in a "Diagrams" section after the header.
 *
 * The parts: placement.ts (Markdown groups, where each problem goes),
 * header.ts, diagrams.ts (the figures and where they go), markdown.ts
 * (prose), records.ts (record blocks); context.ts is the state they share.
 *
 * Safety (reports come from strangers): every report string is masked, then
 * HTML-escaped; raw HTML in the Markdown stays text; only http(s), mailto and
 * `#…` links become links; an image is an `<img>` only when the host loaded
 * it as a raster `data:` URI, else a placeholder; no inline
 * `style`, no event handlers, no script. Diagram SVG is the caller's
 * (sanitised) output and is embedded as given, unless it visibly holds
 * active content, in which case it is left out.
 */
import type { LintResult } from '../../lint/linter';
import { problemsHtml, type RenderContext, type RenderHeading } from './context';
import { diagramSlots, type RenderDiagrams } from './diagrams';
import { safeIdPart, uniqueId } from './escape';
import { numberFigures } from './figures';
import { headerHtml, titleOf } from './header';
import { markdown, type ImageView, type MdEnv } from './markdown';
import { groupAt, groupsOf, placeProblems } from './placement';

export type { RenderDiagrams } from './diagrams';

export interface RenderOptions {
  /** `preview`: the webview (mermaid source for the page's script); `export`: HTML/PDF (inline SVG, lint-error notice). */
  mode: 'preview' | 'export';
  /**
   * Diagrams from the diagram module (see `RenderDiagrams`): preview prefers
   * mermaid source, export prefers SVG.
   */
  diagrams?: RenderDiagrams;
  /**
   * Redaction: applied to every report text before it is escaped (prose
   * text nodes, code, link targets, record values, front matter, lint
   * messages, heading texts and ids). Not applied to diagrams (the diagram
   * module masks its labels).
   */
  mask?: (s: string) => string;
  /** Render the front matter as a header block (default true). */
  header?: boolean;
  /** Show lint problems next to what they are about (default true). */
  problems?: boolean;
  /**
   * Ids of records that exist elsewhere (a piece of prose rendered apart
   * from its report): references to them are not marked missing; they
   * carry `data-record` instead of a link.
   */
  knownIds?: ReadonlySet<string>;
  /**
   * The report's images, read by the host (src/node/images.ts) and keyed by
   * their sources as `imageSources(report)` lists them. An image that is
   * `ok` is embedded as its `data:` URI; any other, or one not in the map,
   * is a placeholder (with the reason, when there is one). Without the map
   * every image is a placeholder.
   */
  images?: ReadonlyMap<string, ImageView>;
}

export interface RenderedReport {
  /** The article's content in top-level pieces, in order (html = the article wrapping them). */
  parts: string[];
  mode: 'preview' | 'export';
  /** A body fragment: one `<article class="pa-report">`; style it with media/report.css. */
  html: string;
  /** The report's title as plain text (masked, not escaped): front matter `title`, else the first heading. */
  title: string;
  /** The prose headings in order, with the element ids they carry (for a TOC or a PDF outline). */
  headings: { level: number; text: string; id: string }[];
  /** Lint errors in the result (the export notice counts these). */
  errors: number;
}

const identity = (s: string) => s;

const FATAL = (p: { fatal?: true }) => p.fatal === true;

/** Renders a linted report as an HTML body fragment. */
export function renderReport(result: LintResult, options: RenderOptions): RenderedReport {
  const { report } = result;
  const mask = options.mask ?? identity;
  const mode = options.mode === 'export' ? 'export' : 'preview';
  const showHeader = options.header !== false;
  const showProblems = options.problems !== false;
  const ctx: RenderContext = {
    result,
    report,
    mode,
    mask,
    anchorOf: new Map(),
    anchorById: new Map(),
    usedIds: new Set(),
    problems: { header: [], byRecord: new Map(), byBlock: new Map(), byGroup: new Map(), top: [] },
    shown: new Set(),
    blocksByLine: new Map(),
    knownIds: options.knownIds ?? new Set(),
    headings: [],
    ...(options.images ? { images: options.images } : {}),
  };

  // record anchors first, so heading slugs never take a record's id
  for (const r of report.records) {
    const base = r.id !== undefined ? `rec-${safeIdPart(mask(r.id))}` : `rec-${r.kind}-${r.index + 1}`;
    const anchor = uniqueId(base, ctx.usedIds);
    ctx.anchorOf.set(r, anchor);
    if (r.id !== undefined && report.byId.get(r.id) === r) ctx.anchorById.set(r.id, anchor);
  }
  for (const b of report.blocks) ctx.blocksByLine.set(b.openLine, b);

  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const fatal = report.problems.some(FATAL);
  const md = markdown();
  const env: MdEnv = { ctx };
  const tokens = fatal ? [] : md.parse(report.text, env);
  const groups = groupsOf(tokens);

  // ---- where each diagnostic is shown
  if (showProblems) placeProblems(ctx, groups, showHeader);

  // ---- diagrams: after the first flow block and after the last response/retest block
  const { dataflow, timeline } = diagramSlots(report, (line) => groupAt(groups, line), options.diagrams, mode);

  // ---- body, group by group (each group is also a part, so a preview can replace only what changed)
  const bodyParts: string[] = [];
  groups.forEach((g, gi) => {
    let part = md.renderer.render(tokens.slice(g.first, g.last + 1), md.options, env);
    const probs = ctx.problems.byGroup.get(gi);
    if (probs) part += `<div class="problems-after code-line" data-line="${g.map?.[0] ?? 0}">${problemsHtml(ctx, probs)}</div>\n`;
    if (gi === dataflow.group && dataflow.html) part += dataflow.html;
    if (gi === timeline.group && timeline.html) part += timeline.html;
    bodyParts.push(part);
  });
  const floating = [dataflow.group < 0 ? dataflow.html : '', timeline.group < 0 ? timeline.html : ''].filter(Boolean);

  // ---- the top of the report
  const fm = report.frontMatter;
  const title = titleOf(ctx, fm?.fields.get('title')?.value);
  const header = showHeader && fm ? headerHtml(ctx, title) : '';
  // anything not shown yet (a record block the Markdown pass did not reach) goes to the top box
  const leftover = showProblems ? result.diagnostics.filter((d) => !ctx.shown.has(d) && !ctx.problems.header.includes(d)) : [];
  let top = '';
  if (mode === 'export' && errors > 0) {
    top += `<div class="lint-notice" role="alert">This report has ${errors} lint error${errors === 1 ? "" : "s"}. Fix them before publishing: each is marked where it occurs.</div>`;
  }
  if (fatal) top += `<div class="render-notice">This file could not be read as a report, so its content is not shown.</div>`;
  if (leftover.length) top += `<section class="report-problems"><div class="pa-label">Report problems</div>${problemsHtml(ctx, leftover)}</section>`;
  if (floating.length) top += `<section class="diagrams"><h2 class="diagrams-title">Diagrams</h2>${floating.join('')}</section>`;

  // figures are numbered in document order, and citations of them resolved
  const numbered = numberFigures([header + top, ...bodyParts]).parts;
  const html = `<article class="pa-report pa-mode-${mode}">\n${numbered.join('')}</article>\n`;
  const parts = numbered.filter((p) => p !== '');
  return { html, parts, mode, title, headings: ctx.headings.map((h): RenderHeading => ({ ...h })), errors };
}
