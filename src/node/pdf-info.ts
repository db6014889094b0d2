/**
 * What the export adds to, and reads from, the PDF that Chromium prints.
 *
 * - `appendInfo`: the document information (title, author, subject,
 *   keywords, creator, producer, dates) as an incremental update appended to
 *   the file: a new Info dictionary, a cross-reference section for it and a
 *   trailer pointing back to the printer's (`/Prev`). Nothing Chromium wrote
 *   is rewritten, so its tagged structure, outline and links stay as they are.
 * - `destinationPages`: on which page each named destination (an element id
 *   that a link points to) landed, read from the catalog's `/Dests`.
 * - `measureContents`/`fillContents`: the page numbers of the contents,
 *   measured in the print page before printing (see `measureInPage`).
 *
 * The reader below understands what a PDF writer such as Skia writes: a
 * classic cross-reference table (or, for the update only, a cross-reference
 * stream's dictionary) and uncompressed dictionaries. Whatever it cannot
 * read with certainty is refused with `PdfStructureError`, never guessed.
 */
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { PAGE_MARGIN, PAPER_SIZE, type Paper } from '../core/present/document';

export class PdfStructureError extends Error {
  override readonly name = 'PdfStructureError';
}

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

// ------------------------------------------------------------------ writing

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

// ------------------------------------------------------------------ reading

type Obj =
  | { t: 'dict'; map: Map<string, Obj>; start: number; end: number }
  | { t: 'arr'; items: Obj[]; start: number; end: number }
  | { t: 'name'; v: string; start: number; end: number }
  | { t: 'str'; start: number; end: number }
  | { t: 'num'; v: number; start: number; end: number }
  | { t: 'ref'; n: number; g: number; start: number; end: number }
  | { t: 'kw'; v: string; start: number; end: number };

const WS = /[\x00\x09\x0a\x0c\x0d\x20]/;
const DELIM = /[\x00\x09\x0a\x0c\x0d\x20()<>[\]{}/%]/;
const MAX_DEPTH = 64;

function skipWs(s: string, i: number): number {
  for (;;) {
    while (i < s.length && WS.test(s[i]!)) i++;
    if (s[i] !== '%') return i;
    while (i < s.length && s[i] !== '\n' && s[i] !== '\r') i++;
  }
}

function bad(what: string, at: number): never {
  throw new PdfStructureError(`The PDF cannot be read: ${what} at byte ${at}.`);
}

/** One PDF object (not a stream's data) at `i`. */
function parseObj(s: string, i: number, depth = 0): Obj {
  if (depth > MAX_DEPTH) bad('objects nested too deeply', i);
  i = skipWs(s, i);
  const start = i;
  const c = s[i];
  if (c === undefined) bad('an unexpected end', i);
  if (c === '<' && s[i + 1] === '<') {
    const map = new Map<string, Obj>();
    i += 2;
    for (;;) {
      i = skipWs(s, i);
      if (s[i] === '>' && s[i + 1] === '>') return { t: 'dict', map, start, end: i + 2 };
      const key = parseObj(s, i, depth + 1);
      if (key.t !== 'name') bad('a dictionary key that is not a name', i);
      const value = parseObj(s, key.end, depth + 1);
      map.set(key.v, value);
      i = value.end;
    }
  }
  if (c === '<') {
    const end = s.indexOf('>', i);
    if (end < 0 || !/^[0-9a-fA-F\s]*$/.test(s.slice(i + 1, end))) bad('a broken hex string', i);
    return { t: 'str', start, end: end + 1 };
  }
  if (c === '(') {
    let level = 0;
    for (; i < s.length; i++) {
      const ch = s[i];
      if (ch === '\\') i++;
      else if (ch === '(') level++;
      else if (ch === ')' && --level === 0) return { t: 'str', start, end: i + 1 };
    }
    bad('an unterminated string', start);
  }
  if (c === '[') {
    const items: Obj[] = [];
    i++;
    for (;;) {
      i = skipWs(s, i);
      if (s[i] === ']') return { t: 'arr', items, start, end: i + 1 };
      const item = parseObj(s, i, depth + 1);
      items.push(item);
      i = item.end;
    }
  }
  if (c === '/') {
    let j = i + 1;
    while (j < s.length && !DELIM.test(s[j]!)) j++;
    const v = s.slice(i + 1, j).replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return { t: 'name', v, start, end: j };
  }
  const num = /[+-]?(?:\d+\.?\d*|\.\d+)/y;
  num.lastIndex = i;
  const m = num.exec(s);
  if (m) {
    const ref = /(\d+)\s+(\d+)\s+R(?![^\x00\x09\x0a\x0c\x0d\x20()<>[\]{}/%])/y;
    ref.lastIndex = i;
    const r = /^\d+$/.test(m[0]) ? ref.exec(s) : null;
    if (r) return { t: 'ref', n: Number(r[1]), g: Number(r[2]), start, end: ref.lastIndex };
    return { t: 'num', v: Number(m[0]), start, end: i + m[0].length };
  }
  const kw = /(true|false|null)(?![^\x00\x09\x0a\x0c\x0d\x20()<>[\]{}/%])/y;
  kw.lastIndex = i;
  const k = kw.exec(s);
  if (k) return { t: 'kw', v: k[1]!, start, end: kw.lastIndex };
  bad(`an unexpected ${JSON.stringify(c)}`, i);
}

