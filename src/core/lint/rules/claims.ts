/**
 * What the claim rules (PA050–PA053) share: which captures a record cites
 * (and at which entries or frames), where a flow says its data goes, whether
 * a match of the scan is of one of a flow's data categories, and the words
 * their messages use.
 */
import type { CaptureOutcome } from '../captures';
import type { CaptureResult } from '../../capture/result';
import type { Canary, CaptureMatch } from '../../capture/types';
import { collectRedaction, Redactor } from '../../redact';
import { listItems, scalarText, writtenScalar, type AuditRecord, type Reference, type Report, type YNode } from '../../report/model';
import { parseFrom } from '../../report/refs';
import type { Span } from '../../report/types';
import type { RuleContext } from '../rule';

/** What `captureOf` and `citedCaptures` read: a rule's context, or a lint result (the renderer's). */
export type CaptureContext = Pick<RuleContext, 'report' | 'captures'>;

/** A capture evidence a record cites, with the references that cite it. */
export interface CaptureCitation {
  evidence: AuditRecord;
  id: string;
  outcome: CaptureOutcome;
  /** The references to it, in the order written. */
  refs: Reference[];
  /** The entries or frames cited (`frame=22`), normalised; undefined when the capture is also cited as a whole. */
  locators: Set<string> | undefined;
  /** The references with a locator the rules can read (entry or frame), by normalised locator. */
  located: Map<string, Reference>;
}

/** `frame=22`, `entry=3` (case, spaces and leading zeros aside); undefined for any other locator (a time, a page). */
export function locatorKey(locator: string | undefined): string | undefined {
  const m = /^(entry|frame)=0*(\d+)$/i.exec((locator ?? '').replace(/\s+/g, ''));
  return m ? `${m[1]!.toLowerCase()}=${m[2]}` : undefined;
}

/** Per lint (keyed by its map of captures): what the report masks, as a key and as a function. */
const lintMasks = new WeakMap<object, { key: string; mask: (s: string) => string }>();
/** Per scan (kept by the host between lints): its masked copy, for the redaction it was made with. */
const maskedScans = new WeakMap<CaptureOutcome, { key: string; outcome: CaptureOutcome }>();

/**
 * The scan of a capture evidence as the claim rules read it: host, domain,
 * header and field names pass through the report's redaction, as they do in
 * `privacy-audit scan` (a DNS name made of the IMEI reads `[redacted].t.example`
 * there, and in the flows `scan --write` adds), so that the rules compare and
 * write what the scan does, and never show a value the report masks. The
 * masked copy is kept with the scan while the report's redaction stays.
 */
export function captureOf(ctx: CaptureContext, evidence: AuditRecord): CaptureOutcome | undefined {
  const outcome = ctx.captures.get(evidence);
  if (outcome?.state !== 'read' || !outcome.result.matches.length) return outcome;
  let lint = lintMasks.get(ctx.captures);
  if (!lint) {
    const rules = collectRedaction(ctx.report);
    const redactor = new Redactor(rules);
    lint = { key: JSON.stringify(rules), mask: redactor.empty ? (s) => s : (s) => redactor.mask(s) };
    lintMasks.set(ctx.captures, lint);
  }
  const kept = maskedScans.get(outcome);
  if (kept?.key === lint.key) return kept.outcome;
  const memo = new Map<string, string>();
  const mask = lint.mask;
  const once = (v: string) => {
    let m = memo.get(v);
    if (m === undefined) memo.set(v, (m = mask(v)));
    return m;
  };
  const out: CaptureOutcome = { state: 'read', result: { ...outcome.result, matches: outcome.result.matches.map((m) => maskMatch(m, once)) } };
  maskedScans.set(outcome, { key: lint.key, outcome: out });
  return out;
}

function maskMatch(m: CaptureMatch, mask: (s: string) => string): CaptureMatch {
  const out = { ...m };
  if (out.host !== undefined) out.host = mask(out.host);
  if (out.domain !== undefined) out.domain = mask(out.domain);
  if (out.name !== undefined) out.name = mask(out.name);
  if (out.field !== undefined) out.field = mask(out.field);
  return out;
}

/** A scan's matches by locator and by host (lower case; the address when there is no host), built once per result. */
const indexes = new WeakMap<CaptureResult, { byLocator: Map<string, CaptureMatch[]>; byHost: Map<string, CaptureMatch[]>; order: Map<CaptureMatch, number> }>();

