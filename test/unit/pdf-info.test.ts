/**
 * The PDF's document information (src/node/pdf-info.ts `appendInfo`, and the
 * exporter that fills it): an incremental update on what Chromium printed,
 * read back with poppler's `pdfinfo` and checked with `qpdf --check`;
 * text strings with parentheses, backslashes and non-ASCII; Chromium's
 * tagged structure and bookmarks kept; a cross-reference stream; refusals of
 * what cannot be updated safely; and a redacted auditor name nowhere in the
 * file's bytes, in any encoding.
 *
 * Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH) and poppler-utils.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launch, type LaunchedBrowser } from '../../src/node/browser';
import { Exporter } from '../../src/node/export';
import { appendInfo, destinationPages, pdfDate, PdfStructureError, pdfTextString } from '../../src/node/pdf-info';

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: LaunchedBrowser | undefined;
let exporter: Exporter | undefined;
let tmp = '';
/** A small tagged PDF with bookmarks and a link, printed by Chromium. */
let printed: Buffer = Buffer.alloc(0);

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  tmp = mkdtempSync(path.join(tmpdir(), 'pa-pdf-info-'));
  browser = await launch(CHROMIUM);
  const page = await browser.browser.newPage();
  await page.setContent('<title>Chromium title</title><p><a href="#two">to two</a></p><h1 id="one">One</h1><p>first</p><h2 id="two" style="break-before: page">Two</h2><p>second</p>');
  printed = await page.pdf({ format: 'A4', outline: true, tagged: true });
  exporter = new Exporter({ browserPath: CHROMIUM, generator: 'Privacy Audit 9.8.7' });
});

