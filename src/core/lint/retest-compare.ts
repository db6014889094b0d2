/**
 * A retest held against the first run, capture by capture: what the
 * captures its flows cite show (before), what the captures it cites itself
 * show (after), per host and data category: stopped, still sent, newly sent;
 * and the `result` the captures suggest. Rule PA054 and the rendered retest
 * card both read it; it takes a rule's context or a lint result alike.
 *
 * A capture cited with entries or frames (`E2#frame=22`) counts with those
 * only, cited as a whole with all of it (as PA051 reads a retest's capture).
 * Host names pass through the report's redaction (`captureOf`).
 */
import type { CaptureMatch } from '../capture/types';
import { listItems, scalarText, type AuditRecord, type Report } from '../report/model';
import type { Fix } from '../report/types';
import { CAPTURE_EVIDENCE_KINDS } from './captures';
import { edit, scalarInner } from './edits';
import { citedCaptures, flowDevice, unreadableReason, type CaptureCitation, type CaptureContext } from './rules/claims';

export type RetestResult = 'fixed' | 'not-fixed' | 'partially-fixed';
export type CompareStatus = 'stopped' | 'still' | 'new';

/** One entry or frame of a capture: `E2` and `frame=22`. */
export interface CaptureSite {
  id: string;
  locator: string;
}

/** One host and one data category, on either side. */
export interface CompareRow {
  /** The host name as the capture shows it (masked), else the address. */
  host: string;
  /** Registrable domain, country and addresses, for display (from either side). */
  domain?: string;
  country?: string;
  addresses: string[];
  /** The data category as the device writes it. */
  category: string;
  status: CompareStatus;
  /** The entries or frames that carry it, in capture order. */
  before: CaptureSite[];
  after: CaptureSite[];
}

/** A cited capture that could not be read (or was not scanned): the comparison is incomplete. */
export interface UnreadCapture {
  id: string;
  side: 'before' | 'after';
  reason: string;
}

/** A retest capture with traffic the scan could not look into: a value may have gone there unseen. */
export interface HiddenTraffic {
  id: string;
  /** TLS streams without keys. */
  undecrypted: number;
  /** QUIC connections. */
  quic: number;
}

export interface RetestComparison {
  retest: AuditRecord;
  /** The capture evidence ids on each side, in the order first cited (readable or not). */
  beforeIds: string[];
  afterIds: string[];
  /** Hosts in order of first appearance (before, then after); categories in order within a host. */
  rows: CompareRow[];
  unread: UnreadCapture[];
  /** The retest's captures with undecrypted TLS or QUIC: nothing is said to have stopped then. */
  hidden: HiddenTraffic[];
  /** `result` as written (lower case), if any. */
  written?: string;
  /** What the captures say, when they say something and every cited capture was read. */
  suggested?: RetestResult;
}

/** The flow records a retest's `flows` names, in order. */
export function retestFlows(report: Report, retest: AuditRecord): AuditRecord[] {
  return listItems(retest.fields.get('flows'))
    .map((n) => (n.type === 'scalar' && n.value !== null ? report.byId.get(String(n.value).trim()) : undefined))
    .filter((f): f is AuditRecord => f?.kind === 'flow');
}

/** The comparison of a retest (see the module comment). */
export function compareRetest(ctx: CaptureContext, retest: AuditRecord): RetestComparison {
  const { report } = ctx;
  const flows = retestFlows(report, retest);
  const unread: UnreadCapture[] = [];
  const beforeIds: string[] = [];
  const afterIds: string[] = [];
  const sides = { before: [] as Sent[], after: [] as Sent[] };
  const hidden: HiddenTraffic[] = [];

  const take = (side: 'before' | 'after', ids: string[], cites: CaptureCitation[], device: (m: CaptureMatch) => boolean) => {
    for (const c of cites) {
      if (!ids.includes(c.id)) ids.push(c.id);
      if (c.outcome.state !== 'read') {
        if (!unread.some((u) => u.id === c.id && u.side === side)) unread.push({ id: c.id, side, reason: unreadableReason(c.outcome) });
        continue;
      }
      const { undecrypted, quic = 0 } = c.outcome.result;
      if (side === 'after' && (undecrypted || quic) && !hidden.some((h) => h.id === c.id)) hidden.push({ id: c.id, undecrypted, quic });
      for (const m of c.outcome.result.matches) {
        if (m.direction === 'request' && device(m) && (!c.locators || c.locators.has(m.locator))) sides[side].push({ id: c.id, m });
      }
    }
  };

  const devices = new Set<string>();
  let anyDevice = flows.length === 0;
  for (const flow of flows) {
    const device = flowDevice(report, flow);
    if (device === undefined) anyDevice = true;
    else devices.add(device);
    take('before', beforeIds, citedCaptures(ctx, flow), (m) => device === undefined || m.device === device);
    notScanned(ctx, flow, 'before', beforeIds, unread);
  }
  take('after', afterIds, citedCaptures(ctx, retest), (m) => anyDevice || devices.has(m.device));
  notScanned(ctx, retest, 'after', afterIds, unread);

  const rows = compareRows(sides.before, sides.after);
  const written = scalarText(retest.fields.get('result'))?.trim().toLowerCase() || undefined;
  const out: RetestComparison = { retest, beforeIds, afterIds, rows, unread, hidden };
  if (written) out.written = written;
  const suggested = unread.length ? undefined : suggest(rows, hidden.length > 0);
  if (suggested) out.suggested = suggested;
  return out;
}