function indexOf(result: CaptureResult) {
  let ix = indexes.get(result);
  if (!ix) {
    ix = { byLocator: new Map(), byHost: new Map(), order: new Map() };
    for (const m of result.matches) {
      ix.order.set(m, ix.order.size);
      push(ix.byLocator, m.locator, m);
      const host = (m.host ?? m.address)?.toLowerCase();
      if (host !== undefined) push(ix.byHost, host, m);
      // a flow may name the address as its host, or list it in `address`
      if (m.address !== undefined && m.address.toLowerCase() !== host) push(ix.byHost, m.address.toLowerCase(), m);
    }
    indexes.set(result, ix);
  }
  return ix;
}

function push<K, V>(map: Map<K, V[]>, key: K, v: V): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

/** The matches of a scan at one locator (`frame=22`). */
export const atLocator = (result: CaptureResult, locator: string): readonly CaptureMatch[] => indexOf(result).byLocator.get(locator) ?? [];

/** The request-side matches of a scan that go where the flow says (its host, or one of its addresses), each once. */
export function towards(result: CaptureResult, t: FlowTarget): CaptureMatch[] {
  const { byHost } = indexOf(result);
  const seen = new Set<CaptureMatch>();
  for (const key of [t.host, ...t.addresses.map((a) => a.toLowerCase())]) {
    if (key === undefined) continue;
    for (const m of byHost.get(key) ?? []) if (goesTo(m, t)) seen.add(m);
  }
  // in the capture's order (the index lists keep it; two lists merge)
  const { order } = indexOf(result);
  return [...seen].sort((a, b) => order.get(a)! - order.get(b)!);
}

/** The matches of a scan whose host is `host` (lower case). */
export const forHost = (result: CaptureResult, host: string): readonly CaptureMatch[] => indexOf(result).byHost.get(host) ?? [];

const byRecord = new WeakMap<Report, Map<AuditRecord, Reference[]>>();

/** The references a record holds (indexed once per report). */
export function referencesOf(report: Report, r: AuditRecord): readonly Reference[] {
  let ix = byRecord.get(report);
  if (!ix) {
    ix = new Map();
    for (const ref of report.references) if (ref.from) push(ix, ref.from, ref);
    byRecord.set(report, ix);
  }
  return ix.get(r) ?? [];
}

/** The captures (read or not) that `r` cites in `field`, in the order first cited. */
export function citedCaptures(ctx: CaptureContext, r: AuditRecord, field: 'evidence' = 'evidence'): CaptureCitation[] {
  const out = new Map<string, CaptureCitation & { whole: boolean }>();
  for (const ref of referencesOf(ctx.report, r)) {
    if (ref.field !== field) continue;
    const evidence = ctx.report.byId.get(ref.id);
    const outcome = evidence && captureOf(ctx, evidence);
    if (!evidence || !outcome) continue;
    let c = out.get(ref.id);
    if (!c) out.set(ref.id, (c = { evidence, id: ref.id, outcome, refs: [], locators: new Set(), located: new Map(), whole: false }));
    c.refs.push(ref);
    const key = locatorKey(ref.locator);
    if (ref.locator === undefined) c.whole = true;
    else if (key) {
      c.locators!.add(key);
      if (!c.located.has(key)) c.located.set(key, ref);
    }
  }
  return [...out.values()].map(({ whole, ...c }) => (whole ? { ...c, locators: undefined } : c));
}

/** The device a flow's `from` names; for free text (or none) the only device of the report, if there is one. */
export function flowDevice(report: Report, flow: AuditRecord): string | undefined {
  const from = scalarText(flow.fields.get('from'))?.trim();
  const ref = from ? parseFrom(from) : undefined;
  if (ref && ref.kind !== 'text') return ref.device;
  const devices = report.records.filter((d) => d.kind === 'device');
  return devices.length === 1 ? (devices[0]!.id ?? 'D1') : undefined;
}

/** Where a flow says its data goes: its host (lower case), its addresses, its device. */
export interface FlowTarget {
  flow: AuditRecord;
  id: string;
  host: string | undefined;
  /** The host as written (messages). */
  shownHost: string | undefined;
  addresses: string[];
  device: string | undefined;
}

/** Per report (one lint), each flow's target: four rules ask for it. */
const targets = new WeakMap<Report, Map<AuditRecord, FlowTarget>>();