interface Xref {
  /** The file as latin1 text (one character a byte). */
  text: string;
  /** Where the last cross-reference section starts. */
  offset: number;
  kind: 'table' | 'stream';
  trailer: Extract<Obj, { t: 'dict' }>;
  /** Offsets of the objects in use (classic tables only; newest section wins). */
  objects: Map<number, number>;
}

function readXref(bytes: Buffer): Xref {
  const text = bytes.toString('latin1');
  if (!text.startsWith('%PDF-')) throw new PdfStructureError('The file is not a PDF (no %PDF- header).');
  const tail = text.slice(Math.max(0, text.length - 2048));
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!m) throw new PdfStructureError('The PDF does not end with startxref and %%EOF.');
  const offset = Number(m[1]);
  if (!(offset > 0 && offset < text.length)) throw new PdfStructureError(`The PDF's startxref (${offset}) is outside the file.`);
  const objects = new Map<number, number>();
  let trailer: Extract<Obj, { t: 'dict' }> | undefined;
  let kind: Xref['kind'] = 'table';
  const seen = new Set<number>();
  for (let at: number | undefined = offset; at !== undefined; ) {
    if (seen.has(at) || seen.size > 64) throw new PdfStructureError('The PDF cross-reference sections loop.');
    seen.add(at);
    let i = skipWs(text, at);
    let dict: Extract<Obj, { t: 'dict' }>;
    if (text.startsWith('xref', i)) {
      i += 4;
      const head = /\s*(\d+)\s+(\d+)[ \t]*\r?\n?/y;
      for (;;) {
        head.lastIndex = i;
        const h = head.exec(text);
        if (!h) break;
        const first = Number(h[1]);
        const count = Number(h[2]);
        i = head.lastIndex;
        const entry = /(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)/y;
        for (let k = 0; k < count; k++) {
          entry.lastIndex = i;
          const e = entry.exec(text);
          if (!e) bad('a malformed cross-reference entry', i);
          if (e[3] === 'n' && !objects.has(first + k)) objects.set(first + k, Number(e[1]));
          else if (e[3] === 'f' && !objects.has(first + k)) objects.set(first + k, -1);
          i = entry.lastIndex;
        }
      }
      i = skipWs(text, i);
      if (!text.startsWith('trailer', i)) bad('no trailer after the cross-reference table', i);
      const t = parseObj(text, i + 7);
      if (t.t !== 'dict') bad('a trailer that is not a dictionary', i);
      dict = t;
    } else {
      // a cross-reference stream: its dictionary serves as the trailer (its entries are not read)
      const o = /(\d+)\s+(\d+)\s+obj\b/y;
      o.lastIndex = i;
      if (!o.exec(text)) bad('no cross-reference table or stream where startxref points', i);
      const t = parseObj(text, o.lastIndex);
      const type = t.t === 'dict' ? t.map.get('Type') : undefined;
      if (t.t !== 'dict' || type?.t !== 'name' || type.v !== 'XRef') bad('an object that is not a cross-reference stream where startxref points', i);
      if (!/^\s*stream\r?\n/.test(text.slice(t.end, t.end + 16))) bad('a cross-reference stream without its data', t.end);
      dict = t;
      if (at === offset) kind = 'stream';
    }
    trailer ??= dict;
    const prev = dict.map.get('Prev');
    at = prev?.t === 'num' && Number.isInteger(prev.v) && prev.v > 0 && prev.v < text.length ? prev.v : undefined;
    if (prev && at === undefined) bad('a /Prev outside the file', i);
  }
  const root = trailer!.map.get('Root');
  if (kind === 'table' && root?.t === 'ref') {
    // the table must point at the catalog: a table whose offsets are off is not trusted
    const off = objects.get(root.n);
    if (off === undefined || off < 0 || !new RegExp(`^${root.n}\\s+${root.g}\\s+obj\\b`).test(text.slice(off, off + 32))) {
      throw new PdfStructureError('The PDF cross-reference table does not point at its catalog.');
    }
  }
  return { text, offset, kind, trailer: trailer!, objects };
}

