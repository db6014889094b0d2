import { compareRetest, suggestedResultFix, type CompareRow } from '../retest-compare';
import type { Rule } from '../rule';
import { andList, note } from './claims';

/** `IMEI and email to api.example.test` for each host (at most four hosts, then how many more). */
function rowsSaid(rows: readonly CompareRow[]): string {
  const byHost = new Map<string, string[]>();
  for (const r of rows) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r.category]);
  const said = [...byHost].slice(0, 4).map(([host, cats]) => `${andList(cats)} to ${host}`);
  return andList(byHost.size > 4 ? [...said, `${byHost.size - 4} more hosts`] : said);
}

const ids = (list: readonly string[]) => andList(list.length ? list : ['none']);

/** A retest's written `result` that its captures, compared with the first run's, contradict. */
export const PA054: Rule = {
  id: 'PA054',
  name: 'retest-result-disagrees',
  defaultSeverity: 'warning',
  description: "A retest's `result` contradicts what its capture shows against the captures of its flows: `not-fixed` while every host and category stopped, `partially-fixed` while none did.",
  fixable: true,
  needs: ['captures'],
  check(ctx) {
    const { report } = ctx;
    for (const retest of report.records) {
      if (retest.kind !== 'retest') continue;
      const value = retest.fields.get('result')?.value;
      if (!value) continue;
      const cmp = compareRetest(ctx, retest);
      // `fixed` is PA051's; `inconclusive` is the analyst's call
      if (cmp.written !== 'not-fixed' && cmp.written !== 'partially-fixed') continue;
      if (!cmp.afterIds.length) continue;
      const name = retest.id ?? 'The retest';
      if (cmp.unread.length) {
        const what = cmp.unread.map((u) => `${u.id} (${u.side === 'before' ? "a flow's capture" : "the retest's capture"}): ${u.reason}`);
        note(ctx, value.span, `${name}'s \`${cmp.written}\` is not compared with the captures: ${what.join('; ')}.`);
        continue;
      }
      const stopped = cmp.rows.filter((r) => r.status === 'stopped');
      const other = cmp.rows.filter((r) => r.status !== 'stopped');
      const sides = `before (${ids(cmp.beforeIds)}) and after (${ids(cmp.afterIds)})`;
      if (cmp.written === 'not-fixed' && cmp.suggested === 'fixed') {
        ctx.flag(value.span, `${name} says \`not-fixed\`, but comparing the captures ${sides}, everything stopped: ${rowsSaid(stopped)}.`, {
          fixes: suggestedResultFix(report, retest, cmp),
        });
      } else if (cmp.written === 'partially-fixed' && cmp.suggested === 'not-fixed') {
        const said = (['still', 'new'] as const)
          .map((st) => [st, other.filter((r) => r.status === st)] as const)
          .filter(([, rows]) => rows.length)
          .map(([st, rows]) => `${st === 'still' ? 'still sent' : 'newly sent'}: ${rowsSaid(rows)}`);
        ctx.flag(value.span, `${name} says \`partially-fixed\`, but comparing the captures ${sides}, nothing stopped (${said.join('; ')}).`, {
          fixes: suggestedResultFix(report, retest, cmp),
        });
      }
    }
  },
};
