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
const INVISIBLE = /^[\p{Cf}\p{Cc}]$/u;
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

/** Projects `s`. Linear in its length; plain ASCII takes a fast path. */
export function project(s: string, kind: ProjectionKind): Projection {
  const fold = kind !== 'source';
  const parts: string[] = [];
  const from = new Int32Array(Math.max(16, s.length + (s.length >> 3)));
  let out = 0;
  let len = from.length;
  let buf = from;
  let lastSpace = true; // no leading space in 'reading'
  const push = (piece: string, at: number) => {
    if (out + piece.length > len) {
      len = Math.max(len * 2, out + piece.length);
      const bigger = new Int32Array(len);
      bigger.set(buf.subarray(0, out));
      buf = bigger;
    }
    for (let k = 0; k < piece.length; k++) buf[out++] = at;
    parts.push(piece);
  };
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x5b && kind !== 'source' && s.startsWith(MARKER, i)) {
      // a value already masked is read as a gap: a secret that an earlier mask cut in two is still found whole
      if (kind === 'reading' && !lastSpace) {
        push(' ', i);
        lastSpace = true;
      }
      i += MARKER.length;
      continue;
    }
    if (c < 0x80 && !(i + 1 < s.length && s.charCodeAt(i + 1) >= 0x300 && MARK.test(String.fromCodePoint(s.codePointAt(i + 1)!)))) {
      // ASCII without a combining mark after it: no normalisation needed
      i++;
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
        if (kind === 'source') push(s[i - 1]!, i - 1);
        else if (kind === 'reading' && !lastSpace) {
          push(' ', i - 1);
          lastSpace = true;
        }
        continue;
      }
      if (c < 0x20 || c === 0x7f) continue;
      if (kind === 'tokens' && !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) continue;
      push(fold && c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : s[i - 1]!, i - 1);
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
    if (kind === 'source') {
      push(n, start);
      continue;
    }
    // the normalised cluster may hold several characters (ﬁ → fi, ㎏ → kg)
    let piece = '';
    for (const ch of n) {
      if (SPACE.test(ch)) {
        if (kind === 'reading' && !lastSpace) {
          piece += ' ';
          lastSpace = true;
        }
        continue;
      }
      if (INVISIBLE.test(ch)) continue;
      if (kind === 'tokens' && !WORD.test(ch)) continue;
      piece += ch;
      lastSpace = false;
    }
    if (piece) push(piece, start);
  }
  return { text: parts.join(''), from: buf.subarray(0, out) };
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
