import { listItems, scalarText } from '../../report/model';
import type { Fix } from '../../report/types';
import { insertField, replaceValue } from '../edits';
import { anchor, recordLabel, type Rule } from '../rule';
import { hasEvidence } from './evidence-required';

/** A flow without evidence. */
export const PA010: Rule = {
  id: 'PA010',
  name: 'flow-evidence',
  defaultSeverity: 'error',
  description: 'A flow without evidence.',
  fixable: true,
  check(ctx) {
    const { report } = ctx;
    for (const r of report.records) {
      if (r.kind !== 'flow' || hasEvidence(r)) continue;
      const entry = r.fields.get('evidence');
      const fixes: Fix[] = [];
      // the evidence of the step during which the flow was seen is the likeliest capture
      const stepId = scalarText(r.fields.get('step'))?.trim();
      const step = stepId ? report.byId.get(stepId) : undefined;
      const stepEvidence = step?.kind === 'step' ? listItems(step.fields.get('evidence')).map((n) => (n.type === 'scalar' ? String(n.value ?? '').trim() : '')).filter(Boolean) : [];
      if (stepEvidence.length) {
        const list = `[${stepEvidence.join(', ')}]`;
        fixes.push({
          title: `Cite the evidence of step ${stepId}: ${list}`,
          edits: [entry ? replaceValue(report, entry, list) : insertField(report, r, 'evidence', list)],
        });
      }
      if (!entry) fixes.push({ title: 'Add `evidence: []` to fill in', edits: [insertField(report, r, 'evidence', '[]')], placeholder: true });
      ctx.flag(entry?.keySpan ?? anchor(r), `The ${recordLabel(r)} cites no evidence: every observed flow needs the capture that shows it.`, { fixes });
    }
  },
};
