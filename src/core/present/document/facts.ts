/**
 * What every part of the export document reads: its input, the facts of the
 * report's front matter (masked), the document's own element ids, and the
 * small text helpers of its HTML.
 */
import type { LintResult } from '../../lint/linter';
import { toPlain, writtenText } from '../../report/model';
import { ENUMS } from '../../report/schema';
import { fieldText, plainText } from '../plain';
import { escapeHtml, safeIdPart, visibleText } from '../render/escape';
import type { RenderedReport } from '../render/html';
import type { Paper } from './paper';

export interface ExportDocumentInput {
  result: LintResult;
  /** `renderReport(result, { mode: 'export', … })` of the same result. */
  rendered: RenderedReport;
  /** The report's redaction (`Redactor.mask`). */
  mask: (s: string) => string;
  /** The same, over strings read as one line (`Redactor.maskSegments`): the running header and footer. */
  maskSegments?: (segments: string[]) => string[];
  /** Style sheets, in order: media/report.css, media/export.css, then trusted extra CSS. */
  css: { report: string; export: string; extra?: string };
  paper: Paper;
  /**
   * Running header and footer as CSS page-margin boxes (Chromium 131 and
   * newer: the cover page gets none). When false, the caller prints with
   * `headerTemplate`/`footerTemplate` instead (on every page).
   */
  marginBoxes: boolean;
  /** When the document was made (the appendix says when hashes were checked). */
  exportedAt: Date;
  /** The report's file name (shown in the appendix), already free of secrets. */
  sourceName?: string;
  /** e.g. `Privacy Audit 0.1.0`. */
  generator?: string;
  /** What prints the PDF, for its Producer: e.g. `Chromium 156 / Skia`. */
  printer?: string;
}

/**
 * The document's own element ids. A heading's id is a slug (letters, digits,
 * `-`, `_`) and a record's starts with `rec-`: the dot keeps these apart, so a
 * heading named "pa-diagrams" cannot take the contents' links.
 */
export const OWN_ID = { toc: 'pa.toc-title', appendix: 'pa.evidence-appendix', diagrams: 'pa.diagrams' } as const;

/** Masked, escaped, control characters and bidi overrides made visible as spaces. */
export function esc(mask: (s: string) => string, s: string): string {
  return escapeHtml(visibleText(mask(s)));
}

/** White space runs as one space, trimmed, cut to `max` characters with `…`. */
export function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** `2024-05-01 09:30 UTC`. */
export function utcStamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A record's id as a link to its element in the rendered report, or as text when the report has none (masked, escaped). */
export function recordIdHtml(input: ExportDocumentInput, id: string): string {
  const anchor = `rec-${safeIdPart(input.mask(id))}`;
  const e = esc(input.mask, id);
  return input.rendered.html.includes(` id="${anchor}"`) ? `<a class="rec-id" href="#${anchor}">${e}</a>` : `<span class="rec-id">${e}</span>`;
}

export interface Facts {
  id: string;
  title: string;
  status: string;
  statusKnown: boolean;
  classification: string;
  classificationClass: string;
  date: string;
  subject: string;
  auditors: { name: string; org: string }[];
}

export function factsOf(input: ExportDocumentInput): Facts {
  const { result, rendered, mask } = input;
  const fm = result.report.frontMatter;
  const get = (k: string) => fieldText(fm?.fields.get(k));
  const written = (k: string) => (writtenText(result.report.text, fm?.fields.get(k)) ?? get(k)).trim();
  const status = get('status');
  const classification = get('classification');
  const auditorsValue = toPlain(fm?.fields.get('auditors')?.value);
  const list = Array.isArray(auditorsValue) ? auditorsValue : auditorsValue === null || auditorsValue === undefined ? [] : [auditorsValue];
  const auditors = list.map((a) => {
    if (a && typeof a === 'object' && !Array.isArray(a)) {
      const o = a as Record<string, unknown>;
      return { name: mask(plainText(o.name).trim()) || 'Unnamed auditor', org: mask(plainText(o.org).trim()) };
    }
    return { name: mask(plainText(a).trim()), org: '' };
  });
  return {
    id: mask(written('id')),
    title: visibleText(rendered.title),
    status: mask(status),
    statusKnown: (ENUMS.status as readonly string[]).includes(status),
    classification: mask(classification),
    classificationClass: (ENUMS.classification as readonly string[]).includes(classification) ? classification : 'unknown',
    date: mask(written('date')),
    subject: mask(get('subject')),
    auditors: auditors.filter((a) => a.name !== ''),
  };
}
