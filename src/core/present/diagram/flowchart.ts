/**
 * The mermaid `flowchart LR` text for one view of the flows: senders (a
 * device's components in a subgraph of their device), endpoints in one
 * subgraph per country, an edge per (sender, endpoint) pair, the legend, and
 * the styles; with the maps from node and edge to the flows they stand for.
 */
import type { Flow, Risk } from './flows';
import { countryName, deviceTitle, edgeLabel, endpointLabel, lbl, LEGEND, type FlowchartContext, type LegendItem } from './labels';
import { compareIds, compareStrings, plural } from './util';
import { ALL_SENDERS, OTHER_COUNTRIES, OTHER_SENDERS, senderInfo, type Collapse, type Edge, type EndpointGroup, type SenderGroup, type View } from './views';

export interface DataFlowDiagram {
  /** The mermaid text. */
  text: string;
  /** Nodes that stand for senders and endpoints (the legend's nodes not counted). */
  nodes: number;
  /** Edges that stand for flows; they come first, so flow edge i is mermaid edge (and `linkStyle`) index i. */
  edges: number;
  collapsed: Collapse;
  /** For each edge in order, the ids of the flows it stands for. */
  edgeFlows: string[][];
  /** Mermaid node id → ids of the flows that touch the node. */
  nodeFlows: Record<string, string[]>;
  /** Nodes drawn in the legend (not in `nodes`). */
  legendNodes: number;
  /** Sample edges drawn in the legend, after the flow edges (not in `edges`). */
  legendEdges: number;
  /** For each flow edge, its style (`danger`, `fixed`, `normal`). */
  edgeRisks: Risk[];
  /** The key to the edge styles, for a legend drawn outside the diagram. */
  legendItems: LegendItem[];
  /** How the endpoints were collapsed to fit, when they were (e.g. "grouped by domain (42 flows)"). */
  note?: string;
  /** Mermaid node id → the record a click on it shows first (a device's record, else the first flow). */
  nodeRecords: Record<string, string>;
}

const ARROW: Record<Risk, string> = { danger: '==>', fixed: '-.->', normal: '-->' };

