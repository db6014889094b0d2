/**
 * Field values as YAML text, written by the `yaml` package (never quoted by
 * hand), in the shapes an edit needs: the text after `key:` in block context
 * (maybe with continuation lines), a flow-context scalar or list, or a block
 * list. Every result is parsed back and compared with the value before it is
 * used; a style that does not round-trip falls back to double quotes.
 */
import { parseDocument, stringify, type ToStringOptions } from 'yaml';
import type { FieldValue, ListItem, StringMap, ValueMap } from '../protocol';

export type { FieldValue, ListItem, StringMap, ValueMap };


/** True for the mapping form of a field value (strings, or lists of strings for a device's identifiers). */
export function isStringMap(value: FieldValue | unknown): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How the old value was written; the new one keeps it when it can. */
export type ScalarStyle = 'plain' | 'double' | 'single' | 'literal' | 'folded';

/**
 * A value in block context after `key:`. `inline` goes on the key line after
 * one space ('' when the value starts on the next line); `rest` are the
 * following lines, indented relative to the key's column (each starts with at
 * least two spaces, or is empty).
 */
export interface BlockValue {
  inline: string;
  rest: string[];
}

/**
 * Characters that are valid in a YAML double-quoted string but that the
 * `yaml` package writes raw and that would upset the file: line separators
 * editors treat as line ends, C1 controls, a BOM, the replacement character
 * (the linter reads it as invalid UTF-8, PA000), non-characters.
 */
const RAW_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffd\ufffe\uffff]/;
const RAW_UNSAFE_G = /[\u007f-\u009f\u2028\u2029\ufeff\ufffd\ufffe\uffff]/g;

/**
 * A continuation line that Markdown could read as the end of the fence or of
 * the front matter, even when indented (up to three spaces close a fence, and
 * `---` closes the front matter at any indent). Conservative on purpose.
 */
