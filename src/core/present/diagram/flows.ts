/**
 * The flows of a report as the data-flow diagram reads them: sender (device,
 * component, free text), host and addresses, country, protection, consent,
 * data categories (through the taxonomy), the latest retest and the risk.
 */
import type { AuditRecord, Report } from '../../report/model';
import { parseFrom } from '../../report/refs';
import type { Category, Sensitivity, Taxonomy } from '../../report/taxonomy';
import { compareIds, compareStrings, field, fieldList, refIds } from './util';

export type Encryption = 'none' | 'tls' | 'encoded' | 'custom' | 'unknown';
export type Consent = 'none' | 'default-on' | 'opt-in' | 'opt-out' | 'unknown';
export type RetestResult = 'fixed' | 'not-fixed' | 'partially-fixed' | 'inconclusive';

export const ENCRYPTIONS: readonly string[] = ['none', 'tls', 'encoded', 'custom', 'unknown'];
export const CONSENTS: readonly string[] = ['none', 'default-on', 'opt-in', 'opt-out', 'unknown'];
const RESULTS: readonly string[] = ['fixed', 'not-fixed', 'partially-fixed', 'inconclusive'];

export interface DataItem {
  key: string;
  label: string;
  sensitivity: Sensitivity | undefined;
}

export interface Flow {
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

export interface Sender {
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

export function compareData(a: DataItem, b: DataItem): number {
  return (SENS_RANK[a.sensitivity ?? ''] ?? 3) - (SENS_RANK[b.sensitivity ?? ''] ?? 3) || compareStrings(a.label.toLowerCase(), b.label.toLowerCase()) || compareStrings(a.key, b.key);
}

export function parseSender(from: string | undefined): Sender {
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

export function readFlows(report: Report, taxonomy: Taxonomy): Flow[] {
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
export function compareAddresses(a: string, b: string): number {
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
