/**
 * The evidence appendix: every evidence record with its file or source and
 * the hash check made at export time, then the facts of the export (report,
 * source file, time, lint, generator).
 */
import type { EvidenceStatus } from '../../lint/evidence';
import type { LintResult } from '../../lint/linter';
import { scalarText, writtenText, type AuditRecord } from '../../report/model';
import { fieldText } from '../plain';
import { capturesHtml } from './captures';
import { escapeHtml } from '../render/escape';
import { hashVerdict, type HashVerdict } from '../../lint/verdict';
import { esc, oneLine, OWN_ID, recordIdHtml, utcStamp, type ExportDocumentInput, type Facts } from './facts';

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

export function appendixHtml(input: ExportDocumentInput, level: number, f: Facts): { html: string; records: number; files: number; verified: number } {
  const { result, mask } = input;
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
    const idHtml = id ? recordIdHtml(input, id) : `<span class="rec-id rec-id-missing">no id</span>`;
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
      `<${h} id="${OWN_ID.appendix}" class="pa-appendix-title">Evidence appendix</${h}>${intro}${table}${capturesHtml(input)}` +
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
