/**
 * The timeline of a report as an HTML fragment for reading (the preview, the
 * structured editor's side pane, the HTML/PDF export), styled by
 * media/timeline.css. The mermaid `timeline` text (timeline.ts) stays for the
 * `diagram` command; both take their events from `collectTimeline`.
 *
 * Layout: an ordered list of days (the date once), each an ordered list of
 * events in the order of `collectTimeline`. An event shows its time when the
 * date has one, its lane (the analyst's steps, captures and retests; the
 * party of a statement: vendor, regulator, media, auditor, other), its kind
 * and record id, the verdict or result as a badge, and its whole text (it
 * wraps). Same-day steps, and same-day captures, are one event with a list
 * of their records. Lanes are classes (`tl-party-vendor`), never colours.
 * Only tags and attributes the report renderer already writes (no `<time>`),
 * so the fragment passes the renderer's checks where it is embedded.
 *
 * Safety: every report string is masked first, then control characters and
 * bidi overrides become spaces, then it is escaped (`escapeHtml`,
 * `escapeAttr`). No `style` attributes, scripts or handlers.
 *
 * Size: at most `maxEvents` events are written (then "+N more events"); a
 * text longer than `TEXT_CHARS` is cut at a word, with the text in a `title`
 * (up to `TITLE_CHARS`); the work is linear in the events written, after one
 * sort of all of them.
 */
import type { Report } from '../../report/model';
import { ENUMS } from '../../report/schema';
import { escapeAttr, escapeHtml, visibleText } from '../render/escape';
import { collectTimeline, type TimelineEvent, type TimelineOptions } from './timeline';
import { idRanges, plural } from './util';

export interface TimelineHtmlOptions extends TimelineOptions {
  /** At most this many events are written (default `DEFAULT_MAX_TIMELINE_EVENTS`). */
  maxEvents?: number;
}

export interface TimelineHtml {
  /** The fragment: one element with class `pa-timeline`. */
  html: string;
  /** Number of dated events in the report (written or not). */
  events: number;
  /** Number of events written (fewer than `events` when the report has more than `maxEvents`). */
  shown: number;
}

