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

  test('lists of strings, numbers and mappings of strings (the auditors)', () => {
    const setFm = (value: unknown) => parseWebviewMessage({ type: 'intent', requestId: 6, version: 2, intent: { type: 'setFrontMatter', key: 'auditors', value } });
    const people = [{ name: 'Analyst', org: 'ACME', contact: 'a@example.org' }, 'Bob', 7, {}];
    assert.deepEqual(setFm(people), { type: 'intent', requestId: 6, version: 2, intent: { type: 'setFrontMatter', key: 'auditors', value: people } });
    // as JSON.parse gives it (the webview's messages are JSON)
    assert.ok(setFm(JSON.parse('[{"name": "A", "org": "B"}]')));
    assert.ok(parseWebviewMessage({ type: 'intent', requestId: 6, version: 2, intent: { type: 'setFields', record: { id: 'F1' }, fields: { 'x-people': [{ name: 'A' }] } } }));
    assert.ok(parseWebviewMessage({ type: 'intent', requestId: 6, version: 2, intent: { type: 'addRecord', kind: 'flow', fields: { 'x-people': [{ name: 'A' }] } } }));
    // the limits, just inside
    assert.ok(setFm(Array.from({ length: 1000 }, () => ({ name: 'A' }))));
    assert.ok(setFm([Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v']))]));
    assert.ok(setFm([{ ['k'.repeat(200)]: 'v'.repeat(10_000) }]));

    const rejected: [string, unknown][] = [
      ['1001 items', Array.from({ length: 1001 }, () => ({ name: 'A' }))],
      ['201 entries in an item', [Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 'v']))]],
      ['a key of 201 characters', [{ ['k'.repeat(201)]: 'v' }]],
      ['a value of 10,001 characters', [{ name: 'v'.repeat(10_001) }]],
      ['an empty key', [{ '': 'x' }]],
      ['a control character in a key', [{ 'na\nme': 'x' }]],
      ['__proto__', [JSON.parse('{"__proto__": "x"}')]],
      ['constructor', [{ constructor: 'x' }]],
      ['prototype', [{ name: 'A', prototype: 'x' }]],
      ['a number value', [{ name: 'A', org: 7 }]],
      ['a null value', [{ name: 'A', org: null }]],
      ['a nested mapping', [{ name: { first: 'A' } }]],
      ['a nested list', [{ name: ['A'] }]],
      ['a list in a list', [['A']]],
      ['null in a list', [null]],
      ['true in a list', [true]],
      ['a prototype of its own', [Object.assign(Object.create({ inherited: 'x' }) as object, { name: 'A' })]],
      ['no prototype', [Object.assign(Object.create(null) as object, { name: 'A' })]],
      ['a Map', [new Map([['name', 'A']])]],
      ['a Date', [new Date(0)]],
    ];
    for (const [what, value] of rejected) {
      assert.equal(setFm(value), undefined, what);
      assert.equal(parseWebviewMessage({ type: 'intent', requestId: 6, version: 2, intent: { type: 'setField', record: { id: 'F1' }, field: 'x-people', value } }), undefined, what);
    }
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
      { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: { IMEI: ['a', 1] } } },
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
