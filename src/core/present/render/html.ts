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
 * Safety (reports come from strangers): every report string is masked, then
 * HTML-escaped; raw HTML in the Markdown stays text; only http(s), mailto and
 * `#…` links become links; images are placeholders, never `<img>`; no inline
 * `style`, no event handlers, no script. Diagram SVG is the caller's
 * (sanitised) output and is embedded as given, unless it visibly holds
 * active content, in which case it is left out.
 */
import type { LintResult } from '../../lint/linter';
import { toPlain, type AuditRecord, type RecordBlock } from '../../report/model';
import { ENUMS } from '../../report/schema';
import { badge, problemsHtml, text, type RenderContext, type RenderHeading } from './context';
import { escapeHtml, safeIdPart, uniqueId, visibleText } from './escape';
import type { LegendItem } from '../diagram/dataflow';
import { figureAttrs, figureMark, numberFigures } from './figures';
import { markdown, type ImageView, type MdEnv } from './markdown';
import { urlHtml } from './record-parts';
import { fieldText, plainText } from '../plain';
import { hashVerdict, recordedHash } from '../verdict';

export interface RenderOptions {
  /** `preview`: the webview (mermaid source for the page's script); `export`: HTML/PDF (inline SVG, lint-error notice). */
  mode: 'preview' | 'export';
  /**
   * Diagrams from the diagram module. `dataflow`/`timeline`: mermaid source
   * (labels already escaped for mermaid; HTML-escaped here). `dataflowSvg`/
   * `timelineSvg`: rendered, sanitised SVG. Preview prefers the source,
   * export prefers the SVG; either falls back to the other.
   */
  diagrams?: {
    dataflow?: string;
    timeline?: string;
    dataflowSvg?: string;
    timelineSvg?: string;
    /** The data-flow diagram's key, shown as a caption row (draw the diagram with `legend: false`). */
    dataflowLegend?: readonly LegendItem[];
    /** How the diagram was collapsed to fit, shown under it. */
    dataflowNote?: string;
    /** The timeline as HTML from the diagram module (masked and escaped there): used in place of the mermaid timeline. */
    timelineHtml?: string;
  };
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

interface Group {
  first: number;
  last: number;
  /** [first line, end line) of the group in the source. */
  map: [number, number] | undefined;
}

/** Top-level Markdown blocks: an opening token at level 0 up to its closing token, or a lone token. */
function groupsOf(tokens: readonly { level: number; nesting: number; map: [number, number] | null }[]): Group[] {
  const groups: Group[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let j = i;
    if (t.nesting === 1) {
      let depth = 0;
      for (; j < tokens.length; j++) {
        depth += tokens[j]!.nesting;
        if (depth === 0) break;
      }
      j = Math.min(j, tokens.length - 1);
    }
    groups.push({ first: i, last: j, map: t.map ?? undefined });
    i = j;
  }
  return groups;
}

function contains(span: { start: number; end: number }, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/** The last item whose `start` ≤ offset (items sorted by start). */
function lastAtOrBefore<T>(items: readonly T[], offset: number, start: (t: T) => number): T | undefined {
  let lo = 0;
  let hi = items.length - 1;
  let found: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (start(items[mid]!) <= offset) {
      found = items[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

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
  const fm = report.frontMatter;
  const groupAtLine = (line: number): number => {
    const g = lastAtOrBefore(groups, line, (x) => x.map?.[0] ?? -1);
    if (!g?.map || line >= g.map[1]) return -1;
    return groups.indexOf(g);
  };
  if (showProblems) {
    for (const d of result.diagnostics) {
      const at = d.span.start;
      if (fm && contains(fm.span, at)) {
        if (showHeader) ctx.problems.header.push(d);
        else ctx.problems.top.push(d);
        continue;
      }
      const block = lastAtOrBefore(report.blocks, at, (b) => b.span.start);
      if (block && contains(block.span, at)) {
        const rec = lastAtOrBefore(block.records, at, (r) => r.span.start);
        if (rec && contains(rec.span, at)) push(ctx.problems.byRecord, rec, d);
        else push(ctx.problems.byBlock, block, d);
        continue;
      }
      const gi = d.rule === 'PA000' || (d.rule === 'PA001' && !fm) ? -1 : groupAtLine(d.range.start.line);
      if (gi >= 0) push(ctx.problems.byGroup, gi, d);
      else ctx.problems.top.push(d);
    }
  }

  // ---- diagrams: after the first flow block and after the last response/retest block
  const groupOfBlock = (b: RecordBlock | undefined) => (b ? groupAtLine(b.openLine) : -1);
  // a figure's data-line is the closing fence of its block, so scroll sync finds the block first
  const endLine = (b: RecordBlock | undefined, fallback: number) => (b ? (b.closeLine >= 0 ? b.closeLine : b.openLine) : fallback);
  const firstFlow = report.blocks.find((b) => b.kind === 'flow');
  const lastStatement = [...report.blocks].reverse().find((b) => b.kind === 'response' || b.kind === 'retest');
  const flowGroup = groupOfBlock(firstFlow);
  const timelineGroup = groupOfBlock(lastStatement);
  const dataflow = diagramHtml('dataflow', options, flowGroup >= 0 ? endLine(firstFlow, 0) : 0);
  const timeline = diagramHtml('timeline', options, timelineGroup >= 0 ? endLine(lastStatement, 0) : 0);

  // ---- body, group by group (each group is also a part, so a preview can replace only what changed)
  const bodyParts: string[] = [];
  groups.forEach((g, gi) => {
    let part = md.renderer.render(tokens.slice(g.first, g.last + 1), md.options, env);
    const probs = ctx.problems.byGroup.get(gi);
    if (probs) part += `<div class="problems-after code-line" data-line="${g.map?.[0] ?? 0}">${problemsHtml(ctx, probs)}</div>\n`;
    if (gi === flowGroup && dataflow) part += dataflow;
    if (gi === timelineGroup && timeline) part += timeline;
    bodyParts.push(part);
  });
  const floating = [flowGroup < 0 ? dataflow : '', timelineGroup < 0 ? timeline : ''].filter(Boolean);

  // ---- the top of the report
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

function titleOf(ctx: RenderContext, node: Parameters<typeof toPlain>[0]): string {
  return visibleText(titleText(ctx, node));
}

function titleText(ctx: RenderContext, node: Parameters<typeof toPlain>[0]): string {
  const v = toPlain(node);
  if (v !== null && v !== undefined && typeof v !== 'object' && String(v).trim() !== '') return ctx.mask(String(v).trim());
  const h1 = ctx.headings.find((h) => h.level === 1) ?? ctx.headings[0];
  if (h1 && h1.text) return h1.text;
  const id = toPlain(ctx.report.frontMatter?.fields.get('id')?.value);
  return typeof id === 'string' && id.trim() ? ctx.mask(id.trim()) : 'Audit report';
}

// ---------------------------------------------------------------- header

function auditorsHtml(ctx: RenderContext, v: unknown): string {
  const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return list
    .map((a) => {
      if (a && typeof a === 'object' && !Array.isArray(a)) {
        const o = a as Record<string, unknown>;
        const name = plainText(o.name) || 'Unnamed auditor';
        const org = plainText(o.org).trim();
        const contact = plainText(o.contact).trim();
        const contactHtml = !contact ? '' : /^[^\s@:/]+@[^\s@/]+\.[^\s@/]+$/.test(contact) ? urlHtml(ctx, `mailto:${contact}`, contact) : urlHtml(ctx, contact);
        return `<li><span class="name">${text(ctx, name)}</span>${org ? ` <span class="org">${text(ctx, org)}</span>` : ''}${contactHtml ? ` <span class="contact">${contactHtml}</span>` : ''}</li>`;
      }
      return `<li><span class="name">${text(ctx, plainText(a))}</span></li>`;
    })
    .join('');
}

function headerHtml(ctx: RenderContext, title: string): string {
  const fm = ctx.report.frontMatter!;
  const get = (k: string) => toPlain(fm.fields.get(k)?.value);
  const str = (k: string) => fieldText(fm.fields.get(k));
  const id = str('id');
  const status = str('status');
  const classification = str('classification');
  const date = str('date');
  const subject = str('subject');
  const cls = (ENUMS.classification as readonly string[]).includes(classification) ? classification : 'unknown';

  const facts: string[] = [];
  if (id) facts.push(`<div class="fact"><dt>Report</dt><dd class="pa-mono">${text(ctx, id)}</dd></div>`);
  if (status) facts.push(`<div class="fact"><dt>Status</dt><dd>${badge(ctx, 'status', status, ENUMS.status)}</dd></div>`);
  if (date) facts.push(`<div class="fact"><dt>Date</dt><dd>${text(ctx, date)}</dd></div>`);
  const auditors = auditorsHtml(ctx, get('auditors'));
  if (auditors) facts.push(`<div class="fact fact-wide"><dt>Auditors</dt><dd><ul class="auditors">${auditors}</ul></dd></div>`);

  return (
    `<header class="report-header code-line" data-line="${ctx.report.lines.positionAt(fm.span.start).line}">` +
    (classification ? `<div class="classification classification-${cls}">${text(ctx, classification)}</div>` : '') +
    `<div class="report-kicker">Privacy audit report${id ? ` · <span class="pa-mono">${text(ctx, id)}</span>` : ''}</div>` +
    `<div class="report-title" role="heading" aria-level="1">${escapeHtml(title)}</div>` +
    (subject ? `<div class="report-subject">${text(ctx, subject)}</div>` : '') +
    `<dl class="report-facts">${facts.join('')}</dl>` +
    statsHtml(ctx) +
    problemsHtml(ctx, ctx.problems.header) +
    `</header>\n`
  );
}

/** Key figures: flows, findings by severity, evidence verified, responses. */
function statsHtml(ctx: RenderContext): string {
  const { report, result } = ctx;
  const of = (k: AuditRecord['kind']) => report.records.filter((r) => r.kind === k);
  const flows = of('flow');
  const findings = of('finding');
  const evidence = of('evidence');
  const responses = of('response');
  if (!flows.length && !findings.length && !evidence.length) return '';
  const sev = (r: AuditRecord) => fieldText(r.fields.get('severity'));
  const sevCounts = ENUMS.severity
    .map((s) => [s, findings.filter((r) => sev(r) === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `<span class="sev-count sev-${s}"><span class="n">${n}</span> ${s}</span>`)
    .join('');
  const files = evidence.filter((r) => r.fields.has('file'));
  const verified = files.filter((r) => hashVerdict(recordedHash(report.text, r), result.evidence.get(r)).state === 'verified').length;
  const destinations = new Set(flows.map((r) => plainText(toPlain(r.fields.get('to')?.value)))).size;
  const stat = (n: number | string, label: string, extra = '') => `<div class="stat"><div class="stat-n">${n}</div><div class="stat-label">${label}</div>${extra}</div>`;
  return (
    `<div class="report-stats">` +
    stat(flows.length, flows.length === 1 ? 'data flow' : 'data flows', `<div class="stat-extra">${destinations} destination${destinations === 1 ? '' : 's'}</div>`) +
    stat(findings.length, findings.length === 1 ? 'finding' : 'findings', sevCounts ? `<div class="stat-extra">${sevCounts}</div>` : '') +
    stat(evidence.length, 'evidence items', files.length ? `<div class="stat-extra"><span class="${verified === files.length ? 'hash-ok' : 'hash-bad'}">${verified === files.length ? '✓' : '✗'} ${verified} of ${files.length} files verified</span></div>` : '') +
    stat(responses.length, responses.length === 1 ? 'response' : 'responses') +
    `</div>`
  );
}

// ---------------------------------------------------------------- diagrams

const CAPTION = { dataflow: 'Data flows observed in this audit', timeline: 'Timeline of events' } as const;
const LEGEND_NAME = { danger: 'danger', fixed: 'fixed', normal: 'normal' } as const;

/** The data-flow diagram's key as one compact row: a line sample per edge style, then the collapse note. */
function legendHtml(items: readonly LegendItem[] | undefined, note: string | undefined): string {
  const entries = (items ?? [])
    .filter((i) => i.risk in LEGEND_NAME)
    .map((i) => `<li class="legend-${LEGEND_NAME[i.risk]}"><span class="legend-line" aria-hidden="true"></span>${escapeHtml(i.text)}</li>`);
  if (!entries.length && !note) return '';
  return (entries.length ? `<ul class="diagram-legend" aria-label="Key to the lines">${entries.join('')}</ul>` : '') + (note ? `<div class="diagram-note">${escapeHtml(note)}</div>` : '');
}

/** SVG that visibly holds active content is not embedded (the caller sanitises; this is a second line). */
/**
 * Whether an SVG carries active content. Only markup counts (tags, their
 * attributes, and style sheets): a diagram label may well say "javascript:"
 * or "onload=" as text, and that is not a reason to leave the diagram out.
 */
function unsafeSvg(svg: string): boolean {
  const tags = svg.match(/<[^>]*>/g) ?? [];
  const styles = svg.match(/<style\b[^>]*>[\s\S]*?<\/style>/gi) ?? [];
  return (
    tags.some(
      (t) =>
        /^<\s*\/?\s*(script|iframe|object|embed|foreignObject\s[^>]*\bsrc)\b/i.test(t) ||
        /\son[a-z]+\s*=/i.test(t) ||
        /^<\s*(img|image|use|a|feImage)\b[^>]*\b(?:xlink:)?href\s*=\s*["']?\s*(?!#)/i.test(t) ||
        /javascript:|vbscript:|data:text\/html/i.test(t),
    ) || styles.some((st) => /javascript:|vbscript:|expression\s*\(|url\(\s*["']?\s*(?!#|data:)/i.test(st))
  );
}

function diagramHtml(which: 'dataflow' | 'timeline', options: RenderOptions, line: number): string {
  const d = options.diagrams;
  if (!d) return '';
  const caption = `<figcaption><span class="figure-label">Figure ${figureMark(which)}</span> — ${CAPTION[which]}${which === 'dataflow' ? legendHtml(d.dataflowLegend, d.dataflowNote) : ''}</figcaption>`;
  const open = `<figure class="diagram diagram-${which} code-line" ${figureAttrs(which)} data-diagram="${which}" data-line="${line}">`;
  // the timeline in HTML (the core's own markup, masked and escaped there) reads better than a drawing
  if (which === 'timeline' && d.timelineHtml) return `${open}${d.timelineHtml}${caption}</figure>\n`;
  const source = which === 'dataflow' ? d.dataflow : d.timeline;
  const svg = which === 'dataflow' ? d.dataflowSvg : d.timelineSvg;
  const useSvg = svg !== undefined && svg.trim() !== '' && (options.mode === 'export' || source === undefined || source.trim() === '');
  let inner: string;
  if (useSvg) {
    inner = unsafeSvg(svg)
      ? `<div class="diagram-omitted">The ${which === 'dataflow' ? 'data-flow diagram' : 'timeline'} was left out: its SVG contains active content.</div>`
      : `<div class="diagram-svg">${svg}</div>`;
  } else if (source !== undefined && source.trim() !== '') {
    inner = `<pre class="mermaid" data-diagram="${which}">${escapeHtml(source)}</pre>`;
  } else return '';
  return `${open}${inner}${caption}</figure>\n`;
}

