/**
 * ripgrep as a fast byte search: find it, run it over one file with a set
 * of patterns, and stream the byte offsets of the matches.
 *
 * Found, in this order: an explicit path; `rg` on PATH; the copy VS Code
 * ships in its application folder (`@vscode/ripgrep`, unpacked from the asar
 * archive or not). Nothing is downloaded.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RipgrepLocation {
  path: string;
  /** Where it was found. */
  source: 'option' | 'PATH' | 'vscode';
}

function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds ripgrep. `explicit`: a path to use (it must exist); `false`: never use it.
 * Returns undefined when there is none.
 */
export function findRipgrep(explicit?: string | false, vscodeAppRoot?: string, env: NodeJS.ProcessEnv = process.env): RipgrepLocation | undefined {
  if (explicit === false) return undefined;
  if (explicit) return isExecutable(explicit) ? { path: explicit, source: 'option' } : undefined;
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, exe);
    if (isExecutable(p)) return { path: p, source: 'PATH' };
  }
  if (vscodeAppRoot) {
    for (const mod of ['node_modules', 'node_modules.asar.unpacked']) {
      const p = path.join(vscodeAppRoot, mod, '@vscode', 'ripgrep', 'bin', exe);
      if (isExecutable(p)) return { path: p, source: 'vscode' };
    }
  }
  return undefined;
}

/** One match: its byte offset and its text (as latin-1, one character per byte). */
export interface RgMatch {
  offset: number;
  text: string;
}

export interface RgRun {
  /** Resolves with the number of matches when ripgrep is done (exit 0 or 1); rejects on an error or abort. */
  done: Promise<number>;
}

/**
 * Runs ripgrep over `file` looking for the fixed strings `patterns` (none may hold a line
 * break; written to a temporary file) and calls `onMatch` for each match, in file order, as
 * its output arrives. `ignoreCase` folds ASCII letters only. ripgrep reports matches that do
 * not overlap (the leftmost first).
 */
export function runRipgrep(rg: string, file: string, patterns: string[], onMatch: (m: RgMatch) => void, opts: { ignoreCase?: boolean; signal?: AbortSignal } = {}): RgRun {
  const { signal } = opts;
  if (patterns.some((p) => /[\r\n]/.test(p) || p === '')) throw new Error('ripgrep patterns must be non-empty and hold no line break');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-rg-'));
  const patFile = path.join(dir, 'patterns');
  writeFileSync(patFile, patterns.join('\n') + '\n');
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const args = ['--no-config', '--text', '--byte-offset', '--only-matching', '--no-line-number', '--no-filename', '--color', 'never', '--mmap', '--fixed-strings', ...(opts.ignoreCase ? ['--ignore-case', '--no-unicode'] : ['--case-sensitive']), '-f', patFile, '--', file];
  const done = new Promise<number>((resolve, reject) => {
    if (signal?.aborted) {
      cleanup();
      reject(abortError());
      return;
    }
    const child = spawn(rg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let count = 0;
    let rest: Buffer | undefined;
    let stderr = '';
    let settled = false;
    const settle = (err: Error | undefined, n?: number) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      cleanup();
      if (err) reject(err);
      else resolve(n!);
    };
    const onAbort = () => {
      child.kill();
      settle(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (data: Buffer) => {
      if (settled) return;
      let buf = rest ? Buffer.concat([rest, data]) : data;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0) break;
        const colon = buf.indexOf(0x3a, start);
        if (colon < 0 || colon > nl) {
          settle(new Error(`unexpected ripgrep output: ${buf.toString('latin1', start, Math.min(nl, start + 80))}`));
          child.kill();
          return;
        }
        let offset = 0;
        for (let k = start; k < colon; k++) offset = offset * 10 + (buf[k]! - 48);
        count++;
        try {
          onMatch({ offset, text: buf.toString('latin1', colon + 1, nl) });
        } catch (err) {
          settle(err as Error);
          child.kill();
          return;
        }
        start = nl + 1;
      }
      rest = start < buf.length ? buf.subarray(start) : undefined;
      if (rest) rest = Buffer.from(rest); // do not keep the whole chunk alive
      buf = Buffer.alloc(0);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString('utf8');
    });
    child.on('error', (err) => settle(new Error(`could not run ripgrep (${rg}): ${err.message}`)));
    child.on('close', (code, sig) => {
      if (code === 0 || code === 1) settle(undefined, count);
      else settle(new Error(`ripgrep (${rg}) failed${code !== null ? ` with exit code ${code}` : ` (${sig})`}${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
  return { done };
}

export function abortError(): Error {
  const e = new Error('The scan was cancelled.');
  e.name = 'AbortError';
  return e;
}
