/**
 * Evidence images (issue 11): src/node/images.ts reads the images a report
 * names (workspace containment as for evidence files, type by the first
 * bytes, size limits, nothing remote) and the renderer embeds the ones it
 * was given as data: URIs, with the hash check of the evidence record that
 * names the file; everything else is a placeholder that says why.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { Linter } from '../../src/core/lint/linter';
import { parseReport } from '../../src/core/report/parse';
import { maskHtml, redactionMask, redactorFor, verifyHtml } from '../../src/core/redact';
import { renderReport } from '../../src/core/present/render/html';
import { imageSources, type ImageView } from '../../src/core/present/render/markdown';
import { dataUri, imageSize, loadImages, sniffImage } from '../../src/node/images';

// ---------------------------------------------------------------- image files

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid grey PNG of `w` × `h` pixels (`pad` bytes of a private chunk make it larger). */
function png(w: number, h: number, pad = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((w + 1) * h, 0x80);
  for (let y = 0; y < h; y++) rows[y * (w + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(pad ? [chunk('prVt', Buffer.alloc(pad, 0x41))] : []),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const GIF = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([3, 0, 2, 0, 0, 0, 0]), Buffer.from([0x3b])]);
/** A JPEG header: SOI, an APP0 segment, then SOF0 with height 20 and width 30. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x14, 0x00, 0x1e, 0x01, 0x01, 0x11, 0x00, 0xff, 0xd9]);
/** A WebP header with a VP8X chunk: 64 × 48. */
const WEBP = (() => {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBP', 8, 'latin1');
  b.write('VP8X', 12, 'latin1');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(63, 24, 3);
  b.writeUIntLE(47, 27, 3);
  return b;
})();
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>\n');

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------- a workspace

let tmp = '';
let ws = '';
let report = '';
const PNG = png(40, 30);

before(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'pa-images-'));
  ws = path.join(tmp, 'ws');
  mkdirSync(path.join(ws, 'evidence'), { recursive: true });
  report = path.join(ws, 'r.audit.md');
  writeFileSync(path.join(ws, 'evidence', 'consent.png'), PNG);
  writeFileSync(path.join(ws, 'evidence', 'photo.jpg'), JPEG);
  writeFileSync(path.join(ws, 'evidence', 'anim.gif'), GIF);
  writeFileSync(path.join(ws, 'evidence', 'shot.webp'), WEBP);
  writeFileSync(path.join(ws, 'evidence', 'notes.png'), 'this is text, not a picture\n');
  writeFileSync(path.join(ws, 'evidence', 'logo.svg'), SVG);
  writeFileSync(path.join(ws, 'evidence', 'écran.png'), PNG);
  writeFileSync(path.join(tmp, 'outside.png'), PNG);
  symlinkSync(path.join(tmp, 'outside.png'), path.join(ws, 'evidence', 'link-out.png'));
  symlinkSync(path.join(ws, 'evidence', 'consent.png'), path.join(ws, 'evidence', 'link-in.png'));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const load = (sources: string[], extra: { maxImageBytes?: number; maxTotalBytes?: number } = {}) => loadImages(sources, { filePath: report, root: ws, ...extra });
const reasonOf = (v: ImageView | undefined) => (v && !v.ok ? v.reason : `ok: ${JSON.stringify(v)?.slice(0, 60)}`);

// ---------------------------------------------------------------- loading

