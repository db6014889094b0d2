/**
 * Reports on disk, read and found safely; used by every command that reads
 * a report (`lint`, `export`, `diagram`, `hash --report`).
 *
 * - A report is read only when it is a regular file (a FIFO would hang, a
 *   link to /dev/urandom would never end) and only up to a byte limit
 *   beyond which it is certainly over the linter's size limit: the size is
 *   checked before anything is read, and at most limit + 1 bytes are.
 * - Folders are searched without leaving the workspace: a folder link is
 *   followed only when it resolves inside it, each real folder once (link
 *   loops end), and a report that links to a file outside is not read.
 * - An output is never one of the inputs: identity is the file itself
 *   (device and inode), so folder links, hard links and names that differ
 *   only in case on a case-insensitive file system are all caught.
 */
import { promises as fsp, type Dirent, type Stats } from 'node:fs';
import * as path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { fileTypeOf, ioErrorText, isInside, notARegularFile, unsafePathReason } from '../core/lint/evidence';
import { OPEN_NONBLOCKING } from './evidence-files';
import { visible } from '../core/lint/format/visible';
import { scalarText, type Report } from '../core/report/model';
import { parseReport } from '../core/report/parse';
import { LIMITS } from '../core/report/yaml';

/**
 * The most bytes read of a report. The linter's limit is in UTF-16 code
 * units, and a code unit takes at most three bytes of UTF-8: a file larger
 * than this is certainly over it.
 */
export const MAX_REPORT_BYTES = LIMITS.maxFileChars * 3;

