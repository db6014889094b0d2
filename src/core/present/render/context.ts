/**
 * State shared by the parts of one render: masking and escaping, record
 * anchors, where each diagnostic is shown, and helpers that every part uses
 * (reference links, badges, problem boxes).
 */
import type { LintResult } from '../../lint/linter';
import type { AuditRecord, RecordBlock, Report } from '../../report/model';
import type { Diagnostic } from '../../report/types';
import { escapeAttr, escapeHtml, visibleText } from './escape';
import type { ImageView } from './image-view';

export interface RenderHeading {
  level: number;
  text: string;
  id: string;
}

export interface ProblemSlots {
  header: Diagnostic[];
  byRecord: Map<AuditRecord, Diagnostic[]>;
  byBlock: Map<RecordBlock, Diagnostic[]>;
  /** Diagnostics in prose, by the index of the top-level Markdown block that holds their line. */
  byGroup: Map<number, Diagnostic[]>;
  /** Diagnostics that belong nowhere else (shown in the "Report problems" box). */
  top: Diagnostic[];
}

/** The state of one render (see the module comment); every part of the renderer takes it. */
export interface RenderContext {
  result: LintResult;
  report: Report;
  mode: 'preview' | 'export';
  mask: (s: string) => string;
  /** The element id of each record (`rec-F1`; `rec-F1-1` for a duplicate). */
  anchorOf: Map<AuditRecord, string>;
  /** The element id of the record that an id names (its first definition). */
  anchorById: Map<string, string>;
  /** Every element id handed out (records, headings). */
  usedIds: Set<string>;
  problems: ProblemSlots;
  /** Diagnostics already written to the output. */
  shown: Set<Diagnostic>;
  /** Record blocks by the 0-based line of their opening fence. */
  blocksByLine: Map<number, RecordBlock>;
  headings: RenderHeading[];
  /** Ids that exist outside the rendered text (RenderOptions.knownIds). */
  knownIds: ReadonlySet<string>;
  /** The report's images as the host loaded them (RenderOptions.images). */
  images?: ReadonlyMap<string, ImageView>;
}

/**
 * Masks, then escapes: the one way report text reaches the output. Control
 * characters and bidi overrides become spaces: an override would show
 * digits in another order than the one they are matched in (and spoof text).
 */
export function text(ctx: RenderContext, s: string): string {
  return escapeHtml(visibleText(ctx.mask(s)));
}

/** Masks, then escapes for a double-quoted attribute value. */
export function attr(ctx: RenderContext, s: string): string {
  return escapeAttr(ctx.mask(s));
}

/** 0-based line of an offset. */
export function lineOf(report: Report, offset: number): number {
  return report.lines.positionAt(offset).line;
}

/** A link to a record, as in reference lists: `E2 · frame=112`; plain text when the id names no record. */
export function refLink(ctx: RenderContext, id: string, locator: string | undefined, cls = 'ref'): string {
  const label = text(ctx, locator ? `${id} · ${locator}` : id);
  const anchor = ctx.anchorById.get(id);
  if (anchor === undefined && ctx.knownIds.has(id)) return `<span class="${cls}" data-record="${attr(ctx, id)}" data-ref="${attr(ctx, id)}">${label}</span>`;
  if (anchor === undefined) {
    return `<span class="${cls} ${cls}-missing" data-ref="${attr(ctx, id)}" title="${attr(ctx, `No record ${id} in this report`)}">${label}</span>`;
  }
  return `<a class="${cls}" href="#${escapeAttr(anchor)}" data-ref="${attr(ctx, id)}">${label}</a>`;
}

/** Inline Markdown-style code spans of a diagnostic message as `<code>`, everything else escaped. */
function messageHtml(ctx: RenderContext, message: string): string {
  return text(ctx, message).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** One diagnostic as a problem box; marks it as shown. */
export function problemHtml(ctx: RenderContext, d: Diagnostic): string {
  ctx.shown.add(d);
  return (
    `<div class="problem problem-${d.severity}" data-line="${d.range.start.line}" data-rule="${escapeAttr(d.rule)}" role="note">` +
    `<span class="problem-rule">${escapeHtml(d.rule)}</span> — <span class="problem-message">${messageHtml(ctx, d.message)}</span>` +
    `<span class="problem-where">${escapeHtml(d.severity)} · line ${d.range.start.line + 1}</span></div>`
  );
}

export function problemsHtml(ctx: RenderContext, list: readonly Diagnostic[] | undefined): string {
  if (!list || list.length === 0) return '';
  return `<div class="problems">${list.map((d) => problemHtml(ctx, d)).join('')}</div>`;
}

/** A badge for an enumerated value; the class is derived from the value only when it is one of `known`. */
export function badge(ctx: RenderContext, group: string, value: string, known: readonly string[], label?: string): string {
  const cls = known.includes(value) ? value : 'unknown';
  return `<span class="badge ${group} ${group}-${cls}">${text(ctx, label ?? value)}</span>`;
}
