/**
 * Evidence files: containment in the workspace, existence and sha256, with a
 * cache keyed by real path, size and mtime so a re-lint does not hash
 * unchanged files again. The file access itself (`EvidenceFs`) is the
 * host's: the core does no I/O.
 *
 * A path is checked as text first (it is never read when it could escape),
 * then resolved, then its real path is checked again (symlinks). Only
 * regular files are opened (a FIFO, socket or device never is), and only
 * up to a size limit (`DEFAULT_MAX_HASH_BYTES`). Error messages name the
 * path as the report writes it, never the absolute path: they end up in
 * exported documents.
 */
import * as path from 'node:path';
import { stringify } from 'yaml';
import { hasUnsafe, visible } from './format/visible';

/** What a path is, from its stat. */
export type FileType = 'file' | 'directory' | 'fifo' | 'socket' | 'character-device' | 'block-device' | 'symlink' | 'other';

const FILE_TYPE_NAMES: Record<FileType, string> = {
  file: 'a regular file',
  directory: 'a folder',
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  'character-device': 'a character device',
  'block-device': 'a block device',
  symlink: 'a symbolic link',
  other: 'a special file',
};

interface StatLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
}

export function fileTypeOf(st: StatLike): FileType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** `a FIFO (named pipe)`, `a folder`, … */
export function describeFileType(type: FileType): string {
  return FILE_TYPE_NAMES[type];
}

/** Why something that is not a regular file cannot be read: `it is a socket, not a regular file`. */
export const notARegularFile = (type: FileType): string => `it is ${describeFileType(type)}, not a regular file`;

/** Evidence files larger than this are not hashed (a sparse 20 GB file would take minutes, again on every export). */
export const DEFAULT_MAX_HASH_BYTES = 2 * 1024 ** 3;

const UNITS = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
] as const;

/** `4.9 KiB`, `2.0 GiB`, `1000 bytes`. */
export function formatBytes(n: number): string {
  for (const [unit, size] of UNITS) if (n >= size) return `${(n / size).toFixed(1)} ${unit}`;
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** Why a file of `size` bytes is not hashed with a limit of `limit` bytes (exact counts when the rounded ones look equal). */
export function tooLargeToHash(size: number, limit: number): string {
  let [a, b] = [formatBytes(size), formatBytes(limit)];
  if (a === b) [a, b] = [`${size} bytes`, `${limit} bytes`];
  return `it is too large to hash (${a}; the limit is ${b})`;
}

/** A size as written on the command line or in a setting: `2147483648`, `500M`, `2GiB`, `1.5 GB` (units are powers of 1024). */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:(k|m|g|t)(?:i?b)?|b|bytes?)?\s*$/i.exec(text);
  if (!m) return undefined;
  const exp = m[2] ? 'kmgt'.indexOf(m[2].toLowerCase()) + 1 : 0;
  const n = Math.floor(Number(m[1]) * 1024 ** exp);
  return Number.isSafeInteger(n) ? n : undefined;
}

const IO_ERRORS: Record<string, string> = {
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'symbolic links loop or nest too deep',
  ENOTDIR: 'a part of its path is not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'its name is too long',
  EIO: 'input/output error',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EBUSY: 'the file is busy',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EAGAIN: 'the file is not ready to be read',
  EOVERFLOW: 'the file is too large for this system',
};

/**
 * A file-system error as words without any path: the known codes as
 * `permission denied (EACCES)`; others as their message, with each
 * `[absolute, shown]` pair of `paths` replaced.
 */
export function ioErrorText(err: unknown, paths: readonly (readonly [string, string])[] = []): string {
  const e = err as { code?: string } | undefined;
  const known = e?.code ? IO_ERRORS[e.code] : undefined;
  if (known) return `${known} (${e!.code})`;
  let message = err instanceof Error ? err.message : String(err);
  for (const [abs, shown] of [...paths].sort((a, b) => b[0].length - a[0].length)) if (abs) message = message.split(abs).join(shown);
  return message;
}

