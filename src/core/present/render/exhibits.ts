/**
 * What the captures show of a flow, under the flow in the preview and the
 * export: whether its cited entries and frames confirm it, and an exhibit
 * per cited entry or frame — the request line and the parts that carried
 * the device's values, each value a marker naming its category
 * (src/core/capture/exhibit.ts made them so; the text still passes through
 * the report's redaction here, as all text does).
 */
import type { Exhibit, ExhibitLine } from '../../capture/exhibit';
import { flowConfirmations, type CitedUnit, type FlowConfirmation } from '../../lint/confirm';
import type { AuditRecord } from '../../report/model';
import { attr, text, type RenderContext } from './context';

/** How a masked value reads in an exhibit (the word the redaction uses, with the category). */
export function canaryMarker(category: string): string {
  return `[redacted ${category}]`;
}

/** The flow's claim check and its exhibits; empty when the flow cites no entry or frame of a capture. */
export function flowEvidenceHtml(ctx: RenderContext, flow: AuditRecord): string {
  const c = flowConfirmations(ctx.result).get(flow);
  if (!c || (!c.units.length && c.state === 'unchecked')) return '';
  const exhibits = c.units.filter((u) => u.exhibit).map((u) => exhibitHtml(ctx, u, u.exhibit!));
  return `<div class="claim-check claim-${c.state}">${statusHtml(ctx, c)}${exhibits.join('')}</div>`;
}

function unitName(u: Pick<CitedUnit, 'id' | 'locator'>): string {
  return `${u.id} · ${u.locator}`;
}

function statusHtml(ctx: RenderContext, c: FlowConfirmation): string {
  const shown = c.units.filter((u) => u.matches.length).map(unitName);
  const list = (xs: string[]) => xs.join(', ');
  switch (c.state) {
    case 'confirmed':
      return `<div class="claim-status"><span class="claim-mark">✓</span> Confirmed by the capture: ${text(ctx, list(shown))} ${shown.length === 1 ? 'shows' : 'show'} the declared data going to this host.</div>`;
    case 'contradicted': {
      const silent = c.units.filter((u) => !u.matches.length).map(unitName);
      const parts: string[] = [];
      if (c.missing.length) parts.push(`no cited entry or frame shows ${list(c.missing)}`);
      if (silent.length) parts.push(`${list(silent)} ${silent.length === 1 ? 'shows' : 'show'} none of its data going to this host`);
      return `<div class="claim-status"><span class="claim-mark">✗</span> Not confirmed by the capture: ${text(ctx, parts.join('; '))}.</div>`;
    }
    case 'unchecked':
      return `<div class="claim-status"><span class="claim-mark">?</span> Not checked against the capture: ${text(ctx, c.reason ?? 'it could not be read')}.</div>`;
  }
}

/** Where the request went: host, address and port, country, network, protection. */
function endpointText(ex: Exhibit, unit: CitedUnit): string {
  const m = unit.matches[0];
  const parts: string[] = [];
  const addr = ex.address ? (ex.port !== undefined ? `${ex.address.includes(':') ? `[${ex.address}]` : ex.address}:${ex.port}` : ex.address) : undefined;
  if (addr) parts.push(addr);
  if (m?.country) parts.push(m.country);
  if (m?.asn !== undefined) parts.push(`AS${m.asn}${m.org ? ` ${m.org}` : ''}`);
  parts.push(ex.tls ? 'inside TLS' : 'not encrypted');
  return parts.join(' · ');
}

function lineHtml(ctx: RenderContext, l: ExhibitLine): string {
  const label = l.where === 'request' ? '' : `<span class="xl-where">${text(ctx, l.name ? `${l.name}:` : `${l.where}:`)}</span> `;
  const body = l.withheld
    ? `<span class="xl-withheld">(${text(ctx, l.withheld)})</span>`
    : l.segments.map((s) => ('canary' in s ? `<mark class="canary" title="${attr(ctx, `a declared value (${s.canary}), masked`)}">${text(ctx, canaryMarker(s.canary))}</mark>` : text(ctx, s.text))).join('');
  const how = l.where === 'request' && !l.categories.length ? '' : `<span class="xl-how">${text(ctx, `${l.categories.join(', ')} · ${l.chains.join('; ')}`)}</span>`;
  return `<div class="xl xl-${l.where === 'request' ? 'request' : 'part'}">${label}<span class="xl-text">${body}</span>${how}</div>`;
}

function exhibitHtml(ctx: RenderContext, unit: CitedUnit, ex: Exhibit): string {
  const req = ex.lines.find((l) => l.where === 'request');
  const rest = ex.lines.filter((l) => l !== req);
  const head =
    `<span class="exhibit-label">Exhibit</span> <span class="exhibit-unit">${text(ctx, unitName(unit))}</span> — ` +
    `${text(ctx, ex.method ?? 'request')} to <span class="exhibit-host">${text(ctx, ex.host ?? ex.address ?? 'an unknown host')}</span>` +
    `<span class="exhibit-endpoint">${text(ctx, endpointText(ex, unit))}</span>`;
  const requestLine = req ? lineHtml(ctx, { ...req, segments: [...(ex.method ? [{ text: `${ex.method} ` }] : []), ...req.segments] }) : '';
  return `<figure class="exhibit" data-unit="${attr(ctx, `${unit.id}#${unit.locator}`)}"><figcaption>${head}</figcaption><div class="exhibit-lines">${requestLine}${rest.map((l) => lineHtml(ctx, l)).join('')}</div></figure>`;
}
