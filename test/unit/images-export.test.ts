/**
 * The bundled example's evidence image in the exported PDF and HTML, through
 * the built command line (dist/cli.js): the PDF holds the screenshot as an
 * image of its own pixel size, and its hash check under it; the HTML carries
 * it as a data: URI and loads nothing. Needs Chromium (/usr/bin/chromium or
 * CHROMIUM_PATH), poppler-utils and `npm run build`; without them the tests
 * fail with a message saying what is missing, as the other export tests do.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const EXAMPLE = path.join(REPO, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
const IMAGE = 'evidence/micloud-signin-2014-08-06.png';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let tmp = '';

before(() => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. The export tests need it and do not skip: install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  for (const tool of ['pdfimages', 'pdftotext']) {
    try {
      execFileSync(tool, ['-v'], { stdio: 'pipe' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${tool} not found. The export tests read the PDFs with poppler-utils and do not skip: install it (Debian/Ubuntu: apt-get install -y poppler-utils).`);
    }
  }
  if (!existsSync(CLI)) throw new Error(`${path.relative(REPO, CLI)} not found: run \`npm run build\` first.`);
  tmp = mkdtempSync(path.join(tmpdir(), 'pa-images-export-'));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the example exported with its evidence image', () => {
  let pdf = '';
  let html = '';

  before(() => {
    pdf = path.join(tmp, 'x.pdf');
    html = path.join(tmp, 'x.html');
    execFileSync(process.execPath, [CLI, 'export', EXAMPLE, '--pdf', pdf, '--html', html, '--browser', CHROMIUM], { cwd: REPO, stdio: 'pipe', timeout: 120_000 });
  });

  test('the PDF holds the screenshot at its pixel size, with the hash check beside its caption', () => {
    const png = readFileSync(path.join(path.dirname(EXAMPLE), IMAGE));
    const size = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const rows = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
    assert.equal(rows.length, 1, rows.join('\n'));
    const [page, , type, width, height] = rows[0]!.trim().split(/\s+/);
    assert.equal(type, 'image');
    assert.deepEqual([Number(width), Number(height)], size);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-f', page!, '-l', page!, pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(text, /Mi Cloud sign-in screen of S7 \(reconstruction\)/);
    assert.match(text, /✓ E14 · sha256 verified/);
  });

  test('the HTML embeds it as a data: URI of its bytes and has no other image', () => {
    const doc = readFileSync(html, 'utf8');
    const imgs = [...doc.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(imgs.length, 1);
    const b64 = readFileSync(path.join(path.dirname(EXAMPLE), IMAGE)).toString('base64');
    assert.ok(imgs[0]!.startsWith(`<img src="data:image/png;base64,${b64}"`), imgs[0]!.slice(0, 80));
    assert.doesNotMatch(doc, new RegExp(IMAGE.replace(/[.]/g, '\\.') + '"'), 'the file is never referenced by its path');
  });
});
