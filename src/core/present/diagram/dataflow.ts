/**
 * The data-flow diagram of a report as mermaid `flowchart LR` text.
 *
 * - Senders on the left: devices (`D1`), their components (`D1/modem`, drawn
 *   inside a subgraph of their device) and free-text senders.
 * - Receivers on the right, in one subgraph per country (the jurisdiction is
 *   the privacy boundary that matters), labelled with host and addresses;
 *   flows without a valid `country` go to "unknown country".
 * - One edge per (sender, endpoint) pair, labelled with the merged data
 *   categories (high sensitivity first), the flow ids, how the data was
 *   protected and agreed to, and the latest retest of those flows.
 * - Edge style from the worst case of its flows (see `flowRisk`): `danger`
 *   (thick red), `fixed` (dashed grey) or normal.
 * - Above `maxEdges` edges (default 30) the endpoints collapse: by domain,
 *   then by country, then senders merge into their devices, then small
 *   countries into "other countries". The diagram never gets near mermaid's
 *   limits (500 edges, 50,000 characters).
 *
 * Node ids are generated (`n1`, `n2`, …); every label goes through
 * `mermaidText`. The output depends only on the report's content, not on the
 * order of its records.
 */
import type { AuditRecord, Report } from '../../report/model';
import { parseFrom } from '../../report/refs';
import type { Category, Sensitivity, Taxonomy } from '../../report/taxonomy';
import { joinLines, mermaidText } from './escape';
import { capList, compareIds, compareStrings, field, fieldList, idRanges, plural, refIds } from './util';

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
}

/** One entry of the diagram's key: the edge style and what it means. */
export interface LegendItem {
  risk: Risk;
  text: string;
}

export type Collapse = 'none' | 'domain' | 'country';

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

/** The key to the edge styles (our own text). */
export const LEGEND: readonly LegendItem[] = [
  { risk: 'danger', text: 'high-sensitivity data unencrypted or without opt-in consent' },
  { risk: 'fixed', text: 'verified fixed by a retest' },
  { risk: 'normal', text: 'other flows' },
];

export const DEFAULT_MAX_EDGES = 30;
const MAX_MAX_EDGES = 400;
/** Stay well below mermaid's `maxTextSize` (50,000 by default). */
const TEXT_BUDGET = 45_000;

// ------------------------------------------------------------ flow facts

export type Encryption = 'none' | 'tls' | 'encoded' | 'custom' | 'unknown';
export type Consent = 'none' | 'default-on' | 'opt-in' | 'opt-out' | 'unknown';
export type RetestResult = 'fixed' | 'not-fixed' | 'partially-fixed' | 'inconclusive';

const ENCRYPTIONS: readonly string[] = ['none', 'tls', 'encoded', 'custom', 'unknown'];
const CONSENTS: readonly string[] = ['none', 'default-on', 'opt-in', 'opt-out', 'unknown'];
const RESULTS: readonly string[] = ['fixed', 'not-fixed', 'partially-fixed', 'inconclusive'];

interface DataItem {
  key: string;
  label: string;
  sensitivity: Sensitivity | undefined;
}

interface Flow {
  /** The record's id, or '' when it has none. */
  id: string;
  from: Sender;
  host: string;
  addresses: string[];
  /** ISO alpha-2 in capitals, or '' when missing or invalid. */
  country: string;
  encryption: Encryption;
  consent: Consent;
  protocol: string | undefined;
  ports: string[];
  data: DataItem[];
  retest: { id: string; result: RetestResult } | undefined;
  risk: Risk;
  sortKey: string;
}

interface Sender {
  /** Sort and identity key. */
  key: string;
  kind: 'device' | 'component' | 'text' | 'unknown';
  device: string | undefined;
  component: string | undefined;
  text: string | undefined;
}

export type Risk = 'danger' | 'fixed' | 'normal';

/** Encryption that does not protect the data in transit (as rule PA031 sees it). */
export function unprotected(e: Encryption): boolean {
  return e === 'none' || e === 'encoded';
}

/**
 * Consent that is not informed consent. Only `opt-in` counts: `default-on`
 * and `opt-out` send data before the user has chosen anything, and `none`,
 * `unknown` or a missing value give no consent that could be shown.
 */
