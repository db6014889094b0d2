/**
 * `privacy-audit export FILE --pdf OUT --html OUT [--browser PATH] [--paper a4|letter]`
 * as one function: the report file in, the files written and a summary out.
 * See src/node/export.ts for how the export is made.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ProjectConfig } from '../core/lint/config';
import { isInside } from '../core/lint/evidence';
import { PAPERS, type Paper } from '../core/present/document';
import { visible } from '../core/lint/format/visible';
import { parseReport } from '../core/report/parse';
import { maskFileName, redactorFor } from '../core/redact';
import { Exporter, type ExporterOptions, type ExportOptions, type ExportResult } from '../node/export';
import { exportOutputClash, readReportFile } from '../node/files';

export { PAPERS, type Paper };

export interface ExportCommandOptions {
  /** Output paths, relative to `cwd`. At least one. */
  pdf?: string;
  html?: string;
  /** `--browser`. */
  browser?: string;
  paper?: Paper;
  /** The workspace root evidence may not leave (default `cwd`); a report outside it is checked against its own folder. */
  root?: string;
  config?: ProjectConfig;
  /** `Privacy Audit 0.1.0`, shown in the document. */
  generator?: string;
  /** The mermaid bundle, when not in node_modules. */
  mermaidPath?: string;
}

/** A failure the command line reports as a usage or I/O error (exit code 2), message as is. */
export class ExportCommandError extends Error {}

/**
 * Exports `file` (relative to `cwd`). Rejects with `ExportCommandError` for
 * a missing output, an unreadable report, no browser (the message says what
 * to install or to pass --browser) or a failed export.
 */
export async function exportCommand(file: string, options: ExportCommandOptions, cwd: string): Promise<ExportResult> {
  if (!options.pdf && !options.html) throw new ExportCommandError('Nothing to export: give --pdf FILE, --html FILE or both.');
  checkPaper(options.paper);
  const exporter = new Exporter(exporterOptions(options));
  try {
    // the browser starts now, while the report is read and checked (a failure to start is reported by the export)
    exporter.start().catch(() => {});
    // the exporter checks the outputs against the report and its evidence once it has parsed the report
    const job = await exportJob(file, options, cwd, { pdf: options.pdf, html: options.html }, [], false);
    try {
      return await exporter.export(job);
    } catch (err) {
      throw new ExportCommandError((err as Error).message);
    }
  } finally {
    await exporter.dispose();
  }
}

export type ExportFormat = 'pdf' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['pdf', 'html'];

export interface ExportManyOptions extends Omit<ExportCommandOptions, 'pdf' | 'html'> {
  /** The folder the files go to (made when missing), relative to `cwd`. */
  outDir: string;
  formats: readonly ExportFormat[];
}

export interface ExportManyItem {
  /** The report, as given. */
  file: string;
  result?: ExportResult;
  /** Why this report was not exported (the others still are). */
  error?: string;
}

/**
 * Exports several reports with one browser, kept warm between them: each
 * `NAME.audit.md` becomes `NAME.pdf` and/or `NAME.html` in `outDir`. A report
 * that fails is reported and the rest go on; no browser, or two reports
 * that would write the same file, stop everything before anything is written.
 */
export async function exportMany(files: readonly string[], options: ExportManyOptions, cwd: string, onEach?: (item: ExportManyItem) => void): Promise<ExportManyItem[]> {
  checkPaper(options.paper);
  if (!options.formats.length || options.formats.some((f) => !EXPORT_FORMATS.includes(f))) throw new ExportCommandError(`--formats takes ${EXPORT_FORMATS.join(', ')} or both, comma-separated.`);
  const formats = [...new Set(options.formats)];
  const outDir = path.resolve(cwd, options.outDir);
  // names that differ only in case or Unicode form are one file on macOS and Windows
  const byOutput = new Map<string, string>();
  const outputs = files.map((file) => {
    const name = path.basename(file).replace(/\.audit\.md$/i, '').replace(/\.md$/i, '') || 'report';
    const out: { pdf?: string; html?: string } = {};
    for (const f of formats) {
      const target = path.join(outDir, `${name}.${f}`);
      const same = target.normalize('NFC').toLowerCase();
      const other = byOutput.get(same);
      if (other !== undefined) throw new ExportCommandError(`${other} and ${file} would both be written to ${target}; export them to different folders.`);
      byOutput.set(same, file);
      out[f] = target;
    }
    return out;
  });
  const exporter = new Exporter(exporterOptions(options));
  const items: ExportManyItem[] = [];
  try {
    // the browser first: without one, nothing is made (not even the folder)
    try {
      await exporter.start();
    } catch (err) {
      throw new ExportCommandError((err as Error).message);
    }
    const existing = await fsp.stat(outDir).catch(() => undefined);
    if (existing && !existing.isDirectory()) throw new ExportCommandError(`--out-dir ${options.outDir} is a file, not a folder.`);
    await fsp.mkdir(outDir, { recursive: true });
    // one job: each report is read when its turn comes, and printed while the next one is prepared
    await exporter.exportAll(
      files.map((file, i) => async () => {
        const job = await exportJob(file, options, cwd, outputs[i]!, files);
        // an output named after the report is named without its secrets (a report named after the IMEI)
        for (const f of formats) {
          const planned = job[f];
          if (!planned) continue;
          const masked = path.join(path.dirname(planned), maskFileName(path.basename(planned), redactorFor(parseReport(job.text))));
          if (masked === planned) continue;
          const key = masked.normalize('NFC').toLowerCase();
          const other = byOutput.get(key);
          if (other !== undefined && other !== file) throw new ExportCommandError(`${other} and ${file} would both be written to ${masked} (its name masked); export them to different folders.`);
          byOutput.set(key, file);
          job[f] = masked;
        }
        return job;
      }),
      (i, outcome) => {
        const item: ExportManyItem = outcome instanceof Error ? { file: files[i]!, error: outcome.message } : { file: files[i]!, result: outcome };
        items.push(item);
        onEach?.(item);
      },
    );
  } finally {
    await exporter.dispose();
  }
  return items;
}

