// The structured editor and the preview as a person uses them, in VS Code 1.100
// (code-server) through Chromium: a form edit changes exactly one line, undo
// restores it, a text edit shows in the form, the preview draws one edge per
// (source, endpoint) pair, both follow light and dark themes, and a hostile
// report renders as inert text with no request leaving the webview.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ensureCodeServer, extensionProblems, startCodeServer } from '../../../scripts/code-server.mjs';
import { REPO_ROOT, SCREENSHOTS, launchBrowser, makeWorkspace, poll, removeWorkspace, screenshot, workbenchUrl } from '../harness.mjs';

const require = createRequire(import.meta.url);
const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';
const HOSTILE = 'examples/hostile.audit.md';

const HOSTILE_TEXT = `---
audit-format: 1
id: "HOSTILE-<script>window.__paPwned=1</script>"
title: "<img src=x onerror=window.__paPwned=1> title"
status: draft
date: 2014-10-24
auditors: ["<svg onload=window.__paPwned=1>"]
---
# Hostile <script>window.__paPwned=1</script>

<img src=x onerror="window.__paPwned=1"> <iframe src="https://evil.example/frame"></iframe>
[click me](javascript:window.__paPwned=1) [run](command:workbench.action.terminal.new)
![remote](https://evil.example/pixel.png) ![local](file:///etc/passwd)
<style>body{background:url(https://evil.example/css.png)}</style>

\`\`\`mermaid
graph LR
A-->B
click A call pwn()
\`\`\`

\`\`\`flow
- id: F1
  from: D1
  to: 'evil.example"]; click n1 call pwn(); %%{init: {"securityLevel":"loose"}}%%'
  country: US
  encryption: none
  data: [IMEI, "<b onmouseover=window.__paPwned=1>x</b>"]
  evidence: [E1]
\`\`\`

\`\`\`evidence
id: E1
url: "https://evil.example/<script>"
description: "<script>window.__paPwned=1</script>"
\`\`\`
`;

