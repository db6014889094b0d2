/**
 * The exported document around the rendered report: a cover page, a table
 * of contents, the report itself (the preview's HTML, unchanged), an
 * evidence appendix with the hash check made at export time, a DRAFT
 * watermark unless the report is final, and the running header and footer
 * of the PDF (CSS page-margin boxes, or Chromium's header/footer templates
 * for browsers older than 131).
 *
 * Pure string code: no DOM, no file access. Every report string is masked
 * with the report's redaction and escaped for where it goes (HTML text, a
 * CSS string in a margin box, or a header template). The document holds no
 * script and its Content-Security-Policy allows none, nor any load other
 * than `data:` images and fonts.
 */
import type { EvidenceStatus } from '../lint/evidence';
import type { LintResult } from '../lint/linter';
import { scalarText, toPlain, writtenText, type AuditRecord } from '../report/model';
import { escapeAttr, escapeHtml, safeIdPart, visibleText } from './render/escape';
import type { RenderedReport } from './render/html';
import { ENUMS } from '../report/schema';
import { fieldList, idRanges } from './diagram/util';
import { fieldText, plainText } from './plain';
import { hashVerdict, type HashVerdict } from './verdict';

export type Paper = 'a4' | 'letter';
export const PAPERS: readonly Paper[] = ['a4', 'letter'];

/** Page width and height in millimetres. */
export const PAPER_SIZE: Record<Paper, { w: number; h: number; css: string; label: string }> = {
  a4: { w: 210, h: 297, css: 'A4', label: 'A4' },
  letter: { w: 215.9, h: 279.4, css: 'letter', label: 'US Letter' },
};

/** Page margins in millimetres (top, right, bottom, left); the header and footer sit in the top and bottom ones. */
export const PAGE_MARGIN = { top: 19, right: 16, bottom: 18, left: 16 } as const;

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

/** The PDF's document information: plain text, masked as the document is. */
export interface DocumentInfo {
  title: string;
  /** The auditors, `Name (Org)`, separated by `; `. */
  author: string;
  subject: string;
  /** The report id, devices, data categories (display names) and `privacy audit`, separated by `; `. */
  keywords: string;
  creator: string;
  producer: string;
  /** When the document was made (`exportedAt`). */
  date: Date;
}

export interface ExportDocument {
  /** A complete, self-contained HTML document: inline CSS and SVG, no script. */
  html: string;
  /** Plain text (masked). */
  title: string;
  /** For `page.pdf({ displayHeaderFooter })` when `marginBoxes` is false; escaped HTML. */
  headerTemplate: string;
  footerTemplate: string;
  /** The entries of the table of contents, in order (each has a page-number slot, filled by the printer). */
  toc: { level: number; text: string; id: string; records?: string }[];
  /** For the PDF's Info dictionary. */
  info: DocumentInfo;
  /** Evidence records listed in the appendix, and how many files matched their recorded hash. */
  evidence: { records: number; files: number; verified: number };
  draft: boolean;
}

// ------------------------------------------------------------------ helpers

/**
 * The document's own element ids. A heading's id is a slug (letters, digits,
 * `-`, `_`) and a record's starts with `rec-`: the dot keeps these apart, so a
 * heading named "pa-diagrams" cannot take the contents' links.
 */
export const OWN_ID = { toc: 'pa.toc-title', appendix: 'pa.evidence-appendix', diagrams: 'pa.diagrams' } as const;