/**
 * The page (1-based) of each named destination among `names`, read from the
 * catalog's `/Dests` dictionary or `/Names` tree. Undefined when the PDF
 * cannot be read so (a cross-reference stream, objects in object streams);
 * a name that is not a destination is left out of the map.
 */
export function destinationPages(pdf: Uint8Array, names: readonly string[]): Map<string, number> | undefined {
  let xref: Xref;
  try {
    xref = readXref(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
  } catch {
    return undefined;
  }
  if (xref.kind !== 'table') return undefined;
  const { text, objects } = xref;
  const cache = new Map<number, Obj>();
  const get = (n: number): Obj => {
    const hit = cache.get(n);
    if (hit) return hit;
    const off = objects.get(n);
    if (off === undefined || off < 0) bad(`object ${n} missing`, 0);
    const head = /(\d+)\s+(\d+)\s+obj\b/y;
    head.lastIndex = off;
    const h = head.exec(text);
    if (!h || Number(h[1]) !== n) bad(`object ${n} not where the table says`, off);
    const o = parseObj(text, head.lastIndex);
    cache.set(n, o);
    return o;
  };
  const resolve = (o: Obj | undefined): Obj | undefined => (o?.t === 'ref' ? get(o.n) : o);
  try {
    const catalog = resolve(xref.trailer.map.get('Root'));
    if (catalog?.t !== 'dict') return undefined;
    // the pages in order: the page tree's leaves
    const pageNumber = new Map<number, number>();
    const walk = (ref: Obj | undefined, depth: number) => {
      if (ref?.t !== 'ref' || depth > MAX_DEPTH || pageNumber.size > 100_000) bad('a broken page tree', 0);
      const node = get(ref.n);
      if (node.t !== 'dict') bad('a page tree node that is not a dictionary', node.start);
      const kids = resolve(node.map.get('Kids'));
      const type = node.map.get('Type');
      if (type?.t === 'name' && type.v === 'Pages') {
        if (kids?.t !== 'arr') bad('a page tree node without kids', node.start);
        for (const k of kids.items) walk(k, depth + 1);
      } else if (!pageNumber.has(ref.n)) pageNumber.set(ref.n, pageNumber.size + 1);
    };
    walk(catalog.map.get('Pages'), 0);
    const pageOf = (dest: Obj | undefined): number | undefined => {
      let d = resolve(dest);
      if (d?.t === 'dict') d = resolve(d.map.get('D'));
      const first = d?.t === 'arr' ? d.items[0] : undefined;
      return first?.t === 'ref' ? pageNumber.get(first.n) : undefined;
    };
    const wanted = new Set(names);
    const out = new Map<string, number>();
    const dests = resolve(catalog.map.get('Dests'));
    if (dests?.t === 'dict') {
      for (const [k, v] of dests.map) {
        if (!wanted.has(k)) continue;
        const p = pageOf(v);
        if (p !== undefined) out.set(k, p);
      }
    }
    // PDF 1.2 and later may keep them in a name tree instead
    const nameTree = resolve(catalog.map.get('Names'));
    const tree = nameTree?.t === 'dict' ? nameTree.map.get('Dests') : undefined;
    const visit = (node: Obj | undefined, depth: number) => {
      const n = resolve(node);
      if (n?.t !== 'dict' || depth > MAX_DEPTH) return;
      const list = resolve(n.map.get('Names'));
      if (list?.t === 'arr') {
        for (let i = 0; i + 1 < list.items.length; i += 2) {
          const key = list.items[i]!;
          const name = key.t === 'str' ? stringValue(text.slice(key.start, key.end)) : undefined;
          if (name === undefined || !wanted.has(name) || out.has(name)) continue;
          const p = pageOf(list.items[i + 1]);
          if (p !== undefined) out.set(name, p);
        }
      }
      const kids = resolve(n.map.get('Kids'));
      if (kids?.t === 'arr') for (const k of kids.items) visit(k, depth + 1);
    };
    visit(tree, 0);
    return out;
  } catch (err) {
    if (err instanceof PdfStructureError) return undefined;
    throw err;
  }
}

/** The bytes of a PDF string token as text (ASCII and latin1 names only; UTF-16 with a BOM decoded). */
function stringValue(token: string): string | undefined {
  let raw = '';
  if (token.startsWith('<')) {
    const hex = token.slice(1, -1).replace(/\s+/g, '');
    for (let i = 0; i < hex.length; i += 2) raw += String.fromCharCode(parseInt(hex.slice(i, i + 2).padEnd(2, '0'), 16));
  } else {
    const body = token.slice(1, -1);
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      if (c !== '\\') {
        raw += c;
        continue;
      }
      const n = body[++i];
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
      if (n === undefined) break;
      if (simple[n] !== undefined) raw += simple[n];
      else if (/[0-7]/.test(n)) {
        const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
        raw += String.fromCharCode(parseInt(oct, 8) & 0xff);
        i += oct.length - 1;
      } else if (n === '\r' || n === '\n') {
        if (n === '\r' && body[i + 1] === '\n') i++;
      } else raw += n;
    }
  }
  if (raw.startsWith('\xfe\xff')) {
    let s = '';
    for (let i = 2; i + 1 < raw.length; i += 2) s += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
    return s;
  }
  return raw;
}

