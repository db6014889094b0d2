/** Devices, responses, retests and findings as cards: a head with the id and badges, the record's problems, then its fields. */
import { retestComparisonHtml } from './retest-compare';
import { listItems, type AuditRecord } from '../../report/model';
import { parseSource } from '../../report/refs';
import { ENUMS } from '../../report/schema';
import { attr, badge, problemsHtml, refLink, text, type RenderContext } from './context';
import { dateText, extraFields, field, idBadge, nodeText, para, recordAttrs, refList, urlHtml } from './record-parts';

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

export function devices(ctx: RenderContext, records: readonly AuditRecord[]): string {
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

export function responses(ctx: RenderContext, records: readonly AuditRecord[]): string {
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

export function retests(ctx: RenderContext, records: readonly AuditRecord[]): string {
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
        para(ctx, field(r, 'notes'), 'pa-notes') +
        retestComparisonHtml(ctx, r);
      return card(ctx, r, `retest-card result-${result && result in RESULT_LABEL ? result : 'none'}`, head, body);
    })
    .join('');
}

const SEVERITIES: readonly string[] = ENUMS.severity;
const severityRank = (r: AuditRecord): number => {
  const i = SEVERITIES.indexOf(field(r, 'severity') ?? '');
  return i < 0 ? SEVERITIES.length : i;
};

export function findings(ctx: RenderContext, records: readonly AuditRecord[]): string {
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
