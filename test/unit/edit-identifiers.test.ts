/**
 * A device's identifiers whose value is a list (`contacts: [a, b]`, two SIMs'
 * `IMSI`) in the structured editor: the form's model shows each item as
 * written, the protocol accepts a list of strings for a category, and the
 * planner changes only the entries (and items) that changed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyIntent, type Intent } from '../../src/core/edit';
import { buildEditorModel } from '../../src/core/edit/viewmodel';
import { Linter } from '../../src/core/lint/linter';
import { toPlain, type Report } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import { applyEdits } from '../support/edits';

const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';
const device = (ids: string) => `${FM}\n\`\`\`device\nid: D1\n${ids}\`\`\`\n`;

/** What the form shows for D1's identifiers (and sends back for the rows it did not change). */
async function shown(text: string): Promise<Record<string, unknown>> {
  const m = buildEditorModel(await new Linter().lint(text), 1);
  return m.records.find((r) => r.id === 'D1')!.fields.identifiers as Record<string, unknown>;
}

function setIds(text: string, value: unknown): string {
  const res = applyIntent(parseReport(text), { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value } as Intent);
  if (!('edits' in res)) assert.fail(`refused: ${res.error}`);
  return applyEdits(text, res.edits);
}

const ids = (r: Report) => toPlain(r.byId.get('D1')!.fields.get('identifiers')!.value);

const BLOCK = device('identifiers:\n  IMEI: 869999012345677\n  contacts: ["+86 139 1234 5678", "+86 139 8765 4321"] # two\n  IMSI:\n    - 001010000012345\n    - "001010000012346"\n');

describe('identifiers whose value is a list: an edit of another row', () => {
  test('the IMEI row changed, the form sending back what it shows: the lists stay byte for byte', async () => {
    const sent = { ...(await shown(BLOCK)), IMEI: '869999012345678' };
    const text = setIds(BLOCK, sent);
    assert.equal(text, BLOCK.replace('IMEI: 869999012345677', 'IMEI: "869999012345678"'));
  });

  test('the form shows each item of a list as written (001010… stays as typed)', async () => {
    assert.deepEqual(await shown(BLOCK), {
      IMEI: '869999012345677',
      contacts: ['+86 139 1234 5678', '+86 139 8765 4321'],
      IMSI: ['001010000012345', '001010000012346'],
    });
  });
});