// ------------------------------------------------------------------ the contents' page numbers

/** What the in-page functions use of the DOM (this module is also compiled without the DOM library). */
interface DomRect {
  left: number;
  right: number;
  width: number;
  height: number;
}
interface DomElement {
  textContent: string | null;
  readonly children: ArrayLike<DomElement>;
  readonly clientWidth: number;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  readonly classList: { add(c: string): void; remove(c: string): void };
  closest(selector: string): DomElement | null;
  getAttribute(name: string): string | null;
  getClientRects(): ArrayLike<DomRect>;
  getBoundingClientRect(): DomRect;
  appendChild(child: DomElement): unknown;
  remove(): void;
}
interface CssDeclarations {
  getPropertyValue(property: string): string;
  getPropertyPriority(property: string): string;
}
interface CssRule {
  readonly constructor: { name: string };
  selectorText?: string;
  style?: CssDeclarations;
  media?: { mediaText: string };
  cssRules?: ArrayLike<CssRule>;
}
interface PageDom {
  document: {
    documentElement: DomElement;
    head: DomElement;
    body: DomElement;
    styleSheets: ArrayLike<{ cssRules: ArrayLike<CssRule> }>;
    querySelectorAll(selector: string): ArrayLike<DomElement>;
    getElementById(id: string): DomElement | null;
    createElement(tag: string): DomElement;
  };
  getComputedStyle(el: DomElement): Record<'marginLeft' | 'marginRight' | 'borderLeftWidth' | 'borderRightWidth' | 'paddingLeft' | 'paddingRight' | 'position', string>;
  matchMedia(query: string): { matches: boolean };
}

/** The contents' page-number slots (document.ts writes them empty, with their width reserved). */
export const CONTENTS_SLOT = 'nav.pa-toc .pa-toc-page';

/**
 * Runs in the print page (Playwright evaluates in it although the page's own
 * scripts are disabled). Lays the document out as pages: the body becomes a
 * multi-column box whose columns are the page's content box, every forced
 * page break a forced column break (and `avoid-page` an `avoid`), the cover
 * (one page) hidden; each heading's column is then its page. Everything is
 * put back before it returns. Returns, for each slot in order, the target id
 * and its page, or null for a target that is not laid out.
 */