export const DEFAULT_MAX_TIMELINE_EVENTS = 400;
/** Longer texts are shortened (the whole text goes to the `title`). */
const TEXT_CHARS = 480;
/** A `title` keeps at most this much of a text. */
const TITLE_CHARS = 4000;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const PARTY_LABEL: Record<string, string> = { vendor: 'Vendor', regulator: 'Regulator', media: 'Media', auditor: 'Auditor', other: 'Other' };
const KIND_LABEL: Record<TimelineEvent['kind'], string> = {
  step: 'Test step',
  evidence: 'Evidence captured',
  response: 'Statement',
  fix: 'Fix claimed',
  retest: 'Retest',
  report: 'Report date',
};
const GROUP_LABEL = { step: 'Test steps', evidence: 'Evidence captured' } as const;
const RESULT_LABEL: Record<string, string> = { fixed: 'fixed', 'not-fixed': 'not fixed', 'partially-fixed': 'partially fixed', inconclusive: 'inconclusive' };
const TIME = /^.{10}[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

type Esc = (s: string) => string;

/** `6 August 2014` for `2014-08-06`. */
function longDate(day: string): string {
  return `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1] ?? day.slice(5, 7)} ${day.slice(0, 4)}`;
}

/** `09:30 UTC`, `09:30:15 +02:00` from a date-time as written; undefined for a day. */
function timeText(at: string): string | undefined {
  const m = TIME.exec(at);
  if (!m) return undefined;
  const secs = m[3] !== undefined && (m[3] !== '00' || m[4]) ? `:${m[3]}${m[4] ?? ''}` : '';
  const zone = m[5] === undefined ? '' : m[5] === 'Z' ? ' UTC' : ` ${m[5]}`;
  return `${m[1]}:${m[2]}${secs}${zone}`;
}

/** The lane of an event: the analyst's own work, the report, or the party of a statement. */
function lane(e: TimelineEvent): { cls: string; label: string | undefined } {
  if (e.kind === 'step' || e.kind === 'evidence' || e.kind === 'retest') return { cls: 'analyst', label: 'Analyst' };
  if (e.kind === 'report') return { cls: 'report', label: 'Report' };
  const p = e.detail.party;
  if (p !== undefined && (ENUMS.party as readonly string[]).includes(p)) return { cls: p, label: PARTY_LABEL[p] ?? p };
  // a party the schema does not know is shown as written (masked, escaped by the caller)
  return { cls: 'unknown', label: p };
}

/** A text that wraps; a very long one is cut at a word and keeps the text in its title. */
function longText(mask: (s: string) => string, s: string, cls: string, tag = 'p'): string {
  const full = visibleText(mask(s));
  if (full.length <= TEXT_CHARS) return `<${tag} class="${cls}">${escapeHtml(full)}</${tag}>`;
  const cut = full.slice(0, TEXT_CHARS);
  const at = cut.lastIndexOf(' ');
  const short = `${(at > TEXT_CHARS * 0.6 ? cut.slice(0, at) : cut).trimEnd()}…`;
  const title = full.length > TITLE_CHARS ? `${full.slice(0, TITLE_CHARS)}…` : full;
  return `<${tag} class="${cls} tl-text-cut" title="${escapeAttr(title)}">${escapeHtml(short)}</${tag}>`;
}

function timeHtml(esc: Esc, mask: (s: string) => string, at: string): string {
  const t = timeText(at);
  if (t === undefined) return '';
  // the time as written goes to the title; the text is the reading form
  return `<span class="tl-time" title="${escapeAttr(visibleText(mask(at)))}">${esc(t)}</span>`;
}

function badge(esc: Esc, group: 'verdict' | 'result' | 'status', value: string, known: readonly string[], label: string): string {
  const cls = known.includes(value) ? value : 'unknown';
  return `<span class="tl-outcome"><span class="tl-outcome-label">${group}</span> <span class="tl-badge tl-${group}-${cls}">${esc(label)}</span></span>`;
}

function outcome(esc: Esc, e: TimelineEvent): string {
  const d = e.detail;
  if (e.kind === 'response' && d.verdict) return badge(esc, 'verdict', d.verdict, ENUMS.verdict, d.verdict);
  if (e.kind === 'retest' && d.result) return badge(esc, 'result', d.result, ENUMS.result, RESULT_LABEL[d.result] ?? d.result);
  if (e.kind === 'report' && d.status) return badge(esc, 'status', d.status, ENUMS.status, d.status);
  return '';
}

/** Secondary facts of an event: who and where, the device, the build and flows. */
function facts(e: TimelineEvent): string[] {
  const d = e.detail;
  if (e.kind === 'response' || e.kind === 'fix') return [d.by, e.kind === 'response' ? d.channel : undefined].filter((x): x is string => !!x);
  if (e.kind === 'step' && d.device) return [`on ${d.device}`];
  if (e.kind === 'evidence' && d.evidenceKind) return [d.evidenceKind];
  if (e.kind === 'retest') {
    return [d.build && `build ${d.build}`, d.verifies?.length ? `verifies ${idRanges(d.verifies)}` : undefined, d.flows?.length ? `flows ${idRanges(d.flows)}` : undefined].filter((x): x is string => !!x);
  }
  return [];
}

function head(esc: Esc, laneLabel: string | undefined, kind: string, id: string | undefined, time: string, badgeHtml: string): string {
  return (
    `<div class="tl-head">` +
    `<span class="tl-party">${laneLabel === undefined ? 'Party not given' : esc(laneLabel)}</span>` +
    `<span class="tl-kind">${escapeHtml(kind)}</span>` +
    (id ? `<span class="tl-id">${esc(id)}</span>` : '') +
    time +
    badgeHtml +
    `</div>`
  );
}

function recordAttr(mask: (s: string) => string, id: string | undefined): string {
  return id === undefined ? '' : ` data-record="${escapeAttr(mask(id))}"`;
}

/** One event (not grouped). */
function eventHtml(esc: Esc, mask: (s: string) => string, e: TimelineEvent): string {
  const l = lane(e);
  const f = facts(e);
  const body =
    (f.length ? `<p class="tl-facts">${f.map((x) => `<span>${esc(x)}</span>`).join('')}</p>` : '') +
    (e.detail.text !== undefined ? longText(mask, e.detail.text, 'tl-text') : '');
  return (
    `<li class="tl-event tl-kind-${e.kind} tl-party-${l.cls}"${recordAttr(mask, e.recordId)}>` +
    head(esc, l.label, KIND_LABEL[e.kind], e.recordId, timeHtml(esc, mask, e.at), outcome(esc, e)) +
    body +
    `</li>`
  );
}

/** Same-day steps (or captures) as one event with a list of their records. */
function groupHtml(esc: Esc, mask: (s: string) => string, kind: 'step' | 'evidence', group: readonly TimelineEvent[]): string {
  const ids = group.map((g) => g.recordId).filter((x): x is string => !!x);
  const items = group.map((e) => {
    const f = facts(e);
    return (
      `<li class="tl-sub"${recordAttr(mask, e.recordId)}>` +
      `<span class="tl-sub-head">${e.recordId ? `<span class="tl-id">${esc(e.recordId)}</span>` : ''}${timeHtml(esc, mask, e.at)}` +
      (f.length ? `<span class="tl-facts">${f.map((x) => `<span>${esc(x)}</span>`).join('')}</span>` : '') +
      `</span>` +
      (e.detail.text !== undefined ? longText(mask, e.detail.text, 'tl-text', 'span') : '') +
      `</li>`
    );
  });
  return (
    `<li class="tl-event tl-group tl-kind-${kind} tl-party-analyst">` +
    head(esc, 'Analyst', `${GROUP_LABEL[kind]} (${group.length})`, ids.length ? idRanges(ids) : undefined, '', '') +
    `<ol class="tl-subs">${items.join('')}</ol>` +
    `</li>`
  );
}

function dayHtml(esc: Esc, mask: (s: string) => string, day: string, events: readonly TimelineEvent[]): string {
  const masked = mask(day);
  const steps = events.filter((e) => e.kind === 'step' && e.groupable);
  const captures = events.filter((e) => e.kind === 'evidence' && e.groupable);
  const parts: string[] = [];
  let stepsDone = false;
  let capturesDone = false;
  for (const e of events) {
    if (e.kind === 'step' && e.groupable && steps.length > 1) {
      if (!stepsDone) parts.push(groupHtml(esc, mask, 'step', steps));
      stepsDone = true;
    } else if (e.kind === 'evidence' && e.groupable && captures.length > 1) {
      if (!capturesDone) parts.push(groupHtml(esc, mask, 'evidence', captures));
      capturesDone = true;
    } else parts.push(eventHtml(esc, mask, e));
  }
  // a mask that hides the date shows the masked text, not a date made from it
  const label = masked === day ? longDate(day) : masked;
  return (
    `<li class="tl-day">` +
    `<p class="tl-date"><span class="tl-date-long">${esc(label)}</span><span class="tl-date-sub">${masked === day ? `<span class="tl-iso">${esc(day)}</span> · ` : ''}${plural(events.length, 'event')}</span></p>` +
    `<ol class="tl-events">${parts.join('')}</ol>` +
    `</li>`
  );
}

/** The timeline of a report as HTML (see the module comment). */
export function timelineHtml(report: Report, options: TimelineHtmlOptions = {}): TimelineHtml {
  const mask = options.mask ?? ((s: string) => s);
  const max = Math.max(1, Math.floor(options.maxEvents ?? DEFAULT_MAX_TIMELINE_EVENTS));
  const esc: Esc = (s) => escapeHtml(visibleText(mask(s)));
  const all = collectTimeline(report);
  if (all.length === 0) {
    return { html: `<div class="pa-timeline pa-timeline-empty"><p class="tl-summary">No dated events.</p></div>`, events: 0, shown: 0 };
  }
  const shown = all.slice(0, max);
  const first = all[0]!.date;
  const last = all[all.length - 1]!.date;
  const range = (d: string) => {
    const m = mask(d);
    return esc(m === d ? longDate(d) : m);
  };
  const summary = `${plural(all.length, 'dated event')}${first === last ? `, on ${range(first)}` : `, from ${range(first)} to ${range(last)}`}`;

  const days: string[] = [];
  let i = 0;
  while (i < shown.length) {
    let j = i;
    while (j < shown.length && shown[j]!.date === shown[i]!.date) j++;
    days.push(dayHtml(esc, mask, shown[i]!.date, shown.slice(i, j)));
    i = j;
  }
  const rest = all.length - shown.length;
  const more = rest
    ? `<p class="tl-more">+${plural(rest, 'more event')} not shown, up to ${range(last)}: the timeline shows the first ${shown.length} of ${all.length}; every event is in its record.</p>`
    : '';
  const html =
    `<div class="pa-timeline">` +
    `<p class="tl-summary">${summary}</p>` +
    `<ol class="tl-days" aria-label="Timeline of events by date">${days.join('')}</ol>` +
    more +
    `</div>`;
  return { html, events: all.length, shown: shown.length };
}
