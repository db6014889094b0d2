/**
 * The printed page: paper sizes and margins, the page CSS, and the running
 * header and footer (CSS page-margin boxes on Chromium 131 and newer, where
 * the cover page gets none; Chromium's header/footer templates before).
 */
import { escapeHtml } from '../render/escape';
import { oneLine, type ExportDocumentInput, type Facts } from './facts';

export { PAPERS, PAPER_SIZE, type Paper } from './paper';
import { PAPER_SIZE } from './paper';

/** Page margins in millimetres (top, right, bottom, left); the header and footer sit in the top and bottom ones. */
export const PAGE_MARGIN = { top: 19, right: 16, bottom: 18, left: 16 } as const;

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

const CLASSIFICATION_COLOUR: Record<string, string> = { public: '#1a7f37', internal: '#b5470b', confidential: '#c5221f', unknown: '#5b6570' };

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

export function pageCss(input: ExportDocumentInput, f: Facts, draft: boolean): string {
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
export function templates(input: ExportDocumentInput, f: Facts, draft: boolean): { header: string; footer: string } {
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
