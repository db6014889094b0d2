/**
 * The linter: parse a report, check its evidence files, run every enabled
 * rule, and return diagnostics. One `Linter` per document keeps what did not
 * change between runs (parsed YAML blocks; evidence hashes keyed by size and
 * mtime), so re-linting after an edit costs little more than the edit.
 */
import * as path from 'node:path';
import { DEFAULT_CONFIG, parseCategories, parseLintSettings, type ProjectConfig } from './config';
import { EvidenceChecker, type EvidenceFs, type EvidenceStatus } from './evidence';
import { CAPTURE_EVIDENCE_KINDS, defaultCaptureScans, type CaptureOutcome, type CaptureScans } from './captures';
import { canariesOf } from '../capture/canaries';
import type { Canary } from '../capture/types';
import { RULES } from './index';
import { ALL_RULE_IDS } from './ids';
import type { Rule, RuleContext } from './rule';
import { scalarText, toPlain, type AuditRecord, type RecordBlock, type Report } from '../report/model';
import { parseReport, reparseEdit, textChange, yamlText } from '../report/parse';
import { Taxonomy } from '../report/taxonomy';
import type { Diagnostic, Severity, SeveritySetting } from '../report/types';
import type { ParsedYaml } from '../report/yaml';

export interface LintOptions {
  /** Absolute path of the report file; evidence paths are relative to its folder. Without it, file checks are skipped. */
  filePath?: string;
  /** The workspace root evidence may not leave; defaults to the report's folder. */
  root?: string;
  config?: ProjectConfig;
  /** How captures are read for the claim rules (PA050–PA053); default: the host's (`setDefaultCaptureScans`); null: none. */
  captures?: CaptureScans | null;
}

