/**
 * Text from reports and file names on its way to a terminal. A report can
 * hold any character in a YAML key, and a file name almost any: escape
 * sequences would let it clear the screen, move the cursor or recolour
 * text, and bidi controls would let it reorder what is shown, so that a
 * report could forge a "no problems" line. Such characters are shown as
 * visible escapes (`\x1b`, `\u202e`) instead.
 */

/**
 * The characters a terminal may act on: C0 controls, DEL, C1 controls, the
 * bidi embeddings and overrides (U+202A–U+202E), the bidi isolates
 * (U+2066–U+2069), and the line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_ANY = new RegExp(UNSAFE.source);
/** The same, without the line feed: for text whose line breaks are its own. */
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw of those (it escapes C0 itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');

/** `\x1b` for a character up to U+00FF, `\u202e` above. */
export const escapeChar = (c: string): string => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`);

/** One value (a file name, a message, a key) for one line of a terminal: every unsafe character, line breaks included, escaped. */
export function visible(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** Human output of several lines: its line feeds stay, every other unsafe character is escaped. */
export function visibleLines(s: string): string {
  return s.replace(UNSAFE_BUT_LF, escapeChar);
}

/**
 * A JSON text with the characters JSON.stringify leaves raw (DEL, C1, bidi
 * controls, U+2028/U+2029) written as `\uXXXX` escapes: the same JSON
 * values, safe to print. These characters can only occur inside strings.
 */
export function escapeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}

/** True when `s` holds a character that `visible` would escape. */
export function hasUnsafe(s: string): boolean {
  return UNSAFE_ANY.test(s);
}
