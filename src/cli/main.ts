/**
 * The `privacy-audit` command line: the same core as the editor, adapted to
 * the terminal. Exit codes: 0 clean (warnings within --max-warnings), 1
 * errors or too many warnings, 2 usage or I/O failure.
 *
 * Everything printed for people goes through `visibleLines` (and names
 * through `visible`): a report or a file name cannot send control
 * characters to the terminal. Reports are read through src/node/files.ts
 * (regular files only, size first). No stack trace is shown unless
 * `debug` (PRIVACY_AUDIT_DEBUG=1).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import pc from 'picocolors';
import pkg from '../../package.json';
import { CONFIG_FILE, DEFAULT_CONFIG, parseConfig, type ProjectConfig } from '../core/lint/config';
import { DEFAULT_MAX_HASH_BYTES, EvidenceChecker, evidenceBlock, ioErrorText, isInside, notARegularFile, parseByteSize, tooLargeToHash, type NewEvidence } from '../core/lint/evidence';
import { nodeEvidenceFs } from '../node/evidence-files';
import '../node/capture/scan-cache'; // the claim rules' captures: the core's default capture access
import { formatJson } from '../core/lint/format/json';
import { formatSarif } from '../core/lint/format/sarif';
import { formatStylish } from '../core/lint/format/stylish';
import { countBySeverity, type FileResult } from '../core/lint/format/types';
import { visible, visibleLines } from '../core/lint/format/visible';
import { ALL_RULE_IDS } from '../core/lint/ids';
import { Linter } from '../core/lint/linter';
import { parseReport } from '../core/report/parse';
import { nextIdNumber } from '../core/lint/edits';
import type { Diagnostic } from '../core/report/types';
import { DIAGRAM_FORMATS, DIAGRAM_KINDS, diagramOutput, type DiagramFormat, type DiagramKind } from './diagram-command';
import { exportCommand, exportMany, exportSummary, PAPERS, type ExportFormat, type Paper } from './export-command';
import { scanCommand } from './scan-command';
import { FileReadError, findReports as findReportFiles, FindError, MAX_CONFIG_BYTES, readReportFile, readTextFile, type FoundReport } from '../node/files';

/** A failure that maps to exit code 2 with a plain message. */
class UsageError extends Error {}

const toPosix = (p: string) => p.split(path.sep).join('/');

function displayPath(file: string, root: string): string {
  return toPosix(isInside(root, file) ? path.relative(root, file) : file);
}

/** Expands the command line's paths, folders and globs to `*.audit.md` files (see src/node/files.ts). */
async function findReports(inputs: string[], cwd: string, root: string): Promise<FoundReport[]> {
  try {
    return await findReportFiles(inputs, cwd, root);
  } catch (err) {
    if (err instanceof FindError) throw new UsageError(err.message);
    throw err;
  }
}

