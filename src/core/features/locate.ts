/** Where the cursor is: the record block, the record, and the record id under an offset. */
import type { AuditRecord, Reference, Report } from '../report/model';
import type { Span } from '../report/types';

export const contains = (s: Span, o: number) => s.start <= o && o <= s.end;

/** The record block whose YAML holds `offset`. */
export function blockAt(report: Report, offset: number) {
  return report.blocks.find((b) => b.contentSpan.start <= offset && offset <= b.contentSpan.end);
}

/** The record whose mapping holds `offset`. */
export function recordAt(report: Report, offset: number): AuditRecord | undefined {
  return report.records.find((r) => contains(r.span, offset));
}

export type Target =
  | { type: 'definition'; id: string; record: AuditRecord; span: Span }
  | { type: 'reference'; id: string; ref: Reference; span: Span };

/** The record id under `offset`: a definition (`id: F1`), a reference or a citation. */
export function idAt(report: Report, offset: number): Target | undefined {
  for (const r of report.records) {
    if (r.idSpan && contains(r.idSpan, offset) && r.id !== undefined) return { type: 'definition', id: r.id, record: r, span: r.idSpan };
  }
  for (const ref of [...report.references, ...report.citations]) {
    if (contains(ref.idSpan, offset)) return { type: 'reference', id: ref.id, ref, span: ref.idSpan };
  }
  return undefined;
}
