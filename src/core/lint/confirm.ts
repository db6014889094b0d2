/**
 * What the captures say about each flow, for the preview, the PDF and the
 * diagram (the rules PA050/PA052 say what is wrong; this says what holds).
 *
 * A flow is **confirmed** when it cites at least one entry or frame of a
 * capture that could be read, and its cited entries and frames together
 * show every data category it declares a value for going to its host (or
 * one of its addresses). It is **contradicted** when a cited entry or frame
 * shows none of its data going there, or a declared category is shown by
 * none of them; **unchecked** when it cites no entry or frame, a capture
 * could not be read, or it declares no value the captures were searched for.
 */
import type { Exhibit } from '../capture/exhibit';
import type { CaptureMatch } from '../capture/types';
import type { AuditRecord } from '../report/model';
import type { LintResult } from './linter';
import type { RuleContext } from './rule';
import { atLocator, citedCaptures, dataItems, declared, flowTarget, goesTo, matchOf } from './rules/claims';

export interface CitedUnit {
  /** The evidence id (`E2`) and the normalised locator (`frame=22`). */
  id: string;
  locator: string;
  /** What it shows of the flow's device going to the flow's host. */
  matches: CaptureMatch[];
  /** The masked request, when the scan kept one. */
  exhibit?: Exhibit;
}

export interface FlowConfirmation {
  state: 'confirmed' | 'contradicted' | 'unchecked';
  /** Every cited entry and frame of a capture that was read, in citation order. */
  units: CitedUnit[];
  /** Declared categories that no cited unit shows (as the flow writes them). */
  missing: string[];
  /** Why it is unchecked. */
  reason?: string;
}

type ClaimContext = Pick<RuleContext, 'report' | 'captures' | 'taxonomy' | 'canaries'>;

const memo = new WeakMap<LintResult, Map<AuditRecord, FlowConfirmation>>();

/** The confirmation of every flow of a lint result (computed once per result). */
export function flowConfirmations(result: LintResult): Map<AuditRecord, FlowConfirmation> {
  let out = memo.get(result);
  if (out) return out;
  out = new Map();
  const ctx: ClaimContext = { report: result.report, captures: result.captures, taxonomy: result.taxonomy, canaries: result.canaries };
  for (const flow of result.report.records) if (flow.kind === 'flow') out.set(flow, confirm(ctx, flow));
  memo.set(result, out);
  return out;
}

function confirm(ctx: ClaimContext, flow: AuditRecord): FlowConfirmation {
  const cites = citedCaptures(ctx, flow).filter((c) => c.located.size > 0);
  if (!cites.length) return { state: 'unchecked', units: [], missing: [], reason: 'it cites no entry or frame of a capture' };
  const t = flowTarget(ctx.report, flow);
  const items = dataItems(ctx.report, flow).filter((i) => declared(ctx, t.device, i.text));
  const units: CitedUnit[] = [];
  let unread = false;
  for (const c of cites) {
    if (c.outcome.state !== 'read') {
      unread = true;
      continue;
    }
    const { result } = c.outcome;
    for (const locator of c.located.keys()) {
      const u: CitedUnit = { id: c.id, locator, matches: atLocator(result, locator).filter((m) => goesTo(m, t)) };
      const ex = result.exhibits?.find((e) => e.locator === locator);
      if (ex) u.exhibit = ex;
      units.push(u);
    }
  }
  const missing = items.filter((i) => !units.some((u) => u.matches.some((m) => matchOf(ctx, m, i.text)))).map((i) => i.text);
  const empty = items.length > 0 && units.some((u) => !u.matches.some((m) => items.some((i) => matchOf(ctx, m, i.text))));
  if (units.length && items.length && (missing.length || empty)) return { state: 'contradicted', units, missing };
  if (unread) return { state: 'unchecked', units, missing, reason: 'a capture it cites could not be read' };
  if (!items.length) return { state: 'unchecked', units, missing, reason: 'none of its data categories has a declared value to look for' };
  return { state: 'confirmed', units, missing };
}

/** The ids of the flows the captures confirm (for the data-flow diagram). */
export function confirmedFlowIds(result: LintResult): Set<string> {
  const out = new Set<string>();
  for (const [flow, c] of flowConfirmations(result)) if (c.state === 'confirmed' && flow.id) out.add(flow.id);
  return out;
}
