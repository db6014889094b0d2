/**
 * The captures in the evidence appendix: for each capture the report cites
 * and the linter read, the hosts its requests went to (address, country,
 * network), which declared values went to each (by category, never a
 * value), and the location data the addresses were placed with.
 */
import type { CaptureResult, HostSeen } from '../../capture/result';
import type { CaptureMatch } from '../../capture/types';
import { esc, type ExportDocumentInput } from './facts';

/** At most this many hosts per capture are listed (the rest are counted). */
const MAX_ROWS = 60;

function hostKey(h: Pick<HostSeen, 'host' | 'address'>): string {
  return `${h.host ?? ''}|${h.address ?? ''}`;
}

export function capturesHtml(input: ExportDocumentInput): string {
  const { result, mask } = input;
  const e = (s: string) => esc(mask, s);
  const sections: string[] = [];
  // in the order of the evidence records
  for (const [record, outcome] of [...result.captures].sort((a, b) => a[0].index - b[0].index)) {
    const id = record.id ?? '';
    if (outcome.state !== 'read') {
      sections.push(`<div class="pa-capture"><div class="pa-capture-head"><span class="pa-capture-id">${e(id)}</span> could not be read: ${e(outcome.reason)}</div></div>`);
      continue;
    }
    sections.push(captureHtml(e, id, outcome.result));
  }
  if (!sections.length) return '';
  const searched = [...new Set(result.canaries.map((c) => `${c.category} (${c.device})`))];
  const data = [result.geoData ? `addresses located with ${result.geoData}` : 'no location data was available', 'domains from the Public Suffix List (tldts)', 'no network lookups'];
  return (
    `<div class="pa-captures"><p class="pa-captures-title">Captures</p>` +
    `<p class="pa-appendix-intro">Each capture was read when this document was exported. Declared values searched for: ${e(searched.join(', ') || 'none')}; ${e(data.join('; '))}. ` +
    `A value is named by its category only.</p>${sections.join('')}</div>`
  );
}

function captureHtml(e: (s: string) => string, id: string, c: CaptureResult): string {
  const sent = c.matches.filter((m) => m.direction === 'request');
  const byHost = new Map<string, CaptureMatch[]>();
  for (const m of sent) {
    const k = hostKey(m);
    const list = byHost.get(k);
    if (list) list.push(m);
    else byHost.set(k, [m]);
  }
  const hosts = c.hosts ?? [];
  const units = c.units !== undefined ? `${c.units.toLocaleString('en')} ${c.format === 'har' ? 'entries' : 'frames'}` : '';
  const about = [c.format, units, c.engine ? `read with ${c.engine}` : '', c.undecrypted ? `${c.undecrypted} TLS streams not decrypted` : '', c.quic ? `${c.quic} QUIC connections not read` : ''].filter(Boolean).join(', ');
  const rows = hosts.slice(0, MAX_ROWS).map((h) => {
    const ms = byHost.get(hostKey(h)) ?? [];
    const cats = [...new Set(ms.map((m) => m.category))];
    const at = [...new Set(ms.map((m) => m.locator))];
    const where = h.address ? `${h.address}${h.port !== undefined ? ` · ${h.port}` : ''}` : '—';
    const net = h.asn !== undefined ? `AS${h.asn}${h.org ? ` ${h.org}` : ''}` : (h.scope ?? '—');
    const seen = cats.length ? `<span class="pa-capture-sent">${e(cats.join(', '))}</span><div class="pa-capture-at">${e(at.slice(0, 6).join(', ') + (at.length > 6 ? `, +${at.length - 6}` : ''))}</div>` : '<span class="pa-unknown">none</span>';
    return `<tr><td class="pa-mono">${e(h.host ?? '—')}</td><td class="pa-mono">${e(where)}</td><td>${e(h.country ?? '—')}</td><td>${e(net)}</td><td class="pa-num">${h.units}</td><td>${seen}</td></tr>`;
  });
  const more = hosts.length > MAX_ROWS ? `<p class="pa-unknown">${hosts.length - MAX_ROWS} more hosts not listed.</p>` : '';
  const table = hosts.length
    ? `<table class="pa-capture-table"><colgroup><col class="c-host"><col class="c-addr"><col class="c-cc"><col class="c-net"><col class="c-n"><col class="c-sent"></colgroup><thead><tr><th>Host</th><th>Address · port</th><th title="Country (ISO 3166)">CC</th><th>Network</th><th>${c.format === 'har' ? 'Entries' : 'Frames'}</th><th>Declared values sent</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`
    : '<p class="pa-unknown">No request to a named host or address was read in this capture.</p>';
  const warn = c.warnings.length ? `<ul class="pa-capture-warnings">${c.warnings.slice(0, 5).map((w) => `<li>${e(w)}</li>`).join('')}</ul>` : '';
  return `<div class="pa-capture"><div class="pa-capture-head"><span class="pa-capture-id">${e(id)}</span> <span class="pa-path">${e(c.path)}</span> — ${e(about)}</div>${table}${warn}</div>`;
}
