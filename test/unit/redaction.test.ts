/**
 * Redaction (src/core/redact): what a report asks to mask is read whatever
 * its YAML looks like, and a secret is found however it is written. The
 * cases of issue 8 are here as they were found; the property tests at the
 * end generate spellings and markup.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseReport } from '../../src/core/report/parse';
import { collectRedaction, maskHtml, RedactionBudgetError, redactorFor, REDACTED, Redactor, verifyHtml } from '../../src/core/redact';
import { renderReport } from '../../src/core/present/render/html';
import { lintText } from '../../src/core/lint/linter';

const IMEI = '869999012345677';
const PHONE = '+12025550101';

function report(frontMatter: string[], body: string[]): string {
  return ['---', 'audit-format: 1', 'id: T-1', 'title: T', 'status: draft', 'date: 2024-01-01', 'auditors: [A]', ...frontMatter, '---', ...body, ''].join('\n');
}

const redactor = (text: string) => redactorFor(parseReport(text));

describe('what a report asks to mask, read tolerantly', () => {
  test('a duplicate key in the front matter keeps the redact list (issue 8, 1)', () => {
    const r = collectRedaction(parseReport(report([`redact: ["${PHONE}"]`, 'status: final'], ['text'])));
    assert.deepEqual(r.literals, [PHONE]);
    assert.deepEqual(r.uncertain, []);
  });

  test('a duplicate key in a device block keeps its identifiers (issue 8, 1)', () => {
    const r = collectRedaction(parseReport(report([], ['```device', 'build: X1', 'build: X2', `identifiers: {IMEI: "${IMEI}"}`, '```'])));
    assert.deepEqual(r.literals, [IMEI]);
  });

  test('duplicate redact and identifiers keys: every one counts', () => {
    const r = collectRedaction(parseReport(report(['redact: [a1]', 'redact: [b2]'], ['```device', 'identifiers: {IMEI: c3}', 'identifiers: {IMSI: d4}', '```'])));
    assert.deepEqual(r.literals.sort(), ['a1', 'b2', 'c3', 'd4']);
  });

  test('identifiers written as lists, nested mappings, lists of mappings and unquoted numbers (issue 8, 2)', () => {
    const r = collectRedaction(
      parseReport(
        report([], ['```device', 'identifiers:', '  IMEI: [356938035643809, 356938035643817]', '  SIM: {slot1: {ICCID: "8944500102198304826"}}', '  contacts:', '    - {name: Alice Example, phone: +12025550142}', '  IMSI: 001010000012345', '```']),
      ),
    );
    assert.deepEqual(r.literals.sort(), ['+12025550142', '001010000012345', '356938035643809', '356938035643817', '8944500102198304826', 'Alice Example'].sort());
  });

  test('device blocks in a list or a quote are read too', () => {
    const r = collectRedaction(parseReport(report([], ['> ```device', `> identifiers: {IMEI: "${IMEI}"}`, '> ```', '', '- item', '', '  ```device', '  id: D2', '  identifiers: {IMEI: "356938035643809"}', '  ```'])));
    assert.deepEqual(r.literals.sort(), ['356938035643809', IMEI]);
  });

  test('an alias bomb costs nothing: each node is read once', () => {
    const lines = ['```device', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 20; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`);
    lines.push('identifiers: {x: *a19}', '```');
    const r = collectRedaction(parseReport(report([], lines)));
    assert.deepEqual(r.literals, ['x']);
  });

  test('YAML that cannot be read makes the redaction uncertain, and says where', () => {
    const r = collectRedaction(parseReport(report(['redact: ["+1202', '  oops: [}'], ['```device', `identifiers: {IMEI: "${IMEI}"`, 'build: [', '```'])));
    assert.equal(r.uncertain.length, 2, r.uncertain.join('\n'));
    assert.match(r.uncertain[0]!, /front matter.*not valid YAML.*`redact`/);
    assert.match(r.uncertain[1]!, /device block at line 11 is not valid YAML \(line 13: .*\).*`identifiers`/);
  });

  test('a broken device block refuses even when it does not spell the key (YAML may write it escaped); other broken blocks do not', () => {
    assert.equal(collectRedaction(parseReport(report([], ['```device', '"identi\\x66iers\\', '  ": {IMEI: "1"}', 'build: [', '```']))).uncertain.length, 1);
    assert.deepEqual(collectRedaction(parseReport(report([], ['```flow', 'to: [', '```']))).uncertain, []);
  });

  test('keys written escaped, in another case, or through a merge key count (attacks y06, y15, m07, y17, y18)', () => {
    const r = collectRedaction(
      parseReport(report(['"re\\x64act": ["a1234"]'], ['```device', '"identi\\x66iers": {IMEI: "b1234"}', '```', '', '```device', '"\\u0069dentifiers": {IMEI: "c1234"}', '```', '', '```device', '<<: {identifiers: {IMEI: "d1234"}}', '```', '', '```device', 'Identifiers: {IMEI: "e1234"}', '```'])),
    );
    assert.deepEqual(r.literals.sort(), ['a1234', 'b1234', 'c1234', 'd1234', 'e1234']);
    assert.deepEqual(r.uncertain, []);
  });

  test('a front matter that does not start on the first line: refused, not printed (attack m04)', () => {
    const r = collectRedaction(parseReport(`\n${report([`redact: ["${IMEI}"]`], ['x'])}`));
    assert.match(r.uncertain.join(' '), /`redact:` line but no front matter on its first line/);
  });

  test('more values than the limit: refused, and the redactor stays fast (attack h03)', () => {
    const lines = Array.from({ length: 70_000 }, (_, i) => `  k${i}: "v${String(i).padStart(8, '0')}"`);
    const t0 = performance.now();
    const r = redactorFor(parseReport(report([], ['```device', 'identifiers:', ...lines, '```'])));
    assert.match(r.refusals.join(' '), /asks to mask 70000 values; the limit is 1000/);
    assert.ok(performance.now() - t0 < 30_000);
  });
});

describe('finding a secret however it is written (issue 8, 3)', () => {
  const r = new Redactor({ literals: [IMEI, PHONE, 'José Müller', 'a4:5e:60:12:34:56'], patterns: [], uncertain: [] });

  test('as written, in any case, with separators, split by invisible characters', () => {
    for (const s of [IMEI, '869999 0123 45677', '86-9999-01-234567-7', `8699\u200b99012345677`, `86999\u00ad9012345677`, '+1 (202) 555-0101', '+1.202.555.0101', 'A4-5E-60-12-34-56', 'a45e60123456', 'JOSÉ MÜLLER', 'José  Müller']) {
      const out = r.mask(`x ${s} y`);
      // a leading + outside the digits may stay: `+[redacted]`
      assert.match(out, /^x \+?\[redacted\] y$/, s);
      assert.equal(r.leaks(out), false, s);
    }
  });

  test('digits of other scripts and blank filler letters (attacks p03, p04, p05)', () => {
    for (const s of ['٨٦٩٩٩٩٠١٢٣٤٥٦٧٧', '८६९९९९०१२३४५६७७', '8699990\u316412345677', '𝟖𝟔𝟗𝟗𝟗𝟗𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟕']) assert.equal(r.mask(`x ${s} y`), `x ${REDACTED} y`, s);
  });

  test('NFD and NFC spellings, fullwidth digits', () => {
    assert.equal(r.mask('Jose\u0301 Mu\u0308ller wrote'), `${REDACTED} wrote`);
    assert.equal(r.mask('８６９９９９０１２３４５６７７'), REDACTED);
    const nfd = new Redactor({ literals: ['Jose\u0301'], patterns: [], uncertain: [] });
    assert.equal(nfd.mask('José'), REDACTED);
  });

  test('split by Markdown markup in the source', () => {
    assert.equal(r.mask('8699990**12345677**'), `${REDACTED}**`);
  });

  test('across segments, as a reader reads text nodes split by tags', () => {
    assert.deepEqual(r.maskSegments(['IMEI 8699990', '12345677', ' sent']), [`IMEI ${REDACTED}`, '', ' sent']);
    assert.deepEqual(r.maskSegments(['a', 'b']), ['a', 'b']);
  });

  test('a /…/y pattern masks every match, not only the first', () => {
    const y = new Redactor({ literals: [], patterns: [{ written: '/user-\\d+/y', source: 'user-\\d+', flags: 'y', span: { start: 0, end: 0 } }], uncertain: [] });
    assert.equal(y.mask('user-1 user-22 user-333'), `${REDACTED} ${REDACTED} ${REDACTED}`);
  });

  test('a value without letters or digits masks nothing; a value cut in two by a narrower mask is still found whole', () => {
    const r2 = new Redactor({ literals: ['-', 'b40e', '70fdb40e-e4d1-7ee7-8202-79bc93627b41'], patterns: [], uncertain: [] });
    assert.equal(r2.mask('code-line'), 'code-line');
    // what an earlier pass over one text node left: the narrower value masked, the whole one cut
    const cell = ['70fd', '\u2060b40e-e4d1-7ee7-8202-79bc93627b41'];
    const once = cell.map((c) => r2.mask(c));
    assert.deepEqual(once, ['70fd', REDACTED], 'the rest of the identifier goes with the part that is a value of its own');
    assert.equal(r2.maskSegments(cell).join(''), REDACTED);
  });

  test('short values are masked as written only (no separator games with 4 digits)', () => {
    const pin = new Redactor({ literals: ['1234'], patterns: [], uncertain: [] });
    assert.equal(pin.mask('pin 1234, time 12:34'), `pin ${REDACTED}, time 12:34`);
  });
});

describe('report patterns run in bounded time (issue 8, 4)', () => {
  test('a catastrophic pattern on a long line returns at once', () => {
    const text = report(['redact: ["/(a+)+$/"]'], ['a'.repeat(100_000) + '!']);
    const r = redactor(text);
    assert.deepEqual(r.problems, []);
    const t0 = performance.now();
    const out = r.mask('a'.repeat(100_000) + '!');
    const ms = performance.now() - t0;
    assert.ok(out === 'a'.repeat(100_000) + '!', `nothing to mask, but got ${out.slice(0, 40)}…`);
    // a backtracking engine takes longer than the age of the universe here; a few seconds is a generous bound for a linear one
    assert.ok(ms < 5000, `took ${ms} ms`);
  });

  test('patterns too large or too slow are refused, and the refusal stops the export (attacks h01, h02, h04-h06)', () => {
    const pattern = (source: string) => ({ written: `/${source}/`, source, flags: '', span: { start: 0, end: 0 } });
    const big = new Redactor({ literals: [], patterns: [pattern('[^0-9]{1,1000}[0-9]')], uncertain: [] });
    assert.match(big.problems[0]!.message, /repetition count above 100/);
    assert.match(big.refusals[0]!, /cannot be used/);
    const complex = new Redactor({ literals: [], patterns: [pattern('(ab|cd|ef|gh|ij){1,100}x')], uncertain: [] });
    assert.match(complex.problems[0]!.message, /too complex \(\d+ steps; the limit is 250\)/);
    // a budget spent: the next call says so instead of running on
    const slow = new Redactor({ literals: [], patterns: [pattern('[^0-9]{1,60}[0-9]')], uncertain: [] }, { patternBudgetMs: 1 });
    assert.throws(() => slow.mask(('a'.repeat(99) + '\n').repeat(2000)), RedactionBudgetError);
  });

  test('patterns run over long text in overlapping slices: a match across a slice edge is masked whole, `$` holds only at the end', () => {
    const pattern = (source: string) => ({ written: `/${source}/`, source, flags: '', span: { start: 0, end: 0 } });
    const r = new Redactor({ literals: [], patterns: [pattern('user-[0-9]+'), pattern('tail$')], uncertain: [] });
    for (const at of [16 * 1024 - 4, 16 * 1024, 32 * 1024 + 1020]) {
      const text = `${'x'.repeat(at)}user-123456 ${'y'.repeat(40_000)}tail`;
      const out = r.mask(text);
      assert.equal(out.indexOf('user-'), -1, `a match at ${at}`);
      assert.ok(out.endsWith(`${'y'.repeat(10)}${REDACTED}`), 'the real end');
      assert.equal(out.length, text.length - 'user-123456'.length - 'tail'.length + 2 * REDACTED.length, 'nothing else masked');
    }
  });

  test('backreferences, lookaround, unknown flags and empty matches are refused with a reason', () => {
    const r = redactor(report(['redact: ["/(a)\\\\1/", "/(?=a)b/", "/x/q", "/x*/"]'], ['t']));
    assert.equal(r.problems.length, 4, r.problems.map((p) => p.message).join('\n'));
    assert.match(r.problems[0]!.message, /backreferences and lookaround are not supported/);
    assert.match(r.problems[2]!.message, /unknown flag `q`/);
    assert.match(r.problems[3]!.message, /empty string/);
  });

  test('the linter reports an unusable pattern (PA001)', async () => {
    const d = (await lintText(report(['redact: ["/(a)\\\\1/"]'], ['t']))).diagnostics;
    assert.ok(d.some((x) => x.rule === 'PA001' && /backreferences/.test(x.message)), d.map((x) => x.message).join('\n'));
  });
});