function measureInPage(arg: { slot: string; width: number; height: number; coverPages: number }): { id: string; page: number | null }[] {
  const { document, getComputedStyle, matchMedia } = globalThis as unknown as PageDom;
  const slots = Array.from(document.querySelectorAll(arg.slot));
  if (!slots.length) return [];
  const cls = 'pa-measuring-pages';
  const root = document.documentElement;
  const body = document.body;
  const rules: string[] = [];
  const pageish = /^(page|left|right|recto|verso|always)$/;
  const map = (r: CssRule & { style: CssDeclarations }) => {
    const decls: string[] = [];
    for (const [prop, alias] of [['break-before', 'page-break-before'], ['break-after', 'page-break-after'], ['break-inside', 'page-break-inside']] as const) {
      const v = (r.style.getPropertyValue(prop) || r.style.getPropertyValue(alias)).trim();
      if (!v) continue;
      const important = r.style.getPropertyPriority(prop) || r.style.getPropertyPriority(alias) ? ' !important' : '';
      if (prop !== 'break-inside' && pageish.test(v)) decls.push(`${prop}: column${important};`);
      else if (v === 'avoid-page') decls.push(`${prop}: avoid${important};`);
    }
    if (decls.length) rules.push(`html.${cls} :is(${r.selectorText}) { ${decls.join(' ')} }`);
  };
  const visit = (list: ArrayLike<CssRule>, depth: number) => {
    if (depth > 16) return;
    for (const r of Array.from(list)) {
      const kind = r.constructor.name;
      if (kind === 'CSSStyleRule' && r.style && r.selectorText) map(r as CssRule & { style: CssDeclarations });
      else if (kind === 'CSSMediaRule' && r.media && r.cssRules) {
        if (matchMedia(r.media.mediaText).matches) visit(r.cssRules, depth + 1);
      } else if ((kind === 'CSSSupportsRule' || kind === 'CSSLayerBlockRule') && r.cssRules) visit(r.cssRules, depth + 1);
    }
  };
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      visit(sheet.cssRules, 0);
    } catch {
      // a sheet that cannot be read is not the document's own
    }
  }
  const cs = getComputedStyle(body);
  const px = (v: string) => parseFloat(v) || 0;
  // the body's own margins, borders and padding sit inside the page's content box, as in print
  const inline = px(cs.marginLeft) + px(cs.marginRight) + px(cs.borderLeftWidth) + px(cs.borderRightWidth) + px(cs.paddingLeft) + px(cs.paddingRight);
  // Chromium prints content wider than the page shrunk to fit, all pages alike (by the widest overflow, at most 1.5×):
  // the pages are then laid out that much wider and taller. The same factor here, from the document laid out at the
  // page's width: the loaded layout itself when the viewport has that width (see `printViewport`), else a probe.
  const probe = document.createElement('style');
  probe.textContent =
    `html.${cls}-width body { box-sizing: content-box !important; width: ${arg.width - inline}px !important; min-width: 0 !important; max-width: none !important; overflow: hidden !important; }\n` +
    `html.${cls}-width .pa-cover { display: none !important; }`;
  const viewport = root.clientWidth;
  const probing = Math.abs(viewport - arg.width) > 1;
  let shrink = 1;
  try {
    if (probing) {
      document.head.appendChild(probe);
      root.classList.add(`${cls}-width`);
    }
    // where the page area ends in this layout: the viewport's right edge, or the probed body's margin box
    const bodyBox = body.getBoundingClientRect();
    const end = probing ? bodyBox.right + px(cs.marginRight) : viewport;
    // how far the content reaches (whole pixels): the viewport's scrolling area, or the probed body's (clipped, so a scroller)
    const scrollWidth = probing
      ? bodyBox.left + px(cs.borderLeftWidth) + (body as unknown as { scrollWidth: number }).scrollWidth - px(cs.paddingRight)
      : (root as unknown as { scrollWidth: number }).scrollWidth;
    if (scrollWidth > end + 0.5) {
      // the exact right edge from the boxes (scrollWidth is whole pixels), down only into boxes that overflow
      let right = 0;
      const walk = (el: DomElement, depth: number) => {
        for (const c of Array.from(el.children)) {
          if (c.closest('.pa-cover, .pa-watermark')) continue;
          const r = c.getBoundingClientRect();
          if (r.right > right && (r.width > 0 || r.height > 0) && getComputedStyle(c).position !== 'fixed') right = r.right;
          const box = c as unknown as { scrollWidth: number; clientWidth: number };
          if (depth < 200 && (box.clientWidth === 0 || box.scrollWidth > box.clientWidth)) walk(c, depth + 1);
        }
      };
      walk(body, 0);
      // text that overflows its box (seen only by scrollWidth) wins when it reaches further
      if (scrollWidth > right + 1) right = scrollWidth;
      shrink = Math.min(1.5, Math.max(1, (arg.width + (right - end)) / arg.width));
    }
  } finally {
    if (probing) {
      root.classList.remove(`${cls}-width`);
      probe.remove();
    }
  }
  const colWidth = arg.width * shrink - inline;
  const colHeight = arg.height * shrink;
  rules.push(
    `html.${cls} body { box-sizing: content-box !important; width: ${colWidth}px !important; min-width: 0 !important; max-width: none !important; ` +
      `height: ${colHeight}px !important; min-height: 0 !important; max-height: none !important; padding-top: 0 !important; padding-bottom: 0 !important; ` +
      `margin-top: 0 !important; margin-bottom: 0 !important; border-top-width: 0 !important; border-bottom-width: 0 !important; ` +
      `column-width: ${colWidth}px !important; column-count: 1 !important; column-gap: 0 !important; column-fill: auto !important; overflow: visible !important; }`,
    `html.${cls} .pa-cover { display: none !important; }`,
  );
  const style = document.createElement('style');
  style.textContent = rules.join('\n');
  const out: { id: string; page: number | null }[] = [];
  try {
    document.head.appendChild(style);
    root.classList.add(cls);
    const box = body.getBoundingClientRect();
    const x0 = box.left + px(cs.borderLeftWidth) + px(cs.paddingLeft);
    for (const slot of slots) {
      const href = slot.closest('a')?.getAttribute('href') ?? '';
      const id = href.startsWith('#') ? href.slice(1) : '';
      const target = id ? document.getElementById(id) : null;
      const rect = target ? Array.from(target.getClientRects()).find((r) => r.height > 0 || r.width > 0) : undefined;
      const column = rect ? Math.floor((rect.left - x0 + 0.5) / colWidth) : NaN;
      out.push({ id, page: Number.isInteger(column) && column >= 0 ? column + 1 + arg.coverPages : null });
    }
  } finally {
    root.classList.remove(cls);
    style.remove();
  }
  return out;
}

