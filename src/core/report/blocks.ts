/**
 * The YAML regions of a report: the front matter and the fenced record
 * blocks, parsed by the `yaml` package (through a cache keyed by their text)
 * into nodes with file offsets, and the records of each block. Problems
 * become PA001 (front matter) and PA002 (blocks).
 */
import type MarkdownIt from 'markdown-it';
import type { AuditRecord, FrontMatter, ParseProblem, RecordBlock, RecordKind, Report, YEntry, YMap, YNode } from './model';
import type { LineIndex } from './text';
import type { Span } from './types';
import { parseYaml, toNodes, type ParsedYaml, type YamlProblem } from './yaml';
type Token = MarkdownIt.Token;

/** A YAML parser that keeps each region's parse in `cache` by its text (no cache: parse every time). */
export function cachedParser(cache: Map<string, ParsedYaml> | undefined): (t: string) => ParsedYaml {
  return (t) => {
    let p = cache?.get(t);
    if (!p) {
      p = parseYaml(t);
      cache?.set(t, p);
    }
    return p;
  };
}

/** The text the YAML parser gets for a region: \n line ends only (also the key of the parse cache). */
export function yamlText(raw: string): string {
  return raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
}

/** The front matter that the scan's `front_matter` token spans: closed, a mapping, its fields; problems as PA001. */
export function parseFrontMatter(report: Report, tok: Token, parse: (t: string) => ParsedYaml): FrontMatter {
  const { lines } = report;
  const [first, endLine] = tok.map!;
  const lastLine = endLine - 1;
  const closed = lastLine > first && /^-{3,}\s*$/.test(lines.lineText(lastLine));
  const contentEnd = closed ? lastLine : endLine;
  const span = { start: lines.lineStarts[first]!, end: lines.lineEnd(Math.max(first, lastLine)) };
  const { text, shift } = region(lines, first + 1, contentEnd, undefined);
  const contentSpan = { start: shift(0), end: shift(text.length) };
  const fm: FrontMatter = { span, contentSpan, closed, map: undefined, fields: new Map() };
  const openSpan = { start: span.start, end: lines.lineEnd(first) };
  if (!closed) {
    report.problems.push({ rule: 'PA001', message: 'The front matter is not closed: add a `---` line after its last key.', span: openSpan });
    return fm;
  }
  const parsed = parse(text);
  const problems = [...parsed.problems];
  const node = parsed.doc && problems.length === 0 ? toNodes(parsed.doc, shift, problems) : null;
  problemsToReport(report, 'PA001', problems, shift, openSpan);
  if (problems.length) return fm;
  if (!node || node.type !== 'map') {
    report.problems.push({ rule: 'PA001', message: 'The front matter must be a YAML mapping of keys to values.', span: node ? node.span : openSpan });
    return fm;
  }
  fm.map = node;
  fm.fields = fieldMap(node);
  return fm;
}

