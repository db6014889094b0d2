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
// these tests drive the text editor: open *.audit.md there rather than in the structured editor (the default)
const TEXT_EDITOR_FIRST = { 'workbench.editorAssociations': { '*.audit.md': 'default' } };

import { REPO_ROOT, SCREENSHOTS, launchBrowser, makeWorkspace, poll, removeWorkspace, screenshot, workbenchUrl } from '../harness.mjs';

const EXTENSION_PATH = process.env.PRIVACY_AUDIT_EXTENSION_PATH || REPO_ROOT;
const REPORT = 'examples/broken/records.audit.md';
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
  let workspace;
  let failed = false;

  const shot = (name) => screenshot(page, name);
  /** Fails at once when the server's logs say the extension was not loaded or failed. */
  const assertExtensionLoaded = () => {
    const problems = extensionProblems(server);
    if (problems.length) throw Object.assign(new Error(`EXTENSION NOT LOADED or failing; the server logs say: ${problems.join(' | ')}`), { fatal: true });
  };
  const quickInput = () => page.locator('.quick-input-widget');
  const quickInputRows = () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

  before(async function () {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const f of fs.readdirSync(SCREENSHOTS)) if (/^ui-.*\.png$/.test(f)) fs.rmSync(path.join(SCREENSHOTS, f));
    await ensureCodeServer({ quiet: true });
    workspace = makeWorkspace('privacy-audit-ui-ws-');
    server = await startCodeServer({ workspace, settings: TEXT_EDITOR_FIRST });
    browser = await launchBrowser();
    page = browser.page;
    // no extensionTestsPath: the workbench stays open with the extension loaded as under development
    await page.goto(workbenchUrl(server, { folder: workspace, extensionPath: EXTENSION_PATH }), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
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

  it('lists the extension\'s commands in the command palette', async function () {
    const pkg = JSON.parse(fs.readFileSync(path.join(EXTENSION_PATH, 'package.json'), 'utf8'));
    const cmd = pkg.contributes?.commands?.find((c) => !(pkg.contributes.menus?.commandPalette ?? []).some((m) => m.command === c.command && m.when === 'false'));
    assert.ok(cmd, 'package.json contributes a command to the palette');
    const label = cmd.category ? `${cmd.category}: ${cmd.title}` : cmd.title;
    // Opening a file before the extension's contributions are registered opens it
    // as plain text: reopen the palette until the command is listed.
    await poll(async () => {
      assertExtensionLoaded();
      await page.keyboard.press('F1');
      await quickInput().locator('input').waitFor({ timeout: 5_000 });
      await quickInput().locator('input').fill(`>${label}`);
      const found = await quickInputRows()
        .filter({ hasText: label })
        .first()
        .waitFor({ timeout: 2_000 })
        .then(() => true, () => false);
      if (found) await shot('ui-01-command-palette');
      await page.keyboard.press('Escape');
      return found;
    }, `"${label}" in the command palette`, { timeoutMs: 60_000 });
  });

  it(`opens ${REPORT} with Quick Open and shows PA010 and PA021 in the Problems panel`, async function () {
    const text = fs.readFileSync(path.join(workspace, REPORT), 'utf8');
    // Quick Open (Ctrl+P), type the name, Enter
    await page.keyboard.press('Control+P');
    await quickInput().locator('input').fill(path.basename(REPORT));
    await quickInputRows().filter({ hasText: 'examples/broken' }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: path.basename(REPORT) }).waitFor({ timeout: 20_000 });
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });

    // Problems panel (Ctrl+Shift+M)
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: 20_000 });
    const rowsOf = () => panel.locator('.monaco-list-row[aria-level="2"]');
    await poll(async () => {
      assertExtensionLoaded();
      return (await rowsOf().count()) > 0;
    }, 'rows in the Problems panel', { timeoutMs: 30_000 });
    const header = await panel.locator('.monaco-list-row[aria-level="1"]').first().innerText();
    assert.match(header, /records\.audit\.md/, 'the Problems panel lists records.audit.md');
    await shot('ui-02-problems-panel');

    // Only the rows in view exist in the DOM: filter by the rule id to read its rows.
    const filter = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
    for (const rule of ['PA010', 'PA021']) {
      await filter.fill(rule);
      let seen = [];
      const rows = await poll(async () => {
        // the filter box can be re-rendered while the panel settles: type the rule again when it lost it
        if ((await filter.inputValue()) !== rule) await filter.fill(rule);
        seen = await rowsOf().allInnerTexts();
        const mine = seen.filter((t) => t.includes(rule));
        const lines = mine.map((t) => Number(/\[Ln (\d+), Col \d+\]/.exec(t)?.[1])).sort((a, b) => a - b);
        return mine.length > 0 && mine.length === seen.length && lines.join() === markerLines(text, rule).join() ? mine : null;
      }, `Problems rows for ${rule}`, { timeoutMs: 30_000 }).catch(async (err) => {
        await shot(`ui-03-problems-${rule}-timeout`);
        const value = await filter.inputValue().catch((e) => `(unreadable: ${e.message})`);
        throw new Error(`${err.message}; filter box holds "${value}"; rows seen: ${JSON.stringify(seen)}`);
      });
      const lines = rows.map((t) => Number(/\[Ln (\d+), Col \d+\]/.exec(t)?.[1])).sort((a, b) => a - b);
      assert.deepEqual(lines, markerLines(text, rule), `${rule} rows (${rows.join(' | ')}) are on the lines its expect markers name`);
      for (const t of rows) assert.match(t, /privacy-audit/, `the ${rule} row names its source`);
      await shot(`ui-03-problems-${rule}`);
    }
    await filter.fill('');
  });

  /**
   * Puts the cursor where the Problems panel says the `rule` problem whose row
   * contains `rowMatch` starts, presses Ctrl+. and returns the quick-fix menu's
   * entries (fails when there is none).
   */
  async function openQuickFix(rule, lineMatch) {
    const panel = page.locator('.markers-panel');
    const filter = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
    if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
    await filter.fill(rule);
    const rowText = await poll(async () => {
      assertExtensionLoaded();
      const texts = await panel.locator('.monaco-list-row[aria-level="2"]').allInnerTexts();
      return texts.find((t) => t.includes(rule));
    }, `the ${rule} row in the Problems panel`, { timeoutMs: 15_000 });
    await filter.fill('');
    const [, line, col] = /\[Ln (\d+), Col (\d+)\]/.exec(rowText) ?? [];
    assert.ok(line, `the ${rule} row shows its position: ${rowText}`);

    // cursor to where the diagnostic starts: Ctrl+G "line:column"
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await quickInput().locator('input').fill(`:${line}:${col}`);
    await page.keyboard.press('Enter');
    await poll(async () => /Ln (\d+), Col (\d+)/.exec((await page.locator('.statusbar-item[id$="status.editor.selection"]').innerText().catch(() => '')) ?? '')?.[1] === line, `the cursor on line ${line}`, { timeoutMs: 10_000 });
    // the editor renders spaces as no-break spaces
    const lineText = (await page.locator('.editor-instance .monaco-editor .view-lines .view-line', { hasText: lineMatch }).first().innerText()).replace(/\u00a0/g, ' ');
    assert.ok(lineText.includes(lineMatch), `the cursor line is the ${rule} line: ${lineText}`);

    await page.keyboard.press('Control+Period');
    const widget = page.locator('.action-widget');
    const noActions = page.locator('.monaco-editor-overlaymessage', { hasText: /No code actions/i });
    const outcome = await poll(async () => ((await widget.isVisible()) ? 'menu' : (await noActions.isVisible()) ? 'none' : null), 'the quick fix menu or "No code actions available"', { timeoutMs: 15_000 });
    assert.equal(outcome, 'menu', `Ctrl+. on the ${rule} line offers code actions`);
    const items = (await widget.locator('.monaco-list-row.action').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    console.log(`      quick fix menu: ${items.join(' | ')}`);
    return { items, widget, panel, filter };
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
  const sha256Of = (rel) => createHash('sha256').update(fs.readFileSync(path.join(workspace, path.dirname(REPORT), rel))).digest('hex');

  it('offers a quick fix with Ctrl+. on the PA022 line (evidence/unhashed.log)', async function () {
    const { items, widget, panel, filter } = await openQuickFix('PA022', 'file: evidence/unhashed.log');
    await shot('ui-04-quick-fix-menu');
    await choose(items, widget, /Record the sha256/);
    // the hash is recorded and the PA022 problem goes away
    const hash = sha256Of('evidence/unhashed.log');
    const sha = await poll(async () => (await editorLines()).find((t) => t.includes(hash)), `the line "sha256: ${hash}" written by the fix`, { timeoutMs: 15_000 });
    console.log(`      after the fix: ${sha.trim()}`);
    await filter.fill('PA022');
    await poll(async () => (await panel.locator('.monaco-list-row[aria-level="2"]').count()) === 0, 'the PA022 problem to disappear', { timeoutMs: 15_000 });
    await shot('ui-05-after-quick-fix');
    await filter.fill('');
  });

  it('asks before recording a new hash for a changed evidence file (PA021), and records it on confirmation', async function () {
    const { items, widget, panel, filter } = await openQuickFix('PA021', 'deadbeef');
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
    assert.ok(!(await editorLines()).some((t) => t.includes(hash)), 'cancelling leaves the recorded hash');
    // then confirm
    const again = await openQuickFix('PA021', 'deadbeef');
    await choose(again.items, again.widget, /current sha256/);
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.getByRole('button', { name: 'Record the new hash' }).click();
    await poll(async () => (await editorLines()).some((t) => t.includes(hash)), `the new hash ${hash} in the editor`, { timeoutMs: 15_000 });
    await filter.fill('PA021');
    await poll(async () => (await panel.locator('.monaco-list-row[aria-level="2"]').count()) === 0, 'the PA021 problem to disappear', { timeoutMs: 15_000 });
    await filter.fill('');
    await shot('ui-07-after-confirmed-fix');
  });
});
