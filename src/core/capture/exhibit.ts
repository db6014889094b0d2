/**
 * Exhibits: what a reviewer sees of a request that carried a canary, without
 * the canary. For each unit (HAR entry, pcap frame) whose request carried a
 * declared value, the scan keeps the request line (method and URL), and each
 * header, body or payload that held one — as text, with every token that
 * holds a canary in any form the matcher knows (as written, normal forms,
 * percent-encoded, base64, hex, hashes, compressed …) replaced by a marker
 * naming its category. Before a line is kept, the matcher reads it once more
 * as a whole; if it still finds a canary there, the line's text is withheld.
 * So an exhibit can go into a preview, a PDF or a hover as it is.
 */

import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import type { Matcher, UnitMatch } from './match';
import type { Canary, CaptureUnit, Part, Where } from './types';

/** Text as captured, or the place of a canary (named by its category, never its value). */
export type ExhibitSegment = { text: string } | { canary: string };

export interface ExhibitLine {
  /** `request` for the request line (method and URL); otherwise the part's kind. */
  where: Where | 'request';
  /** The header (or WebSocket direction) name. */
  name?: string;
  /** The line as captured, cut to the places around the canaries, each canary a marker. */
  segments: ExhibitSegment[];
  /** The categories this part carried (request side), in order of first match. */
  categories: string[];
  /** How each was encoded, outermost first (`json → base64`), one entry per distinct chain. */
  chains: string[];
  /** Why the text is not shown (binary, too large, still holding a value after masking). */
  withheld?: string;
}

export interface Exhibit {
  locator: string;
  method?: string;
  host?: string;
  address?: string;
  port?: number;
  protocol?: string;
  tls?: boolean;
  time?: string;
  lines: ExhibitLine[];
}

/**
 * How much of a part an exhibit reads, and shows around each canary; the
 * tokens one line may hold (each is decoded to be checked), and the tokens
 * all the exhibits of one capture may check together (`ExhibitBudget`): a
 * hostile capture costs its exhibits about what it costs the scan.
 */
export const EXHIBIT_LIMITS = { partBytes: 64 << 10, context: 48, lineChars: 600, tokens: 4000, captureTokens: 400_000 } as const;

/** What the exhibits of one capture may still spend (tokens decoded to be checked); shared by its units. */
export interface ExhibitBudget {
  tokens: number;
}

export const newExhibitBudget = (): ExhibitBudget => ({ tokens: EXHIBIT_LIMITS.captureTokens });

const WHERE_ORDER: Where[] = ['url', 'query', 'header', 'cookie', 'body', 'websocket', 'payload', 'dns', 'sni'];

/** The exhibit of one unit; undefined when its request carried no canary. */
export function exhibitOf(unit: CaptureUnit, matches: readonly UnitMatch[], matcher: Matcher, canaries: readonly Canary[], budget: ExhibitBudget = newExhibitBudget()): Exhibit | undefined {
  const sent = matches.filter((m) => m.direction === 'request');
  if (!sent.length) return undefined;
  const ex: Exhibit = { locator: unit.locator, lines: [] };
  if (unit.method) ex.method = unit.method;
  if (unit.host) ex.host = unit.host;
  if (unit.address) ex.address = unit.address;
  if (unit.port !== undefined) ex.port = unit.port;
  if (unit.protocol) ex.protocol = unit.protocol;
  if (unit.tls !== undefined) ex.tls = unit.tls;
  if (unit.time) ex.time = unit.time;
  const scrub = new Scrubber(matcher, canaries, budget);

  // the request line: method and URL, always (a query or path value is masked in it)
  const url = unit.request.find((p) => p.where === 'url');
  const urlMatches = sent.filter((m) => m.where === 'url' || m.where === 'query');
  if (url?.text !== undefined) ex.lines.push(scrub.line('request', undefined, url.text, urlMatches));
  // every other part that carried a value, in the order of the request
  const seen = new Set<string>();
  for (const where of WHERE_ORDER) {
    if (where === 'url' || where === 'query') continue;
    for (const part of unit.request) {
      if (part.where !== where) continue;
      const key = `${part.where}|${part.name ?? ''}`;
      if (seen.has(key)) continue;
      const here = sent.filter((m) => m.where === part.where && (m.name ?? '') === (part.name ?? ''));
      if (!here.length) continue;
      seen.add(key);
      const text = partText(part);
      const line = typeof text === 'string' ? scrub.line(part.where, part.name, text, here) : withheldLine(part, here, canaries, text.withheld);
      ex.lines.push(line);
    }
  }
  return ex;
}

function describe(matches: readonly UnitMatch[], canaries: readonly Canary[]): Pick<ExhibitLine, 'categories' | 'chains'> {
  const categories: string[] = [];
  const chains: string[] = [];
  for (const m of matches) {
    const c = canaries[m.canary]?.category;
    if (c !== undefined && !categories.includes(c)) categories.push(c);
    const chain = m.transforms.join(' → ');
    if (!chains.includes(chain)) chains.push(chain);
  }
  return { categories, chains };
}

function withheldLine(part: Part, matches: readonly UnitMatch[], canaries: readonly Canary[], why: string): ExhibitLine {
  const line: ExhibitLine = { where: part.where, segments: [], ...describe(matches, canaries), withheld: why };
  if (part.name !== undefined) line.name = part.name;
  return line;
}

