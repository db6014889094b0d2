import { listItems } from '../../model';
import { dayOf } from '../../schema';
import { label, type Rule } from '../rule';

/** Dates out of order. */
export const PA042: Rule = {
  id: 'PA042',
  name: 'date-order',
  defaultSeverity: 'warning',
  description: 'Dates out of order: a retest before the response it verifies, or evidence and events after the report date.',
  fixable: false,
  check(ctx) {
    const { report } = ctx;
    const reportDay = dayOf(report.frontMatter?.fields.get('date')?.value);
    const after = (field: string, what: string) => {
      if (!reportDay) return;
      for (const r of report.records) {
        const e = r.fields.get(field);
        const day = dayOf(e?.value);
        if (!e?.value || !day || !what.split('|').includes(r.kind)) continue;
        if (day > reportDay) ctx.report_(e.value.span, `The ${label(r)} is dated ${day}, after the report's date (${reportDay}).`);
      }
    };
    after('captured', 'evidence');
    after('date', 'step|response|retest');
    after('first-seen', 'flow');
    for (const r of report.records) {
      if (r.kind !== 'retest') continue;
      const date = r.fields.get('date');
      const day = dayOf(date?.value);
      if (!day) continue;
      for (const n of listItems(r.fields.get('verifies'))) {
        if (n.type !== 'scalar' || n.value === null) continue;
        const target = report.byId.get(String(n.value).trim());
        if (target?.kind !== 'response') continue;
        const rday = dayOf(target.fields.get('date')?.value);
        if (rday && day < rday) ctx.report_(n.span, `The ${label(r)} (${day}) is dated before the ${label(target)} it verifies (${rday}).`);
      }
    }
  },
};
