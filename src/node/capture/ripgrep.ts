/**
 * ripgrep as a fast byte search: find it, run it over one file with a set
 * of patterns, and stream the byte offsets of the matches.
 *
 * Found, in this order: an explicit path; `rg` on PATH; the copy VS Code
 * ships in its application folder (`@vscode/ripgrep`, unpacked from the asar
 * archive or not). Nothing is downloaded.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
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

/**
 * Called for each match with its byte offset in the file; the matched bytes are
 * `line[start, end)` (valid only during the call).
 */
export type OnMatch = (offset: number, line: Buffer, start: number, end: number) => void;

export interface RgRun {
  /** Resolves with the number of matches when ripgrep is done (exit 0 or 1); rejects on an error or abort. */
  done: Promise<number>;
}

/**
 * Runs ripgrep over `file` looking for the fixed strings `patterns` (none may hold a line
 * break; given on its standard input) and calls `onMatch` for each match, in file order, as
 * its output arrives. `ignoreCase` folds ASCII letters only. ripgrep reports matches that do
 * not overlap (the leftmost first). `mmap`: map the file instead of reading it (reading costs
 * less CPU, but ripgrep then holds a whole line in memory: use it for files with long lines).
 */
export function runRipgrep(rg: string, file: string, patterns: string[], onMatch: OnMatch, opts: { ignoreCase?: boolean; signal?: AbortSignal; mmap?: boolean } = {}): RgRun {
  const { signal } = opts;
  if (patterns.some((p) => /[\r\n]/.test(p) || p === '')) throw new Error('ripgrep patterns must be non-empty and hold no line break');
  const args = ['--no-config', '--text', '--byte-offset', '--only-matching', '--no-line-number', '--no-filename', '--color', 'never', opts.mmap ? '--mmap' : '--no-mmap', '--fixed-strings', ...(opts.ignoreCase ? ['--ignore-case', '--no-unicode'] : ['--case-sensitive']), '--file', '-', '--', file];
  const done = new Promise<number>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const child = spawn(rg, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    child.stdin.on('error', () => {}); // ripgrep gone early: its exit says why
    child.stdin.end(patterns.join('\n') + '\n');
    let count = 0;
    let rest: Buffer | undefined;
    let stderr = '';
    let settled = false;
    const settle = (err: Error | undefined, n?: number) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
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
      const buf = rest ? Buffer.concat([rest, data]) : data;
      let start = 0;
      try {
        for (;;) {
          const nl = buf.indexOf(0x0a, start);
          if (nl < 0) break;
          let offset = 0;
          let k = start;
          for (; k < nl; k++) {
            const c = buf[k]!;
            if (c === 0x3a) break;
            offset = offset * 10 + (c - 48);
          }
          if (k === nl || k === start) throw new Error(`unexpected ripgrep output: ${buf.toString('latin1', start, Math.min(nl, start + 80))}`);
          count++;
          onMatch(offset, buf, k + 1, nl);
          start = nl + 1;
        }
      } catch (err) {
        settle(err as Error);
        child.kill();
        return;
      }
      // keep only the unfinished line (a copy: not the whole chunk)
      rest = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
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
