/**
 * YAML regions (front matter, record blocks) parsed with the `yaml` package
 * and turned into `YNode`s that carry file offsets. Hostile input is bounded:
 * aliases are refused, nesting depth and size are capped before the parser
 * sees the text, and nothing here throws.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, parseDocument, Scalar, YAMLParseError, type CST, type Document, type Node, type YAMLError, type YAMLMap } from 'yaml';
import type { YEntry, YMap, YNode } from './model';

export const LIMITS = {
  /** Largest report file read, in UTF-16 code units (≈ bytes for ASCII). */
  maxFileChars: 5 * 1024 * 1024,
  /** Largest single YAML region. */
  maxYamlChars: 1024 * 1024,
  /** Deepest nesting of collections in one region. */
  maxDepth: 64,
};

export interface YamlProblem {
  message: string;
  /** Offsets local to the region text. */
  start: number;
  end: number;
}

/** The result of parsing one region, independent of where the region sits in the file (cacheable by text). */
export interface ParsedYaml {
  doc: Document.Parsed | undefined;
  problems: YamlProblem[];
  /** The nodes made from `doc` at file offset `base` (memo for re-parses of the same text). */
  converted?: { base: number | undefined; node: YNode | null; problems: YamlProblem[] };
}

/**
 * A cheap upper bound of the nesting depth: flow brackets opened and not yet
 * closed, plus block indentation per line. Over-estimates (brackets inside
 * quotes count), which only matters for text no report needs.
 */
function nestingBound(text: string): number {
  let flow = 0;
  let maxFlow = 0;
  let maxIndent = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      // spaces and block indicators ("- ", "? ", ": ") at the start of a line
      if (c === 32 || c === 45 || c === 63 || c === 58 || c === 9) {
        indent++;
        continue;
      }
      lineStart = false;
      if (indent > maxIndent) maxIndent = indent;
    }
    if (c === 91 || c === 123) {
      if (++flow > maxFlow) maxFlow = flow;
    } else if ((c === 93 || c === 125) && flow > 0) flow--;
  }
  // two columns per block level is the tightest YAML allows ("- - - x")
  return maxFlow + Math.floor(maxIndent / 2);
}

export function parseYaml(text: string): ParsedYaml {
  if (text.length > LIMITS.maxYamlChars) {
    return {
      doc: undefined,
      problems: [{ message: `YAML block is too large (${text.length} characters; the limit is ${LIMITS.maxYamlChars})`, start: 0, end: 0 }],
    };
  }
  if (nestingBound(text) > LIMITS.maxDepth) {
    return {
      doc: undefined,
      problems: [{ message: `YAML is nested too deeply (the limit is ${LIMITS.maxDepth} levels)`, start: 0, end: 0 }],
    };
  }
  // each YAML error is an Error, and its stack costs more than the rest of it: broken
  // text can make 100,000 of them (V8's limit; restored before anything else can run)
  const errors = Error as { stackTraceLimit?: number };
  const stackTraceLimit = errors.stackTraceLimit;
  errors.stackTraceLimit = 0;
  try {
    // the package's own check (`uniqueKeys`) compares each key with every earlier key of its map: quadratic
    const parse = (keepSourceTokens: boolean) => parseDocument(text, { prettyErrors: false, uniqueKeys: false, keepSourceTokens, strict: true });
    let doc = parse(false);
    if (hasRepeatedKey(doc)) {
      // rare: parsed again with the source tokens, which tell where the package would report each one
      doc = parse(true);
      addDuplicateKeyErrors(doc);
    }
    const problems: YamlProblem[] = doc.errors.map((e) => ({
      message: cleanMessage(e.message),
      start: e.pos[0],
      end: Math.max(e.pos[1], e.pos[0]),
    }));
    return { doc, problems };
  } catch (err) {
    // The parser is not expected to throw; a stack overflow or a bug must still not crash the linter.
    return { doc: undefined, problems: [{ message: `YAML could not be parsed: ${(err as Error).message}`, start: 0, end: 0 }] };
  } finally {
    errors.stackTraceLimit = stackTraceLimit;
  }
}

