import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseReport } from '../../src/core/report/parse';
import { compareHash, hashVerdict, recordedHash } from '../../src/core/lint/verdict';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('evidence hash verdict', () => {
  test('a recorded hash against the actual one: verified in any case, differs, or none recorded', () => {
    assert.equal(compareHash(A, A), 'verified');
    assert.equal(compareHash(A.toUpperCase(), A), 'verified');
    assert.equal(compareHash(A, A.toUpperCase()), 'verified');
    assert.equal(compareHash(A, B), 'differs');
    assert.equal(compareHash('not a hash', A), 'differs');
    assert.equal(compareHash(undefined, A), 'unrecorded');
    assert.equal(compareHash('', A), 'unrecorded');
  });

  test('a file that was hashed: the comparison, with the hash the file has now', () => {
    const ok = { state: 'ok', path: '/w/a.pcap', sha256: A, size: 3 } as const;
    assert.deepEqual(hashVerdict(A.toUpperCase(), ok), { state: 'verified', actual: A });
    assert.deepEqual(hashVerdict(B, ok), { state: 'differs', actual: A });
    assert.deepEqual(hashVerdict(undefined, ok), { state: 'unrecorded', actual: A });
  });

  test('a file that was not hashed: why, whatever the report records', () => {
    assert.deepEqual(hashVerdict(A, undefined), { state: 'unchecked' });
    assert.deepEqual(hashVerdict(A, { state: 'missing', path: '/w/a.pcap' }), { state: 'missing' });
    assert.deepEqual(hashVerdict(A, { state: 'not-a-file', path: '/w/dir' }), { state: 'not-a-file' });
    assert.deepEqual(hashVerdict(A, { state: 'escape', reason: 'the path climbs out' }), { state: 'refused', reason: 'the path climbs out' });
    assert.deepEqual(hashVerdict(undefined, { state: 'error', path: '/w/a.pcap', message: 'EACCES' }), { state: 'unreadable', message: 'EACCES' });
  });

  test('the recorded hash is read as written and trimmed; absent, null or a list is none', () => {
    const text = [
      '```evidence',
      '- id: E1',
      '  sha256: "  ABC  "',
      '- id: E2',
      '  sha256: 0123456789',
      '- id: E3',
      '- id: E4',
      '  sha256:',
      '- id: E5',
      '  sha256: [a, b]',
      '```',
      '',
    ].join('\n');
    const report = parseReport(text);
    const of = (id: string) => recordedHash(report.text, report.byId.get(id)!);
    assert.equal(of('E1'), 'ABC');
    assert.equal(of('E2'), '0123456789');
    assert.equal(of('E3'), undefined);
    assert.equal(of('E4'), undefined);
    assert.equal(of('E5'), undefined);
  });
});
