// Pieces shared by scripts/test-vscode.mjs, scripts/test-electron.mjs and the
// UI tests: building, the throw-away workspace, the workbench URL, Chromium.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM, REPO_ROOT, ensureCodeServer, extensionProblems, startCodeServer } from '../../scripts/code-server.mjs';

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
 * A fresh temporary workspace holding a copy of examples/ (tests may edit it)
 * and the `extra` files ({ 'examples/x.audit.md': text }).
 * Returns its absolute path; the caller removes it with removeWorkspace().
 */
export function makeWorkspace(prefix = 'privacy-audit-ws-', extra = {}) {
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  restoreWorkspace(ws, extra);
  return ws;
}

/** Relative path → contents of every file under `dir` (symbolic links are not followed). */
function filesUnder(dir, rel = '', out = new Map()) {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) filesUnder(dir, r, out);
    else if (e.isSymbolicLink()) out.set(r, { link: fs.readlinkSync(path.join(dir, r)) });
    else out.set(r, fs.readFileSync(path.join(dir, r)));
  }
  return out;
}

/**
 * Makes `ws`/examples/ a copy of the repository's examples/ plus the `extra`
 * files again: what a test saved is written back, what it added is removed.
 * Only files that differ are touched (fewer file events for the workbench).
 * Returns the relative paths it changed.
 */
export function restoreWorkspace(ws, extra = {}) {
  const wanted = filesUnder(REPO_ROOT, 'examples');
  for (const [r, text] of Object.entries(extra)) wanted.set(path.normalize(r), Buffer.from(text));
  const have = fs.existsSync(path.join(ws, 'examples')) ? [...filesUnder(ws, 'examples').keys()] : [];
  const changed = [];
  for (const r of have) {
    if (wanted.has(r)) continue;
    fs.rmSync(path.join(ws, r), { force: true });
    changed.push(r);
  }
  for (const [r, v] of wanted) {
    const file = path.join(ws, r);
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (Buffer.isBuffer(v)) {
      if (st?.isFile() && fs.readFileSync(file).equals(v)) continue;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (st && !st.isFile()) fs.rmSync(file, { recursive: true, force: true });
      fs.writeFileSync(file, v);
    } else {
      if (st?.isSymbolicLink() && fs.readlinkSync(file) === v.link) continue;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.rmSync(file, { recursive: true, force: true });
      fs.symlinkSync(v.link, file);
    }
    changed.push(r);
  }
  return changed;
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

/** Makes test-output/screenshots/ and removes the PREFIX-*.png a previous run left there (a stale failure shot would mislead). */
export function clearScreenshots(prefix) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const f of fs.readdirSync(SCREENSHOTS)) if (f.startsWith(`${prefix}-`) && f.endsWith('.png')) fs.rmSync(path.join(SCREENSHOTS, f));
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


// ------------------------------------------------------------ the workbench

/** User settings for tests that drive the text editor: *.audit.md opens there rather than in the structured editor (the default). */
export const TEXT_EDITOR_FIRST = { 'workbench.editorAssociations': { '*.audit.md': 'default' } };

/** The colour themes setTheme() can choose, by the kind theme() reports. */
const THEME_LABELS = { light: 'Light Modern', dark: 'Dark Modern', 'hc-black': 'Dark High Contrast', 'hc-light': 'Light High Contrast' };

/** A person's typing pace: one key every 100 ms. */
export const TYPING_DELAY_MS = 100;

/** Types `text` key by key at a person's pace: into `target` (a locator) or, given a page, wherever the focus is. */
export async function typeLikeAPerson(target, text) {
  if (typeof target.pressSequentially === 'function') await target.pressSequentially(text, { delay: TYPING_DELAY_MS });
  else await target.keyboard.type(text, { delay: TYPING_DELAY_MS });
}

/**
 * The workbench in `page`, driven as a person does (F1, Ctrl+P, Escape), and
 * `reset()`, which puts it and the workspace back as they were before any
 * test: every UI test starts with reset() so that it depends neither on what
 * earlier tests left behind nor on how fast their changes were saved.
 */
