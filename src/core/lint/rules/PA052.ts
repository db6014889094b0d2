import { edit, scalarInner } from '../edits';
import type { Fix } from '../../report/types';
import { scalarText } from '../../report/model';
import type { Rule } from '../rule';
import { andList, citedCaptures, flowTarget, forHost, note } from './claims';

/** A flow's `country` that none of its addresses locate to. */
export const PA052: Rule = {
  id: 'PA052',
  name: 'flow-country-mismatch',
  defaultSeverity: 'warning',
  description: "A flow's `country` differs from where its addresses (or the addresses its cited captures show for its host) are located.",
  fixable: true,
  needs: ['captures'],
  check(ctx) {
    const { report } = ctx;
    let missingSaid = false;
    for (const flow of report.records) {
      if (flow.kind !== 'flow') continue;
      const entry = flow.fields.get('country');
      const written = scalarText(entry)?.trim();
      if (!entry?.value || !written) continue;
      const t = flowTarget(report, flow);
      // its own addresses, then those the cited captures show for its host
      const addresses = t.addresses.map((a) => ({ a, shown: a }));
      for (const c of citedCaptures(ctx, flow)) {
        if (c.outcome.state !== 'read') continue;
        for (const m of t.host === undefined ? [] : forHost(c.outcome.result, t.host)) {
          if (m.address && m.host?.toLowerCase() === t.host && !addresses.some((x) => x.a === m.address)) addresses.push({ a: m.address, shown: `${m.address} in ${c.id}` });
        }
      }
      if (!addresses.length || !ctx.locate) continue;
      const data = ctx.locate.geoData();
      if (!data) {
        if (!missingSaid) note(ctx, entry.value.span, `Where ${t.id}'s addresses are cannot be checked: there is no location data here, so no flow's \`country\` is checked.`);
        missingSaid = true;
        continue;
      }
      const located = new Map<string, string[]>();
      for (const { a, shown } of addresses) {
        const country = ctx.locate.locate(a)?.country?.toUpperCase();
        if (!country) continue; // special-purpose or unknown
        located.set(country, [...(located.get(country) ?? []), shown]);
      }
      if (!located.size || located.has(written.toUpperCase())) continue;
      const where = andList([...located].map(([country, as]) => `${country} (${as.slice(0, 3).join(', ')}${as.length > 3 ? ', …' : ''})`));
      const fixes: Fix[] =
        located.size === 1
          ? [{ title: `Set the country to ${[...located.keys()][0]}`, edits: [edit(report, scalarInner(report, entry.value), [...located.keys()][0]!)], preferred: true }]
          : [];
      ctx.flag(entry.value.span, `${t.id}'s addresses locate to ${where}, not ${written} — ${data}.`, { fixes });
    }
  },
};
