/**
 * The HAR reader (src/node/capture/har-reader.ts) and the entry conversion
 * (src/core/capture/har/entry.ts): the producers' fixtures give units that
 * hold what was planted; the ripgrep path and the JavaScript path give the
 * same units (fixtures, and random HARs of every producer shape); hostile
 * files end in a clear message, in bounded time and memory.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { entryToUnit, normalizeProtocol, recoverBytes } from '../../src/core/capture/har/entry';
import type { CaptureUnit, Part } from '../../src/core/capture/types';
import type { Expected } from '../fixtures/captures/har/make-fixtures';
import { fileForms, HarReadError, NeedleSearch, readHar, withoutSuperstrings, type ReadHarOptions } from '../../src/node/capture/har-reader';
import { findRipgrep } from '../../src/node/capture/ripgrep';

const DIR = path.resolve(__dirname, '..', 'fixtures', 'captures', 'har');
const CANARIES = JSON.parse(fs.readFileSync(path.join(DIR, '..', 'canaries.json'), 'utf8')) as { category: string; value: string }[];
const PRODUCERS = ['chrome', 'firefox', 'mitmproxy', 'httptoolkit', 'charles'];
const HINTS = [{ literal: 'H4sI' }, { literal: 'content-encoding', ignoreCase: true }];
const RG = findRipgrep(undefined);


async function read(file: string, opts: Partial<ReadHarOptions> = {}): Promise<{ units: CaptureUnit[]; summary: Awaited<ReturnType<typeof readHar>['done']> }> {
  const { units, done } = readHar(file, { literals: [], hints: [], ...opts });
  const out: CaptureUnit[] = [];
  for await (const u of units) out.push(u);
  return { units: out, summary: await done };
}

const expectedOf = (name: string) => JSON.parse(fs.readFileSync(path.join(DIR, `${name}.expected.json`), 'utf8')) as Expected[];
/** The literals for a fixture: the canaries as written and every planted needle that is not a hint. */
const literalsOf = (name: string) => [...CANARIES.map((c) => c.value), ...expectedOf(name).map((e) => e.needle)].filter((n) => !HINTS.some((h) => h.literal.toLowerCase() === n.toLowerCase()));

/** The layers a part can be read as: its text, its bytes, and what decompressing or base64-decoding them gives. */
function layers(p: Part): string[] {
  const out: string[] = [];
  const bufs: Buffer[] = [];
  if (p.text !== undefined) out.push(p.text);
  if (p.bytes) bufs.push(Buffer.from(p.bytes));
  if (p.text && /^[A-Za-z0-9+/=_-]{8,}$/.test(p.text)) bufs.push(Buffer.from(p.text, 'base64'));
  for (const b of bufs) {
    out.push(b.toString('utf8'));
    for (const f of [gunzipSync, inflateSync, brotliDecompressSync]) {
      try {
        out.push(f(b).toString('utf8'));
      } catch {
        // not this one
      }
    }
  }
  return out;
}

/** JSON string contents unescaped (the needles are written as they sit in the file). */
const unescaped = (s: string) => {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
};

