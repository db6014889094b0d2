/**
 * Record blocks as readable HTML instead of YAML: devices and responses,
 * retests and findings as cards; steps, flows and evidence as tables (one
 * `<tbody>` per record, so a record's problems sit inside its element).
 * Every record element has `id="rec-<ID>"`, `data-record` and `data-line`.
 */
import { parseFrom, parseRefText, parseSource } from '../../report/refs';
import { ENUMS, RECORD_FIELDS } from '../../report/schema';
import { listItems, scalarText, type AuditRecord, type RecordBlock, type YEntry, type YNode } from '../../report/model';
import { attr, badge, lineOf, problemsHtml, refLink, text, type RenderContext } from './context';
import { describeUrl, escapeAttr, escapeHtml, linkPolicy } from './escape';
import { hashVerdict, recordedHash } from '../verdict';

// ---------------------------------------------------------------- values

/** Text of any node: scalars as written, lists joined, mappings as `key: value`. */
function nodeText(node: YNode | null | undefined): string {
  if (!node) return '';
  if (node.type === 'scalar') return node.value === null ? '' : String(node.value);
  if (node.type === 'seq') return node.items.map(nodeText).join(', ');
  return node.entries.map((e) => `${e.key}: ${nodeText(e.value)}`).join('; ');
}

/** A field's value as text (trimmed), or undefined when absent or empty. */
function field(r: AuditRecord, key: string): string | undefined {
  const e = r.fields.get(key);
  if (!e) return undefined;
  const s = (scalarText(e) ?? nodeText(e.value)).trim();
  return s === '' ? undefined : s;
}

/** Dates as written, with a space instead of `T` for reading. */
function dateText(s: string | undefined): string | undefined {
  return s?.replace(/^(\d{4}-\d{2}-\d{2})T/, '$1 ');
}

/** The items of a reference field as links (`E2 · frame=112`); values that are not ids stay text. */
function refList(ctx: RenderContext, entry: YEntry | undefined): string {
  const items = listItems(entry)
    .map((n) => nodeText(n).trim())
    .filter((s) => s !== '');
  return items
    .map((s) => {
      const ref = parseRefText(s);
      if (ref) return refLink(ctx, ref.id, ref.locator);
      // not an id: a URL-like value is described, not repeated
      return `<span class="ref ref-text">${text(ctx, /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) ? describeUrl(s) : s)}</span>`;
    })
    .join(' ');
}

/** Multi-line text (folded or literal YAML blocks) with its line breaks kept. */
function para(ctx: RenderContext, s: string | undefined, cls = 'pa-text'): string {
  return s === undefined ? '' : `<div class="${cls}">${text(ctx, s)}</div>`;
}

/** An external link when the URL is allowed; a refused URL is described, never shown as a link. */
export function urlHtml(ctx: RenderContext, url: string, label = url): string {
  const v = linkPolicy(url);
  if (v.ok && v.external) return `<a class="pa-url" href="${attr(ctx, v.href)}" rel="noopener noreferrer">${text(ctx, label)}</a>`;
  if (!v.ok && v.reason === 'local link not followed') return `<span class="pa-url-text">${text(ctx, url)}</span>`;
  return `<span class="pa-url pa-url-blocked" title="Link not followed">${text(ctx, describeUrl(url))}</span>`;
}

/** `from:` of a flow: `D1` and `D1/component` link to the device; free text stays text. */
function fromHtml(ctx: RenderContext, s: string | undefined): string {
  if (s === undefined) return '<span class="pa-unknown">?</span>';
  const from = parseFrom(s);
  if (from.kind === 'text') return text(ctx, s);
  const rest = s.slice(from.device.length);
  return `${refLink(ctx, from.device, undefined)}${rest ? text(ctx, rest) : ''}`;
}

/** Fields a record has that its kind does not define (shown so nothing written is hidden). */
function extraFields(ctx: RenderContext, r: AuditRecord, shown: readonly string[]): string {
  const known = new Set([...RECORD_FIELDS[r.kind].map((f) => f.name), ...shown]);
  const extra = r.map.entries.filter((e) => !known.has(e.key));
  if (!extra.length) return '';
  return `<dl class="extra-fields">${extra.map((e) => `<dt>${text(ctx, e.key)}</dt><dd>${text(ctx, nodeText(e.value))}</dd>`).join('')}</dl>`;
}

