/**
 * Reading the PDF that Chromium prints: its cross-reference sections and
 * trailer (`readXref`) and on which page each named destination landed
 * (`destinationPages`).
 *
 * The reader understands what a PDF writer such as Skia writes: a classic
 * cross-reference table (or, for the document-information update only, a
 * cross-reference stream's dictionary) and uncompressed dictionaries.
 * Whatever it cannot read with certainty is refused with
 * `PdfStructureError`, never guessed.
 */

export class PdfStructureError extends Error {
  override readonly name = 'PdfStructureError';
}

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

export interface Xref {
  /** The file as latin1 text (one character a byte). */
  text: string;
  /** Where the last cross-reference section starts. */
  offset: number;
  kind: 'table' | 'stream';
  trailer: Extract<Obj, { t: 'dict' }>;
  /** Offsets of the objects in use (classic tables only; newest section wins). */
  objects: Map<number, number>;
}

export function readXref(bytes: Buffer): Xref {
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
