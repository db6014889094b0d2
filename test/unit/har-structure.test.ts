/**
 * The HAR structure scanner (src/core/capture/har/structure.ts): entry and
 * request/response extents that JSON.parse agrees with, whatever the chunking;
 * local scans from an anchor; clear errors with the byte offset.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HarScanner, HarStructureError, type EntryExtent } from '../../src/core/capture/har/structure';

function scan(bytes: Buffer, chunk = bytes.length || 1, scanner = HarScanner.full()): EntryExtent[] {
  const out: EntryExtent[] = [];
  for (let i = 0; i < bytes.length; i += chunk) {
    scanner.feed(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
    out.push(...scanner.take());
  }
  scanner.end();
  out.push(...scanner.take());
  return out;
}

/** Splits at the given cut points (sorted, deduplicated) and feeds the pieces. */
function scanCuts(bytes: Buffer, cuts: number[]): EntryExtent[] {
  const s = HarScanner.full();
  const out: EntryExtent[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts.map((c) => Math.min(bytes.length, c)))].sort((a, b) => a - b).concat(bytes.length)) {
    s.feed(bytes.subarray(prev, c));
    out.push(...s.take());
    prev = c;
  }
  s.end();
  return out;
}

function errorOf(text: string | Buffer): HarStructureError {
  try {
    scan(Buffer.isBuffer(text) ? text : Buffer.from(text));
  } catch (err) {
    assert.ok(err instanceof HarStructureError, String(err));
    return err;
  }
  assert.fail('no error');
}

/** Checks every extent against JSON.parse of the same bytes. */
function assertAgrees(bytes: Buffer, extents: EntryExtent[]): void {
  const har = JSON.parse(bytes.toString('utf8')) as { log: { entries: { request?: unknown; response?: unknown; _webSocketMessages?: unknown }[] } };
  assert.equal(extents.length, har.log.entries.length);
  extents.forEach((e, i) => {
    assert.equal(e.index, i + 1);
    const entry = har.log.entries[i]!;
    assert.deepEqual(JSON.parse(bytes.toString('utf8', e.start, e.end)), entry);
    for (const side of ['request', 'response', 'webSocketMessages'] as const) {
      const key = side === 'webSocketMessages' ? '_webSocketMessages' : side;
      const ext = e[side];
      if (entry && typeof entry === 'object' && key in entry) {
        assert.ok(ext, `entry ${i + 1} ${side}`);
        assert.deepEqual(JSON.parse(bytes.toString('utf8', ext.start, ext.end)), entry[key]);
        assert.equal(bytes.toString('utf8', ext.key, ext.key + key.length + 2), `"${key}"`);
      } else assert.equal(ext, undefined);
    }
  });
}

const SAMPLE = Buffer.from(
  JSON.stringify(
    {
      log: {
        version: '1.2',
        pages: [{ id: 'p', request: 'not an entry', entries: [] }],
        entries: [
          { startedDateTime: 'x', request: { url: 'https://a/?q="request":{"', headers: [{ name: 'a\\', value: '\\"}]' }] }, response: { content: { text: '\\\\' } } },
          { response: null, request: 'weird', _webSocketMessages: [{ type: 'send', data: '{"response":1}' }] },
          { 'req\\u0075est': 1, 'ĉ': 'ü€😀' },
        ],
        comment: '"entries": [',
      },
    },
    null,
    1,
  ),
);

