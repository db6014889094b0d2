import type { CaptureMatch } from '../../capture/types';
import { scalarText } from '../../report/model';
import { compareRetest, retestFlows, suggestedResultFix } from '../retest-compare';
import type { Rule } from '../rule';
import { andList, categoriesOf, citedCaptures, dataItems, declared, flowTarget, locatorList, matchOf, note, towards, unreadableReason } from './claims';

/** A retest that says `fixed` while its capture still shows a flow's data going to the flow's host. */
export const PA051: Rule = {
  id: 'PA051',
  name: 'retest-still-sends',
  defaultSeverity: 'error',
  description: "A retest says `fixed` while the capture it cites still shows a flow's data going to that flow's host.",
  fixable: true,
  needs: ['captures'],
  check(ctx) {
    const { report } = ctx;
    for (const retest of report.records) {
      if (retest.kind !== 'retest') continue;
      const result = retest.fields.get('result');
      if (!result?.value || scalarText(result)?.trim().toLowerCase() !== 'fixed') continue;
      const cites = citedCaptures(ctx, retest);
      if (!cites.length) continue;
      const flows = retestFlows(report, retest);
      const still: string[] = [];
      for (const c of cites) {
        if (c.outcome.state === 'unreadable') {
          note(ctx, c.refs[0]!.span, `${c.id} could not be read: ${unreadableReason(c.outcome)}; whether ${retest.id ?? 'the retest'}'s \`fixed\` holds is not checked against it.`);
          continue;
        }
        const { result } = c.outcome;
        for (const flow of flows) {
          const t = flowTarget(report, flow);
          const items = dataItems(report, flow).filter((i) => declared(ctx, t.device, i.text));
          // cited with entries or frames: only those; cited as a whole: all of it
          const sent: CaptureMatch[] = towards(result, t).filter((m) => (!c.locators || c.locators.has(m.locator)) && items.some((i) => matchOf(ctx, m, i.text)));
          if (!sent.length) continue;
          still.push(`${andList(categoriesOf(sent))} of ${t.id} going to ${t.shownHost ?? sent[0]!.address} (${locatorList(c.id, sent.map((m) => m.locator))})`);
        }
      }
      if (still.length) {
        // the result the captures suggest, compared with the first run's (retest-compare.ts), as the fix
        const fixes = suggestedResultFix(report, retest, compareRetest(ctx, retest));
        ctx.flag(result.value.span, `${retest.id ?? 'The retest'} says \`fixed\`, but the capture it cites still shows ${still.join('; ')}.`, { fixes });
      }
    }
  },
};
