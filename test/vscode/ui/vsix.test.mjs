// The packaged extension as a user installs it: `npm run package` builds the
// VSIX with @vscode/vsce, `code-server --install-extension` installs it into a
// fresh profile, and the workbench (no development path) must show the
// linter's problems for a broken report.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCodeServer, extensionProblems, installVsix, startCodeServer } from '../../../scripts/code-server.mjs';
import { REPO_ROOT, TEXT_EDITOR_FIRST, Workbench, clearScreenshots, launchBrowser, makeWorkspace, poll, removeWorkspace, screenshot } from '../harness.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

describe('the packaged VSIX', function () {
  this.timeout(180_000);
  let scratch;
  let vsix;
  let server;
  let browser;
  let workspace;

  before(async function () {
    clearScreenshots('vsix');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-vsix-'));
    vsix = path.join(scratch, `${pkg.name}-${pkg.version}.vsix`);
    execFileSync('npx', ['--no-install', 'vsce', 'package', '--out', vsix], { cwd: REPO_ROOT, stdio: 'pipe' });
    await ensureCodeServer({ quiet: true });
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    server?.cleanup();
    if (workspace) removeWorkspace(workspace);
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('holds the bundles, grammar, docs and examples, and nothing from src/ or test/', function () {
    const files = execFileSync('npx', ['--no-install', 'vsce', 'ls'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of ['package.json', 'dist/extension.js', 'dist/engine.js', 'dist/exportEngine.js', 'dist/scanWorker.js', 'dist/scanEngine.js', 'dist/geo/ip-geo.bin', 'NOTICE', 'dist/webview/preview.js', 'dist/webview/editor.js', 'dist/webview/mermaid.min.js', 'node_modules/playwright-core/package.json', 'dist/cli.js', 'syntaxes/privacy-audit.markdown.tmLanguage.json', 'docs/rules/PA010.md', 'examples/xiaomi-redmi-1s/redmi-1s.audit.md']) {
      assert.ok(files.includes(f), `${f} is packaged`);
    }
    // the one runtime module the export needs ships as is; nothing else from node_modules
    const unwanted = files.filter((f) => (/^(src|test|scripts|bench|node_modules|out|\.cache|test-output)\//.test(f) && !f.startsWith('node_modules/playwright-core/')) || f.endsWith('.map') || (f.endsWith('.ts') && !f.startsWith('node_modules/playwright-core/')));
    assert.deepEqual(unwanted, []);
    // the location table (17 MB, about 4.5 MB zipped) is most of what issue 13 added
    assert.ok(fs.statSync(vsix).size < 13_000_000, `the VSIX stays small (${fs.statSync(vsix).size} bytes)`);
  });

  it('installs with --install-extension and reports problems in the workbench', async function () {
    const userDataDir = path.join(scratch, 'user-data');
    const out = await installVsix(vsix, { userDataDir });
    assert.match(out, /successfully installed/i);
    workspace = makeWorkspace('privacy-audit-vsix-ws-');
    server = await startCodeServer({ workspace, userDataDir, extensionsDir: path.join(userDataDir, 'extensions'), settings: TEXT_EDITOR_FIRST });
    browser = await launchBrowser();
    const page = browser.page;
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    const wb = new Workbench(page, { server, workspace, problems: extensionProblems });
    // the installed extension's command shows in the palette once it is registered
    await wb.command('Privacy Audit: Lint Workspace');
    // its summary, read while the notification is up (it hides itself after a while)
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Privacy Audit:' });
    await toast.first().waitFor({ timeout: 30_000 });
    assert.match(await toast.first().innerText(), /7 reports linted, \d+ problems/);
    // Lint Workspace fills the Problems panel without opening any file
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: 20_000 });
    // the list is virtual (only rows in view exist): filter it to the report under test
    const filter = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
    await filter.fill('records.audit.md');
    const rows = await poll(async () => {
      const r = await panel.locator('.monaco-list-row[aria-level="2"]').allInnerTexts();
      return r.length > 5 ? r : null;
    }, 'problems of records.audit.md in the Problems panel', { timeoutMs: 30_000 });
    assert.ok(rows.every((t) => /privacy-audit/.test(t) && /PA\d{3}/.test(t)), rows.slice(0, 5).join(' | '));
    // a problem of that report read back by its rule id (the list shows only the rows in view)
    await filter.fill('PA041');
    await poll(async () => (await panel.locator('.monaco-list-row[aria-level="2"]').allInnerTexts()).some((t) => t.includes('PA041') && /final/.test(t)), 'the PA041 row of records.audit.md', { timeoutMs: 15_000 });
    await filter.fill('');
    await screenshot(page, 'vsix-01-installed-lint-workspace');

    // the installed extension exports: open the example and run Export to PDF from the palette
    const report = path.join(workspace, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
    const pdf = report.replace(/\.audit\.md$/, '.pdf');
    await wb.quickOpen(path.relative(workspace, report));
    await wb.command('Privacy Audit: Export to PDF');
    await poll(() => fs.existsSync(pdf) && fs.readFileSync(pdf).subarray(0, 5).toString('latin1') === '%PDF-', `${pdf} written by the installed extension`, { timeoutMs: 60_000 });
    await page.locator('.notifications-toasts', { hasText: 'Exported redmi-1s.pdf' }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'vsix-02-exported-pdf');
  });
});