/** Reads a report named on the command line; any failure is a usage or I/O error (exit 2). */
async function readReport(file: string, cwd: string): Promise<string> {
  try {
    return await readReportFile(path.resolve(cwd, file), visible(file));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--root`, resolved; it must be a folder. */
async function rootFolder(root: string | undefined, cwd: string): Promise<string> {
  const abs = path.resolve(cwd, root ?? '.');
  const st = await fsp.stat(abs).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`--root is not a folder: ${visible(root ?? abs)}`);
  return abs;
}

async function loadConfig(configPath: string | undefined, root: string): Promise<ProjectConfig> {
  const file = configPath ? path.resolve(configPath) : path.join(root, CONFIG_FILE);
  let text: string;
  try {
    // like a report: a FIFO or a device in its place is refused, not read
    text = await readTextFile(file, `the configuration ${visible(file)}`, MAX_CONFIG_BYTES, (bytes) => `it is too large for a configuration (${bytes} bytes)`);
  } catch (err) {
    if (!configPath && (err as FileReadError).code === 'ENOENT') return DEFAULT_CONFIG;
    throw new UsageError((err as Error).message);
  }
  const { config, errors } = parseConfig(text, ALL_RULE_IDS);
  if (errors.length) throw new UsageError(`Invalid configuration ${visible(file)}:\n${errors.map((e) => `  - ${visible(e)}`).join('\n')}`);
  return config;
}

function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError('expected a whole number (or -1 for no limit)');
  return n;
}

function parseSize(v: string): number {
  const n = parseByteSize(v);
  if (n === undefined || n < 1) throw new InvalidArgumentError('expected a size such as 2147483648, 500M or 2GiB (units are powers of 1024)');
  return n;
}

const MAX_EVIDENCE_HELP = `hash no evidence file larger than this (default: ${DEFAULT_MAX_HASH_BYTES / 1024 ** 3}GiB; 500M, 4GiB, …)`;

interface LintCliOptions {
  format: 'stylish' | 'json' | 'sarif';
  config?: string;
  maxWarnings: number;
  root?: string;
  maxEvidenceSize?: number;
}

/** A report that could not be read, as a problem of its own (PA000 at its start). */
function unreadable(message: string): Diagnostic {
  const start = { line: 0, character: 0 };
  return { rule: 'PA000', severity: 'error', message, range: { start, end: start }, span: { start: 0, end: 0 } };
}

async function runLint(inputs: string[], opts: LintCliOptions, io: CliIo): Promise<number> {
  const root = await rootFolder(opts.root, io.cwd);
  const config = await loadConfig(opts.config && path.resolve(io.cwd, opts.config), root);
  const files = await findReports(inputs, io.cwd, root);
  const linter = new Linter(new EvidenceChecker(nodeEvidenceFs, { ...(opts.maxEvidenceSize ? { maxHashBytes: opts.maxEvidenceSize } : {}) }));
  const results: FileResult[] = [];
  // reports that could not be read at all: listed with their problem, and the run ends with exit code 2
  let failed = 0;
  for (const { path: file, refused } of files) {
    const shown = displayPath(file, root);
    let text: string;
    try {
      if (refused) throw new FileReadError(`Cannot read ${shown}: ${refused}`);
      text = await readReportFile(file, shown);
    } catch (err) {
      if (!(err instanceof FileReadError)) throw err;
      if (!err.tooLarge) failed++;
      results.push({ path: shown, diagnostics: [unreadable(err.message)] });
      continue;
    }
    // a report outside --root is checked against its own folder
    const inRoot = isInside(root, file);
    const { diagnostics } = await linter.lint(text, { filePath: file, root: inRoot ? root : path.dirname(file), config });
    results.push({ path: shown, diagnostics });
  }
  if (opts.format === 'json') io.out(formatJson(results) + '\n');
  else if (opts.format === 'sarif') io.out(formatSarif(results, { toolVersion: pkg.version, root }) + '\n');
  else io.out(formatStylish(results, pc.createColors(io.color)));
  const { errors, warnings } = countBySeverity(results);
  if (failed > 0) {
    if (opts.format === 'stylish') io.err(`${failed} report${failed === 1 ? '' : 's'} could not be read.\n`);
    return 2;
  }
  if (errors > 0) return 1;
  if (opts.maxWarnings >= 0 && warnings > opts.maxWarnings) {
    if (opts.format === 'stylish') io.err(`Too many warnings (${warnings}; --max-warnings is ${opts.maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

async function runHash(files: string[], opts: { report?: string; maxEvidenceSize?: number }, io: CliIo): Promise<number> {
  let base = io.cwd;
  let first = 1n;
  if (opts.report) {
    const text = await readReport(opts.report, io.cwd);
    base = path.dirname(path.resolve(io.cwd, opts.report));
    first = nextIdNumber(parseReport(text), 'evidence');
  }
  const limit = opts.maxEvidenceSize ?? DEFAULT_MAX_HASH_BYTES;
  const records: NewEvidence[] = [];
  for (const [i, f] of files.entries()) {
    const abs = path.resolve(io.cwd, f);
    const cannot = (err: unknown) => new UsageError(`Cannot hash ${visible(f)}: ${visible(ioErrorText(err, [[abs, f]]))}`);
    let st;
    try {
      st = await nodeEvidenceFs.stat(abs);
    } catch (err) {
      throw cannot(err);
    }
    if (!st) throw new UsageError(`No such file: ${visible(f)}`);
    // a FIFO, socket or device is never opened
    if (!st.isFile) throw cannot(`${notARegularFile(st.type ?? 'directory')}.`);
    if (st.size > limit) throw cannot(`${tooLargeToHash(st.size, limit)}; raise the limit with --max-evidence-size.`);
    let sha256: string;
    try {
      sha256 = await nodeEvidenceFs.sha256(abs, limit);
    } catch (err) {
      throw cannot(err);
    }
    records.push({ id: `E${first + BigInt(i)}`, file: toPosix(path.relative(base, abs)), sha256 });
  }
  // data, not prose: every value is quoted and escaped as YAML where it needs it
  io.out(evidenceBlock(records));
  return 0;
}

export interface CliIo {
  cwd: string;
  color: boolean;
  out(s: string): void;
  err(s: string): void;
  /** Show the stack of an unexpected error (PRIVACY_AUDIT_DEBUG=1). */
  debug?: boolean;
}

/** An error nobody expected, for the user: one line, or its stack with `debug`. */
export function unexpectedError(err: unknown, debug = false): string {
  if (debug && err instanceof Error && err.stack) return `privacy-audit: unexpected error: ${visibleLines(err.stack)}\n`;
  const e = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err);
  return `privacy-audit: unexpected error: ${visible(e)}${debug ? '' : ' (set PRIVACY_AUDIT_DEBUG=1 to see where)'}\n`;
}

/** Runs the command line with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  // what people read: no control character from a report or a file name reaches the terminal (data formats escape their own)
  const io: CliIo = { ...rawIo, out: (s) => rawIo.out(visibleLines(s)), err: (s) => rawIo.err(visibleLines(s)) };
  const program = new Command('privacy-audit')
    .description('Lint privacy-audit reports (*.audit.md) and hash their evidence.')
    .version(pkg.version, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (s, write) => write(s) });
  let code = 0;
  program
    .command('lint')
    .description('Lint reports; with no path, every *.audit.md under the current folder')
    .argument('[paths...]', 'files, folders or globs')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'sarif']).default('stylish'))
    .option('-c, --config <file>', `configuration file (default: ${CONFIG_FILE} in the root)`)
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (-1: no limit)', parseCount, -1)
    .option('--root <dir>', 'workspace root that evidence paths may not leave (default: the current folder)')
    .option('--max-evidence-size <size>', MAX_EVIDENCE_HELP, parseSize)
    .action(async (paths: string[], opts: LintCliOptions) => {
      // stylish escapes names and messages itself (and may be coloured); JSON and SARIF escape as JSON
      code = await runLint(paths, opts, { ...io, out: rawIo.out });
    });
  program
    .command('hash')
    .description('Print ready-to-paste evidence records with the sha256 of each file')
    .argument('<files...>', 'evidence files')
    .option('-r, --report <file>', 'number the ids after those of this report and make paths relative to its folder')
    .option('--max-evidence-size <size>', MAX_EVIDENCE_HELP, parseSize)
    .action(async (files: string[], opts: { report?: string; maxEvidenceSize?: number }) => {
      code = await runHash(files, opts, { ...io, out: rawIo.out });
    });
  program
    .command('diagram')
    .description('Print the data-flow diagram (or the timeline) of a report as mermaid text or SVG')
    .argument('<file>', 'an *.audit.md report')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...DIAGRAM_FORMATS]).default('mermaid'))
    .addOption(new Option('-k, --kind <kind>', 'which diagram').choices([...DIAGRAM_KINDS]).default('dataflow'))
    .option('--browser <path>', 'Chrome, Chromium, Edge or Brave for --format svg (default: found automatically)')
    .option('-c, --config <file>', `configuration file (default: ${CONFIG_FILE} in the current folder)`)
    .action(async (file: string, opts: { format: DiagramFormat; kind: DiagramKind; browser?: string; config?: string }) => {
      const text = await readReport(file, io.cwd);
      const config = await loadConfig(opts.config && path.resolve(io.cwd, opts.config), io.cwd);
      try {
        // mermaid text or SVG: data, whose labels the diagram escapes itself
        rawIo.out(await diagramOutput(text, { format: opts.format, kind: opts.kind, config, ...(opts.browser ? { browser: opts.browser } : {}) }));
      } catch (err) {
        // no browser: the message says what to install or to pass --browser
        throw new UsageError((err as Error).message);
      }
    });
  program
    .command('scan')
    .description("Find the test device's identifiers in HAR and pcap captures: where they went, how they were encoded")
    .argument('[captures...]', 'HAR, pcap or pcapng files (default: every capture the report cites)')
    .requiredOption('-r, --report <file>', 'the *.audit.md report whose devices declare the identifiers')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json']).default('stylish'))
    .option('--keylog <file>', 'TLS key log (SSLKEYLOGFILE format) to decrypt pcaps')
    .option('--tshark <path>', 'tshark to read pcaps with (default: found on PATH)')
    .option('--no-ripgrep', 'read HAR files in JavaScript only (slower; default: ripgrep picks the entries to decode)')
    .option('--write', 'add a flow per device and host found, and evidence records for uncited captures, to the report')
    .option('-c, --config <file>', `configuration file (default: ${CONFIG_FILE} in the root)`)
    .option('--root <dir>', 'workspace root that captures may not leave (default: the current folder)')
    .action(async (captures: string[], opts: { report: string; format: 'stylish' | 'json'; keylog?: string; tshark?: string; ripgrep?: boolean; write?: boolean; config?: string; root?: string }) => {
      const text = await readReport(opts.report, io.cwd);
      const root = await rootFolder(opts.root, io.cwd);
      const config = await loadConfig(opts.config && path.resolve(io.cwd, opts.config), root);
      let res;
      try {
        res = await scanCommand(text, captures, { ...opts, root, config }, io.cwd, pc.createColors(io.color));
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      // JSON escapes its own strings; the table escapes names itself
      (opts.format === 'json' ? rawIo.out : io.out)(res.out);
      if (res.err) io.err(res.err);
      code = res.code;
    });
  program
    .command('export')
    .description('Export reports as PDF and/or self-contained HTML files (drawn and printed by a local Chrome, Chromium, Edge or Brave)')
    .argument('<paths...>', 'an *.audit.md report; with --out-dir, any number of reports, folders or globs')
    .option('--pdf <out>', 'write the PDF here (one report)')
    .option('--html <out>', 'write the self-contained HTML file here (one report)')
    .option('--out-dir <dir>', 'write NAME.pdf (and/or NAME.html) for each NAME.audit.md into this folder, with one browser for all')
    .option('--formats <list>', 'with --out-dir: pdf, html or pdf,html (default: pdf)')
    .option('--browser <path>', 'Chrome, Chromium, Edge or Brave (default: found automatically)')
    .addOption(new Option('--paper <size>', 'paper size').choices([...PAPERS]).default('a4'))
    .option('-c, --config <file>', `configuration file (default: ${CONFIG_FILE} in the root)`)
    .option('--root <dir>', 'workspace root that evidence paths may not leave (default: the current folder)')
    .action(async (paths: string[], opts: { pdf?: string; html?: string; outDir?: string; formats?: string; browser?: string; paper: Paper; config?: string; root?: string }) => {
      const root = await rootFolder(opts.root, io.cwd);
      const common = { ...(opts.browser ? { browser: opts.browser } : {}), paper: opts.paper, root, generator: `Privacy Audit ${pkg.version}` };
      if (opts.outDir !== undefined) {
        if (opts.pdf || opts.html) throw new UsageError('--out-dir names the files itself: leave out --pdf and --html (choose with --formats).');
        const formats = (opts.formats ?? 'pdf').split(',').map((f) => f.trim().toLowerCase()).filter(Boolean) as ExportFormat[];
        const found = await findReports(paths, io.cwd, root);
        const config = await loadConfig(opts.config && path.resolve(io.cwd, opts.config), root);
        const started = performance.now();
        let failed = 0;
        // reports that are not read (a link out of the workspace) are reported first
        for (const r of found.filter((f) => f.refused)) {
          failed++;
          io.err(`privacy-audit: ${visible(displayPath(r.path, io.cwd))}: ${r.refused}\n`);
        }
        const files = found.filter((f) => !f.refused).map((f) => f.path);
        try {
          await exportMany(files, { ...common, config, outDir: opts.outDir, formats }, io.cwd, (item) => {
            const name = visible(displayPath(item.file, io.cwd));
            if (item.error !== undefined) {
              failed++;
              io.err(`privacy-audit: ${name}: ${item.error}\n`);
              return;
            }
            const summary = exportSummary(item.result!, io.cwd);
            io.out(`${name}\n${summary.out.replace(/^/gm, '  ').replace(/ +$/, '')}`);
            if (summary.err) io.err(summary.err.replace(/^privacy-audit: /gm, `privacy-audit: ${name}: `));
          });
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        io.out(`Exported ${found.length - failed} of ${found.length} report${found.length === 1 ? '' : 's'} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
        if (failed) code = 2;
        return;
      }
      if (opts.formats !== undefined) throw new UsageError('--formats goes with --out-dir; for one report give --pdf FILE and/or --html FILE.');
      if (!opts.pdf && !opts.html) throw new UsageError('Nothing to export: give --pdf FILE, --html FILE or both (or --out-dir DIR).');
      if (paths.length !== 1) throw new UsageError(`--pdf and --html take one report; for ${paths.length} paths give --out-dir DIR.`);
      const config = await loadConfig(opts.config && path.resolve(io.cwd, opts.config), root);
      let result;
      try {
        result = await exportCommand(paths[0]!, { ...common, ...(opts.pdf ? { pdf: opts.pdf } : {}), ...(opts.html ? { html: opts.html } : {}), config }, io.cwd);
      } catch (err) {
        // no browser, an unreadable report, a missing folder: the message says what to do
        throw new UsageError((err as Error).message);
      }
      const summary = exportSummary(result, io.cwd);
      io.out(summary.out);
      if (summary.err) io.err(summary.err);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      io.err(`privacy-audit: ${err.message}\n`);
      return 2;
    }
    rawIo.err(unexpectedError(err, rawIo.debug));
    return 2;
  }
}
