/** What a lint rule module exports, and the context it runs in. */
import type { EvidenceStatus } from './evidence';
import type { CaptureOutcome, CaptureScans } from './captures';
import type { Canary } from '../capture/types';
import type { AuditRecord, Report } from '../report/model';
import type { Taxonomy } from '../report/taxonomy';
import type { Diagnostic, Fix, Severity, Span } from '../report/types';

export const DOCS_BASE = 'https://github.com/privacy-audit/privacy-audit/blob/main/docs/rules/';

export interface RuleMeta {
  /** Stable id, e.g. `PA010`. */
  id: string;
  /** Short kebab-case name, e.g. `flow-evidence`. */
  name: string;
  defaultSeverity: Severity;
  /** One sentence: what the rule catches. */
  description: string;
  /** Whether the rule offers fixes. */
  fixable: boolean;
  /** What the rule reads beyond the parsed report; the linter prepares it only when an enabled rule needs it. */
  needs?: readonly RuleNeed[];
}

/**
 * Inputs a rule may need that cost work to prepare: `evidence`, the status of
 * every evidence file (exists, hash; file I/O); `captures`, the scan of every
 * capture evidence (see captures.ts; implies `evidence`).
 */
export type RuleNeed = 'evidence' | 'captures';

export interface RuleContext {
  report: Report;
  taxonomy: Taxonomy;
  /** Status of every evidence record that names a `file`, checked before the rules run (empty unless an enabled rule `needs` it). */
  evidence: ReadonlyMap<AuditRecord, EvidenceStatus>;
  /** The scan of every capture evidence whose file checked out (empty unless an enabled rule `needs` captures). */
  captures: ReadonlyMap<AuditRecord, CaptureOutcome>;
  /** The devices' identifier values the captures were searched for. */
  canaries: readonly Canary[];
  /** Where addresses are located (the host's location data), when there is any. */
  locate?: Pick<CaptureScans, 'locate' | 'geoData'>;
  /** Diagnostics of the rules that ran before (PA041 reads them). */
  earlier: readonly Diagnostic[];
  /** Flags a problem at `span`: it becomes a diagnostic of the rule. */
  /** `severity`: lower than the rule's (an `info` that something could not be checked), never higher. */
  flag(span: Span, message: string, extra?: { fixes?: Fix[]; related?: { message: string; span: Span }[]; severity?: 'info' }): void;
}

export interface Rule extends RuleMeta {
  /** Runs after every other rule (it reads their diagnostics). */
  runsLast?: boolean;
  check(ctx: RuleContext): void;
}

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}

/** Where a record-level problem is shown: its id, else its first key, else the record. */
export function anchor(r: AuditRecord): Span {
  return r.idSpan ?? r.map.entries[0]?.keySpan ?? r.span;
}

/** A record as messages name it: `flow F3`, or `flow without id`. */
export function recordLabel(r: AuditRecord): string {
  return r.id !== undefined ? `${r.kind} ${r.id}` : `${r.kind} without id`;
}
