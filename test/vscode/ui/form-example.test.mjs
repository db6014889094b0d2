// The form is a whole editor: starting from the New Audit Report skeleton,
// the bundled example (42 records, the front matter, the narrative) is written
// in the structured editor alone — no text editor is opened — and the saved
// file then reads as the example: the same front matter, the same records
// field by field, the same narrative, and no lint problem.
//
// Values are put in with fill() (this test is about what the form can edit;
// form.test.mjs types at a person's pace), and one field after another
// without waiting for the previous edit to come back, so the form's queue of
// edits is exercised as well.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { REPO_ROOT, poll, saveUntil, screenshot, webviewFrame, workbenchSession } from '../harness.mjs';

const require = createRequire(import.meta.url);
const engine = () => require(path.join(REPO_ROOT, 'dist', 'engine.js'));
const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';
// beside the example, so that its evidence files resolve and their hashes are checked
const TARGET = 'examples/xiaomi-redmi-1s/from-the-form.audit.md';

/** Plain values of a parsed map node (the engine's model keeps YAML nodes). */
function plain(node) {
  if (!node) return null;
  if (node.type === 'scalar') return node.value;
  if (node.type === 'seq') return node.items.map(plain);
  return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();

describe('writing the whole example in the form alone', function () {
  this.timeout(900_000);
  // the text New Audit Report writes (the build has run before the UI tests load)
  const skeleton = engine().reportSkeleton({ id: 'AUDIT-2014-NEW', title: 'New report', date: '2014-10-24', auditor: 'Analyst' });
  const s = workbenchSession({ prefix: 'privacy-audit-form-example-', shots: 'form-example', extra: { [TARGET]: skeleton } });

  it('the skeleton becomes the example: front matter, 42 records, narrative, no problem', async function () {
    const { page, wb, workspace } = s;
    const e = engine();
    const example = e.parseReport(fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8'));
    const schema = e.RECORD_FIELDS;
    const fileText = () => fs.readFileSync(path.join(workspace, TARGET), 'utf8');

    await wb.quickOpen(TARGET);
    const form = await webviewFrame(page, '.record-card[data-record="D1"]', 'the new report in the form');
    const key = (k) => form.locator(`[data-key="${k.replace(/"/g, '\\"')}"]`);
    /** Sets a text box or text area: its text replaced, then the change event (as leaving the field sends it). */
    const setText = async (k, value) => {
      const input = key(k);
      await input.fill(String(value));
      await input.dispatchEvent('change');
    };
    const setSelect = async (k, value) => {
      await key(k).selectOption(value === null ? '' : String(value));
    };
    /** Removes every row of a list widget (its ✕ buttons), newest first. */
    const clearRows = async (groupLabel) => {
      const group = form.locator(`[role="group"][aria-label="${groupLabel}"]`).first();
      for (;;) {
        const xs = group.locator('.list-row .list-remove:visible, .identifier-row button');
        const n = await xs.count();
        if (!n) return;
        await xs.nth(n - 1).click();
        await poll(async () => (await xs.count()) < n, `a row of ${groupLabel} removed`, { timeoutMs: 10_000, intervalMs: 100 });
      }
    };

    // ---- the front matter
    const fm = Object.fromEntries(example.frontMatter.map.entries.map((x) => [x.key, plain(x.value)]));
    for (const k of ['id', 'title', 'date', 'subject']) await setText(`fm.${k}`, fm[k]);
    for (const k of ['status', 'classification']) await setSelect(`fm.${k}`, fm[k]);
    const auditor = fm.auditors[0];
    await setText('fm.auditors.0.name', auditor.name);
    await setText('fm.auditors.0.org', auditor.org);
    for (const [i, v] of fm.redact.entries()) {
      await form.getByRole('button', { name: 'Add value or /pattern/ to redact' }).click();
      await setText(`fm.redact.${i}`, v);
    }

    // ---- every record, added empty first so that references can name them
    const byKind = new Map();
    for (const r of example.records) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
    for (const [kind, records] of byKind) {
      for (const r of records) {
        if (await form.locator(`.record-card[data-record="${r.id}"]`).count()) continue;
        await form.getByRole('button', { name: `Add ${kind}`, exact: true }).click();
        await form.locator(`.record-card[data-record="${r.id}"]`).waitFor({ timeout: 30_000 });
      }
    }

    // ---- then their fields, in the schema's order; fields the skeleton wrote and the example lacks are emptied
    for (const r of example.records) {
      const want = Object.fromEntries(r.map.entries.map((x) => [x.key, plain(x.value)]));
      const card = form.locator(`.record-card[data-record="${r.id}"]`);
      for (const f of schema[r.kind]) {
        if (f.name === 'id') continue;
        const value = want[f.name] ?? null;
        const k = `${r.id}.${f.name}`;
        const label = `${r.id} ${f.name}`;
        switch (f.t.type) {
          case 'enum':
          case 'country':
          case 'ref':
            await setSelect(k, value);
            break;
          case 'strings': {
            await clearRows(label);
            const list = value === null ? [] : Array.isArray(value) ? value : [value];
            for (const [i, v] of list.entries()) {
              await card.locator(`[role="group"][aria-label="${label}"] .list-add`).click();
              await setText(`${k}.${i}`, v);
            }
            break;
          }
          case 'refs': {
            await clearRows(label);
            const list = value === null ? [] : Array.isArray(value) ? value : [value];
            for (const [i, v] of list.entries()) {
              const [id, locator] = String(v).split('#');
              await key(`${k}.add`).selectOption(id);
              await key(`${k}.${i}`).waitFor({ timeout: 10_000 });
              if (locator) await setText(`${k}.${i}.locator`, locator);
            }
            break;
          }
          case 'categories': {
            const list = value === null ? [] : Array.isArray(value) ? value : [value];
            // the box of the category the example's name means (its written name may be an alias, in another case)
            for (const name of list) {
              const written = e.taxonomyFor(example, e.DEFAULT_CONFIG).lookup(name);
              assert.ok(written, `${name} is a category of the taxonomy`);
              const boxes = card.locator(`.checklist input[type="checkbox"]`);
              const values = await boxes.evaluateAll((bs) => bs.map((b) => b.value));
              const tax = e.taxonomyFor(example, e.DEFAULT_CONFIG);
              const value = values.find((v) => tax.lookup(v)?.id === written.id);
              assert.ok(value, `a checkbox for the category ${name}`);
              await key(`${k}.cat.${value}`).check();
            }
            break;
          }
          case 'identifiers': {
            const entries = Object.entries(value ?? {});
            for (const [i, [cat, v]] of entries.entries()) {
              await card.getByRole('button', { name: `Add identifier to ${label}` }).click();
              await setText(`${k}.k${i}`, cat);
              await setText(`${k}.v${i}`, v);
            }
            break;
          }
          default: {
            const current = await key(k).inputValue();
            const text = value === null ? '' : String(value);
            if (current !== text) await setText(k, text);
          }
        }
      }
    }

    // ---- the narrative: the skeleton's parts take the example's, the last one the rest
    const parts = e.proseSegments(example).map((p) => p.text);
    const areas = form.locator('textarea.prose-text');
    const n = await areas.count();
    assert.ok(n >= 2, 'the skeleton has narrative parts');
    for (let i = 0; i < n; i++) {
      const text = i < n - 1 ? (parts[i] ?? '') : parts.slice(n - 1).join('\n\n');
      await setText(`prose.${i}`, text);
    }

    // ---- the saved file reads as the example
    const saved = await saveUntil(page, fileText, (t) => {
      const r = e.parseReport(t);
      return r.records.length === example.records.length && e.proseSegments(r).map((p) => p.text).join('\n\n').includes(parts.at(-1));
    }, 'the written report saved', { timeoutMs: 120_000 });
    await screenshot(page, 'form-example-written-light');
    const got = e.parseReport(saved);
    assert.deepEqual(Object.fromEntries(got.frontMatter.map.entries.map((x) => [x.key, plain(x.value)])), fm, 'the front matter');
    const gotById = new Map(got.records.map((r) => [r.id, r]));
    for (const r of example.records) {
      const g = gotById.get(r.id);
      assert.ok(g, `${r.id} written`);
      assert.equal(g.kind, r.kind);
      // data categories are compared by what they mean: the form writes each under the taxonomy's name
      const tax = e.taxonomyFor(example, e.DEFAULT_CONFIG);
      // and a list field's one value is the same written alone or as a list of one (a new field is written as a list)
      const lists = new Set(schema[r.kind].filter((f) => ['strings', 'refs', 'categories'].includes(f.t.type)).map((f) => f.name));
      const meaning = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, k === 'data' ? [].concat(v).map((d) => tax.lookup(d)?.id ?? d) : lists.has(k) && v !== null ? [].concat(v) : v]));
      assert.deepEqual(meaning(plain(g.map)), meaning(plain(r.map)), `${r.id}: every field as in the example`);
    }
    assert.equal(norm(e.proseSegments(got).map((p) => p.text).join('\n\n')), norm(parts.join('\n\n')), 'the narrative');
    // the form's own count of problems: none, as for the example
    await poll(async () => (await form.locator('.toolbar .status').innerText()) === 'No problems', 'no problem in the written report', { timeoutMs: 60_000 });
    // no text editor was opened on the way: one tab, the form
    assert.equal(await wb.tabs.count(), 1, 'one editor tab');
    for (const theme of ['dark', 'hc-black']) {
      await wb.setTheme(theme);
      await screenshot(page, `form-example-written-${theme}`);
    }
  });
});
