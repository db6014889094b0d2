import type { AuditRecord } from '../../report/model';
import type { Rule } from '../rule';

/** Two records share an id. */
export const PA004: Rule = {
  id: 'PA004',
  name: 'duplicate-id',
  defaultSeverity: 'error',
  description: 'Two records share an id.',
  fixable: false,
  check(ctx) {
    const first = new Map<string, AuditRecord>();
    for (const r of ctx.report.records) {
      if (r.id === undefined || !r.idSpan) continue;
      const prev = first.get(r.id);
      if (!prev) {
        first.set(r.id, r);
        continue;
      }
      const line = ctx.report.lines.positionAt(prev.idSpan?.start ?? prev.span.start).line + 1;
      ctx.flag(r.idSpan, `Duplicate id \`${r.id}\`: already used by the ${prev.kind} record on line ${line}.`, {
        related: [{ message: 'first definition', span: prev.idSpan ?? prev.span }],
      });
    }
  },
};
