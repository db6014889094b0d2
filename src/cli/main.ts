/**
 * The `privacy-audit` command line: the same core as the editor, adapted to
 * the terminal. Exit codes: 0 clean (warnings within --max-warnings), 1
 * errors or too many warnings, 2 usage or I/O failure.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync, promises as fsp, statSync } from 'node:fs';
import * as path from 'node:path';
import pc from 'picocolors';
import { glob, isDynamicPattern } from 'tinyglobby';
import pkg from '../../package.json';
import { CONFIG_FILE, DEFAULT_CONFIG, parseConfig, type ProjectConfig } from '../core/config';
import { evidenceBlock, isInside, nodeEvidenceFs, type NewEvidence } from '../core/evidence';
import { formatJson } from '../core/format/json';
import { formatSarif } from '../core/format/sarif';
import { formatStylish } from '../core/format/stylish';
import { countBySeverity, type FileResult } from '../core/format/types';
import { ALL_RULE_IDS } from '../core/lint/ids';
import { Linter } from '../core/linter';
import { parseReport } from '../core/parse';
import { nextId } from '../core/lint/edits';
import { DIAGRAM_FORMATS, DIAGRAM_KINDS, diagramOutput, type DiagramFormat, type DiagramKind } from '../node/diagram-command';
import { exportCommand, exportMany, exportSummary, PAPERS, type ExportFormat, type Paper } from '../node/export-command';

/** A failure that maps to exit code 2 with a plain message. */
class UsageError extends Error {}

const IGNORE = ['**/node_modules/**', '**/.git/**'];

const toPosix = (p: string) => p.split(path.sep).join('/');

function displayPath(file: string, root: string): string {
  return toPosix(isInside(root, file) ? path.relative(root, file) : file);
}

/** Expands the command line's paths, folders and globs to `*.audit.md` files. */
export async function findReports(inputs: string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  const patterns = inputs.length ? inputs : ['.'];
  for (const input of patterns) {
    const abs = path.resolve(cwd, input);
    if (!isDynamicPattern(input) && existsSync(abs)) {
      if (statSync(abs).isDirectory()) {
        for (const f of await glob('**/*.audit.md', { cwd: abs, ignore: IGNORE, absolute: true, dot: false })) found.add(path.resolve(f));
      } else found.add(abs);
      continue;
    }
    if (!isDynamicPattern(input)) throw new UsageError(`No such file or folder: ${input}`);
    const matches = await glob(input, { cwd, ignore: IGNORE, absolute: true });
    const reports = matches.filter((m) => m.endsWith('.audit.md'));
    if (!reports.length) throw new UsageError(`No *.audit.md file matches ${input}`);
    for (const m of reports) found.add(path.resolve(m));
  }
  if (!found.size) throw new UsageError(`No *.audit.md files found under ${inputs.length ? inputs.join(', ') : cwd}`);
  return [...found].sort();
}

