/**
 * The diagram's text: node and edge labels (masked, then escaped for
 * mermaid, within length caps), country names, and the key to the edge
 * styles.
 */
import type { AuditRecord } from '../../report/model';
import { joinLines, mermaidText } from './escape';
import { compareAddresses, compareData, CONSENTS, domainOf, ENCRYPTIONS, type Consent, type DataItem, type Encryption, type RetestResult, type Risk } from './flows';
import { capList, compareIds, compareStrings, field, idRanges, plural } from './util';
import { OTHER_COUNTRIES, type Edge, type EndpointGroup } from './views';

/** One entry of the diagram's key: the edge style and what it means. */
export interface LegendItem {
  risk: Risk;
  text: string;
}

/** The key to the edge styles (our own text). */
export const LEGEND: readonly LegendItem[] = [
  { risk: 'danger', text: 'high-sensitivity data unencrypted or without opt-in consent' },
  { risk: 'fixed', text: 'verified fixed by a retest' },
  { risk: 'normal', text: 'other flows' },
];

export interface Caps {
  node: number;
  line: number;
  data: number;
  title: number;
}

export const CAPS: Caps = { node: 60, line: 70, data: 140, title: 48 };

const ENC_TEXT: Record<Encryption, string> = { none: 'unencrypted', tls: 'TLS', encoded: 'encoded only', custom: 'custom encryption', unknown: 'encryption unknown' };
const CONSENT_TEXT: Record<Consent, string> = { none: 'no consent', 'default-on': 'default-on', 'opt-in': 'opt-in', 'opt-out': 'opt-out', unknown: 'consent unknown' };
const RESULT_TEXT: Record<RetestResult, string> = { fixed: 'verified fixed', 'not-fixed': 'not fixed', 'partially-fixed': 'partially fixed', inconclusive: 'inconclusive' };

/** What writing the flowchart's text needs: redaction, the legend and palette, label lengths, the device records. */
export interface FlowchartContext {
  mask: ((s: string) => string) | undefined;
  legend: boolean;
  palette: 'light' | 'theme';
  caps: Caps;
  devices: Map<string, AuditRecord>;
  /** Ids of the flows whose cited captures confirm them (src/core/lint/confirm.ts). */
  confirmed: ReadonlySet<string>;
}

export function lbl(ctx: FlowchartContext, raw: string, max: number): string {
  return mermaidText(raw, { max, mask: ctx.mask });
}

export function deviceTitle(ctx: FlowchartContext, id: string): string {
  const r = ctx.devices.get(id);
  if (!r) return id;
  const name = field(r, 'name') ?? [field(r, 'vendor'), field(r, 'model')].filter(Boolean).join(' ');
  return name ? `${id} · ${name}` : id;
}

let regionNames: Intl.DisplayNames | undefined | null;

/** `China` for `CN`, or undefined when the runtime does not know it. */
export function countryName(code: string): string | undefined {
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

export function endpointLabel(ctx: FlowchartContext, e: EndpointGroup): string {
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

export function edgeLabel(ctx: FlowchartContext, e: Edge): string {
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
  // captures that show the flows' data going there: every flow of the edge, or which ones
  const confirmed = e.flows.filter((f) => f.id && ctx.confirmed.has(f.id)).map((f) => f.id);
  const confirmedLine = !confirmed.length ? '' : confirmed.length === e.flows.length ? '✓ confirmed by capture' : `✓ ${capList(confirmed, 3, ', ')} confirmed by capture`;
  return joinLines([
    lbl(ctx, dataLine, ctx.caps.data),
    lbl(ctx, howLine, ctx.caps.data),
    retestLine.length ? lbl(ctx, `Retest: ${capList(retestLine, 3, '; ')}`, ctx.caps.line) : '',
    confirmedLine ? lbl(ctx, confirmedLine, ctx.caps.line) : '',
  ]);
}
