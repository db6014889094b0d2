import { scanEdits } from '../../capture/write';
import type { CaptureResult, ScanResult } from '../../capture/result';
import type { CaptureMatch } from '../../capture/types';
import { parseReport } from '../../report/parse';
import { scalarText } from '../../report/model';
import type { Fix, TextEdit } from '../../report/types';
import { edit } from '../edits';
import { anchor, type Rule } from '../rule';
import { andList, captureOf, categoriesOf, flowTarget, locatorList, note, unreadableReason, type FlowTarget } from './claims';

/** At most this many "add the flow" fixes per lint (each writes the report's text again to compute its edits). */
const MAX_FIXES = 20;

/** Whether a flow of the match's device (or of no known device) records its host: by name, or by the match's address. */
function recorder(targets: readonly FlowTarget[]): (m: CaptureMatch) => boolean {
  const keys = new Set<string>();
  for (const t of targets) {
    const device = t.device ?? '';
    if (t.host !== undefined) keys.add(`${device}\u0000${t.host}`);
    for (const a of t.addresses) keys.add(`${device}\u0000${a.toLowerCase()}`);
  }
  return (m) => {
    const host = (m.host ?? m.address)?.toLowerCase();
    return [m.device, ''].some((d) => (host !== undefined && keys.has(`${d}\u0000${host}`)) || (m.address !== undefined && keys.has(`${d}\u0000${m.address.toLowerCase()}`)));
  };
}

/** A capture that shows a declared value going to a host no flow records. */
export const PA053: Rule = {
  id: 'PA053',
  name: 'unrecorded-host',
  defaultSeverity: 'warning',
  description: 'A capture in the report shows a declared value going to a host that no flow records.',
  fixable: true,
  needs: ['captures'],
  check(ctx) {
    const { report } = ctx;
    if (!ctx.captures.size) return;
    const recorded = recorder(report.records.filter((r) => r.kind === 'flow').map((f) => flowTarget(report, f)));
    // the scan as `privacy-audit scan --write` sees it: every capture evidence, in the report's order
    const captures: CaptureResult[] = [];
    for (const r of report.records) {
      const outcome = r.kind === 'evidence' ? captureOf(ctx, r) : undefined;
      if (outcome?.state === 'read' && r.id) captures.push({ ...outcome.result, path: scalarText(r.fields.get('file'))?.trim() ?? outcome.result.path, evidence: r.id });
    }
    const scan: ScanResult = { version: 1, captures, canaries: ctx.canaries.map((c) => ({ device: c.device, category: c.category })), data: {} };
    let fixesMade = 0;
    for (const r of report.records) {
      const outcome = r.kind === 'evidence' ? captureOf(ctx, r) : undefined;
      if (!outcome) continue;
      const label = `${r.id ?? 'This capture'} (\`${scalarText(r.fields.get('file'))?.trim()}\`)`;
      if (outcome.state === 'unreadable') {
        note(ctx, anchor(r), `${label} could not be read: ${unreadableReason(outcome)}; PA050–PA053 do not check it.`);
        continue;
      }
      // unrecorded hosts, by device and host, in order of first appearance
      const groups = new Map<string, CaptureMatch[]>();
      for (const m of outcome.result.matches) {
        if (m.direction !== 'request' || (!m.host && !m.address) || recorded(m)) continue;
        const key = `${m.device}\u0000${(m.host ?? m.address)!.toLowerCase()}`;
        groups.set(key, [...(groups.get(key) ?? []), m]);
      }
      for (const [key, ms] of groups) {
        const [device, host] = key.split('\u0000') as [string, string];
        const shown = ms[0]!.host ?? ms[0]!.address!;
        const fixes: Fix[] = [];
        if (r.id && fixesMade < MAX_FIXES) {
          fixesMade++;
          // the report as linted is the text's parse (no second parse); the fix is not verified here, as no lint fix is:
          // it is the text `scan --write` writes (verified there), applied when the user asks. Its edits are
          // worked out when first asked for (a quick fix shown, applied): a re-lint while typing does not write them
          let edits: TextEdit[] | undefined;
          const compute = (): TextEdit[] => {
            const w = scanEdits(report.text, (text) => (text === report.text ? report : parseReport(text)), scan, (f) => f.device === device && f.host.toLowerCase() === host, { verify: false });
            return w.errors.length ? [] : w.edits.map((e) => edit(report, e.span, e.newText));
          };
          fixes.push({
            title: `Add a flow ${device} → ${shown} (as \`privacy-audit scan --write\` does)`,
            get edits() {
              return (edits ??= compute());
            },
          });
        }
        ctx.flag(anchor(r), `${label} shows ${andList(categoriesOf(ms))} of ${device} going to ${shown} (${locatorList(r.id ?? '', ms.map((m) => m.locator))}), which no flow of ${device} records.`, { fixes });
      }
    }
  },
};
