/**
 * The timeline of a report's dated events as a mermaid `timeline` diagram:
 * steps, evidence captures, responses (party, who, verdict), the fixes they
 * claim, retests (result) and the report's own date.
 *
 * Layout: one period per day, in sections by month; same-day steps and
 * same-day captures are grouped into one event each. A report with more than
 * 24 dated days gets one period per month (sections by year), and more than
 * 24 months one period per year; a period shows at most 8 events and then
 * "+N more". Every label goes through `mermaidText`, which also keeps `:`
 * (the timeline's event separator), `#` (its comment) and `%` escaped.
 *
 * `collectTimeline` gives the same events with their details as written,
 * for the HTML layout (timeline-html.ts).
 */
import type { Report, AuditRecord } from '../../report/model';
import { toPlain } from '../../report/model';
import { isIsoDateTime } from '../../report/schema';
import { mermaidText, normalizeSpace, truncate } from './escape';
import { compareIds, compareStrings, field, idRanges, refIds } from './util';

export interface TimelineOptions {
  /** Redaction, applied to every label before escaping. */
  mask?: (s: string) => string;
}

export interface TimelineItem {
  /** Calendar day, `YYYY-MM-DD`. */
  date: string;
  /** Plain text (masked, not escaped): what happened. */
  label: string;
  /** The record the event comes from (none for the report date). */
  recordId?: string;
  kind: 'step' | 'evidence' | 'response' | 'fix' | 'retest' | 'report';
}

export interface TimelineDiagram {
  text: string;
  /** Number of dated events (items), before grouping. */
  events: number;
  /** Every dated event in date order (then kind order, then id). */
  items: TimelineItem[];
}

const KIND_ORDER: Record<TimelineItem['kind'], number> = { step: 0, evidence: 1, response: 2, fix: 3, retest: 4, report: 5 };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MAX_PERIODS = 24;
/** Item labels (for the preview) keep this much of the text. */
const ITEM_CHARS = 300;
const MAX_EVENTS_PER_PERIOD = 8;
const EVENT_CHARS = 90;
/** A response's `by` in the timeline (the record has the full text). */
const BY_CHARS = 48;
const RESULT_TEXT: Record<string, string> = { fixed: 'fixed', 'not-fixed': 'not fixed', 'partially-fixed': 'partially fixed', inconclusive: 'inconclusive' };

/**
 * What a dated event says beyond its label, as written (neither masked nor
 * escaped): for layouts that show the whole text (timeline-html.ts).
 */
export interface TimelineDetail {
  /** `response.party` (also on the fix it claims). */
  party?: string;
  /** `response.by`. */
  by?: string;
  channel?: string;
  verdict?: string;
  /** `retest.result`. */
  result?: string;
  /** The main text: a step's action, a capture's description, a statement, a retest's observation (or notes), a claimed fix. */
  text?: string;
  /** A step's device. */
  device?: string;
  /** A retest's build. */
  build?: string;
  /** A retest's flows. */
  flows?: string[];
  /** The responses a retest verifies. */
  verifies?: string[];
  /** An evidence kind. */
  evidenceKind?: string;
  /** The report's status (on the report-date event). */
  status?: string;
}

/** A dated event with its details (see `collectTimeline`). */
export interface TimelineEvent extends TimelineItem {
  /** Full date-time as written, for ordering within a day. */
  at: string;
  /** For grouping: the item's short text when grouped with others of its kind. */
  groupable: boolean;
  detail: TimelineDetail;
}
type Dated = TimelineEvent;

function dateOf(r: AuditRecord, name: string): { day: string; at: string } | undefined {
  const v = field(r, name);
  if (!v || !isIsoDateTime(v)) return undefined;
  return { day: v.slice(0, 10), at: v };
}

/** Defined fields only, so a detail lists what the record says. */
function defined(d: TimelineDetail): TimelineDetail {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out as TimelineDetail;
}

