/**
 * `scan` for people: one table per capture, grouped by host, then a line on
 * what could not be read and the data sets used. Values of canaries never
 * appear (a match names its category and device); host names and field
 * names come from strangers' captures, so control characters are escaped
 * and the report's redaction is applied to them before they get here.
 */

import type { Colors } from 'picocolors/types';
import { visible } from '../lint/format/visible';
import { byHost, type CaptureResult, type ScanResult } from './result';
import type { CaptureMatch } from './types';

const PLURALS: Record<string, string> = { match: 'matches', entry: 'entries', canary: 'canaries' };
const plural = (n: number, w: string) => `${n} ${n === 1 ? w : (PLURALS[w] ?? `${w}s`)}`;

function whereText(m: CaptureMatch): string {
  const name = m.name !== undefined ? ` ${visible(m.name)}` : '';
  const field = m.field !== undefined ? ` › ${visible(m.field)}` : '';
  return `${m.where}${name}${field}`;
}

function chainText(m: CaptureMatch): string {
  const chain = m.transforms.join(' → ');
  return m.form ? `${chain} (${m.form})` : chain;
}

function endpoint(ms: readonly CaptureMatch[]): string {
  const first = ms.find((m) => m.address) ?? ms[0]!;
  const parts: string[] = [];
  const addresses = [...new Set(ms.map((m) => m.address).filter((a): a is string => !!a))];
  if (addresses.length) parts.push(addresses.slice(0, 3).join(', ') + (addresses.length > 3 ? ` +${addresses.length - 3}` : '') + (first.port !== undefined ? ` port ${first.port}` : ''));
  if (first.scope) parts.push(first.scope);
  else if (first.country) parts.push(first.country);
  if (first.asn !== undefined) parts.push(`AS${first.asn}${first.org ? ` ${visible(first.org)}` : ''}`);
  return parts.join(' · ');
}

function captureTable(cap: CaptureResult, c: Colors): string[] {
  const head = [cap.format ?? 'capture', cap.units !== undefined ? plural(cap.units, cap.format === 'har' ? 'entry' : 'frame') : undefined, cap.evidence, cap.engine].filter(Boolean).join(', ');
  const out = ['', `${c.underline(visible(cap.path))} ${c.dim(`(${head})`)}`];
  if (cap.error) {
    out.push(`  ${c.red('✖')} ${visible(cap.error)}`);
    return out;
  }
  const requests = cap.matches.filter((m) => m.direction === 'request');
  for (const [host, ms] of byHost(cap.matches)) {
    const domain = ms[0]!.domain && ms[0]!.domain !== host ? c.dim(` (${visible(ms[0]!.domain)})`) : '';
    out.push(`  ${c.bold(visible(host))}${domain}  ${c.dim(endpoint(ms))}`);
    const rows = ms.map((m) => [m.locator, m.direction === 'request' ? 'sent' : 'response', `${m.category} (${m.device})`, whereText(m), chainText(m), m.tls ? 'tls' : ''] as const);
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) {
      const dir = r[1] === 'sent' ? c.red(r[1].padEnd(widths[1]!)) : c.dim(r[1].padEnd(widths[1]!));
      out.push(`    ${c.dim(r[0].padEnd(widths[0]!))}  ${dir}  ${r[2].padEnd(widths[2]!)}  ${r[3].padEnd(widths[3]!)}  ${r[4]}${r[5] ? c.dim(`  ${r[5]}`) : ''}`);
    }
  }
  const units = new Set(requests.map((m) => m.locator)).size;
  const summary = requests.length
    ? `${plural(requests.length, 'match')} sent in ${plural(units, cap.format === 'har' ? 'entry' : 'frame')} to ${plural(new Set(requests.map((m) => m.host ?? m.address)).size, 'host')}`
    : 'no canary sent';
  const responses = cap.matches.length - requests.length;
  out.push(`  ${requests.length ? c.yellow('⚠') : c.green('✔')} ${summary}${responses ? `; ${responses} only in responses (not flows)` : ''}`);
  if (cap.undecrypted || cap.quic) {
    out.push(`  ${c.yellow('⚠')} ${[cap.undecrypted ? `${plural(cap.undecrypted, 'TLS stream')} not decrypted` : '', cap.quic ? `${plural(cap.quic, 'QUIC connection')} not readable` : ''].filter(Boolean).join(', ')}: nothing found there does not mean nothing was sent (give a key log with --keylog)`);
  }
  for (const w of cap.warnings) out.push(`  ${c.yellow('!')} ${visible(w)}`);
  return out;
}

export function formatScanStylish(result: ScanResult, c: Colors): string {
  const out: string[] = [];
  if (!result.canaries.length) out.push('', c.yellow('⚠ The report declares no identifier values (a device\'s `identifiers`): there is nothing to look for.'));
  for (const cap of result.captures) out.push(...captureTable(cap, c));
  out.push('');
  const geo = result.data.geo ? `addresses located with ${result.data.geo}` : 'addresses not located (no location data found)';
  out.push(c.dim(`${plural(result.canaries.length, 'canary')} searched (${[...new Set(result.canaries.map((k) => k.category))].join(', ')}); ${geo}; no network lookups.`));
  out.push('');
  return out.join('\n');
}
