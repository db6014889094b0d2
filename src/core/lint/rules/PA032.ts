import { scalarText } from '../../report/model';
import { recordLabel, type Rule } from '../rule';
import { unreadable } from '../unreadable';

/** A response claims a fix that no retest verifies. */
export const PA032: Rule = {
  id: 'PA032',
  name: 'fix-unverified',
  defaultSeverity: 'warning',
  description: 'A response states a `fix`, but no retest verifies it.',
  fixable: false,
  check(ctx) {
    const verified = new Set<string>();
    for (const ref of ctx.report.references) if (ref.from?.kind === 'retest' && ref.field === 'verifies') verified.add(ref.id);
    // a retest in a block that does not parse (PA002) may verify it
    for (const id of unreadable(ctx.report).mentioned) verified.add(id);
    for (const r of ctx.report.records) {
      if (r.kind !== 'response') continue;
      const fix = r.fields.get('fix');
      if (!fix || !scalarText(fix)?.trim()) continue;
      if (r.id !== undefined && verified.has(r.id)) continue;
      ctx.flag(fix.keySpan, `The ${recordLabel(r)} claims a fix (${scalarText(fix)!.trim()}) that no retest verifies: add a retest with \`verifies: [${r.id ?? 'V…'}]\`.`);
    }
  },
};
