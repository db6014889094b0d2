import { listItems, scalarText } from '../../report/model';
import { recordLabel, type Rule } from '../rule';
import { unreadable } from '../unreadable';

/** High-sensitivity data sent without encryption, and no finding covers the flow. */
export const PA031: Rule = {
  id: 'PA031',
  name: 'unencrypted-sensitive',
  defaultSeverity: 'warning',
  description: 'High-sensitivity data sent with `encryption: none` or `encoded` while no finding cites the flow.',
  fixable: false,
  check(ctx) {
    const { report, taxonomy } = ctx;
    const covered = new Set<string>();
    for (const ref of report.references) if (ref.from?.kind === 'finding' && ref.field === 'flows') covered.add(ref.id);
    // a finding in a block that does not parse (PA002) may list it
    for (const id of unreadable(report).mentioned) covered.add(id);
    for (const r of report.records) {
      if (r.kind !== 'flow') continue;
      const enc = r.fields.get('encryption');
      const mode = scalarText(enc)?.trim();
      if (mode !== 'none' && mode !== 'encoded') continue;
      if (r.id !== undefined && covered.has(r.id)) continue;
      const high = listItems(r.fields.get('data'))
        .map((n) => (n.type === 'scalar' && n.value !== null ? taxonomy.lookup(String(n.value)) : undefined))
        .filter((c) => c?.sensitivity === 'high')
        .map((c) => c!.label);
      if (!high.length) continue;
      const how = mode === 'none' ? 'without encryption' : 'merely encoded (encoding is not encryption)';
      ctx.flag(enc!.value!.span, `The ${recordLabel(r)} sends high-sensitivity data (${[...new Set(high)].join(', ')}) ${how}, and no finding lists it in \`flows\`.`);
    }
  },
};
