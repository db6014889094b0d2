// Issue 10 as a new analyst meets it in VS Code 1.100 (code-server) through
// Chromium: New Audit Report from the command palette, the Problems panel
// listing what the template leaves to fill in (PA006), and the light bulb's
// quick fix deleting an empty field from the text editor.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { poll, saveUntil, screenshot, workbenchSession } from '../harness.mjs';

/** Where the new report is saved: under examples/, so that reset() removes it. */
const NEW_REPORT = 'examples/lint-quality.audit.md';
/** The skeleton's lines that PA006 reports: empty fields and the template's instruction sentences. */
const UNFILLED = [
  'subject: ""',
  'What was tested, what left the device, and what the vendor said.',
  'vendor: ""',
  'model: ""',
  'os: ""',
  '  action: ""',
  '  expected: ""',
  '  observed: ""',
  '  to: ""',
  '  country: ""',
  '  data: []',
  'Add capture files with *Privacy Audit: Add Evidence File…*; each gets its sha256.',
  '  description: ""',
  '  by: ""',
  '  statement: ""',
  '  title: ""',
  '  recommendation: ""',
];

/** The 1-based line that is exactly `line` in `text` (fails unless there is one). */
function lineNumber(text, line) {
  const at = text.split('\n').flatMap((l, i) => (l === line ? [i + 1] : []));
  assert.equal(at.length, 1, `exactly one line ${JSON.stringify(line)} in the new report`);
  return at[0];
}

