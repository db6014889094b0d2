// A device's identifiers whose values are lists, in the structured editor's
// form, typed into key by key at a person's pace: an edit of another row
// leaves a list exactly as written, and a new row whose category already has
// a value makes that category a list. The report is this test's own file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { poll, retype, saveUntil, typeLikeAPerson, webviewFrame, workbenchSession } from '../harness.mjs';

const REPORT = 'examples/identifier-lists/identifier-lists.audit.md';
const REPORT_TEXT = [
  '---',
  'audit-format: 1',
  'id: AUDIT-2024-LISTS',
  'title: Two SIMs and two contacts',
  'status: draft',
  'date: 2024-05-01',
  'auditors: [Test Analyst]',
  '---',
  '',
  '```device',
  'id: D1',
  'name: Test phone',
  'identifiers:',
  '  IMEI: "356938035643809"',
  '  contacts: ["+86 139 1234 5678", "+86 139 8765 4321"] # the two planted contacts',
  '  IMSI: "001010000012345"',
  '```',
  '',
].join('\n');

describe('identifiers with several values in the form (code-server 4.100.3 + Chromium)', function () {
  this.timeout(180_000);
  const session = workbenchSession({ prefix: 'privacy-audit-ids-', shots: 'form-identifiers', extra: { [REPORT]: REPORT_TEXT } });
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {import('../harness.mjs').Workbench} */
  let wb;
  beforeEach(() => ({ page, wb } = session));

  const read = () => fs.readFileSync(path.join(session.workspace, REPORT), 'utf8');
  const expectSaved = async (expected, what) => {
    await saveUntil(page, read, (t) => t === expected, what).catch(() => {});
    assert.equal(read(), expected, what);
  };
  const field = (form, key) => form.locator(`[data-key="${key}"]`);
  const focusKey = (form) => form.evaluate(() => document.activeElement?.dataset?.key ?? null);

  it('identifier lists: an edit of the IMEI row keeps the contacts list as written; a new IMSI row makes IMSI a list', async function () {
    await wb.quickOpen(REPORT);
    const form = await webviewFrame(page, '[data-key="D1.identifiers.v0"]', 'the form of the report');
    // one row per value: the two contacts on rows 2 and 3, under the same category
    await poll(async () => (await field(form, 'D1.identifiers.v2').count()) === 1 && (await field(form, 'D1.identifiers.v2').inputValue()) === '+86 139 8765 4321', 'the second contact on its own row');
    assert.equal(await field(form, 'D1.identifiers.k1').inputValue(), 'contacts');
    assert.equal(await field(form, 'D1.identifiers.k2').inputValue(), 'contacts');
    assert.equal(await field(form, 'D1.identifiers.v1').inputValue(), '+86 139 1234 5678');
    assert.equal(await form.getByRole('textbox', { name: 'D1 identifiers: value 3' }).inputValue(), '+86 139 8765 4321', 'the accessible name of the third value');

    // the IMEI row, retyped and left with Tab: only its value changes
    await retype(field(form, 'D1.identifiers.v0'), '356938035643817');
    const imei = REPORT_TEXT.replace('IMEI: "356938035643809"', 'IMEI: "356938035643817"');
    await expectSaved(imei, 'the IMEI changed, the contacts list and its comment exactly as written');

    // a new row: category IMSI (which has a value already), Tab, a second IMSI, Tab
    await form.getByRole('button', { name: 'Add identifier to D1 identifiers' }).click();
    await poll(async () => (await focusKey(form)) === 'D1.identifiers.k4', 'the focus in the new category box');
    await typeLikeAPerson(page, 'IMSI');
    await page.keyboard.press('Tab');
    await poll(async () => (await focusKey(form)) === 'D1.identifiers.v4', 'Tab moving to the value box');
    await typeLikeAPerson(page, '001010000012346');
    await page.keyboard.press('Tab');
    const twoImsi = imei.replace('IMSI: "001010000012345"', 'IMSI: ["001010000012345", "001010000012346"]');
    await expectSaved(twoImsi, 'IMSI a list of the two values; the rest as it was');
    // no "listed twice" message: the row is written
    assert.equal(await form.locator('.identifier-row.incomplete').count(), 0, 'no row marked as not saved');

    // once the focus leaves the form's identifiers, the rows show the two IMSI values together
    await page.keyboard.press('Escape');
    await form.locator('[data-key="D1.name"]').click();
    await poll(async () => (await field(form, 'D1.identifiers.k4').inputValue()) === 'IMSI' && (await field(form, 'D1.identifiers.v4').inputValue()) === '001010000012346' && (await field(form, 'D1.identifiers.v3').inputValue()) === '001010000012345', 'the IMSI values on rows 4 and 5');

    // ✕ on the first contact removes that value only
    await form.getByRole('button', { name: 'Remove identifier 2' }).click();
    await expectSaved(twoImsi.replace('["+86 139 1234 5678", "+86 139 8765 4321"]', '["+86 139 8765 4321"]'), 'the first contact removed, the list and its comment kept');
  });
});
