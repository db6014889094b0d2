/** Every message from a webview is checked against the protocol; anything else is dropped. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWebviewMessage } from '../../src/core/protocol';

describe('parseWebviewMessage', () => {
  test('accepts the protocol', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'reveal', line: 12 }), { type: 'reveal', line: 12 });
    assert.deepEqual(parseWebviewMessage({ type: 'revealRecord', id: 'F1' }), { type: 'revealRecord', id: 'F1' });
    assert.deepEqual(parseWebviewMessage({ type: 'intent', requestId: 1, version: 3, intent: { type: 'setField', record: { id: 'F1' }, field: 'encryption', value: 'tls' } }), {
      type: 'intent',
      requestId: 1,
      version: 3,
      intent: { type: 'setField', record: { id: 'F1' }, field: 'encryption', value: 'tls' },
    });
    assert.ok(parseWebviewMessage({ type: 'intent', requestId: 2, version: 3, intent: { type: 'addRecord', kind: 'flow', after: { id: 'F4' }, fields: { port: 443, data: ['IMEI'] } } }));
    assert.ok(parseWebviewMessage({ type: 'intent', requestId: 2, version: 3, intent: { type: 'moveRecord', record: { index: 2 }, direction: 'up' } }));
    // a device's identifiers: a mapping of strings
    assert.deepEqual(parseWebviewMessage({ type: 'intent', requestId: 4, version: 3, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '867530912345678', 'phone number': '+1 202 555 0101' } } }), {
      type: 'intent',
      requestId: 4,
      version: 3,
      intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: '867530912345678', 'phone number': '+1 202 555 0101' } },
    });
  });

  test('the form\'s messages: setFields, setProse, deleteRecord with references, addEvidence for a record, applyFix', () => {
    const intent = (i: unknown) => parseWebviewMessage({ type: 'intent', requestId: 5, version: 2, intent: i });
    assert.deepEqual(intent({ type: 'setFields', record: { id: 'E1' }, fields: { file: 'evidence/a.pcap', sha256: null } }), {
      type: 'intent', requestId: 5, version: 2, intent: { type: 'setFields', record: { id: 'E1' }, fields: { file: 'evidence/a.pcap', sha256: null } },
    });
    assert.equal(intent({ type: 'setFields', record: { id: 'E1' }, fields: {} }), undefined, 'no field');
    assert.equal(intent({ type: 'setFields', record: { id: 'E1' }, fields: Object.create({ file: 'x' }) }), undefined, 'not a plain object');
    assert.deepEqual(intent({ type: 'setProse', line: 9, old: '## Summary', text: '## Summary\n\nMore.' })?.type, 'intent');
    assert.equal(intent({ type: 'setProse', line: -1, old: '', text: '' }), undefined);
    assert.equal(intent({ type: 'setProse', line: 1, old: 3, text: '' }), undefined);
    assert.deepEqual(intent({ type: 'deleteRecord', record: { id: 'F1' }, references: 'remove' }), { type: 'intent', requestId: 5, version: 2, intent: { type: 'deleteRecord', record: { id: 'F1' }, references: 'remove' } });
    assert.equal(intent({ type: 'deleteRecord', record: { id: 'F1' }, references: 'all' }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'addEvidence', record: 'E1' }), { type: 'addEvidence', record: 'E1' });
    assert.equal(parseWebviewMessage({ type: 'addEvidence', record: '../x' }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'applyFix', requestId: 7, version: 2, diagnostic: 3, fix: 0 }), { type: 'applyFix', requestId: 7, version: 2, diagnostic: 3, fix: 0 });
    assert.deepEqual(parseWebviewMessage({ type: 'applyFix', version: 2, diagnostic: 3, fix: 0 }), { type: 'applyFix', version: 2, diagnostic: 3, fix: 0 });
    assert.equal(parseWebviewMessage({ type: 'applyFix', requestId: -1, version: 2, diagnostic: 3, fix: 0 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'applyFix', version: 2, diagnostic: 3, fix: 1000 }), undefined);
  });

  test('drops everything else', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'reveal', line: -1 },
      { type: 'reveal', line: 1.5 },
      { type: 'reveal', line: '3' },
      { type: 'revealRecord', id: 'F1"><script>' },
      { type: 'revealRecord', id: '../etc/passwd' },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'eval', code: 'x' } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'F1' }, field: '__proto__ x', value: 'a' } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'F1', index: 1 }, field: 'to', value: 'a' } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'F1' }, field: 'to', value: { nested: true } } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'F1' }, field: 'to', value: 'x'.repeat(100_001) } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: 867530912345678 } } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: ['a'] } } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: JSON.parse('{"__proto__": "x"}') } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { '': 'x' } } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 'v'])) } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: new Map([['IMEI', 'x']]) } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'addRecord', kind: 'script' } },
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'moveRecord', record: { id: 'F1' }, direction: 'left' } },
      { type: 'editSource', line: 'top' },
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 80));
  });
});
