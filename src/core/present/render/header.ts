/** The report's title, and the header block made from its front matter: facts, auditors, key figures and the front matter's problems. */
import { toPlain, type AuditRecord } from '../../report/model';
import { ENUMS } from '../../report/schema';
import { fieldText, plainText } from '../plain';
import { hashVerdict, recordedHash } from '../../lint/verdict';
import { badge, problemsHtml, text, type RenderContext } from './context';
import { escapeHtml, visibleText } from './escape';
import { urlHtml } from './record-parts';

/** The report's title as plain text (masked): front matter `title`, else the first level-1 heading, else the first heading, else the id, else `Audit report`. */
export function titleOf(ctx: RenderContext, node: Parameters<typeof toPlain>[0]): string {
  return visibleText(titleText(ctx, node));
}

function titleText(ctx: RenderContext, node: Parameters<typeof toPlain>[0]): string {
  const v = toPlain(node);
  if (v !== null && v !== undefined && typeof v !== 'object' && String(v).trim() !== '') return ctx.mask(String(v).trim());
  const h1 = ctx.headings.find((h) => h.level === 1) ?? ctx.headings[0];
  if (h1 && h1.text) return h1.text;
  const id = toPlain(ctx.report.frontMatter?.fields.get('id')?.value);
  return typeof id === 'string' && id.trim() ? ctx.mask(id.trim()) : 'Audit report';
}

function auditorsHtml(ctx: RenderContext, v: unknown): string {
  const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return list
    .map((a) => {
      if (a && typeof a === 'object' && !Array.isArray(a)) {
        const o = a as Record<string, unknown>;
        const name = plainText(o.name) || 'Unnamed auditor';
        const org = plainText(o.org).trim();
        const contact = plainText(o.contact).trim();
        const contactHtml = !contact ? '' : /^[^\s@:/]+@[^\s@/]+\.[^\s@/]+$/.test(contact) ? urlHtml(ctx, `mailto:${contact}`, contact) : urlHtml(ctx, contact);
        return `<li><span class="name">${text(ctx, name)}</span>${org ? ` <span class="org">${text(ctx, org)}</span>` : ''}${contactHtml ? ` <span class="contact">${contactHtml}</span>` : ''}</li>`;
      }
      return `<li><span class="name">${text(ctx, plainText(a))}</span></li>`;
    })
    .join('');
}

export function headerHtml(ctx: RenderContext, title: string): string {
  const fm = ctx.report.frontMatter!;
  const get = (k: string) => toPlain(fm.fields.get(k)?.value);
  const str = (k: string) => fieldText(fm.fields.get(k));
  const id = str('id');
  const status = str('status');
  const classification = str('classification');
  const date = str('date');
  const subject = str('subject');
  const cls = (ENUMS.classification as readonly string[]).includes(classification) ? classification : 'unknown';

  const facts: string[] = [];
  if (id) facts.push(`<div class="fact"><dt>Report</dt><dd class="pa-mono">${text(ctx, id)}</dd></div>`);
  if (status) facts.push(`<div class="fact"><dt>Status</dt><dd>${badge(ctx, 'status', status, ENUMS.status)}</dd></div>`);
  if (date) facts.push(`<div class="fact"><dt>Date</dt><dd>${text(ctx, date)}</dd></div>`);
  const auditors = auditorsHtml(ctx, get('auditors'));
  if (auditors) facts.push(`<div class="fact fact-wide"><dt>Auditors</dt><dd><ul class="auditors">${auditors}</ul></dd></div>`);

  return (
    `<header class="report-header code-line" data-line="${ctx.report.lines.positionAt(fm.span.start).line}">` +
    (classification ? `<div class="classification classification-${cls}">${text(ctx, classification)}</div>` : '') +
    `<div class="report-kicker">Privacy audit report${id ? ` · <span class="pa-mono">${text(ctx, id)}</span>` : ''}</div>` +
    `<div class="report-title" role="heading" aria-level="1">${escapeHtml(title)}</div>` +
    (subject ? `<div class="report-subject">${text(ctx, subject)}</div>` : '') +
    `<dl class="report-facts">${facts.join('')}</dl>` +
    statsHtml(ctx) +
    problemsHtml(ctx, ctx.problems.header) +
    `</header>\n`
  );
}

/** Key figures: flows, findings by severity, evidence verified, responses. */
function statsHtml(ctx: RenderContext): string {
  const { report, result } = ctx;
  const of = (k: AuditRecord['kind']) => report.records.filter((r) => r.kind === k);
  const flows = of('flow');
  const findings = of('finding');
  const evidence = of('evidence');
  const responses = of('response');
  if (!flows.length && !findings.length && !evidence.length) return '';
  const sev = (r: AuditRecord) => fieldText(r.fields.get('severity'));
  const sevCounts = ENUMS.severity
    .map((s) => [s, findings.filter((r) => sev(r) === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `<span class="sev-count sev-${s}"><span class="n">${n}</span> ${s}</span>`)
    .join('');
  const files = evidence.filter((r) => r.fields.has('file'));
  const verified = files.filter((r) => hashVerdict(recordedHash(report.text, r), result.evidence.get(r)).state === 'verified').length;
  const destinations = new Set(flows.map((r) => plainText(toPlain(r.fields.get('to')?.value)))).size;
  const stat = (n: number | string, label: string, extra = '') => `<div class="stat"><div class="stat-n">${n}</div><div class="stat-label">${label}</div>${extra}</div>`;
  return (
    `<div class="report-stats">` +
    stat(flows.length, flows.length === 1 ? 'data flow' : 'data flows', `<div class="stat-extra">${destinations} destination${destinations === 1 ? '' : 's'}</div>`) +
    stat(findings.length, findings.length === 1 ? 'finding' : 'findings', sevCounts ? `<div class="stat-extra">${sevCounts}</div>` : '') +
    stat(evidence.length, 'evidence items', files.length ? `<div class="stat-extra"><span class="${verified === files.length ? 'hash-ok' : 'hash-bad'}">${verified === files.length ? '✓' : '✗'} ${verified} of ${files.length} files verified</span></div>` : '') +
    stat(responses.length, responses.length === 1 ? 'response' : 'responses') +
    `</div>`
  );
}
