/**
 * `privacy-audit export FILE --pdf OUT --html OUT [--browser PATH] [--paper a4|letter]`
 * as one function: the report file in, the files written and a summary out.
 * See export.ts for how the export is made.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ProjectConfig } from '../core/config';
import { isInside } from '../core/evidence';
import { PAPERS, type Paper } from '../core/export/document';
import { exportReport, type ExportResult } from './export';

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
  if (options.paper !== undefined && !PAPERS.includes(options.paper)) throw new ExportCommandError(`--paper must be ${PAPERS.join(' or ')}.`);
  const reportPath = path.resolve(cwd, file);
  let text: string;
  try {
    text = await fsp.readFile(reportPath, 'utf8');
  } catch (err) {
    throw new ExportCommandError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const root = path.resolve(cwd, options.root ?? '.');
  try {
    return await exportReport({
      text,
      filePath: reportPath,
      root: isInside(root, reportPath) ? root : path.dirname(reportPath),
      ...(options.config ? { config: options.config } : {}),
      ...(options.pdf ? { pdf: path.resolve(cwd, options.pdf) } : {}),
      ...(options.html ? { html: path.resolve(cwd, options.html) } : {}),
      ...(options.paper ? { paper: options.paper } : {}),
      ...(options.browser ? { browserPath: options.browser } : {}),
      ...(options.generator ? { generator: options.generator } : {}),
      ...(options.mermaidPath ? { mermaidPath: options.mermaidPath } : {}),
    });
  } catch (err) {
    throw new ExportCommandError((err as Error).message);
  }
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

/** What the command prints: one line per file written, then the notes (lint errors, warnings). */
export function exportSummary(r: ExportResult, cwd: string): { out: string; err: string } {
  const rel = (p: string) => {
    const x = path.relative(cwd, p);
    return x && !x.startsWith('..') && !path.isAbsolute(x) ? x : p;
  };
  const lines: string[] = [];
  if (r.pdf) lines.push(`Wrote ${rel(r.pdf.path)} (${r.pdf.pages} page${r.pdf.pages === 1 ? '' : 's'}, ${size(r.pdf.bytes)})`);
  if (r.html) lines.push(`Wrote ${rel(r.html.path)} (${size(r.html.bytes)})`);
  lines.push(`Evidence: ${r.evidence.verified} of ${r.evidence.files} file${r.evidence.files === 1 ? '' : 's'} verified; ${(r.timings.total / 1000).toFixed(1)} s`);
  const notes = [...r.warnings];
  if (r.errors > 0) notes.unshift(`the report has ${r.errors} lint error${r.errors === 1 ? '' : 's'}; the export marks each one (run privacy-audit lint for details)`);
  return { out: lines.map((l) => `${l}\n`).join(''), err: notes.map((n) => `privacy-audit: warning: ${n}\n`).join('') };
}