describe('loadImages: what is read, and why not', () => {
  test('a PNG inside the workspace: a data URI of exactly its bytes, its hash, size and pixel size', async () => {
    const v = (await load(['evidence/consent.png'])).get('evidence/consent.png');
    assert.ok(v?.ok);
    assert.equal(v.mime, 'image/png');
    assert.equal(v.dataUri, `data:image/png;base64,${PNG.toString('base64')}`);
    assert.equal(v.bytes, PNG.length);
    assert.equal(v.sha256, sha(PNG));
    assert.deepEqual([v.width, v.height], [40, 30]);
  });

  test('containment: ../ out of the workspace, absolute paths and a symbolic link out are refused, unread', async () => {
    writeFileSync(path.join(tmp, 'secret.png'), PNG);
    const abs = path.join(tmp, 'secret.png');
    const m = await load(['../secret.png', 'evidence/../../secret.png', abs, 'evidence/link-out.png', '~/x.png', 'evidence\\consent.png']);
    assert.match(reasonOf(m.get('../secret.png')), /climbs out of the workspace/);
    assert.match(reasonOf(m.get('evidence/../../secret.png')), /climbs out of the workspace/);
    assert.match(reasonOf(m.get(abs)), /absolute paths are not allowed/);
    assert.match(reasonOf(m.get('evidence/link-out.png')), /symbolic link .* out of the workspace/);
    assert.match(reasonOf(m.get('~/x.png')), /home-relative/);
    assert.match(reasonOf(m.get('evidence\\consent.png')), /backslashes/);
    for (const [src, v] of m) assert.equal(v.ok, false, src);
    // no message names the absolute place of anything
    for (const v of m.values()) if (!v.ok) assert.ok(!v.reason.includes(tmp), v.reason);
  });

  test('a symbolic link that stays inside is followed', async () => {
    const v = (await load(['evidence/link-in.png'])).get('evidence/link-in.png');
    assert.ok(v?.ok, reasonOf(v));
    assert.equal(v.sha256, sha(PNG));
  });

  test('the type comes from the bytes: a .png that is text and an SVG stay placeholders; JPEG, GIF, WebP are read', async () => {
    const m = await load(['evidence/notes.png', 'evidence/logo.svg', 'evidence/photo.jpg', 'evidence/anim.gif', 'evidence/shot.webp']);
    assert.match(reasonOf(m.get('evidence/notes.png')), /not a PNG, JPEG, GIF or WebP image/);
    assert.match(reasonOf(m.get('evidence/logo.svg')), /not a PNG, JPEG, GIF or WebP image \(SVG is not shown\)/);
    const mimes = ['evidence/photo.jpg', 'evidence/anim.gif', 'evidence/shot.webp'].map((s) => {
      const v = m.get(s);
      return v?.ok ? [v.mime, v.width, v.height] : reasonOf(v);
    });
    assert.deepEqual(mimes, [['image/jpeg', 30, 20], ['image/gif', 3, 2], ['image/webp', 64, 48]]);
    assert.equal(sniffImage(Buffer.from('GIF88a')), undefined);
    assert.equal(sniffImage(Buffer.alloc(0)), undefined);
    assert.equal(imageSize(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png'), undefined, 'a header cut short has no size');
  });

  test('missing files and folders say so', async () => {
    const m = await load(['evidence/nope.png', 'evidence']);
    assert.equal(reasonOf(m.get('evidence/nope.png')), 'the file was not found');
    assert.equal(reasonOf(m.get('evidence')), 'it is a folder, not an image file');
  });

  test('limits: a file over the limit for one image; images beyond the total of a report', async () => {
    writeFileSync(path.join(ws, 'evidence', 'big.png'), png(10, 10, 5000));
    const one = await load(['evidence/big.png', 'evidence/consent.png'], { maxImageBytes: 4000 });
    assert.match(reasonOf(one.get('evidence/big.png')), /^it is too large \(\d\.\d KiB; the limit is 3\.9 KiB\)$/);
    assert.ok(one.get('evidence/consent.png')?.ok, 'a smaller image is still read');
    // the total counts in the order of the report; the same file twice counts once
    const total = await load(['evidence/consent.png', './evidence/consent.png', 'evidence/big.png', 'evidence/anim.gif'], { maxTotalBytes: PNG.length + GIF.length + 10 });
    assert.ok(total.get('evidence/consent.png')?.ok);
    assert.ok(total.get('./evidence/consent.png')?.ok, 'the same file under another name');
    assert.match(reasonOf(total.get('evidence/big.png')), /the report's images would exceed .* together/);
    assert.ok(total.get('evidence/anim.gif')?.ok, 'a later image that fits is still read');
  });

  test('remote images are never loaded (a local server sees no request); other addresses are not read either', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end(PNG);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/consent.png`;
      const m = await load([url, url.replace('http:', 'https:'), 'file:///etc/passwd', 'data:image/svg+xml,<svg/>', `//127.0.0.1/x.png`]);
      assert.equal(reasonOf(m.get(url)), 'remote images are not loaded');
      assert.equal(reasonOf(m.get(url.replace('http:', 'https:'))), 'remote images are not loaded');
      assert.match(reasonOf(m.get('file:///etc/passwd')), /only image files in the workspace/);
      assert.match(reasonOf(m.get('data:image/svg+xml,<svg/>')), /only image files in the workspace/);
      assert.match(reasonOf(m.get('//127.0.0.1/x.png')), /UNC and network paths/);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(requests, 0);
    } finally {
      server.close();
    }
  });

  test('dataUri', () => {
    assert.equal(dataUri('image/gif', GIF), `data:image/gif;base64,${GIF.toString('base64')}`);
  });
});

// ---------------------------------------------------------------- rendering

const FM = ['---', 'audit-format: 1', 'id: T-1', 'title: Images', 'status: draft', 'date: 2024-01-01', 'auditors: [A]'];

function reportText(o: { body: string; recorded?: string; redact?: string[] }): string {
  const fm = [...FM, ...(o.redact ? ['redact:', ...o.redact.map((r) => `  - "${r}"`)] : []), '---'];
  const evidence = o.recorded === undefined ? [] : ['```evidence', '- id: E7', '  file: evidence/consent.png', `  sha256: ${o.recorded}`, '  kind: screenshot', '```'];
  return [...fm, '', '# Images', '', o.body, '', ...evidence, ''].join('\n');
}

async function rendered(text: string, opts: { mask?: boolean; images?: ReadonlyMap<string, ImageView> } = {}): Promise<string> {
  writeFileSync(report, text);
  const result = await new Linter().lint(text, { filePath: report, root: ws });
  const images = opts.images ?? (await loadImages(result.report, { filePath: report, root: ws }));
  return renderReport(result, { mode: 'export', images, ...(opts.mask ? { mask: redactionMask(result.report) } : {}) }).html;
}

/** Every `<img>` of the output has a base64 data: URI of a raster type as its src, and nothing else that loads. */
function assertOnlyDataImages(html: string): number {
  const imgs = [...html.matchAll(/<img\b[^>]*>/gi)].map((m) => m[0]);
  for (const img of imgs) {
    assert.match(img, /^<img src="data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+" alt="[^"]*"( width="\d+" height="\d+")?>$/, img.slice(0, 120));
  }
  return imgs.length;
}

describe('rendering images', () => {
  test('imageSources: every image of the prose once, in order, as written; none from code or record blocks', () => {
    const text = reportText({ body: ['![a](evidence/consent.png) and ![b](evidence/%C3%A9cran.png)', '', '![again](evidence/consent.png)', '', '    ![code](evidence/code.png)', '', '`![inline](x.png)`', '', '[![in a link](evidence/anim.gif)](https://example.org)', '', '![ref][r]', '', '[r]: evidence/photo.jpg'].join('\n'), recorded: 'x' });
    assert.deepEqual(imageSources(parseReport(text)), ['evidence/consent.png', 'evidence/écran.png', 'evidence/anim.gif', 'evidence/photo.jpg']);
    assert.deepEqual(imageSources(parseReport(reportText({ body: 'No pictures here.' }))), []);
  });

  test('an image alone in its paragraph is a figure with its alt text as caption and the hash check ✓ of the record that names it', async () => {
    const html = await rendered(reportText({ body: '![The consent screen](evidence/consent.png)', recorded: sha(PNG) }));
    assert.equal(assertOnlyDataImages(html), 1);
    assert.match(html, /<div data-line="\d+" class="code-line evidence-images"><figure class="evidence-image" id="fig-E7" data-figure="E7"><img src="data:image\/png;base64,[^"]+" alt="The consent screen" width="40" height="30"><figcaption><span class="figure-label">Figure 1<\/span> — <span class="evidence-caption">The consent screen<\/span> <span class="hash hash-ok"[^>]*><span class="mark">✓<\/span> <a class="ref" href="#rec-E7" data-ref="E7">E7<\/a> · sha256 verified<\/span><\/figcaption><\/figure><\/div>/);
  });

  test('a recorded hash that differs: ✗ sha256 differs; none recorded: says so', async () => {
    const other = sha(Buffer.from('something else'));
    const html = await rendered(reportText({ body: '![The consent screen](evidence/consent.png)', recorded: other.toUpperCase() }));
    assert.match(html, /<span class="hash hash-bad" title="The image shown has sha256 [0-9a-f]{64}"><span class="mark">✗<\/span> <a class="ref" href="#rec-E7" data-ref="E7">E7<\/a> · sha256 differs<\/span>/);
    assert.doesNotMatch(html, /sha256 verified/);
    // the same hash in capitals is the same hash
    assert.match(await rendered(reportText({ body: '![s](./evidence/consent.png)', recorded: sha(PNG).toUpperCase() })), /E7<\/a> · sha256 verified/);
    assert.match(await rendered(reportText({ body: '![s](evidence/consent.png)', recorded: '' })), /E7<\/a> · no sha256 recorded/);
    // no record names it: no mark
    assert.doesNotMatch(await rendered(reportText({ body: '![s](evidence/anim.gif)', recorded: sha(PNG) })), /sha256 (verified|differs)/);
  });

  test('an image within text stays inline; placeholders say why an image is not shown', async () => {
    const html = await rendered(reportText({ body: 'See ![the screen](evidence/consent.png) here, ![t](evidence/notes.png), ![r](https://evil.example/x.png) and ![o](../outside.png).' }));
    assert.equal(assertOnlyDataImages(html), 1);
    assert.match(html, /<p[^>]*>See <span class="evidence-image evidence-image-inline"><img src="data:image\/png;base64,[^"]+" alt="the screen" width="40" height="30"> <span class="evidence-caption">the screen<\/span><\/span> here/);
    assert.match(html, /<span class="image-placeholder">\[image: t — evidence\/notes.png — it is not a PNG, JPEG, GIF or WebP image \(SVG is not shown\)\]<\/span>/);
    assert.match(html, /<span class="image-placeholder">\[image: r — https:\/\/evil.example\/x.png — remote images are not loaded\]<\/span>/);
    assert.match(html, /<span class="image-placeholder">\[image: o — ..\/outside.png — the path climbs out of the workspace with ..\]<\/span>/);
  });

  test('large images are shown within a box, keeping their proportions', async () => {
    writeFileSync(path.join(ws, 'evidence', 'tall.png'), png(1080, 2400));
    const html = await rendered(reportText({ body: '![tall](evidence/tall.png)' }));
    assert.match(html, /alt="tall" width="324" height="720"/);
  });

  test('the alt text and the placeholders are masked; the image bytes are embedded as they are', async () => {
    const IMEI = '869999012345677';
    const html = await rendered(reportText({ body: `![screen of ${IMEI}](evidence/consent.png)\n\n![gone ${IMEI}](evidence/${IMEI}.png)`, redact: [IMEI] }), { mask: true });
    assert.ok(!html.includes(IMEI), 'the value appears nowhere');
    assert.match(html, /alt="screen of \[redacted\]"/i);
    assert.match(html, /<span class="evidence-caption">screen of \[redacted\]<\/span>/i);
    assert.match(html, /\[image: gone \[redacted\] — evidence\/\[redacted\]\.png — the file was not found\]/i);
    assert.ok(html.includes(PNG.toString('base64')), 'the bytes as read');
  });

  test('no <img> with anything but a raster data: URI, whatever the map holds', async () => {
    const bad = new Map<string, ImageView>([
      ['evidence/consent.png', { ok: true, dataUri: 'https://evil.example/x.png', mime: 'image/png', bytes: 1, sha256: 'x' }],
      ['evidence/a.png', { ok: true, dataUri: 'data:image/svg+xml;base64,PHN2Zz4=', mime: 'image/png', bytes: 1, sha256: 'x' }],
      ['evidence/b.png', { ok: true, dataUri: 'data:image/png;base64,AAAA" onerror="alert(1)', mime: 'image/png', bytes: 1, sha256: 'x' }],
      ['evidence/c.png', { ok: true, dataUri: 'javascript:alert(1)', mime: 'image/png', bytes: 1, sha256: 'x' }],
    ]);
    const html = await rendered(reportText({ body: '![x](evidence/consent.png) ![a](evidence/a.png) ![b](evidence/b.png)\n\n![c](evidence/c.png)' }), { images: bad });
    assert.equal(assertOnlyDataImages(html), 0);
    assert.doesNotMatch(html, /<img|evil\.example|onerror|javascript:/i);
    assert.equal((html.match(/its data is not a PNG, JPEG, GIF or WebP image/g) ?? []).length, 4);
    // without a map (a host that reads no images): the placeholders of before
    const plain = renderReport(await new Linter().lint(reportText({ body: '![x](evidence/consent.png)' })), { mode: 'preview' }).html;
    assert.match(plain, /<span class="image-placeholder">\[image: x — evidence\/consent.png\]<\/span>/);
    assert.doesNotMatch(plain, /<img/);
  });

  test('every image of a mixed report: only data: URIs', async () => {
    const body = ['![a](evidence/consent.png)', '![b](evidence/photo.jpg)', '', '| shot |', '|---|', '| ![c](evidence/anim.gif) |', '', '- ![d](evidence/shot.webp)', '- ![e](evidence/link-out.png)', '', '# ![h](evidence/consent.png) heading'].join('\n');
    const html = await rendered(reportText({ body }));
    assert.equal(assertOnlyDataImages(html), 5);
    assert.match(html, /\[image: e — evidence\/link-out.png — the path is a symbolic link/);
  });
});

describe('the export\'s last masking pass and embedded pixels', () => {
  test('a redact pattern that matches inside the base64 leaves the picture whole; the alt text is masked and verified', () => {
    const report = parseReport(['---', 'audit-format: 1', 'id: T-1', 'title: t', 'status: draft', 'date: 2014-08-06', 'auditors: [A]', 'redact: ["/[0-9]{4}/"]', '---', ''].join('\n'));
    const redactor = redactorFor(report);
    assert.deepEqual(redactor.refusals, []);
    const src = `data:image/png;base64,${Buffer.concat([PNG, Buffer.from('1234 5678 90123456')]).toString('base64')}AAAA1234`;
    const html = `<figure><img src="${src}" alt="IMEI 8699 shown"><figcaption>screen 4321</figcaption></figure>`;
    const masked = maskHtml(html, redactor);
    assert.ok(masked.includes(`src="${src}"`), 'the src is untouched');
    assert.doesNotMatch(masked, /8699|4321/, 'the alt text and the caption are masked');
    assert.deepEqual(verifyHtml(masked, redactor), []);
    // a src that is not a raster data URI is read as text like any attribute
    assert.match(maskHtml('<img src="https://x.example/1234.png">', redactor), /src="https:\/\/x\.example\/\[redacted\]\.png"/);
    assert.notDeepEqual(verifyHtml('<img src="data:image/svg+xml;base64,1234">', redactor), []);
  });
});
