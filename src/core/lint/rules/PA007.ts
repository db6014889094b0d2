import type { Reference } from '../../report/model';
import { removeListItem } from '../edits';
import { recordLabel, type Rule } from '../rule';

/** A reference as written, for comparing: `E1`, `E1#frame=3` (`E1` and `E1#frame=3` are different references). */
const written = (ref: Reference) => (ref.locator !== undefined && ref.locator.trim() !== '' ? `${ref.id}#${ref.locator.trim()}` : ref.id);

/** The same reference twice in one list. */
export const PA007: Rule = {
  id: 'PA007',
  name: 'duplicate-reference',
  defaultSeverity: 'warning',
  description: 'The same reference twice in one list (`evidence: [E1, E1]`); the same id with different locators is fine.',
  fixable: true,
  check(ctx) {
    const { report } = ctx;
    const first = new Map<string, Reference>();
    for (const ref of report.references) {
      const r = ref.from;
      const list = r?.fields.get(ref.field)?.value;
      if (!r || list?.type !== 'seq') continue;
      const text = written(ref);
      const key = `${r.index}\u0000${ref.field}\u0000${text}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, ref);
        continue;
      }
      const i = list.items.findIndex((it) => it.span.start <= ref.span.start && ref.span.start <= it.span.end);
      const del = i > 0 ? removeListItem(report, list, i) : undefined;
      ctx.flag(ref.span, `\`${text}\` is already listed in \`${ref.field}\` of the ${recordLabel(r)}; the repeat adds nothing.`, {
        fixes: del ? [{ title: `Remove the repeated \`${text}\``, edits: [del], preferred: true }] : undefined,
        related: [{ message: `\`${text}\` is first listed here`, span: earlier.span }],
      });
    }
  },
};
