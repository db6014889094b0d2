/**
 * The table of contents: the report's headings (two levels) with the records
 * of each section and an empty slot for its page number, which the printer
 * fills once it knows the page; then the findings by severity.
 */
import type { AuditRecord } from '../../report/model';
import { ENUMS } from '../../report/schema';
import { idRanges } from '../diagram/util';
import { fieldText } from '../plain';
import { escapeAttr, escapeHtml } from '../render/escape';
import { esc, oneLine, OWN_ID, recordIdHtml, type ExportDocumentInput } from './facts';

export interface TocEntry {
  level: number;
  text: string;
  id: string;
  /** The records of the section, e.g. `F1–F4 · E1–E13`. */
  records?: string;
}

/**
 * The headings worth listing: a lone top-level heading at the start (the
 * report's own title) is left out and its sections move up; two levels.
 */
export function tocEntries(headings: readonly TocEntry[]): { entries: TocEntry[]; base: number } {
  const list = headings.filter((h) => h.text.trim() !== '');
  if (!list.length) return { entries: [], base: 2 };
  let min = Math.min(...list.map((h) => h.level));
  let rest = list;
  if (list.filter((h) => h.level === min).length === 1 && list[0]!.level === min && list.length > 1) {
    rest = list.slice(1);
    min = Math.min(...rest.map((h) => h.level));
  }
  return { entries: rest.filter((h) => h.level <= min + 1).map((h) => ({ ...h, level: h.level - min + 1 })), base: min };
}

const KIND_ORDER = ['device', 'step', 'flow', 'evidence', 'response', 'retest', 'finding'] as const;

/** The rendered headings with the ids of the records in each one's section (headings matched to the parsed ones by order). */
export function withRecords(input: ExportDocumentInput): TocEntry[] {
  const { report } = input.result;
  const rendered = input.rendered.headings;
  if (rendered.length !== report.headings.length) return rendered.map((h) => ({ ...h }));
  return rendered.map((h, i) => {
    const from = report.headings[i]!.line;
    const next = report.headings.slice(i + 1).find((x) => x.level <= h.level);
    const to = next ? next.line : Infinity;
    const ids = new Map<string, string[]>();
    for (const b of report.blocks) {
      if (b.openLine < from || b.openLine >= to) continue;
      for (const r of b.records) if (r.id) ids.set(r.kind, [...(ids.get(r.kind) ?? []), input.mask(r.id)]);
    }
    const records = KIND_ORDER.filter((k) => ids.has(k)).map((k) => idRanges(ids.get(k)!)).join(' · ');
    return { ...h, ...(records ? { records } : {}) };
  });
}

export function tocHtml(entries: readonly TocEntry[], findings: string): string {
  let html = '';
  let depth = 0;
  let open = false;
  for (const t of entries) {
    const level = Math.min(t.level, 2);
    if (level > depth) {
      html += `<ol class="pa-toc-l${level}">`.repeat(level - depth);
      depth = level;
      open = false;
    } else {
      if (open) html += '</li>';
      while (depth > level) {
        html += '</ol></li>';
        depth--;
      }
    }
    const records = t.records ? `<span class="pa-toc-records">${escapeHtml(oneLine(t.records, 80))}</span>` : '';
    // the page number's slot: empty here, its width reserved (export.css), filled by the printer once it knows the page
    html += `<li><a href="#${escapeAttr(t.id)}"><span class="pa-toc-text">${escapeHtml(t.text)}</span>${records}<span class="pa-toc-page"></span></a>`;
    open = true;
  }
  if (open) html += '</li>';
  while (depth > 0) {
    html += depth > 1 ? '</ol></li>' : '</ol>';
    depth--;
  }
  return `<nav class="pa-report pa-toc" aria-labelledby="${OWN_ID.toc}"><h1 class="pa-toc-title" id="${OWN_ID.toc}">Contents</h1>${html}${findings}</nav>\n`;
}

const MAX_FINDINGS_LISTED = 15;

/** The findings by severity, one line each, for the contents page. */
export function findingsOverview(input: ExportDocumentInput): string {
  const { result, mask } = input;
  const e = (s: string) => esc(mask, s);
  const sevs: readonly string[] = ENUMS.severity;
  const get = (r: AuditRecord, k: string) => fieldText(r.fields.get(k));
  const rank = (r: AuditRecord) => {
    const i = sevs.indexOf(get(r, 'severity'));
    return i < 0 ? sevs.length : i;
  };
  const findings = result.report.records.filter((r) => r.kind === 'finding').sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  if (!findings.length) return '';
  const rows = findings.slice(0, MAX_FINDINGS_LISTED).map((r) => {
    const sev = get(r, 'severity');
    const known = sevs.includes(sev);
    const status = get(r, 'status');
    const statusKnown = (ENUMS.findingStatus as readonly string[]).includes(status);
    const id = r.id ? recordIdHtml(input, r.id) : '';
    return (
      `<tr><td class="pa-f-sev"><span class="badge sev sev-${known ? sev : 'unknown'}">${e(oneLine(sev || 'no severity', 20))}</span></td>` +
      `<td class="pa-f-id">${id}</td><td class="pa-f-title">${e(oneLine(get(r, 'title') || '(no title)', 200))}</td>` +
      `<td class="pa-f-status">${status ? `<span class="badge fstatus fstatus-${statusKnown ? status : 'unknown'}">${e(oneLine(status, 20))}</span>` : ''}</td></tr>`
    );
  });
  const more = findings.length > MAX_FINDINGS_LISTED ? `<p class="pa-toc-more">and ${findings.length - MAX_FINDINGS_LISTED} more in the report.</p>` : '';
  return `<div class="pa-toc-findings"><div class="pa-toc-sub">Findings by severity</div><table class="pa-findings-table"><tbody>${rows.join('')}</tbody></table>${more}</div>`;
}
