/**
 * Projections: the text a reader would compare, with a way back to the
 * source. A projection is built cluster by cluster (a code point and the
 * combining marks after it), so NFC and NFD spellings project alike, and
 * each projected character remembers the source offset of its cluster.
 *
 * - `reading`: NFKC, case folded, invisible format characters (zero-width
 *   spaces and joiners, soft hyphens, bidi controls, BOM) and control
 *   characters dropped, every run of white space one space. Literal
 *   secrets are looked for here.
 * - `tokens`: the same, keeping letters and digits only. Identifier-like
 *   secrets (IMEI, phone number, MAC address, advertising id) are looked for
 *   here, so `+1 (202) 555-0101`, `869999 0123 45677` and `a4-5e-60-…` all
 *   find their secret.
 * - `source`: NFKC with invisible characters dropped, case and white space
 *   kept: what `/regex/` patterns run on.
 *
 * In `reading` and `tokens`, a `[redacted]` mark reads as a gap, so a value
 * that an earlier, narrower mask cut in two is still found whole.
 */

export type ProjectionKind = 'reading' | 'tokens' | 'source';

export interface Projection {
  text: string;
  /** Source offset of the cluster each projected UTF-16 unit comes from. */
  from: Int32Array;
}

/** The mask's own mark (engine.ts REDACTED). */
const MARKER = '[redacted]';
/** Format and control characters, and the blank "letters" that render as nothing (Hangul fillers, the Braille blank, Khmer inherent vowels). */
const INVISIBLE = /^[\p{Cf}\p{Cc}\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5]$/u;
const DIGIT = /^\p{Nd}$/u;
let digitValues: Map<number, number> | undefined;

/** The value of a decimal digit of any script (٨ → 8, ८ → 8): Unicode keeps each script's digits as a run 0…9. */
function digitValue(cp: number): number {
  if (!digitValues) {
    digitValues = new Map();
    let run = 0;
    for (let c = 0x80; c < 0x20000; c++) {
      if (DIGIT.test(String.fromCodePoint(c))) digitValues.set(c, run++ % 10);
      else run = 0;
    }
  }
  return digitValues.get(cp) ?? -1;
}
const SPACE = /^\s$/u;
const WORD = /[\p{L}\p{N}]/u;
const MARK = /^\p{M}$/u;

/** The end (exclusive) of the cluster that starts at `i`: one code point and its combining marks. */
export function clusterEnd(s: string, i: number): number {
  let j = i + codePointLength(s, i);
  while (j < s.length) {
    const cp = s.codePointAt(j)!;
    if (cp < 0x300 || !MARK.test(String.fromCodePoint(cp))) break;
    j += cp > 0xffff ? 2 : 1;
  }
  return j;
}

function codePointLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff ? 2 : 1;
}

const UTF16 = new TextDecoder('utf-16le');

/** Projects `s`. Linear in its length; plain ASCII takes a fast path (no normalisation, no strings made). */
export function project(s: string, kind: ProjectionKind): Projection {
  const fold = kind !== 'source';
  let cap = s.length + 16;
  let chars = new Uint16Array(cap);
  let from = new Int32Array(cap);
  let out = 0;
  let lastSpace = true; // no leading space in 'reading'
  const room = (n: number) => {
    if (out + n <= cap) return;
    cap = Math.max(cap * 2, out + n);
    const c = new Uint16Array(cap);
    c.set(chars.subarray(0, out));
    chars = c;
    const f = new Int32Array(cap);
    f.set(from.subarray(0, out));
    from = f;
  };
  const put = (code: number, at: number) => {
    room(1);
    chars[out] = code;
    from[out++] = at;
  };
  const space = (at: number) => {
    if (kind === 'reading' && !lastSpace) {
      put(0x20, at);
      lastSpace = true;
    }
  };
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x5b && kind !== 'source' && s.startsWith(MARKER, i)) {
      // a value already masked is read as a gap: a secret that an earlier mask cut in two is still found whole
      space(i);
      i += MARKER.length;
      continue;
    }
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (c < 0x80 && !(next >= 0x300 && MARK.test(String.fromCodePoint(s.codePointAt(i + 1)!)))) {
      // ASCII without a combining mark after it: no normalisation needed
      i++;
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
        if (kind === 'source') put(c, i - 1);
        else space(i - 1);
        continue;
      }
      if (c < 0x20 || c === 0x7f) continue;
      const upper = c >= 0x41 && c <= 0x5a;
      if (kind === 'tokens' && !((c >= 0x30 && c <= 0x39) || upper || (c >= 0x61 && c <= 0x7a))) continue;
      put(fold && upper ? c + 32 : c, i - 1);
      lastSpace = false;
      continue;
    }
    const end = clusterEnd(s, i);
    const cluster = s.slice(i, end);
    const start = i;
    i = end;
    if (INVISIBLE.test(String.fromCodePoint(cluster.codePointAt(0)!))) continue;
    let n = cluster.normalize('NFKC');
    if (fold) n = n.toLowerCase();
    // the normalised cluster may hold several characters (ﬁ → fi, ㎏ → kg)
    for (let ch of n) {
      const cp = ch.codePointAt(0)!;
      if (cp > 0x7f && DIGIT.test(ch)) {
        const d = digitValue(cp);
        if (d >= 0) ch = String(d);
      }
      if (kind !== 'source') {
        if (SPACE.test(ch)) {
          space(start);
          continue;
        }
        if (INVISIBLE.test(ch) || (kind === 'tokens' && !WORD.test(ch))) continue;
        lastSpace = false;
      }
      for (let k = 0; k < ch.length; k++) put(ch.charCodeAt(k), start);
    }
  }
  // a lone surrogate decodes as U+FFFD, one unit for one: offsets stay right
  return { text: UTF16.decode(chars.subarray(0, out)), from: from.subarray(0, out) };
}

/** The projected text alone (for secrets). */
export function projectText(s: string, kind: ProjectionKind): string {
  const t = project(s, kind).text;
  return kind === 'reading' ? t.trim() : t;
}

/** The source range [start, end) that projected range [a, b) covers. */
export function sourceRange(s: string, p: Projection, a: number, b: number): [number, number] {
  return [p.from[a]!, clusterEnd(s, p.from[b - 1]!)];
}