describe('preview and structured editor (code-server 4.100.3 + Chromium)', function () {
  this.timeout(180_000);
  let server;
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  let workspace;
  const requests = [];

  const shot = (name) => screenshot(page, name);
  const quickInput = () => page.locator('.quick-input-widget');
  const palette = async (label) => {
    await poll(async () => {
      if (extensionProblems(server).length) throw Object.assign(new Error(extensionProblems(server).join(' | ')), { fatal: true });
      await page.keyboard.press('F1');
      await quickInput().locator('input').fill(`>${label}`);
      const row = quickInput().locator('.monaco-list-row', { hasText: label }).first();
      const found = await row.waitFor({ timeout: 2_000 }).then(() => true, () => false);
      await page.keyboard.press(found ? 'Enter' : 'Escape');
      return found;
    }, `"${label}" in the command palette`, { timeoutMs: 60_000 });
  };
  const quickOpen = async (file) => {
    await page.keyboard.press('Control+P');
    await quickInput().locator('input').fill(path.basename(file));
    // choose the row of that file (recently opened files are listed first while the list filters)
    const row = quickInput().locator('.monaco-list-row', { hasText: path.basename(file) }).filter({ hasText: path.dirname(file) }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
  };
  /** The webview frame whose document matches `selector` (webviews nest an iframe in an iframe). */
  const webviewFrame = (selector, what) =>
    poll(async () => {
      for (const f of page.frames()) {
        if (await f.locator(selector).count().catch(() => 0)) return f;
      }
      return null;
    }, what, { timeoutMs: 30_000 });
  const closeAll = async () => {
    await palette('View: Close All Editors');
    const dontSave = page.getByRole('button', { name: "Don't Save" });
    if (await dontSave.isVisible().catch(() => false)) await dontSave.click();
    await poll(async () => (await page.locator('.tabs-container .tab').count()) === 0, 'every editor closed', { timeoutMs: 15_000 });
  };
  const fileText = () => fs.readFileSync(path.join(workspace, EXAMPLE), 'utf8');

  before(async function () {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await ensureCodeServer({ quiet: true });
    workspace = makeWorkspace('privacy-audit-wv-');
    fs.writeFileSync(path.join(workspace, HOSTILE), HOSTILE_TEXT);
    server = await startCodeServer({ workspace, settings: { 'workbench.colorTheme': 'Default Light Modern' } });
    browser = await launchBrowser();
    page = browser.page;
    page.on('request', (r) => {
      let frame = '';
      try {
        frame = r.frame().url();
      } catch {
        // a service-worker request has no frame
      }
      requests.push({ url: r.url(), frame });
    });
    await page.goto(workbenchUrl(server, { folder: workspace }), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    // wait until the extension is registered (opening a report earlier would open it as text)
    await palette('Privacy Audit: Lint Workspace');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shot(`webview-failure-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => {});
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    if (this.currentTest?.state !== 'failed') {
      server?.cleanup();
      removeWorkspace(workspace);
    }
  });

  it('opens a report in the structured editor by default; a form change edits exactly one line; undo restores it', async function () {
    const original = fileText();
    await quickOpen(EXAMPLE);
    const editor = await webviewFrame('.flow-table', 'the structured editor with its flow table');
    await shot('webview-01-structured-editor-light');
    // the country is a dropdown of ISO 3166 codes with names
    const country = editor.locator('select[data-key="F1.country"]');
    assert.equal(await country.inputValue(), 'CN');
    assert.ok((await country.locator('option').count()) > 200, 'a full list of countries');
    assert.match(await country.locator('option:checked').innerText(), /^CN · China$/);
    const select = editor.locator('select[data-key="F1.encryption"]');
    assert.equal(await select.inputValue(), 'unknown');
    await select.selectOption('tls');
    await page.keyboard.press('Control+S');
    const changed = await poll(() => (fileText() !== original ? fileText() : null), 'the saved change on disk', { timeoutMs: 20_000 });
    const a = original.split('\n');
    const b = changed.split('\n');
    assert.equal(b.length, a.length, 'no line added or removed');
    const diff = a.map((l, i) => (l !== b[i] ? i : -1)).filter((i) => i >= 0);
    assert.equal(diff.length, 1, `exactly one line changed: ${diff.map((i) => `${a[i]} → ${b[i]}`).join(' | ')}`);
    assert.equal(a[diff[0]].replace('encryption: unknown', 'encryption: tls'), b[diff[0]]);
    // the form shows the new value once the model comes back
    await poll(async () => (await editor.locator('select[data-key="F1.encryption"]').inputValue()) === 'tls', 'the form showing tls');
    // undo (the document's own undo stack; from outside a form field, so the webview passes it on), then save
    await editor.locator('.toolbar .status').click();
    await page.keyboard.press('Control+Z');
    await poll(async () => (await editor.locator('select[data-key="F1.encryption"]').inputValue()) === 'unknown', 'undo reaching the form');
    await page.keyboard.press('Control+S');
    await poll(() => fileText() === original, 'the file restored after undo and save', { timeoutMs: 20_000 });
  });

  it('edits a device\'s identifiers in the form: change a value, add one, remove it again', async function () {
    const original = fileText();
    const editor = await webviewFrame('.flow-table', 'the structured editor');
    const value = editor.locator('input[data-key="D1.identifiers.v1"]');
    assert.equal(await editor.locator('input[data-key="D1.identifiers.k1"]').inputValue(), 'phone number');
    assert.equal(await value.inputValue(), '+12025550101');
    await value.fill('+12025550199');
    await value.press('Tab');
    await page.keyboard.press('Control+S');
    const changed = await poll(() => (fileText() !== original ? fileText() : null), 'the changed identifier on disk', { timeoutMs: 20_000 });
    const diff = original.split('\n').map((l, i) => [l, changed.split('\n')[i]]).filter(([a, b]) => a !== b);
    assert.deepEqual(diff, [['  phone number: "+12025550101"', '  phone number: "+12025550199"']]);
    // a new row: category from the taxonomy's list, then its value
    await editor.getByRole('button', { name: 'Add identifier to D1 identifiers' }).click();
    const key = editor.locator('input[data-key="D1.identifiers.k3"]');
    await key.fill('MEID');
    await key.press('Tab');
    const val = editor.locator('input[data-key="D1.identifiers.v3"]');
    await val.fill('A0000012345678');
    await val.press('Tab');
    await page.keyboard.press('Control+S');
    await poll(() => fileText().includes('  IMSI: "001010000012345"\n  MEID: A0000012345678\n'), 'the added identifier on disk', { timeoutMs: 20_000 });
    await shot('webview-02b-identifiers');
    // remove it, and put the phone number back
    await editor.getByRole('button', { name: 'Remove identifier 4' }).click();
    await poll(async () => (await editor.locator('input[data-key="D1.identifiers.k3"]').count()) === 0, 'the row removed');
    await editor.locator('input[data-key="D1.identifiers.v1"]').fill('+12025550101');
    await editor.locator('input[data-key="D1.identifiers.v1"]').press('Tab');
    await page.keyboard.press('Control+S');
    await poll(() => fileText() === original, 'the file as it was', { timeoutMs: 20_000 });
  });

  it('shows an edit made in a text editor on the same file in the form', async function () {
    const editor = await webviewFrame('.flow-table', 'the structured editor');
    await editor.getByRole('button', { name: 'Edit Source' }).click();
    // the text editor opens beside, on the same document
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    const line = fileText().split('\n').findIndex((l, i, all) => l.startsWith('  to: ') && all.slice(0, i).some((x) => x.includes('- id: F2')));
    assert.ok(line > 0);
    await page.keyboard.press('Control+G');
    await quickInput().locator('input').fill(`:${line + 1}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.type('x');
    await poll(async () => (await editor.locator('input[data-key="F2.to"]').inputValue()).endsWith('.comx'), 'the typed character in the form', { timeoutMs: 20_000 });
    await shot('webview-02-text-and-form');
    await page.keyboard.press('Control+Z');
    await poll(async () => !(await editor.locator('input[data-key="F2.to"]').inputValue()).endsWith('x'), 'undo in the form');
  });

  it('draws the data-flow diagram in the preview with one edge per (source, endpoint) pair, in light and dark', async function () {
    const engine = require(path.join(REPO_ROOT, 'dist', 'engine.js'));
    const result = await new engine.Linter().lint(fileText());
    const expected = engine.dataFlowDiagram(result.report, result.taxonomy);
    await palette('Privacy Audit: Open Preview to the Side');
    const preview = await webviewFrame('.pa-report .diagram svg', 'the preview with a drawn diagram');
    const edges = await preview.locator('.diagram[data-diagram="dataflow"] .edgePaths path').count();
    // the legend draws its own sample edges: count those apart
    assert.equal(edges - (expected.legendEdges ?? 0), expected.edges, `edges drawn (${edges}) vs edges generated (${expected.edges})`);
    assert.equal(await preview.locator('[data-record^="F"]').count() >= 4, true);
    await shot('webview-03-preview-light');
    await palette('Preferences: Toggle between Light/Dark Themes');
    await poll(async () => (await preview.locator('body.vscode-dark').count()) > 0, 'the dark theme in the preview');
    await poll(async () => (await preview.locator('.diagram[data-diagram="dataflow"] svg').count()) > 0, 'the diagram redrawn');
    await shot('webview-04-preview-dark');
    const editor = await webviewFrame('.flow-table', 'the structured editor');
    assert.ok(await editor.locator('body.vscode-dark').count());
    await closeAll();
    await quickOpen(EXAMPLE);
    await webviewFrame('.flow-table', 'the structured editor');
    await shot('webview-05-structured-editor-dark');
  });

  it('the structured editor and the preview pass axe\'s WCAG 2 A/AA checks (no serious or critical violation)', async function () {
    const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    /** axe-core run in a webview's document (through the debugger protocol, so the webview's CSP does not apply to it). */
    const audit = async (frame, what) => {
      await frame.evaluate(axeSource);
      const violations = await frame.evaluate(async () => {
        const r = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` (${n.any[0].message.slice(0, 160)})` : ''}`) }));
      });
      console.log(`      axe (${what}): ${violations.length ? violations.map((v) => `${v.id} [${v.impact}] ${v.help} — ${v.nodes.join(' | ')}`).join('\n        ') : 'no violation'}`);
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad, [], `${what}: serious or critical accessibility violations`);
    };
    await closeAll();
    await quickOpen(EXAMPLE);
    const editor = await webviewFrame('.flow-table', 'the structured editor');
    await audit(editor, 'structured editor');
    await editor.getByRole('button', { name: 'Edit Source' }).click();
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    await palette('Privacy Audit: Open Preview to the Side');
    const preview = await webviewFrame('.pa-report .diagram svg', 'the preview with a drawn diagram');
    await audit(preview, 'preview');
    // and in the other theme (light or dark, whichever the earlier tests left)
    const dark = (await preview.locator('body.vscode-dark').count()) > 0;
    const colours = (frame) => frame.evaluate(() => {
      const st = getComputedStyle(document.body);
      return `${st.backgroundColor} ${st.getPropertyValue('--vscode-errorForeground')} ${st.getPropertyValue('--vscode-foreground')}`;
    });
    const before = [await colours(editor), await colours(preview)];
    await palette('Preferences: Toggle between Light/Dark Themes');
    const other = dark ? 'body.vscode-light' : 'body.vscode-dark';
    // the body class and the theme's colour variables arrive separately: wait until the colours changed too
    await poll(async () => (await preview.locator(other).count()) > 0 && (await editor.locator(other).count()) > 0 && (await colours(editor)) !== before[0] && (await colours(preview)) !== before[1], 'the other theme in both webviews');
    await poll(async () => (await preview.locator('.diagram svg').count()) > 0, 'the diagrams redrawn');
    await audit(editor, `structured editor, ${dark ? 'light' : 'dark'}`);
    await audit(preview, `preview, ${dark ? 'light' : 'dark'}`);
    await palette('Preferences: Toggle between Light/Dark Themes');
  });

  it('renders a hostile report as inert text: nothing runs, no request leaves', async function () {
    await closeAll();
    await quickOpen(HOSTILE);
    const editor = await poll(async () => {
      for (const f of page.frames()) {
        const to = await f.locator('input[data-key="F1.to"]').inputValue({ timeout: 500 }).catch(() => '');
        if (to.startsWith('evil.example')) return f;
      }
      return null;
    }, 'the structured editor of the hostile report', { timeoutMs: 30_000 });
    await shot('webview-06-hostile-editor');
    await editor.getByRole('button', { name: 'Edit Source' }).click();
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    await palette('Privacy Audit: Open Preview to the Side');
    // the preview (its report is made of parts; the structured editor's narrative is not)
    const preview = await webviewFrame('.pa-part:has-text("HOSTILE")', 'the preview of the hostile report');
    await poll(async () => (await preview.locator('.diagram svg, pre.mermaid').count()) > 0, 'the hostile diagram settled');
    await preview.locator('h1', { hasText: 'Hostile' }).first().waitFor({ state: 'visible' });
    await shot('webview-07-hostile-preview');
    for (const f of page.frames()) {
      const pwned = await f.evaluate(() => window.__paPwned).catch(() => undefined);
      assert.equal(pwned, undefined, `the sentinel stayed unset in ${f.url().slice(0, 80)}`);
    }
    assert.match(await preview.locator('h1', { hasText: 'Hostile' }).first().innerText(), /Hostile <script>/, 'the script tag shows as text');
    const leaked = requests.filter((r) => /evil\.example|etc\/passwd/.test(r.url)).map((r) => r.url);
    assert.deepEqual(leaked, [], 'no request for the report\'s remote or local resources, from anywhere');
    // the webviews load only the extension's own files (served by code-server or its service worker)
    const fromWebviews = requests.filter((r) => /contrib\/webview\/browser\/pre\//.test(r.frame));
    assert.ok(fromWebviews.length > 0, 'the webviews\' own requests are seen');
    const outside = fromWebviews.filter((r) => !/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:|vscode-webview:|https:\/\/[^/]*vscode-cdn\.net\/)/.test(r.url)).map((r) => r.url);
    assert.deepEqual(outside, [], 'no request left a webview');
  });
});
