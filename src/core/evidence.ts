/**
 * Evidence files: containment in the workspace, existence and streaming
 * sha256, with a cache keyed by real path, size and mtime so a re-lint does
 * not hash unchanged files again.
 *
 * A path is checked as text first (it is never read when it could escape),
 * then resolved, then its real path is checked again (symlinks).
 */
import { createHash } from 'node:crypto';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

export type EvidenceStatus =
  | { state: 'ok'; path: string; sha256: string; size: number }
  | { state: 'missing'; path: string }
  | { state: 'escape'; reason: string }
  | { state: 'not-a-file'; path: string }
  | { state: 'error'; path: string; message: string };

/** The file-system operations evidence checks need; tests and other hosts may supply their own. */
export interface EvidenceFs {
  stat(p: string): Promise<{ isFile: boolean; size: number; mtimeMs: number } | undefined>;
  realpath(p: string): Promise<string>;
  sha256(p: string): Promise<string>;
}

export const nodeEvidenceFs: EvidenceFs = {
  // stat and realpath are synchronous on purpose: one quick syscall each,
  // cheaper than a round trip through libuv's thread pool; hashing streams
  async stat(p) {
    try {
      const s = statSync(p);
      return { isFile: s.isFile(), size: s.size, mtimeMs: s.mtimeMs };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
  },
  realpath: async (p) => realpathSync.native(p),
  sha256: (p) =>
    new Promise((resolve, reject) => {
      const h = createHash('sha256');
      createReadStream(p)
        .on('error', reject)
        .on('data', (chunk) => h.update(chunk))
        .on('end', () => resolve(h.digest('hex')));
    }),
};

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

export class EvidenceChecker {
  private readonly hashCache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();
  private readonly realRoots = new Map<string, Promise<string>>();

  constructor(private readonly fs: EvidenceFs = nodeEvidenceFs) {}

  /**
   * Resolves and checks `file` as written in a report in `reportDir`, whose
   * workspace is `root`. Hashes the file only when it is inside the workspace.
   */
  async check(file: string, reportDir: string, root: string): Promise<EvidenceStatus> {
    const reason = unsafePathReason(file);
    if (reason) return { state: 'escape', reason };
    const resolved = path.resolve(reportDir, file);
    if (!isInside(path.resolve(root), resolved)) return { state: 'escape', reason: 'the path climbs out of the workspace with `..`' };
    try {
      const st = await this.fs.stat(resolved);
      if (!st) return { state: 'missing', path: resolved };
      let realRoot = this.realRoots.get(root);
      if (!realRoot) {
        realRoot = this.fs.realpath(root).catch(() => path.resolve(root));
        this.realRoots.set(root, realRoot);
      }
      const real = await this.fs.realpath(resolved);
      if (!isInside(await realRoot, real)) return { state: 'escape', reason: 'the path is a symbolic link (or passes through one) that leads out of the workspace' };
      if (!st.isFile) return { state: 'not-a-file', path: resolved };
      const cached = this.hashCache.get(real);
      if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) return { state: 'ok', path: resolved, sha256: cached.sha256, size: st.size };
      const sha256 = await this.fs.sha256(real);
      this.hashCache.set(real, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
      return { state: 'ok', path: resolved, sha256, size: st.size };
    } catch (err) {
      return { state: 'error', path: resolved, message: (err as Error).message };
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

/** Ready-to-paste evidence records as a fenced block (a YAML sequence), values quoted where YAML needs it. */
export function evidenceBlock(records: readonly NewEvidence[], eol = '\n'): string {
  const q = (v: string) => stringify(v, { lineWidth: 0 }).trimEnd();
  const body = records.map((r) =>
    [`- id: ${r.id}`, `  file: ${q(r.file)}`, `  sha256: ${r.sha256}`, `  kind: ${r.kind ?? evidenceKindOf(r.file)}`, ...(r.captured ? [`  captured: ${q(r.captured)}`] : [])].join(eol),
  );
  return ['```evidence', ...body, '```', ''].join(eol);
}