/**
 * Chromium's printed page area is a little taller than the page size less
 * the margins (it works in whole units of its own): measured, a card 0.27 px
 * taller than that still fits on the page, and the pages of the example and
 * of a 30-page report come out the same with anything from +0.3 to +3 px.
 */
const PAGE_AREA_SLACK_PX = 1;

/** The page's content box in CSS pixels (the @page size less the margins document.ts sets). */
export function pageContentBox(paper: Paper): { width: number; height: number } {
  const mm = 96 / 25.4;
  const p = PAPER_SIZE[paper];
  return { width: (p.w - PAGE_MARGIN.left - PAGE_MARGIN.right) * mm, height: (p.h - PAGE_MARGIN.top - PAGE_MARGIN.bottom) * mm + PAGE_AREA_SLACK_PX };
}

/**
 * The viewport to load a document to be printed on `paper` in: as wide as
 * the page's content box (whole pixels), so that the layout done while
 * loading already shows what is wider than the page.
 */
export function printViewport(paper: Paper): { width: number; height: number } {
  const box = pageContentBox(paper);
  return { width: Math.round(box.width), height: Math.round(box.height) };
}

/**
 * Measures, in the loaded print page, on which page each contents entry's
 * target will print. Undefined when the document has no slots, when the
 * measuring failed or took longer than `timeoutMs` (the page is then busy:
 * the caller must not print in it), or when the result is not plausible.
 */
export async function measureContents(page: Page, paper: Paper, timeoutMs: number): Promise<{ entries: { id: string; page: number | null }[] } | { timedOut: true } | undefined> {
  const box = pageContentBox(paper);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const measuring = page.evaluate<{ id: string; page: number | null }[]>(inPage(measureInPage, { slot: CONTENTS_SLOT, ...box, coverPages: 1 }));
  measuring.catch(() => {});
  try {
    const r = await Promise.race([measuring, timeout]);
    if (r === 'timeout') return { timedOut: true };
    if (!r.length) return undefined;
    // the entries follow the document: their pages never go back
    let last = 0;
    for (const e of r) {
      if (e.page === null) continue;
      if (e.page < last) return undefined;
      last = e.page;
    }
    return { entries: r };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An expression that calls `fn(arg)` in the page. Written out as source with
 * the one helper a TypeScript transpiler may add to named inner functions
 * (`__name`, under tsx), which the page does not have.
 */
function inPage<A>(fn: (arg: A) => unknown, arg: A): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}

/** Writes the page numbers into the contents' slots (by slot order); `undefined` empties them all. */
export async function fillContents(page: Page, pages: readonly (number | null)[] | undefined): Promise<void> {
  await page.evaluate(
    inPage(
      ({ slot, pages }: { slot: string; pages: (number | null)[] | null }) => {
        const { document } = globalThis as unknown as PageDom;
        const slots = Array.from(document.querySelectorAll(slot));
        slots.forEach((s, i) => {
          const p = pages?.[i];
          s.textContent = typeof p === 'number' ? String(p) : '';
        });
      },
      { slot: CONTENTS_SLOT, pages: pages ? [...pages] : null },
    ),
  );
}
