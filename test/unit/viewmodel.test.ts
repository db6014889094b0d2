/** The structured editor's model: values as the forms show and send them back. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Linter } from '../../src/core/lint/linter';
import { renderProse } from '../../src/core/present/render/prose';
import { buildEditorModel } from '../../src/core/edit/viewmodel';

const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';

describe('editor model', () => {
  test('identifiers and hashes are shown as written, not as the numbers YAML reads', async () => {
    const text = `${FM}\n\`\`\`device\nid: D1\nidentifiers:\n  IMEI: 869999012345677\n  phone number: +12025550101\n  IMSI: "001010000012345"\n  MEID:\n\`\`\`\n`;
    const m = buildEditorModel(await new Linter().lint(text), 1);
    const d1 = m.records.find((r) => r.id === 'D1')!;
    assert.deepEqual(d1.fields.identifiers, { IMEI: '869999012345677', 'phone number': '+12025550101', IMSI: '001010000012345', MEID: '' });
  });

  test('identifiers that are not a mapping are passed on as they are', async () => {
    const m = buildEditorModel(await new Linter().lint(`${FM}\n\`\`\`device\nid: D1\nidentifiers: [a, b]\n\`\`\`\n`), 1);
    assert.deepEqual(m.records.find((r) => r.id === 'D1')!.fields.identifiers, ['a', 'b']);
  });
});

describe('prose rendered apart from its report (the structured editor\'s narrative)', () => {
  test('citations of the report\'s records are not marked missing; unknown ones are', () => {
    const html = renderProse('Seen in [@E1] and [@E9].', undefined, new Set(['E1', 'F1']));
    assert.match(html, /<span class="citation" data-record="E1" data-ref="E1">/);
    assert.match(html, /class="citation citation-missing" data-ref="E9" title="No record E9 in this report"/);
    assert.doesNotMatch(html, /No record E1/);
  });
});
