/**
 * A retest held against the first run, capture by capture: what the
 * captures its flows cite show (before), what the captures it cites itself
 * show (after), per host and data category: stopped, still sent, newly sent;
 * and the `result` the captures suggest. Rule PA054 and the rendered retest
 * card both read it; it takes a rule's context or a lint result alike.
 *
 * The first run is every capture the retest's flows cite, whole (a flow
 * citing `E2#frame=22` names the capture E2 as the first run); the retest's
 * own capture cited with entries or frames (`E15#frame=24`) counts with
 * those only, cited as a whole with all of it (as PA051 reads it).
 * Host names pass through the report's redaction (`captureOf`).
 */
import type { CaptureResult } from '../capture/result';
import type { CaptureMatch } from '../capture/types';
import { listItems, scalarText, type AuditRecord, type Report } from '../report/model';
import type { Fix } from '../report/types';
import { CAPTURE_EVIDENCE_KINDS } from './captures';
import { edit, scalarInner } from './edits';
import { atLocator, citedCaptures, flowDevice, referencesOf, unreadableReason, type CaptureCitation, type CaptureContext } from './rules/claims';

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
  /** The host's registrable domain, country and addresses, for display (from either side; the same on each row of the host). */
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
  const before = new Side();
  const after = new Side();
  const devices = new Set<string>();
  let anyDevice = flows.length === 0;
  for (const flow of flows) {
    const device = flowDevice(report, flow);
    if (device === undefined) anyDevice = true;
    else devices.add(device);
    for (const c of citedCaptures(ctx, flow)) before.cite(c, [device ?? ANY], 'before', unread);
    notScanned(ctx, flow, 'before', before.ids, unread);
  }
  for (const c of citedCaptures(ctx, retest)) after.cite(c, anyDevice ? [ANY] : [...devices], 'after', unread);
  notScanned(ctx, retest, 'after', after.ids, unread);
  const hidden: HiddenTraffic[] = [];
  for (const { id, result } of after.readings.values()) {
    const { undecrypted, quic = 0 } = result;
    if (undecrypted || quic) hidden.push({ id, undecrypted, quic });
  }
  const rows = compareRows(before.sent(), after.sent());
  const written = scalarText(retest.fields.get('result'))?.trim().toLowerCase() || undefined;
  const out: RetestComparison = { retest, beforeIds: before.ids, afterIds: after.ids, rows, unread, hidden };
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

/** Any device (a flow whose device is not known). */
const ANY = '*';

/** What one side reads of a capture: all of it for some devices, some entries or frames for some devices. */
interface Reading {
  id: string;
  result: CaptureResult;
  whole: Set<string>;
  located: Map<string, Set<string>>;
}

/** One side of the comparison: the captures cited, each read once however many flows cite it. */
class Side {
  /** Capture evidence ids, in the order first cited (read or not). */
  readonly ids: string[] = [];
  readonly readings = new Map<string, Reading>();

  cite(c: CaptureCitation, devices: readonly string[], side: 'before' | 'after', unread: UnreadCapture[]): void {
    if (!this.ids.includes(c.id)) this.ids.push(c.id);
    if (c.outcome.state !== 'read') {
      if (!unread.some((u) => u.id === c.id && u.side === side)) unread.push({ id: c.id, side, reason: unreadableReason(c.outcome) });
      return;
    }
    let r = this.readings.get(c.id);
    if (!r) this.readings.set(c.id, (r = { id: c.id, result: c.outcome.result, whole: new Set(), located: new Map() }));
    for (const d of devices) {
      // the first run is the whole capture its flows cite (an entry or frame cites the capture it is in):
      // a value it sent in a frame no flow cites did not start with the retest
      if (!c.locators || side === 'before') r.whole.add(d);
      else for (const l of c.locators) r.located.set(l, (r.located.get(l) ?? new Set()).add(d));
    }
  }

  /** The request-side matches read, in capture order per capture. */
  sent(): Sent[] {
    const out: Sent[] = [];
    const of = (set: Set<string> | undefined, m: CaptureMatch) => !!set && (set.has(ANY) || set.has(m.device));
    for (const { id, result, whole, located } of this.readings.values()) {
      const keep = (m: CaptureMatch) => m.direction === 'request' && (of(whole, m) || of(located.get(m.locator), m));
      // all of it, or only the entries and frames cited (in their order in the capture)
      const ms = whole.size ? result.matches : [...located.keys()].sort((a, b) => unitNumber(a) - unitNumber(b)).flatMap((l) => atLocator(result, l));
      for (const m of ms) if (keep(m)) out.push({ id, m });
    }
    return out;
  }
}

const unitNumber = (locator: string): number => Number(/\d+$/.exec(locator)?.[0] ?? 0);

/**
 * A cited capture evidence (`kind: har` or `pcap`) that has no scan in the
 * lint result: its file did not check out (PA020–PA023 say why), or the lint
 * read no captures. Such a side is incomplete too.
 */
function notScanned(ctx: CaptureContext, r: AuditRecord, side: 'before' | 'after', ids: string[], unread: UnreadCapture[]): void {
  for (const ref of referencesOf(ctx.report, r)) {
    if (ref.field !== 'evidence') continue;
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
  /** Per host: how it is shown (the first name seen, else the first address) and where it is. */
  const hosts = new Map<string, { shown?: string; address?: string; domain?: string; country?: string; addresses: string[] }>();
  const rows = new Map<string, { host: string; category: string; before: CaptureSite[]; after: CaptureSite[]; seen: Set<string> }>();
  const add = (side: 'before' | 'after', { id, m }: Sent) => {
    const key = hostKey(m) ?? (m.address !== undefined ? (hostOfAddress.get(m.address.toLowerCase()) ?? m.address.toLowerCase()) : '(unknown host)');
    let h = hosts.get(key);
    if (!h) hosts.set(key, (h = { addresses: [] }));
    h.shown ??= m.host;
    h.address ??= m.address;
    h.domain ??= m.domain;
    h.country ??= m.country;
    if (m.address !== undefined && !h.addresses.includes(m.address)) h.addresses.push(m.address);
    const rowKey = `${key}\u0000${m.category.toLowerCase()}`;
    let row = rows.get(rowKey);
    if (!row) rows.set(rowKey, (row = { host: key, category: m.category, before: [], after: [], seen: new Set() }));
    const site = `${side} ${id}#${m.locator}`;
    if (!row.seen.has(site)) {
      row.seen.add(site);
      row[side].push({ id, locator: m.locator });
    }
  };
  for (const s of before) add('before', s);
  for (const s of after) add('after', s);
  // hosts in order of first appearance; within a host, categories as they came
  const order = new Map([...hosts.keys()].map((k, i) => [k, i]));
  const list = [...rows.values()];
  const index = new Map(list.map((r, i) => [r, i]));
  list.sort((a, b) => order.get(a.host)! - order.get(b.host)! || index.get(a)! - index.get(b)!);
  return list.map(({ host, category, before: b, after: a }) => {
    const h = hosts.get(host)!;
    const row: CompareRow = { host: h.shown ?? h.address ?? host, addresses: h.addresses, category, status: b.length ? (a.length ? 'still' : 'stopped') : 'new', before: b, after: a };
    if (h.domain !== undefined) row.domain = h.domain;
    if (h.country !== undefined) row.country = h.country;
    return row;
  });
}
