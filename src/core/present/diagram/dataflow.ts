

import type { AuditRecord, Report } from '../../report/model';
import type { Taxonomy } from '../../report/taxonomy';
import { buildDiagram, type DataFlowDiagram } from './flowchart';
import { readFlows } from './flows';
import { CAPS } from './labels';
import { chooseView } from './views';

export type { DataFlowDiagram } from './flowchart';
export { domainOf, flowRisk, unprotected, withoutConsent, type Consent, type Encryption, type RetestResult, type Risk } from './flows';
export { LEGEND, type LegendItem } from './labels';
export type { Collapse } from './views';

export interface DataFlowOptions {
  /** Edges before endpoints collapse; default 30, at most 400. */
  maxEdges?: number;
  /** Redaction, applied to every label before escaping. */
  mask?: (s: string) => string;
  /**
   * Draw the legend inside the diagram (default true: the `diagram`
   * command's text stands alone). The preview and the export show it as a
   * caption row in HTML instead (`legendItems`).
   */
  legend?: boolean;
  /**
   * `light` (default): fixed light fills, as printed. `theme`: nodes get no
   * fill or text colour of their own, so mermaid's theme (light, dark,
   * high contrast) colours them; strokes and edge colours stay.
   */
  palette?: 'light' | 'theme';
  /** Ids of the flows the captures confirm: their edges say so (src/core/lint/confirm.ts `confirmedFlowIds`). */
  confirmed?: ReadonlySet<string>;
}

export const DEFAULT_MAX_EDGES = 30;
const MAX_MAX_EDGES = 400;
/** Stay well below mermaid's `maxTextSize` (50,000 by default). */
const TEXT_BUDGET = 45_000;

/** The data-flow diagram of a report (see the module comment). */
export function dataFlowDiagram(report: Report, taxonomy: Taxonomy, options: DataFlowOptions = {}): DataFlowDiagram {
  const maxEdges = Math.min(MAX_MAX_EDGES, Math.max(1, Math.floor(options.maxEdges ?? DEFAULT_MAX_EDGES)));
  const flows = readFlows(report, taxonomy);
  const devices = new Map<string, AuditRecord>();
  for (const r of report.records) if (r.kind === 'device' && r.id && !devices.has(r.id)) devices.set(r.id, r);
  // shorter labels first, then fewer edges, until the text fits well under mermaid's limit
  for (let limit = maxEdges; ; limit = Math.max(1, Math.floor(limit / 2))) {
    const view = chooseView(flows, limit);
    let caps = CAPS;
    for (;;) {
      const out = buildDiagram(flows, view, { mask: options.mask, caps, devices, legend: options.legend !== false, palette: options.palette === 'theme' ? 'theme' : 'light', confirmed: options.confirmed ?? new Set() });
      if (out.text.length <= TEXT_BUDGET || (limit === 1 && caps.node <= 8)) return out;
      if (caps.node <= 8) break;
      caps = { node: caps.node >> 1, line: caps.line >> 1, data: caps.data >> 1, title: caps.title >> 1 };
    }
  }
}
