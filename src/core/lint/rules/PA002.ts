import type { Rule } from '../rule';

/** A record block whose YAML does not parse or has the wrong shape. */
export const PA002: Rule = {
  id: 'PA002',
  name: 'block-yaml',
  defaultSeverity: 'error',
  description: 'A record block whose YAML does not parse, has the wrong shape, or exceeds the input limits.',
  fixable: false,
  check(ctx) {
    for (const p of ctx.report.problems) if (p.rule === 'PA002') ctx.report_(p.span, p.message);
  },
};
