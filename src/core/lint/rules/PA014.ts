import type { Fix } from '../../types';
import { insertField } from '../edits';
import { anchor, label, type Rule } from '../rule';

const blank = (v: unknown) => v === undefined || v === null || String(v).trim() === '';

/** A response without `source` or `date`. */
export const PA014: Rule = {
  id: 'PA014',
  name: 'response-source',
  defaultSeverity: 'warning',
  description: 'A response without `source` or `date`.',
  fixable: true,
  check(ctx) {
    for (const r of ctx.report.records) {
      if (r.kind !== 'response') continue;
      const missing = ['source', 'date'].filter((k) => {
        const v = r.fields.get(k)?.value;
        return !v || (v.type === 'scalar' && blank(v.value));
      });
      if (!missing.length) continue;
      // a field that is not written at all can be added for the analyst to fill in
      const fixes: Fix[] = missing
        .filter((k) => !r.fields.has(k))
        .map((k) => ({ title: `Add \`${k}:\` to fill in (${k === 'source' ? 'a URL, or the id of the evidence holding the statement' : 'when the statement was made'})`, edits: [insertField(ctx.report, r, k, '""')], placeholder: true }));
      ctx.report_(anchor(r), `The ${label(r)} has no ${missing.map((m) => `\`${m}\``).join(' and no ')}: a statement must be traceable to where and when it was made.`, { fixes });
    }
  },
};
