// The structured editor's form as a person uses it, key by key at a person's
// pace, in VS Code 1.100 (code-server) through Chromium: every edit is checked
// against the exact text of the saved file, so that an edit that loses
// keystrokes, lands twice, splits a list item or touches another line fails.
// Some edits are typed while the model of the edit before is still on its
// way (a lint and a re-render in flight), as people type.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { REPO_ROOT, extensionUnderTest, poll, recordField, retype, saveUntil, screenshot, typeLikeAPerson, webviewFrame, workbenchSession } from '../harness.mjs';

const require = createRequire(import.meta.url);
const engine = require(path.join(extensionUnderTest(), 'dist', 'engine.js'));

const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';
// expectations come from the repository's copy: reset() puts the workspace back to it before each test
const PRISTINE = fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
/** A new report as "Privacy Audit: New Audit Report" writes it (the same core function), in a folder of its own. */
const SKELETON = 'examples/new-report/new-report.audit.md';
const SKELETON_TEXT = engine.reportSkeleton({ id: 'AUDIT-2024-NEW-REPORT', title: 'New report', date: '2024-05-01', auditor: 'Test Analyst' });
/** A file to add as evidence, from outside the new report's folder (so it is copied in). */
const EVIDENCE_FILE = 'examples/xiaomi-redmi-1s/evidence/retest-2014-08-14.log';

/** `text` with line `key:` of record `id` replaced by `line` (or removed when `line` is null). */
function withLine(text, id, key, line) {
  const lines = text.split('\n');
  const { index } = recordField(text, id, key);
  lines.splice(index, 1, ...(line === null ? [] : [line]));
  return lines.join('\n');
}

/** `text` with exactly one occurrence of `from` replaced by `to` (fails when `from` is not there once). */
function replaceOnce(text, from, to) {
  assert.equal(text.split(from).length, 2, `exactly one ${JSON.stringify(from)} in the text`);
  return text.replace(from, () => to);
}