after(async () => {
  await browser?.close();
  await exporter?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function info(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-enc', 'UTF-8', file]).toString('utf8');
  return Object.fromEntries(out.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}

/** `qpdf --check`: a second, independent reader of the structure (poppler reads the file too). */
function qpdfCheck(file: string): void {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('qpdf is not installed; these tests need it and do not skip (apt-get install -y qpdf; .ci/run installs it).');
  assert.equal(r.status, 0, `qpdf --check: ${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stdout + r.stderr, /WARNING/);
  assert.match(r.stdout, /No syntax or stream encoding errors/);
}

describe('PDF text strings and dates', () => {
  test('ASCII as a literal string with ( ) and \\ escaped; anything else UTF-16BE with a BOM', () => {
    const cases: [string, string][] = [
      ['a (b) c\\d', '(a \\(b\\) c\\\\d)'],
      ['Ü', '<FEFF00DC>'],
      ['a\nb', '<FEFF0061000A0062>'],
      ['😀', '<FEFFD83DDE00>'],
      ['\uD800x', '<FEFFFFFD0078>'],
    ];
    for (const [text, written] of cases) assert.equal(pdfTextString(text), written, JSON.stringify(text));
    assert.equal(pdfDate(new Date('2014-10-24T12:34:56Z')), '(D:20141024123456Z)');
  });
});

describe('appendInfo', () => {
  test('a Chromium print gets the new fields; the old bytes stay as they were; tagging, bookmarks and links survive', () => {
    const updated = appendInfo(printed, {
      title: 'Ünïcode (test) \\ — “quoted”',
      author: 'A. Auditor (Org (Sub))',
      subject: 'Subject',
      keywords: 'one; two',
      creator: 'Privacy Audit 9.8.7',
      producer: 'Privacy Audit 9.8.7 (Chromium / Skia)',
      created: new Date('2014-10-24T12:00:00Z'),
    });
    assert.ok(updated.subarray(0, printed.length).equals(printed), 'an incremental update: the printed bytes come first, unchanged');
    const file = write('small.pdf', updated);
    const i = info(file);
    assert.equal(i.Title, 'Ünïcode (test) \\ — “quoted”');
    assert.equal(i.Author, 'A. Auditor (Org (Sub))');
    assert.equal(i.Subject, 'Subject');
    assert.equal(i.Keywords, 'one; two');
    assert.equal(i.Creator, 'Privacy Audit 9.8.7');
    assert.equal(i.Producer, 'Privacy Audit 9.8.7 (Chromium / Skia)');
    assert.match(i.CreationDate!, /2014/);
    assert.match(i.ModDate!, /2014/);
    assert.equal(i.Tagged, 'yes');
    assert.equal(i.Pages, '2');
    const xml = execFileSync('pdftohtml', ['-xml', '-i', '-q', '-stdout', file]).toString('utf8');
    assert.match(xml, /<item page="1">One<\/item>/);
    assert.match(xml, /<item page="2">Two<\/item>/);
    assert.match(execFileSync('pdftotext', [file, '-']).toString('utf8'), /second/);
    assert.deepEqual([...destinationPages(updated, ['two', 'one'])!], [['two', 2]]);
    qpdfCheck(file);
    // a control: the original says what Chromium said
    assert.match(info(write('small-original.pdf', printed)).Creator!, /Chrome/);
    // applied twice (an update on an update): the newest wins
    const twice = write('twice.pdf', appendInfo(updated, { title: 'Second' }));
    assert.equal(info(twice).Title, 'Second');
    assert.equal(info(twice).Author, undefined);
    qpdfCheck(twice);
  });

  test('after a cross-reference stream: a classic update that poppler reads', () => {
    const objs = ['<</Type /Catalog /Pages 2 0 R>>', '<</Type /Pages /Kids [3 0 R] /Count 1>>', '<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>>'];
    let body = '%PDF-1.5\n';
    const offsets: number[] = [];
    objs.forEach((o, k) => {
      offsets.push(body.length);
      body += `${k + 1} 0 obj\n${o}\nendobj\n`;
    });
    const xrefAt = body.length;
    offsets.push(xrefAt);
    const row = (type: number, a: number, b: number) => [type, (a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255, (b >>> 8) & 255, b & 255];
    const data = Buffer.from([...row(0, 0, 65535), ...offsets.flatMap((o) => row(1, o, 0))]);
    const head = Buffer.from(`${body}4 0 obj\n<</Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length ${data.length}>>\nstream\n`, 'latin1');
    const pdf = Buffer.concat([head, data, Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1')]);
    assert.equal(info(write('xref-stream.pdf', pdf)).Pages, '1', 'the hand-made file is valid');
    const file = write('xref-stream-updated.pdf', appendInfo(pdf, { title: 'After a stream' }));
    assert.equal(info(file).Title, 'After a stream');
    assert.equal(info(file).Pages, '1');
    qpdfCheck(file);
  });

  test('refuses, never corrupts: not a PDF, no startxref, offsets that miss, encryption', () => {
    assert.throws(() => appendInfo(Buffer.from('hello'), { title: 'x' }), PdfStructureError);
    assert.throws(() => appendInfo(printed.subarray(0, printed.length - 40), { title: 'x' }), /startxref/);
    const text = printed.toString('latin1');
    const at = text.lastIndexOf('startxref');
    const shifted = Buffer.from(text.slice(0, at) + text.slice(at).replace(/startxref\s+(\d+)/, (_, n: string) => `startxref\n${Number(n) - 7}`), 'latin1');
    assert.throws(() => appendInfo(shifted, { title: 'x' }), PdfStructureError);
    // the table's offsets moved (bytes inserted at the start): the catalog is not where it says
    const moved = Buffer.concat([Buffer.from('%PDF-1.4\n%xxxxxxxx\n', 'latin1'), printed.subarray(9)]);
    assert.throws(() => appendInfo(moved, { title: 'x' }), /catalog|cannot be read/);
    const encrypted = Buffer.from(text.replace(/trailer\s*<</, (m) => `${m}/Encrypt 1 0 R\n`), 'latin1');
    assert.throws(() => appendInfo(encrypted, { title: 'x' }), /encrypted/);
  });
});

describe('the export', () => {
  test('title, author, subject, keywords, creator and producer of the example', async () => {
    const pdf = path.join(tmp, 'example.pdf');
    await exporter!.export({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE, pdf, now: new Date('2020-01-02T03:04:05Z') });
    const i = info(pdf);
    assert.match(i.Title!, /^Xiaomi Redmi 1S \(MIUI V5\)/);
    assert.equal(i.Author, "Example Analyst (Privacy Audit example (re-telling of F-Secure's public 2014 test))");
    assert.equal(i.Subject, 'Xiaomi Redmi 1S, MIUI V5 (Android 4.x), MIUI Cloud Messaging / Mi Cloud');
    assert.match(i.Keywords!, /^FSEC-2014-RM1S; Xiaomi Redmi 1S; .*IMEI; Phone number \(MSISDN\);.* privacy audit$/);
    assert.equal(i.Creator, 'Privacy Audit 9.8.7');
    assert.match(i.Producer!, /^Privacy Audit 9\.8\.7 \(Chromium \d+ \/ Skia\)$/);
    assert.match(i.CreationDate!, /Jan\s+2 03:04:05 2020/);
    assert.equal(i.Tagged, 'yes');
    qpdfCheck(pdf);
  });

  test('a redacted auditor name and the device identifiers are nowhere in the bytes, in any form', async () => {
    const secret = 'Jane Q. Secretname';
    const text = readFileSync(EXAMPLE, 'utf8')
      .replace('  - name: Example Analyst\n    org: Privacy Audit example (re-telling of F-Secure\'s public 2014 test)', `  - name: ${secret}\n    org: Ünïcode Org\n  - name: Second Person\n    org: ${secret} Labs`)
      .replace('redact:\n', `redact:\n  - "${secret}"\n`);
    assert.notEqual(text, readFileSync(EXAMPLE, 'utf8'));
    const file = path.join(path.dirname(EXAMPLE), '.pdf-info-test.audit.md');
    const pdf = path.join(tmp, 'secret.pdf');
    await exporter!.export({ text, filePath: file, pdf });
    const bytes = readFileSync(pdf);
    const i = info(pdf);
    assert.equal(i.Author, '[redacted] (Ünïcode Org); Second Person ([redacted] Labs)');
    const utf16 = (s: string) => Buffer.from(s, 'utf16le').swap16();
    for (const s of [secret, 'Secretname', '869999012345677', '001010000012345', '+12025550101']) {
      assert.equal(bytes.indexOf(Buffer.from(s, 'latin1')), -1, `${s} in plain bytes`);
      assert.equal(bytes.indexOf(utf16(s)), -1, `${s} as UTF-16BE bytes`);
      const hex = utf16(s).toString('hex');
      assert.equal(bytes.indexOf(Buffer.from(hex.toUpperCase(), 'latin1')), -1, `${s} as UTF-16BE hex`);
      assert.equal(bytes.indexOf(Buffer.from(hex, 'latin1')), -1, `${s} as UTF-16BE hex (lower case)`);
    }
    // a control: the search finds what is there (the org, written as UTF-16BE hex)
    assert.notEqual(bytes.indexOf(Buffer.from(utf16('Ünïcode Org').toString('hex').toUpperCase(), 'latin1')), -1);
  });

  test('the document information holds no identifier of the example', async () => {
    const { doc } = await exporter!.document({ text: readFileSync(EXAMPLE, 'utf8'), filePath: EXAMPLE });
    for (const v of [doc.info.title, doc.info.author, doc.info.subject, doc.info.keywords]) assert.doesNotMatch(v, /869999012345677|001010000012345|2025550101|2025550142|2025550177/);
    assert.match(doc.info.keywords, /IMEI/, 'a control: the keywords name the categories');
  });
});
