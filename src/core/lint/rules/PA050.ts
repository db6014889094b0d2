import type { CaptureMatch } from '../../capture/types';
import { recordLabel, type Rule } from '../rule';
import { andList, atLocator, categoriesOf, citedCaptures, dataItems, declared, flowTarget, goesTo, locatorList, matchOf, note, towards, unreadableReason } from './claims';

/** A flow whose cited entries or frames do not show its data going to its host. */
export const PA050: Rule = {
  id: 'PA050',
  name: 'flow-capture-mismatch',
  defaultSeverity: 'warning',
  description: "A flow cites entries or frames of a capture that do not show one of its data categories' declared values going to its host.",
  fixable: false,
  needs: ['captures'],
  check(ctx) {
    const { report } = ctx;
    for (const flow of report.records) {
      if (flow.kind !== 'flow') continue;
      // only citations with an entry or a frame are claims about the capture's content
      const cites = citedCaptures(ctx, flow).filter((c) => c.located.size > 0);
      if (!cites.length) continue;
      const t = flowTarget(report, flow);
      if (t.host === undefined && !t.addresses.length) continue;
      const where = t.shownHost ?? andList(t.addresses);
      const items = dataItems(report, flow).filter((i) => declared(ctx, t.device, i.text));
      let blind = false;
      // what the cited units show going to the host, and which locators show nothing of the flow's data
      const shown: { id: string; locator: string; ms: CaptureMatch[] }[] = [];
      for (const c of cites) {
        if (c.outcome.state === 'unreadable') {
          blind = true;
          note(ctx, c.refs[0]!.span, `${c.id} could not be read: ${unreadableReason(c.outcome)}; ${t.id} is not checked against it.`);
          continue;
        }
        const { result } = c.outcome;
        for (const [locator, ref] of c.located) {
          const there = atLocator(result, locator).filter((m) => goesTo(m, t));
          shown.push({ id: c.id, locator, ms: there });
          if (!items.length) continue;
          if (there.some((m) => items.some((i) => matchOf(ctx, m, i.text)))) continue;
          const [kind, n] = locator.split('=') as [string, string];
          const unit = result.format === 'har' ? 'entry' : 'frame';
          const why =
            kind !== unit
              ? ` (${c.id} is a ${result.format === 'har' ? 'HAR file: its locators are entries' : 'pcap capture: its locators are frames'})`
              : result.units !== undefined && Number(n) > result.units
                ? ` (${c.id} has ${result.units} ${unit === 'entry' ? 'entries' : 'frames'})`
                : '';
          const others = categoriesOf(there);
          const what = others.length ? `; it shows ${andList(others)} going there` : '';
          ctx.flag(ref.span, `${c.id}#${locator} shows none of ${t.id}'s data (${andList(items.map((i) => i.text))}) going to ${where}${what}${why}.`);
        }
      }
      if (blind || !items.length) continue;
      // a locator that shows nothing of the flow's data already said so; a category is missing when no cited unit shows it
      if (shown.every((s) => !s.ms.some((m) => items.some((i) => matchOf(ctx, m, i.text))))) continue;
      for (const item of items) {
        if (shown.some((s) => s.ms.some((m) => matchOf(ctx, m, item.text)))) continue;
        const cited = shown.map((s) => `${s.id}#${s.locator}`);
        const elsewhere = cites.flatMap((c) =>
          c.outcome.state === 'read' ? towards(c.outcome.result, t).filter((m) => matchOf(ctx, m, item.text)).map((m) => ({ id: c.id, locator: m.locator })) : [],
        );
        const hint = elsewhere.length
          ? ` ${elsewhere[0]!.id} shows it going there at ${locatorList(elsewhere[0]!.id, elsewhere.filter((e) => e.id === elsewhere[0]!.id).map((e) => e.locator))}.`
          : '';
        ctx.flag(
          item.node.span,
          `The ${recordLabel(flow)} says it sends ${item.text} to ${where}, but ${cited.length === 1 ? `${cited[0]}, which it cites, does not show` : `none of the entries and frames it cites (${cited.slice(0, 6).join(', ')}${cited.length > 6 ? ', …' : ''}) shows`} the declared value going there.${hint}`,
        );
      }
    }
  },
};
