/**
 * Steps, flows and evidence as tables: one `<tbody>` per record, so a
 * record's problems sit inside its element, with a detail row for its notes.
 */
import { listItems, type AuditRecord } from '../../report/model';
import { parseFrom } from '../../report/refs';
import { ENUMS } from '../../report/schema';
import { hashVerdict, recordedHash } from '../../lint/verdict';
import { attr, badge, problemsHtml, refLink, text, type RenderContext } from './context';
import { escapeHtml } from './escape';
import { flowEvidenceHtml } from './exhibits';
import { dateText, extraFields, field, idBadge, nodeText, para, recordAttrs, refList, urlHtml } from './record-parts';

interface Column {
  head: string;
  cls: string;
  cell: (r: AuditRecord) => string;
}

/** `wide`: a row across every column after the detail row (a flow's claim check and exhibits), kept in view when the table scrolls sideways. */
function table(ctx: RenderContext, kind: string, records: readonly AuditRecord[], cols: readonly Column[], detail: (r: AuditRecord) => string, wide?: (r: AuditRecord) => string): string {
  const head = `<thead><tr>${cols.map((c) => `<th class="${c.cls}">${c.head}</th>`).join('')}</tr></thead>`;
  const bodies = records.map((r) => {
    const row = `<tr class="record-row">${cols.map((c) => `<td class="${c.cls}">${c.cell(r)}</td>`).join('')}</tr>`;
    const more = detail(r);
    const moreRow = more ? `<tr class="detail-row"><td class="col-id"></td><td colspan="${cols.length - 1}">${more}</td></tr>` : '';
    const across = wide?.(r);
    const wideRow = across ? `<tr class="wide-row"><td colspan="${cols.length}">${across}</td></tr>` : '';
    const probs = ctx.problems.byRecord.get(r);
    const probRow = probs?.length ? `<tr class="problem-row"><td colspan="${cols.length}">${problemsHtml(ctx, probs)}</td></tr>` : '';
    return `<tbody ${recordAttrs(ctx, r, `record record-${kind}`)}>${row}${moreRow}${wideRow}${probRow}</tbody>`;
  });
  return `<div class="table-wrap"><table class="record-table ${kind}-table">${head}${bodies.join('')}</table></div>`;
}

const idCol = (ctx: RenderContext, head: string): Column => ({ head, cls: 'col-id', cell: (r) => idBadge(ctx, r) });

export function steps(ctx: RenderContext, records: readonly AuditRecord[]): string {
  // the device column only says something when the report has several devices
  const devices = ctx.report.records.filter((r) => r.kind === 'device').length;
  return table(
    ctx,
    'step',
    records,
    [
      { ...idCol(ctx, 'Step'), cell: (r) => idBadge(ctx, r) + (devices > 1 && r.fields.has('device') ? `<div class="pa-sub">on ${refList(ctx, r.fields.get('device'))}</div>` : '') },
      { head: 'Date', cls: 'col-date', cell: (r) => text(ctx, dateText(field(r, 'date')) ?? '—') },
      { head: 'Action', cls: 'col-text', cell: (r) => para(ctx, field(r, 'action')) },
      { head: 'Expected', cls: 'col-text', cell: (r) => para(ctx, field(r, 'expected')) },
      { head: 'Observed', cls: 'col-text', cell: (r) => para(ctx, field(r, 'observed')) },
      { head: 'Evidence', cls: 'col-refs', cell: (r) => refList(ctx, r.fields.get('evidence')) },
    ],
    (r) => para(ctx, field(r, 'notes'), 'pa-notes') + extraFields(ctx, r, []),
  );
}

function chips(ctx: RenderContext, r: AuditRecord): string {
  return listItems(r.fields.get('data'))
    .map((n) => nodeText(n).trim())
    .filter((s) => s !== '')
    .map((s) => {
      const cat = ctx.result.taxonomy.lookup(s);
      const sens = cat?.sensitivity ?? 'unknown';
      // the taxonomy's label (one name per category everywhere); the title says how the report writes it
      const title = cat ? `${cat.sensitivity} sensitivity${cat.label !== s ? ` · written “${s}”` : ''}` : 'Unknown data category';
      return `<span class="chip sens-${sens}" title="${attr(ctx, title)}">${text(ctx, cat ? cat.label : s)}</span>`;
    })
    .join(' ');
}

/** `from:` of a flow: `D1` and `D1/component` link to the device; free text stays text. */
function fromHtml(ctx: RenderContext, s: string | undefined): string {
  if (s === undefined) return '<span class="pa-unknown">?</span>';
  const from = parseFrom(s);
  if (from.kind === 'text') return text(ctx, s);
  const rest = s.slice(from.device.length);
  return `${refLink(ctx, from.device, undefined)}${rest ? text(ctx, rest) : ''}`;
}