/** A part as text a reader can follow: decompressed when sent compressed; a reason when it is not text. */
function partText(part: Part): string | { withheld: string } {
  let buf = part.bytes ? Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength) : part.text !== undefined ? Buffer.from(part.text, 'utf8') : Buffer.alloc(0);
  const enc = part.contentEncoding?.toLowerCase() ?? '';
  const opts = { maxOutputLength: EXHIBIT_LIMITS.partBytes * 4 };
  try {
    if (enc.includes('gzip') || (buf[0] === 0x1f && buf[1] === 0x8b)) buf = gunzipSync(buf, opts);
    else if (enc.includes('br')) buf = brotliDecompressSync(buf, opts);
    else if (enc.includes('deflate')) buf = inflateSync(buf, opts);
  } catch {
    return { withheld: `compressed body (${enc || 'gzip'}) that could not be shown as text` };
  }
  if (buf.length > EXHIBIT_LIMITS.partBytes) return { withheld: `${buf.length.toLocaleString('en')} bytes, too long to excerpt` };
  const s = buf.toString('utf8');
  // binary: more than one character in twenty is a control character or not UTF-8
  let odd = 0;
  for (const ch of s) if (ch === '\uFFFD' || (ch < ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t')) odd++;
  if (odd * 20 > s.length) return { withheld: `binary ${part.where} of ${buf.length.toLocaleString('en')} bytes (not text)` };
  return s;
}

/** Runs of characters that can spell an encoded value (base64, percent-escapes, hex, digits, JWT dots). */
const TOKEN = /[A-Za-z0-9+/_%.~-]{6,}={0,2}/g;

class Scrubber {
  constructor(
    private readonly matcher: Matcher,
    private readonly canaries: readonly Canary[],
    private readonly budget: ExhibitBudget,
  ) {}

  /** The category found in a piece of text (any form), or undefined. */
  private found(text: string): string | undefined {
    const { matches } = this.matcher.matchUnit({ locator: '', request: [{ where: 'body', text }], response: [] });
    const m = matches[0];
    return m ? (this.canaries[m.canary]?.category ?? 'identifier') : undefined;
  }

  line(where: ExhibitLine['where'], name: string | undefined, raw: string, matches: readonly UnitMatch[]): ExhibitLine {
    const line: ExhibitLine = { where, segments: [], ...describe(matches, this.canaries) };
    if (name !== undefined) line.name = name;
    const text = raw.replace(/\r?\n/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '·');
    const segments = this.mask(text);
    if (typeof segments === 'string') {
      line.withheld = segments;
      return line;
    }
    line.segments = window(segments);
    // the line as it will be shown, read once more: anything the matcher still finds withholds it
    const shown = line.segments.map((s) => ('text' in s ? s.text : ' ')).join('');
    if (this.found(shown) !== undefined) {
      line.segments = [];
      line.withheld = 'an identifier could not be masked in it';
    }
    return line;
  }

  /** The text with every canary (plain forms first, then tokens the matcher reads one) as a marker; why not, when it cannot be checked. */
  private mask(text: string): ExhibitSegment[] | string {
    // 1. every plain form, case-folded where the form is (the longest first: `+86 138…` before `138…`)
    const spans: { start: number; end: number; category: string }[] = [];
    const lower = text.toLowerCase();
    const forms = this.matcher.forms.flatMap((fs, i) => fs.map((f) => ({ text: f.text, category: this.canaries[i]?.category ?? 'identifier' }))).sort((a, b) => b.text.length - a.text.length);
    for (const f of forms) {
      const needle = f.text.toLowerCase();
      if (!needle) continue;
      for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
        if (!spans.some((s) => at < s.end && at + needle.length > s.start)) spans.push({ start: at, end: at + needle.length, category: f.category });
      }
    }
    // 2. tokens that hold one in an encoded form
    let n = 0;
    for (const m of text.matchAll(TOKEN)) {
      if (++n > EXHIBIT_LIMITS.tokens) return 'too many encoded-looking strings to check each one';
      if (--this.budget.tokens < 0) return "not checked: this capture's exhibits reached their decoding budget";
      const start = m.index!;
      const end = start + m[0].length;
      if (spans.some((s) => start < s.end && end > s.start)) continue;
      const category = this.found(m[0]);
      if (category !== undefined) spans.push({ start, end, category });
    }
    spans.sort((a, b) => a.start - b.start);
    const out: ExhibitSegment[] = [];
    let at = 0;
    for (const s of spans) {
      if (s.start > at) out.push({ text: text.slice(at, s.start) });
      out.push({ canary: s.category });
      at = s.end;
    }
    if (at < text.length) out.push({ text: text.slice(at) });
    return out;
  }
}

/** Keeps the text around the markers (and the start of the line), eliding the rest. */
function window(segments: ExhibitSegment[]): ExhibitSegment[] {
  const { context, lineChars } = EXHIBIT_LIMITS;
  const out: ExhibitSegment[] = [];
  let total = 0;
  segments.forEach((s, i) => {
    if (total > lineChars) return;
    if ('canary' in s) {
      out.push(s);
      total += s.canary.length + 2;
      return;
    }
    let t = s.text;
    // the line's start (a path, a field name) and what follows a marker; what comes before the next marker
    const keepHead = i === 0 ? 2 * context : context;
    const keepTail = i === segments.length - 1 ? 0 : context;
    if (t.length > keepHead + keepTail + 1) t = t.slice(0, keepHead) + '…' + (keepTail ? t.slice(t.length - keepTail) : '');
    out.push({ text: t });
    total += t.length;
  });
  if (total > lineChars) out.push({ text: '…' });
  return out;
}
