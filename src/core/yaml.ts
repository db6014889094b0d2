/**
 * YAML regions (front matter, record blocks) parsed with the `yaml` package
 * and turned into `YNode`s that carry file offsets. Hostile input is bounded:
 * aliases are refused, nesting depth and size are capped before the parser
 * sees the text, and nothing here throws.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, Scalar, type Document, type Node } from 'yaml';
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
  try {
    const doc = parseDocument(text, {
      prettyErrors: false,
      uniqueKeys: true,
      keepSourceTokens: false,
      strict: true,
    });
    const problems: YamlProblem[] = doc.errors.map((e) => ({
      message: cleanMessage(e.message),
      start: e.pos[0],
      end: Math.max(e.pos[1], e.pos[0]),
    }));
    return { doc, problems };
  } catch (err) {
    // The parser is not expected to throw; a stack overflow or a bug must still not crash the linter.
    return { doc: undefined, problems: [{ message: `YAML could not be parsed: ${(err as Error).message}`, start: 0, end: 0 }] };
  }
}

function cleanMessage(m: string): string {
  return m.replace(/\s+at line \d+, column \d+.*$/s, '').trim();
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