export type EvidenceStatus =
  | { state: 'ok'; path: string; sha256: string; size: number }
  | { state: 'missing'; path: string }
  | { state: 'escape'; reason: string }
  | { state: 'not-a-file'; path: string }
  | { state: 'error'; path: string; message: string };

/** The file-system operations evidence checks need: the host supplies them (src/node/evidence-files.ts in Node); tests may supply their own. */
export interface EvidenceFs {
  /** Follows symbolic links; undefined when nothing is there. `type` says what a non-file is (a folder when absent). */
  stat(p: string): Promise<{ isFile: boolean; size: number; mtimeMs: number; type?: FileType } | undefined>;
  realpath(p: string): Promise<string>;
  /** Rejects for anything but a regular file, and when more than `maxBytes` (if given) would have to be read. */
  sha256(p: string, maxBytes?: number): Promise<string>;
}

let defaultFs: EvidenceFs | undefined;

/**
 * Sets the file access an `EvidenceChecker` (and so a `Linter`) uses when it
 * is given none. The core does no I/O itself: the host supplies it once at
 * startup (in Node, loading src/node/evidence-files.ts does).
 */
export function setDefaultEvidenceFs(fs: EvidenceFs): void {
  defaultFs = fs;
}

/** The file access set by `setDefaultEvidenceFs`; throws when the host set none. */
export function defaultEvidenceFs(): EvidenceFs {
  if (!defaultFs) throw new Error('No file access for evidence checks: pass an EvidenceFs, or have the host call setDefaultEvidenceFs (src/node/evidence-files.ts in Node).');
  return defaultFs;
}

/**
 * Why a written evidence path may not be used, judged on its text alone, or
 * undefined when it is an acceptable relative path.
 */
export function unsafePathReason(file: string): string | undefined {
  if (file.trim() === '') return 'the path is empty';
  if (file.includes('\u0000')) return 'the path contains a NUL character';
  if (file.startsWith('\\\\') || file.startsWith('//')) return 'UNC and network paths are not allowed';
  if (/^[A-Za-z]:/.test(file)) return 'drive-letter paths are absolute; use a path relative to the report';
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(file)) return 'URLs are not file paths; use `url:` for web sources or a relative path';
  if (file.startsWith('/')) return 'absolute paths are not allowed; use a path relative to the report';
  if (file.startsWith('~')) return 'home-relative paths are not allowed; use a path relative to the report';
  if (file.includes('\\')) return 'backslashes are not allowed in evidence paths; use `/`';
  if (/%[0-9A-Fa-f]{2}/.test(file)) return 'percent-encoded characters are not allowed in evidence paths';
  return undefined;
}

/** True when `p` is `root` or lies below it (both absolute). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  // `..foo` is a name inside the root; only `..` itself or `../…` climbs out
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

export interface EvidenceCheckerOptions {
  /** Files larger than this are not hashed but reported (default `DEFAULT_MAX_HASH_BYTES`, 2 GiB). */
  maxHashBytes?: number;
}

export class EvidenceChecker {
  private readonly hashCache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();
  private readonly realRoots = new Map<string, Promise<string>>();
  readonly maxHashBytes: number;

  /** `fs`: the file access to use; without it, the host's default (`setDefaultEvidenceFs`), looked up when a file is first checked. */
  constructor(
    private fs?: EvidenceFs,
    options: EvidenceCheckerOptions = {},
  ) {
    this.maxHashBytes = options.maxHashBytes ?? DEFAULT_MAX_HASH_BYTES;
  }