describe('HAR reader: the producers’ fixtures', () => {
  for (const name of PRODUCERS) {
    test(`${name}: every planted value is in a candidate unit, in the part and on the side it was planted`, async () => {
      const expected = expectedOf(name);
      const { units, summary } = await read(path.join(DIR, `${name}.har`), { literals: literalsOf(name), hints: HINTS, rg: false });
      assert.equal(summary.engine, 'javascript');
      for (const e of expected) {
        const unit = units.find((u) => u.locator === e.locator);
        assert.ok(unit, `${e.locator} is a candidate`);
        assert.equal(unit.host, e.host, `${e.locator} host`);
        assert.equal(unit.address, e.address, `${e.locator} address`);
        assert.equal(unit.port, e.port, `${e.locator} port`);
        assert.equal(unit.tls, e.tls, `${e.locator} tls`);
        if (e.protocol) assert.equal(unit.protocol, e.protocol, `${e.locator} protocol`);
        const parts = (e.direction === 'request' ? unit.request : unit.response).filter((p) => p.where === e.where && (e.name === undefined || p.name === e.name));
        assert.ok(parts.length, `${e.locator}: a ${e.direction} ${e.where} ${e.name ?? ''} part`);
        const value = CANARIES.find((c) => c.category === e.category)!.value;
        const needle = unescaped(e.needle);
        const found = parts.some((p) => layers(p).some((l) => l.includes(needle) || l.includes(value)));
        assert.ok(found, `${e.locator}: ${e.form} of the ${e.category} (${e.needle}) in ${JSON.stringify(parts).slice(0, 300)}`);
      }
    });

    test(`${name}: the ripgrep path gives the same units as the JavaScript path`, { skip: !RG && 'no ripgrep' }, async () => {
      const opts = { literals: literalsOf(name), hints: HINTS };
      const fast = await read(path.join(DIR, `${name}.har`), opts);
      const slow = await read(path.join(DIR, `${name}.har`), { ...opts, rg: false, chunkSize: 97 });
      assert.equal(fast.summary.engine, 'ripgrep');
      assert.deepEqual(fast.summary.warnings, slow.summary.warnings);
      assert.equal(fast.summary.entries, slow.summary.entries);
      assert.deepEqual(fast.units, slow.units);
      assert.ok(fast.units.length > 0);
    });
  }

  test('an entry holding only decoys is still a candidate (the reader is a superset; matching decides)', async () => {
    const decoys = JSON.parse(fs.readFileSync(path.join(DIR, 'decoys.json'), 'utf8')) as Record<string, { locator: string; needle: string }[]>;
    const { units } = await read(path.join(DIR, 'httptoolkit.har'), { literals: [CANARIES[0]!.value], rg: false });
    for (const d of decoys.httptoolkit!) assert.ok(units.some((u) => u.locator === d.locator));
  });

  test('no needle, no candidate; the entries are still counted', async () => {
    const { units, summary } = await read(path.join(DIR, 'chrome.har'), { literals: ['QQQQ-never-there'], rg: false });
    assert.deepEqual(units, []);
    assert.equal(summary.entries, 5);
    assert.equal(summary.candidates, 0);
  });

  test('all: every entry, each as entryToUnit makes it', async () => {
    const { units } = await read(path.join(DIR, 'chrome.har'), { all: true });
    const har = JSON.parse(fs.readFileSync(path.join(DIR, 'chrome.har'), 'utf8')) as { log: { entries: unknown[] } };
    assert.deepEqual(
      units,
      har.log.entries.map((e, i) => entryToUnit(e, i + 1).unit),
    );
  });

  test('request bodies HTTP Toolkit dropped: counted over the whole file, and named in a candidate entry', async () => {
    for (const rg of [undefined, false] as const) {
      // entry 2 (dropped) is a candidate
      const { summary } = await read(path.join(DIR, 'httptoolkit.har'), { literals: literalsOf('httptoolkit'), rg });
      assert.deepEqual(summary.warnings, ['entry=2: the request body was not saved in the HAR (discarded:too-large): it was not searched', '1 request body was not saved in the HAR (HTTP Toolkit: too large or not decodable): not searched']);
      // no candidate at all: the count still says it
      const none = await read(path.join(DIR, 'httptoolkit.har'), { literals: ['QQQQ-never-there'], rg });
      assert.deepEqual(none.summary.warnings, ['1 request body was not saved in the HAR (HTTP Toolkit: too large or not decodable): not searched']);
    }
  });
});

// ---------------------------------------------------------------------------
// random HARs: both paths agree with each other and with JSON.parse

