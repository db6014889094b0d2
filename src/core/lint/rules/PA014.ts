import type { Fix } from '../../report/types';
import { insertField, replaceValue } from '../edits';
import { anchor, recordLabel, type Rule } from '../rule';

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
      // a `source` written empty (the template's): cite an evidence record, web sources first
      const written = r.fields.get('source');
      if (missing.includes('source') && written) {
        const evidence = ctx.report.records.filter((e) => e.kind === 'evidence' && e.id !== undefined);
        const web = (e: (typeof evidence)[number]) => (e.fields.has('url') ? 0 : 1);
        for (const e of [...evidence].sort((a, b) => web(a) - web(b)).slice(0, 3)) {
          fixes.push({ title: `Cite ${e.id} as the source of the statement`, edits: [replaceValue(ctx.report, written, e.id!)] });
        }
      }
      ctx.flag(anchor(r), `The ${recordLabel(r)} has no ${missing.map((m) => `\`${m}\``).join(' and no ')}: a statement must be traceable to where and when it was made.`, { fixes });
    }
  },
};