async function loadConfig(configPath: string | undefined, root: string): Promise<ProjectConfig> {
  const file = configPath ? path.resolve(configPath) : path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (!configPath && (err as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_CONFIG;
    throw new UsageError(`Cannot read the configuration ${file}: ${(err as Error).message}`);
  }
  const { config, errors } = parseConfig(text, ALL_RULE_IDS);
  if (errors.length) throw new UsageError(`Invalid configuration ${file}:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  return config;
}

function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError('expected a whole number (or -1 for no limit)');
  return n;
}

interface LintCliOptions {
  format: 'stylish' | 'json' | 'sarif';
  config?: string;
  maxWarnings: number;
  root?: string;
}

async function runLint(inputs: string[], opts: LintCliOptions, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, opts.root ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--root is not a folder: ${opts.root}`);
  const config = await loadConfig(opts.config && path.resolve(io.cwd, opts.config), root);
  const files = await findReports(inputs, io.cwd);
  const linter = new Linter();
  const results: FileResult[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`Cannot read ${file}: ${(err as Error).message}`);
    }
    // a report outside --root is checked against its own folder
    const inRoot = isInside(root, file);
    const { diagnostics } = await linter.lint(text, { filePath: file, root: inRoot ? root : path.dirname(file), config });
    results.push({ path: displayPath(file, root), diagnostics });
  }
  if (opts.format === 'json') io.out(formatJson(results) + '\n');
  else if (opts.format === 'sarif') io.out(formatSarif(results, { toolVersion: pkg.version, root }) + '\n');
  else io.out(formatStylish(results, pc.createColors(io.color)));
  const { errors, warnings } = countBySeverity(results);
  if (errors > 0) return 1;
  if (opts.maxWarnings >= 0 && warnings > opts.maxWarnings) {
    if (opts.format === 'stylish') io.err(`Too many warnings (${warnings}; --max-warnings is ${opts.maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

async function runHash(files: string[], opts: { report?: string }, io: CliIo): Promise<number> {
  let base = io.cwd;
  let first = 1;
  if (opts.report) {
    const reportPath = path.resolve(io.cwd, opts.report);
    let text: string;
    try {
      text = await fsp.readFile(reportPath, 'utf8');
    } catch (err) {
      throw new UsageError(`Cannot read ${opts.report}: ${(err as Error).message}`);
    }
    base = path.dirname(reportPath);
    first = Number(nextId(parseReport(text), 'evidence').slice(1));
  }
  const records: NewEvidence[] = [];
  for (const [i, f] of files.entries()) {
    const abs = path.resolve(io.cwd, f);
    const st = await nodeEvidenceFs.stat(abs).catch(() => undefined);
    if (!st) throw new UsageError(`No such file: ${f}`);
    if (!st.isFile) throw new UsageError(`Not a file: ${f}`);
    const sha256 = await nodeEvidenceFs.sha256(abs);
    records.push({ id: `E${first + i}`, file: toPosix(path.relative(base, abs)), sha256 });
  }
  io.out(evidenceBlock(records));
  return 0;
}

export interface CliIo {
  cwd: string;
  color: boolean;
  out(s: string): void;
  err(s: string): void;
}

/** Runs the command line with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
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
    .action(async (paths: string[], opts: LintCliOptions) => {
      code = await runLint(paths, opts, io);
    });
  program
    .command('hash')
    .description('Print ready-to-paste evidence records with the sha256 of each file')
    .argument('<files...>', 'evidence files')
    .option('-r, --report <file>', 'number the ids after those of this report and make paths relative to its folder')
    .action(async (files: string[], opts: { report?: string }) => {
      code = await runHash(files, opts, io);
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
      let text: string;
      try {
        text = await fsp.readFile(path.resolve(io.cwd, file), 'utf8');
      } catch (err) {
        throw new UsageError(`Cannot read ${file}: ${(err as Error).message}`);
      }
      const config = await loadConfig(opts.config && path.resolve(io.cwd, opts.config), io.cwd);
      try {
        io.out(await diagramOutput(text, { format: opts.format, kind: opts.kind, config, ...(opts.browser ? { browser: opts.browser } : {}) }));
      } catch (err) {
        // no browser: the message says what to install or to pass --browser
        throw new UsageError((err as Error).message);
      }
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
      const root = path.resolve(io.cwd, opts.root ?? '.');
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--root is not a folder: ${opts.root}`);
      const common = { ...(opts.browser ? { browser: opts.browser } : {}), paper: opts.paper, root, generator: `Privacy Audit ${pkg.version}` };
      if (opts.outDir !== undefined) {
        if (opts.pdf || opts.html) throw new UsageError('--out-dir names the files itself: leave out --pdf and --html (choose with --formats).');
        const formats = (opts.formats ?? 'pdf').split(',').map((f) => f.trim().toLowerCase()).filter(Boolean) as ExportFormat[];
        const files = await findReports(paths, io.cwd);
        const config = await loadConfig(opts.config && path.resolve(io.cwd, opts.config), root);
        const started = performance.now();
        let failed = 0;
        try {
          await exportMany(files, { ...common, config, outDir: opts.outDir, formats }, io.cwd, (item) => {
            const name = displayPath(item.file, io.cwd);
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
        io.out(`Exported ${files.length - failed} of ${files.length} report${files.length === 1 ? '' : 's'} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
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
    io.err(`privacy-audit: ${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
}
