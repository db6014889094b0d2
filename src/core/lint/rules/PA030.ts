import { listItems } from '../../report/model';
import type { Fix, Span } from '../../report/types';
import { countryKey } from '../countries';
import { appendToFrontMatter, edit, scalarInner as inner } from '../edits';
import type { Rule, RuleContext } from '../rule';

/** `{id: push-token, label: Push token, sensitivity: medium}` for a new category named `name`, with an id no category has yet. */
function categoryItem(ctx: RuleContext, name: string): string {
  const base = countryKey(name).replace(/ /g, '-') || 'custom-category';
  const taken = new Set(ctx.taxonomy.categories.map((c) => c.id));
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  // the label is the name as written, so that it resolves; quoted unless it is plain text
  const label = /^[A-Za-z][A-Za-z0-9 ./()-]*$/.test(name) ? name : JSON.stringify(name);
  return `{id: ${id}, label: ${label}, sensitivity: medium}`;
}

function checkName(ctx: RuleContext, name: string, span: Span, replaceSpan: Span): void {
  if (ctx.taxonomy.lookup(name)) return;
  const [best] = ctx.taxonomy.suggest(name);
  const fixes: Fix[] = best ? [{ title: `Replace with \`${best.name}\` (${best.category.label})`, edits: [edit(ctx.report, replaceSpan, best.name)], preferred: true }] : [];
  // a new kind of data: declared for this report (sensitivity to be checked by the analyst)
  const declare = appendToFrontMatter(ctx.report, 'categories', categoryItem(ctx, name));
  if (declare) fixes.push({ title: `Declare \`${name}\` as a new category under \`categories:\` in the front matter (sensitivity medium)`, edits: [declare] });
  ctx.flag(
    span,
    `Unknown data category \`${name}\`${best ? `; did you mean \`${best.name}\` (${best.category.label})?` : '.'} Add new categories under \`categories:\` in the front matter or .privacy-audit.yaml.`,
    { fixes },
  );
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
          checkName(ctx, String(item.value).trim(), item.span, inner(ctx.report, item));
        }
      } else if (r.kind === 'device') {
        const ids = r.fields.get('identifiers')?.value;
        if (ids?.type === 'map') for (const e of ids.entries) checkName(ctx, e.key, e.keySpan, e.keySpan);
      }
    }
  },
};
