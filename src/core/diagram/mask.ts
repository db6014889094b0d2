/**
 * The redaction a report asks for: its front matter `redact` list (literal
 * strings, or `/regex/flags`) and every device's `identifiers` values. Used
 * by `privacy-audit diagram`; other exports may share it.
 */
import { listItems, type Report, type YScalar } from '../model';

/** The scalar as written: a long number stays as its digits (YAML would round it). */
function written(report: Report, n: YScalar): string {
  return typeof n.value === 'string' ? n.value : report.text.slice(n.span.start, n.span.end).trim().replace(/^(["'])(.*)\1$/s, '$2');
}

export const REDACTED = '[redacted]';

/** A function that replaces every redacted value in a string with `[redacted]` (identity when there is nothing to redact). */
export function redactionMask(report: Report): (s: string) => string {
  const literals = new Set<string>();
  const patterns: RegExp[] = [];
  for (const item of listItems(report.frontMatter?.fields.get('redact'))) {
    if (item.type !== 'scalar' || item.value === null) continue;
    const v = written(report, item);
    const re = /^\/(.+)\/([a-z]*)$/s.exec(v);
    if (re) {
      try {
        const flags = [...new Set((re[2]! + 'g').split(''))].filter((f) => 'gimsuy'.includes(f)).join('');
        const rx = new RegExp(re[1]!, flags);
        // a pattern that matches the empty string would mask nothing and loop forever
        if (!rx.test('')) patterns.push(rx);
      } catch {
        // PA001 reports the invalid pattern; nothing to mask with it
      }
      continue;
    }
    if (v.trim()) literals.add(v.trim());
  }
  for (const r of report.records) {
    if (r.kind !== 'device') continue;
    const ids = r.fields.get('identifiers')?.value;
    if (ids?.type !== 'map') continue;
    for (const e of ids.entries) {
      if (e.value?.type !== 'scalar' || e.value.value === null) continue;
      const v = written(report, e.value).trim();
      if (v) literals.add(v);
    }
  }
  if (!literals.size && !patterns.length) return (s) => s;
  const escaped = [...literals].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map((l) => l.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  const all = [...(escaped.length ? [new RegExp(escaped.join('|'), 'gi')] : []), ...patterns];
  return (s) => {
    let out = s;
    for (const rx of all) {
      rx.lastIndex = 0;
      out = out.replace(rx, REDACTED);
    }
    return out;
  };
}
