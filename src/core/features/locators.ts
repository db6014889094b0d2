/**
 * Locators of a capture (`E3#entry=1`, `E2#frame=22`) in the editor: which
 * reference's locator is under the cursor and which unit of which capture it
 * names (go to definition), the request a unit carried as masked text (the
 * hover), and the units a flow's evidence list may cite (completion). Pure:
 * the scans come from the last lint (`LintResult.captures`).
 */
import type { Exhibit, ExhibitLine } from '../capture/exhibit';
import type { CaptureResult } from '../capture/result';
import type { CaptureMatch } from '../capture/types';
import { flowTarget, goesTo, locatorKey, type FlowTarget } from '../lint/rules/claims';
import { listItems, scalarText, type AuditRecord, type Reference, type Report } from '../report/model';
import type { Taxonomy } from '../report/taxonomy';
import type { Span } from '../report/types';
import { contains } from './locate';

/** A reference with a locator, the cursor on it (on its id or on its locator). */
export function locatorRefAt(report: Report, offset: number): Reference | undefined {
  for (const ref of [...report.references, ...report.citations]) {
    if (ref.locator !== undefined && contains(ref.span, offset)) return ref;
  }
  return undefined;
}

/** The entry or frame a locator names, in the capture an evidence record holds. */
export interface LocatorTarget {
  /** The evidence record (`E3`). */
  evidence: AuditRecord;
  /** Its `file:` as written (relative to the report's folder). */
  file: string;
  /** `entry` (a HAR's `log.entries`, 1-based) or `frame` (a pcap's frame number). */
  unit: 'entry' | 'frame';
  n: number;
  /** The locator as written (`entry=1`), after the `#`. */
  span: Span;
}

/**
 * The capture unit named by the locator under `offset` (`entry=1` of
 * `E3#entry=1`); undefined on the id part (which goes to the record), or
 * for a locator that is not an entry or a frame, or an evidence without a file.
 */
export function locatorTarget(report: Report, offset: number): LocatorTarget | undefined {
  const ref = locatorRefAt(report, offset);
  // the id part (`E3`) goes to the record, as any reference does
  if (!ref || offset < ref.idSpan.end) return undefined;
  const key = locatorKey(ref.locator);
  const evidence = report.byId.get(ref.id);
  const file = evidence?.kind === 'evidence' ? scalarText(evidence.fields.get('file'))?.trim() : undefined;
  if (!key || !evidence || !file) return undefined;
  const [unit, n] = key.split('=') as ['entry' | 'frame', string];
  // a HAR has entries, a pcap frames: a locator of the other kind names nothing there
  const kind = scalarText(evidence.fields.get('kind'))?.trim().toLowerCase();
  if ((kind === 'har' && unit !== 'entry') || (kind === 'pcap' && unit !== 'frame')) return undefined;
  const hash = report.text.indexOf('#', ref.idSpan.end);
  const start = hash >= 0 && hash < ref.span.end ? hash + 1 : ref.idSpan.end;
  // a citation's span holds its brackets: the locator ends before the `]`
  const end = report.text[ref.span.end - 1] === ']' ? ref.span.end - 1 : ref.span.end;
  if (offset > end) return undefined;
  return { evidence, file, unit, n: Number(n), span: { start, end } };
}

/** The exhibit of a unit of a scan (`frame=22`), if the scan kept one. */
export function exhibitAt(result: CaptureResult, locator: string): Exhibit | undefined {
  const key = locatorKey(locator) ?? locator.trim();
  return result.exhibits?.find((e) => (locatorKey(e.locator) ?? e.locator) === key);
}

/** How a canary's place is shown: its category in brackets, never a value. */
export const marker = (category: string) => `[${category}]`;

const segmentsText = (line: ExhibitLine) => line.segments.map((s) => ('canary' in s ? marker(s.canary) : s.text)).join('');

/** `http://host/path` for a request line that is a path (pcap frames), the port when it is not the usual one. */
function requestUrl(ex: Exhibit, target: string): string {
  if (!target.startsWith('/') || !ex.host) return target;
  const scheme = ex.tls ? 'https' : 'http';
  const usual = ex.tls ? 443 : 80;
  const port = ex.port !== undefined && ex.port !== usual ? `:${ex.port}` : '';
  return `${scheme}://${ex.host}${port}${target}`;
}

const PLACE: Partial<Record<ExhibitLine['where'], string>> = {
  cookie: 'Cookie',
  websocket: 'WebSocket',
  payload: 'Payload',
  dns: 'DNS query',
  sni: 'TLS server name',
};

/**
 * An exhibit as the lines of a request: `POST http://host/path`, the headers
 * (and cookies) that held a canary, then the body; each canary a marker
 * (`[IMEI]`). A line the scan withheld says why, and what it held.
 */
