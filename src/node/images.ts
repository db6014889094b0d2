/**
 * The images of a report, read for the preview and the export: each
 * `![alt](path)` whose path names a PNG, JPEG, GIF or WebP file inside the
 * workspace becomes a `data:` URI that the renderer embeds
 * (`RenderOptions.images`); everything else gets the reason it is not shown.
 *
 * - Paths are checked exactly as evidence paths are (`EvidenceChecker`):
 *   relative to the report, judged as text first, never out of the workspace
 *   by `..` or through a symbolic link; only regular files are opened, without
 *   blocking, and never more than the size limit is read.
 * - The type comes from the file's first bytes, never from its name. SVG is
 *   not an image here: it is a document that can hold script.
 * - Remote images (`http:`, `https:`) are never fetched, nor any other URL.
 * - Limits: `maxImageBytes` a file, `maxTotalBytes` all of a report's images
 *   together, counted in the order the images appear.
 *
 * The bytes are embedded as they are: redaction masks text, not pixels. A
 * screenshot that shows an identifier must be redacted before it is added.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { EvidenceChecker, fileTypeOf, formatBytes, notARegularFile, tooLargeToHash, type EvidenceFs } from '../core/lint/evidence';
import { nodeEvidenceFs, OPEN_NONBLOCKING } from './evidence-files';
import type { Report } from '../core/report/model';
import { imageSources, type ImageMime, type ImageView } from '../core/present/render/markdown';

export type { ImageView } from '../core/present/render/markdown';

/** The largest image file that is embedded. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** The most image bytes embedded in one report, all images together. */
export const MAX_TOTAL_IMAGE_BYTES = 25 * 1024 * 1024;

export interface LoadImagesOptions {
  /** Absolute path of the report; image paths are relative to its folder. */
  filePath: string;
  /** The workspace the images may not leave (default: the report's folder). */
  root?: string;
  maxImageBytes?: number;
  maxTotalBytes?: number;
}

/** The image type of a file by its first bytes, or undefined for anything else (SVG and other text included). */
export function sniffImage(bytes: Uint8Array): ImageMime | undefined {
  const ascii = (at: number, s: string) => bytes.length >= at + s.length && [...s].every((c, i) => bytes[at + i] === c.charCodeAt(0));
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  return undefined;
}