export function withoutConsent(c: Consent): boolean {
  return c !== 'opt-in';
}

/**
 * The risk of one flow: `fixed` when the latest retest that lists it found
 * it fixed; otherwise `danger` when it sends high-sensitivity data
 * unencrypted (none, encoded) or without consent (see `withoutConsent`);
 * otherwise `normal`.
 */
export function flowRisk(f: { data: readonly { sensitivity: Sensitivity | undefined }[]; encryption: Encryption; consent: Consent; retest?: { result: RetestResult } | undefined }): Risk {
  if (f.retest?.result === 'fixed') return 'fixed';
  const high = f.data.some((d) => d.sensitivity === 'high');
  if (high && (unprotected(f.encryption) || withoutConsent(f.consent))) return 'danger';
  return 'normal';
}

const SENS_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

function dataItem(name: string, taxonomy: Taxonomy): DataItem {
  const c: Category | undefined = taxonomy.lookup(name);
  return c ? { key: `c:${c.id}`, label: c.label, sensitivity: c.sensitivity } : { key: `u:${name.toLowerCase()}`, label: name, sensitivity: undefined };
}

function compareData(a: DataItem, b: DataItem): number {
  return (SENS_RANK[a.sensitivity ?? ''] ?? 3) - (SENS_RANK[b.sensitivity ?? ''] ?? 3) || compareStrings(a.label.toLowerCase(), b.label.toLowerCase()) || compareStrings(a.key, b.key);
}

function parseSender(from: string | undefined): Sender {
  if (!from) return { key: '3:', kind: 'unknown', device: undefined, component: undefined, text: undefined };
  const ref = parseFrom(from);
  if (ref.kind !== 'text') {
    const { device, component } = ref;
    const num = device.slice(1).replace(/^0+(?=\d)/, '').padStart(12, '0');
    return component
      ? { key: `0:${num}:${device}:1:${component}`, kind: 'component', device, component, text: undefined }
      : { key: `0:${num}:${device}:0:`, kind: 'device', device, component: undefined, text: undefined };
  }
  return { key: `2:${from}`, kind: 'text', device: undefined, component: undefined, text: from };
}

/** Latest retest result per flow id: retests in date order (then id order); a later one overrides. */
function retestsByFlow(report: Report): Map<string, { id: string; result: RetestResult }> {
  const retests = report.records
    .filter((r) => r.kind === 'retest')
    .map((r) => ({ r, date: field(r, 'date') ?? '', id: r.id ?? '' }))
    .sort((a, b) => compareStrings(a.date, b.date) || compareIds(a.id, b.id) || a.r.index - b.r.index);
  const out = new Map<string, { id: string; result: RetestResult }>();
  for (const { r, id } of retests) {
    const result = field(r, 'result');
    if (!result || !RESULTS.includes(result)) continue;
    for (const f of refIds(r, 'flows')) out.set(f, { id, result: result as RetestResult });
  }
  return out;
}

function readFlows(report: Report, taxonomy: Taxonomy): Flow[] {
  const retests = retestsByFlow(report);
  const flows: Flow[] = [];
  for (const r of report.records) {
    if (r.kind !== 'flow') continue;
    flows.push(readFlow(r, taxonomy, retests));
  }
  flows.sort((a, b) => compareIds(a.id, b.id) || compareStrings(a.sortKey, b.sortKey));
  return flows;
}

