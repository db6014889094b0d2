// Workbench UI tests: a person's view of the extension in VS Code 1.100.3
// (code-server) driven through Debian's Chromium with playwright-core.
// Run by scripts/test-vscode.mjs after the integration suites (mocha, BDD,
// here in Node, not in the extension host). The extension is loaded only as
// extensionDevelopmentPath; the folder is a throw-away copy of examples/.
// Screenshots go to test-output/screenshots/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer, extensionProblems, startCodeServer } from '../../../scripts/code-server.mjs';
import { REPO_ROOT, TEXT_EDITOR_FIRST, Workbench, clearScreenshots, launchBrowser, makeWorkspace, poll, removeWorkspace, screenshot, workbenchUrl } from '../harness.mjs';

const EXTENSION_PATH = process.env.PRIVACY_AUDIT_EXTENSION_PATH || REPO_ROOT;
const REPORT = 'examples/broken/records.audit.md';
// expectations come from the repository's copy: reset() puts the workspace back to it before each test
const PRISTINE = fs.readFileSync(path.join(REPO_ROOT, REPORT), 'utf8');
const MARKER = /(?:#|<!--)\s*expect(?:@(\d+))?:\s*(PA\d{3}(?:\s*,\s*PA\d{3})*)/g;

/** 1-based lines at which the fixture's expect markers put `rule`. */
function markerLines(text, rule) {
  const lines = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const m of line.matchAll(MARKER)) if (m[2].split(/\s*,\s*/).includes(rule)) lines.push(m[1] ? Number(m[1]) : i + 1);
  });
  return lines;
}

