/**
 * What a report asks to mask, read tolerantly: every `redact` key of the
 * front matter and every `identifiers` key of every device block, duplicates
 * included, whatever the shape of its value (a string, a list, a mapping, a
 * list of mappings: every scalar in it counts, mapping keys aside).
 *
 * It does not trust the linter's model, which drops a mapping with a
 * duplicate key: each region is parsed again here with duplicate keys
 * allowed. A region that YAML cannot read and that names `redact` or
 * `identifiers` makes the redaction *uncertain*: exports refuse to run and
 * say why, rather than print a value that should have been masked.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { Report } from '../report/model';
import type { Span } from '../report/types';

export interface RedactPattern {
  /** As written, e.g. `/\d{15}/i`. */
  written: string;
  source: string;
  flags: string;
  /** Where it is written in the report. */
  span: Span;
}

export interface RedactRules {
  /** Literal values (trimmed, non-empty), in the order found. */
  literals: string[];
  patterns: RedactPattern[];
  /** Why the list above may be incomplete (empty when it is certain). */
  uncertain: string[];
}

const PATTERN = /^\/(.+)\/([a-z]*)$/s;

/** A `redact` entry read as a `/pattern/flags`, or undefined for a literal. */
export function asPattern(value: string, span: Span): RedactPattern | undefined {
  const written = value.trim();
  const m = PATTERN.exec(written);
  return m ? { written, source: m[1]!, flags: m[2]!, span } : undefined;
}

/** Values one report may ask to mask (`redact` literals and identifiers together). */
export const MAX_VALUES = 1000;

/** The YAML of a region, with a list or quote prefix (`> `, spaces) removed from each line. */
function regionText(report: Report, span: Span, indent: string): string {
  const raw = report.text.slice(span.start, span.end);
  if (!indent) return raw;
  const quotes = (indent.match(/>/g) ?? []).length;
  return raw
    .split('\n')
    .map((line) => {
      if (quotes === 0) return line.slice(Math.min(indent.length, /^ */.exec(line)![0].length));
      let rest = line;
      for (let q = 0; q < quotes; q++) rest = rest.replace(/^[ \t]*>[ \t]?/, '');
      return rest;
    })
    .join('\n');
}

function lineOf(report: Report, offset: number): number {
  return report.lines.positionAt(offset).line + 1;
}

/** Every scalar under `node` as the reader sees it (mapping values, not keys); each node is visited once, so alias bombs cost nothing. */
function scalars(doc: Document.Parsed, text: string, node: unknown, out: { value: string; at: number }[], seen: Set<unknown>): void {
  const stack: unknown[] = [node];
  while (stack.length) {
    let n = stack.pop();
    if (isAlias(n)) n = n.resolve(doc);
    if (n === null || n === undefined || seen.has(n)) continue;
    seen.add(n);
    if (isScalar(n)) {
      if (n.value === null) continue;
      const at = n.range?.[0] ?? 0;
      // a number is kept as written (YAML would round a 19-digit IMSI)
      const value = typeof n.value === 'string' ? n.value : n.range ? text.slice(n.range[0], n.range[1]).trim().replace(/^(["'])(.*)\1$/s, '$2') : String(n.value);
      out.push({ value, at });
    } else if (isSeq(n)) {
      for (let k = n.items.length - 1; k >= 0; k--) stack.push(n.items[k]);
    } else if (isMap(n)) {
      for (let k = n.items.length - 1; k >= 0; k--) stack.push((n.items[k] as { value?: unknown }).value);
    }
  }
}

/**
 * Values of the pairs named `key` (in any case, as YAML decodes it: `"identi\x66iers"` counts) in the top-level
 * mapping(s) of a region, the mapping itself or each mapping of a top-level list, merge keys (`<<`) followed.
 */
function pairsNamed(doc: Document.Parsed, key: string): unknown[] {
  const c = doc.contents;
  const values: unknown[] = [];
  const seen = new Set<unknown>();
  const visit = (m: unknown, depth: number) => {
    if (isAlias(m)) m = m.resolve(doc);
    if (!isMap(m) || seen.has(m) || depth > 8) return;
    seen.add(m);
    for (const p of m.items) {
      if (!isPair(p) || !isScalar(p.key)) continue;
      const name = String(p.key.value).trim().toLowerCase();
      if (name === key) values.push(p.value);
      else if (name === '<<') {
        const v = isAlias(p.value) ? p.value.resolve(doc) : p.value;
        for (const x of isSeq(v) ? v.items : [v]) visit(x, depth + 1);
      }
    }
  };
  for (const m of isSeq(c) ? c.items : [c]) visit(m, 0);
  return values;
}

function read(text: string): Document.Parsed | undefined {
  try {
    return parseDocument(text, { uniqueKeys: false, strict: false, prettyErrors: false, keepSourceTokens: false });
  } catch {
    return undefined;
  }
}

export function collectRedaction(report: Report): RedactRules {
  const literals: string[] = [];
  const seenLiteral = new Set<string>();
  const patterns: RedactPattern[] = [];
  const uncertain: string[] = [];
  const addLiteral = (v: string) => {
    const t = v.trim();
    if (t && !seenLiteral.has(t)) {
      seenLiteral.add(t);
      literals.push(t);
    }
  };

  const region = (span: Span, indent: string, key: 'redact' | 'identifiers', what: string) => {
    const text = regionText(report, span, indent);
    // any error counts, whether or not the text spells the key: YAML may write it escaped (`"identi\x66iers"`)
    const doc = read(text);
    const errors = doc ? doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY') : [];
    if (!doc || errors.length) {
      const first = errors[0];
      const where = first ? ` (line ${lineOf(report, span.start) + text.slice(0, first.pos[0]).split('\n').length - 1}: ${first.message.split('\n')[0]!.replace(/\s+at line \d+.*$/, '')})` : '';
      uncertain.push(`${what} is not valid YAML${where}, so the \`${key}\` values it may hold cannot be read with certainty.`);
    }
    if (!doc) return [];
    const found: { value: string; at: number }[] = [];
    const seen = new Set<unknown>();
    for (const v of pairsNamed(doc, key)) scalars(doc, text, v, found, seen);
    return found.map((f) => ({ ...f, at: span.start + f.at }));
  };

  const fm = report.frontMatter;
  if (!fm && /^[ \t]*["']?redact["']?[ \t]*:/im.test(report.text)) {
    // e.g. a blank line before the opening `---`: the list would be printed as prose
    uncertain.push('The report has a `redact:` line but no front matter on its first line, so its values would be printed, not masked.');
  }
  if (fm) {
    for (const { value, at } of region(fm.contentSpan, '', 'redact', `The front matter (line ${lineOf(report, fm.span.start)})`)) {
      const pattern = asPattern(value, { start: at, end: at + value.length });
      if (pattern) patterns.push(pattern);
      else addLiteral(value);
    }
  }
  for (const b of report.blocks) {
    if (b.kind !== 'device') continue;
    for (const { value } of region(b.contentSpan, b.indent, 'identifiers', `The device block at line ${b.openLine + 1}`)) addLiteral(value);
  }
  if (literals.length > MAX_VALUES) uncertain.push(`The report asks to mask ${literals.length} values; the limit is ${MAX_VALUES}.`);
  return { literals, patterns, uncertain };
}