/**
 * Every dated event of a report in date order (then kind order, date-time,
 * id): steps, evidence captures, responses, the fixes they claim, retests,
 * and the report's own date. Labels and details are as written (not masked).
 */
export function collectTimeline(report: Report): TimelineEvent[] {
  const out: Dated[] = [];
  const push = (d: { day: string; at: string }, kind: Dated['kind'], label: string, recordId: string | undefined, detail: TimelineDetail, groupable = false) =>
    out.push({ date: d.day, at: d.at, kind, label, ...(recordId ? { recordId } : {}), groupable, detail: defined(detail) });
  for (const r of report.records) {
    const id = r.id ?? '';
    switch (r.kind) {
      case 'step': {
        const d = dateOf(r, 'date');
        const action = field(r, 'action');
        if (d) push(d, 'step', [id && `Step ${id}`, action].filter(Boolean).join(' · ') || 'Step', r.id, { text: action, device: field(r, 'device') }, true);
        break;
      }
      case 'evidence': {
        const d = dateOf(r, 'captured');
        const kind = field(r, 'kind');
        if (d) push(d, 'evidence', `${id ? `${id} ` : 'Evidence '}captured${kind ? ` (${kind})` : ''}`, r.id, { text: field(r, 'description'), evidenceKind: kind }, true);
        break;
      }
      case 'response': {
        const d = dateOf(r, 'date');
        const party = field(r, 'party');
        const by = field(r, 'by');
        const verdict = field(r, 'verdict');
        if (d) {
          const who = [party, by && truncate(normalizeSpace(by), BY_CHARS)].filter(Boolean).join(': ');
          push(d, 'response', `${id || 'Response'}${who ? ` ${who}` : ''}${verdict ? ` — verdict ${verdict}` : ''}`, r.id, { party, by, channel: field(r, 'channel'), verdict, text: field(r, 'statement') });
        }
        const fix = field(r, 'fix');
        // a fix given as a date goes on that date; any other fix on the response's date
        const fixDate = fix && isIsoDateTime(fix) ? { day: fix.slice(0, 10), at: fix } : d;
        if (fix && fixDate) push(fixDate, 'fix', `Fix claimed${id ? ` (${id})` : ''}: ${fix}`, r.id, { party, by, text: fix });
        break;
      }
      case 'retest': {
        const d = dateOf(r, 'date');
        if (!d) break;
        const result = field(r, 'result');
        const flows = refIds(r, 'flows');
        push(d, 'retest', `${id || 'Retest'} retest${result ? ` — ${RESULT_TEXT[result] ?? result}` : ''}${flows.length ? ` (${idRanges(flows)})` : ''}`, r.id, {
          result,
          flows,
          verifies: refIds(r, 'verifies'),
          build: field(r, 'build'),
          // what the retest saw, else its notes
          text: field(r, 'observed') ?? field(r, 'notes'),
        });
        break;
      }
      default:
        break;
    }
  }
  const fm = report.frontMatter?.fields;
  const date = fm?.get('date');
  const dv = date?.value ? toPlain(date.value) : undefined;
  const ds = typeof dv === 'string' ? dv.trim() : undefined;
  if (ds && isIsoDateTime(ds)) {
    const sv = fm?.get('status')?.value ? toPlain(fm.get('status')!.value) : undefined;
    const status = typeof sv === 'string' && sv.trim() ? sv.trim() : undefined;
    out.push({ date: ds.slice(0, 10), at: ds, kind: 'report', label: `Report date${status ? ` (${status})` : ''}`, groupable: false, detail: defined({ status }) });
  }
  out.sort((a, b) => compareStrings(a.date, b.date) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareStrings(a.at, b.at) || compareIds(a.recordId ?? '', b.recordId ?? '') || compareStrings(a.label, b.label));
  return out;
}

