import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PartKeys } from '../../src/core/present/render/parts';

describe('preview part keys', () => {
  const para = (line: number, text: string) => `<p class="code-line" data-line="${line}">${text}</p>\n`;

  test('a part that only moved keeps its key; its lines become relative to its base', () => {
    const k = new PartKeys();
    const a = k.key([para(0, 'one'), para(2, 'two'), `<div data-line="4"><span data-line="6">x</span></div>`]);
    assert.deepEqual(a.map((p) => p.base), [0, 2, 4]);
    assert.equal(a[2]!.html, '<div data-line="0"><span data-line="2">x</span></div>');
    // a line inserted above the second and third parts
    const b = k.key([para(0, 'one'), para(3, 'two'), `<div data-line="5"><span data-line="7">x</span></div>`]);
    assert.deepEqual(b.map((p) => p.key), a.map((p) => p.key));
    assert.deepEqual(b.map((p) => p.base), [0, 3, 5]);
  });

  test('a changed part gets a new key; the others keep theirs', () => {
    const k = new PartKeys();
    const a = k.key([para(0, 'one'), para(2, 'two')]);
    const b = k.key([para(0, 'one'), para(2, 'TWO')]);
    assert.equal(b[0]!.key, a[0]!.key);
    assert.notEqual(b[1]!.key, a[1]!.key);
    // and back: a part not in the last render is new again
    const c = k.key([para(0, 'one'), para(2, 'two')]);
    assert.notEqual(c[1]!.key, a[1]!.key);
    assert.notEqual(c[1]!.key, b[1]!.key);
  });

  test('equal parts get a key each, stable from one render to the next', () => {
    const k = new PartKeys();
    const a = k.key([para(0, 'same'), para(2, 'other'), para(4, 'same'), para(6, 'same')]);
    const keys = a.map((p) => p.key);
    assert.equal(new Set(keys).size, 4, `distinct keys: ${keys.join(', ')}`);
    const b = k.key([para(0, 'same'), para(2, 'other'), para(4, 'same'), para(6, 'same')]);
    assert.deepEqual(b.map((p) => p.key), keys);
  });

  test('remembers only the parts of the last render', () => {
    const k = new PartKeys();
    for (let i = 0; i < 50; i++) k.key([para(0, `v${i}`), para(2, 'fixed')]);
    assert.equal(k.size, 2);
  });
});
