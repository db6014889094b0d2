// The structured editor and the preview as a person uses them, in VS Code 1.100
// (code-server) through Chromium: a form edit changes exactly one line, undo
// restores it, a text edit shows in the form, the preview draws one edge per
// (source, endpoint) pair, both follow light and dark themes, and a hostile
// report renders as inert text with no request leaving the webview.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { REPO_ROOT, extensionUnderTest, poll, recordField, retype, saveUntil, screenshot, typeLikeAPerson, webviewFrame, workbenchSession } from '../harness.mjs';

const require = createRequire(import.meta.url);
const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';
const HOSTILE = 'examples/hostile.audit.md';
// expectations come from the repository's copy: reset() puts the workspace back to it before each test
const PRISTINE = fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
/** Line index, line and value of `key:` of record `id` in the pristine example. */
const pristineField = (id, key) => recordField(PRISTINE, id, key);

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
  const requests = [];
  const session = workbenchSession({
    prefix: 'privacy-audit-wv-',
    shots: 'webview',
    extra: { [HOSTILE]: HOSTILE_TEXT },
    onPage: (page) =>
      page.on('request', (r) => {
        let frame = '';
        try {
          frame = r.frame().url();
        } catch {
          // a service-worker request has no frame
        }
        requests.push({ url: r.url(), frame });
      }),
  });
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {import('../harness.mjs').Workbench} */
  let wb;
  beforeEach(() => ({ page, wb } = session));

  const shot = (name) => screenshot(page, name);
  const fileText = () => fs.readFileSync(path.join(session.workspace, EXAMPLE), 'utf8');
  /** Saves until the file on disk `accept`s; returns the saved text (see saveUntil() in the harness). */
  const save = (accept, what) => saveUntil(page, fileText, accept, what);
  /** Quick Open on the example; returns the structured editor once it shows the pristine report. */
  const openStructuredEditor = async () => {
    await wb.quickOpen(EXAMPLE);
    // the form is the default editor (the first test asserts it); once in a while, after a test that had the text
    // editor open beside the form, Quick Open brought back the text editor: the form is then asked for by name
    let editor = await webviewFrame(page, '.record-card[data-record="F2"]', 'the structured editor with the card of F2', { timeoutMs: 15_000 }).catch(() => null);
    if (!editor) {
      console.log('      (Quick Open showed the text editor; opening the structured editor by its command)');
      await wb.command('Privacy Audit: Open Structured Editor');
      editor = await webviewFrame(page, '.record-card[data-record="F2"]', 'the structured editor with the card of F2');
    }
    const to = pristineField('F2', 'to').value;
    await poll(async () => (await editor.locator('input[data-key="F2.to"]').inputValue()) === to, `the structured editor showing F2 → ${to} as in ${EXAMPLE}`);
    return editor;
  };
  /** "Edit Source" in the structured editor: the text editor opens beside it, on the same document. */
  const editSource = async (editor) => {
    await editor.getByRole('button', { name: 'Edit Source' }).click();
    await page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
  };
  /** Opens the preview beside the text editor; returns its frame once it shows `selector` (by default a drawn diagram). */
  const openPreview = async (selector = '.pa-report .diagram svg', what = 'the preview with a drawn diagram') => {
    await wb.command('Privacy Audit: Open Preview to the Side');
    return webviewFrame(page, selector, what);
  };

  it('opens a report in the structured editor by default; a form change edits exactly one line; undo restores it', async function () {
    assert.equal(fileText(), PRISTINE, 'the workspace holds the example as in the repository');
    const editor = await openStructuredEditor();
    await shot('webview-01-structured-editor-light');
    // the country is a dropdown of ISO 3166 codes with names
    const country = editor.locator('select[data-key="F1.country"]');
    assert.equal(await country.inputValue(), 'CN');
    assert.ok((await country.locator('option').count()) > 200, 'a full list of countries');
    assert.match(await country.locator('option:checked').innerText(), /^CN · China$/);
    const select = editor.locator('select[data-key="F1.encryption"]');
    assert.equal(await select.inputValue(), 'unknown');
    await select.selectOption('tls');
    const changed = await save((t) => t !== PRISTINE, 'the saved change on disk');
    const a = PRISTINE.split('\n');
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
    await save((t) => t === PRISTINE, 'the file restored after undo and save');
  });

  it('edits a device\'s identifiers in the form: change a value, add one, remove it again', async function () {
    const editor = await openStructuredEditor();
    const value = editor.locator('input[data-key="D1.identifiers.v1"]');
    assert.equal(await editor.locator('input[data-key="D1.identifiers.k1"]').inputValue(), 'phone number');
    assert.equal(await value.inputValue(), '+12025550101');
    await retype(value, '+12025550199');
    const changed = await save((t) => t !== PRISTINE, 'the changed identifier on disk');
    const diff = PRISTINE.split('\n').map((l, i) => [l, changed.split('\n')[i]]).filter(([a, b]) => a !== b);
    assert.deepEqual(diff, [['  phone number: "+12025550101"', '  phone number: "+12025550199"']]);
    // a new row: category from the taxonomy's list, then its value
    await editor.getByRole('button', { name: 'Add identifier to D1 identifiers' }).click();
    await retype(editor.locator('input[data-key="D1.identifiers.k6"]'), 'MEID');
    await retype(editor.locator('input[data-key="D1.identifiers.v6"]'), 'A0000012345678');
    await save((t) => t.includes('  sms metadata: "+12025550177"\n  MEID: A0000012345678\n'), 'the added identifier on disk');
    await shot('webview-02b-identifiers');
    // remove it, and put the phone number back
    await editor.getByRole('button', { name: 'Remove identifier 7' }).click();
    await poll(async () => (await editor.locator('input[data-key="D1.identifiers.k6"]').count()) === 0, 'the row removed');
    await retype(editor.locator('input[data-key="D1.identifiers.v1"]'), '+12025550101');
    await save((t) => t === PRISTINE, 'the file as it was');
  });

  it('shows an edit made in a text editor on the same file in the form', async function () {
    const editor = await openStructuredEditor();
    await editSource(editor);
    const to = pristineField('F2', 'to');
    await wb.goToLine(to.index + 1);
    await wb.waitForEditorLine(to.index + 1, to.line, 'the text editor showing F2\'s "to:" line as in the example');
    await page.keyboard.press('End');
    await typeLikeAPerson(page, 'x');
    await poll(async () => (await editor.locator('input[data-key="F2.to"]').inputValue()) === `${to.value}x`, 'the typed character in the form', { timeoutMs: 20_000 });
    await shot('webview-02-text-and-form');
    await page.keyboard.press('Control+Z');
    await poll(async () => (await editor.locator('input[data-key="F2.to"]').inputValue()) === to.value, 'undo in the form');
    await wb.waitForEditorLine(to.index + 1, to.line, 'undo restoring the line in the text editor');
  });

  it('draws the data-flow diagram in the preview with one edge per (source, endpoint) pair, in light and dark', async function () {
    // what the diagram must be: the example as in the repository (reset() restored it; the editor shows it)
    const engine = require(path.join(extensionUnderTest(), 'dist', 'engine.js'));
    const result = await new engine.Linter().lint(PRISTINE);
    // as the preview draws it: the key is a caption row under the figure, not part of the drawing
    const expected = engine.dataFlowDiagram(result.report, result.taxonomy, { legend: false, palette: 'theme' });
    const editor = await openStructuredEditor();
    await editSource(editor);
    const preview = await openPreview();
    const to = pristineField('F2', 'to').value;
    await poll(async () => (await preview.locator('[data-record="F2"] .host').first().textContent()) === to, `the preview showing F2 → ${to}`);
    const edges = await preview.locator('.diagram[data-diagram="dataflow"] .edgePaths path').count();
    assert.equal(expected.legendEdges, 0);
    assert.equal(edges, expected.edges, `edges drawn (${edges}) vs edges generated (${expected.edges})`);
    assert.equal(await preview.locator('figure.diagram-dataflow .diagram-legend li').count(), expected.legendItems.length, 'the key as a caption row');
    assert.equal((await preview.locator('figure.diagram-dataflow figcaption .figure-label').textContent())?.trim(), 'Figure 1');
    assert.equal(await preview.locator('[data-record^="F"]').count() >= 4, true);
    await shot('webview-03-preview-light');
    await wb.setTheme('dark');
    await poll(async () => (await preview.locator('body.vscode-dark').count()) > 0, 'the dark theme in the preview');
    await poll(async () => (await preview.locator('.diagram[data-diagram="dataflow"] svg').count()) > 0, 'the diagram redrawn');
    await shot('webview-04-preview-dark');
    await poll(async () => (await editor.locator('body.vscode-dark').count()) > 0, 'the dark theme in the structured editor');
    // the preview's timeline is HTML: text at reading size, every event there
    const tl = preview.locator('figure.diagram-timeline .pa-timeline');
    await tl.waitFor({ state: 'visible' });
    const smallest = await tl.locator('li, p, span').evaluateAll((els) => Math.min(...els.filter((e) => e.textContent.trim()).map((e) => parseFloat(getComputedStyle(e).fontSize))));
    assert.ok(smallest >= 11, `the timeline's smallest text is ${smallest}px`);
    await wb.revertAndCloseAllEditors();
    const form = await openStructuredEditor();
    // the side pane's timeline: readable at the pane's width, nothing cut off
    const paneTimeline = form.locator('.diagram-pane .pa-timeline');
    await paneTimeline.waitFor({ state: 'visible' });
    const fit = await paneTimeline.evaluate((el) => {
      const sizes = [...el.querySelectorAll('*')].filter((e) => e.childElementCount === 0 && e.textContent.trim()).map((e) => parseFloat(getComputedStyle(e).fontSize));
      const clipped = [...el.querySelectorAll('*')].filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'hidden').length;
      return { smallest: Math.min(...sizes), clipped, wider: el.scrollWidth > el.clientWidth + 1 };
    });
    assert.ok(fit.smallest >= 11, `the pane's timeline text is at least 11px (smallest ${fit.smallest}px)`);
    assert.equal(fit.clipped, 0, 'no timeline element clips its text');
    assert.equal(fit.wider, false, 'the timeline fits the pane\'s width');
    // a click on an event shows its record's card
    await paneTimeline.locator('[data-record="V1"]').first().click();
    await poll(async () => (await form.locator('.record-card.flash[data-record="V1"]').count()) === 1, 'V1\'s card shown from the timeline');
    await paneTimeline.scrollIntoViewIfNeeded();
    await shot('webview-05-structured-editor-dark');
  });

  it('a click on an edge, its label or a node of the data-flow diagram shows the record in the text editor; the preview reads in light, dark and high contrast', async function () {
    const lineOf = (id) => PRISTINE.split('\n').findIndex((l) => l === `id: ${id}` || l === `- id: ${id}`) + 1;
    const editor = await openStructuredEditor();
    await editSource(editor);
    const preview = await openPreview();
    const figure = preview.locator('figure.diagram-dataflow');
    // each click is made from another line of the text editor, so that only the click can bring the cursor there
    const clickShows = async (target, id, what) => {
      await wb.goToLine(1);
      await target.click();
      await poll(async () => (await wb.cursorLine()) === lineOf(id), `${what}: the cursor on ${id}'s line ${lineOf(id)} (now ${await wb.cursorLine()})`, { timeoutMs: 15_000 });
    };
    assert.ok(lineOf('F1') > 1 && lineOf('D1') > 1, 'the example has F1 and D1');
    // the edge's label (the data it carries) and the endpoint node show the first flow; the device node its device
    await clickShows(figure.locator('.edgeLabel[data-reveal]').first(), 'F1', 'the edge label');
    await clickShows(figure.locator('g.node[data-reveal]', { hasText: 'api.account.xiaomi.com' }).first(), 'F1', 'the endpoint node');
    await clickShows(figure.locator('g.node[data-reveal]', { hasText: 'D1' }).first(), 'D1', 'the device node');
    assert.equal(await figure.locator('[data-reveal][role="link"][tabindex="0"]').count() >= 3, true, 'edge, label and nodes are links a keyboard reaches');
    await figure.scrollIntoViewIfNeeded();
    await shot('webview-08-preview-figure-light');
    for (const kind of ['dark', 'hc-black']) {
      await wb.setTheme(kind);
      const cls = kind === 'dark' ? 'vscode-dark' : 'vscode-high-contrast';
      await poll(async () => (await preview.locator(`body.${cls}`).count()) > 0, `the ${kind} theme in the preview`);
      await poll(async () => (await figure.locator('svg g.node[data-reveal]').count()) >= 2, `the diagram redrawn in the ${kind} theme`);
      // the theme colours the nodes: no light fill of ours is left on a dark page
      const fills = await figure.locator('svg g.node rect, svg g.node path').evaluateAll((els) => els.map((e) => getComputedStyle(e).fill));
      const light = fills.filter((f) => { const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(f); return m && Number(m[1]) + Number(m[2]) + Number(m[3]) > 600; });
      assert.deepEqual(light, [], `no light node fill in the ${kind} theme (fills: ${fills.join(' ')})`);
      await figure.scrollIntoViewIfNeeded();
      await shot(`webview-09-preview-figure-${kind}`);
    }
  });

  it('in browser-based VS Code an export offers Download, which brings the PDF to the browser, and Show in Explorer', async function () {
    const pdf = path.join(session.workspace, path.dirname(EXAMPLE), 'redmi-1s.pdf');
    fs.rmSync(pdf, { force: true });
    try {
      const editor = await openStructuredEditor();
      await editor.getByRole('button', { name: 'Export to PDF' }).click();
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Exported redmi-1s.pdf' });
      await toast.waitFor({ timeout: 90_000 });
      assert.ok(fs.readFileSync(pdf).subarray(0, 5).toString('latin1') === '%PDF-', 'the PDF beside the report');
      // code-server is VS Code in a browser: no viewer of the server's machine can be reached, so no "Open"
      const buttons = await toast.locator('.monaco-button').allInnerTexts();
      assert.deepEqual(buttons.map((b) => b.trim()), ['Download', 'Show in Explorer']);
      await shot('webview-10-export-download');
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), toast.getByRole('button', { name: 'Download' }).click()]);
      assert.equal(download.suggestedFilename(), 'redmi-1s.pdf');
      const saved = path.join(session.workspace, '..', `downloaded-${process.pid}.pdf`);
      await download.saveAs(saved);
      try {
        assert.ok(fs.readFileSync(saved).equals(fs.readFileSync(pdf)), 'the browser received the exported PDF, byte for byte');
      } finally {
        fs.rmSync(saved, { force: true });
      }
      // the Explorer shows the file selected
      await poll(async () => (await page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'redmi-1s.pdf' }).count()) === 1, 'redmi-1s.pdf selected in the Explorer');
    } finally {
      fs.rmSync(pdf, { force: true });
    }
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
    const editor = await openStructuredEditor();
    await poll(async () => (await editor.locator('body.vscode-light').count()) > 0, 'the light theme in the structured editor');
    await audit(editor, 'structured editor, light');
    await editSource(editor);
    const preview = await openPreview();
    await poll(async () => (await preview.locator('body.vscode-light').count()) > 0, 'the light theme in the preview');
    await audit(preview, 'preview, light');
    // and in the dark theme
    const colours = (frame) => frame.evaluate(() => {
      const st = getComputedStyle(document.body);
      return `${st.backgroundColor} ${st.getPropertyValue('--vscode-errorForeground')} ${st.getPropertyValue('--vscode-foreground')}`;
    });
    const before = [await colours(editor), await colours(preview)];
    await wb.setTheme('dark');
    // the body class and the theme's colour variables arrive separately: wait until the colours changed too
    await poll(async () => (await preview.locator('body.vscode-dark').count()) > 0 && (await editor.locator('body.vscode-dark').count()) > 0 && (await colours(editor)) !== before[0] && (await colours(preview)) !== before[1], 'the dark theme in both webviews');
    await poll(async () => (await preview.locator('.diagram svg').count()) > 0, 'the diagrams redrawn');
    await audit(editor, 'structured editor, dark');
    await audit(preview, 'preview, dark');
  });

  it('renders a hostile report as inert text: nothing runs, no request leaves', async function () {
    await wb.quickOpen(HOSTILE);
    const editor = await poll(async () => {
      for (const f of page.frames()) {
        const to = await f.locator('input[data-key="F1.to"]').inputValue({ timeout: 500 }).catch(() => '');
        if (to.startsWith('evil.example')) return f;
      }
      return null;
    }, 'the structured editor of the hostile report', { timeoutMs: 30_000 });
    await shot('webview-06-hostile-editor');
    await editSource(editor);
    // the preview (its report is made of parts; the structured editor's narrative is not)
    const preview = await openPreview('.pa-part:has-text("HOSTILE")', 'the preview of the hostile report');
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