  /**
   * Resolves and checks `file` as written in a report in `reportDir`, whose
   * workspace is `root`. Hashes the file only when it is inside the workspace.
   */
  async check(file: string, reportDir: string, root: string): Promise<EvidenceStatus> {
    const reason = unsafePathReason(file);
    if (reason) return { state: 'escape', reason };
    const resolved = path.resolve(reportDir, file);
    if (!isInside(path.resolve(root), resolved)) return { state: 'escape', reason: 'the path climbs out of the workspace with `..`' };
    const fs = (this.fs ??= defaultEvidenceFs());
    let real = resolved;
    try {
      const st = await fs.stat(resolved);
      if (!st) return { state: 'missing', path: resolved };
      let realRoot = this.realRoots.get(root);
      if (!realRoot) {
        realRoot = fs.realpath(root).catch(() => path.resolve(root));
        this.realRoots.set(root, realRoot);
      }
      real = await fs.realpath(resolved);
      if (!isInside(await realRoot, real)) return { state: 'escape', reason: 'the path is a symbolic link (or passes through one) that leads out of the workspace' };
      if (!st.isFile) {
        // a FIFO, socket or device is named for what it is, and never opened
        if (st.type && st.type !== 'directory') return { state: 'error', path: resolved, message: notARegularFile(st.type) };
        return { state: 'not-a-file', path: resolved };
      }
      if (st.size > this.maxHashBytes) return { state: 'error', path: resolved, message: tooLargeToHash(st.size, this.maxHashBytes) };
      const cached = this.hashCache.get(real);
      if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) return { state: 'ok', path: resolved, sha256: cached.sha256, size: st.size };
      const sha256 = await fs.sha256(real, this.maxHashBytes);
      this.hashCache.set(real, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
      return { state: 'ok', path: resolved, sha256, size: st.size };
    } catch (err) {
      // the message may reach an exported document: the path as written, never the author's absolute one
      return { state: 'error', path: resolved, message: ioErrorText(err, [[real, file], [resolved, file], [path.resolve(root), '(the workspace)']]) };
    }
  }

  /** Forget cached hashes (all, or one file after a change on disk). */
  invalidate(realPath?: string): void {
    if (realPath) this.hashCache.delete(realPath);
    else this.hashCache.clear();
  }
}

const KIND_BY_EXT: Record<string, string> = {
  '.pcap': 'pcap', '.pcapng': 'pcap', '.cap': 'pcap', '.har': 'har',
  '.png': 'screenshot', '.jpg': 'screenshot', '.jpeg': 'screenshot', '.webp': 'screenshot', '.gif': 'screenshot',
  '.mp4': 'video', '.mov': 'video', '.webm': 'video', '.mkv': 'video',
  '.pdf': 'document', '.md': 'document', '.html': 'document', '.doc': 'document', '.docx': 'document',
  '.log': 'log', '.txt': 'log', '.json': 'log',
};

/** The evidence `kind` a file name suggests. */
export function evidenceKindOf(file: string): string {
  return KIND_BY_EXT[path.extname(file).toLowerCase()] ?? 'document';
}

export interface NewEvidence {
  id: string;
  /** Path relative to the report's folder, with `/` separators. */
  file: string;
  sha256: string;
  kind?: string;
  captured?: string;
}

/**
 * A string as a YAML double-quoted scalar on one line: every control
 * character (line breaks, escape sequences, bidi controls) as an escape, so
 * the value pastes back exactly and prints safely.
 */
function yamlQuoted(v: string): string {
  // `visible` writes `\x1b` and `\u202e`, which are YAML escapes too
  return `"${visible(v.replace(/["\\]/g, '\\$&'))}"`;
}

/** Ready-to-paste evidence records as a fenced block (a YAML sequence), values quoted where YAML needs it; each value on one line. */
export function evidenceBlock(records: readonly NewEvidence[], eol = '\n'): string {
  const q = (v: string) => (hasUnsafe(v) ? yamlQuoted(v) : stringify(v, { lineWidth: 0 }).trimEnd());
  const body = records.map((r) =>
    [`- id: ${r.id}`, `  file: ${q(r.file)}`, `  sha256: ${r.sha256}`, `  kind: ${r.kind ?? evidenceKindOf(r.file)}`, ...(r.captured ? [`  captured: ${q(r.captured)}`] : [])].join(eol),
  );
  return ['```evidence', ...body, '```', ''].join(eol);
}