export interface LintResult {
  report: Report;
  diagnostics: Diagnostic[];
  /** The taxonomy in force for this report (built-in + config + front matter). */
  taxonomy: Taxonomy;
  /** Status of each evidence record that names a file (hash checks for hovers). */
  evidence: ReadonlyMap<AuditRecord, EvidenceStatus>;
  /** The scan of each capture evidence (empty unless a claim rule is enabled and the report has a path). */
  captures: ReadonlyMap<AuditRecord, CaptureOutcome>;
  /** The devices' identifier values the captures were searched for (empty when none was read). */
  canaries: readonly Canary[];
  /** The location data sets, named and dated, when captures were read with some. */
  geoData?: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export class Linter {
  private yamlCache = new Map<string, ParsedYaml>();
  private last: Report | undefined;
  readonly evidence: EvidenceChecker;

  /**
   * `evidence`: the checker to use (its file access and limits), or the file
   * access for a new one; without either, the host's default file access
   * (`setDefaultEvidenceFs`).
   */
  constructor(evidence: EvidenceChecker | { files?: EvidenceFs } = {}) {
    this.evidence = evidence instanceof EvidenceChecker ? evidence : new EvidenceChecker(evidence.files);
  }

  /** Parses only (with the block cache). */
  parse(text: string): Report {
    if (this.last && this.last.text === text) return this.last;
    const cache = this.yamlCache;
    // an edit inside one record block re-parses only that block
    const incremental = this.last && reparseEdit(this.last, text, { yamlCache: cache });
    const report = incremental ?? parseReport(text, { yamlCache: cache });
    this.last = report;
    // keep the cache to the blocks of the latest text, so it never grows without bound
    if (!incremental || cache.size > 2 * report.blocks.length + 64) {
      const live = new Map<string, ParsedYaml>();
      for (const b of report.blocks) {
        const key = blockText(report, b);
        const v = cache.get(key);
        if (v) live.set(key, v);
      }
      const fm = report.frontMatter;
      if (fm) {
        const key = yamlText(report.text.slice(fm.contentSpan.start, fm.contentSpan.end));
        const v = cache.get(key);
        if (v) live.set(key, v);
      }
      this.yamlCache = live;
    }
    return report;
  }

  async lint(text: string, options: LintOptions = {}): Promise<LintResult> {
    const report = this.parse(text);
    const config = options.config ?? DEFAULT_CONFIG;
    const taxonomy = taxonomyFor(report, config);
    const severities = severitiesFor(report, config);
    const enabled = enabledRules(severities);
    // the evidence files are checked only when an enabled rule reads their status (or the captures, read after the check)
    const needsCaptures = !!options.filePath && enabled.some(({ rule }) => rule.needs?.includes('captures'));
    const evidence = options.filePath && (needsCaptures || enabled.some(({ rule }) => rule.needs?.includes('evidence')))
      ? await this.checkEvidence(report, options.filePath, options.root)
      : new Map<AuditRecord, EvidenceStatus>();
    const canaries = needsCaptures ? canariesOf(report, taxonomy) : [];
    const scans = needsCaptures ? (options.captures === undefined ? defaultCaptureScans() : options.captures ?? undefined) : undefined;
    const captures = needsCaptures ? await scanCaptures(evidence, canaries, scans) : new Map<AuditRecord, CaptureOutcome>();
    const diagnostics: Diagnostic[] = [];
    const fatal = report.problems.some((p) => p.fatal);
    // rules that read the others' diagnostics (PA041) go last
    for (const { rule, severity } of [...enabled.filter((e) => !e.rule.runsLast), ...enabled.filter((e) => e.rule.runsLast)]) {
      if (fatal && rule.id !== 'PA000') continue;
      const ctx: RuleContext = {
        report,
        taxonomy,
        evidence,
        captures,
        canaries,
        ...(scans ? { locate: scans } : {}),
        earlier: diagnostics,
        flag(span, message, extra) {
          diagnostics.push({
            rule: rule.id,
            severity: extra?.severity ?? severity,
            message,
            span,
            range: report.lines.range(span),
            ...(extra?.fixes?.length ? { fixes: extra.fixes } : {}),
            ...(extra?.related?.length ? { related: extra.related.map((r) => ({ message: r.message, range: report.lines.range(r.span) })) } : {}),
          });
        },
      };
      try {
        rule.check(ctx);
      } catch (err) {
        // a rule bug must not take the others down; say so where it can be seen
        diagnostics.push({
          rule: rule.id,
          severity: 'error',
          message: `Internal error in rule ${rule.id}: ${(err as Error).message}. Please report this.`,
          span: { start: 0, end: 0 },
          range: report.lines.range({ start: 0, end: 0 }),
        });
      }
    }
    diagnostics.sort((a, b) => a.span.start - b.span.start || a.rule.localeCompare(b.rule) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    const geoData = captures.size ? scans?.geoData() : undefined;
    return { report, diagnostics, taxonomy, evidence, captures, canaries, ...(geoData ? { geoData } : {}) };
  }

  private async checkEvidence(report: Report, filePath: string, root: string | undefined): Promise<Map<AuditRecord, EvidenceStatus>> {
    const dir = path.dirname(path.resolve(filePath));
    const ws = root ? path.resolve(root) : dir;
    const out = new Map<AuditRecord, EvidenceStatus>();
    await Promise.all(
      report.records.map(async (r) => {
        if (r.kind !== 'evidence') return;
        const file = scalarText(r.fields.get('file'));
        if (file === undefined || file.trim() === '') return;
        out.set(r, await this.evidence.check(file.trim(), dir, ws));
      }),
    );
    return out;
  }
}

/** The scan of every capture evidence (`kind: har|pcap`) whose file checked out, through the host's `CaptureScans`. */
async function scanCaptures(evidence: ReadonlyMap<AuditRecord, EvidenceStatus>, canaries: readonly Canary[], scans: CaptureScans | undefined): Promise<Map<AuditRecord, CaptureOutcome>> {
  const out = new Map<AuditRecord, CaptureOutcome>();
  await Promise.all(
    [...evidence].map(async ([r, status]) => {
      const kind = scalarText(r.fields.get('kind'))?.trim();
      if (!kind || !CAPTURE_EVIDENCE_KINDS.has(kind) || status.state !== 'ok') return;
      const shown = scalarText(r.fields.get('file'))?.trim() ?? status.path;
      if (!scans) {
        out.set(r, { state: 'unreadable', reason: 'captures cannot be read here (no capture reader in this host)' });
        return;
      }
      try {
        out.set(r, await scans.scan({ file: status.path, shown, size: status.size, sha256: status.sha256, canaries }));
      } catch (err) {
        out.set(r, { state: 'unreadable', reason: (err as Error).message });
      }
    }),
  );
  return out;
}

/** The YAML text of a block as the parser keyed it in the cache (verbatim blocks; others are simply re-parsed). */
function blockText(report: Report, b: RecordBlock): string {
  return yamlText(report.text.slice(b.contentSpan.start, b.contentSpan.end));
}

/** Built-in categories, extended by the project config and then by the report's front matter. */
export function taxonomyFor(report: Report, config: ProjectConfig): Taxonomy {
  let t = Taxonomy.builtIn.extend(config.categories, 'config');
  const cats = report.frontMatter?.fields.get('categories')?.value;
  if (cats) t = t.extend(parseCategories(toPlain(cats)).categories, 'report');
  return t;
}

/** Rule severities: defaults, then the project config, then the report's `lint:`. */
export function severitiesFor(report: Report, config: ProjectConfig): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = { ...config.lint };
  const lint = report.frontMatter?.fields.get('lint')?.value;
  if (lint) Object.assign(out, parseLintSettings(toPlain(lint), ALL_RULE_IDS).settings);
  return out;
}

/** The rules that are not `off`, in catalogue order, with their severity. */
function enabledRules(severities: Record<string, SeveritySetting>): { rule: Rule; severity: Severity }[] {
  const out: { rule: Rule; severity: Severity }[] = [];
  for (const rule of RULES) {
    const severity = severities[rule.id] ?? rule.defaultSeverity;
    if (severity !== 'off') out.push({ rule, severity });
  }
  return out;
}

/** Lint once, without keeping caches. */
export function lintText(text: string, options?: LintOptions): Promise<LintResult> {
  return new Linter().lint(text, options);
}

/**
 * The diagnostics of `before` that an edit did not touch, moved to where they
 * are in `after` (those inside the changed text are dropped). Lets a view show
 * the text at once with the problems that still apply, before the next lint.
 */
export function carryDiagnostics(before: Report, after: Report, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const { start: p, oldEnd, delta } = textChange(before.text, after.text);
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.span.end <= p) out.push(d);
    else if (d.span.start >= oldEnd) {
      const span = { start: d.span.start + delta, end: d.span.end + delta };
      out.push({ ...d, span, range: after.lines.range(span) });
    }
  }
  return out;
}
