import type { Rule } from '../rule';

/** `status: final` while other rules report errors or warnings. */
export const PA041: Rule = {
  id: 'PA041',
  name: 'final-with-problems',
  defaultSeverity: 'error',
  description: '`status: final` while any other rule reports an error or a warning.',
  fixable: false,
  runsLast: true,
  check(ctx) {
    const status = ctx.report.frontMatter?.fields.get('status');
    const v = status?.value;
    if (!v || v.type !== 'scalar' || v.value !== 'final') return;
    const errors = ctx.earlier.filter((d) => d.severity === 'error').length;
    const warnings = ctx.earlier.filter((d) => d.severity === 'warning').length;
    if (errors + warnings === 0) return;
    const parts = [errors ? `${errors} error${errors > 1 ? 's' : ''}` : '', warnings ? `${warnings} warning${warnings > 1 ? 's' : ''}` : ''].filter(Boolean);
    ctx.flag(v.span, `The report is marked final but ${parts.join(' and ')} remain; fix them or set \`status: review\`.`);
  },
};