function readFlow(r: AuditRecord, taxonomy: Taxonomy, retests: Map<string, { id: string; result: RetestResult }>): Flow {
  const id = r.id ?? '';
  const addresses = [...new Set(fieldList(r, 'address'))].sort(compareAddresses);
  const host = field(r, 'to') ?? addresses[0] ?? '';
  const country = (field(r, 'country') ?? '').toUpperCase();
  const enc = field(r, 'encryption')?.toLowerCase() ?? 'unknown';
  const con = field(r, 'consent')?.toLowerCase() ?? 'unknown';
  const seen = new Set<string>();
  const data: DataItem[] = [];
  for (const name of fieldList(r, 'data')) {
    const d = dataItem(name, taxonomy);
    if (!seen.has(d.key)) seen.add(d.key), data.push(d);
  }
  const flow: Flow = {
    id,
    from: parseSender(field(r, 'from')),
    host,
    addresses,
    country: /^[A-Z]{2}$/.test(country) ? country : '',
    encryption: (ENCRYPTIONS.includes(enc) ? enc : 'unknown') as Encryption,
    consent: (CONSENTS.includes(con) ? con : 'unknown') as Consent,
    protocol: field(r, 'protocol'),
    ports: fieldList(r, 'port'),
    data,
    retest: id ? retests.get(id) : undefined,
    risk: 'normal',
    sortKey: '',
  };
  flow.risk = flowRisk(flow);
  flow.sortKey = JSON.stringify([flow.from.key, flow.country, flow.host, flow.addresses, flow.encryption, flow.consent, flow.protocol ?? '', flow.ports, data.map((d) => d.key)]);
  return flow;
}

/** IPv4 addresses in numeric order, then everything else in code-unit order. */
function compareAddresses(a: string, b: string): number {
  const va = ipv4(a);
  const vb = ipv4(b);
  if (va !== undefined && vb !== undefined) return va - vb || compareStrings(a, b);
  if (va !== undefined) return -1;
  if (vb !== undefined) return 1;
  return compareStrings(a, b);
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return undefined;
  return ((p[0]! * 256 + p[1]!) * 256 + p[2]!) * 256 + p[3]!;
}

/** Second-level labels under which names are registered (`example.co.uk`), for the domain heuristic. */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'ne', 'or', 'go', 'gob', 'mil', 'nic', 'ltd', 'plc']);

/** The registrable domain of a host (`api.account.xiaomi.com` → `xiaomi.com`), or `a.b.c.0/24` for an IPv4 address. */
export function domainOf(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (ipv4(h) !== undefined) return `${h.split('.').slice(0, 3).join('.')}.0/24`;
  if (h.includes(':') || !h.includes('.')) return h;
  const labels = h.split('.');
  if (labels.length >= 3 && labels[labels.length - 1]!.length === 2 && SECOND_LEVEL.has(labels[labels.length - 2]!)) return labels.slice(-3).join('.');
  return labels.slice(-2).join('.');
}

let regionNames: Intl.DisplayNames | undefined | null;

/** `China` for `CN`, or undefined when the runtime does not know it. */
function countryName(code: string): string | undefined {
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    } catch {
      regionNames = null;
    }
  }
  try {
    const n = regionNames?.of(code);
    return n && n !== code ? n : undefined;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------ grouping

/** How flows map to diagram nodes at one collapse step. */
interface View {
  collapsed: Collapse;
  sender(f: Flow): string;
  endpoint(f: Flow): string;
  note: string | undefined;
}

const OTHER_COUNTRIES = '~other';
/** Sender keys: `0:<number>:<device>:0:` a device, `0:<number>:<device>:1:<component>`, `2:<text>`, `3:` unknown, and these two groups. */
const OTHER_SENDERS = '8:other';
const ALL_SENDERS = '9:all';
const SENDER_KEY = /^0:\d+:(D\d+):([01]):(.*)$/s;

function senderInfo(key: string): { device: string; component: string | undefined } | undefined {
  const m = SENDER_KEY.exec(key);
  return m ? { device: m[1]!, component: m[2] === '1' ? m[3]! : undefined } : undefined;
}

function pairCount(flows: readonly Flow[], v: Pick<View, 'sender' | 'endpoint'>): number {
  const pairs = new Set<string>();
  for (const f of flows) pairs.add(`${v.sender(f)}\u0000${v.endpoint(f)}`);
  return pairs.size;
}

function deviceSender(f: Flow): string {
  // components merge into their device; free-text senders into one node
  if (f.from.kind === 'component') return parseSender(f.from.device).key;
  if (f.from.kind === 'text') return OTHER_SENDERS;
  return f.from.key;
}

/** Keeps the countries with the most flows and merges the rest into "other countries", so that the edges fit. */
function bucketCountries(flows: readonly Flow[], sender: (f: Flow) => string, maxEdges: number): ((f: Flow) => string) | undefined {
  const counts = new Map<string, number>();
  for (const f of flows) counts.set(f.country, (counts.get(f.country) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0])).map(([c]) => c);
  for (let k = ranked.length - 1; k >= 0; k--) {
    const keep = new Set(ranked.slice(0, k));
    const ep = (f: Flow) => (keep.has(f.country) ? `c:${f.country}` : OTHER_COUNTRIES);
    if (pairCount(flows, { sender, endpoint: ep }) <= maxEdges) return ep;
  }
  return undefined;
}