/** Same-day steps (and captures) as one event; others one each. */
function eventsOfDay(items: readonly Dated[]): string[] {
  const out: string[] = [];
  for (const kind of ['step', 'evidence'] as const) {
    const group = items.filter((i) => i.kind === kind && i.groupable);
    if (group.length === 1) out.push(group[0]!.label);
    else if (group.length > 1) {
      const ids = group.map((g) => g.recordId).filter((x): x is string => !!x);
      const anon = group.length - ids.length;
      const list = [idRanges(ids), anon ? `${anon} without id` : ''].filter(Boolean).join(', ');
      out.push(kind === 'step' ? `Steps ${list}` : `Evidence captured: ${list}`);
    }
  }
  for (const i of items) if (!i.groupable) out.push(i.label);
  return out;
}

function monthName(ym: string): string {
  return `${MONTHS[Number(ym.slice(5, 7)) - 1] ?? ym.slice(5, 7)} ${ym.slice(0, 4)}`;
}

/** The timeline diagram of a report (see the module comment). */
export function timelineDiagram(report: Report, options: TimelineOptions = {}): TimelineDiagram {
  const mask = options.mask;
  const all = collectTimeline(report);
  const items: TimelineItem[] = all.map((i) => ({
    date: i.date,
    // mask a wider window, then cut: a value that straddles the cut is masked whole
    label: (mask ? mask(i.label.slice(0, ITEM_CHARS + 256)) : i.label).slice(0, ITEM_CHARS),
    ...(i.recordId ? { recordId: i.recordId } : {}),
    kind: i.kind,
  }));
  const t = (s: string, max = EVENT_CHARS) => mermaidText(s, { max, mask });
  const fmId = report.frontMatter?.fields.get('id')?.value;
  const rid = fmId ? toPlain(fmId) : undefined;
  const lines = ['timeline', `  title ${t(`Timeline${typeof rid === 'string' || typeof rid === 'number' ? ` · ${rid}` : ''}`, 60)}`];

  const days = [...new Set(all.map((i) => i.date))];
  if (days.length === 0) {
    lines.push(`    ${t('no dated events')}`);
    return { text: lines.join('\n') + '\n', events: 0, items };
  }
  const months = [...new Set(days.map((d) => d.slice(0, 7)))];
  const granularity: 'day' | 'month' | 'year' = days.length <= MAX_PERIODS ? 'day' : months.length <= MAX_PERIODS ? 'month' : 'year';
  const periodOf = (day: string) => (granularity === 'day' ? day : granularity === 'month' ? day.slice(0, 7) : day.slice(0, 4));
  const sectionOf = (day: string) => (granularity === 'day' ? monthName(day.slice(0, 7)) : granularity === 'month' ? day.slice(0, 4) : undefined);
  const sectionCount = new Set(days.map(sectionOf)).size;

  let section: string | undefined;
  for (const period of [...new Set(days.map(periodOf))]) {
    const inPeriod = all.filter((i) => periodOf(i.date) === period);
    const sec = sectionOf(inPeriod[0]!.date);
    if (sec !== undefined && sectionCount > 1 && sec !== section) {
      lines.push(`  section ${t(sec, 30)}`);
      section = sec;
    }
    const events: string[] = [];
    for (const day of [...new Set(inPeriod.map((i) => i.date))]) {
      const prefix = granularity === 'day' ? '' : granularity === 'month' ? `${day.slice(8)} · ` : `${day.slice(5)} · `;
      for (const e of eventsOfDay(inPeriod.filter((i) => i.date === day))) events.push(prefix + e);
    }
    const shown = events.length > MAX_EVENTS_PER_PERIOD ? [...events.slice(0, MAX_EVENTS_PER_PERIOD - 1), `+${events.length - MAX_EVENTS_PER_PERIOD + 1} more events`] : events;
    // a period is our own date text (digits and hyphens); events are escaped
    lines.push(`    ${period} : ${shown.map((e) => t(e)).join(' : ')}`);
  }
  return { text: lines.join('\n') + '\n', events: items.length, items };
}