function recordAttrs(ctx: RenderContext, r: AuditRecord, cls: string): string {
  const anchor = ctx.anchorOf.get(r)!;
  const data = r.id !== undefined ? ` data-record="${attr(ctx, r.id)}"` : ' data-record=""';
  return `class="${cls} code-line" id="${escapeAttr(anchor)}"${data} data-line="${lineOf(ctx.report, r.span.start)}"`;
}

function idBadge(ctx: RenderContext, r: AuditRecord): string {
  return r.id !== undefined ? `<span class="rec-id">${text(ctx, r.id)}</span>` : `<span class="rec-id rec-id-missing">no id</span>`;
}

// ---------------------------------------------------------------- tables

interface Column {
  head: string;
  cls: string;
  cell: (r: AuditRecord) => string;
}

function table(ctx: RenderContext, kind: string, records: readonly AuditRecord[], cols: readonly Column[], detail: (r: AuditRecord) => string): string {
  const head = `<thead><tr>${cols.map((c) => `<th class="${c.cls}">${c.head}</th>`).join('')}</tr></thead>`;
  const bodies = records.map((r) => {
    const row = `<tr class="record-row">${cols.map((c) => `<td class="${c.cls}">${c.cell(r)}</td>`).join('')}</tr>`;
    const more = detail(r);
    const moreRow = more ? `<tr class="detail-row"><td class="col-id"></td><td colspan="${cols.length - 1}">${more}</td></tr>` : '';
    const probs = ctx.problems.byRecord.get(r);
    const probRow = probs?.length ? `<tr class="problem-row"><td colspan="${cols.length}">${problemsHtml(ctx, probs)}</td></tr>` : '';
    return `<tbody ${recordAttrs(ctx, r, `record record-${kind}`)}>${row}${moreRow}${probRow}</tbody>`;
  });
  return `<div class="table-wrap"><table class="record-table ${kind}-table">${head}${bodies.join('')}</table></div>`;
}

const idCol = (ctx: RenderContext, head: string): Column => ({ head, cls: 'col-id', cell: (r) => idBadge(ctx, r) });

