import { listItems, type AuditRecord, type YEntry } from '../../report/model';
import { dayOf } from '../../report/schema';
import type { Fix } from '../../report/types';
import { edit, scalarInner } from '../edits';
import { recordLabel, type Rule } from '../rule';

/** The date fields compared with the report's date, by record kind. */
const DATED: [field: string, kinds: readonly string[]][] = [
  ['captured', ['evidence']],
  ['date', ['step', 'response', 'retest']],
  ['first-seen', ['flow']],
];

/** Dates out of order. */
export const PA042: Rule = {
  id: 'PA042',
  name: 'date-order',
  defaultSeverity: 'warning',
  description: 'Dates out of order: a retest before the response it verifies, or evidence and events after the report date.',
  fixable: true,
  check(ctx) {
    const { report } = ctx;
    const reportDate = report.frontMatter?.fields.get('date');
    const reportDay = dayOf(reportDate?.value);
    if (reportDay) {
      const late: { r: AuditRecord; e: YEntry; day: string }[] = [];
      for (const [field, kinds] of DATED) {
        for (const r of report.records) {
          if (!kinds.includes(r.kind)) continue;
          const e = r.fields.get(field);
          const day = dayOf(e?.value);
          if (e?.value && day && day > reportDay) late.push({ r, e, day });
        }
      }
      // the report's date moved to the latest of them clears them all; whether that is right (or a date is mistyped) only the analyst knows
      const latest = late.reduce((m, x) => (x.day > m ? x.day : m), reportDay);
      const fixes: Fix[] | undefined = reportDate?.value
        ? [{ title: `Move the report's date to ${latest}${late.length > 1 ? ' (the latest date in the report)' : ''}`, edits: [edit(report, scalarInner(report, reportDate.value), latest)] }]
        : undefined;
      for (const { r, e, day } of late) ctx.flag(e.value!.span, `The ${recordLabel(r)} is dated ${day}, after the report's date (${reportDay}).`, { fixes });
    }
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
        if (rday && day < rday) ctx.flag(n.span, `The ${recordLabel(r)} (${day}) is dated before the ${recordLabel(target)} it verifies (${rday}).`);
      }
    }
  },
};
