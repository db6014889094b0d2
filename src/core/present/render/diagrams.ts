/**
 * The figures the diagram module made, in the rendered report: the data-flow
 * diagram (mermaid source for the preview's script, or sanitised SVG) with
 * its key as a caption row, and the timeline (the core's HTML, or mermaid).
 */
import type { RecordBlock, Report } from '../../report/model';
import type { LegendItem } from '../diagram/dataflow';
import { escapeHtml } from './escape';
import { figureAttrs, figureMark } from './figures';

/**
 * Diagrams from the diagram module. `dataflow`/`timeline`: mermaid source
 * (labels already escaped for mermaid; HTML-escaped here). `dataflowSvg`/
 * `timelineSvg`: rendered, sanitised SVG. Preview prefers the source,
 * export prefers the SVG; either falls back to the other.
 */
export interface RenderDiagrams {
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
}

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

/**
 * Whether an SVG carries active content (such SVG is not embedded: the
 * caller sanitises, this is a second line). Only markup counts (tags, their
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

function diagramHtml(which: 'dataflow' | 'timeline', d: RenderDiagrams | undefined, mode: 'preview' | 'export', line: number): string {
  if (!d) return '';
  const caption = `<figcaption><span class="figure-label">Figure ${figureMark(which)}</span> — ${CAPTION[which]}${which === 'dataflow' ? legendHtml(d.dataflowLegend, d.dataflowNote) : ''}</figcaption>`;
  const open = `<figure class="diagram diagram-${which} code-line" ${figureAttrs(which)} data-diagram="${which}" data-line="${line}">`;
  // the timeline in HTML (the core's own markup, masked and escaped there) reads better than a drawing
  if (which === 'timeline' && d.timelineHtml) return `${open}${d.timelineHtml}${caption}</figure>\n`;
  const source = which === 'dataflow' ? d.dataflow : d.timeline;
  const svg = which === 'dataflow' ? d.dataflowSvg : d.timelineSvg;
  const useSvg = svg !== undefined && svg.trim() !== '' && (mode === 'export' || source === undefined || source.trim() === '');
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

/** A figure and the index of the Markdown group it follows (-1: none; it goes to the "Diagrams" section). */
export interface DiagramSlot {
  group: number;
  html: string;
}

/**
 * The figures and where they go: the data-flow diagram after the first flow
 * block, the timeline after the last response or retest block. A figure's
 * data-line is the closing fence of its block, so scroll sync finds the
 * block first.
 */
export function diagramSlots(report: Report, groupAt: (line: number) => number, diagrams: RenderDiagrams | undefined, mode: 'preview' | 'export'): { dataflow: DiagramSlot; timeline: DiagramSlot } {
  const groupOfBlock = (b: RecordBlock | undefined) => (b ? groupAt(b.openLine) : -1);
  const endLine = (b: RecordBlock | undefined, fallback: number) => (b ? (b.closeLine >= 0 ? b.closeLine : b.openLine) : fallback);
  const firstFlow = report.blocks.find((b) => b.kind === 'flow');
  const lastStatement = [...report.blocks].reverse().find((b) => b.kind === 'response' || b.kind === 'retest');
  const flowGroup = groupOfBlock(firstFlow);
  const timelineGroup = groupOfBlock(lastStatement);
  return {
    dataflow: { group: flowGroup, html: diagramHtml('dataflow', diagrams, mode, flowGroup >= 0 ? endLine(firstFlow, 0) : 0) },
    timeline: { group: timelineGroup, html: diagramHtml('timeline', diagrams, mode, timelineGroup >= 0 ? endLine(lastStatement, 0) : 0) },
  };
}
