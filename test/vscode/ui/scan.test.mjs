// The capture scan as a person meets it in VS Code 1.100 (code-server)
// through Chromium: a right click on a HAR in the Explorer, Scan Captures,
// the report chosen in the quick pick, the Capture Scan view's rows, and the
// inline Add as Flow on a host that no flow records yet. Screenshots of the
// view before and after go to test-output/screenshots/scan-*.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, TEXT_EDITOR_FIRST, poll, screenshot, workbenchSession } from '../harness.mjs';

const FIXTURES = path.join(REPO_ROOT, 'test', 'vscode', 'fixtures', 'scan');
/** Under examples/, so that reset() puts them back (and removes what a test added). */
const DIR = 'examples/scan-ui';
const extra = {
  [`${DIR}/scan.audit.md`]: fs.readFileSync(path.join(FIXTURES, 'scan.audit.md'), 'utf8'),
  [`${DIR}/capture.har`]: fs.readFileSync(path.join(FIXTURES, 'capture.har'), 'utf8'),
};

describe('capture scan in the workbench (code-server 4.100.3 + Chromium)', function () {
  this.timeout(180_000);
  const session = workbenchSession({ prefix: 'privacy-audit-scan-', shots: 'scan', extra, settings: TEXT_EDITOR_FIRST });

  it('Explorer → Scan Captures → the report picked → the view lists hosts and matches; Add as Flow adds F2', async function () {
    const { page, wb } = session;
    // before any scan, the view says what it is for and offers the command
    await wb.command('Capture Scan: Focus on Capture Scan View');
    const welcome = page.locator('.part.panel .welcome-view-content');
    await welcome.getByRole('button', { name: 'Scan Captures' }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'scan-view-welcome');
    // the HAR selected in the Explorer, then its context menu
    await wb.quickOpen(`${DIR}/capture.har`);
    await wb.command('File: Reveal Active File in Explorer View');
    const row = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'capture.har' });
    await row.waitFor({ timeout: 20_000 });
    const menuItem = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Scan Captures' });
    await poll(async () => {
      if (await menuItem.isVisible()) return true;
      await row.click({ button: 'right' });
      return false;
    }, 'Scan Captures in the Explorer\'s context menu', { timeoutMs: 20_000, intervalMs: 1_000 });
    await screenshot(page, 'scan-explorer-menu');
    await menuItem.click();

    // the quick pick of the workspace's reports
    const pick = wb.quickInput.locator('.monaco-list-row', { hasText: 'scan.audit.md' }).first();
    await pick.waitFor({ timeout: 30_000 });
    const title = await wb.quickInput.locator('.quick-input-title').innerText();
    assert.match(title, /Scan capture\.har against which report\?/);
    await wb.quickInput.locator('input').fill('scan.audit.md');
    await page.keyboard.press('Enter');

    // the view (in the panel): the capture, its three hosts, the matches
    const rows = page.locator('.part.panel .monaco-list-row');
    /** "label | description" of each row drawn (a virtual list: the panel is wide and tall enough for all of them) */
    const texts = () => rows.evaluateAll((els) => els.map((e) => `${e.querySelector('.label-name')?.textContent ?? ''} | ${e.querySelector('.label-description')?.textContent ?? ''}`));
    await poll(async () => {
      const t = await texts();
      return t.some((x) => x.startsWith('sdk.tracker.test |')) && t.some((x) => x.startsWith('cdn.other.test |'));
    }, 'the hosts and matches in the Capture Scan view', { timeoutMs: 60_000 });
    const before = await texts();
    await screenshot(page, 'scan-view');
    const has = (re, what) => assert.ok(before.some((t) => re.test(t)), `${what}:\n${before.join('\n')}`);
    has(/^capture\.har \| har · 3 entries · ripgrep prefilter$|^capture\.har \| har · 3 entries · JavaScript reader$/, 'the capture, its entries and engine');
    has(/^api\.known\.test \| F1 · documentation address · 203\.0\.113\.5:80$/, 'the host F1 records names it');
    has(/^sdk\.tracker\.test \| documentation address · 198\.51\.100\.7:443$/, 'the new host');
    has(/^cdn\.other\.test \| only in responses · /, 'the host that only answered');
    has(/^IMEI \(D1\) \| entry=2 · body imei · json → base64 → json · TLS$/, 'the match and its chain');

    // the inline action of the host no flow records
    const host = rows.filter({ hasText: 'sdk.tracker.test' }).first();
    await host.hover();
    await host.locator('.action-label[aria-label="Add as Flow"]').click({ timeout: 10_000 });
    await poll(async () => (await texts()).some((t) => /^sdk\.tracker\.test \| F2 · /.test(t)), 'the host now names F2', { timeoutMs: 30_000 });
    await screenshot(page, 'scan-view-added');
    // the report was edited in its editor (not saved): its tab is dirty
    await page.locator('.tabs-container .tab.dirty', { hasText: 'scan.audit.md' }).waitFor({ timeout: 20_000 });
  });
  it('the form’s title bar: Scan Captures reads the report’s own captures; the view shows the hosts its flows record', async function () {
    const { page, wb } = session;
    await wb.quickOpen('examples/xiaomi-redmi-1s/redmi-1s.audit.md');
    await wb.command('Privacy Audit: Open Structured Editor');
    const button = page.locator('.editor-actions .action-label[aria-label^="Scan Captures"]');
    await button.waitFor({ timeout: 30_000 });
    await screenshot(page, 'scan-form-title-bar');
    await button.click();
    const rows = page.locator('.part.panel .monaco-list-row');
    const texts = () => rows.evaluateAll((els) => els.map((e) => `${e.querySelector('.label-name')?.textContent ?? ''} | ${e.querySelector('.label-description')?.textContent ?? ''}`));
    await poll(async () => (await texts()).some((t) => t.startsWith('capture-2014-08-06-no-signin.pcapng | pcapng · ')), 'the example’s captures in the view', { timeoutMs: 60_000 });
    await poll(async () => (await texts()).some((t) => /^api\.account\.xiaomi\.com \| F\d+ · CN · AS\d+ /.test(t)), 'the host the example’s flow records, with its country and network', { timeoutMs: 30_000 });
    await screenshot(page, 'scan-view-example');
  });
});