/** Masked, escaped, control characters and bidi overrides made visible as spaces. */
function esc(mask: (s: string) => string, s: string): string {
  return escapeHtml(visibleText(mask(s)));
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * A CSS string literal that can hold any text: every character other than
 * letters, digits, space and a few punctuation marks is written as a CSS
 * escape, so nothing can end the string, the rule or the style element.
 */
export function cssString(s: string): string {
  let out = '"';
  for (const ch of s.replace(/[\u0000-\u001f\u007f]/g, ' ')) {
    if (/[A-Za-z0-9 .,:;_+()/-]/.test(ch)) out += ch;
    else out += `\\${ch.codePointAt(0)!.toString(16)} `;
  }
  return `${out}"`;
}

/** `</style` inside a style sheet would end the element: written with a CSS escape instead. */
function styleText(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\2f $1').replace(/<!--/g, '<\\21--');
}

interface Facts {
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

function factsOf(input: ExportDocumentInput): Facts {
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

const CLASSIFICATION_COLOUR: Record<string, string> = { public: '#1a7f37', internal: '#b5470b', confidential: '#c5221f', unknown: '#5b6570' };

function utcStamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

// ------------------------------------------------------------------ cover

/** The element that starts at `start` in generated HTML, up to its matching end tag (undefined when it is not closed). */
export function elementAt(html: string, start: number): string | undefined {
  const tag = /^<([a-z0-9]+)/.exec(html.slice(start, start + 20))?.[1];
  if (!tag) return undefined;
  const re = new RegExp(`<${tag}[\\s>]|</${tag}>`, 'g');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  return undefined;
}

/** The report header's key figures (flows, findings, evidence, responses), as the renderer drew them, for the cover. */
function keyFigures(rendered: RenderedReport): string {
  const header = rendered.html.indexOf('<header class="report-header');
  if (header < 0) return '';
  const at = rendered.html.indexOf('<div class="report-stats">', header);
  const end = rendered.html.indexOf('</header>', header);
  if (at < 0 || at > end) return '';
  return elementAt(rendered.html, at) ?? '';
}

function coverHtml(f: Facts, input: ExportDocumentInput, draft: boolean): string {
  const e = (s: string) => escapeHtml(s);
  const band = (where: string) =>
    f.classification ? `<div class="pa-cover-band pa-cover-band-${where} classification-${f.classificationClass}">${e(oneLine(f.classification, 60))}</div>` : '';
  const fact = (label: string, value: string, cls = '') => `<div class="pa-cover-fact${cls ? ` ${cls}` : ''}"><dt>${label}</dt><dd>${value}</dd></div>`;
  const facts: string[] = [];
  if (f.id) facts.push(fact('Report', `<span class="pa-mono">${e(f.id)}</span>`));
  if (f.status) facts.push(fact('Status', `<span class="badge status status-${f.statusKnown ? escapeAttr(f.status) : 'unknown'}">${e(oneLine(f.status, 40))}</span>`));
  if (f.date) facts.push(fact('Date', e(f.date)));
  if (f.classification) facts.push(fact('Classification', `<span class="pa-cover-class classification-${f.classificationClass}">${e(oneLine(f.classification, 40))}</span>`));
  const auditors = f.auditors.length
    ? fact(f.auditors.length === 1 ? 'Auditor' : 'Auditors', `<ul class="pa-cover-auditors">${f.auditors.map((a) => `<li><span class="name">${e(a.name)}</span>${a.org ? `<span class="org">${e(a.org)}</span>` : ''}</li>`).join('')}</ul>`, 'pa-cover-fact-wide')
    : '';
  const errors = input.rendered.errors;
  const figures = keyFigures(input.rendered);
  const notes: string[] = [];
  if (draft) notes.push(`<p class="pa-cover-note pa-cover-draft"><strong>Draft.</strong> This report is not final${f.status ? ` (status: ${e(oneLine(f.status, 40))})` : ''}; its findings may still change.</p>`);
  if (errors > 0) notes.push(`<p class="pa-cover-note pa-cover-errors"><strong>${errors} lint error${errors === 1 ? '' : 's'}.</strong> Each is marked where it occurs in the report.</p>`);
  return (
    `<section class="pa-report pa-cover" aria-label="Cover">` +
    band('top') +
    `<div class="pa-cover-hero">` +
    `<div class="pa-cover-kicker">Privacy audit report${f.id ? ` <span class="pa-cover-id">${e(oneLine(f.id, 60))}</span>` : ''}</div>` +
    `<div class="pa-cover-title${f.title.length > 140 ? ' pa-cover-title-long' : ''}" role="heading" aria-level="1">${e(f.title)}</div>` +
    (f.subject ? `<div class="pa-cover-subject">${e(f.subject)}</div>` : '') +
    `</div>` +
    `<div class="pa-cover-body">` +
    `<dl class="pa-cover-facts">${facts.join('')}${auditors}</dl>` +
    (figures ? `<div class="pa-cover-figures"><div class="pa-cover-label">Key figures</div>${figures}</div>` : '') +
    notes.join('') +
    `<div class="pa-cover-foot"><span>${e(input.generator ?? 'Privacy Audit')}</span><span>Exported ${e(utcStamp(input.exportedAt))}</span></div>` +
    `</div>` +
    band('bottom') +
    `</section>\n`
  );
}

// ------------------------------------------------------------------ contents

interface TocEntry {
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
function tocEntries(headings: readonly TocEntry[]): { entries: TocEntry[]; base: number } {
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
function withRecords(input: ExportDocumentInput): TocEntry[] {
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

function tocHtml(entries: readonly TocEntry[], findings: string): string {
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
function findingsOverview(input: ExportDocumentInput): string {
  const { result, mask, rendered } = input;
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
    const anchor = r.id ? `rec-${safeIdPart(mask(r.id))}` : '';
    const id = r.id ? (rendered.html.includes(` id="${anchor}"`) ? `<a class="rec-id" href="#${anchor}">${e(r.id)}</a>` : `<span class="rec-id">${e(r.id)}</span>`) : '';
    return (
      `<tr><td class="pa-f-sev"><span class="badge sev sev-${known ? sev : 'unknown'}">${e(oneLine(sev || 'no severity', 20))}</span></td>` +
      `<td class="pa-f-id">${id}</td><td class="pa-f-title">${e(oneLine(get(r, 'title') || '(no title)', 200))}</td>` +
      `<td class="pa-f-status">${status ? `<span class="badge fstatus fstatus-${statusKnown ? status : 'unknown'}">${e(oneLine(status, 20))}</span>` : ''}</td></tr>`
    );
  });
  const more = findings.length > MAX_FINDINGS_LISTED ? `<p class="pa-toc-more">and ${findings.length - MAX_FINDINGS_LISTED} more in the report.</p>` : '';
  return `<div class="pa-toc-findings"><div class="pa-toc-sub">Findings by severity</div><table class="pa-findings-table"><tbody>${rows.join('')}</tbody></table>${more}</div>`;
}

// ------------------------------------------------------------------ PDF document information

const MAX_KEYWORDS = 40;

/** Title, author, subject and keywords for the PDF, from the facts (already masked) and the report's devices and data categories (masked here). */
function documentInfo(input: ExportDocumentInput, f: Facts): DocumentInfo {
  const { result, mask } = input;
  const line = (s: string, max = 300) => oneLine(visibleText(s), max);
  const generator = line(input.generator ?? 'Privacy Audit', 120);
  const keywords: string[] = [];
  const seen = new Set<string>();
  const add = (s: string) => {
    const k = line(mask(s), 120);
    if (k && !seen.has(k.toLowerCase()) && keywords.length < MAX_KEYWORDS) seen.add(k.toLowerCase()), keywords.push(k);
  };
  if (f.id) add(f.id);
  const field = (r: AuditRecord, k: string) => fieldText(r.fields.get(k));
  for (const r of result.report.records) {
    if (r.kind !== 'device') continue;
    const product = [field(r, 'vendor'), field(r, 'model')].filter(Boolean).join(' ');
    add(product || field(r, 'name'));
  }
  for (const r of result.report.records) {
    if (r.kind === 'flow') for (const name of fieldList(r, 'data')) add(result.taxonomy.displayName(name));
  }
  add('privacy audit');
  return {
    title: line(f.title, 1000),
    author: f.auditors.map((a) => (a.org ? `${line(a.name)} (${line(a.org)})` : line(a.name))).join('; '),
    subject: f.subject ? line(f.subject, 1000) : f.id ? `Privacy audit report ${line(f.id)}` : 'Privacy audit report',
    keywords: keywords.join('; '),
    creator: generator,
    producer: input.printer ? `${generator} (${line(input.printer, 120)})` : generator,
    date: input.exportedAt,
  };
}

// ------------------------------------------------------------------ evidence appendix

interface HashCheck {
  cls: 'ok' | 'bad' | 'none' | 'na';
  label: string;
  /** The hash the file has now, when it differs from (or stands in for) the recorded one. */
  actual?: string;
  detail?: string;
}

/** What the appendix says for each verdict. */
const CHECK_OF: Record<HashVerdict['state'], Pick<HashCheck, 'cls' | 'label'>> = {
  verified: { cls: 'ok', label: 'Verified' },
  differs: { cls: 'bad', label: 'Does not match' },
  unrecorded: { cls: 'none', label: 'No hash recorded' },
  unchecked: { cls: 'na', label: 'Not checked' },
  missing: { cls: 'bad', label: 'File missing' },
  'not-a-file': { cls: 'bad', label: 'Not a file' },
  refused: { cls: 'bad', label: 'Path refused' },
  unreadable: { cls: 'bad', label: 'Not readable' },
};

function hashCheck(recorded: string | undefined, hasFile: boolean, st: EvidenceStatus | undefined): HashCheck {
  if (!hasFile) return { cls: 'na', label: 'No file (web source)' };
  const v = hashVerdict(recorded, st);
  return {
    ...CHECK_OF[v.state],
    ...(v.state === 'differs' || v.state === 'unrecorded' ? { actual: v.actual } : {}),
    ...(v.state === 'refused' ? { detail: v.reason } : {}),
  };
}

function appendixHtml(input: ExportDocumentInput, level: number, f: Facts): { html: string; records: number; files: number; verified: number } {
  const { result, mask, rendered } = input;
  const { report } = result;
  const e = (s: string) => esc(mask, s);
  const records = report.records.filter((r) => r.kind === 'evidence');
  let files = 0;
  let verified = 0;
  const rows = records.map((r: AuditRecord) => {
    const field = (k: string) => writtenText(report.text, r.fields.get(k))?.trim() ?? fieldText(r.fields.get(k));
    const id = r.id ?? '';
    const file = scalarText(r.fields.get('file'))?.trim() ?? '';
    const url = scalarText(r.fields.get('url'))?.trim() ?? '';
    const recorded = field('sha256') || undefined;
    const check = hashCheck(recorded, file !== '', result.evidence.get(r));
    if (file) files++;
    if (check.cls === 'ok') verified++;
    const anchor = id ? `rec-${safeIdPart(mask(id))}` : '';
    const idHtml = id ? (anchor && rendered.html.includes(` id="${anchor}"`) ? `<a class="rec-id" href="#${anchor}">${e(id)}</a>` : `<span class="rec-id">${e(id)}</span>`) : `<span class="rec-id rec-id-missing">no id</span>`;
    const kind = field('kind');
    const source = file
      ? `<span class="pa-path">${e(file)}</span>`
      : url
        ? `<span class="pa-url">${e(url)}</span>`
        : `<span class="pa-unknown">none</span>`;
    const sha = recorded ? `<code class="pa-sha">${e(recorded)}</code>` : `<span class="pa-unknown">none recorded</span>`;
    const mark = check.cls === 'ok' ? '✓ ' : check.cls === 'bad' ? '✗ ' : '';
    const extra = [
      check.actual ? `<div class="pa-ev-line"><span class="pa-ev-k">file now</span><code class="pa-sha">${escapeHtml(check.actual)}</code></div>` : '',
      check.detail ? `<div class="pa-ev-line pa-ev-detail">${e(check.detail)}</div>` : '',
    ].join('');
    return (
      `<tbody class="pa-ev pa-ev-${check.cls}">` +
      `<tr><td class="pa-ev-id">${idHtml}${kind ? `<div class="pa-ev-kind">${e(oneLine(kind, 24))}</div>` : ''}</td>` +
      `<td class="pa-ev-src">${source}</td>` +
      `<td class="pa-ev-date">${e(field('captured')) || '<span class="pa-unknown">—</span>'}</td>` +
      `<td class="pa-ev-tool">${e(field('tool')) || '<span class="pa-unknown">—</span>'}</td>` +
      `<td class="pa-ev-check"><span class="pa-check pa-check-${check.cls}">${mark}${check.label}</span></td></tr>` +
      (file || recorded || extra ? `<tr class="pa-ev-hash"><td></td><td colspan="4"><div class="pa-ev-line"><span class="pa-ev-k">sha256</span>${sha}</div>${extra}</td></tr>` : '') +
      `</tbody>`
    );
  });
  const h = `h${Math.min(Math.max(level, 1), 6)}`;
  const summary = files
    ? `${verified} of ${files} evidence file${files === 1 ? '' : 's'} ${verified === files ? (files === 1 ? 'matches its' : 'match their') : 'matched the'} recorded sha256.`
    : 'No evidence record names a file.';
  const intro =
    `<p class="pa-appendix-intro">Every evidence record of the report. The files were hashed again (SHA-256) when this document was exported, ` +
    `${escapeHtml(utcStamp(input.exportedAt))}, and compared with the hash recorded in the report: ${summary}</p>`;
  const table = records.length
    ? `<table class="pa-evidence-table"><thead><tr><th>ID</th><th>File or source</th><th>Captured</th><th>Tool</th><th>Hash at export</th></tr></thead>${rows.join('')}</table>`
    : `<p class="pa-unknown">This report has no evidence records.</p>`;
  const about: string[] = [];
  if (f.id) about.push(`<div><dt>Report</dt><dd class="pa-mono">${escapeHtml(f.id)}</dd></div>`);
  if (input.sourceName) about.push(`<div><dt>Source file</dt><dd class="pa-mono">${e(input.sourceName)}</dd></div>`);
  about.push(`<div><dt>Exported</dt><dd>${escapeHtml(utcStamp(input.exportedAt))}</dd></div>`);
  about.push(`<div><dt>Lint</dt><dd>${lintSummary(result)}</dd></div>`);
  if (input.generator) about.push(`<div><dt>Produced with</dt><dd>${escapeHtml(input.generator)}</dd></div>`);
  return {
    html:
      `<section class="pa-report pa-appendix" aria-labelledby="${OWN_ID.appendix}">` +
      `<${h} id="${OWN_ID.appendix}" class="pa-appendix-title">Evidence appendix</${h}>${intro}${table}` +
      `<dl class="pa-export-facts">${about.join('')}</dl>` +
      `</section>\n`,
    records: records.length,
    files,
    verified,
  };
}

function lintSummary(result: LintResult): string {
  const n = (s: string) => result.diagnostics.filter((d) => d.severity === s).length;
  const parts = [['error', n('error')], ['warning', n('warning')], ['note', n('info')]] as const;
  const shown = parts.filter(([, c]) => c > 0).map(([w, c]) => `${c} ${w}${c === 1 ? '' : 's'}`);
  return shown.length ? `${shown.join(', ')} at export` : 'no problems at export';
}

// ------------------------------------------------------------------ page CSS, header and footer

/**
 * The running header (id, classification, status and date) and footer
 * (title, classification) as a reader reads them: each row masked as one
 * line, since a value may be split between two of its boxes.
 */
function runningText(input: ExportDocumentInput, f: Facts, draft: boolean): { top: [string, string, string]; bottom: [string, string] } {
  const cls = f.classification ? oneLine(f.classification, 40).toUpperCase() : '';
  const right = [f.statusKnown ? f.status[0]!.toUpperCase() + f.status.slice(1) : draft ? 'Draft' : '', f.date].filter(Boolean).join(' · ');
  const joint = input.maskSegments ?? ((segs: string[]) => segs);
  const top = joint([oneLine(f.id, 48), ' ', cls, ' ', oneLine(right, 48)]);
  const bottom = joint([oneLine(f.title, 56), ' ', cls]);
  return { top: [top[0]!, top[2]!, top[4]!], bottom: [bottom[0]!, bottom[2]!] };
}

function pageCss(input: ExportDocumentInput, f: Facts, draft: boolean): string {
  const paper = PAPER_SIZE[input.paper];
  const m = PAGE_MARGIN;
  const colour = CLASSIFICATION_COLOUR[f.classificationClass]!;
  const run = runningText(input, f, draft);
  const cls = (s: string) => (s ? cssString(s) : '""');
  const box = 'font-family: "Liberation Sans", Arial, "Helvetica Neue", Helvetica, sans-serif; font-size: 7.5pt; color: #59636e;';
  const vars = `:root { --pa-page-w: ${paper.w}mm; --pa-page-h: ${paper.h}mm; --pa-margin-top: ${m.top}mm; --pa-margin-bottom: ${m.bottom}mm; --pa-margin-x: ${m.left}mm; }`;
  const page = `@page { size: ${paper.css}; margin: ${m.top}mm ${m.right}mm ${m.bottom}mm ${m.left}mm; }`;
  if (!input.marginBoxes) return `${vars}\n${page}\n`;
  return (
    `${vars}\n` +
    `@page {\n  size: ${paper.css};\n  margin: ${m.top}mm ${m.right}mm ${m.bottom}mm ${m.left}mm;\n` +
    `  @top-left { content: ${cssString(run.top[0])}; ${box} vertical-align: bottom; padding-bottom: 4mm; }\n` +
    `  @top-center { content: ${cls(run.top[1])}; ${box} color: ${colour}; font-weight: 700; letter-spacing: 0.12em; vertical-align: bottom; padding-bottom: 4mm; }\n` +
    `  @top-right { content: ${cssString(run.top[2])}; ${box} vertical-align: bottom; padding-bottom: 4mm; }\n` +
    `  @bottom-left { content: ${cssString(run.bottom[0])}; ${box} vertical-align: top; padding-top: 4mm; }\n` +
    `  @bottom-center { content: ${cls(run.bottom[1])}; ${box} color: ${colour}; font-weight: 700; letter-spacing: 0.12em; vertical-align: top; padding-top: 4mm; }\n` +
    `  @bottom-right { content: "Page " counter(page) " of " counter(pages); ${box} vertical-align: top; padding-top: 4mm; }\n` +
    `}\n` +
    `@page :first {\n  margin: 0;\n  @top-left { content: none; } @top-center { content: none; } @top-right { content: none; }\n  @bottom-left { content: none; } @bottom-center { content: none; } @bottom-right { content: none; }\n}\n`
  );
}

/** Chromium's header/footer templates (older browsers): the same three slots, escaped HTML with inline styles only. */
function templates(input: ExportDocumentInput, f: Facts, draft: boolean): { header: string; footer: string } {
  const colour = CLASSIFICATION_COLOUR[f.classificationClass]!;
  const e = (s: string) => escapeHtml(s);
  const run = runningText(input, f, draft);
  const row = (a: string, b: string, c: string) =>
    `<div style="width:100%;box-sizing:border-box;padding:0 ${PAGE_MARGIN.left}mm;display:flex;justify-content:space-between;align-items:center;` +
    `font-family:'Liberation Sans',Arial,Helvetica,sans-serif;font-size:7.5pt;color:#59636e;-webkit-print-color-adjust:exact">` +
    `<span style="flex:1 1 0;text-align:left">${a}</span><span style="flex:0 0 auto;color:${colour};font-weight:700;letter-spacing:0.12em">${b}</span><span style="flex:1 1 0;text-align:right">${c}</span></div>`;
  return {
    header: row(e(run.top[0]), e(run.top[1]), e(run.top[2])),
    footer: row(e(run.bottom[0]), e(run.bottom[1]), 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>'),
  };
}

// ------------------------------------------------------------------ the document

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'";

/** Builds the complete export document. */
export function exportDocument(input: ExportDocumentInput): ExportDocument {
  const f = factsOf(input);
  const draft = f.status.toLowerCase() !== 'final' || !f.statusKnown;
  const { entries, base } = tocEntries(withRecords(input));
  // the "Diagrams" section (a report without flow or response blocks) gets an anchor for the contents
  let body = input.rendered.html;
  const diagramsTitle = '<h2 class="diagrams-title">';
  const toc: TocEntry[] = [];
  if (body.includes(diagramsTitle)) {
    body = body.replace(diagramsTitle, `<h2 class="diagrams-title" id="${OWN_ID.diagrams}">`);
    toc.push({ level: 1, text: 'Diagrams', id: OWN_ID.diagrams });
  }
  toc.push(...entries);
  const appendix = appendixHtml(input, base, f);
  const evidenceIds = input.result.report.records.filter((r) => r.kind === 'evidence' && r.id).map((r) => input.mask(r.id!));
  toc.push({ level: 1, text: 'Evidence appendix', id: OWN_ID.appendix, ...(evidenceIds.length ? { records: idRanges(evidenceIds) } : {}) });
  const t = templates(input, f, draft);
  const bodyClass = ['pa-export', `pa-paper-${input.paper}`, input.marginBoxes ? 'pa-margin-boxes' : 'pa-header-templates', draft ? 'pa-draft' : 'pa-final'].join(' ');
  const html =
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n` +
    `<meta name="referrer" content="no-referrer">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    (input.generator ? `<meta name="generator" content="${escapeAttr(input.generator)}">\n` : '') +
    `<title>${escapeHtml(f.title)}</title>\n` +
    `<style>\n${styleText(input.css.report)}\n</style>\n` +
    `<style>\n${styleText(input.css.export)}\n</style>\n` +
    `<style>\n${styleText(pageCss(input, f, draft))}</style>\n` +
    (input.css.extra ? `<style>\n${styleText(input.css.extra)}\n</style>\n` : '') +
    `</head>\n<body class="${bodyClass}">\n` +
    (draft ? `<div class="pa-watermark" aria-hidden="true">DRAFT</div>\n` : '') +
    coverHtml(f, input, draft) +
    tocHtml(toc, findingsOverview(input)) +
    body +
    appendix.html +
    `</body>\n</html>\n`;
  return {
    html,
    title: f.title,
    headerTemplate: t.header,
    footerTemplate: t.footer,
    toc,
    info: documentInfo(input, f),
    evidence: { records: appendix.records, files: appendix.files, verified: appendix.verified },
    draft,
  };
}