describe('the last pass over the exported HTML', () => {
  const r = new Redactor({ literals: [IMEI, PHONE], patterns: [], uncertain: [] });

  test('a value split by tags, in a link, in an attribute, in a comment, in a style sheet', () => {
    const html = `<html><head><title>${IMEI}</title><style>.x::after{content:"${PHONE}"}</style></head><body><p>IMEI 8699990<strong>1234</strong>5677 <a href="#x" title="${IMEI}">+1 202 <em>555</em> 0101</a></p><!-- ${IMEI} --></body></html>`;
    const out = maskHtml(html, r);
    assert.deepEqual(verifyHtml(out, r), []);
    assert.ok(!out.includes('5677') && !out.includes('0101'), out);
    assert.match(out, /<title>\[redacted\]<\/title>/);
    assert.match(out, /content:"\[redacted\]"/);
  });

  test('verifyHtml names what leaks', () => {
    assert.deepEqual(verifyHtml(`<p>${IMEI}</p>`, r), ['the text']);
    assert.equal(verifyHtml(`<a title="${IMEI}">x</a>`, r).length, 1);
  });

  test("an ordered list's start number is read with the item after it; a link is read percent-decoded (attacks o01, p08)", () => {
    const out = maskHtml('<ol start="869999012"><li>345677 sent</li></ol><a href="https://x.example/?i=8699990%EF%BB%BF12345677">l</a>', r);
    assert.deepEqual(verifyHtml(out, r), []);
    assert.doesNotMatch(out, /start=/);
    assert.doesNotMatch(out, /345677|12345677/);
  });

  test('entities are read as characters', () => {
    const out = maskHtml('<p>&#56;69999012345677 &amp; +1&nbsp;202&nbsp;555&nbsp;0101</p>', r);
    assert.equal(out, `<p>${REDACTED} &amp; +${REDACTED}</p>`);
  });

  test('the rendered issue report: the identifier split by bold and in link text is masked', async () => {
    const text = report([`redact: ["${PHONE}"]`, 'status: final'], ['Own number +12025550101 was sent.', '', `IMEI 8699990**12345677** and [${IMEI.slice(0, 7)}](https://a.example/)${IMEI.slice(7)}.`, '', '```device', 'build: X1', 'build: X2', `identifiers: {IMEI: "${IMEI}"}`, '```']);
    const red = redactor(text);
    const html = maskHtml(renderReport(await lintText(text), { mode: 'export', mask: (s) => red.mask(s) }).html, red);
    assert.deepEqual(verifyHtml(html, red), []);
    for (const s of [IMEI, PHONE, '12345677', '5550101']) assert.ok(!html.includes(s), `${s} in ${html}`);
  });
});

