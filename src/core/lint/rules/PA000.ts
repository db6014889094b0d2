import type { Rule } from '../rule';

/** The file cannot be read as a report (too large, binary, invalid UTF-8). */
export const PA000: Rule = {
  id: 'PA000',
  name: 'file-unreadable',
  defaultSeverity: 'error',
  description: 'The file cannot be read as a report: too large, binary, or not valid UTF-8.',
  fixable: false,
  check(ctx) {
    for (const p of ctx.report.problems) if (p.rule === 'PA000') ctx.flag(p.span, p.message);
  },
};