/** The fix that writes the result the captures suggest (PA051 and PA054 offer it). */
export function suggestedResultFix(report: Report, retest: AuditRecord, cmp: RetestComparison): Fix[] {
  const value = retest.fields.get('result')?.value;
  if (!cmp.suggested || !value || cmp.suggested === cmp.written) return [];
  return [{ title: `Set the result to \`${cmp.suggested}\` (as the captures show)`, edits: [edit(report, scalarInner(report, value), cmp.suggested)] }];
}

/**
 * Fixed when all stopped; partially when some stopped and some did not (or
 * something new went out); not fixed when nothing stopped. What "stopped"
 * may have gone where the scan cannot look (`hidden`): then only "not fixed" is said.
 */
function suggest(rows: readonly CompareRow[], hidden: boolean): RetestResult | undefined {
  const n = (s: CompareStatus) => rows.filter((r) => r.status === s).length;
  const stopped = n('stopped');
  const other = n('still') + n('new');
  if (stopped && hidden) return undefined;
  if (stopped && !other) return 'fixed';
  if (stopped) return 'partially-fixed';
  return n('still') ? 'not-fixed' : undefined;
}

interface Sent {
  id: string;
  m: CaptureMatch;
}

/**
 * A cited capture evidence (`kind: har` or `pcap`) that has no scan in the
 * lint result: its file did not check out (PA020–PA023 say why), or the lint
 * read no captures. Such a side is incomplete too.
 */
function notScanned(ctx: CaptureContext, r: AuditRecord, side: 'before' | 'after', ids: string[], unread: UnreadCapture[]): void {
  for (const ref of ctx.report.references) {
    if (ref.from !== r || ref.field !== 'evidence') continue;
    const e = ctx.report.byId.get(ref.id);
    if (!e || e.kind !== 'evidence' || ctx.captures.has(e)) continue;
    if (!CAPTURE_EVIDENCE_KINDS.has(scalarText(e.fields.get('kind'))?.trim().toLowerCase() ?? '')) continue;
    if (!ids.includes(ref.id)) ids.push(ref.id);
    if (!unread.some((u) => u.id === ref.id && u.side === side)) unread.push({ id: ref.id, side, reason: 'it was not scanned (its file did not check out, or captures are not read here)' });
  }
}

const hostKey = (m: CaptureMatch): string | undefined => m.host?.toLowerCase();

/** Rows per (host, category); a match with only an address joins the host that address was seen for, on either side. */
function compareRows(before: readonly Sent[], after: readonly Sent[]): CompareRow[] {
  const hostOfAddress = new Map<string, string>();
  for (const { m } of [...before, ...after]) {
    const h = hostKey(m);
    if (h !== undefined && m.address !== undefined && !hostOfAddress.has(m.address.toLowerCase())) hostOfAddress.set(m.address.toLowerCase(), h);
  }
  const rows = new Map<string, CompareRow>();
  const hostOrder = new Map<string, number>();
  const add = (side: 'before' | 'after', { id, m }: Sent) => {
    const host = hostKey(m) ?? (m.address !== undefined ? hostOfAddress.get(m.address.toLowerCase()) ?? m.address.toLowerCase() : '(unknown host)');
    if (!hostOrder.has(host)) hostOrder.set(host, hostOrder.size);
    const key = `${host}\u0000${m.category.toLowerCase()}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { host: m.host ?? m.address ?? host, addresses: [], category: m.category, status: 'stopped', before: [], after: [] }));
    if (m.host !== undefined && row.host !== m.host && row.host.toLowerCase() !== m.host.toLowerCase()) row.host = m.host; // a name over an address
    if (row.domain === undefined && m.domain !== undefined) row.domain = m.domain;
    if (row.country === undefined && m.country !== undefined) row.country = m.country;
    if (m.address !== undefined && !row.addresses.includes(m.address)) row.addresses.push(m.address);
    const sites = row[side];
    if (!sites.some((s) => s.id === id && s.locator === m.locator)) sites.push({ id, locator: m.locator });
  };
  for (const s of before) add('before', s);
  for (const s of after) add('after', s);
  const out = [...rows.entries()];
  // hosts in order of first appearance; within a host, rows as they came
  const index = new Map(out.map(([k], i) => [k, i]));
  out.sort(([a], [b]) => hostOrder.get(a.split('\u0000')[0]!)! - hostOrder.get(b.split('\u0000')[0]!)! || index.get(a)! - index.get(b)!);
  return out.map(([, row]) => ({ ...row, status: row.before.length ? (row.after.length ? 'still' : 'stopped') : 'new' }));
}
