import { listItems, type YNode } from '../../model';
import type { Span } from '../../types';
import { edit } from '../edits';
import type { Rule, RuleContext } from '../rule';

function checkName(ctx: RuleContext, name: string, span: Span, replaceSpan: Span): void {
  if (ctx.taxonomy.lookup(name)) return;
  const [best] = ctx.taxonomy.suggest(name);
  const fixes = best
    ? [{ title: `Replace with \`${best.name}\` (${best.category.label})`, edits: [edit(ctx.report, replaceSpan, best.name)], preferred: true }]
    : undefined;
  ctx.report_(
    span,
    `Unknown data category \`${name}\`${best ? `; did you mean \`${best.name}\` (${best.category.label})?` : '.'} Add new categories under \`categories:\` in the front matter or .privacy-audit.yaml.`,
    { fixes },
  );
}

/** The span of the text inside quotes, so a fix keeps the quoting. */
function inner(n: YNode): Span {
  return n.type === 'scalar' && n.quoted ? { start: n.span.start + 1, end: Math.max(n.span.start + 1, n.span.end - 1) } : n.span;
}

/** A data category that is not in the taxonomy. */
export const PA030: Rule = {
  id: 'PA030',
  name: 'unknown-category',
  defaultSeverity: 'warning',
  description: 'A data category that is neither built in nor declared (suggests the closest one).',
  fixable: true,
  check(ctx) {
    for (const r of ctx.report.records) {
      if (r.kind === 'flow') {
        for (const item of listItems(r.fields.get('data'))) {
          if (item.type !== 'scalar' || item.value === null || String(item.value).trim() === '') continue;
          checkName(ctx, String(item.value).trim(), item.span, inner(item));
        }
      } else if (r.kind === 'device') {
        const ids = r.fields.get('identifiers')?.value;
        if (ids?.type === 'map') for (const e of ids.entries) checkName(ctx, e.key, e.keySpan, e.keySpan);
      }
    }
  },
};