describe('the structured editor\'s form, typed into key by key (code-server 4.100.3 + Chromium)', function () {
  this.timeout(180_000);
  const session = workbenchSession({ prefix: 'privacy-audit-form-', shots: 'form', extra: { [SKELETON]: SKELETON_TEXT } });
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {import('../harness.mjs').Workbench} */
  let wb;
  beforeEach(() => ({ page, wb } = session));

  const file = (rel) => path.join(session.workspace, rel);
  const read = (rel) => fs.readFileSync(file(rel), 'utf8');
  /**
   * Saves until `rel` holds exactly `expected`; fails with the difference
   * when it never does (the file as the last save left it).
   */
  const expectSaved = async (rel, expected, what) => {
    await saveUntil(page, () => read(rel), (t) => t === expected, what).catch(() => {});
    assert.equal(read(rel), expected, what);
  };
  /** Quick Open on `rel`; returns the form once its field `key` shows `value`. */
  const openForm = async (rel, key, value) => {
    await wb.quickOpen(rel);
    const form = await webviewFrame(page, `[data-key="${key}"]`, `the form of ${rel}`);
    await poll(async () => (await form.locator(`[data-key="${key}"]`).inputValue()) === value, `the form of ${rel} showing ${key} = ${JSON.stringify(value)}`);
    return form;
  };
  const openExample = () => openForm(EXAMPLE, 'F2.to', recordField(PRISTINE, 'F2', 'to').value);
  const openSkeleton = () => openForm(SKELETON, 'fm.id', 'AUDIT-2024-NEW-REPORT');
  const field = (form, key) => form.locator(`[data-key="${key}"]`);
  /**
   * Answers code-server's own file dialog (a quick input, the browser has no
   * native one) with `target`: its path typed into the box (again when the
   * dialog, still starting, put its folder there), then its button `accept`
   * until the dialog has taken it.
   */
  const answerFileDialog = async (target, accept) => {
    const input = wb.quickInput.locator('input');
    const button = wb.quickInput.getByRole('button', { name: accept, exact: true });
    await input.waitFor({ timeout: 15_000 });
    await poll(async () => {
      if (!(await wb.quickInput.isVisible())) return true;
      if ((await input.inputValue()) !== target) await input.fill(target);
      else await button.click({ timeout: 2_000 }).catch(() => {});
      return false;
    }, `the file dialog taking ${target}`, { timeoutMs: 20_000, intervalMs: 500 });
  };
  /** Where the focus is in the form: the focused element's data-key or aria-label, and whether the webview has the page's focus. */
  const focusIn = (form) => form.evaluate(() => {
    const a = document.activeElement;
    return { hasFocus: document.hasFocus(), key: a?.dataset?.key ?? null, label: a?.getAttribute('aria-label') ?? null, record: a?.closest('[data-record]')?.getAttribute('data-record') ?? null };
  });

  it('a new report: Add identifier, a category, Tab, a value, Tab writes exactly that identifier, and the focus stays in the form', async function () {
    assert.match(SKELETON_TEXT, /\nidentifiers: \{\}\n/, 'the skeleton\'s device has no identifiers');
    const form = await openSkeleton();
    await form.getByRole('button', { name: 'Add identifier to D1 identifiers' }).click();
    // the new row's category box has the focus: type there, as a person does
    await poll(async () => (await focusIn(form)).key === 'D1.identifiers.k0', 'the focus in the new category box');
    await typeLikeAPerson(page, 'IMEI');
    await page.keyboard.press('Tab');
    await poll(async () => (await focusIn(form)).key === 'D1.identifiers.v0', 'Tab moving to the value box');
    await typeLikeAPerson(page, '356938035643809');
    await page.keyboard.press('Tab');
    await expectSaved(SKELETON, replaceOnce(SKELETON_TEXT, '\nidentifiers: {}\n', '\nidentifiers: {IMEI: "356938035643809"}\n'), 'the skeleton with exactly the one identifier');
    // the model of the saved text came back: the row is still there, and the focus never left the form
    assert.equal(await field(form, 'D1.identifiers.k0').inputValue(), 'IMEI');
    assert.equal(await field(form, 'D1.identifiers.v0').inputValue(), '356938035643809');
    const focus = await focusIn(form);
    assert.ok(focus.hasFocus && focus.record === 'D1', `the focus is still in D1's card: ${JSON.stringify(focus)}`);
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'IFRAME', 'the workbench\'s focus is in the webview');
  });

  it('a field shows its own problem under it, and its quick fix applies from the form', async function () {
    const form = await openSkeleton();
    // the skeleton's empty country: PA006 under F1's country, with the text editor's fix
    const box = form.locator('.field').filter({ has: field(form, 'F1.country') });
    const problem = box.locator('.field-problems .problem');
    await poll(async () => /PA006/.test((await problem.allInnerTexts()).join()), 'PA006 under F1 country');
    const fix = box.getByRole('button', { name: 'Fix: Delete the empty `country`' });
    await fix.click();
    await expectSaved(SKELETON, withLine(SKELETON_TEXT, 'F1', 'country', null), 'the skeleton without F1\'s empty country line');
    // its problem is gone from the field
    await poll(async () => (await problem.count()) === 0, 'no problem under F1 country');
  });

  it('"+ claim" adds a claim; an existing claim with a comma stays one claim', async function () {
    const form = await openExample();
    const comma = 'MIUI only requests public, non-personal data from Xiaomi servers';
    assert.equal(await field(form, 'V1.claims.2').inputValue(), comma, 'the claim with a comma is one item');
    await form.getByRole('button', { name: 'Add claim to V1 claims' }).click();
    await poll(async () => (await focusIn(form)).key === 'V1.claims.3', 'the focus in the new claim');
    await typeLikeAPerson(page, 'Xiaomi apologised');
    await page.keyboard.press('Tab');
    const claims = [
      '  claims:',
      '    - the reported traffic belongs to MIUI Cloud Messaging',
      '    - OTA update of 2014-08-10 makes Cloud Messaging opt-in',
      `    - ${comma}`,
      '    - Xiaomi apologised',
      '  addresses: [F1, F2, F3, F4]',
    ].join('\n');
    await expectSaved(EXAMPLE, replaceOnce(PRISTINE, claims.replace('\n    - Xiaomi apologised', ''), claims), 'V1 with the new claim after the three it had');
    assert.deepEqual(await form.locator('[data-key^="V1.claims."]').evaluateAll((els) => els.map((e) => e.value)), [
      'the reported traffic belongs to MIUI Cloud Messaging',
      'OTA update of 2014-08-10 makes Cloud Messaging opt-in',
      comma,
      'Xiaomi apologised',
    ]);
  });

  it('a click on a category\'s checkbox adds it to the flow\'s others (two clicks in a row add both); a second click removes it', async function () {
    const form = await openExample();
    const data = (list) => withLine(PRISTINE, 'F1', 'data', `  data: [${list}]`);
    assert.equal(recordField(PRISTINE, 'F1', 'data').value, '[carrier name, IMEI, phone number]');
    const box = (name) => field(form, `F1.data.cat.${name}`);
    assert.equal(await box('IMEI').isChecked(), true);
    assert.equal(await box('Precise location').isChecked(), false);
    // two clicks, the second before the first edit has come back as a model
    await box('Precise location').click();
    await box('Advertising ID').click();
    await expectSaved(EXAMPLE, data('carrier name, IMEI, phone number, Precise location, Advertising ID'), 'both categories added after the three F1 had');
    await poll(async () => (await box('Precise location').isChecked()) && (await box('Advertising ID').isChecked()), 'both boxes checked');
    await box('Precise location').click();
    await expectSaved(EXAMPLE, data('carrier name, IMEI, phone number, Advertising ID'), 'a second click removing Precise location only');
    await form.getByRole('button', { name: 'Remove Advertising ID from F1 data' }).click();
    await expectSaved(EXAMPLE, PRISTINE, 'the chip\'s ✕ removing Advertising ID: the example as it was');
  });

  it('types into a second field right after Tab from the first, while the first edit is applied: both land, nothing else changes', async function () {
    const form = await openExample();
    assert.equal(recordField(PRISTINE, 'F2', 'protocol').value, 'http');
    // Tab sends F2.to; the protocol is typed at once, while that edit, its lint and the new model are on their way
    await retype(field(form, 'F2.to'), 'api.example.cn');
    await retype(field(form, 'F2.protocol'), 'https');
    const expected = withLine(withLine(PRISTINE, 'F2', 'to', '  to: api.example.cn'), 'F2', 'protocol', '  protocol: https');
    await expectSaved(EXAMPLE, expected, 'F2 with both fields changed and nothing else');
    assert.equal(await field(form, 'F2.to').inputValue(), 'api.example.cn');
    assert.equal(await field(form, 'F2.protocol').inputValue(), 'https');
  });

  it('deleting a flow that others name asks first: Cancel keeps it, "Delete Only" removes the record alone', async function () {
    const form = await openExample();
    const dialog = page.locator('.monaco-dialog-box');
    await field(form, 'F2.actions.delete').click();
    await dialog.waitFor({ timeout: 15_000 });
    const message = await dialog.locator('.dialog-message-text').innerText();
    for (const by of ['V1', 'R1', 'FN1', 'FN4']) assert.match(message, new RegExp(`\\b${by}\\b`), `the question names ${by}, which names F2: ${message}`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(await page.locator('.tabs-container .tab.dirty').count(), 0, 'Cancel changed nothing');
    assert.equal(await form.locator('.record-card[data-record="F2"]').count(), 1, 'F2 is still in the form');
    await field(form, 'F2.actions.delete').click();
    await dialog.getByRole('button', { name: 'Delete Only' }).click();
    const f2 = PRISTINE.slice(PRISTINE.indexOf('- id: F2\n'), PRISTINE.indexOf('- id: F3\n'));
    await expectSaved(EXAMPLE, replaceOnce(PRISTINE, f2, ''), 'the example without F2, its references kept');
    await poll(async () => (await form.locator('.record-card[data-record="F2"]').count()) === 0, 'F2\'s card gone');
  });

  it('deleting a flow that others name with "Delete and Remove References" also takes it out of their fields', async function () {
    const form = await openExample();
    const dialog = page.locator('.monaco-dialog-box');
    await field(form, 'F2.actions.delete').click();
    await dialog.getByRole('button', { name: 'Delete and Remove References' }).click({ timeout: 15_000 });
    const f2 = PRISTINE.slice(PRISTINE.indexOf('- id: F2\n'), PRISTINE.indexOf('- id: F3\n'));
    // V1 addresses, R1 flows and FN4 flows name F1–F4; FN1 flows F1–F3
    assert.equal(PRISTINE.split('[F1, F2, F3, F4]').length, 4);
    const expected = replaceOnce(replaceOnce(PRISTINE, f2, ''), '[F1, F2, F3]', '[F1, F3]').replaceAll('[F1, F2, F3, F4]', '[F1, F3, F4]');
    await expectSaved(EXAMPLE, expected, 'the example without F2 and without F2 in V1, R1, FN1 and FN4');
  });

  it('deleting a record nothing names asks nothing', async function () {
    const form = await openExample();
    const v3 = PRISTINE.slice(PRISTINE.indexOf('- id: V3\n'), PRISTINE.indexOf('- id: V4\n'));
    assert.equal(engine.parseReport(PRISTINE).references.filter((r) => r.id === 'V3').length, 0, 'nothing names V3');
    await field(form, 'V3.actions.delete').click();
    await expectSaved(EXAMPLE, replaceOnce(PRISTINE, v3, ''), 'the example without V3');
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no question was asked');
  });

  it('"Open Preview to the Side" with the form active opens the preview of the form\'s report', async function () {
    await openExample();
    await wb.command('Privacy Audit: Open Preview to the Side', { timeoutMs: 15_000 });
    const preview = await webviewFrame(page, '.pa-report', 'the preview');
    await poll(async () => (await preview.locator('[data-record="F2"]').count()) > 0, 'the preview of the example');
    const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
    assert.deepEqual(toasts.filter((t) => /report first/i.test(t)), [], 'no "Open a *.audit.md report first" message');
  });

  it('"New Audit Report" opens the new report in the form, in exactly one tab', async function () {
    await wb.command('Privacy Audit: New Audit Report');
    // code-server's own file dialog (a quick input) asks where to save it
    const target = file('examples/fresh-report.audit.md');
    await answerFileDialog(target, 'OK');
    await poll(() => fs.existsSync(target), 'the new report written');
    const form = await webviewFrame(page, '[data-key="fm.id"]', 'the form of the new report');
    await poll(async () => /^AUDIT-\d{4}-FRESH-REPORT$/.test(await form.locator('[data-key="fm.id"]').inputValue()), 'the new report\'s id in the form');
    const text = fs.readFileSync(target, 'utf8');
    const date = /\ndate: (\d{4}-\d\d-\d\d)\n/.exec(text)?.[1];
    const auditor = /\n {2}- name: "(.*)"\n/.exec(text)?.[1];
    assert.match(date ?? '', /^\d{4}-\d\d-\d\d$/, 'the new report\'s date');
    assert.equal(text, engine.reportSkeleton({ id: `AUDIT-${date.slice(0, 4)}-FRESH-REPORT`, title: 'Fresh report', date, auditor }), 'the skeleton');
    const tabs = await page.locator('.tabs-container .tab').allInnerTexts();
    assert.deepEqual(tabs.map((t) => t.trim()), ['fresh-report.audit.md'], 'one tab, the new report\'s');
    assert.ok(await page.locator('.tabs-container .tab.active', { hasText: 'fresh-report.audit.md' }).count(), 'its tab is active');
  });

  it('Add File… in the form fills the new report\'s empty evidence record that others cite; the form stays active', async function () {
    const form = await openSkeleton();
    await form.getByRole('button', { name: /^Add File…/ }).click();
    await answerFileDialog(file(EVIDENCE_FILE), 'Add as evidence');
    const bytes = fs.readFileSync(path.join(REPO_ROOT, EVIDENCE_FILE));
    const sha = createHash('sha256').update(bytes).digest('hex');
    const copy = file('examples/new-report/evidence/retest-2014-08-14.log');
    const expected = replaceOnce(SKELETON_TEXT, '- id: E1\n  file: ""\n', `- id: E1\n  file: "evidence/retest-2014-08-14.log"\n  sha256: ${sha}\n`);
    await expectSaved(SKELETON, expected, 'E1 with the copied file and its hash');
    assert.deepEqual(fs.readFileSync(copy), bytes, 'the file copied into the report\'s evidence folder');
    await poll(async () => (await field(form, 'E1.file').inputValue()) === 'evidence/retest-2014-08-14.log', 'the form showing E1\'s file');
    const tabs = await page.locator('.tabs-container .tab').allInnerTexts();
    assert.deepEqual(tabs.map((t) => t.trim()), ['new-report.audit.md'], 'no other editor opened');
    assert.equal(await page.locator('.editor-group-container.active .monaco-editor').count(), 0, 'no text editor is active');
  });

  it('Ctrl+Z with the focus in the form undoes the last form edit exactly; Ctrl+Y and Ctrl+Shift+Z redo it', async function () {
    const form = await openExample();
    const to = recordField(PRISTINE, 'F2', 'to').value;
    await retype(field(form, 'F2.to'), 'api.example.cn');
    const edited = withLine(PRISTINE, 'F2', 'to', '  to: api.example.cn');
    await expectSaved(EXAMPLE, edited, 'the form edit saved');
    const focus = await focusIn(form);
    assert.ok(focus.hasFocus && focus.record === 'F2', `the focus in F2's card after Tab: ${JSON.stringify(focus)}`);
    const shows = (value) => poll(async () => (await field(form, 'F2.to').inputValue()) === value, `the form showing F2 → ${value}`);
    await page.keyboard.press('Control+Z');
    await expectSaved(EXAMPLE, PRISTINE, 'Ctrl+Z: the example as it was');
    await shows(to);
    await page.keyboard.press('Control+Y');
    await expectSaved(EXAMPLE, edited, 'Ctrl+Y: the edit again');
    await shows('api.example.cn');
    await page.keyboard.press('Control+Z');
    await expectSaved(EXAMPLE, PRISTINE, 'Ctrl+Z again');
    await page.keyboard.press('Control+Shift+Z');
    await expectSaved(EXAMPLE, edited, 'Ctrl+Shift+Z: the edit again');
  });

  it('Enter sends a field; Ctrl+Z right after, the focus still in that field, undoes the edit in the report', async function () {
    const form = await openExample();
    const to = recordField(PRISTINE, 'F2', 'to').value;
    const input = field(form, 'F2.to');
    await retype(input, 'api.example.cn', { tab: false });
    await input.press('Enter');
    const edited = withLine(PRISTINE, 'F2', 'to', '  to: api.example.cn');
    await expectSaved(EXAMPLE, edited, 'Enter: the edit saved');
    assert.equal((await focusIn(form)).key, 'F2.to', 'the focus still in F2.to');
    await page.keyboard.press('Control+Z');
    await expectSaved(EXAMPLE, PRISTINE, 'Ctrl+Z in the field just sent: the example as it was');
    // once the field is left, it shows the report's value again
    await page.keyboard.press('Tab');
    await poll(async () => (await input.inputValue()) === to, `the form showing F2 → ${to}`);
  });

  it('Ctrl+S right after typing in a field (no Tab) saves what was typed', async function () {
    const form = await openExample();
    await retype(field(form, 'F2.protocol'), 'https', { tab: false });
    await page.keyboard.press('Control+S');
    const expected = withLine(PRISTINE, 'F2', 'protocol', '  protocol: https');
    // one Ctrl+S, as a person presses it: the file must come to hold the typed value, and nothing stay unsaved
    let text;
    try {
      await poll(async () => (text = read(EXAMPLE)) === expected && (await page.locator('.tabs-container .tab.dirty').count()) === 0, 'the typed value saved by that Ctrl+S', { timeoutMs: 15_000, intervalMs: 250 });
    } catch {
      assert.equal(text, expected, `one Ctrl+S with the focus still in F2.protocol (dirty tabs: ${await page.locator('.tabs-container .tab.dirty').count()})`);
    }
  });

  it('the ↑ of the first record of a block, which the report cannot move, is disabled or says why', async function () {
    const form = await openExample();
    // V3 opens the second response block: records move only within their block
    assert.ok(PRISTINE.includes('```response\n- id: V3\n'), 'V3 is the first record of its block');
    const up = field(form, 'V3.actions.up');
    if (await up.isDisabled()) return;
    await up.click();
    await poll(async () => /V3[^.]*first record of its block|move only within a block/i.test(await form.locator('body').innerText()), 'the form saying why V3 does not move', { timeoutMs: 10_000 });
    assert.equal(read(EXAMPLE), PRISTINE, 'nothing moved');
  });

  it('a reference\'s locator: type, Tab: the new locator is written and the focus moves on to the row\'s ✕ (not lost)', async function () {
    const form = await openExample();
    assert.equal(recordField(PRISTINE, 'F2', 'evidence').value, '[E2#frame=32, E1]');
    await retype(field(form, 'F2.evidence.0.locator'), 'frame=33');
    await expectSaved(EXAMPLE, withLine(PRISTINE, 'F2', 'evidence', '  evidence: [E2#frame=33, E1]'), 'the new locator');
    // Tab from the locator goes to its row's ✕: where a person goes on from (another Tab, a key typed)
    const focus = await focusIn(form);
    assert.ok(focus.hasFocus && focus.record === 'F2' && focus.label === 'Remove F2 evidence reference 1', `the focus on the row's ✕ after Tab: ${JSON.stringify(focus)}`);
  });

  it('typing into the narrative\'s text area changes exactly that text', async function () {
    const form = await openExample();
    const line = 'A new Redmi 1S, used without any Mi account, sent its carrier name, its';
    const keys = await form.locator('textarea[data-key^="prose."]').evaluateAll((els, l) => els.filter((e) => e.value.includes(l)).map((e) => e.dataset.key), line);
    assert.equal(keys.length, 1, 'one part of the narrative holds the line');
    const area = field(form, keys[0]);
    // the caret after "A new Redmi 1S," (placed where a click would put it), then typed
    await area.click();
    await area.evaluate((e, at) => e.setSelectionRange(at, at), (await area.inputValue()).indexOf(line) + 'A new Redmi 1S,'.length);
    await typeLikeAPerson(page, ' bought in a shop,');
    await page.keyboard.press('Tab');
    await expectSaved(EXAMPLE, replaceOnce(PRISTINE, line, line.replace('A new Redmi 1S,', 'A new Redmi 1S, bought in a shop,')), 'the narrative with the typed words');
  });

  it('the form in the light, dark and high-contrast themes (screenshots)', async function () {
    for (const theme of ['light', 'dark', 'hc-black']) {
      await wb.reset({ theme });
      const form = await openExample();
      const cls = { light: 'vscode-light', dark: 'vscode-dark', 'hc-black': 'vscode-high-contrast' }[theme];
      await poll(async () => (await form.locator(`body.${cls}`).count()) > 0, `the ${theme} theme in the form`);
      await screenshot(page, `form-${theme}`);
      // F1's card says what the capture frame it cites shows, once the lint has read the capture
      const claim = form.locator('article.record-card[data-record="F1"] .badge.claim-confirmed');
      await poll(async () => (await claim.count()) === 1 && (await claim.textContent()) === '✓ confirmed by E2#frame=22', "F1's claim badge", { timeoutMs: 60_000 });
      await claim.scrollIntoViewIfNeeded();
      await screenshot(page, `form-${theme}-flow`);
    }
  });
});