function checkPaper(paper: Paper | undefined): void {
  if (paper !== undefined && !PAPERS.includes(paper)) throw new ExportCommandError(`--paper must be ${PAPERS.join(' or ')}.`);
}

function exporterOptions(options: ExportCommandOptions): ExporterOptions {
  return {
    ...(options.browser ? { browserPath: options.browser } : {}),
    ...(options.generator ? { generator: options.generator } : {}),
    ...(options.mermaidPath ? { mermaidPath: options.mermaidPath } : {}),
  };
}

/**
 * Reads `file` and makes its export options; evidence is checked against
 * `root`, or the report's folder when it lies outside. Refuses outputs that
 * are the report, another report of the batch (`batch`), or one of the
 * report's evidence files, whatever path leads to them.
 */
async function exportJob(file: string, options: ExportCommandOptions, cwd: string, out: { pdf?: string | undefined; html?: string | undefined }, batch: readonly string[] = [], checkNow = true): Promise<ExportOptions> {
  const reportPath = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readReportFile(reportPath, visible(file));
  } catch (err) {
    throw new ExportCommandError((err as Error).message);
  }
  const pdf = out.pdf ? path.resolve(cwd, out.pdf) : undefined;
  const html = out.html ? path.resolve(cwd, out.html) : undefined;
  if (checkNow) await checkOutputs(reportPath, text, cwd, [pdf, html], batch);
  const root = path.resolve(cwd, options.root ?? '.');
  return {
    text,
    filePath: reportPath,
    shownPath: (p) => visible(shownPath(p, cwd)),
    root: isInside(root, reportPath) ? root : path.dirname(reportPath),
    ...(options.config ? { config: options.config } : {}),
    ...(pdf ? { pdf } : {}),
    ...(html ? { html } : {}),
    ...(options.paper ? { paper: options.paper } : {}),
  };
}

/** Rejects when an output would replace an input, or the PDF and the HTML file are one file. */
async function checkOutputs(reportPath: string, text: string, cwd: string, outputs: readonly (string | undefined)[], batch: readonly string[]): Promise<void> {
  const clash = await exportOutputClash({ reportPath, text, outputs, batch: batch.map((b) => path.resolve(cwd, b)), shown: (p) => visible(shownPath(p, cwd)) });
  if (clash) throw new ExportCommandError(clash);
}

/** `p` relative to `cwd` when inside it, otherwise absolute. */
function shownPath(p: string, cwd: string): string {
  const x = path.relative(cwd, p);
  return x && !x.startsWith('..') && !path.isAbsolute(x) ? x : p;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

/** What the command prints: one line per file written, then the notes (lint errors, warnings). */
export function exportSummary(r: ExportResult, cwd: string): { out: string; err: string } {
  const rel = (p: string) => shownPath(p, cwd);
  const lines: string[] = [];
  if (r.pdf) lines.push(`Wrote ${rel(r.pdf.path)} (${r.pdf.pages} page${r.pdf.pages === 1 ? '' : 's'}, ${size(r.pdf.bytes)})`);
  if (r.html) lines.push(`Wrote ${rel(r.html.path)} (${size(r.html.bytes)})`);
  lines.push(`Evidence: ${r.evidence.verified} of ${r.evidence.files} file${r.evidence.files === 1 ? '' : 's'} verified; ${(r.timings.total / 1000).toFixed(1)} s`);
  // where the time went, for a slow export (PRIVACY_AUDIT_TIMINGS=1)
  if (process.env.PRIVACY_AUDIT_TIMINGS) lines.push(`Timings (ms): ${Object.entries(r.timings).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}`);
  const notes = [...r.warnings];
  if (r.errors > 0) notes.unshift(`the report has ${r.errors} lint error${r.errors === 1 ? '' : 's'}; the export marks each one (run privacy-audit lint for details)`);
  return { out: lines.map((l) => `${l}\n`).join(''), err: notes.map((n) => `privacy-audit: warning: ${n}\n`).join('') };
}
