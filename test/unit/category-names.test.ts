/**
 * One display name per data category, everywhere (issue 11): the taxonomy's
 * label, in the rendered report, the data-flow diagram, hovers, completion
 * rows and the structured editor's model; a name the taxonomy does not know
 * is shown as written; the report's own text is never rewritten.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dataFlowDiagram } from '../../src/core/present/diagram';
import { Linter, type LintResult } from '../../src/core/lint/linter';
import { renderReport } from '../../src/core/present/render/html';
import { completions, hover } from '../../src/core/features/service';
import { BUILT_IN_CATEGORIES, Taxonomy } from '../../src/core/report/taxonomy';
import { buildEditorModel } from '../../src/core/edit/viewmodel';

const TEXT = `---
audit-format: 1
id: T
title: T
status: draft
date: 2014-10-24
auditors: [A]
---

\`\`\`device
id: D1
vendor: X
identifiers:
  imei: "869999012345677"
\`\`\`

\`\`\`flow
id: F1
from: D1
to: api.example.com
encryption: tls
data: [sms metadata, contacts, shoe size]
\`\`\`
`;

/** The one name each written category is shown under. */
const SHOWN = { 'sms metadata': 'SMS/MMS metadata', contacts: 'Contacts', 'shoe size': 'shoe size', imei: 'IMEI' } as const;

async function lint(): Promise<LintResult> {
  return new Linter().lint(TEXT);
}

/** The texts of the category chips, in order. */
const chipTexts = (html: string) => [...html.matchAll(/<span class="chip sens-[a-z]+"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]);

describe('one display name per category', () => {
  test('the taxonomy: every id, label and alias of a built-in category displays as its label; unknown names as written', () => {
    const t = Taxonomy.builtIn;
    for (const c of BUILT_IN_CATEGORIES) {
      for (const name of [c.id, c.label, c.label.toLowerCase(), ...c.aliases]) assert.equal(t.displayName(name), c.label, `${name} → ${c.label}`);
    }
    assert.equal(t.displayName('sms metadata'), 'SMS/MMS metadata');
    assert.equal(t.displayName('phone number'), 'Phone number (MSISDN)');
    assert.equal(t.displayName('Shoe Size'), 'Shoe Size');
    // a category of the report's own: its label, else its id
    const custom = t.extend([{ id: 'shoe-size', label: 'Shoe size', aliases: ['feet'] }, { id: 'gait' }], 'report');
    assert.equal(custom.displayName('feet'), 'Shoe size');
    assert.equal(custom.displayName('GAIT'), 'gait');
  });

  test('the rendered report (preview and export) shows the label in the flows table and the identifiers table', async () => {
    const result = await lint();
    for (const mode of ['preview', 'export'] as const) {
      const html = renderReport(result, { mode }).html;
      assert.deepEqual(chipTexts(html.slice(html.indexOf('flow-table'))).slice(0, 3), [SHOWN['sms metadata'], SHOWN.contacts, SHOWN['shoe size']], mode);
      assert.match(html, /<span class="chip sens-high" title="high sensitivity · written “sms metadata”">SMS\/MMS metadata<\/span>/);
      assert.match(html, /<span class="chip sens-high" title="high sensitivity · written “contacts”">Contacts<\/span>/);
      assert.match(html, /<span class="chip sens-unknown" title="Unknown data category">shoe size<\/span>/);
      assert.match(html, /<th title="written “imei”">IMEI<\/th>/);
      // the written spellings appear only in the titles that say how the report writes them
      const outsideTitles = html.replace(/title="[^"]*"/g, '');
      assert.doesNotMatch(outsideTitles, />\s*(?:sms metadata|contacts|imei)\s*</);
    }
  });

  test('the data-flow diagram names the data as the tables do', async () => {
    const result = await lint();
    const d = dataFlowDiagram(result.report, result.taxonomy);
    assert.match(d.text, /Contacts, SMS\/MMS metadata, shoe size/);
    assert.doesNotMatch(d.text, /sms metadata|contacts/);
  });

  test('hovers show the label; completion rows show it beside the name they insert', async () => {
    const result = await lint();
    // inside the written name (`imei` as the identifier key, not in the front matter)
    const inside = { 'sms metadata': TEXT.indexOf('sms metadata') + 1, contacts: TEXT.indexOf('contacts') + 1, imei: TEXT.indexOf('  imei:') + 3 };
    for (const written of ['sms metadata', 'contacts', 'imei'] as const) {
      const h = hover(result.report, inside[written], { taxonomy: result.taxonomy });
      assert.ok(h, written);
      assert.ok(h.markdown.startsWith(`**${SHOWN[written]}**`), h.markdown);
    }
    const cursor = TEXT.indexOf('shoe size');
    const items = completions(result.report, cursor, { taxonomy: result.taxonomy });
    const phone = items.find((c) => c.label === 'phone number');
    assert.ok(phone, items.map((c) => c.label).join());
    assert.equal(phone.description, 'Phone number (MSISDN)');
    assert.equal(phone.insertText.startsWith('phone number'), true, 'the name written into the report is unchanged');
    assert.equal(items.find((c) => c.label === 'Contacts')?.description, undefined, 'no second name when the label is the name');
  });

  test('the structured editor\'s model: chips and checkboxes show the label; the name written stays the form\'s name', async () => {
    const result = await lint();
    const m = buildEditorModel(result, 1);
    const names = (c: { name: string; aliases: string[] }, w: string) => [c.name, ...c.aliases].some((a) => a.toLowerCase() === w.toLowerCase());
    for (const written of ['sms metadata', 'contacts', 'imei'] as const) {
      const c = m.categories.find((x) => names(x, written));
      assert.ok(c, written);
      assert.equal(c.label, SHOWN[written]);
    }
    assert.equal(m.categories.find((c) => c.label === 'Phone number (MSISDN)')?.name, 'phone number');
    // every category has exactly one label, the one the renderer and the diagram use
    for (const c of m.categories) assert.equal(result.taxonomy.displayName(c.name), c.label);
    // the model passes the data on as written
    assert.deepEqual(m.records.find((r) => r.id === 'F1')!.fields.data, ['sms metadata', 'contacts', 'shoe size']);
  });

  test('linting and rendering never change the report text', async () => {
    const result = await lint();
    renderReport(result, { mode: 'export' });
    dataFlowDiagram(result.report, result.taxonomy);
    assert.equal(result.report.text, TEXT);
  });
});
