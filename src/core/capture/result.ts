/**
 * A scan's result: per capture, the matches with their endpoints and where
 * the addresses are, and the JSON document of spec §7 (`scan --format
 * json`; its schema is docs/scan.schema.json). No value of a canary is ever
 * part of a result: a match names the canary's category and device, and its
 * index in the scan's canary list.
 */

import type { Exhibit } from './exhibit';
import type { UnitMatch } from './match';
import type { Canary, CaptureMatch, CaptureUnit } from './types';

export type CaptureFormat = 'har' | 'pcap' | 'pcapng';

export interface CaptureResult {
  /** The path as given, or relative to the report's folder. */
  path: string;
  sha256?: string;
  format?: CaptureFormat;
  /** The evidence record that names this file, if any. */
  evidence?: string;
  /** HAR entries or pcap frames in the capture. */
  units?: number;
  matches: CaptureMatch[];
  /** TLS streams whose content could not be read (no key): "nothing found" there is not "nothing sent". */
  undecrypted: number;
  /** QUIC connections (never decrypted here). */
  quic?: number;
  /** How the capture was read: `ripgrep` / `javascript` for HAR, `tshark 4.0.17` for pcap. */
  engine?: string;
  warnings: string[];
  /** Why the capture could not be read at all. */
  error?: string;
  /**
   * The requests that carried a canary, each masked (exhibit.ts): at most
   * `MAX_EXHIBITS` per capture, in capture order.
   */
  exhibits?: Exhibit[];
  /** Every host (or address, when no name is known) the capture's requests went to, in order of first contact. */
  hosts?: HostSeen[];
}

/** Exhibits kept per capture; hosts listed per capture. */
export const MAX_EXHIBITS = 500;
export const MAX_HOSTS = 2000;

/** A host the device contacted, as the capture shows it. */
export interface HostSeen extends Endpoint {
  /** Entries or frames addressed to it. */
  units: number;
  /** Carried inside TLS in at least one unit. */
  tls: boolean;
}

export interface ScanResult {
  version: 1;
  captures: CaptureResult[];
  canaries: Pick<Canary, 'device' | 'category'>[];
  data: { geo?: string; domains?: string };
}

export interface Enricher {
  /** Country, ASN and organisation of an address (see geo.ts), or nothing. */
  locate?(address: string): { country?: string; asn?: number; org?: string; scope?: string };
  /** The registrable domain of a host name (Public Suffix List). */
  domain?(host: string): string | undefined;
}

/** Where a unit went: host and its registrable domain, address and where it is, port. */
export type Endpoint = Pick<CaptureMatch, 'host' | 'domain' | 'address' | 'port' | 'country' | 'asn' | 'org' | 'scope'>;

export function endpointOf(unit: CaptureUnit, enrich: Enricher, mask: (s: string) => string = (s) => s): Endpoint {
  const out: Endpoint = {};
  if (unit.host) {
    out.host = mask(unit.host);
    const d = enrich.domain?.(unit.host);
    if (d) out.domain = mask(d);
  }
  if (unit.address) {
    out.address = unit.address;
    const geo = enrich.locate?.(unit.address);
    if (geo?.country) out.country = geo.country;
    if (geo?.asn !== undefined) out.asn = geo.asn;
    if (geo?.org) out.org = geo.org;
    if (geo?.scope) out.scope = geo.scope;
  }
  if (unit.port !== undefined) out.port = unit.port;
  return out;
}

/** One match of the matcher on one unit, with the unit's endpoint and where its address is. */
export function toCaptureMatch(unit: CaptureUnit, m: UnitMatch, canaries: readonly Canary[], enrich: Enricher): CaptureMatch {
  const c = canaries[m.canary]!;
  const out: CaptureMatch = {
    locator: unit.locator,
    direction: m.direction,
    category: c.category,
    device: c.device,
    canary: m.canary,
    transforms: m.transforms,
    where: m.where,
    tls: !!unit.tls,
  };
  if (m.name !== undefined) out.name = m.name;
  if (m.field !== undefined) out.field = m.field;
  if (m.form !== 'as written') out.form = m.form;
  Object.assign(out, endpointOf(unit, enrich));
  if (unit.time) out.time = unit.time;
  if (unit.protocol) out.protocol = unit.protocol;
  return out;
}

/** The JSON document of `scan --format json` (spec §7, with more fields per match). */
export function scanJson(result: ScanResult): string {
  return JSON.stringify(result, null, 2);
}

/** Matches grouped by host (in order of first appearance), request side first within each. */
export function byHost(matches: readonly CaptureMatch[]): Map<string, CaptureMatch[]> {
  const groups = new Map<string, CaptureMatch[]>();
  for (const m of matches) {
    const key = m.host ?? m.address ?? '(unknown host)';
    const g = groups.get(key);
    if (g) g.push(m);
    else groups.set(key, [m]);
  }
  for (const g of groups.values()) g.sort((a, b) => (a.direction === b.direction ? 0 : a.direction === 'request' ? -1 : 1));
  return groups;
}