export function flowTarget(report: Report, flow: AuditRecord): FlowTarget {
  let known = targets.get(report);
  if (!known) targets.set(report, (known = new Map()));
  let t = known.get(flow);
  if (!t) known.set(flow, (t = readTarget(report, flow)));
  return t;
}

function readTarget(report: Report, flow: AuditRecord): FlowTarget {
  const to = scalarText(flow.fields.get('to'))?.trim() || undefined;
  const addresses = listItems(flow.fields.get('address'))
    .map((n) => writtenScalar(report.text, n)?.trim())
    .filter((a): a is string => !!a);
  return { flow, id: flow.id ?? 'this flow', host: to?.toLowerCase(), shownHost: to, addresses, device: flowDevice(report, flow) };
}

/** A request-side match of the flow's device going to the flow's host (by name, or by one of its addresses). */
export function goesTo(m: CaptureMatch, t: FlowTarget): boolean {
  if (m.direction !== 'request') return false;
  if (t.device !== undefined && m.device !== t.device) return false;
  if (t.host !== undefined && (m.host ?? m.address)?.toLowerCase() === t.host) return true;
  const address = m.address?.toLowerCase();
  return address !== undefined && t.addresses.some((a) => a.toLowerCase() === address);
}

/** Whether a canary's category is the data category written `item` (by taxonomy id, else by name, case aside). */
export function sameCategory(ctx: Pick<RuleContext, 'taxonomy'>, canary: Pick<Canary, 'category' | 'categoryId'>, item: string): boolean {
  const id = ctx.taxonomy.lookup(item)?.id;
  if (id !== undefined && canary.categoryId !== undefined) return id === canary.categoryId;
  return canary.category.trim().toLowerCase() === item.trim().toLowerCase();
}

/** Whether a match is a value of the category written `item`. */
export function matchOf(ctx: Pick<RuleContext, 'taxonomy' | 'canaries'>, m: CaptureMatch, item: string): boolean {
  return sameCategory(ctx, ctx.canaries[m.canary] ?? { category: m.category }, item);
}

/** Whether the device declares a value of the category (any device when it is not known). */
export function declared(ctx: Pick<RuleContext, 'taxonomy' | 'canaries'>, device: string | undefined, item: string): boolean {
  return ctx.canaries.some((c) => (device === undefined || c.device === device) && sameCategory(ctx, c, item));
}

/** A flow's `data` items as written, with their nodes. */
export function dataItems(report: Report, flow: AuditRecord): { text: string; node: YNode }[] {
  const out: { text: string; node: YNode }[] = [];
  for (const node of listItems(flow.fields.get('data'))) {
    const text = writtenScalar(report.text, node)?.trim();
    if (text) out.push({ text, node });
  }
  return out;
}

/** `a`, `a and b`, `a, b and c`. */
export function andList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** At most this many locators are named in one message. */
const MAX_NAMED = 6;

/** `E2#frame=4, E2#frame=14` (at most six, then `and N more`). */
export function locatorList(id: string, locators: Iterable<string>): string {
  const all = [...new Set(locators)];
  const named = all.slice(0, MAX_NAMED).map((l) => `${id}#${l}`);
  return all.length > MAX_NAMED ? `${named.join(', ')} and ${all.length - MAX_NAMED} more` : named.join(', ');
}

/** The categories of some matches, as the devices write them, each once, in order. */
export function categoriesOf(ms: readonly CaptureMatch[]): string[] {
  const out: string[] = [];
  for (const m of ms) if (!out.some((c) => c.toLowerCase() === m.category.toLowerCase())) out.push(m.category);
  return out;
}

/** Where a match went, as a message says it: its host, else its address. */
export const hostOf = (m: CaptureMatch): string => m.host ?? m.address ?? 'an unknown host';

/** Why a capture could not be read, as a sentence part (no final period). */
export function unreadableReason(outcome: CaptureOutcome): string {
  if (outcome.state !== 'unreadable') return '';
  const reason = outcome.reason.trim().replace(/\.$/, '');
  // a sentence of its own becomes a part of this one (`It is neither …` → `it is neither …`)
  return /^[A-Z][a-z]/.test(reason) ? reason[0]!.toLowerCase() + reason.slice(1) : reason;
}

/**
 * Flags at `span` with the severity `info`, whatever the rule's: what a rule
 * could not check is said, never silenced, and is not itself a problem.
 */
export function note(ctx: RuleContext, span: Span, message: string): void {
  ctx.flag(span, message, { severity: 'info' });
}