describe('lint quality: a new report\'s gaps in the workbench (code-server 4.100.3 + Chromium)', function () {
  this.timeout(180_000);
  const session = workbenchSession({ prefix: 'privacy-audit-lintq-', shots: 'lint-quality' });

  it('New Audit Report: the Problems panel lists its PA006 problems; Ctrl+. on the empty country deletes the line', async function () {
    const { page, wb } = session;
    const target = path.join(session.workspace, NEW_REPORT);
    const panel = page.locator('.markers-panel');
    const filterBox = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();

    await wb.command('Privacy Audit: New Audit Report');
    // code-server's own file dialog (a quick input): the path typed in, then OK until the dialog takes it
    const input = wb.quickInput.locator('input');
    await input.waitFor({ timeout: 15_000 });
    await poll(async () => {
      if (!(await wb.quickInput.isVisible())) return true;
      if ((await input.inputValue()) !== target) await input.fill(target);
      else await wb.quickInput.getByRole('button', { name: 'OK', exact: true }).click({ timeout: 2_000 }).catch(() => {});
      return false;
    }, `the save dialog taking ${target}`, { timeoutMs: 20_000 });
    await poll(() => fs.existsSync(target), 'the new report written');
    const text = fs.readFileSync(target, 'utf8');
    const want = UNFILLED.map((l) => lineNumber(text, l)).sort((a, b) => a - b);
    await page.locator('.tabs-container .tab.active', { hasText: path.basename(NEW_REPORT) }).waitFor({ timeout: 20_000 });

    // the Problems panel, filtered by the rule and maximized so that every row is drawn (it is a virtual list)
    await poll(async () => {
      if (await panel.isVisible()) return true;
      await wb.command('View: Focus Problems (Errors, Warnings, Infos)');
      return false;
    }, 'the Problems panel', { timeoutMs: 20_000, intervalMs: 1_000 });
    await wb.command('View: Toggle Maximized Panel');
    let files = [];
    let rows = [];
    await poll(async () => {
      if ((await filterBox.inputValue()) !== 'PA006') await filterBox.fill('PA006');
      files = await panel.locator('.monaco-list-row[aria-level="1"]').allInnerTexts();
      rows = await panel.locator('.monaco-list-row[aria-level="2"]').allInnerTexts();
      const lines = rows.map((r) => Number(/\[Ln (\d+), Col \d+\]/.exec(r)?.[1])).sort((a, b) => a - b);
      return files.length === 1 && files[0].includes(path.basename(NEW_REPORT)) && lines.join() === want.join() && rows.every((r) => /PA006/.test(r));
    }, `PA006 rows of ${path.basename(NEW_REPORT)} on lines ${want.join(', ')}`, { timeoutMs: 30_000 }).catch((err) => {
      throw new Error(`${err.message}; files: ${JSON.stringify(files)}; rows: ${JSON.stringify(rows)}`);
    });
    const country = rows.find((r) => r.includes(`[Ln ${lineNumber(text, '  country: ""')}, `));
    assert.match(country, /`country` is empty/, 'the row of the empty country says what is wrong');
    await screenshot(page, 'lint-quality-01-problems');
    await filterBox.fill('');
    await wb.command('View: Toggle Maximized Panel');

    // the report as text: Reopen Editor With… → Text Editor
    await page.keyboard.press('Control+1');
    await wb.command('View: Reopen Editor With...');
    const textEditorRow = wb.quickInput.locator('.monaco-list-row', { hasText: 'Text Editor' }).first();
    await textEditorRow.waitFor({ timeout: 10_000 });
    await wb.quickInput.locator('input').fill('Text Editor');
    await poll(() => textEditorRow.evaluate((e) => e.classList.contains('focused')), 'Text Editor highlighted', { timeoutMs: 5_000, intervalMs: 200 });
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });

    // the cursor on the flow's `country: ""`, Ctrl+. and the fix chosen with the keyboard
    const line = lineNumber(text, '  country: ""');
    await wb.goToLine(line, 3);
    await wb.waitForEditorLine(line, '  country: ""');
    const menu = page.locator('.action-widget');
    const noActions = page.locator('.monaco-editor-overlaymessage', { hasText: /No code actions/i });
    const bulb = page.locator('.editor-instance .monaco-editor .lightBulbWidget').first();
    // like a person, press Ctrl+. again when VS Code answers "No code actions available" (a request for
    // a cursor that just moved can be cancelled) or when nothing came of it
    const seen = { none: 0, nothing: 0, bulb: false };
    await page.keyboard.press('Control+Period');
    let ticks = 0;
    await poll(async () => {
      seen.bulb ||= await bulb.isVisible();
      if (await menu.isVisible()) return true;
      if (await noActions.isVisible()) {
        seen.none++;
        await page.keyboard.press('Escape');
        await noActions.waitFor({ state: 'hidden', timeout: 5_000 });
        await page.keyboard.press('Control+Period');
        ticks = 0;
      } else if (++ticks % 15 === 0) {
        seen.nothing++;
        await page.keyboard.press('Control+Period');
      }
      return false;
    }, 'the quick fix menu', { timeoutMs: 20_000, intervalMs: 200 }).catch((err) => {
      throw new Error(`${err.message}; ${JSON.stringify(seen)}`);
    });
    if (seen.none || seen.nothing) console.log(`      Ctrl+. pressed again: ${JSON.stringify(seen)}`);
    const items = (await menu.locator('.monaco-list-row.action').allInnerTexts()).map((t) => t.trim());
    const index = items.findIndex((t) => t.startsWith('Delete the empty `country`'));
    assert.ok(index >= 0, `"Delete the empty \`country\`" in the menu: ${items.join(' | ')}`);
    await screenshot(page, 'lint-quality-02-quick-fix');
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });

    // the line goes, and nothing else changes
    const lines = text.split('\n');
    lines.splice(line - 1, 1);
    const expected = lines.join('\n');
    const saved = await saveUntil(page, () => fs.readFileSync(target, 'utf8'), (t) => t === expected, 'the report saved without the empty country').catch(() => fs.readFileSync(target, 'utf8'));
    assert.equal(saved, expected);
    assert.equal(await wb.editorLine(line), '  protocol: https', 'the next line moved up');
    await screenshot(page, 'lint-quality-03-after-fix');
  });
});