export class Workbench {
  /**
   * @param {import('playwright-core').Page} page
   * @param {{ server?: { userDataDir: string, scratchDir: string }, workspace?: string, extra?: Record<string, string>, problems?: (server: object) => string[] }} options
   *   `extra`: files the workspace holds besides examples/; `problems`: reads the server's logs for an extension that failed to load.
   */
  constructor(page, { server, workspace, extra = {}, problems } = {}) {
    Object.assign(this, { page, server, workspace, extra, problems });
    this.quickInput = page.locator('.quick-input-widget');
    this.tabs = page.locator('.tabs-container .tab');
  }

  /** Fails at once (a `fatal` error stops poll()) when the server's logs say the extension was not loaded or failed. */
  assertExtensionLoaded() {
    const found = this.server && this.problems ? this.problems(this.server) : [];
    if (found.length) throw Object.assign(new Error(`EXTENSION NOT LOADED or failing; the server logs say: ${found.join(' | ')}`), { fatal: true });
  }

  /**
   * Opens the command palette, types `>label` and waits for the row of exactly
   * that command. Returns the row (the palette stays open) or null (closed again).
   */
  async #paletteRow(label) {
    await this.#openQuickInput('F1', `>${label}`);
    const row = this.quickInput.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
    if (await row.waitFor({ timeout: 2_000 }).then(() => true, () => false)) return row;
    await this.page.keyboard.press('Escape');
    return null;
  }

  /**
   * Waits until the command palette lists `label` (an extension's commands show
   * once it is registered: reopening the palette until then). Takes a screenshot
   * named `shot` of the palette showing it, then closes the palette.
   */
  async waitForCommand(label, { shot, timeoutMs = 60_000 } = {}) {
    await poll(async () => {
      this.assertExtensionLoaded();
      const row = await this.#paletteRow(label);
      if (!row) return false;
      if (shot) await screenshot(this.page, shot);
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: 5_000 });
      return true;
    }, `"${label}" in the command palette`, { timeoutMs });
  }

  /** Runs the command titled exactly `label` from the command palette (F1), as a person would. */
  async command(label, { timeoutMs = 60_000 } = {}) {
    await poll(async () => {
      this.assertExtensionLoaded();
      const row = await this.#paletteRow(label);
      if (!row) return false;
      await this.#choose(row, label);
      return true;
    }, `"${label}" in the command palette`, { timeoutMs });
  }

  /**
   * Chooses `row` of the open quick input with the keyboard: Down until it is
   * highlighted (another entry may rank first), then Enter. Throws only before
   * Enter (a caller may try again then); after it, callers wait for the effect.
   */
  async #choose(row, what) {
    const rows = await this.quickInput.locator('.monaco-list-row').count();
    for (let i = 0; !(await row.evaluate((e) => e.classList.contains('focused'), null, { timeout: 2_000 })); i++) {
      if (i > rows + 1) throw new Error(`cannot highlight "${what}" in the list`);
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
  }

  /**
   * Opens the quick input with `key` and types `text` into it. Short timeouts:
   * a quick input closes when the focus moves (an editor that just closed
   * hands it on a moment later), and the callers' polls open it again.
   */
  async #openQuickInput(key, text) {
    // one left open by an attempt that failed would take the key as its own (Ctrl+P moves down in Quick Open)
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: 3_000 });
    }
    await this.page.keyboard.press(key);
    await this.quickInput.locator('input').fill(text, { timeout: 3_000 });
  }

  /** Quick Open (Ctrl+P): types the file's name, chooses the row of that folder and waits for its tab. */
  async quickOpen(relPath) {
    const name = path.basename(relPath);
    // recently opened files are listed first while the list filters: choose the row of that folder
    const row = this.quickInput.locator('.monaco-list-row', { hasText: name }).filter({ hasText: path.dirname(relPath) }).first();
    await poll(async () => {
      await this.#openQuickInput('Control+P', name);
      await row.waitFor({ timeout: 5_000 });
      await this.#choose(row, relPath);
      return true;
    }, `${relPath} in Quick Open`, { timeoutMs: 30_000 });
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: 20_000 });
  }

  /** Closes whatever floats over the workbench (palette, dialog, quick-fix or context menu) with Escape. */
  async dismissOverlays() {
    const overlays = ['.quick-input-widget', '.monaco-dialog-box', '.action-widget', '.context-view .monaco-menu'].map((s) => this.page.locator(s));
    await poll(async () => {
      for (const o of overlays) {
        if (await o.first().isVisible()) {
          await this.page.keyboard.press('Escape');
          return false;
        }
      }
      return true;
    }, 'no palette, dialog or menu open', { timeoutMs: 15_000, intervalMs: 200 });
  }

  /**
   * Closes every editor with "View: Revert and Close Editor": an unsaved change
   * is thrown away (the document is read from disk again, never saved).
   */
  async revertAndCloseAllEditors() {
    for (let open = await this.tabs.count(); open > 0; open = await this.tabs.count()) {
      // the command acts on the active editor: after a tab of another group closed, the active group may be
      // an empty one, so a tab is made active first (a click on it), and again if the command missed it
      let tries = 0;
      await poll(async () => {
        if ((await this.tabs.count()) < open) return true;
        if (tries++ % 10 === 0) {
          await this.tabs.first().click({ timeout: 5_000 }).catch(() => {});
          await this.command('View: Revert and Close Editor');
        }
        return false;
      }, `an editor closed (${open} open)`, { timeoutMs: 30_000, intervalMs: 200 });
    }
  }

  async #classes() {
    return ((await this.page.locator('.monaco-workbench').first().getAttribute('class')) ?? '').split(/\s+/);
  }

  /** 'light' or 'dark': the colour theme the workbench shows. */
  async theme() {
    const c = await this.#classes();
    return c.includes('vs-dark') ? 'dark' : c.includes('vs') ? 'light' : c.find((x) => x.startsWith('hc-')) ?? 'unknown';
  }

  /**
   * Switches to the 'light' or 'dark' theme ("Preferences: Toggle between
   * Light/Dark Themes"), or to high contrast ('hc-black', 'hc-light') and back
   * through "Preferences: Color Theme", unless it is shown already.
   */
  async setTheme(kind) {
    const current = await this.theme();
    if (current === kind) return;
    const plain = (k) => k === 'light' || k === 'dark';
    if (plain(kind) && plain(current)) await this.command('Preferences: Toggle between Light/Dark Themes');
    else await this.#pickTheme(THEME_LABELS[kind]);
    await poll(async () => (await this.theme()) === kind, `the ${kind} theme in the workbench`, { timeoutMs: 15_000, intervalMs: 200 });
  }

  /** Chooses the colour theme labelled `label` in "Preferences: Color Theme". */
  async #pickTheme(label) {
    const row = this.quickInput.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
    await poll(async () => {
      await this.command('Preferences: Color Theme');
      await this.quickInput.locator('input').fill(label, { timeout: 3_000 });
      await row.waitFor({ timeout: 5_000 });
      await this.#choose(row, label);
      return true;
    }, `the colour theme "${label}"`, { timeoutMs: 30_000 });
  }

  /**
   * Before each test: no palette, dialog or menu; the workspace files as in
   * examples/ (plus `extra`); every editor reverted and closed; the panel
   * hidden; no notification; the `theme` ('light', 'dark', 'hc-black', 'hc-light') when given.
   * The files are restored before the editors are reverted, so a reverted
   * document is read from the restored file.
   */
  async reset({ theme } = {}) {
    await this.dismissOverlays();
    if (this.workspace) restoreWorkspace(this.workspace, this.extra);
    await this.revertAndCloseAllEditors();
    if (!(await this.#classes()).includes('nopanel')) {
      await this.command('View: Toggle Panel Visibility');
      await poll(async () => (await this.#classes()).includes('nopanel'), 'the panel hidden', { timeoutMs: 15_000, intervalMs: 200 });
    }
    const toasts = this.page.locator('.notifications-toasts .notification-toast');
    if (await toasts.count()) {
      await this.command('Notifications: Clear All Notifications');
      await poll(async () => (await toasts.count()) === 0, 'the notifications cleared', { timeoutMs: 15_000, intervalMs: 200 });
    }
    if (theme) await this.setTheme(theme);
  }

  /**
   * The text of line `n` (1-based) of the active text editor as it is drawn
   * (all its wrapped parts), or null when that line is not in view. Monaco
   * draws spaces as no-break spaces: they come back as spaces.
   */
  async editorLine(n) {
    const editor = this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
    return editor.evaluate((ed, n) => {
      const top = (el) => Number.parseFloat(el.closest('[style*="top"]').style.top);
      const numbers = [...ed.querySelectorAll('.margin-view-overlays .line-numbers')].map((el) => ({ n: Number(el.textContent), top: top(el) })).filter((x) => x.n).sort((a, b) => a.top - b.top);
      const i = numbers.findIndex((x) => x.n === n);
      if (i < 0) return null;
      const end = numbers[i + 1]?.top ?? Infinity;
      const parts = [...ed.querySelectorAll('.view-lines .view-line')].map((el) => ({ top: top(el), text: el.textContent })).filter((x) => x.top >= numbers[i].top && x.top < end).sort((a, b) => a.top - b.top);
      return parts.map((p) => p.text).join('').replace(/\u00a0/g, ' ');
    }, n);
  }

  /**
   * Waits until line `n` of the active text editor is drawn and `accept`s its
   * text (a string: equal to it); returns the text. Fails naming what was drawn.
   */
  async waitForEditorLine(n, accept, what = `line ${n} of the editor`) {
    const ok = typeof accept === 'string' ? (t) => t === accept : accept;
    let last = null;
    try {
      await poll(async () => ok((last = await this.editorLine(n))), what, { timeoutMs: 10_000, intervalMs: 200 });
    } catch (err) {
      throw new Error(`${err.message}; the editor shows ${last === null ? 'no such line' : JSON.stringify(last)}${typeof accept === 'string' ? `, expected ${JSON.stringify(accept)}` : ''}`);
    }
    return last;
  }

  /** The cursor's line in the status bar ("Ln 12, Col 3"), or null. */
  async cursorLine() {
    const text = await this.page.locator('.statusbar-item[id$="status.editor.selection"]').innerText().catch(() => '');
    const m = /Ln (\d+), Col (\d+)/.exec(text);
    return m ? Number(m[1]) : null;
  }

  /**
   * Ctrl+G to `line` (and `column`) in the active text editor; waits until the
   * status bar shows the cursor there and the line is in view. Goes there again
   * when the view moved away meanwhile (an editor just opened may still be
   * scrolling to where it was asked to show).
   */
  async goToLine(line, column) {
    const there = async () => (await this.cursorLine()) === line && (await this.editorLine(line)) !== null;
    await poll(async () => {
      await this.#openQuickInput('Control+G', `:${line}${column ? `:${column}` : ''}`);
      await this.page.keyboard.press('Enter');
      return poll(there, '', { timeoutMs: 3_000, intervalMs: 100 }).then(() => true, () => false);
    }, `the cursor on line ${line}, in view`, { timeoutMs: 15_000, intervalMs: 100 });
  }
}


// ------------------------------------------------------------ UI test files

/**
 * The extension the UI tests load: `--extension-path` of scripts/test-vscode.mjs,
 * else this repository. Read when called (the runner sets it after importing this module).
 */
export function extensionUnderTest() {
  return process.env.PRIVACY_AUDIT_EXTENSION_PATH || REPO_ROOT;
}

/**
 * Registers the mocha hooks of a UI test file and returns the session they
 * fill in (`page`, `wb`, `workspace`, `server`): before all, code-server on a
 * fresh copy of examples/ (plus `extra`) with the extension under test and
 * Chromium on its workbench, once the extension's commands are listed; before
 * each test, `wb.reset({ theme })`; after a failing test, a screenshot
 * `SHOTS-failure-TITLE.png`; after all, everything stopped and removed (kept,
 * with the server's logs printed, when a test failed). `onPage(page)` runs
 * before the workbench is loaded (to watch its requests, for example).
 * Call it inside `describe`.
 */
export function workbenchSession({ prefix = 'privacy-audit-ws-', shots, extra = {}, settings = {}, theme = 'light', onPage } = {}) {
  const { before, beforeEach, afterEach, after } = globalThis;
  const s = { page: undefined, wb: undefined, workspace: undefined, server: undefined };
  let browser;
  let failed = false;
  before(async function () {
    clearScreenshots(shots);
    await ensureCodeServer({ quiet: true });
    s.workspace = makeWorkspace(prefix, extra);
    s.server = await startCodeServer({ workspace: s.workspace, settings: { 'workbench.colorTheme': 'Default Light Modern', ...settings } });
    browser = await launchBrowser();
    s.page = browser.page;
    s.wb = new Workbench(s.page, { server: s.server, workspace: s.workspace, extra, problems: extensionProblems });
    onPage?.(s.page);
    await s.page.goto(workbenchUrl(s.server, { folder: s.workspace, extensionPath: extensionUnderTest() }), { waitUntil: 'domcontentloaded' });
    await s.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await s.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    // wait until the extension is registered (opening a report earlier would open it as text)
    await s.wb.waitForCommand('Privacy Audit: Lint Workspace');
  });
  // each test starts from the same workbench, files and theme, whatever ran before it
  beforeEach(async function () {
    await s.wb.reset({ theme });
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    if (s.page) await screenshot(s.page, `${shots}-failure-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => {});
  });
  after(async function () {
    await browser?.close();
    await s.server?.stop();
    if (failed && s.server) {
      s.server.dumpLogs();
      console.log(`      kept for inspection: workspace ${s.workspace}, code-server scratch ${s.server.scratchDir}`);
    } else if (!process.env.PRIVACY_AUDIT_KEEP_SCRATCH) {
      s.server?.cleanup();
      removeWorkspace(s.workspace);
    }
  });
  return s;
}

/** The first frame of `page` whose document matches `selector` (a webview nests an iframe in an iframe). */
export function webviewFrame(page, selector, what, { timeoutMs = 30_000 } = {}) {
  return poll(async () => {
    for (const f of page.frames()) {
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    return null;
  }, what, { timeoutMs });
}

/**
 * Line index, line and value of `key:` in record `id` of a report's text: a
 * record that is an item of a list (`- id: F1`) or a block's only mapping (`id: D1`).
 */
export function recordField(text, id, key) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === `- id: ${id}` || l === `id: ${id}`);
  const indent = lines[start]?.startsWith('- ') ? '  ' : '';
  const isStart = (l) => l.startsWith('- id: ') || l.startsWith('```');
  const index = lines.findIndex((l, i) => i > start && l.startsWith(`${indent}${key}: `));
  assert.ok(start >= 0 && index > start && !lines.slice(start + 1, index).some(isStart), `${id}.${key} in the report`);
  return { index, line: lines[index], value: lines[index].slice(`${indent}${key}: `.length) };
}

/**
 * Saves with Ctrl+S until the file (`read()`) `accept`s, then waits until no
 * editor is unsaved; returns the saved text. Ctrl+S is pressed again while an
 * editor is unsaved: a form change reaches the document a moment after the
 * field loses focus, and a save pressed before it arrived saved the text without it.
 */
export async function saveUntil(page, read, accept, what, { timeoutMs = 20_000 } = {}) {
  const dirty = page.locator('.tabs-container .tab.dirty');
  const text = await poll(async () => {
    const t = read();
    if (accept(t)) return t;
    if (await dirty.count()) await page.keyboard.press('Control+S');
    return null;
  }, what, { timeoutMs, intervalMs: 200 });
  await poll(async () => (await dirty.count()) === 0, 'no unsaved editor', { timeoutMs, intervalMs: 200 });
  return text;
}

/**
 * Replaces a form field's text the way a person does: select it all with a
 * triple click, see it selected, type, Tab. (Not Ctrl+A: in a webview the
 * workbench also runs its own Select All a moment later, which can select
 * the first typed character so that the second replaces it.)
 */
export async function retype(input, text, { tab = true } = {}) {
  await input.click({ clickCount: 3 });
  await poll(() => input.evaluate((e) => e === document.activeElement && e.selectionStart === 0 && e.selectionEnd === e.value.length), "the field's text selected", { timeoutMs: 5_000, intervalMs: 100 });
  await typeLikeAPerson(input, text);
  assert.equal(await input.inputValue(), text, 'the field holds what was typed');
  if (tab) await input.press('Tab');
}
