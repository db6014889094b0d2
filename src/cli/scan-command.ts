/**
 * `privacy-audit scan [CAPTURE ...] --report FILE.audit.md [--format stylish|json] [--keylog FILE] [--write]`
 * (spec §7): read the captures, find the report's canaries, print a table
 * per capture or the JSON document; `--write` adds the flows and evidence
 * records the scan found, as minimal edits.
 *
 * Exit codes as for `lint`: 0 when no canary was found sent, 1 when one was
 * (a leak is what `lint` would call a problem), 2 on a usage error or a
 * capture that could not be read.
 */
import path from 'node:path';
import type { Colors } from 'picocolors/types';
import { formatScanStylish } from '../core/capture/stylish';
import { scanJson, type ScanResult } from '../core/capture/result';
import { writeScan } from '../core/capture/write';
import type { ProjectConfig } from '../core/lint/config';
import { taxonomyFor } from '../core/lint/linter';
import { parseReport } from '../core/report/parse';
import { scanReport } from '../node/capture/scan';
import { writeFileAtomic } from '../node/write-atomic';

export interface ScanCommandOptions {
  report: string;
  format: 'stylish' | 'json';
  keylog?: string;
  tshark?: string;
  /** `--no-ripgrep`: read HAR files in JavaScript only. */
  ripgrep?: boolean;
  write?: boolean;
  root: string;
  config: ProjectConfig;
}

export interface ScanCommandOutput {
  out: string;
  err: string;
  code: number;
  result: ScanResult;
}

export async function scanCommand(reportText: string, captures: readonly string[], opts: ScanCommandOptions, cwd: string, colors: Colors): Promise<ScanCommandOutput> {
  const reportPath = path.resolve(cwd, opts.report);
  const report = parseReport(reportText);
  const result = await scanReport(report, reportPath, captures.map((c) => path.resolve(cwd, c)), {
    root: opts.root,
    keylog: opts.keylog && path.resolve(cwd, opts.keylog),
    tshark: opts.tshark,
    rg: opts.ripgrep === false ? false : undefined,
    taxonomy: taxonomyFor(report, opts.config),
  });
  let out = opts.format === 'json' ? scanJson(result) + '\n' : formatScanStylish(result, colors);
  let err = '';
  if (opts.write) {
    const w = writeScan(reportText, parseReport, result);
    if (w.text !== reportText) await writeFileAtomic(reportPath, w.text);
    const lines = [
      ...w.added.map((a) => `added ${a}`),
      ...w.kept.map((k) => `kept: ${k}`),
      ...(w.added.length === 0 ? ['nothing to add: every host the captures show is recorded'] : []),
    ];
    const summary = lines.map((l) => `  ${l}`).join('\n') + '\n';
    if (opts.format === 'json') err += summary;
    else out += `${colors.bold(`--write ${opts.report}:`)}\n${summary}`;
    for (const e of w.errors) err += `privacy-audit: could not add a record: ${e}\n`;
  }
  const unreadable = result.captures.filter((c) => c.error);
  for (const c of unreadable) if (opts.format === 'json') err += `privacy-audit: ${c.path}: ${c.error}\n`;
  const sent = result.captures.some((c) => c.matches.some((m) => m.direction === 'request'));
  const code = unreadable.length ? 2 : sent ? 1 : 0;
  return { out, err, code, result };
}