function chooseView(flows: readonly Flow[], maxEdges: number): View {
  const exact = (f: Flow) => f.from.key;
  const views: View[] = [
    { collapsed: 'none', sender: exact, endpoint: (f) => `h:${f.country}\u0000${f.host}`, note: undefined },
    { collapsed: 'domain', sender: exact, endpoint: (f) => `d:${f.country}\u0000${domainOf(f.host)}`, note: 'Hosts of one domain drawn as one node' },
    { collapsed: 'country', sender: exact, endpoint: (f) => `c:${f.country}`, note: 'Hosts of one country drawn as one node' },
    { collapsed: 'country', sender: deviceSender, endpoint: (f) => `c:${f.country}`, note: 'Hosts of one country drawn as one node; components merged into their device' },
  ];
  for (const v of views) if (pairCount(flows, v) <= maxEdges) return v;
  for (const sender of [deviceSender, (_: Flow) => ALL_SENDERS]) {
    const ep = bucketCountries(flows, sender, maxEdges);
    if (ep) {
      return {
        collapsed: 'country',
        sender,
        endpoint: ep,
        note: sender === deviceSender ? 'Hosts of one country drawn as one node; components merged into their device; smaller countries merged' : 'All senders drawn as one node; hosts of one country as one node; smaller countries merged',
      };
    }
  }
  // unreachable for maxEdges ≥ 1: one sender and one "other countries" node make one edge
  return { collapsed: 'country', sender: () => ALL_SENDERS, endpoint: () => OTHER_COUNTRIES, note: 'All flows drawn as one edge' };
}

// ------------------------------------------------------------ labels

interface Caps {
  node: number;
  line: number;
  data: number;
  title: number;
}

const CAPS: Caps = { node: 60, line: 70, data: 140, title: 48 };

const ARROW: Record<Risk, string> = { danger: '==>', fixed: '-.->', normal: '-->' };

const ENC_TEXT: Record<Encryption, string> = { none: 'unencrypted', tls: 'TLS', encoded: 'encoded only', custom: 'custom encryption', unknown: 'encryption unknown' };
const CONSENT_TEXT: Record<Consent, string> = { none: 'no consent', 'default-on': 'default-on', 'opt-in': 'opt-in', 'opt-out': 'opt-out', unknown: 'consent unknown' };
const RESULT_TEXT: Record<RetestResult, string> = { fixed: 'verified fixed', 'not-fixed': 'not fixed', 'partially-fixed': 'partially fixed', inconclusive: 'inconclusive' };

/** What writing the flowchart's text needs: redaction, the legend and palette, label lengths, the device records. */
interface FlowchartContext {
  mask: ((s: string) => string) | undefined;
  legend: boolean;
  palette: 'light' | 'theme';
  caps: Caps;
  devices: Map<string, AuditRecord>;
}

function lbl(ctx: FlowchartContext, raw: string, max: number): string {
  return mermaidText(raw, { max, mask: ctx.mask });
}

function deviceTitle(ctx: FlowchartContext, id: string): string {
  const r = ctx.devices.get(id);
  if (!r) return id;
  const name = field(r, 'name') ?? [field(r, 'vendor'), field(r, 'model')].filter(Boolean).join(' ');
  return name ? `${id} · ${name}` : id;
}

// ------------------------------------------------------------ generation

interface EndpointGroup {
  key: string;
  country: string;
  flows: Flow[];
}

interface SenderGroup {
  key: string;
  flows: Flow[];
}

interface Edge {
  sender: string;
  endpoint: string;
  flows: Flow[];
  risk: Risk;
}

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
      const out = build(flows, view, { mask: options.mask, caps, devices, legend: options.legend !== false, palette: options.palette === 'theme' ? 'theme' : 'light' });
      if (out.text.length <= TEXT_BUDGET || (limit === 1 && caps.node <= 8)) return out;
      if (caps.node <= 8) break;
      caps = { node: caps.node >> 1, line: caps.line >> 1, data: caps.data >> 1, title: caps.title >> 1 };
    }
  }
}