export function flows(ctx: RenderContext, records: readonly AuditRecord[]): string {
  const endpoint = (r: AuditRecord): string => {
    const parts: string[] = [];
    const country = field(r, 'country');
    if (country) parts.push(`<span class="country" title="Country of the endpoint">${text(ctx, country)}</span>`);
    const addr = listItems(r.fields.get('address')).map(nodeText).filter(Boolean).join(', ');
    const port = listItems(r.fields.get('port')).map(nodeText).filter(Boolean).join(', ');
    if (addr) parts.push(`<span class="pa-mono">${text(ctx, addr)}</span>`);
    if (port) parts.push(`port ${text(ctx, port)}`);
    const proto = field(r, 'protocol');
    if (proto) parts.push(text(ctx, proto));
    return parts.length ? `<div class="endpoint">${parts.join(' · ')}</div>` : '';
  };
  return table(
    ctx,
    'flow',
    records,
    [
      idCol(ctx, 'Flow'),
      {
        head: 'From → to',
        cls: 'col-route',
        cell: (r) => `<div class="route"><span class="from">${fromHtml(ctx, field(r, 'from'))}</span> <span class="arrow">→</span> <span class="host">${text(ctx, field(r, 'to') ?? '?')}</span></div>${endpoint(r)}`,
      },
      { head: 'Data sent', cls: 'col-data', cell: (r) => chips(ctx, r) },
      { head: 'Encryption', cls: 'col-badge', cell: (r) => (field(r, 'encryption') ? badge(ctx, 'enc', field(r, 'encryption')!, ENUMS.encryption) : '—') },
      { head: 'Consent', cls: 'col-badge', cell: (r) => (field(r, 'consent') ? badge(ctx, 'consent', field(r, 'consent')!, ENUMS.consent) : '—') },
      {
        head: 'Step',
        cls: 'col-step',
        cell: (r) => (r.fields.has('step') ? refList(ctx, r.fields.get('step')) : '—') + (field(r, 'first-seen') ? `<div class="pa-sub" title="first seen">${text(ctx, dateText(field(r, 'first-seen'))!)}</div>` : ''),
      },
      { head: 'Evidence', cls: 'col-refs', cell: (r) => refList(ctx, r.fields.get('evidence')) },
    ],
    (r) => para(ctx, field(r, 'description')) + para(ctx, field(r, 'notes'), 'pa-notes') + extraFields(ctx, r, []),
    (r) => flowEvidenceHtml(ctx, r),
  );
}

/** The hash cell of an evidence record: ✓ verified, ✗ with the reason, or why there is nothing to check. */
function hashStatus(ctx: RenderContext, r: AuditRecord): string {
  const bad = (reason: string) => `<span class="hash hash-bad" title="${attr(ctx, reason)}"><span class="mark">✗</span> <span class="hash-reason">${text(ctx, reason)}</span></span>`;
  if (field(r, 'file') === undefined) {
    return field(r, 'url') ? '<span class="hash hash-na">web source</span>' : '<span class="hash hash-na">—</span>';
  }
  const v = hashVerdict(recordedHash(ctx.report.text, r), ctx.result.evidence.get(r));
  switch (v.state) {
    case 'unchecked':
      return '<span class="hash hash-unchecked" title="The file was not checked (no report path given)">not checked</span>';
    case 'unrecorded':
      return '<span class="hash hash-none" title="Record the file\'s sha256 to make it verifiable">no hash recorded</span>';
    case 'verified':
      return '<span class="hash hash-ok" title="The file matches its recorded sha256"><span class="mark">✓</span> verified</span>';
    case 'differs':
      return bad(`changed since the hash was recorded (now ${v.actual.slice(0, 12)}…)`);
    case 'missing':
      return bad('file not found');
    case 'not-a-file':
      return bad('not a file');
    case 'refused':
      return bad(`refused: ${v.reason.replace(/`/g, '')}`);
    case 'unreadable':
      return bad(`unreadable: ${v.message}`);
  }
}

export function evidence(ctx: RenderContext, records: readonly AuditRecord[]): string {
  return table(
    ctx,
    'evidence',
    records,
    [
      idCol(ctx, 'Evidence'),
      {
        head: 'Source',
        cls: 'col-source',
        cell: (r) => {
          const file = field(r, 'file');
          const url = field(r, 'url');
          const src = [file ? `<div class="pa-path">${text(ctx, file)}</div>` : '', url ? `<div>${urlHtml(ctx, url)}</div>` : ''].join('');
          return (src || '<span class="pa-unknown">no file or URL</span>') + para(ctx, field(r, 'description'), 'pa-sub pa-text');
        },
      },
      { head: 'Kind', cls: 'col-kind', cell: (r) => (field(r, 'kind') ? badge(ctx, 'kind', field(r, 'kind')!, ENUMS.evidenceKind) : '—') },
      {
        head: 'Captured',
        cls: 'col-date',
        cell: (r) => text(ctx, dateText(field(r, 'captured')) ?? '—') + (field(r, 'tool') ? `<div class="pa-sub">${text(ctx, field(r, 'tool')!)}</div>` : ''),
      },
      {
        head: 'SHA-256',
        cls: 'col-sha',
        cell: (r) => {
          const sha = recordedHash(ctx.report.text, r);
          if (!sha) return '—';
          // masked whole, then shortened: a value cut at the ellipsis would no longer be recognised
          const shown = ctx.mask(sha);
          return `<code class="sha" title="${attr(ctx, sha)}">${escapeHtml(shown.length > 16 ? `${shown.slice(0, 12)}…` : shown)}</code>`;
        },
      },
      { head: 'Integrity', cls: 'col-hash', cell: (r) => hashStatus(ctx, r) },
    ],
    (r) => para(ctx, field(r, 'notes'), 'pa-notes') + extraFields(ctx, r, []),
  );
}
