/** The structured editor's model: values as the forms show and send them back. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Linter } from '../../src/core/lint/linter';
import { renderProse } from '../../src/core/present/render/prose';
import { buildEditorModel } from '../../src/core/edit/viewmodel';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import '../../src/node/evidence-files';
import '../../src/node/capture/scan-cache';

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

describe("a flow's claim check on its card", () => {
  const file = path.resolve(__dirname, '../../examples/xiaomi-redmi-1s/redmi-1s.audit.md');
  const root = path.resolve(__dirname, '../..');
  const claimOf = async (text: string, id: string) => buildEditorModel(await new Linter().lint(text, { filePath: file, root }), 1).records.find((r) => r.id === id)?.claim;

  test('confirmed by the frame it cites; not confirmed by a frame that carries other data; none without a locator', async () => {
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(await claimOf(text, 'F1'), { state: 'confirmed', label: '✓ confirmed by E2#frame=22' });
    assert.deepEqual(await claimOf(text, 'F4'), { state: 'confirmed', label: '✓ confirmed by E3#entry=1' });
    // F1 citing the frame of the contacts (F2's): its IMEI, phone number and carrier name are not there
    const wrong = text.replace('evidence: [E2#frame=22, E1]', 'evidence: [E2#frame=32, E1]');
    assert.notEqual(wrong, text);
    assert.deepEqual(await claimOf(wrong, 'F1'), { state: 'contradicted', label: '✗ not confirmed by E2#frame=32' });
    // cited as a whole: no claim about a unit, no badge
    assert.equal(await claimOf(text.replace('evidence: [E2#frame=22, E1]', 'evidence: [E2, E1]'), 'F1'), undefined);
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
