/** Navigation: where an id is defined, and every place that names it. */
import type { Report } from '../report/model';
import type { Span } from '../report/types';
import { idAt } from './locate';

/** Where the id under `offset` is defined. */
export function definition(report: Report, offset: number): Span | undefined {
  const t = idAt(report, offset);
  if (!t) return undefined;
  const r = report.byId.get(t.id);
  return r ? (r.idSpan ?? r.span) : undefined;
}

/** Every place that names the id under `offset` (references and citations, and the definition when asked). */
export function references(report: Report, offset: number, includeDeclaration: boolean): Span[] {
  const t = idAt(report, offset);
  if (!t) return [];
  const out: Span[] = [];
  const def = report.byId.get(t.id);
  if (includeDeclaration && def?.idSpan) out.push(def.idSpan);
  for (const ref of [...report.references, ...report.citations]) if (ref.id === t.id) out.push(ref.idSpan);
  return out.sort((a, b) => a.start - b.start);
}