/** A file that cannot be read; `message` is `Cannot read NAME: why`. */
export class FileReadError extends Error {
  override readonly name = 'FileReadError';
  constructor(
    message: string,
    /** Over the size limit: for a report, a problem of the report (PA000), not an I/O failure. */
    readonly tooLarge = false,
    /** The file-system error code (`ENOENT`, …), when there was one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

/**
 * The text of the report at `file` (UTF-8; invalid bytes become U+FFFD, as
 * the linter expects). `shown` names it in messages. Rejects with
 * `FileReadError` for anything but a regular file of at most `maxBytes`.
 */
export function readReportFile(file: string, shown: string = file, maxBytes = MAX_REPORT_BYTES): Promise<string> {
  return readTextFile(file, shown, maxBytes, (bytes) => `the file is too large to lint (${mb(bytes)} MB; the limit is ${LIMITS.maxFileChars / 1048576} MB). Split the report or move bulk data into evidence files.`);
}

/** The most bytes read of a configuration file (its YAML limit, three bytes per code unit at most). */
export const MAX_CONFIG_BYTES = LIMITS.maxYamlChars * 3;

/** `readReportFile` for any small text file (a configuration): regular files only, at most `maxBytes` read; `tooLargeWhy` says why a larger one is refused. */
export async function readTextFile(file: string, shown: string, maxBytes: number, tooLargeWhy: (bytes: number) => string): Promise<string> {
  const fail = (why: string, tooLarge = false, code?: string) => new FileReadError(`Cannot read ${shown}: ${why}`, tooLarge, code);
  const tooLarge = (bytes: number) => fail(tooLargeWhy(bytes), true);
  const check = (st: Stats) => {
    if (!st.isFile()) throw fail(`${notARegularFile(fileTypeOf(st))}.`);
    if (st.size > maxBytes) throw tooLarge(st.size);
  };
  let handle: fsp.FileHandle | undefined;
  try {
    // type and size first: nothing is opened that is not a regular file of a sane size
    check(await fsp.stat(file));
    // non-blocking: a FIFO swapped in since the stat cannot hang the open; its type is checked again
    handle = await fsp.open(file, OPEN_NONBLOCKING);
    check(await handle.stat());
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      // the file grew since its stat: at most maxBytes + 1 bytes are ever read
      if (total > maxBytes) throw tooLarge(total);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // Node decodes a name that is not UTF-8 with U+FFFD; that name then names nothing
    if (code === 'ENOENT' && path.basename(file).includes('\ufffd')) throw fail('its name is not valid UTF-8, so it cannot be opened by name; rename the file.', false, code);
    throw fail(`${ioErrorText(err, [[file, shown]])}.`, false, code);
  } finally {
    await handle?.close();
  }
}

// ------------------------------------------------------------ finding reports

const REPORT_NAME = /\.audit\.md$/;
/** Folders never searched, besides those whose names start with a dot. */
const SKIPPED = new Set(['node_modules']);
const IGNORE = ['**/node_modules/**', '**/.git/**'];

/** A report found on the command line or in a folder; `refused` says why it is not read. */
export interface FoundReport {
  path: string;
  refused?: string;
}

/** A path on the command line that names nothing. */
export class FindError extends Error {
  override readonly name = 'FindError';
}

const realpathOf = (p: string) => fsp.realpath(p).catch(() => undefined);
const lstatOf = (p: string) => fsp.lstat(p).catch(() => undefined);

/**
 * Expands command-line `inputs` (files, folders, globs; none: `cwd`) to
 * reports, sorted. A path that exists is taken literally, even when it looks
 * like a glob (`(draft).audit.md`, `{x,y}.audit.md`). A folder is searched
 * for `*.audit.md` without leaving `root` (or the folder itself, when it lies
 * outside `root`). Globs do not follow symbolic links. Rejects with
 * `FindError` when an input matches nothing.
 */
export async function findReports(inputs: readonly string[], cwd: string, root: string = cwd): Promise<FoundReport[]> {
  const found = new Map<string, FoundReport>();
  const add = (r: FoundReport) => {
    if (!found.has(r.path)) found.set(r.path, r);
  };
  const realRoot = (await realpathOf(root)) ?? path.resolve(root);
  for (const input of inputs.length ? inputs : ['.']) {
    const abs = path.resolve(cwd, input);
    const lst = await lstatOf(abs);
    if (lst) {
      const st = lst.isSymbolicLink() ? await fsp.stat(abs).catch(() => undefined) : lst;
      if (st?.isDirectory()) {
        const real = (await realpathOf(abs)) ?? abs;
        for (const r of await reportsUnder(abs, isInside(realRoot, real) ? realRoot : real)) add(r);
      } else add({ path: abs });
      continue;
    }
    if (!isDynamicPattern(input)) throw new FindError(`No such file or folder: ${input}`);
    // no symbolic links: a link to `/` under the pattern's folder would have it crawl the whole file system
    const matches = (await glob(input, { cwd, ignore: IGNORE, absolute: true, followSymbolicLinks: false })).filter((m) => REPORT_NAME.test(m));
    if (!matches.length) throw new FindError(`No *.audit.md file matches ${input}`);
    for (const m of matches) add({ path: path.resolve(m) });
  }
  if (!found.size) throw new FindError(`No *.audit.md files found under ${inputs.length ? inputs.join(', ') : cwd}`);
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The `*.audit.md` files under `dir`, skipping dot folders and
 * `node_modules`. Each real folder is searched once (link loops end); folder
 * links are followed only into `boundary` (a real path), after every real
 * folder, so that a report is named by its real place when it has one.
 */
async function reportsUnder(dir: string, boundary: string): Promise<FoundReport[]> {
  const out: FoundReport[] = [];
  const visited = new Set<string>();
  const links: [string, string][] = [];
  const visit = async (folder: string, real: string): Promise<void> => {
    if (visited.has(real)) return;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = await fsp.readdir(folder, { withFileTypes: true });
    } catch {
      return; // an unreadable folder holds no report we can read
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || SKIPPED.has(e.name)) continue;
      const p = path.join(folder, e.name);
      if (e.isDirectory()) {
        await visit(p, path.join(real, e.name));
      } else if (e.isSymbolicLink()) {
        const target = await realpathOf(p);
        const st = target === undefined ? undefined : await fsp.stat(target).catch(() => undefined);
        const inside = target !== undefined && isInside(boundary, target);
        if (st?.isDirectory()) {
          if (inside) links.push([p, target!]);
        } else if (REPORT_NAME.test(e.name)) {
          // a dangling link is reported by the read; a link out of the workspace is not read at all
          out.push(target === undefined || inside ? { path: p } : { path: p, refused: 'it is a symbolic link to a file outside the folder being checked; it is not read.' });
        }
      } else if (REPORT_NAME.test(e.name)) {
        // a FIFO or socket with a report's name is reported by the read, never opened
        out.push({ path: p });
      }
    }
  };
  await visit(dir, (await realpathOf(dir)) ?? dir);
  for (let i = 0; i < links.length; i++) await visit(...links[i]!);
  return out;
}

// ------------------------------------------------------------ outputs

/** An input an output must not replace: the report, or one of its evidence files. */
export interface ProtectedInput {
  path: string;
  /** `the report r.audit.md`, `the evidence file e/cap.txt of r.audit.md`. */
  what: string;
}

/**
 * Why writing `output` would replace one of `inputs` (`… is the report
 * r.audit.md itself`), or undefined. `shown` names the output in the message.
 */
export async function outputClash(output: string, shown: string, inputs: readonly ProtectedInput[]): Promise<string | undefined> {
  // a path that does not exist (on a case-insensitive file system, in no case) is no existing input
  const out = await fsp.stat(output).catch(() => undefined);
  if (!out) return undefined;
  for (const input of inputs) {
    const st = await fsp.stat(input.path).catch(() => undefined);
    if (st && st.dev === out.dev && st.ino === out.ino) return `${shown} is ${input.what}; the export would replace it. Choose another output path.`;
  }
  return undefined;
}

/** `a/b.pdf` and `link/b.pdf` are the same place when `link` leads to `a`: the real folder and the name, for comparing outputs that may not exist yet. */
export async function realTarget(output: string): Promise<string> {
  const dir = path.dirname(output);
  return path.join((await realpathOf(dir)) ?? dir, path.basename(output));
}

interface ClashQuery {
  reportPath: string;
  text: string;
  /** The report parsed from `text`, when the caller has it (saves a parse). */
  report?: Report;
  outputs: readonly (string | undefined)[];
  batch?: readonly string[];
  shown: (p: string) => string;
}

/**
 * Why an export must not write `outputs`: one would replace the report,
 * another report of the same run (`batch`), or an evidence file of the
 * report, by whatever path (links, case), or the PDF and the HTML file are
 * one file. Undefined when the outputs are safe. `shown` names a path for
 * the message.
 */
export async function exportOutputClash(o: ClashQuery): Promise<string | undefined> {
  const targets = o.outputs.filter((x): x is string => x !== undefined);
  if (targets.length === 2 && (await realTarget(targets[0]!)) === (await realTarget(targets[1]!))) return 'The PDF and the HTML file must have different paths.';
  const shownReport = o.shown(o.reportPath);
  const inputs: ProtectedInput[] = [{ path: o.reportPath, what: `the report ${shownReport} itself` }];
  for (const other of o.batch ?? []) if (other !== o.reportPath) inputs.push({ path: other, what: `the report ${o.shown(other)}, also exported` });
  for (const r of (o.report ?? parseReport(o.text)).records) {
    const written = r.kind === 'evidence' ? scalarText(r.fields.get('file'))?.trim() : undefined;
    if (written && !unsafePathReason(written)) inputs.push({ path: path.resolve(path.dirname(o.reportPath), written), what: `the evidence file ${visible(written)} of ${shownReport}` });
  }
  for (const target of targets) {
    const clash = await outputClash(target, o.shown(target), inputs);
    if (clash) return clash;
  }
  return undefined;
}