/** Random text that cannot hold a needle by chance (no upper case, no '-'). */
const filler = fc.oneof(fc.stringMatching(/^[a-z0-9 ."\\/{}:,\u00e9\u4e2d]{0,14}$/), fc.stringMatching(/^(a|\\|"|\\"|\u4e2d){30,80}$/));
const NEEDLES = ['QLIT0a', 'QLIT1b', 'QLIT2c'];

interface Plant {
  entry: number;
  place: 'url' | 'header' | 'body' | 'response' | 'ws-send' | 'custom' | 'cookie';
  text: string;
}

const shapes = ['chrome', 'mitmproxy', 'httptoolkit', 'charles', 'firefox'] as const;

function shuffle<T>(a: T[], r: number[]): T[] {
  const out = [...a];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (r[i % r.length] ?? 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function reorder(o: Record<string, unknown>, r: number[]): Record<string, unknown> {
  return Object.fromEntries(shuffle(Object.entries(o), r));
}

function makeEntry(i: number, shape: (typeof shapes)[number], fill: string[], plants: Plant[], r: number[]): Record<string, unknown> {
  const f = (k: number) => fill[(i + k) % fill.length] ?? '';
  const mine = plants.filter((p) => p.entry === i);
  const at = (place: Plant['place']) => mine.filter((p) => p.place === place).map((p) => p.text).join(' ');
  const headers: { name: string; value: string | null }[] = [
    { name: 'host', value: 'h.example' },
    { name: 'x-a', value: `${f(1)}${at('header')}${f(2)}` },
  ];
  if (shape === 'chrome') headers.unshift({ name: ':authority', value: 'h.example' });
  if (shape === 'charles') headers.push({ name: 'x-null', value: null });
  const request: Record<string, unknown> = {
    method: 'POST',
    url: `https://h${i}.example/p?a=${encodeURIComponent(f(3))}${at('url')}`,
    httpVersion: shape === 'chrome' ? 'http/2.0' : 'HTTP/1.1',
    headers,
    queryString: shape === 'charles' ? null : [],
    cookies: at('cookie') ? [{ name: 'c', value: at('cookie') }] : shape === 'charles' ? null : [],
    postData: { mimeType: 'text/plain', text: `${f(4)}${at('body')}${f(5)}` },
  };
  if (shape === 'httptoolkit' && i % 2) request._content = { text: Buffer.from(f(6)).toString('base64'), encoding: 'base64' };
  const e: Record<string, unknown> = {
    startedDateTime: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
    time: i,
    request: reorder(request, r),
    response: reorder({ status: 200, headers: [{ name: 'x-r', value: f(7) }], content: { text: `${f(8)}${at('response')}`, mimeType: 'text/plain' } }, r.slice(1)),
    cache: {},
    timings: { send: 1, wait: 1, receive: 1 },
  };
  if (at('custom')) e._custom = { note: at('custom') };
  if (at('ws-send') || shape === 'chrome') e._webSocketMessages = [{ type: 'send', time: 1, opcode: 1, data: `${f(9)}${at('ws-send')}` }];
  if (shape === 'firefox') e.connection = '443';
  return reorder(e, r.slice(2));
}

const harArb = fc.record({
  shape: fc.constantFrom(...shapes),
  n: fc.integer({ min: 1, max: 12 }),
  fill: fc.array(filler, { minLength: 1, maxLength: 10 }),
  plants: fc.array(
    fc.record({
      entry: fc.nat(11),
      place: fc.constantFrom<Plant['place']>('url', 'header', 'body', 'response', 'ws-send', 'custom', 'cookie'),
      text: fc.oneof(fc.constantFrom(...NEEDLES), fc.constantFrom('H4sIAAAA', 'Content-Encoding', 'CONTENT-ENCODING'), fc.constant('\\"QLIT1b\\"')),
    }),
    { maxLength: 6 },
  ),
  r: fc.array(fc.nat(1000), { minLength: 3, maxLength: 8 }),
  pages: fc.constantFrom('before', 'after', 'none'),
  indent: fc.constantFrom(0, 1, 2, 4),
  asciiOnly: fc.boolean(),
  jackson: fc.boolean(),
  pageNeedle: fc.boolean(),
  chunk: fc.integer({ min: 16, max: 600 }),
});

describe('HAR reader: random HARs', () => {
  test('property: the JavaScript path (small chunks) and the ripgrep path give the same candidates and units, as JSON.parse and entryToUnit say', { skip: !RG && 'no ripgrep' }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'har-prop-'));
    let k = 0;
    try {
      await fc.assert(
        fc.asyncProperty(harArb, async (h) => {
          const entries = Array.from({ length: h.n }, (_, i) => makeEntry(i, h.shape, h.fill, h.plants, h.r));
          const pages = [{ id: 'p', title: h.pageNeedle ? NEEDLES[0] : 'x', startedDateTime: 'x', pageTimings: {} }];
          const log: Record<string, unknown> = { version: '1.2', creator: { name: h.shape, version: '1' } };
          if (h.pages === 'before') log.pages = pages;
          log.entries = entries;
          if (h.pages === 'after') log.pages = pages;
          log.comment = h.pageNeedle ? `${NEEDLES[1]} outside the entries` : 'none';
          let text = JSON.stringify({ log }, null, h.indent);
          // Jackson's pretty printer writes a space before the colon
          if (h.jackson && h.indent) text = text.replace(/(?<!\\)": /g, '" : ');
          if (h.asciiOnly) text = text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
          const file = path.join(dir, `r${k++}.har`);
          fs.writeFileSync(file, text);
          const opts = { literals: NEEDLES, hints: HINTS };
          const fast = await read(file, opts);
          const slow = await read(file, { ...opts, rg: false, chunkSize: h.chunk });
          assert.equal(fast.summary.engine, 'ripgrep', fast.summary.warnings.join('\n'));
          // the reference: an entry holds a needle anywhere, or a hint in its request or WebSocket messages
          // (read back from the text: the Jackson spacing may also have touched a value that starts with ': ')
          const written = (JSON.parse(text) as { log: { entries: Record<string, unknown>[] } }).log.entries;
          const want = written.flatMap((e, i) => {
            const all = JSON.stringify(e);
            const req = JSON.stringify(e.request) + JSON.stringify(e._webSocketMessages ?? '');
            const hit = NEEDLES.some((n) => all.includes(n)) || req.includes('H4sI') || /content-encoding/i.test(req);
            return hit ? [entryToUnit(JSON.parse(JSON.stringify(e)), i + 1).unit] : [];
          });
          assert.deepEqual(slow.units, want);
          assert.deepEqual(fast.units, want);
          assert.equal(fast.summary.entries, h.n);
          assert.equal(slow.summary.entries, h.n);
          fs.rmSync(file);
        }),
        { numRuns: 60 },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------
// hostile files

describe('HAR reader: hostile files', () => {
  const hostile = (n: string) => path.join(DIR, 'hostile', n);

  for (const rg of [undefined, false] as const) {
    const how = rg === false ? 'JavaScript' : 'ripgrep';
    test(`${how}: a truncated HAR names the file and the byte offset`, async () => {
      const file = hostile('truncated.har');
      await assert.rejects(read(file, { literals: [CANARIES[0]!.value], rg }), (err: unknown) => {
        assert.ok(err instanceof HarReadError);
        assert.equal(err.file, file);
        assert.equal(err.offset, fs.statSync(file).size);
        assert.match(err.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: truncated`));
        return true;
      });
    });
    test(`${how}: not JSON`, async () => {
      await assert.rejects(read(hostile('not-json.har'), { literals: ['x'], rg }), /not-json\.har: not a HAR: a HAR is a JSON object, but the file starts with '<' at byte 0/);
    });
  }

  test('a compressed HAR (mitmproxy .zhar, gzip) says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'har-z-'));
    try {
      const raw = fs.readFileSync(path.join(DIR, 'chrome.har'));
      const zhar = path.join(dir, 'flows.zhar');
      fs.writeFileSync(zhar, deflateSync(raw, { level: 9 }));
      await assert.rejects(read(zhar, { literals: ['x'] }), /flows\.zhar: a compressed file \(zlib, as mitmproxy's \.zhar\): decompress it first/);
      const gz = path.join(dir, 'flows.har.gz');
      fs.writeFileSync(gz, gzipSync(raw));
      await assert.rejects(read(gz, { literals: ['x'], rg: false }), /a compressed file \(gzip\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file that does not exist', async () => {
    await assert.rejects(read(path.join(DIR, 'nope.har')), /ENOENT/);
  });

  test('invalid UTF-8 in an entry: read with replacement characters and a warning with the offset', async () => {
    const file = hostile('invalid-utf8.har');
    const bad = fs.readFileSync(file).indexOf(0xff);
    for (const rg of [undefined, false] as const) {
      const { units, summary } = await read(file, { literals: [CANARIES[0]!.value], rg });
      assert.equal(units.length, 1);
      assert.match(units[0]!.request[0]!.text!, /imei=356721094823151&x=\ufffd/);
      assert.deepEqual(summary.warnings, [`entry=1: invalid UTF-8 at byte ${bad}, read with replacement characters`]);
    }
  });

  test('a gzip bomb (1 GiB after two inflations) is read as the few kB it is: no inflating here', async () => {
    const before = process.memoryUsage().rss;
    const t = performance.now();
    const { units } = await read(hostile('gzip-bomb.har'), { literals: [], hints: HINTS });
    assert.equal(units.length, 1);
    const body = units[0]!.request.find((p) => p.where === 'body')!;
    assert.equal(body.contentEncoding, 'gzip');
    assert.ok(body.bytes && body.bytes.length < 4096 && body.bytes[0] === 0x1f && body.bytes[1] === 0x8b);
    assert.ok(performance.now() - t < 2000);
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024);
  });

  test('a 5 MB header value, a 100 000-level JSON document in a body: bounded time, both paths agree', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'har-big-'));
    try {
      const big = 'A'.repeat(5 * 1024 * 1024 - 20) + 'QLIT0a';
      const nested = '['.repeat(100_000) + '"QLIT1b"' + ']'.repeat(100_000);
      const file = path.join(dir, 'big.har');
      fs.writeFileSync(
        file,
        JSON.stringify({
          log: {
            entries: [
              { request: { url: 'https://a.example/', headers: [{ name: 'x-big', value: big }] }, response: {} },
              { request: { url: 'https://b.example/', postData: { mimeType: 'application/json', text: nested } }, response: {} },
            ],
          },
        }),
      );
      const t = performance.now();
      const slow = await read(file, { literals: NEEDLES, rg: false, chunkSize: 64 * 1024 });
      assert.deepEqual(
        slow.units.map((u) => u.locator),
        ['entry=1', 'entry=2'],
      );
      assert.equal(slow.units[0]!.request.find((p) => p.name === 'x-big')!.text!.length, big.length);
      assert.equal(slow.units[1]!.request.find((p) => p.where === 'body')!.text, nested);
      if (RG) assert.deepEqual((await read(file, { literals: NEEDLES })).units, slow.units);
      assert.ok(performance.now() - t < 10_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an entry whose own structure nests 20 000 deep is skipped with a warning (JSON.parse of millions of levels would exhaust memory)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'har-deep-'));
    try {
      const file = path.join(dir, 'deep.har');
      const deep = `{"request":{"url":"https://a/?QLIT0a"},"response":{},"_x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
      fs.writeFileSync(file, `{"log":{"entries":[${deep},{"request":{"url":"https://b/?QLIT0a"},"response":{}}]}}`);
      for (const rg of [undefined, false] as const) {
        const { units, summary } = await read(file, { literals: NEEDLES, rg });
        assert.deepEqual(
          units.map((u) => u.locator),
          ['entry=2'],
        );
        assert.deepEqual(summary.warnings, ['entry=1: brackets nest 20001 deep (more than 10000): not searched']);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an entry larger than maxEntryBytes is skipped with a warning', async () => {
    const { units, summary } = await read(path.join(DIR, 'chrome.har'), { literals: [CANARIES[0]!.value], rg: false, maxEntryBytes: 1000 });
    assert.ok(units.every((u) => u.locator !== 'entry=1'));
    assert.ok(summary.warnings.some((w) => /^entry=1: \d+ MiB is larger than the 0 MiB an entry may have: not searched$/.test(w)));
  });

  test('streaming: the JavaScript path reads in chunks and reports progress up to the size', async () => {
    const seen: number[] = [];
    const file = path.join(DIR, 'chrome.har');
    await read(file, { literals: ['x'], rg: false, chunkSize: 1024, onProgress: (b) => seen.push(b) });
    const size = fs.statSync(file).size;
    assert.equal(seen.length, Math.ceil(size / 1024));
    assert.equal(seen.at(-1), size);
  });

  test('cancelling stops the reading with an AbortError', async () => {
    for (const rg of [undefined, false] as const) {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(read(path.join(DIR, 'chrome.har'), { literals: ['x'], rg, signal: ac.signal }), { name: 'AbortError' });
    }
  });

  test('cancelling while ripgrep runs kills it; cancelling in the middle of the JavaScript scan stops it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'har-abort-'));
    try {
      const fake = path.join(dir, 'rg');
      const pidFile = path.join(dir, 'pid');
      fs.writeFileSync(fake, `#!/bin/sh\necho $$ >> '${pidFile}'\nexec sleep 30\n`, { mode: 0o755 });
      const ac = new AbortController();
      const t = performance.now();
      const reading = read(path.join(DIR, 'chrome.har'), { literals: ['x'], rg: fake, signal: ac.signal });
      while (!fs.existsSync(pidFile)) await new Promise((r) => setTimeout(r, 10));
      ac.abort();
      await assert.rejects(reading, { name: 'AbortError' });
      assert.ok(performance.now() - t < 5000);
      await new Promise((r) => setTimeout(r, 100));
      for (const pid of fs.readFileSync(pidFile, 'utf8').trim().split('\n').map(Number)) assert.throws(() => process.kill(pid, 0), /ESRCH/, `ripgrep ${pid} is gone`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const ac = new AbortController();
    let calls = 0;
    await assert.rejects(
      read(path.join(DIR, 'chrome.har'), {
        literals: ['x'],
        rg: false,
        chunkSize: 512,
        signal: ac.signal,
        onProgress: () => {
          if (++calls === 2) ac.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.equal(calls, 2);
  });

  test('a ripgrep that fails: the JavaScript path takes over, with a warning', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'har-rg-'));
    try {
      const fake = path.join(dir, 'rg');
      fs.writeFileSync(fake, '#!/bin/sh\necho boom >&2\nexit 2\n', { mode: 0o755 });
      const { units, summary } = await read(path.join(DIR, 'chrome.har'), { literals: [CANARIES[0]!.value], rg: fake });
      assert.equal(summary.engine, 'javascript');
      assert.ok(summary.warnings.some((w) => /ripgrep path abandoned \(ripgrep .* failed with exit code 2: boom\)/.test(w)), summary.warnings.join('\n'));
      assert.deepEqual(
        units.map((u) => u.locator),
        ['entry=1', 'entry=4'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an anchor out of place (a nested "request": key next to a candidate): the exact scan takes over', { skip: !RG && 'no ripgrep' }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'har-anchor-'));
    try {
      const file = path.join(dir, 'nested.har');
      const entries = [
        { request: { url: 'https://a/' }, response: {}, _redirects: [{ request: {}, response: {} }] },
        { request: { url: 'https://b/?QLIT0a' }, response: {} },
      ];
      fs.writeFileSync(file, JSON.stringify({ log: { entries } }, null, 1));
      const { units, summary } = await read(file, { literals: NEEDLES });
      assert.equal(summary.engine, 'javascript');
      assert.ok(summary.warnings.some((w) => /ripgrep path abandoned/.test(w)));
      assert.deepEqual(
        units.map((u) => u.locator),
        ['entry=2'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------

describe('finding ripgrep', () => {
  test('an explicit path, false, PATH, and VS Code’s own copy (asar-unpacked or not)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-find-'));
    try {
      const make = (p: string) => {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, '#!/bin/sh\n', { mode: 0o755 });
        return p;
      };
      const explicit = make(path.join(dir, 'my', 'rg'));
      assert.deepEqual(findRipgrep(explicit), { path: explicit, source: 'option' });
      assert.equal(findRipgrep(path.join(dir, 'missing')), undefined);
      assert.equal(findRipgrep(false, dir), undefined);
      const onPath = make(path.join(dir, 'bin', 'rg'));
      assert.deepEqual(findRipgrep(undefined, undefined, { PATH: path.join(dir, 'bin') }), { path: onPath, source: 'PATH' });
      const app = path.join(dir, 'app');
      assert.equal(findRipgrep(undefined, app, { PATH: '' }), undefined);
      const unpacked = make(path.join(app, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', 'rg'));
      assert.deepEqual(findRipgrep(undefined, app, { PATH: '' }), { path: unpacked, source: 'vscode' });
      const plain = make(path.join(app, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
      assert.deepEqual(findRipgrep(undefined, app, { PATH: '' }), { path: plain, source: 'vscode' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the rg on this machine is found and reported', { skip: !RG && 'no ripgrep' }, async () => {
    const { summary } = await read(path.join(DIR, 'chrome.har'), { literals: [CANARIES[0]!.value] });
    assert.equal(summary.rgPath, execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim());
  });
});

describe('needles as a JSON writer wrote them', () => {
  test('JSON escapes and \\u escapes of non-ASCII, in both cases', () => {
    assert.deepEqual(fileForms('Zoë "x"'), ['Zoë "x"', 'Zoë \\"x\\"', 'Zo\\u00eb \\"x\\"', 'Zo\\u00EB \\"x\\"']);
    assert.deepEqual(fileForms('abc'), ['abc']);
  });
  test('a needle that contains another one is dropped', () => {
    assert.deepEqual(withoutSuperstrings(['abcdef', 'bcd', 'xyz', 'bcd']), ['bcd', 'xyz']);
  });
});

describe('the JavaScript needle search', () => {
  test('property: every occurrence, overlapping ones too, as a naive search finds them (ASCII case folded for ignoreCase hints)', () => {
    const bytes = (s: string) => Buffer.from(s, 'latin1');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[abAB\u00e9-]{0,200}$/),
        fc.array(fc.stringMatching(/^[abAB-]{1,4}$/), { maxLength: 4 }),
        fc.array(fc.stringMatching(/^[ab-]{1,4}$/), { maxLength: 3 }),
        fc.nat(20),
        (hay, lits, folded, fresh) => {
          const h = bytes(hay);
          const f = Math.min(fresh, h.length);
          const got: string[] = [];
          new NeedleSearch({ literals: lits.map(bytes), hints: [], hintsFolded: folded.map(bytes) }).find(h, f, (at, hint) => got.push(`${at}${hint ? 'h' : 'l'}`));
          const want: [number, string][] = [];
          const naive = (hayS: string, needles: string[], tag: string) => {
            for (const n of needles) for (let at = hayS.indexOf(n); at >= 0; at = hayS.indexOf(n, at + 1)) if (at + n.length > f) want.push([at, `${at}${tag}`]);
          };
          naive(hay, lits, 'l');
          naive(hay.replace(/[A-Z]/g, (c) => c.toLowerCase()), folded, 'h');
          assert.deepEqual([...got].sort(), want.map((w) => w[1]).sort());
          const offsets = got.map((g) => parseInt(g, 10));
          assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), 'in offset order');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('entry → unit', () => {
  test('protocols', () => {
    assert.equal(normalizeProtocol('HTTP/2.0'), 'h2');
    assert.equal(normalizeProtocol('http/2.0'), 'h2');
    assert.equal(normalizeProtocol('h2'), 'h2');
    assert.equal(normalizeProtocol('HTTP/3'), 'h3');
    assert.equal(normalizeProtocol('h3-29'), 'h3');
    assert.equal(normalizeProtocol('HTTP/1.1'), 'http/1.1');
    assert.equal(normalizeProtocol('unknown'), undefined);
    assert.equal(normalizeProtocol(null), undefined);
    assert.equal(normalizeProtocol('<script>'), undefined);
  });

  test('bytes in disguise: surrogate escapes and latin-1 with control characters; plain text stays text', () => {
    assert.deepEqual(recoverBytes('\u001f\udc8b\b\u0000é'), new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xc3, 0xa9]));
    assert.deepEqual(recoverBytes('\u001f\u008b\u0008'), new Uint8Array([0x1f, 0x8b, 0x08]));
    assert.equal(recoverBytes('café, naïve'), undefined);
    assert.equal(recoverBytes('😀'), undefined, 'a surrogate pair is not an escape');
  });

  test('Charles nulls, a missing request, a non-object entry: a unit and warnings, never a throw', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), fc.nat(), (x, i) => {
        const { unit } = entryToUnit(x, i + 1);
        assert.equal(unit.locator, `entry=${i + 1}`);
      }),
      { numRuns: 500 },
    );
    const bad = entryToUnit(null, 3);
    assert.deepEqual(bad.warnings, ['entry=3: not an object (null)']);
    const nulls = entryToUnit({ request: { url: null, headers: null, cookies: null, queryString: null, postData: null }, response: null, serverIPAddress: null }, 1);
    assert.deepEqual(nulls.unit, { locator: 'entry=1', request: [], response: [] });
  });

  test('the endpoint: URL host and port, IPv6 in brackets, :authority when the URL is a path, Firefox port in connection', () => {
    const a = entryToUnit({ request: { url: 'https://[2001:db8::1]:8443/x', httpVersion: 'h3' }, serverIPAddress: '[2001:db8::1]' }, 1).unit;
    assert.deepEqual([a.host, a.address, a.port, a.tls, a.protocol], ['2001:db8::1', '2001:db8::1', 8443, true, 'h3']);
    const b = entryToUnit({ request: { url: '/api', headers: [{ name: ':authority', value: 'API.Example.com:444' }, { name: ':scheme', value: 'https' }] }, connection: '443' }, 1);
    assert.deepEqual([b.unit.host, b.unit.port, b.unit.tls], ['api.example.com', 444, true]);
    assert.ok(b.warnings.some((w) => /could not be parsed/.test(w)));
    const c = entryToUnit({ request: { url: 'nope', headers: [{ name: 'Host', value: 'h.example' }] }, connection: '8080', serverIPAddress: 'localhost' }, 2);
    assert.deepEqual([c.unit.host, c.unit.port, c.unit.address], ['h.example', 8080, undefined]);
    assert.ok(c.warnings.some((w) => /serverIPAddress "localhost" is not an IP address/.test(w)));
  });

  test('parts: query from the URL when queryString is absent, cookies from the Cookie header, params when there is no text, WebSocket messages on their sides', () => {
    const { unit } = entryToUnit(
      {
        request: {
          url: 'ws://h.example/s?a=1&b=%2B86+1#frag',
          headers: [
            { name: 'Cookie', value: 'sid=abc; t=x=y' },
            { name: 'Content-Encoding', value: 'gzip' },
          ],
          postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'p', value: 'v' }] },
        },
        _webSocketMessages: [
          { type: 'send', opcode: 1, data: 'hello' },
          { type: 'receive', opcode: 2, data: Buffer.from([1, 2, 3]).toString('base64') },
          { type: 'other', data: 'x' },
        ],
      },
      7,
    );
    assert.deepEqual(
      unit.request.filter((p) => p.where !== 'header'),
      [
        { where: 'url', text: 'ws://h.example/s?a=1&b=%2B86+1#frag' },
        { where: 'query', name: 'a', text: '1' },
        { where: 'query', name: 'b', text: '+86 1' },
        { where: 'cookie', name: 'sid', text: 'abc' },
        { where: 'cookie', name: 't', text: 'x=y' },
        { where: 'body', name: 'p', text: 'v', contentType: 'application/x-www-form-urlencoded' },
        { where: 'websocket', name: 'send', text: 'hello' },
      ],
    );
    assert.deepEqual(unit.response, [{ where: 'websocket', name: 'receive', bytes: new Uint8Array([1, 2, 3]) }]);
    assert.deepEqual([unit.protocol, unit.port, unit.tls], ['websocket', 80, false]);
  });

  test('a base64 body is bytes with its Content-Encoding; a text body never claims one', () => {
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
    const enc = entryToUnit({ request: { url: 'https://h/', headers: [{ name: 'content-encoding', value: 'GZIP' }], postData: { mimeType: 'application/json', text: gz.toString('base64'), encoding: 'base64' } } }, 1).unit;
    assert.deepEqual(enc.request.at(-1), { where: 'body', bytes: new Uint8Array(gz), contentEncoding: 'gzip', contentType: 'application/json' });
    const txt = entryToUnit({ request: { url: 'https://h/', headers: [{ name: 'content-encoding', value: 'gzip' }], postData: { text: '{"a":1}' } } }, 1).unit;
    assert.deepEqual(txt.request.at(-1), { where: 'body', text: '{"a":1}' });
    const notB64 = entryToUnit({ response: { content: { text: 'not base64!', encoding: 'base64' } } }, 1);
    assert.deepEqual(notB64.unit.response, [{ where: 'body', text: 'not base64!' }]);
    assert.ok(notB64.warnings.some((w) => /says base64 but is not/.test(w)));
  });
});
