/**
 * The PDF's document information (title, author, subject, keywords,
 * creator, producer, dates) as an incremental update appended to the file:
 * a new Info dictionary, a cross-reference section for it and a trailer
 * pointing back to the printer's (`/Prev`). Nothing Chromium wrote is
 * rewritten, so its tagged structure, outline and links stay as they are.
 */
import { createHash } from 'node:crypto';
import { PdfStructureError, readXref } from './pdf-structure';

/** The Info dictionary's entries; strings are written as PDF text strings, dates as PDF dates. */
export interface PdfInfo {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creator?: string;
  producer?: string;
  created?: Date;
  modified?: Date;
}

/**
 * A PDF text string: a literal string when `s` is printable ASCII (with `\`,
 * `(` and `)` escaped), otherwise UTF-16BE with a byte order mark as a hex
 * string. Lone surrogates become U+FFFD.
 */
export function pdfTextString(s: string): string {
  const text = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, (c: string) => `\\${c}`)})`;
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

/** A PDF date in UTC: `(D:20141024120000Z)`. */
export function pdfDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new PdfStructureError('An invalid date cannot be written into the PDF.');
  const iso = d.toISOString(); // 2014-10-24T12:00:00.000Z
  return `(D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z)`;
}

function infoDictionary(info: PdfInfo): string {
  const entries: string[] = [];
  const text = (key: string, v: string | undefined) => {
    if (v !== undefined && v !== '') entries.push(`/${key} ${pdfTextString(v)}`);
  };
  text('Title', info.title);
  text('Author', info.author);
  text('Subject', info.subject);
  text('Keywords', info.keywords);
  text('Creator', info.creator);
  text('Producer', info.producer);
  if (info.created) entries.push(`/CreationDate ${pdfDate(info.created)}`);
  if (info.modified ?? info.created) entries.push(`/ModDate ${pdfDate((info.modified ?? info.created)!)}`);
  return `<<${entries.join('\n')}>>`;
}

/**
 * `pdf` with `info` as its document information, appended as an incremental
 * update. The file's trailer must be readable (a classic table, or a
 * cross-reference stream whose dictionary is), unencrypted, with a `/Root`;
 * otherwise PdfStructureError and nothing is written.
 */
export function appendInfo(pdf: Uint8Array, info: PdfInfo): Buffer {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const xref = readXref(bytes);
  const t = xref.trailer;
  if (t.map.has('Encrypt')) throw new PdfStructureError('The PDF is encrypted; its document information cannot be added.');
  const size = t.map.get('Size');
  const root = t.map.get('Root');
  if (size?.t !== 'num' || !Number.isInteger(size.v) || size.v < 1) throw new PdfStructureError('The PDF trailer has no valid /Size.');
  if (root?.t !== 'ref') throw new PdfStructureError('The PDF trailer has no /Root.');
  const id = t.map.get('ID');
  const idText =
    id?.t === 'arr' && id.items.length === 2 && id.items.every((x) => x.t === 'str')
      ? xref.text.slice(id.start, id.end)
      : (() => {
          const h = createHash('md5').update(bytes).digest('hex').toUpperCase();
          return `[<${h}> <${h}>]`;
        })();
  const num = size.v;
  const head = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a && bytes[bytes.length - 1] !== 0x0d ? '\n' : '';
  const objOffset = bytes.length + head.length;
  const obj = `${num} 0 obj\n${infoDictionary(info)}\nendobj\n`;
  const xrefOffset = objOffset + Buffer.byteLength(obj, 'latin1');
  const update =
    head +
    obj +
    `xref\n0 1\n0000000000 65535 f \n${num} 1\n${String(objOffset).padStart(10, '0')} 00000 n \n` +
    `trailer\n<</Size ${num + 1}\n/Root ${root.n} ${root.g} R\n/Info ${num} 0 R\n/ID ${idText}\n/Prev ${xref.offset}>>\n` +
    `startxref\n${xrefOffset}\n%%EOF\n`;
  // every byte of the update is ASCII: the text strings are escaped or hex
  if (!/^[\x0a\x20-\x7e]*$/.test(update)) throw new PdfStructureError('The PDF update would hold bytes that are not ASCII.');
  return Buffer.concat([bytes, Buffer.from(update, 'latin1')]);
}
