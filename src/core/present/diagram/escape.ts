/**
 * Escaping of report text for mermaid diagram text.
 *
 * Report fields come from people we do not know, so nothing they write may
 * become mermaid syntax, a directive (`%%{init}%%`), a `click` handler or
 * HTML. Every label goes through `mermaidText`, which keeps only a small set
 * of characters literally and writes every other one as a mermaid entity code
 * (`#34;` for `"`), which mermaid turns back into the character only after
 * parsing, as text:
 *
 * - kept: letters and digits of any script, combining marks, the space and
 *   `. , - / + = ? ! @`;
 * - written as `#N;`: everything else, notably `" [ ] { } ( ) | < > ; : % #
 *   & ' * _ ~ \` and backticks, and the four characters mermaid uses for its
 *   own entity placeholders (`ﬂ ° ¶ ß`), so that a report cannot forge one;
 * - line breaks, tabs and other white space become one space; control,
 *   format (bidirectional overrides, zero-width), private-use and lone
 *   surrogate characters become U+FFFD, so they show up instead of hiding.
 *
 * Since `"`, `%`, `#`, `:` and `;` never appear literally, a label can close
 * neither its quotes nor its statement, cannot start a directive or comment,
 * and cannot trip mermaid's pre-processing of `style …:#…;` lines.
 */

/** Characters written as they are. */
const SAFE = /^[\p{L}\p{M}\p{N} .,\-/+=?!@]$/u;
/** Letters that mermaid uses for its entity placeholders (ﬂ°°35¶ß). */
const PLACEHOLDER = /^[\uFB02\u00B0\u00B6\u00DF]$/u;
/** Shown as U+FFFD: controls, format characters, private use, lone surrogates. */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const WHITESPACE = /[\s\u0085\u2028\u2029]+/gu;

const REPLACEMENT = 0xfffd;
export const ELLIPSIS = '…';

/** One character (code point) as mermaid text. */
function escapeChar(ch: string): string {
  if (SAFE.test(ch) && !PLACEHOLDER.test(ch)) return ch;
  const cp = INVISIBLE.test(ch) ? REPLACEMENT : ch.codePointAt(0)!;
  return `#${cp};`;
}

/** White space runs to one space, trimmed. */
export function normalizeSpace(s: string): string {
  return s.replace(WHITESPACE, ' ').trim();
}

/** At most `max` code points, ending in `…` when shortened. */
export function truncate(s: string, max: number): string {
  if (max <= 0) return '';
  // fast path: a string of at most `max` UTF-16 units has at most `max` code points
  if (s.length <= max) return s;
  const cps = Array.from(s);
  if (cps.length <= max) return s;
  return cps.slice(0, Math.max(0, max - 1)).join('').trimEnd() + ELLIPSIS;
}

/** Escapes every character outside the safe set; no shortening, no white-space changes. */
export function escapeMermaid(s: string): string {
  let out = '';
  for (const ch of s) out += escapeChar(ch);
  return out;
}

export interface TextOptions {
  /** Maximum length in characters (code points) before escaping; default 80. */
  max?: number;
  /** Maximum length of the escaped result; default 8 × `max`. */
  maxEscaped?: number;
  /** Redaction applied to the raw text before anything else. */
  mask?: (s: string) => string;
}

/**
 * Report text as safe mermaid label text: masked, white space collapsed,
 * shortened to `max` characters, escaped, and shortened further if the
 * escaped form is longer than `maxEscaped`.
 */
export function mermaidText(raw: string, options: TextOptions = {}): string {
  const max = Math.max(1, options.max ?? 80);
  const maxEscaped = Math.max(16, options.maxEscaped ?? max * 8);
  // the whole text is masked before it is cut (patterns run in linear time): a value cut in two at the
  // label's end would no longer be recognised, and 14 digits of an IMEI give away the 15th
  const masked = options.mask ? options.mask(raw) : raw;
  const text = normalizeSpace(masked);
  let n = max;
  let out = escapeMermaid(truncate(text, n));
  while (out.length > maxEscaped && n > 1) {
    n = Math.max(1, Math.min(n - 1, Math.floor((n * maxEscaped) / out.length)));
    out = escapeMermaid(truncate(text, n));
  }
  return out;
}

/** Several lines of one label joined with mermaid's line break (our own fixed markup, never report text). */
export function joinLines(escapedLines: readonly string[]): string {
  return escapedLines.filter((l) => l !== '').join('<br/>');
}

/** Mermaid node and subgraph ids are generated (`n1`, `n2`, …); this checks one. */
export function isSafeId(id: string): boolean {
  return /^n[1-9]\d*$/.test(id);
}
