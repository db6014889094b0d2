/**
 * A cache of drawn diagrams on disk, so that exporting an unchanged report
 * again needs no mermaid at all (loading mermaid into the browser is most of
 * a cold export's cost).
 *
 * Key: sha256 of the mermaid bundle's bytes (its version, and any rebuild),
 * the theme, this module's format version and the diagram's text, which is
 * already masked (a cached SVG holds only what the export would show).
 * Value: the sanitised SVG, written atomically. Only SVG that the sanitiser
 * left untouched is stored; what is read back is checked again by the
 * renderer and by the export's redaction check, like a fresh drawing.
 *
 * Where: `PRIVACY_AUDIT_CACHE_DIR` when set (empty turns the cache off),
 * else the user's cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux,
 * `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) under
 * `privacy-audit/diagrams`. At most `MAX_FILES` drawings are kept (the oldest
 * go first). Any failure to read or write is a miss, never an error.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Bump when the stored SVG would differ for the same text (sanitiser, mermaid configuration). */
const FORMAT = 'pa-diagram-cache/1';
export const MAX_FILES = 256;
/** A stored drawing larger than this is not ours. */
const MAX_BYTES = 4 * 1024 * 1024;

/** The user's cache folder for drawn diagrams, or undefined when caching is turned off. */
export function defaultDiagramCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const explicit = env.PRIVACY_AUDIT_CACHE_DIR;
  if (explicit !== undefined) return explicit.trim() === '' ? undefined : path.join(path.resolve(explicit), 'diagrams');
  const home = os.homedir();
  let base: string;
  if (platform === 'win32') base = env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
  else if (platform === 'darwin') base = path.join(home, 'Library', 'Caches');
  else base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(base, 'privacy-audit', 'diagrams');
}

export class DiagramCache {
  private bundleHash: string | undefined;

  /**
   * @param dir where drawings are kept; undefined turns the cache off
   * @param bundlePath the mermaid bundle whose bytes are part of every key
   */
  constructor(
    readonly dir: string | undefined,
    private readonly bundlePath: () => string,
  ) {}

  get enabled(): boolean {
    return this.dir !== undefined;
  }

  /** The key of a diagram text drawn with a theme. */
  key(theme: string, text: string): string {
    this.bundleHash ??= createHash('sha256').update(readFileSync(this.bundlePath())).digest('hex');
    return createHash('sha256').update(`${FORMAT}\u0000${this.bundleHash}\u0000${theme}\u0000${text}`).digest('hex');
  }

  /** The stored SVG for a key, if any. */
  async get(key: string): Promise<string | undefined> {
    if (!this.dir || !/^[0-9a-f]{64}$/.test(key)) return undefined;
    try {
      const file = path.join(this.dir, `${key}.svg`);
      const stat = await fsp.stat(file);
      if (!stat.isFile() || stat.size > MAX_BYTES) return undefined;
      const svg = await fsp.readFile(file, 'utf8');
      return svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>') ? svg : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores an SVG (atomically; best effort) and keeps the folder to `MAX_FILES` drawings. */
  async set(key: string, svg: string): Promise<void> {
    if (!this.dir || !/^[0-9a-f]{64}$/.test(key) || Buffer.byteLength(svg) > MAX_BYTES) return;
    try {
      await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
      const file = path.join(this.dir, `${key}.svg`);
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await fsp.writeFile(tmp, svg, { mode: 0o600 });
      await fsp.rename(tmp, file);
      await this.prune();
    } catch {
      // a cache that cannot be written is a cache that misses
    }
  }

  private async prune(): Promise<void> {
    const dir = this.dir!;
    const names = (await fsp.readdir(dir)).filter((n) => /^[0-9a-f]{64}\.svg$/.test(n));
    if (names.length <= MAX_FILES) return;
    const dated = await Promise.all(names.map(async (n) => ({ n, t: (await fsp.stat(path.join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
    dated.sort((a, b) => a.t - b.t);
    await Promise.all(dated.slice(0, dated.length - MAX_FILES).map((d) => fsp.rm(path.join(dir, d.n), { force: true })));
  }
}
