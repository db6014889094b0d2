/**
 * The last pass over an exported HTML document, as a reader reads it: the
 * text between the tags is decoded and read as one string, so a secret that
 * markup split (`8699990<strong>12345677</strong>`, a link's text, a table
 * cell) is found and masked; every attribute value (titles, alt texts, ids,
 * links) is masked on its own. `verifyHtml` then reads the result again and
 * names what would still leak: the export refuses to write it.
 *
 * It expects HTML as our renderer writes it (escaped text, quoted
 * attributes); style sheets are read as text too, so a CSS `content:`
 * string cannot carry a secret to the page.
 */
import { escapeAttr, escapeHtml } from '../present/render/escape';
import { REDACTED, type Redactor } from './engine';

const TAG = /<!--[\s\S]*?-->|<\/?[A-Za-z][^>]*>|<!DOCTYPE[^>]*>/g;
const ATTR = /([^\s"'=<>/]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)')/g;
const RAW_TEXT = /^<(style|script)\b/i;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/** Decodes the character references our renderers and mermaid write. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6}|#39);/gi, (all, name: string) => {
    if (name[0] === '#') {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return NAMED[name.toLowerCase()] ?? all;
  });
}

interface Piece {
  /** Raw HTML of the piece. */
  raw: string;
  /** Text as read (decoded), for text pieces. */
  text?: string;
  rawText?: boolean;
  /** For the number of an `<ol start>`: the index of its tag, which loses `start` when the number is masked. */
  listStart?: number;
}

function split(html: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  let inRaw = false;
  for (const m of html.matchAll(TAG)) {
    const at = m.index!;
    if (at > last) {
      const raw = html.slice(last, at);
      pieces.push({ raw, text: inRaw ? raw : decodeEntities(raw), rawText: inRaw });
    }
    pieces.push({ raw: m[0] });
    const start = LIST_START.exec(m[0]);
    if (start) pieces.push({ raw: '', text: `${start[1]}. `, listStart: pieces.length - 1 });
    if (RAW_TEXT.test(m[0])) inRaw = true;
    else if (/^<\/(style|script)\b/i.test(m[0])) inRaw = false;
    last = at + m[0].length;
  }
  if (last < html.length) {
    const raw = html.slice(last);
    pieces.push({ raw, text: decodeEntities(raw) });
  }
  return pieces;
}

/** `redactor.mask`, remembered: a document repeats its attribute values (`code-line`) thousands of times. */
function memo(redactor: Redactor): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let m = seen.get(s);
    if (m === undefined) seen.set(s, (m = redactor.mask(s)));
    return m;
  };
}

/**
 * An embedded picture's bytes (`src="data:image/png;base64,…"`): pixels, not
 * text. Masking them would only corrupt the image (a pattern can match inside
 * base64), and no reader sees them as text. What a screenshot shows is the
 * analyst's to black out (docs/redaction.md).
 */
const RASTER_DATA = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]*$/;
const isPixels = (name: string, value: string) => /^src$/i.test(name) && RASTER_DATA.test(value);

function maskTag(tag: string, redactor: Redactor, mask: (s: string) => string): string {
  if (tag.startsWith('<!--')) return redactor.leaks(tag) ? '<!-- [redacted] -->' : tag;
  if (!tag.includes('=')) return tag;
  return tag.replace(ATTR, (all, name: string, eq: string, dq: string | undefined, sq: string | undefined) => {
    if (isPixels(name, dq ?? sq ?? '')) return all;
    const value = readAttr(name, dq ?? sq ?? '');
    const masked = mask(value);
    return masked === value ? all : `${name}${eq}"${escapeAttr(masked)}"`;
  });
}

/** An attribute value as it reads: entities decoded, and a link's percent-encoding too (markdown-it encodes what the author wrote). */
function readAttr(name: string, raw: string): string {
  const value = decodeEntities(raw);
  if (!/^(href|src|xlink:href)$/i.test(name) || !value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%[0-9a-f]{2}/gi, (h) => String.fromCharCode(parseInt(h.slice(1), 16)));
  }
}

/** An ordered list's `start` number is printed in front of its first item: it is read with the text that follows. */
const LIST_START = /^<ol\b[^>]*\sstart="(\d+)"/i;

/** The document with every secret masked in its text (read across tags) and its attributes. */
export function maskHtml(html: string, redactor: Redactor): string {
  if (redactor.empty) return html;
  const pieces = split(html);
  const texts = pieces.filter((p) => p.text !== undefined);
  const masked = redactor.maskSegments(texts.map((p) => p.text!));
  texts.forEach((p, i) => {
    if (masked[i] === p.text) return;
    if (p.listStart !== undefined) pieces[p.listStart]!.raw = pieces[p.listStart]!.raw.replace(/\sstart="\d+"/, '');
    else p.raw = p.rawText ? masked[i]! : escapeHtml(masked[i]!);
  });
  const mask = memo(redactor);
  return pieces.map((p) => (p.text === undefined ? maskTag(p.raw, redactor, mask) : p.raw)).join('');
}

/** What a reader could still find in the document: an empty list when nothing leaks. */
export function verifyHtml(html: string, redactor: Redactor): string[] {
  if (redactor.empty) return [];
  const pieces = split(html);
  const found: string[] = [];
  const text = pieces.filter((p) => p.text !== undefined).map((p) => p.text!).join('');
  if (redactor.leaks(text)) found.push('the text');
  const checked = new Set<string>();
  for (const p of pieces) {
    if (p.text !== undefined) continue;
    for (const m of p.raw.matchAll(ATTR)) {
      if (isPixels(m[1]!, m[3] ?? m[4] ?? '')) continue;
      const value = readAttr(m[1]!, m[3] ?? m[4] ?? '');
      if (checked.has(value)) continue;
      checked.add(value);
      if (redactor.leaks(value)) found.push(`the attribute ${m[1]} of ${p.raw.slice(0, 40)}…`);
    }
    if (p.raw.startsWith('<!--') && redactor.leaks(p.raw)) found.push('a comment');
  }
  return found;
}

export { REDACTED };