function build(flows: readonly Flow[], view: View, ctx: FlowchartContext): DataFlowDiagram {
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

function endpointLabel(ctx: FlowchartContext, e: EndpointGroup): string {
  const hosts = [...new Set(e.flows.map((f) => f.host))].sort(compareStrings);
  const addresses = [...new Set(e.flows.flatMap((f) => f.addresses))].sort(compareAddresses);
  const kind = e.key.slice(0, 2);
  if (hosts.length === 1) {
    const host = hosts[0] || 'unknown host';
    const addr = addresses.filter((a) => a !== host);
    return joinLines([lbl(ctx, host, ctx.caps.node), addr.length ? lbl(ctx, capList(addr, 3), ctx.caps.line) : '']);
  }
  const counts = [plural(hosts.length, 'host'), addresses.length ? plural(addresses.length, 'address', 'addresses') : ''].filter(Boolean).join(' · ');
  if (kind === 'd:') return joinLines([lbl(ctx, domainOf(hosts[0]!), ctx.caps.node), lbl(ctx, counts, ctx.caps.line)]);
  if (e.key === OTHER_COUNTRIES) {
    const cs = new Set(e.flows.map((f) => f.country)).size;
    return joinLines([lbl(ctx, `${plural(hosts.length, 'host')} in ${plural(cs, 'country', 'countries')}`, ctx.caps.node)]);
  }
  return joinLines([lbl(ctx, counts, ctx.caps.node)]);
}

/** `F1–F4, F9` when short, else `12 flows` (the edge's flows are in `edgeFlows`). */
function idsOrCount(ids: readonly string[]): string {
  const named = ids.filter(Boolean);
  const text = idRanges(named);
  return text.length <= 24 && named.length === ids.length ? text : plural(ids.length, 'flow');
}

function edgeLabel(ctx: FlowchartContext, e: Edge): string {
  const data = new Map<string, DataItem>();
  for (const f of e.flows) for (const d of f.data) if (!data.has(d.key)) data.set(d.key, d);
  const items = [...data.values()].sort(compareData).map((d) => d.label);
  const dataLine = items.length ? items.join(', ') : 'data not recorded';
  // how the data was protected and agreed to, per group of flows that share both
  const how = new Map<string, { enc: Encryption; con: Consent; ids: string[] }>();
  for (const f of e.flows) {
    const k = `${ENCRYPTIONS.indexOf(f.encryption)}${CONSENTS.indexOf(f.consent)}`;
    (how.get(k) ?? how.set(k, { enc: f.encryption, con: f.consent, ids: [] }).get(k)!).ids.push(f.id);
  }
  const howParts = [...how.entries()]
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([, g]) => {
      const ids = idsOrCount(g.ids);
      return `${ids && how.size > 1 ? `${ids}: ` : ''}${ENC_TEXT[g.enc]} · ${CONSENT_TEXT[g.con]}`;
    });
  const allIds = idsOrCount(e.flows.map((f) => f.id));
  const howLine = how.size > 1 ? capList(howParts, 3, '; ') : [allIds, howParts[0]].filter(Boolean).join(' · ');
  const retests = new Map<string, string>();
  for (const f of e.flows) if (f.retest) retests.set(`${f.retest.id}\u0000${f.retest.result}`, `${f.retest.id ? `${f.retest.id} ` : ''}${RESULT_TEXT[f.retest.result]}`);
  const retestLine = [...retests.entries()].sort((a, b) => compareIds(a[0], b[0])).map(([, v]) => v);
  const unchecked = e.flows.filter((f) => !f.retest).length;
  if (retestLine.length && unchecked) retestLine.push(`${unchecked} not retested`);
  return joinLines([lbl(ctx, dataLine, ctx.caps.data), lbl(ctx, howLine, ctx.caps.data), retestLine.length ? lbl(ctx, `Retest: ${capList(retestLine, 3, '; ')}`, ctx.caps.line) : '']);
}