/** A repeated key, reported as the `yaml` package reports it, and where in its error list it goes. */
interface Duplicate {
  error: YAMLParseError;
  /** The package reports it before the errors at or after this offset… */
  before: number;
  /** …and before the errors it gives after the check though they point earlier: about the key once read (block map), about the map's end (flow map). */
  saidLater: (e: YAMLError) => boolean;
}

/** What the `yaml` package says about a block map key, at its start, after the key's duplicate check. */
const aboutKey = (e: YAMLError) => e.code === 'KEY_OVER_1024_CHARS' || (e.code === 'MISSING_CHAR' && e.message.startsWith('Implicit map keys need to be followed by map values'));
/** What the `yaml` package says about a flow map's end, after the duplicate check of its last key. */
const aboutEnd = (e: YAMLError) => (e.code === 'MISSING_CHAR' || e.code === 'BAD_INDENT') && e.message.startsWith('Flow map ');
/** What the `yaml` package says once the document's content is read (after every duplicate check). */
const afterContent = (e: YAMLError) => e.message.startsWith('Missing directives-end') || (e.code === 'UNEXPECTED_TOKEN' && e.message.includes(' in YAML stream'));

/** The end of the last of `tokens`, or `fallback` when there are none (as the `yaml` package computes it). */
function tokenEnd(tokens: readonly CST.SourceToken[] | undefined, fallback: number): number {
  const last = tokens?.[tokens.length - 1];
  return last ? last.offset + last.source.length : fallback;
}

/**
 * A key `uniqueKeys` can find equal to another: a scalar (its value compared
 * with `===`; other keys never are) other than NaN (never `===` itself; a
 * Set would say it is).
 */
const comparable = (key: unknown): key is Scalar => isScalar(key) && !(typeof key.value === 'number' && Number.isNaN(key.value));

/**
 * The repeated keys of one map. A repeated key is reported where the `yaml`
 * package reports it: at the end of what comes before the key's own text
 * (its anchor or tag, a comment, or the item before), which the map's source
 * tokens tell.
 */
function mapDuplicates(map: YAMLMap, found: Duplicate[]): void {
  const seen = new Set<unknown>();
  const duplicate = (key: Node, keyStart: number, after: number, saidLater: (e: YAMLError) => boolean) => {
    if (!comparable(key)) return;
    const v = key.value;
    if (!seen.has(v)) seen.add(v);
    else found.push({ error: new YAMLParseError([keyStart, keyStart + 1], 'DUPLICATE_KEY', 'Map keys must be unique'), before: Math.max(after, keyStart + 1), saidLater });
  };
  const src = (map as YAMLMap.Parsed).srcToken;
  if (!src) {
    // a pair in a flow sequence (`[a: 1]`) is a map of its own, with one key
    for (const pair of map.items) if (isNode(pair.key) && pair.key.range) duplicate(pair.key, pair.key.range[0], pair.key.range[2], () => false);
    return;
  }
  const flow = src.type === 'flow-collection';
  let offset = flow ? src.offset + src.start.source.length : src.offset;
  let p = 0;
  for (const item of src.items) {
    const pair = map.items[p];
    if (!pair || pair.srcToken !== item) {
      // an item that made no pair (a comment; an empty flow item)
      if (flow) offset = tokenEnd(item.start, offset);
      continue;
    }
    p++;
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    if (!key?.range) continue;
    const keyStart = tokenEnd(item.start, offset);
    offset = value?.range ? value.range[2] : tokenEnd('sep' in item ? item.sep : undefined, key.range[2]);
    // a block map checks a key as soon as it is read, a flow map once the value is read too
    if (flow) {
      const end = offset;
      duplicate(key, keyStart, end, (e) => e.pos[0] === end && aboutEnd(e));
    } else {
      const at = key.range[0];
      duplicate(key, keyStart, key.range[2], (e) => e.pos[0] === at && aboutKey(e));
    }
  }
}

/** Whether a map of `doc` repeats a key (as `uniqueKeys` compares them). */
function hasRepeatedKey(doc: Document.Parsed): boolean {
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isSeq(node)) for (const it of node.items) stack.push(it);
    else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        stack.push(pair.key, pair.value);
        if (!comparable(pair.key)) continue;
        if (seen.has(pair.key.value)) return true;
        seen.add(pair.key.value);
      }
    }
  }
  return false;
}