function steps(ctx: RenderContext, records: readonly AuditRecord[]): string {
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

function flows(ctx: RenderContext, records: readonly AuditRecord[]): string {
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

function evidence(ctx: RenderContext, records: readonly AuditRecord[]): string {
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

// ---------------------------------------------------------------- cards

/** A labelled line in a card (`Fix`, `Addresses`), or nothing when the value is empty. */
function row(label: string, html: string): string {
  return html ? `<div class="pa-field"><span class="pa-label">${label}</span><span class="pa-value">${html}</span></div>` : '';
}

function card(ctx: RenderContext, r: AuditRecord, cls: string, head: string, body: string): string {
  return (
    `<article ${recordAttrs(ctx, r, `record card ${cls}`)}>` +
    `<div class="card-head">${head}</div>` +
    problemsHtml(ctx, ctx.problems.byRecord.get(r)) +
    `<div class="card-body">${body}${extraFields(ctx, r, [])}</div></article>`
  );
}

function devices(ctx: RenderContext, records: readonly AuditRecord[]): string {
  return records
    .map((r) => {
      const title = [field(r, 'vendor'), field(r, 'model')].filter(Boolean).join(' ') || field(r, 'name') || 'Device';
      const facts = [
        ['Name', field(r, 'name')],
        ['Vendor', field(r, 'vendor')],
        ['Model', field(r, 'model')],
        ['OS', field(r, 'os')],
        ['Build', field(r, 'build')],
        ['Acquired', field(r, 'acquired')],
      ]
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `<div class="fact"><dt>${k}</dt><dd>${text(ctx, v!)}</dd></div>`)
        .join('');
      const ids = r.fields.get('identifiers')?.value;
      let idHtml = '';
      if (ids?.type === 'map' && ids.entries.length) {
        idHtml =
          `<div class="identifiers"><div class="pa-label">Test identifiers</div><table class="id-table"><tbody>` +
          ids.entries
            .map((e) => {
              const cat = ctx.result.taxonomy.lookup(e.key);
              const written = cat && cat.label !== e.key ? ` title="${attr(ctx, `written “${e.key}”`)}"` : '';
              return `<tr><th${written}>${text(ctx, cat ? cat.label : e.key)}</th><td class="pa-mono">${text(ctx, nodeText(e.value))}</td><td><span class="chip sens-${cat?.sensitivity ?? 'unknown'}">${cat ? `${cat.sensitivity}` : 'unknown category'}</span></td></tr>`;
            })
            .join('') +
          `</tbody></table></div>`;
      } else if (ids) {
        idHtml = row('Identifiers', text(ctx, nodeText(ids)));
      }
      return card(
        ctx,
        r,
        'device-card',
        `${idBadge(ctx, r)}<span class="card-title">${text(ctx, title)}</span><span class="kind-label">Device under test</span>`,
        `<dl class="facts">${facts}</dl>${idHtml}${para(ctx, field(r, 'notes'), 'pa-notes')}`,
      );
    })
    .join('');
}

function responses(ctx: RenderContext, records: readonly AuditRecord[]): string {
  return records
    .map((r) => {
      const party = field(r, 'party');
      const verdict = field(r, 'verdict');
      const source = field(r, 'source');
      let sourceHtml = '';
      if (source) {
        const ref = parseSource(source);
        sourceHtml = ref ? refLink(ctx, ref.id, ref.locator) : urlHtml(ctx, source);
      }
      const meta = [dateText(field(r, 'date')), field(r, 'channel')].filter(Boolean).map((s) => text(ctx, s!)).join(' · ');
      const claims = listItems(r.fields.get('claims'))
        .map((n) => nodeText(n).trim())
        .filter(Boolean);
      const head =
        idBadge(ctx, r) +
        (party ? badge(ctx, 'party', party, ENUMS.party) : '') +
        `<span class="card-title">${text(ctx, field(r, 'by') ?? 'Unattributed statement')}</span>` +
        (verdict ? `<span class="verdict-wrap"><span class="verdict-label">verdict</span>${badge(ctx, 'verdict', verdict, ENUMS.verdict)}</span>` : '');
      const body =
        (meta ? `<div class="pa-meta">${meta}</div>` : '') +
        (field(r, 'statement') ? `<blockquote class="statement">${text(ctx, field(r, 'statement')!)}</blockquote>` : '') +
        (claims.length ? `<div class="claims"><div class="pa-label">Claims</div><ul>${claims.map((c) => `<li>${text(ctx, c)}</li>`).join('')}</ul></div>` : '') +
        row('Claimed fix', field(r, 'fix') ? text(ctx, field(r, 'fix')!) : '') +
        row('Addresses', refList(ctx, r.fields.get('addresses'))) +
        row('Source', sourceHtml) +
        row('Evidence', refList(ctx, r.fields.get('evidence'))) +
        para(ctx, field(r, 'notes'), 'pa-notes');
      return card(ctx, r, `response-card verdict-${verdict && (ENUMS.verdict as readonly string[]).includes(verdict) ? verdict : 'none'}`, head, body);
    })
    .join('');
}

const RESULT_LABEL: Record<string, string> = { fixed: 'fixed', 'not-fixed': 'not fixed', 'partially-fixed': 'partially fixed', inconclusive: 'inconclusive' };

function retests(ctx: RenderContext, records: readonly AuditRecord[]): string {
  return records
    .map((r) => {
      const result = field(r, 'result');
      const head =
        idBadge(ctx, r) +
        `<span class="card-title">Retest${field(r, 'date') ? ` of ${text(ctx, dateText(field(r, 'date'))!)}` : ''}</span>` +
        (result ? `<span class="verdict-wrap"><span class="verdict-label">result</span>${badge(ctx, 'result', result, ENUMS.result, RESULT_LABEL[result] ?? result)}</span>` : '');
      const body =
        row('Build', field(r, 'build') ? `<span class="pa-mono">${text(ctx, field(r, 'build')!)}</span>` : '') +
        row('Verifies', refList(ctx, r.fields.get('verifies'))) +
        row('Flows', refList(ctx, r.fields.get('flows'))) +
        para(ctx, field(r, 'observed')) +
        row('Evidence', refList(ctx, r.fields.get('evidence'))) +
        para(ctx, field(r, 'notes'), 'pa-notes');
      return card(ctx, r, `retest-card result-${result && result in RESULT_LABEL ? result : 'none'}`, head, body);
    })
    .join('');
}

const SEVERITIES: readonly string[] = ENUMS.severity;
const severityRank = (r: AuditRecord): number => {
  const i = SEVERITIES.indexOf(field(r, 'severity') ?? '');
  return i < 0 ? SEVERITIES.length : i;
};

function findings(ctx: RenderContext, records: readonly AuditRecord[]): string {
  const sorted = [...records].sort((a, b) => severityRank(a) - severityRank(b) || a.index - b.index);
  const counts = [...SEVERITIES, 'unknown']
    .map((s) => [s, records.filter((r) => (s === 'unknown' ? severityRank(r) === SEVERITIES.length : field(r, 'severity') === s)).length] as const)
    .filter(([, n]) => n > 0);
  const strip =
    records.length > 1
      ? `<div class="severity-strip">${counts.map(([s, n]) => `<span class="sev-count sev-${s}"><span class="n">${n}</span> ${s}</span>`).join('')}</div>`
      : '';
  const cards = sorted
    .map((r) => {
      const sev = field(r, 'severity');
      const sevKnown = sev !== undefined && SEVERITIES.includes(sev);
      const status = field(r, 'status');
      const head =
        `<span class="badge sev sev-${sevKnown ? sev : 'unknown'}">${text(ctx, sev ?? 'no severity')}</span>` +
        idBadge(ctx, r) +
        `<span class="card-title">${text(ctx, field(r, 'title') ?? 'Untitled finding')}</span>` +
        (status ? badge(ctx, 'fstatus', status, ENUMS.findingStatus) : '');
      const body =
        para(ctx, field(r, 'description')) +
        (field(r, 'recommendation') ? `<div class="recommendation"><div class="pa-label">Recommendation</div>${para(ctx, field(r, 'recommendation'))}</div>` : '') +
        row('Flows', refList(ctx, r.fields.get('flows'))) +
        row('Evidence', refList(ctx, r.fields.get('evidence'))) +
        para(ctx, field(r, 'notes'), 'pa-notes');
      return card(ctx, r, `finding-card sev-${sevKnown ? sev : 'unknown'}`, head, body);
    })
    .join('');
  return strip + cards;
}

// ---------------------------------------------------------------- blocks

/** A block whose YAML could not be read: its source, escaped. */
function source(ctx: RenderContext, block: RecordBlock): string {
  const src = ctx.report.text.slice(block.span.start, block.span.end);
  return `<div class="record-source"><div class="record-source-label">${escapeHtml(block.kind)} block, shown as written: it could not be read as records</div><pre><code>${text(ctx, src)}</code></pre></div>`;
}

export function renderRecordBlock(ctx: RenderContext, block: RecordBlock): string {
  const probs = problemsHtml(ctx, ctx.problems.byBlock.get(block));
  let body: string;
  if (block.records.length === 0) body = source(ctx, block);
  else {
    switch (block.kind) {
      case 'device':
        body = devices(ctx, block.records);
        break;
      case 'step':
        body = steps(ctx, block.records);
        break;
      case 'flow':
        body = flows(ctx, block.records);
        break;
      case 'evidence':
        body = evidence(ctx, block.records);
        break;
      case 'response':
        body = responses(ctx, block.records);
        break;
      case 'retest':
        body = retests(ctx, block.records);
        break;
      case 'finding':
        body = findings(ctx, block.records);
        break;
    }
  }
  return `<div class="record-block record-block-${block.kind} code-line" data-line="${block.openLine}" data-kind="${block.kind}">${probs}${body}</div>\n`;
}
