/** The cover page: the report's title and facts, its key figures as the renderer drew them, and notes on a draft and on lint errors. */
import { escapeAttr, escapeHtml } from '../render/escape';
import type { RenderedReport } from '../render/html';
import { oneLine, utcStamp, type ExportDocumentInput, type Facts } from './facts';

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

export function coverHtml(f: Facts, input: ExportDocumentInput, draft: boolean): string {
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
