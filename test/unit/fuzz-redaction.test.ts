/**
 * The redaction fuzzer (bench/fuzz-redaction.ts), bounded for the unit
 * suite: generated reports with identifiers hidden every way the fuzzer
 * knows, exported through the real pipeline in Debian's Chromium, read by
 * an oracle that does not share the redactor's code. `npm run
 * fuzz:redaction` runs 10,000.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fuzzRedaction, htmlLeaks, leaked, summary } from '../../bench/fuzz-redaction';

describe('redaction fuzzing (issue 8)', () => {
  test('controls: the oracle finds an identifier split by tags, spaced, in NFD, in an attribute', () => {
    assert.deepEqual(htmlLeaks('<p>IMEI 8699990<strong>1234</strong>5677</p>', ['869999012345677']), ['869999012345677 in the HTML text']);
    assert.deepEqual(leaked('call +1 202 555 0101', ['+12025550101']), ['+12025550101']);
    assert.deepEqual(leaked('by Jose\u0301 Mu\u0308ller', ['José Müller']), ['José Müller']);
    assert.deepEqual(htmlLeaks('<a title="869999012345677">x</a>', ['869999012345677']), ['869999012345677 in an HTML attribute']);
    assert.deepEqual(htmlLeaks('<p>[redacted] sent</p>', ['869999012345677']), []);
  });

  test('120 generated reports, 3 of them printed: no leak, no crash, no hang', async () => {
    const c = await fuzzRedaction({ runs: 120, seed: 20261204, pdfEvery: 40 });
    console.log(summary(c));
    assert.equal(c.reports, 120);
    assert.ok(c.exported >= 100, `most reports export (${c.exported})`);
    assert.equal(c.pdfs, 3);
    assert.deepEqual(c.leaks, []);
    assert.deepEqual(c.crashes, []);
    assert.equal(c.hangs, 0);
  });
});