/** The record block that a fence token spans and its records (numbered from `index`); problems as PA002. */
export function parseBlock(report: Report, tok: Pick<Token, 'map' | 'markup' | 'content'>, kind: RecordKind, parse: (t: string) => ParsedYaml, index: number): RecordBlock {
  const { lines } = report;
  const [openLine, endLine] = tok.map!;
  const lastLine = endLine - 1;
  const openText = lines.lineText(openLine);
  const indent = /^[\s>]*/.exec(openText)?.[0] ?? '';
  const marker = tok.markup;
  const lastText = lines.lineText(lastLine).slice(indent.length).trim();
  const closed = lastLine > openLine && lastText.length >= marker.length && lastText === marker[0]!.repeat(lastText.length);
  const contentEnd = closed ? lastLine : endLine;
  const span = { start: lines.lineStarts[openLine]!, end: lines.lineEnd(Math.max(openLine, lastLine)) };
  // a fence at column 0 is never inside a list or quote, so its lines are verbatim
  const { text, shift, base } = region(lines, openLine + 1, contentEnd, indent === '' ? undefined : tok.content);
  const contentSpan = { start: shift(0), end: shift(text.length) };
  const block: RecordBlock = { kind, span, contentSpan, openLine, closeLine: closed ? lastLine : -1, indent, marker, shape: 'invalid', records: [] };
  const openSpan = { start: span.start + indent.length, end: lines.lineEnd(openLine) };
  if (!closed) {
    report.problems.push({ rule: 'PA002', message: `The \`${kind}\` block is never closed: add a closing ${marker} line.`, span: openSpan });
  }
  if (text.trim() === '') {
    block.shape = 'empty';
    report.problems.push({ rule: 'PA002', message: `The \`${kind}\` block is empty: write a YAML mapping (one record) or a sequence of mappings.`, span: openSpan });
    return block;
  }
  const parsed = parse(text);
  const { node, problems } = convertCached(parsed, shift, base);
  problemsToReport(report, 'PA002', problems, shift, openSpan);
  if (problems.length || !node) return block;

  const makeRecord = (map: YMap, i: number): AuditRecord => {
    const fields = fieldMap(map);
    const idEntry = fields.get('id');
    const idNode = idEntry?.value;
    const id = idNode && idNode.type === 'scalar' && idNode.value !== null ? String(idNode.value) : undefined;
    return { kind, id, idSpan: id !== undefined ? idNode!.span : undefined, implicitId: false, map, span: map.span, block, index: i, fields };
  };

  if (node.type === 'map') {
    block.shape = 'mapping';
    block.records.push(makeRecord(node, index));
  } else if (node.type === 'seq') {
    block.shape = 'sequence';
    let i = index;
    for (const item of node.items) {
      if (item.type === 'map') block.records.push(makeRecord(item, i++));
      else report.problems.push({ rule: 'PA002', message: `Each item of this \`${kind}\` block must be a mapping of fields (one record).`, span: item.span });
    }
  } else {
    report.problems.push({ rule: 'PA002', message: `A \`${kind}\` block must hold a YAML mapping (one record) or a sequence of mappings (several records).`, span: node.span });
  }
  return block;
}

/** `ob` and its records moved by `d` characters and `lineDelta` lines (text before it changed). */
export function shiftBlock(ob: RecordBlock, d: number, lineDelta: number): RecordBlock {
  const nb: RecordBlock = {
    ...ob,
    span: { start: ob.span.start + d, end: ob.span.end + d },
    contentSpan: { start: ob.contentSpan.start + d, end: ob.contentSpan.end + d },
    openLine: ob.openLine + lineDelta,
    closeLine: ob.closeLine >= 0 ? ob.closeLine + lineDelta : -1,
    records: [],
  };
  for (const r of ob.records) {
    const map = shiftNodes(r.map, d) as YMap;
    nb.records.push({ ...r, map, span: map.span, block: nb, fields: fieldMap(map), idSpan: r.idSpan && { start: r.idSpan.start + d, end: r.idSpan.end + d } });
  }
  return nb;
}

/**
 * The YAML text of lines [first, last) and how to map it back. When the lines
 * are verbatim in the file (the usual case), the region is the raw slice, so
 * offsets map by one addition (CRLF included).
 */
function region(lines: LineIndex, first: number, last: number, content: string | undefined): { text: string; shift: (o: number) => number; base: number | undefined } {
  const start = lines.lineStarts[first] ?? lines.text.length;
  const end = last > first ? lines.lineEnd(last - 1) : start;
  const raw = lines.text.slice(start, end);
  // content undefined: the caller knows the lines are verbatim (front matter, a fence at column 0)
  if (content === undefined) {
    if (!raw.includes('\r')) return { text: raw, shift: regionShift(lines, first, raw, undefined), base: start };
    // the YAML parser sees \n line ends only (it treats \r\n and lone \r differently at the edges);
    // offsets map back line by line
    const text = yamlText(raw);
    return { text, shift: regionShift(lines, first, text, new Array<number>(last - first).fill(0)), base: undefined };
  }
  const contentLines = content.replace(/\n$/, '').split('\n');
  let verbatim = contentLines.length === last - first;
  const prefixes: number[] = [];
  for (let i = 0; i < contentLines.length; i++) {
    const fileLine = lines.lineText(first + i);
    const c = contentLines[i]!;
    const p = Math.max(0, fileLine.length - c.length);
    prefixes.push(p);
    if (p !== 0 || fileLine !== c) verbatim = false;
  }
  if (verbatim) return { text: raw, shift: regionShift(lines, first, raw, undefined), base: start };
  const text = contentLines.join('\n');
  return { text, shift: regionShift(lines, first, text, prefixes), base: undefined };
}

