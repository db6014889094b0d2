import { scalarText } from '../../report/model';
import { anchor, recordLabel, type Rule } from '../rule';

/** A device without `build`. */
export const PA040: Rule = {
  id: 'PA040',
  name: 'device-build',
  defaultSeverity: 'warning',
  description: 'A device without `build`: the test cannot be reproduced.',
  fixable: false,
  check(ctx) {
    for (const r of ctx.report.records) {
      if (r.kind === 'device' && !scalarText(r.fields.get('build'))?.trim()) {
        ctx.flag(anchor(r), `The ${recordLabel(r)} has no \`build\`: without the firmware/OS build nobody can reproduce the test.`);
      }
    }
  },
};