export function buildDiagram(flows: readonly Flow[], view: View, ctx: FlowchartContext): DataFlowDiagram {
  const senders = new Map<string, SenderGroup>();
  const endpoints = new Map<string, EndpointGroup>();
  const edgeMap = new Map<string, Edge>();
  for (const f of flows) {
    const s = view.sender(f);
    const e = view.endpoint(f);
    (senders.get(s) ?? senders.set(s, { key: s, flows: [] }).get(s)!).flows.push(f);
    const country = e === OTHER_COUNTRIES ? OTHER_COUNTRIES : f.country;
    (endpoints.get(e) ?? endpoints.set(e, { key: e, country, flows: [] }).get(e)!).flows.push(f);
    const k = `${s}\u0000${e}`;
    (edgeMap.get(k) ?? edgeMap.set(k, { sender: s, endpoint: e, flows: [], risk: 'normal' }).get(k)!).flows.push(f);
  }

  let counter = 0;
  const nextId = () => `n${++counter}`;
  const lines: string[] = ['flowchart LR'];
  const nodeIds = new Map<string, string>();
  const nodeFlows: Record<string, string[]> = {};
  const nodeRecords: Record<string, string> = {};
  const flowIds = (fs: readonly Flow[]) => [...new Set(fs.map((f) => f.id).filter(Boolean))].sort(compareIds);

  // senders, in key order; a device's components share a subgraph with it
  const senderKeys = [...senders.keys()].sort(compareStrings);
  const byDevice = new Map<string, string[]>();
  for (const k of senderKeys) {
    const s = senderInfo(k);
    if (s) (byDevice.get(s.device) ?? byDevice.set(s.device, []).get(s.device)!).push(k);
  }
  const emitted = new Set<string>();
  for (const k of senderKeys) {
    if (emitted.has(k)) continue;
    const g = senders.get(k)!;
    const info = senderInfo(k);
    const group = info ? byDevice.get(info.device)! : [k];
    if (info && group.some((x) => senderInfo(x)?.component !== undefined)) {
      const sg = nextId();
      lines.push(`  subgraph ${sg}["${lbl(ctx, deviceTitle(ctx, info.device), ctx.caps.title)}"]`);
      for (const x of group) {
        const component = senderInfo(x)!.component;
        const id = nextId();
        nodeIds.set(x, id);
        nodeFlows[id] = flowIds(senders.get(x)!.flows);
        if (ctx.devices.has(info.device)) nodeRecords[id] = info.device;
        const text = component !== undefined ? `${info.device}/${component}` : `${info.device} (device itself)`;
        lines.push(`    ${id}["${lbl(ctx, text, ctx.caps.node)}"]:::device`);
        emitted.add(x);
      }
      lines.push('  end');
      continue;
    }
    const id = nextId();
    nodeIds.set(k, id);
    nodeFlows[id] = flowIds(g.flows);
    const count = () => plural(new Set(g.flows.map((x) => x.from.key)).size, 'sender');
    let text: string;
    if (info && ctx.devices.has(info.device)) nodeRecords[id] = info.device;
    if (info) text = deviceTitle(ctx, info.device);
    else if (k === ALL_SENDERS) text = `All senders (${count()})`;
    else if (k === OTHER_SENDERS) text = `Other senders (${count()})`;
    else if (k.startsWith('2:')) text = k.slice(2);
    else text = 'unknown sender';
    lines.push(`  ${id}["${lbl(ctx, text, ctx.caps.node)}"]:::device`);
    emitted.add(k);
  }

  // endpoints, one subgraph per country (codes in order; unknown, then "other countries" last)
  const countryRank = (c: string) => (c === OTHER_COUNTRIES ? 2 : c === '' ? 1 : 0);
  const countries = [...new Set([...endpoints.values()].map((e) => e.country))].sort((a, b) => countryRank(a) - countryRank(b) || compareStrings(a, b));
  for (const c of countries) {
    const sg = nextId();
    const name = c === OTHER_COUNTRIES ? 'other countries' : c === '' ? 'unknown country' : countryName(c) ? `${c} · ${countryName(c)}` : c;
    lines.push(`  subgraph ${sg}["${lbl(ctx, name, ctx.caps.title)}"]`);
    const eps = [...endpoints.values()].filter((e) => e.country === c).sort((a, b) => compareStrings(a.key, b.key));
    for (const e of eps) {
      const id = nextId();
      nodeIds.set(e.key, id);
      nodeFlows[id] = flowIds(e.flows);
      lines.push(`    ${id}["${endpointLabel(ctx, e)}"]`);
    }
    lines.push('  end');
  }

  // edges: sender order, then endpoint order
  const order = (k: string) => Number(nodeIds.get(k)!.slice(1));
  const edges = [...edgeMap.values()].sort((a, b) => order(a.sender) - order(b.sender) || order(a.endpoint) - order(b.endpoint));
  const edgeFlows: string[][] = [];
  const byRisk: Record<Risk, number[]> = { danger: [], fixed: [], normal: [] };
  const endpointRisk = new Map<string, Risk[]>();
  edges.forEach((e, i) => {
    e.risk = e.flows.every((f) => f.risk === 'fixed') ? 'fixed' : e.flows.some((f) => f.risk === 'danger') ? 'danger' : 'normal';
    byRisk[e.risk].push(i);
    (endpointRisk.get(e.endpoint) ?? endpointRisk.set(e.endpoint, []).get(e.endpoint)!).push(e.risk);
    edgeFlows.push(flowIds(e.flows));
    lines.push(`  ${nodeIds.get(e.sender)} ${ARROW[e.risk]}|"${edgeLabel(ctx, e)}"| ${nodeIds.get(e.endpoint)}`);
  });

  // legend: sample edges after the flows' edges, so edge i is still flow edge i
  const note = view.note ? `${view.note} (${plural(flows.length, 'flow')})` : undefined;
  let legendNodes = 0;
  let legendEdges = 0;
  if (ctx.legend) {
    const lg = nextId();
    lines.push(`  subgraph ${lg}["${lbl(ctx, 'Legend', ctx.caps.title)}"]`, '    direction LR');
    LEGEND.forEach(({ risk, text }, i) => {
      const a = nextId();
      const b = nextId();
      legendNodes += 2;
      legendEdges++;
      byRisk[risk].push(edges.length + i);
      lines.push(`    ${a}[" "]:::legendDot ${ARROW[risk]}|"${lbl(ctx, text, 90)}"| ${b}[" "]:::legendDot`);
    });
    if (note) {
      legendNodes++;
      lines.push(`    ${nextId()}["${lbl(ctx, note, 120)}"]:::legendNote`);
    }
    lines.push('  end');
  }

  // fixed styles (our own text, never report content); the theme palette leaves fills and text to the theme
  lines.push(
    ...(ctx.palette === 'theme'
      ? ['  classDef device stroke:#1a73e8,stroke-width:1.5px', '  classDef danger stroke:#d32f2f,stroke-width:3px', '  classDef fixed stroke:#9e9e9e,stroke-width:1px,stroke-dasharray:5 3']
      : [
          '  classDef device fill:#e8f0fe,stroke:#1a73e8,color:#0b2a4a',
          '  classDef danger fill:#fdecea,stroke:#c62828,stroke-width:3px,color:#8e1b1b',
          '  classDef fixed fill:#f5f5f5,stroke:#9e9e9e,stroke-width:1px,stroke-dasharray:5 3,color:#757575',
        ]),
    ...(ctx.legend ? ['  classDef legendDot fill:none,stroke:none', '  classDef legendNote fill:#fffde7,stroke:#f9a825,color:#202124'] : []),
  );
  const endpointClass = { danger: [] as string[], fixed: [] as string[] };
  for (const [k, risks] of endpointRisk) {
    if (risks.includes('danger')) endpointClass.danger.push(nodeIds.get(k)!);
    else if (risks.every((r) => r === 'fixed')) endpointClass.fixed.push(nodeIds.get(k)!);
  }
  const byNum = (a: string, b: string) => Number(a.slice(1)) - Number(b.slice(1));
  if (endpointClass.danger.length) lines.push(`  class ${endpointClass.danger.sort(byNum).join(',')} danger`);
  if (endpointClass.fixed.length) lines.push(`  class ${endpointClass.fixed.sort(byNum).join(',')} fixed`);
  if (byRisk.danger.length) lines.push(`  linkStyle ${byRisk.danger.join(',')} stroke:#c62828,stroke-width:3.5px`);
  if (byRisk.fixed.length) lines.push(`  linkStyle ${byRisk.fixed.join(',')} stroke:#9e9e9e,stroke-width:1.5px`);

  const nodes = Object.keys(nodeFlows).length;
  // a node with no record of its own (an endpoint) shows its first flow
  for (const [id, fs] of Object.entries(nodeFlows)) if (!nodeRecords[id] && fs[0]) nodeRecords[id] = fs[0];
  const present = new Set(edges.map((e) => e.risk));
  return {
    text: lines.join('\n') + '\n',
    nodes,
    edges: edges.length,
    collapsed: view.collapsed,
    edgeFlows,
    nodeFlows,
    legendNodes,
    legendEdges,
    edgeRisks: edges.map((e) => e.risk),
    // the key lists the styles the diagram uses (all three when it has no edge)
    legendItems: LEGEND.filter((l) => present.size === 0 || present.has(l.risk)).map((l) => ({ ...l })),
    ...(note ? { note } : {}),
    nodeRecords,
  };
}
