/**
 * `privacy-audit diagram FILE [--format mermaid|svg] [--kind dataflow|timeline] [--browser PATH]`
 * as one function: report text in, the output text out. Mermaid text needs
 * nothing but the core; SVG is drawn by mermaid in a local headless
 * Chromium-family browser (see src/node/mermaid.ts). Labels are masked with the
 * report's own redaction (`redact`, device identifiers).
 */
import { DEFAULT_CONFIG, type ProjectConfig } from '../core/lint/config';
import { dataFlowDiagram, timelineDiagram } from '../core/present/diagram';
import { redactorFor } from '../core/redact';
import { taxonomyFor } from '../core/lint/linter';
import { parseReport } from '../core/report/parse';
import { renderMermaidSvg, type MermaidTheme } from '../node/mermaid';

export const DIAGRAM_KINDS = ['dataflow', 'timeline'] as const;
export const DIAGRAM_FORMATS = ['mermaid', 'svg'] as const;
export type DiagramKind = (typeof DIAGRAM_KINDS)[number];
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

export interface DiagramCommandOptions {
  /** Default `dataflow`. */
  kind?: DiagramKind;
  /** Default `mermaid`. */
  format?: DiagramFormat;
  /** Browser executable for `svg` (`--browser`); found automatically when absent. */
  browser?: string;
  theme?: MermaidTheme;
  /** Project configuration (its extra categories count for sensitivity). */
  config?: ProjectConfig;
  /** Edges before endpoints collapse (default 30). */
  maxEdges?: number;
}

/** The mermaid text of a report's diagram (masked). */
export function diagramText(reportText: string, options: Pick<DiagramCommandOptions, 'kind' | 'config' | 'maxEdges'> = {}): string {
  const report = parseReport(reportText);
  const redactor = redactorFor(report);
  if (redactor.refusals.length) throw new Error(`No diagram, so that nothing meant to be masked leaks: ${redactor.refusals.join(' ')}`);
  const mask = (s: string) => redactor.mask(s);
  let text: string;
  if ((options.kind ?? 'dataflow') === 'timeline') text = timelineDiagram(report, { mask }).text;
  else text = dataFlowDiagram(report, taxonomyFor(report, options.config ?? DEFAULT_CONFIG), { mask, ...(options.maxEdges !== undefined ? { maxEdges: options.maxEdges } : {}) }).text;
  // labels are masked one by one; a value that only their joining spells is masked here
  return redactor.mask(text);
}

/**
 * What `privacy-audit diagram` prints: the mermaid text, or the SVG (one
 * line break at the end). Rejects with `BrowserNotFoundError` (from
 * src/node/browser.ts) when `svg` is asked for and no browser is found, and with an
 * Error when mermaid cannot draw the diagram.
 */
export async function diagramOutput(reportText: string, options: DiagramCommandOptions = {}): Promise<string> {
  const text = diagramText(reportText, options);
  if ((options.format ?? 'mermaid') === 'mermaid') return text;
  const [svg] = await renderMermaidSvg([text], { ...(options.browser !== undefined ? { browserPath: options.browser } : {}), theme: options.theme ?? 'default', idPrefix: `privacy-audit-${options.kind ?? 'dataflow'}` });
  return `${svg}\n`;
}
