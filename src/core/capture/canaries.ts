/**
 * The canaries of a report: each test device's own values, by data category
 * (a device's `identifiers`; a value may be one string or a list). They are
 * what the capture scan looks for, and what every export masks.
 */

import { listItems, writtenScalar, type Report } from '../report/model';
import type { Taxonomy } from '../report/taxonomy';
import type { Canary } from './types';

export function canariesOf(report: Report, taxonomy?: Taxonomy): Canary[] {
  const out: Canary[] = [];
  const seen = new Set<string>();
  const devices = report.records.filter((r) => r.kind === 'device');
  for (const r of devices) {
    const ids = r.fields.get('identifiers')?.value;
    if (ids?.type !== 'map') continue;
    const device = r.id ?? 'D1';
    for (const e of ids.entries) {
      const category = e.key.trim();
      if (!category) continue;
      const categoryId = taxonomy?.lookup(category)?.id;
      for (const node of listItems(e)) {
        const value = writtenScalar(report.text, node)?.trim();
        if (!value) continue;
        const key = `${device}\u0000${category}\u0000${value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(categoryId ? { device, category, categoryId, value } : { device, category, value });
      }
    }
  }
  return out;
}