describe('HAR structure scanner', () => {
  test('extents agree with JSON.parse: entries, request, response, _webSocketMessages', () => {
    assertAgrees(SAMPLE, scan(SAMPLE));
  });

  test('an escaped key is read as JSON reads it', () => {
    const text = Buffer.from('{"log":{"\\u0065ntries":[{"r\\u0065quest":{"a":1},"response":2}]}}');
    const [e] = scan(text);
    assert.ok(e?.request);
    assert.equal(text.toString('utf8', e.request.start, e.request.end), '{"a":1}');
  });

  test('every chunking gives the same extents, byte by byte included', () => {
    const whole = scan(SAMPLE);
    for (const size of [1, 2, 3, 5, 7, 16, 64]) assert.deepEqual(scan(SAMPLE, size), whole, `chunks of ${size}`);
  });

  test('property: random HAR-like JSON with nasty strings, cut anywhere, agrees with JSON.parse', () => {
    // short strings are read byte by byte, long ones (over 48 bytes) from quote to quote: both, with runs of backslashes
    const nasty = fc.oneof(fc.stringMatching(/^[a-z"\\{}[\]:, \u00e9\u20ac\n\t]{0,12}$/), fc.stringMatching(/^(a|\\|\\\\\\|"|\\"|\u00e9){40,90}$/));
    const val = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, nasty, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(nasty, tie('v'), { maxKeys: 3 })),
    })).v;
    const entry = fc.record({ request: val, response: val, extra: val }, { requiredKeys: [] });
    const har = fc.record({ before: val, entries: fc.array(entry, { maxLength: 5 }), after: val, indent: fc.constantFrom(0, 1, 2, 4) });
    fc.assert(
      fc.property(har, fc.array(fc.nat(4000), { maxLength: 12 }), (h, cuts) => {
        const bytes = Buffer.from(JSON.stringify({ log: { before: h.before, entries: h.entries, after: h.after } }, null, h.indent));
        const extents = scanCuts(bytes, cuts);
        assertAgrees(bytes, extents);
      }),
      { numRuns: 300 },
    );
  });

  test('a local scan from a "request" key gives the next entries exactly as the full scan', () => {
    const whole = scan(SAMPLE);
    const at = whole[0]!.request!.key;
    const s = HarScanner.at(at, 'entry', 1);
    s.feed(SAMPLE.subarray(at));
    const local = s.take();
    assert.equal(s.stopped, true);
    assert.equal(local[0]!.start, -1, 'the entry it started in has no start');
    assert.deepEqual(local.slice(1), whole.slice(1));
  });

  test('a local scan from the "entries" key reads entry 1 with its start', () => {
    const at = SAMPLE.indexOf('"entries": [\n'); // not the one inside pages
    const s = HarScanner.at(at, 'log', 0);
    for (let i = at; i < SAMPLE.length; i += 5) s.feed(SAMPLE.subarray(i, i + 5));
    assert.deepEqual(s.take(), scan(SAMPLE));
  });

  test('a tail scan checks that the file ends as a HAR', () => {
    const whole = scan(SAMPLE);
    const at = whole[1]!.request!.key;
    const ok = HarScanner.at(at, 'entry-in-file', 2);
    ok.feed(SAMPLE.subarray(at));
    ok.end();
    const cut = HarScanner.at(at, 'entry-in-file', 2);
    cut.feed(SAMPLE.subarray(at, SAMPLE.length - 3));
    assert.throws(() => cut.end(), /truncated/);
  });

  test('deep nesting inside an entry (100 000 levels) is scanned without recursion', () => {
    const depth = 100_000;
    const text = Buffer.from(`{"log":{"entries":[{"request":{"a":${'['.repeat(depth)}${']'.repeat(depth)}},"response":{}}]}}`);
    const [e] = scan(text, 4096);
    assert.ok(e);
    assert.equal(e.end, text.length - 3);
    assert.equal(e.depth, depth + 2, 'the entry, its request, the arrays');
  });

  describe('clear errors with the byte offset', () => {
    test('not JSON', () => {
      const err = errorOf('<!doctype html>');
      assert.equal(err.offset, 0);
      assert.match(err.message, /not a HAR: a HAR is a JSON object, but the file starts with '<' at byte 0/);
    });
    test('empty', () => assert.match(errorOf('').message, /empty/));
    test('whitespace only', () => assert.match(errorOf('  \n').message, /no JSON value/));
    test('truncated inside a string', () => {
      const text = SAMPLE.subarray(0, SAMPLE.indexOf('weird') + 2);
      const err = errorOf(text);
      assert.equal(err.offset, text.length);
      assert.match(err.message, /truncated: the file ends inside a string that starts at byte \d+/);
    });
    test('truncated between values', () => {
      const text = SAMPLE.subarray(0, SAMPLE.indexOf('"comment"') - 1);
      assert.match(errorOf(text).message, /truncated: the file ends at byte \d+ with 2 brackets still open/);
    });
    test('no log.entries', () => assert.match(errorOf('{"log":{"pages":[]}}').message, /not a HAR: log has no entries array/));
    test('no log', () => assert.match(errorOf('{"entries":[]}').message, /not a HAR: no log object/));
    test('log.entries not an array', () => assert.match(errorOf('{"log":{"entries":{}}}').message, /log\.entries is not an array \(byte 18\)/));
    test('a mismatched bracket', () => {
      const err = errorOf('{"log":{"entries":[}]}}');
      assert.equal(err.offset, 19);
    });
    test('garbage after the document', () => assert.match(errorOf('{"log":{"entries":[]}} x').message, /unexpected 'x' at byte 23 after the end/));
    test('a missing colon', () => assert.match(errorOf('{"log" {}}').message, /expected ':' after a key, found '\{' at byte 7/));
    test('a trailing comma', () => assert.match(errorOf('{"log":{"entries":[1,]}}').message, /expected a JSON value, found '\]' at byte 21/));
    test('UTF-16', () => assert.match(errorOf(Buffer.from('\ufeff{"log":{}}', 'utf16le')).message, /UTF-16/));
    test('a UTF-8 byte order mark is skipped', () => assert.equal(scan(Buffer.from('\ufeff{"log":{"entries":[{}]}}')).length, 1));
    test('a second log.entries', () => assert.match(errorOf('{"log":{"entries":[],"entries":[]}}').message, /a second log\.entries/));
  });
});
