import { anchor, label, type Rule } from '../rule';

const blank = (v: unknown) => v === undefined || v === null || String(v).trim() === '';

/** A response without `source` or `date`. */
export const PA014: Rule = {
  id: 'PA014',
  name: 'response-source',
  defaultSeverity: 'warning',
  description: 'A response without `source` or `date`.',
  fixable: false,
  check(ctx) {
    for (const r of ctx.report.records) {
      if (r.kind !== 'response') continue;
      const missing = ['source', 'date'].filter((k) => {
        const v = r.fields.get(k)?.value;
        return !v || (v.type === 'scalar' && blank(v.value));
      });
      if (missing.length) {
        ctx.report_(anchor(r), `The ${label(r)} has no ${missing.map((m) => `\`${m}\``).join(' and no ')}: a statement must be traceable to where and when it was made.`);
      }
    }
  },
};
