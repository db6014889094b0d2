/**
 * How flows map to the diagram's nodes and edges, and the collapse steps
 * that make many flows fit: hosts by domain, then by country, then
 * components into their device, then small countries into "other countries".
 */
import { domainOf, parseSender, type Flow, type Risk } from './flows';
import { compareStrings } from './util';

export type Collapse = 'none' | 'domain' | 'country';

/** How flows map to diagram nodes at one collapse step. */
export interface View {
  collapsed: Collapse;
  sender(f: Flow): string;
  endpoint(f: Flow): string;
  note: string | undefined;
}

export const OTHER_COUNTRIES = '~other';
/** Sender keys: `0:<number>:<device>:0:` a device, `0:<number>:<device>:1:<component>`, `2:<text>`, `3:` unknown, and these two groups. */
export const OTHER_SENDERS = '8:other';
export const ALL_SENDERS = '9:all';
const SENDER_KEY = /^0:\d+:(D\d+):([01]):(.*)$/s;

export function senderInfo(key: string): { device: string; component: string | undefined } | undefined {
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

export function chooseView(flows: readonly Flow[], maxEdges: number): View {
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

export interface EndpointGroup {
  key: string;
  country: string;
  flows: Flow[];
}

export interface SenderGroup {
  key: string;
  flows: Flow[];
}

export interface Edge {
  sender: string;
  endpoint: string;
  flows: Flow[];
  risk: Risk;
}