/**
 * Adds the errors of the `yaml` package's `uniqueKeys` check to `doc.errors`,
 * without its cost: the package compares each key with every earlier key of
 * its map (a block of 150,000 keys took six minutes); here each map has one
 * Set. The errors ("Map keys must be unique", same positions) go where the
 * package would have put them among the other errors. `doc` was parsed with
 * its source tokens; they are dropped here.
 */
function addDuplicateKeyErrors(doc: Document.Parsed): void {
  const found: Duplicate[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isPair(node)) {
      delete node.srcToken;
      stack.push(node.value, node.key);
      continue;
    }
    if (!isNode(node)) continue;
    if (isMap(node)) mapDuplicates(node, found);
    delete node.srcToken;
    if (isMap(node) || isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  if (!found.length) return;
  found.sort((a, b) => a.before - b.before);
  const merged: YAMLError[] = [];
  let i = 0;
  const comesFirst = (d: Duplicate, e: YAMLError) => d.before <= e.pos[0] || d.saidLater(e) || afterContent(e);
  for (const e of doc.errors) {
    while (i < found.length && comesFirst(found[i]!, e)) merged.push(found[i++]!.error);
    merged.push(e);
  }
  while (i < found.length) merged.push(found[i++]!.error);
  doc.errors = merged;
}

/** The message without the package's " at line N, column M" context (linear: `\s+at line` backtracks over long runs of spaces). */
function cleanMessage(m: string): string {
  const at = m.search(/\sat line \d+, column \d+/);
  return (at < 0 ? m : m.slice(0, at)).trim();
}

/**
 * Converts a parsed document to `YNode`s with file offsets. `shift` maps a
 * region-local offset to a file offset. Problems (aliases, complex keys,
 * depth) are appended to `problems` in local offsets.
 */
export function toNodes(doc: Document.Parsed, shift: (local: number) => number, problems: YamlProblem[]): YNode | null {
  const span = (r: readonly [number, number, number] | null | undefined) =>
    r ? { start: shift(r[0]), end: shift(r[1]) } : { start: shift(0), end: shift(0) };

  const convert = (node: unknown, depth: number): YNode | null => {
    if (node === null || node === undefined) return null;
    if (depth > LIMITS.maxDepth) {
      const r = (node as Node).range;
      problems.push({ message: `YAML is nested too deeply (the limit is ${LIMITS.maxDepth} levels)`, start: r?.[0] ?? 0, end: r?.[1] ?? 0 });
      return null;
    }
    if (isAlias(node)) {
      const r = node.range;
      problems.push({ message: 'YAML aliases (*name) are not allowed in audit reports; write the value out', start: r?.[0] ?? 0, end: r?.[1] ?? 0 });
      return null;
    }
    if (isScalar(node)) {
      const v = node.value;
      const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
      const quoted = node.type !== undefined && node.type !== Scalar.PLAIN;
      return { type: 'scalar', value, span: span(node.range), quoted };
    }
    if (isSeq(node)) {
      const items: YNode[] = [];
      for (const it of node.items) {
        const c = convert(it, depth + 1);
        if (c) items.push(c);
      }
      return { type: 'seq', items, span: span(node.range), flow: !!node.flow };
    }
    if (isMap(node)) {
      const entries: YEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number' && typeof k.value !== 'boolean')) {
          const r = (k as Node | null)?.range;
          problems.push({ message: 'Keys must be plain names', start: r?.[0] ?? 0, end: r?.[1] ?? 0 });
          continue;
        }
        const keySpan = span(k.range);
        const value = convert(pair.value, depth + 1);
        entries.push({ key: String(k.value), keySpan, value, span: { start: keySpan.start, end: value ? value.span.end : keySpan.end } });
      }
      const m: YMap = { type: 'map', entries, span: span(node.range), flow: !!node.flow };
      return m;
    }
    return null;
  };
  return convert(doc.contents, 0);
}