describe('properties', () => {
  const digits = fc.stringMatching(/^[0-9]{15}$/);
  const sep = fc.constantFrom('', ' ', '-', '.', '\u200b', '\u00ad', '\u00a0', '**', '_', '`');

  test('an identifier written with any separators between its digits is masked', () => {
    fc.assert(
      fc.property(digits, fc.array(sep, { minLength: 14, maxLength: 14 }), fc.string(), fc.string(), (id, seps, before, after) => {
        const r = new Redactor({ literals: [id], patterns: [], uncertain: [] });
        const written = [...id].map((c, i) => c + (seps[i] ?? '')).join('');
        const out = r.mask(`${before} ${written} ${after}`);
        return !r.leaks(out);
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  test('maskSegments never leaves a secret readable across any split, and leaves secret-free text alone', () => {
    fc.assert(
      fc.property(digits, fc.string(), fc.array(fc.nat(40), { maxLength: 6 }), (id, filler, cuts) => {
        const r = new Redactor({ literals: [id], patterns: [], uncertain: [] });
        const whole = `${filler}${id}${filler}`;
        const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const segs = [0, ...points].map((p, i, all) => whole.slice(p, all[i + 1] ?? whole.length));
        const out = r.maskSegments(segs);
        const clean = r.maskSegments(segs.map((s) => s.replace(/[0-9]/g, 'x')));
        return out.length === segs.length && !r.leaks(out.join('')) && clean.join('') === segs.map((s) => s.replace(/[0-9]/g, 'x')).join('');
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});