describe('workbench UI (code-server 4.100.3 + Chromium)', function () {
  this.timeout(120_000);
  /** @type {Awaited<ReturnType<typeof startCodeServer>>} */
  let server;
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {Workbench} */
  let wb;
  let workspace;
  let failed = false;
  let registered = false;

  const shot = (name) => screenshot(page, name);
  const panel = () => page.locator('.markers-panel');
  const filterBox = () => page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
  const problemRows = () => panel().locator('.monaco-list-row[aria-level="2"]');
  const lineOf = (row) => Number(/\[Ln (\d+), Col \d+\]/.exec(row)?.[1]);

  before(async function () {
    clearScreenshots('ui');
    await ensureCodeServer({ quiet: true });
    workspace = makeWorkspace('privacy-audit-ui-ws-');
    server = await startCodeServer({ workspace, settings: TEXT_EDITOR_FIRST });
    browser = await launchBrowser();
    page = browser.page;
    wb = new Workbench(page, { server, workspace, problems: extensionProblems });
    // no extensionTestsPath: the workbench stays open with the extension loaded as under development
    await page.goto(workbenchUrl(server, { folder: workspace, extensionPath: EXTENSION_PATH }), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  });

  // Each test starts from the same workbench and files, whatever ran before it.
  beforeEach(async function () {
    await wb.reset();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      failed = true;
      const name = `ui-failure-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      await shot(name).catch(() => {});
    }
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    if (failed && server) {
      server.dumpLogs();
      console.log(`      kept for inspection: workspace ${workspace}, code-server scratch ${server.scratchDir}`);
    } else if (!process.env.PRIVACY_AUDIT_KEEP_SCRATCH) {
      server?.cleanup();
      removeWorkspace(workspace);
    }
  });

  /** The palette entry of a command the extension contributes (one not hidden from the palette). */
  function paletteLabel() {
    const pkg = JSON.parse(fs.readFileSync(path.join(EXTENSION_PATH, 'package.json'), 'utf8'));
    const cmd = pkg.contributes?.commands?.find((c) => !(pkg.contributes.menus?.commandPalette ?? []).some((m) => m.command === c.command && m.when === 'false'));
    assert.ok(cmd, 'package.json contributes a command to the palette');
    return cmd.category ? `${cmd.category}: ${cmd.title}` : cmd.title;
  }

  /**
   * Quick Open (Ctrl+P) on the report, once the extension is registered:
   * opening a file before its contributions are registered opens it as plain text.
   */
  async function openReport() {
    if (!registered) await wb.waitForCommand(paletteLabel());
    registered = true;
    await wb.quickOpen(REPORT);
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
  }

  /** Shows the Problems panel (Ctrl+Shift+M) with `text` in its filter box. */
  async function showProblems(text) {
    if (!(await panel().isVisible())) await page.keyboard.press('Control+Shift+M');
    await panel().waitFor({ timeout: 20_000 });
    await filterBox().fill(text);
  }

  /**
   * Waits until the Problems panel, filtered by `rule`, lists exactly the
   * report's `rule` problems on the lines its expect markers name (in the
   * pristine fixture) and returns those rows. The panel shows only the rows in
   * view: filtering by the rule id brings them all into view.
   */
  async function problemsOf(rule) {
    const want = markerLines(PRISTINE, rule);
    assert.ok(want.length, `the fixture marks a ${rule} problem`);
    await showProblems(rule);
    let seen = [];
    let files = [];
    return poll(async () => {
      wb.assertExtensionLoaded();
      // the filter box can be re-rendered while the panel settles: type the rule again when it lost it
      if ((await filterBox().inputValue()) !== rule) await filterBox().fill(rule);
      files = await panel().locator('.monaco-list-row[aria-level="1"]').allInnerTexts();
      seen = await problemRows().allInnerTexts();
      const lines = seen.filter((t) => t.includes(rule)).map(lineOf).sort((a, b) => a - b);
      return files.length === 1 && /records\.audit\.md/.test(files[0]) && seen.length === want.length && lines.join() === want.join() ? seen : null;
    }, `the Problems rows of ${rule} on lines ${want.join(', ')} of ${path.basename(REPORT)}`, { timeoutMs: 30_000 }).catch(async (err) => {
      await shot(`ui-problems-${rule}-timeout`);
      const value = await filterBox().inputValue().catch((e) => `(unreadable: ${e.message})`);
      throw new Error(`${err.message}; filter box holds "${value}"; files seen: ${JSON.stringify(files)}; rows seen: ${JSON.stringify(seen)}`);
    });
  }

  it('lists the extension\'s commands in the command palette', async function () {
    // reopens the palette until the command is listed (the extension registers after the window opens)
    await wb.waitForCommand(paletteLabel(), { shot: 'ui-01-command-palette' });
    registered = true;
  });

  it(`opens ${REPORT} with Quick Open and shows PA010 and PA021 in the Problems panel`, async function () {
    await openReport();
    await showProblems('');
    await poll(async () => {
      wb.assertExtensionLoaded();
      return (await problemRows().count()) > 0;
    }, 'rows in the Problems panel', { timeoutMs: 30_000 });
    await shot('ui-02-problems-panel');
    for (const rule of ['PA010', 'PA021']) {
      const rows = await problemsOf(rule);
      assert.deepEqual(rows.map(lineOf).sort((a, b) => a - b), markerLines(PRISTINE, rule), `${rule} rows (${rows.join(' | ')}) are on the lines its expect markers name`);
      for (const t of rows) assert.match(t, new RegExp(`${rule}.*privacy-audit|privacy-audit.*${rule}`, 's'), `the ${rule} row names its rule and its source`);
      await shot(`ui-03-problems-${rule}`);
    }
    await filterBox().fill('');
  });

  /**
   * Opens the report, puts the cursor where the Problems panel says the `rule`
   * problem starts (the line its marker names), checks that the editor shows
   * `lineMatch` on that line, presses Ctrl+. and returns the quick-fix menu's
   * entries (fails when there is none).
   */
  async function openQuickFix(rule, lineMatch) {
    const [row] = await problemsOf(rule);
    const [, line, col] = /\[Ln (\d+), Col (\d+)\]/.exec(row) ?? [];
    assert.ok(line, `the ${rule} row shows its position: ${row}`);
    assert.ok(PRISTINE.split('\n')[line - 1].includes(lineMatch), `line ${line} of the fixture holds "${lineMatch}"`);

    // back to the editor (Ctrl+1: the focus is in the panel's filter box), then
    // the cursor to where the diagnostic starts: Ctrl+G "line:column"
    await page.keyboard.press('Control+1');
    await wb.goToLine(Number(line), Number(col));
    await wb.waitForEditorLine(Number(line), (t) => t?.includes(lineMatch), `the cursor line ${line} showing the ${rule} line ("${lineMatch}")`);
    // what a person sees before pressing Ctrl+.: the light bulb of the code actions at the cursor
    await page.locator('.editor-instance .monaco-editor .lightBulbWidget').first().waitFor({ state: 'visible', timeout: 15_000 });

    // VS Code itself may answer a Ctrl+. that closely follows a cursor move with
    // "No code actions available" (its request for the old position is cancelled):
    // like a person, press it again then; never more than 15 s.
    const widget = page.locator('.action-widget');
    const noActions = page.locator('.monaco-editor-overlaymessage', { hasText: /No code actions/i });
    let none = 0;
    await page.keyboard.press('Control+Period');
    const outcome = await poll(async () => {
      if (await widget.isVisible()) return 'menu';
      if (!(await noActions.isVisible())) return null;
      none++;
      await page.keyboard.press('Escape');
      await noActions.waitFor({ state: 'hidden', timeout: 5_000 });
      await page.keyboard.press('Control+Period');
      return null;
    }, `the quick fix menu on the ${rule} line`, { timeoutMs: 15_000, intervalMs: 200 }).catch((err) => (none ? 'none' : Promise.reject(err)));
    if (none) console.log(`      Ctrl+. answered "No code actions available" ${none} time(s)${outcome === 'menu' ? ' before it offered the menu' : ''}`);
    assert.equal(outcome, 'menu', `Ctrl+. on the ${rule} line offers code actions`);
    const items = (await widget.locator('.monaco-list-row.action').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    console.log(`      quick fix menu: ${items.join(' | ')}`);
    return { items, widget, line: Number(line) };
  }

  /** Chooses a menu entry with the keyboard (the menu's pointer block swallows clicks), as a person would. */
  async function choose(items, widget, pattern) {
    const index = items.findIndex((t) => pattern.test(t));
    assert.ok(index >= 0, `a fix matching ${pattern} is offered (menu: ${items.join(' | ')})`);
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  const editorLines = async () => (await page.locator('.editor-instance .monaco-editor .view-lines .view-line').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
  // the evidence files as in the repository (reset() restores the workspace's copies)
  const sha256Of = (rel) => createHash('sha256').update(fs.readFileSync(path.join(REPO_ROOT, path.dirname(REPORT), rel))).digest('hex');

  /** Waits until the Problems panel, filtered by `rule`, lists no problem. */
  async function problemGone(rule) {
    await showProblems(rule);
    await poll(async () => (await filterBox().inputValue()) === rule && (await problemRows().count()) === 0, `the ${rule} problem to disappear`, { timeoutMs: 15_000 });
  }

  it('offers a quick fix with Ctrl+. on the PA022 line (evidence/unhashed.log)', async function () {
    await openReport();
    const { items, widget } = await openQuickFix('PA022', 'file: evidence/unhashed.log');
    await shot('ui-04-quick-fix-menu');
    await choose(items, widget, /Record the sha256/);
    // the hash is recorded and the PA022 problem goes away
    const hash = sha256Of('evidence/unhashed.log');
    const sha = await poll(async () => (await editorLines()).find((t) => t.includes(hash)), `the line "sha256: ${hash}" written by the fix`, { timeoutMs: 15_000 });
    console.log(`      after the fix: ${sha.trim()}`);
    await problemGone('PA022');
    await shot('ui-05-after-quick-fix');
    await filterBox().fill('');
  });

  it('asks before recording a new hash for a changed evidence file (PA021), and records it on confirmation', async function () {
    await openReport();
    const { items, widget, line } = await openQuickFix('PA021', 'deadbeef');
    await choose(items, widget, /current sha256/);
    // a modal dialog, not a silent edit
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    const message = await dialog.innerText();
    assert.match(message, /has changed since it was recorded/);
    assert.match(message, /accepts the changed file as evidence/);
    await shot('ui-06-changed-evidence-confirmation');
    const hash = sha256Of('evidence/changed.log');
    // Cancel first: nothing changes
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await wb.waitForEditorLine(line, PRISTINE.split('\n')[line - 1], 'the recorded hash left as it was after cancelling');
    assert.ok(!(await editorLines()).some((t) => t.includes(hash)), 'cancelling writes no new hash');
    // then confirm
    const again = await openQuickFix('PA021', 'deadbeef');
    await choose(again.items, again.widget, /current sha256/);
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.getByRole('button', { name: 'Record the new hash' }).click();
    await poll(async () => (await editorLines()).some((t) => t.includes(hash)), `the new hash ${hash} in the editor`, { timeoutMs: 15_000 });
    await problemGone('PA021');
    await shot('ui-07-after-confirmed-fix');
    await filterBox().fill('');
  });
});