export function exhibitText(ex: Exhibit): string[] {
  const out: string[] = [];
  let body = false;
  for (const line of ex.lines) {
    const text = line.withheld !== undefined ? `(not shown: ${line.withheld}; it holds ${line.categories.map(marker).join(', ') || 'a value'})` : segmentsText(line);
    switch (line.where) {
      case 'request':
        out.push(`${ex.method ?? 'REQUEST'} ${line.withheld !== undefined ? text : requestUrl(ex, text)}`);
        break;
      case 'header':
        out.push(`${line.name ?? 'header'}: ${text}`);
        break;
      case 'cookie':
        out.push(`Cookie: ${line.name !== undefined ? `${line.name}=` : ''}${text}`);
        break;
      case 'body':
        // a blank line between the head and the body, as HTTP writes it
        if (!body && out.length) out.push('');
        body = true;
        out.push(text);
        break;
      default:
        out.push(`${PLACE[line.where] ?? line.where}${line.name !== undefined ? ` (${line.name})` : ''}: ${text}`);
    }
  }
  return out;
}

/** Text in a fenced code block whose fence no line of it can close. */
export function codeBlock(lines: readonly string[], lang = ''): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence + lang, ...lines, fence].join('\n');
}

// ---- completion of locators

/** One unit a locator may name, for completion. */
export interface LocatorSuggestion {
  /** `frame=22`, `entry=1`. */
  locator: string;
  /** The categories it sends (the flow's first, each once). */
  categories: string[];
  /** Where it sends them (host, else address). */
  host: string;
  /** Carries data of the flow (or of a flow of the retest) to its host. */
  forFlow: boolean;
  /** Of the flow's categories, how many it carries there. */
  score: number;
}

function sameCategory(taxonomy: Taxonomy, a: string, b: string): boolean {
  const ia = taxonomy.lookup(a)?.id;
  const ib = taxonomy.lookup(b)?.id;
  if (ia !== undefined && ib !== undefined) return ia === ib;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The flows a record is about: itself for a flow, the flows a retest lists. */
function flowsOf(report: Report, r: AuditRecord | undefined): AuditRecord[] {
  if (!r) return [];
  if (r.kind === 'flow') return [r];
  if (r.kind !== 'retest') return [];
  return listItems(r.fields.get('flows'))
    .map((n) => (n.type === 'scalar' && n.value !== null ? report.byId.get(String(n.value).trim()) : undefined))
    .filter((f): f is AuditRecord => f?.kind === 'flow');
}

const dataOf = (flow: AuditRecord): string[] =>
  listItems(flow.fields.get('data'))
    .map((n) => (n.type === 'scalar' && n.value !== null ? String(n.value).trim() : ''))
    .filter(Boolean);

/**
 * The units of a scan a record's evidence list may cite: first those whose
 * request carries the data of the record's flow (a retest: of a flow it
 * lists) to that flow's host, most of the flow's categories first; then every
 * other unit whose request carried a declared value; each in capture order.
 */
export function locatorSuggestions(report: Report, record: AuditRecord | undefined, result: CaptureResult, taxonomy: Taxonomy, listed: ReadonlySet<string> = new Set()): LocatorSuggestion[] {
  const targets: { t: FlowTarget; data: string[] }[] = flowsOf(report, record).map((f) => ({ t: flowTarget(report, f), data: dataOf(f) }));
  const units = new Map<string, CaptureMatch[]>();
  for (const m of result.matches) {
    if (m.direction !== 'request') continue;
    const list = units.get(m.locator);
    if (list) list.push(m);
    else units.set(m.locator, [m]);
  }
  const out: (LocatorSuggestion & { order: number })[] = [];
  let order = 0;
  for (const [locator, ms] of units) {
    if (listed.has(locatorKey(locator) ?? locator)) continue;
    let best: { host: string; cats: string[] } | undefined;
    for (const { t, data } of targets) {
      const sent = ms.filter((m) => goesTo(m, t) && data.some((d) => sameCategory(taxonomy, m.category, d)));
      // in the order the flow writes its data
      const rank = (c: string) => data.findIndex((d) => sameCategory(taxonomy, c, d));
      const cats = unique(sent.map((m) => m.category)).sort((a, b) => rank(a) - rank(b));
      if (cats.length && (!best || cats.length > best.cats.length)) best = { host: sent[0]!.host ?? sent[0]!.address ?? t.shownHost ?? '?', cats };
    }
    const all = unique(ms.map((m) => m.category));
    const host = best?.host ?? ms[0]!.host ?? ms[0]!.address ?? 'an unknown host';
    // the flow's categories first, then what else the unit carried
    const categories = best ? [...best.cats, ...all.filter((c) => !best!.cats.some((b) => b.toLowerCase() === c.toLowerCase()))] : all;
    out.push({ locator, categories, host, forFlow: !!best, score: best?.cats.length ?? 0, order: order++ });
  }
  out.sort((a, b) => Number(b.forFlow) - Number(a.forFlow) || b.score - a.score || a.order - b.order);
  return out.map(({ order: _, ...s }) => s);
}

function unique(items: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of items) if (!out.some((o) => o.toLowerCase() === c.toLowerCase())) out.push(c);
  return out;
}

/** The evidence id and the locator typed so far, when the text before the cursor ends in `E2#` or `E2#fra`. */
export function locatorBeingTyped(before: string): { id: string; typed: string } | undefined {
  const m = /(?:^|[\s,[@-])([A-Za-z][A-Za-z0-9_-]*)#([A-Za-z0-9=_-]*)$/.exec(before);
  return m ? { id: m[1]!, typed: m[2]! } : undefined;
}