export const STRUCTURAL_LINE = /^[ \t>]*(```|~~~|---|\.\.\.)/;

type StringType = NonNullable<ToStringOptions['defaultStringType']>;

const BASE: ToStringOptions = {
  lineWidth: 0,
  defaultKeyType: 'PLAIN',
  doubleQuotedMinMultiLineLength: Number.POSITIVE_INFINITY,
  indentSeq: true,
};

function strings(value: FieldValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((x) => (typeof x === 'string' ? [x] : isStringMap(x) ? Object.entries(x).flat() : []));
  if (isStringMap(value)) return Object.entries(value).flatMap(([k, v]) => [k, ...(Array.isArray(v) ? v : [v])]);
  return [];
}

function needsEscapes(value: FieldValue): boolean {
  return strings(value).some((s) => RAW_UNSAFE.test(s));
}

/** Replaces raw unsafe characters by `\uXXXX` escapes; only used on output whose every string is double-quoted. */
function escapeRaw(out: string): string {
  return out.replace(RAW_UNSAFE_G, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True when the parsed `a` is `b`: lists item by item, mappings entry by entry in the same key order. */
export function sameValue(a: unknown, b: FieldValue): boolean {
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]!));
  if (isStringMap(b)) {
    if (!isStringMap(a)) return false;
    const ea = Object.entries(a as ValueMap);
    const eb = Object.entries(b);
    return ea.length === eb.length && ea.every(([k, v], i) => k === eb[i]![0] && sameValue(v, eb[i]![1]));
  }
  return Object.is(a, b) || (a === b);
}

function parsesTo(yamlText: string, value: FieldValue, key = 'k'): boolean {
  try {
    const doc = parseDocument(yamlText, { strict: true, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length) return false;
    const js = doc.toJS() as Record<string, unknown> | null;
    return !!js && typeof js === 'object' && sameValue(js[key], value);
  } catch {
    return false;
  }
}

/** The string types to try, best first, for a value whose old value was written in `style`. */
function candidates(value: FieldValue, style: ScalarStyle): StringType[] {
  if (needsEscapes(value)) return ['QUOTE_DOUBLE'];
  const multiLine = strings(value).some((s) => /[\n\r]/.test(s));
  const empty = typeof value === 'string' && value === '';
  // a block scalar that ends in a line break loses it at the end of a record block (the block's YAML
  // ends before the closing fence's line break), so such strings are double-quoted
  if (strings(value).some((s) => /[\n\r]$/.test(s))) return ['QUOTE_DOUBLE'];
  const out: StringType[] = [];
  if (style === 'double') out.push('QUOTE_DOUBLE');
  else if (style === 'single' && !multiLine) out.push('QUOTE_SINGLE');
  else if (style === 'literal' && !empty) out.push('BLOCK_LITERAL');
  // folded text keeps its style; text with line breaks reads better literal than folded (blank line per break)
  else if (style === 'folded' && !empty) out.push(multiLine ? 'BLOCK_LITERAL' : 'BLOCK_FOLDED');
  out.push('PLAIN', 'QUOTE_DOUBLE');
  return out;
}

/**
 * The value after `key:` in block context. Lists come out as block lists
 * (`- a` lines under the key); use `flowValue` for `[a, b]`.
 */
export function blockValue(value: FieldValue, style: ScalarStyle = 'plain'): BlockValue | undefined {
  for (const type of candidates(value, style)) {
    const blockQuote = type === 'BLOCK_FOLDED' ? 'folded' : type === 'BLOCK_LITERAL' ? 'literal' : true;
    let out = stringify({ k: value }, { ...BASE, defaultStringType: type, blockQuote, lineWidth: type === 'BLOCK_FOLDED' ? 80 : 0 });
    if (type === 'QUOTE_DOUBLE' && needsEscapes(value)) out = escapeRaw(out);
    const lines = out.replace(/\n$/, '').split('\n');
    const first = lines[0]!;
    let inline: string;
    if (first === 'k:') inline = '';
    else if (first.startsWith('k: ')) inline = first.slice(3);
    else continue;
    const rest = lines.slice(1);
    if (rest.some((l) => (l !== '' && !l.startsWith('  ')) || STRUCTURAL_LINE.test(l))) continue;
    if (RAW_UNSAFE.test(out) || /\r/.test(out)) continue;
    if (!parsesTo(out, value)) continue;
    return { inline, rest };
  }
  return undefined;
}

/** One scalar in flow context (inside `[…]` or `{…}`), on one line. */
export function flowScalar(value: string | number | boolean | null, style: ScalarStyle = 'plain'): string | undefined {
  for (const type of candidates(value, style)) {
    if (type === 'BLOCK_FOLDED' || type === 'BLOCK_LITERAL') continue;
    let out = stringify([value], { ...BASE, defaultStringType: type, collectionStyle: 'flow', flowCollectionPadding: false });
    if (type === 'QUOTE_DOUBLE' && needsEscapes(value)) out = escapeRaw(out);
    out = out.replace(/\n$/, '');
    if (!out.startsWith('[') || !out.endsWith(']') || /[\n\r]/.test(out) || RAW_UNSAFE.test(out)) continue;
    const inner = out.slice(1, -1);
    if (!flowItemIs(inner, value)) continue;
    return inner;
  }
  return undefined;
}

function flowItemIs(inner: string, value: string | number | boolean | null): boolean {
  try {
    const doc = parseDocument(`[${inner}]`, { strict: true, prettyErrors: false });
    const js = doc.toJS() as unknown;
    return !doc.errors.length && Array.isArray(js) && js.length === 1 && Object.is(js[0], value);
  } catch {
    return false;
  }
}

/** A mapping as `{a: x, b: [y, z]}`, each key and value a flow scalar (or a list of them). */
function flowMap(value: ValueMap): string | undefined {
  const entries: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = flowScalar(k);
    const val = Array.isArray(v) ? flowValue(v) : flowScalar(v);
    if (key === undefined || val === undefined) return undefined;
    entries.push(`${key}: ${val}`);
  }
  return `{${entries.join(', ')}}`;
}

/**
 * A value written on one line in flow style: a scalar, a list as `[a, b]`
 * (mappings in it as `{name: x, org: y}`), a mapping as `{a: x, b: y}`.
 */
export function flowValue(value: FieldValue, style: ScalarStyle = 'plain'): string | undefined {
  if (isStringMap(value)) {
    const text = flowMap(value);
    return text !== undefined && parsesTo(`k: ${text}`, value) ? text : undefined;
  }
  if (!Array.isArray(value)) return flowScalar(value, style);
  const items: string[] = [];
  for (const item of value) {
    const t = isStringMap(item) ? flowMap(item) : flowScalar(item);
    if (t === undefined) return undefined;
    items.push(t);
  }
  const text = `[${items.join(', ')}]`;
  return parsesTo(`k: ${text}`, value) ? text : undefined;
}

/**
 * One list item in a block list, as lines: the first starts with `- `, the
 * others are indented two spaces (a mapping's further keys, a block scalar's
 * lines), relative to the list's dash column. Written like `blockValue`.
 */
export function blockItem(item: ListItem): string[] | undefined {
  const ser = blockValue([item]);
  if (!ser || ser.inline !== '' || ser.rest.length === 0 || !ser.rest[0]!.startsWith('  - ')) return undefined;
  return ser.rest.map((l) => l.slice(2));
}

/** True when a list value is best written as a block list: it holds a mapping (`{name, org}` items read badly in flow style). */
export function wantsBlockList(value: FieldValue): value is ListItem[] {
  return Array.isArray(value) && value.some((x) => isStringMap(x));
}

/** True when `key` can be written plain as a mapping key and reads back as the same string. */
export function isPlainKey(key: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(key) || key.length > 200) return false;
  try {
    const doc = parseDocument(`${key}: 1`, { strict: true, prettyErrors: false });
    if (doc.errors.length) return false;
    const contents = doc.contents as { items?: { key?: { value?: unknown } }[] } | null;
    return contents?.items?.[0]?.key?.value === key;
  } catch {
    return false;
  }
}
