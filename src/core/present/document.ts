/**
 * The exported document around the rendered report: a cover page, a table
 * of contents, the report itself (the preview's HTML, unchanged), an
 * evidence appendix with the hash check made at export time, a DRAFT
 * watermark unless the report is final, and the running header and footer
 * of the PDF (CSS page-margin boxes, or Chromium's header/footer templates
 * for browsers older than 131).
 *
 * The parts are in document/: facts.ts (the input and the front matter's
 * facts), cover.ts, contents.ts, appendix.ts, page.ts (paper, margins, page
 * CSS, running header and footer) and info.ts (the PDF's document
 * information); this module puts them together.
 *
 * Pure string code: no DOM, no file access. Every report string is masked
 * with the report's redaction and escaped for where it goes (HTML text, a
 * CSS string in a margin box, or a header template). The document holds no
 * script and its Content-Security-Policy allows none, nor any load other
 * than `data:` images and fonts.
 */
import { idRanges } from './diagram/util';
import { escapeAttr, escapeHtml } from './render/escape';
import { appendixHtml } from './document/appendix';
import { findingsOverview, tocEntries, tocHtml, withRecords, type TocEntry } from './document/contents';
import { coverHtml } from './document/cover';
import { factsOf, OWN_ID, type ExportDocumentInput } from './document/facts';
import { documentInfo, type DocumentInfo } from './document/info';
import { pageCss, templates } from './document/page';

export { elementAt } from './document/cover';
export { OWN_ID, type ExportDocumentInput } from './document/facts';
export type { DocumentInfo } from './document/info';
export { cssString, PAGE_MARGIN, PAPER_SIZE, PAPERS, type Paper } from './document/page';

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

/** `</style` inside a style sheet would end the element: written with a CSS escape instead. */
function styleText(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\2f $1').replace(/<!--/g, '<\\21--');
}

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
