/**
 * A retest's comparison with the first run (lint/retest-compare.ts) as HTML,
 * under the retest's card in the preview and the export: per host and data
 * category, stopped, still sent or newly sent, with the entries or frames
 * that show it, and the result the captures suggest. Every string passes
 * through the render's masking and escaping.
 */
import { compareRetest, type CompareRow, type RetestComparison } from '../../lint/retest-compare';
import type { AuditRecord } from '../../report/model';
import { refLink, text, type RenderContext } from './context';

const STATUS_LABEL: Record<CompareRow['status'], string> = { stopped: 'stopped', still: 'still sent', new: 'newly sent' };

/** `partially-fixed` → `partially fixed`, as the retest card writes results. */
const resultLabel = (r: string): string => r.replace(/-/g, ' ');

const idList = (ids: readonly string[]): string => (ids.length ? ids.join(', ') : 'none');

/** Rows shown (then a line says how many more), addresses named per host, entries or frames named per cell. */
const MAX_ROWS = 200;
const MAX_ADDRESSES = 3;
const MAX_SITES = 8;

/** The comparison under a retest; empty when the retest cites no capture that could be read. */
export function retestComparisonHtml(ctx: RenderContext, r: AuditRecord): string {
  const cmp = compareRetest(ctx.result, r);
  const unreadAfter = new Set(cmp.unread.filter((u) => u.side === 'after').map((u) => u.id));
  if (!cmp.afterIds.some((id) => !unreadAfter.has(id))) return '';
  const caption = `Before (${idList(cmp.beforeIds)}) → after (${idList(cmp.afterIds)})`;
  const table = cmp.rows.length
    ? `<table class="compare"><caption>${text(ctx, caption)}</caption>` +
      '<thead><tr><th>Host</th><th>Data</th><th>Change</th><th>Before</th><th>After</th></tr></thead>' +
      `<tbody>${bodyRows(ctx, cmp.rows.slice(0, MAX_ROWS))}</tbody></table>` +
      (cmp.rows.length > MAX_ROWS ? `<p class="compare-note">${text(ctx, `And ${cmp.rows.length - MAX_ROWS} more hosts and categories (privacy-audit scan lists every one).`)}</p>` : '')
    : `<p class="compare-caption">${text(ctx, caption)}</p><p class="compare-none">${text(ctx, 'Neither side shows a declared value sent.')}</p>`;
  return `<div class="retest-compare">${table}${notes(ctx, cmp)}</div>`;
}

/** One row per host and category; the host cell spans its categories. */
function bodyRows(ctx: RenderContext, rows: readonly CompareRow[]): string {
  let html = '';
  rows.forEach((row, i) => {
    const first = i === 0 || rows[i - 1]!.host !== row.host;
    let span = 1;
    while (first && rows[i + span]?.host === row.host) span++;
    const addresses = row.addresses.filter((a) => a !== row.host);
    const where = [
      row.domain !== undefined && row.domain !== row.host ? row.domain : undefined,
      row.country,
      ...addresses.slice(0, MAX_ADDRESSES),
      addresses.length > MAX_ADDRESSES ? `${addresses.length - MAX_ADDRESSES} more addresses` : undefined,
    ].filter((s): s is string => !!s);
    const host = first
      ? `<td class="compare-host"${span > 1 ? ` rowspan="${span}"` : ''}>${text(ctx, row.host)}${where.length ? `<span class="compare-where">${text(ctx, where.join(' · '))}</span>` : ''}</td>`
      : '';
    html +=
      `<tr class="compare-row-${row.status}">${host}` +
      `<td class="compare-data">${text(ctx, row.category)}</td>` +
      `<td><span class="compare-status compare-${row.status}">${STATUS_LABEL[row.status]}</span></td>` +
      `<td class="compare-sites">${sites(ctx, row.before)}</td>` +
      `<td class="compare-sites">${sites(ctx, row.after)}</td></tr>`;
  });
  return html;
}

/** The entries or frames, as links to the evidence (the first few, then how many more). */
function sites(ctx: RenderContext, list: CompareRow['before']): string {
  if (!list.length) return '—';
  const shown = list.slice(0, MAX_SITES).map((s) => refLink(ctx, s.id, s.locator));
  return shown.join(', ') + (list.length > MAX_SITES ? text(ctx, ` and ${list.length - MAX_SITES} more`) : '');
}

/** What could not be compared, and the result the captures suggest. */
function notes(ctx: RenderContext, cmp: RetestComparison): string {
  const lines: string[] = [];
  for (const u of cmp.unread) {
    lines.push(`${u.id} (${u.side === 'before' ? "a flow's capture" : "the retest's capture"}) could not be read: ${u.reason}.`);
  }
  for (const h of cmp.hidden) {
    const what = [h.undecrypted ? `${h.undecrypted} TLS stream${h.undecrypted === 1 ? '' : 's'} without keys` : '', h.quic ? `${h.quic} QUIC connection${h.quic === 1 ? '' : 's'}` : '']
      .filter(Boolean)
      .join(' and ');
    lines.push(`${h.id} holds ${what}: a value may have gone there unseen, so nothing is said to have stopped.`);
  }
  const written = cmp.written ? resultLabel(cmp.written) : undefined;
  let suggested: string;
  if (cmp.suggested) {
    const s = resultLabel(cmp.suggested);
    suggested = `Suggested result from the captures: ${s} (${written === undefined ? 'no result written' : written === s ? 'as written' : `written: ${written}`}).`;
  } else if (cmp.unread.length) suggested = 'No result is suggested: the comparison is incomplete.';
  else if (cmp.hidden.length && cmp.rows.some((r) => r.status === 'stopped')) suggested = 'No result is suggested: what stopped may be in the traffic the scan could not read.';
  // complete, nothing hidden, and still no suggestion: the first run shows nothing (each row it shows is stopped or still)
  else suggested = "No result is suggested: the captures of the retest's flows show nothing to compare with.";
  return (
    lines.map((l) => `<p class="compare-note">${text(ctx, l)}</p>`).join('') +
    `<p class="compare-suggested${cmp.suggested && written !== undefined && resultLabel(cmp.suggested) !== written ? ' compare-disagrees' : ''}">${text(ctx, suggested)}</p>`
  );
}
