// Pieces shared by scripts/test-vscode.mjs, scripts/test-electron.mjs and the
// UI tests: building, the throw-away workspace, the workbench URL, Chromium.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM, REPO_ROOT } from '../../scripts/code-server.mjs';

export { REPO_ROOT };
export const SUITE_SRC = path.join(REPO_ROOT, 'test', 'vscode', 'suite');
export const SUITE_OUT = path.join(REPO_ROOT, 'out', 'test', 'suite');
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');
export const EXTENSION_ID = 'privacy-audit.privacy-audit';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--password-store=basic',
];

const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** `node scripts/build.mjs`: the extension bundle the tests load (dist/extension.js). */
export function buildExtension() {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code) => {
      if (code === 0) {
        console.log(`[build] extension built (${sec(Date.now() - started)})`);
        resolve();
      } else {
        process.stdout.write(out);
        reject(new Error(`node scripts/build.mjs exited with ${code}`));
      }
    });
  });
}

/**
 * Bundles test/vscode/suite/index.ts and every *.test.ts beside it into
 * out/test/suite/*.js (CommonJS; `vscode` and `mocha` stay external: the
 * extension host provides the first, the repo's node_modules the second).
 */
export async function buildSuites() {
  const started = Date.now();
  const esbuild = await import('esbuild');
  const entries = fs
    .readdirSync(SUITE_SRC)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => path.join(SUITE_SRC, f));
  if (!entries.some((f) => f.endsWith('.test.ts'))) throw new Error(`no *.test.ts in ${SUITE_SRC}`);
  fs.rmSync(SUITE_OUT, { recursive: true, force: true }); // no stale tests from renamed files
  await esbuild.build({
    entryPoints: entries,
    outdir: SUITE_OUT,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  console.log(`[build] ${entries.length} suite file(s) -> ${path.relative(REPO_ROOT, SUITE_OUT)} (${sec(Date.now() - started)})`);
}

/**
 * A fresh temporary workspace holding a copy of examples/ (tests may edit it).
 * Returns its absolute path; the caller removes it with removeWorkspace().
 */
export function makeWorkspace(prefix = 'privacy-audit-ws-') {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(path.join(REPO_ROOT, 'examples'), path.join(ws, 'examples'), { recursive: true, verbatimSymlinks: true });
  return fs.realpathSync(ws);
}

export function removeWorkspace(ws) {
  if (ws && ws.startsWith(os.tmpdir())) fs.rmSync(ws, { recursive: true, force: true });
}

/**
 * The workbench URL that opens `folder` with the extension under development
 * (and, given `testsPath`, runs that test module in the extension host):
 * code-server refuses these as command-line flags, so they go in `payload`.
 */
export function workbenchUrl(server, { folder, extensionPath = REPO_ROOT, testsPath } = {}) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  const q = new URLSearchParams();
  if (folder) q.set('folder', folder);
  q.set('payload', JSON.stringify(payload));
  return `${server.url}?${q.toString()}`;
}

/**
 * Debian's Chromium, headless, through playwright-core (which never downloads
 * a browser by itself). A fresh profile in a temporary folder.
 */
export async function launchBrowser({ viewport = { width: 1440, height: 900 } } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Turns console arguments as the workbench forwards them (a printf-style
 * format with %s/%d/%c… and the values) into one plain line.
 */
export function formatAutomationLog(args) {
  const list = Array.isArray(args) ? [...args] : [args];
  const str = (a) => (typeof a === 'string' ? a : a === undefined ? 'undefined' : JSON.stringify(a));
  if (typeof list[0] !== 'string') return list.map(str).join(' ');
  let rest = list.slice(1);
  const head = list[0].replace(/%[sdifoOjc%]/g, (m) => {
    if (m === '%%') return '%';
    if (!rest.length) return m;
    const v = rest.shift();
    if (m === '%c') return '';
    if (m === '%d' || m === '%i') return String(Number.parseInt(v, 10));
    if (m === '%f') return String(Number(v));
    return str(v);
  });
  return [head, ...rest.map(str)].join(' ').replace(/\s+$/, '');
}

/** Saves a screenshot of `page` as test-output/screenshots/NAME.png and says where; returns the path. */
export async function screenshot(page, name) {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`      screenshot: ${path.relative(REPO_ROOT, file)}`);
  return file;
}

/** Polls `fn` until it returns a truthy value; rejects with `what` after `timeoutMs`, or at once on an error marked `fatal`. */
export async function poll(fn, what, { timeoutMs = 30_000, intervalMs = 500 } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      if (err.fatal) throw err;
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