/** Maps region-local offsets to file offsets for the lines `first..` of the file, each after a prefix. */
function regionShift(lines: LineIndex, firstLine: number, localText: string, prefixes: number[] | undefined): (o: number) => number {
  const base = lines.lineStarts[firstLine] ?? lines.text.length;
  if (!prefixes) return (o) => base + o;
  // general case (fence inside a list or quote): local line i starts at file line firstLine+i after a prefix
  const localStarts = [0];
  for (let i = 0; i < localText.length; i++) if (localText.charCodeAt(i) === 10) localStarts.push(i + 1);
  return (o) => {
    let lo = 0;
    let hi = localStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (localStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    const fileLine = firstLine + lo;
    const start = (lines.lineStarts[fileLine] ?? lines.text.length) + (prefixes[lo] ?? 0);
    return Math.min(start + (o - localStarts[lo]!), lines.lineEnd(Math.min(fileLine, lines.lineCount - 1)));
  };
}

function problemsToReport(report: Report, rule: ParseProblem['rule'], problems: { message: string; start: number; end: number }[], shift: (o: number) => number, fallback: Span): void {
  for (const p of problems) {
    // the parser may point one past the end of the text (an unclosed quote at the end of the file)
    const max = report.text.length;
    const start = Math.min(max, p.start === 0 && p.end === 0 ? fallback.start : shift(p.start));
    const end = Math.min(max, p.start === 0 && p.end === 0 ? fallback.end : Math.max(start, shift(p.end)));
    report.problems.push({ rule, message: p.message, span: { start, end } });
  }
}

function fieldMap(map: YMap | undefined): Map<string, YEntry> {
  const m = new Map<string, YEntry>();
  if (map) for (const e of map.entries) if (!m.has(e.key)) m.set(e.key, e);
  return m;
}

/**
 * Converts a parsed block to nodes with file offsets, reusing the nodes of an
 * earlier parse of the same text: as they are when the block has not moved,
 * shifted when text before it changed.
 */
function convertCached(parsed: ParsedYaml, shift: (o: number) => number, base: number | undefined): { node: YNode | null; problems: YamlProblem[] } {
  const memo = parsed.converted;
  if (memo && base !== undefined && memo.base !== undefined) {
    if (memo.base === base) return memo;
    const node = shiftNodes(memo.node, base - memo.base);
    parsed.converted = { base, node, problems: memo.problems };
    // problems are kept in region-local offsets, so they need no shifting
    return { node, problems: memo.problems };
  }
  const problems = [...parsed.problems];
  const node = parsed.doc && problems.length === 0 ? toNodes(parsed.doc, shift, problems) : null;
  parsed.converted = { base, node, problems };
  return { node, problems };
}

function shiftNodes(n: YNode | null, d: number): YNode | null {
  if (!n) return null;
  const span = { start: n.span.start + d, end: n.span.end + d };
  if (n.type === 'scalar') return { type: 'scalar', value: n.value, span, quoted: n.quoted };
  if (n.type === 'seq') return { type: 'seq', items: n.items.map((i) => shiftNodes(i, d)!), span, flow: n.flow };
  return {
    type: 'map',
    flow: n.flow,
    span,
    entries: n.entries.map((e) => ({
      key: e.key,
      keySpan: { start: e.keySpan.start + d, end: e.keySpan.end + d },
      value: shiftNodes(e.value, d),
      span: { start: e.span.start + d, end: e.span.end + d },
    })),
  };
}