/** The pixel size from an image's header, when it can be read. */
export function imageSize(bytes: Uint8Array, mime: ImageMime): { width: number; height: number } | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : undefined);
  try {
    switch (mime) {
      case 'image/png':
        return b.toString('latin1', 12, 16) === 'IHDR' ? size(b.readUInt32BE(16), b.readUInt32BE(20)) : undefined;
      case 'image/gif':
        return size(b.readUInt16LE(6), b.readUInt16LE(8));
      case 'image/webp': {
        const chunk = b.toString('latin1', 12, 16);
        if (chunk === 'VP8 ') return size(b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
        if (chunk === 'VP8L') {
          const bits = b.readUInt32LE(21);
          return size((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
        }
        if (chunk === 'VP8X') return size(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1);
        return undefined;
      }
      case 'image/jpeg': {
        // the first start-of-frame segment holds the size (SOF0–SOF15 but DHT, JPG and DAC)
        let at = 2;
        while (at + 9 < b.length) {
          if (b[at] !== 0xff) return undefined;
          const marker = b[at + 1]!;
          if (marker === 0xff) {
            at++;
            continue;
          }
          if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return size(b.readUInt16BE(at + 7), b.readUInt16BE(at + 5));
          at += 2 + b.readUInt16BE(at + 2);
        }
        return undefined;
      }
    }
  } catch {
    return undefined; // a header cut short
  }
}

/** `data:image/png;base64,…` */
export function dataUri(mime: ImageMime, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/**
 * The evidence checker's file operations, with a hash that keeps the bytes
 * it hashed: the file is read once, and what is embedded is exactly what
 * was hashed.
 */
function readingFs(read: Map<string, Buffer>): EvidenceFs {
  return {
    stat: nodeEvidenceFs.stat,
    realpath: nodeEvidenceFs.realpath,
    async sha256(p, maxBytes = Infinity) {
      // non-blocking: a FIFO put in the file's place after the checker's stat cannot hang the open
      const handle = await fsp.open(p, OPEN_NONBLOCKING);
      const bytes = await readAll(handle, maxBytes).finally(() => handle.close());
      read.set(p, bytes);
      return createHash('sha256').update(bytes).digest('hex');
    },
  };
}

/** Every byte of an open regular file of at most `max` bytes; at most one byte more than its size is ever read. */
async function readAll(handle: fsp.FileHandle, max: number): Promise<Buffer> {
  const st = await handle.stat();
  const refused = !st.isFile() ? notARegularFile(fileTypeOf(st)) : st.size > max ? tooLargeToHash(st.size, max) : undefined;
  if (refused) throw new Error(refused);
  const buf = Buffer.allocUnsafe(st.size + 1);
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, total, buf.length - total, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total === buf.length) throw new Error('it grew while it was read');
  }
  return buf.subarray(0, total);
}

const REMOTE = /^https?:/i;
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Reads the images of `report` (or the `sources` given, as `imageSources`
 * lists them): a map from each source to the image as a `data:` URI, or to
 * the reason it is not shown. Never rejects for a bad image.
 */
export async function loadImages(report: Report | readonly string[], options: LoadImagesOptions): Promise<Map<string, ImageView>> {
  const sources = Array.isArray(report) ? (report as readonly string[]) : imageSources(report as Report);
  const maxImage = options.maxImageBytes ?? MAX_IMAGE_BYTES;
  const maxTotal = options.maxTotalBytes ?? MAX_TOTAL_IMAGE_BYTES;
  const filePath = path.resolve(options.filePath);
  const dir = path.dirname(filePath);
  const root = path.resolve(options.root ?? dir);
  const read = new Map<string, Buffer>();
  // a checker of its own: no hash cached from an earlier call stands in for bytes not read this time
  const checker = new EvidenceChecker(readingFs(read), { maxHashBytes: maxImage });
  const out = new Map<string, ImageView>();
  /** Real paths already counted towards the total, with what they gave. */
  const seen = new Map<string, ImageView>();
  let total = 0;
  for (const src of sources) {
    if (out.has(src)) continue;
    if (REMOTE.test(src)) {
      out.set(src, { ok: false, reason: 'remote images are not loaded' });
      continue;
    }
    if (URL_LIKE.test(src) && !/^[A-Za-z]:[\\/]/.test(src)) {
      out.set(src, { ok: false, reason: 'only image files in the workspace are shown, not addresses' });
      continue;
    }
    const st = await checker.check(src, dir, root);
    let view: ImageView;
    if (st.state === 'escape') view = { ok: false, reason: st.reason.replace(/`/g, '') };
    else if (st.state === 'missing') view = { ok: false, reason: 'the file was not found' };
    else if (st.state === 'not-a-file') view = { ok: false, reason: 'it is a folder, not an image file' };
    // the checker's words for a file over the limit speak of hashing; here the file is not shown
    else if (st.state === 'error') view = { ok: false, reason: st.message.startsWith('it is ') ? st.message.replace(/^it is too large to hash/, 'it is too large') : `it cannot be read: ${st.message}` };
    else {
      const real = await nodeEvidenceFs.realpath(st.path).catch(() => st.path);
      const again = seen.get(real);
      if (again) {
        out.set(src, again);
        continue;
      }
      view = imageView(read.get(real), st.sha256, total, maxTotal);
      if (view.ok) total += view.bytes;
      seen.set(real, view);
    }
    out.set(src, view);
  }
  return out;
}

/** The image from the bytes read, or why not. */
function imageView(bytes: Buffer | undefined, sha256: string, total: number, maxTotal: number): ImageView {
  if (!bytes) return { ok: false, reason: 'it could not be read' };
  const mime = sniffImage(bytes);
  if (!mime) return { ok: false, reason: 'it is not a PNG, JPEG, GIF or WebP image (SVG is not shown)' };
  if (total + bytes.length > maxTotal) return { ok: false, reason: `the report's images would exceed ${formatBytes(maxTotal)} together` };
  return { ok: true, dataUri: dataUri(mime, bytes), mime, bytes: bytes.length, sha256, ...imageSize(bytes, mime) };
}
