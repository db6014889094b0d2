/**
 * Parses an `.audit.md` file into the report model. markdown-it finds the
 * structure (front matter, fenced record blocks, headings, `[@E1]`
 * citations); the `yaml` package parses the front matter and record blocks.
 * Never throws: every problem becomes a `ParseProblem`.
 */
import MarkdownIt from 'markdown-it';
type MarkdownItInstance = MarkdownIt.MarkdownIt;
type Token = MarkdownIt.Token;
import frontMatterPlugin from 'markdown-it-front-matter';
import { citationPlugin, collectCitations } from './citations';
import {
  isRecordKind,
  type AuditRecord,
  type FrontMatter,
  type Heading,
  type ParseProblem,
  type RecordBlock,
  type RecordKind,
  type Reference,
  type Report,
  type YEntry,
  type YMap,
  type YNode,
} from './model';
import { collectReferences } from './refs';
import { LineIndex } from './text';
import { textChange } from './text-change';
import type { Span } from './types';
import { LIMITS, parseYaml, toNodes, type ParsedYaml, type YamlProblem } from './yaml';

export { citationPlugin } from './citations';
export { REFERENCE_FIELDS } from './refs';
export { textChange } from './text-change';

let scanner: MarkdownItInstance | undefined;

/** A markdown-it instance that parses blocks fully but inline content only where a citation may be. */
function getScanner(): MarkdownItInstance {
  if (scanner) return scanner;
  const md = new MarkdownIt({ html: false });
  md.use(frontMatterPlugin, () => undefined);
  md.use(citationPlugin);
  md.core.ruler.at('inline', (state) => {
    for (const tok of state.tokens) {
      if (tok.type === 'inline' && tok.content.includes('[@')) {
        tok.children = [];
        md.inline.parse(tok.content, md, state.env, tok.children);
      }
    }
  });
  scanner = md;
  return md;
}

export interface ParseOptions {
  /** Cache of parsed YAML regions keyed by their text (reused across parses of the same document). */
  yamlCache?: Map<string, ParsedYaml>;
}

export function parseReport(input: string, options: ParseOptions = {}): Report {
  const hadBom = input.charCodeAt(0) === 0xfeff;
  const text = hadBom ? input.slice(1) : input;
  const lines = new LineIndex(text);
  const report: Report = {
    text,
    lines,
    hadBom,
    frontMatter: undefined,
    blocks: [],
    records: [],
    byId: new Map(),
    references: [],
    citations: [],
    headings: [],
    problems: [],
  };

  if (text.length > LIMITS.maxFileChars) {
    report.problems.push({
      rule: 'PA000',
      message: `The file is too large to lint (${(text.length / 1048576).toFixed(1)} MB; the limit is ${LIMITS.maxFileChars / 1048576} MB). Split the report or move bulk data into evidence files.`,
      span: { start: 0, end: 0 },
      fatal: true,
    });
    return report;
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    report.problems.push({
      rule: 'PA000',
      message: 'The file contains NUL bytes: it looks binary, not like a Markdown report.',
      span: { start: nul, end: nul + 1 },
      fatal: true,
    });
    return report;
  }
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    // Not fatal: the text was decoded with replacement characters (invalid UTF-8).
    report.problems.push({
      rule: 'PA000',
      message: 'The file contains invalid UTF-8 (shown as \ufffd); save it as UTF-8.',
      span: { start: bad, end: bad + 1 },
    });
  }

  let tokens: Token[];
  try {
    tokens = getScanner().parse(text, {});
  } catch (err) {
    report.problems.push({ rule: 'PA000', message: `The Markdown could not be parsed: ${(err as Error).message}`, span: { start: 0, end: 0 }, fatal: true });
    return report;
  }

  const parseCached = cachedParser(options.yamlCache);

  let recordIndex = 0;
  for (let ti = 0; ti < tokens.length; ti++) {
    const tok = tokens[ti]!;
    if (tok.type === 'front_matter' && tok.map) {
      report.frontMatter = parseFrontMatter(report, tok, parseCached);
    } else if (tok.type === 'fence' && tok.map) {
      const kind = tok.info.trim().split(/\s+/)[0] ?? '';
      if (!isRecordKind(kind)) continue;
      const block = parseBlock(report, tok, kind, parseCached, recordIndex);
      recordIndex += block.records.length;
      report.blocks.push(block);
      append(report.records, block.records);
    } else if (tok.type === 'heading_open' && tok.map) {
      report.headings.push(headingOf(tokens, ti, lines));
    }
    if (tok.type === 'inline' && tok.map && tok.children?.length) collectCitations(report, tok);
  }

  if (!report.frontMatter) {
    report.problems.push({
      rule: 'PA001',
      message: 'The report has no front matter: it must start with a `---` line, YAML keys (audit-format, id, title, status, date, auditors), and a closing `---` line.',
      span: { start: 0, end: lines.lineEnd(0) },
    });
  }

  finish(report);
  return report;
}

/** Appends `items` one by one: `push(...items)` overflows the stack beyond about 100,000 items (one block can hold 200,000 records). */
function append<T>(to: T[], items: readonly T[] | undefined): void {
  if (items) for (const x of items) to.push(x);
}

/** The heading that `tokens[ti]` (a `heading_open` with a map) opens. */
function headingOf(tokens: Token[], ti: number, lines: LineIndex): Heading {
  const tok = tokens[ti]!;
  const line = tok.map![0];
  return { level: Number(tok.tag.slice(1)), text: tokens[ti + 1]?.content ?? '', line, span: { start: lines.lineStarts[line]!, end: lines.lineEnd(line) } };
}

/** Derived parts of a report: the implicit device id, the id index, references (unless already collected). */
function finish(report: Report, collect = true): void {
  // A single device may omit its id; it is then known as D1.
  const devices = report.records.filter((r) => r.kind === 'device');
  for (const d of devices) if (d.implicitId) {
    d.id = undefined;
    d.implicitId = false;
  }
  if (devices.length === 1 && devices[0]!.id === undefined) {
    devices[0]!.id = 'D1';
    devices[0]!.implicitId = true;
  }
  const byId = new Map<string, AuditRecord>();
  for (const r of report.records) if (r.id !== undefined && !byId.has(r.id)) byId.set(r.id, r);
  report.byId = byId;
  if (!collect) return;
  report.references = [];
  for (const r of report.records) collectReferences(report, r);
}

const FENCE_LINE = /^[ \t]{0,3}(`{3,}|~{3,})/m;

/**
 * Re-parses `input` after an edit that lies inside the YAML of one record
 * block of `prev` (the usual case while typing): only that block is parsed
 * again; everything after it is shifted. Returns undefined when the edit may
 * change the Markdown structure, and the caller parses the whole text.
 */
export function reparseEdit(prev: Report, input: string, options: ParseOptions = {}): Report | undefined {
  const hadBom = input.charCodeAt(0) === 0xfeff;
  const text = hadBom ? input.slice(1) : input;
  if (hadBom !== prev.hadBom || text.length > LIMITS.maxFileChars || prev.problems.some((p) => p.rule === 'PA000')) return undefined;
  const { start: p, oldEnd, newEnd, delta } = textChange(prev.text, text);
  // the file-level PA000 problems (NUL, invalid UTF-8) are found by a full parse only
  if (/[\u0000\ufffd]/.test(text.slice(p, newEnd)) || /[\u0000\ufffd]/.test(prev.text.slice(p, oldEnd))) return undefined;
  const bi = prev.blocks.findIndex((b) => b.indent === '' && b.closeLine >= 0 && b.contentSpan.start < b.contentSpan.end && b.contentSpan.start <= p && oldEnd <= b.contentSpan.end);
  if (bi < 0) return proseEdit(prev, text, p, oldEnd, newEnd, delta);
  const b = prev.blocks[bi]!;
  // a new line that looks like a fence could close the block early
  if (FENCE_LINE.test(text.slice(b.contentSpan.start, b.contentSpan.end + delta))) return undefined;

  const lines = LineIndex.afterEdit(prev.lines, text, p, oldEnd, newEnd);
  const lineDelta = lines.lineCount - prev.lines.lineCount;
  const after = b.span.end;
  const sh = shifter(after, delta);
  // the block's own problems are found again by its parse
  // the block's own problems (PA002) are found again by its parse; the others stay
  const report = shiftedReport(prev, text, lines, after, delta, lineDelta, (q) => q.rule !== 'PA002' || q.span.start < b.span.start || q.span.start >= after);
  const parseCached = cachedParser(options.yamlCache);
  // references of unchanged records are kept (shifted when their block moved)
  const refsOf = referencesByRecord(prev);
  let index = 0;
  for (let i = 0; i < prev.blocks.length; i++) {
    const ob = prev.blocks[i]!;
    let nb: RecordBlock;
    if (i < bi) {
      nb = ob;
      for (const r of nb.records) append(report.references, refsOf.get(r));
    } else if (i === bi) {
      nb = parseBlock(report, { map: [ob.openLine, ob.closeLine + lineDelta + 1], markup: ob.marker, content: '' }, ob.kind, parseCached, index);
      for (const r of nb.records) collectReferences(report, r);
    } else {
      nb = shiftBlock(ob, delta, lineDelta);
      nb.records.forEach((r, k) => {
        for (const ref of refsOf.get(ob.records[k]!) ?? []) report.references.push({ ...ref, from: r, span: sh(ref.span), idSpan: sh(ref.idSpan) });
      });
    }
    for (const r of nb.records) r.index = index++;
    report.blocks.push(nb);
    append(report.records, nb.records);
  }
  finish(report, false);
  return report;
}

/** Moves a span that starts at or after `from` by `delta`. */
function shifter(from: number, delta: number): (sp: Span) => Span {
  return (sp) => (sp.start >= from ? { start: sp.start + delta, end: sp.end + delta } : sp);
}

/**
 * A report for `text` with no records yet, whose citations, headings and
 * problems (those `keep` accepts) are `prev`'s, moved when they start at or
 * after `after`.
 */
function shiftedReport(prev: Report, text: string, lines: LineIndex, after: number, delta: number, lineDelta: number, keep: (q: Report['problems'][number]) => boolean): Report {
  const sh = shifter(after, delta);
  return {
    text,
    lines,
    hadBom: prev.hadBom,
    frontMatter: prev.frontMatter,
    blocks: [],
    records: [],
    byId: new Map(),
    references: [],
    citations: prev.citations.map((c) => (c.span.start >= after ? { ...c, span: sh(c.span), idSpan: sh(c.idSpan) } : c)),
    headings: prev.headings.map((h) => (h.span.start >= after ? { ...h, line: h.line + lineDelta, span: sh(h.span) } : h)),
    problems: prev.problems.filter(keep).map((q) => (q.span.start >= after ? { ...q, span: sh(q.span) } : q)),
  };
}

/** The references of `prev`, by the record they are in. */
function referencesByRecord(prev: Report): Map<AuditRecord, Reference[]> {
  const refsOf = new Map<AuditRecord, Reference[]>();
  for (const ref of prev.references) {
    const list = refsOf.get(ref.from!);
    if (list) list.push(ref);
    else refsOf.set(ref.from!, [ref]);
  }
  return refsOf;
}

/**
 * The other usual case while typing: an edit in the prose, outside the front
 * matter and every record block. Markdown decides what the edit did: the
 * text is scanned again with markdown-it, and when its record fences are the
 * old blocks, moved by the edit, those blocks (and their records) are kept,
 * moved; headings and citations come from the new scan. Undefined when the
 * fences differ or a block sits in a list or quote (the caller parses the
 * whole text).
 */
function proseEdit(prev: Report, text: string, p: number, oldEnd: number, newEnd: number, delta: number): Report | undefined {
  const fm = prev.frontMatter;
  if (!fm || p <= fm.span.end) return undefined;
  if (prev.blocks.some((b) => b.indent !== '' || b.closeLine < 0 || (b.span.start <= oldEnd && p <= b.span.end))) return undefined;
  const lines = LineIndex.afterEdit(prev.lines, text, p, oldEnd, newEnd);
  const lineDelta = lines.lineCount - prev.lines.lineCount;
  let tokens: Token[];
  try {
    tokens = getScanner().parse(text, {});
  } catch {
    return undefined;
  }
  const report = shiftedReport(prev, text, lines, oldEnd, delta, lineDelta, () => true);
  report.headings = [];
  report.citations = [];
  const moved = (line: number, at: number) => (at >= oldEnd ? line + lineDelta : line);
  let bi = 0;
  let sawFrontMatter = false;
  for (let ti = 0; ti < tokens.length; ti++) {
    const tok = tokens[ti]!;
    if (tok.type === 'front_matter') {
      if (ti !== 0 || !tok.map || tok.map[1] - 1 !== prev.lines.positionAt(fm.span.end).line) return undefined;
      sawFrontMatter = true;
    } else if (tok.type === 'fence' && tok.map) {
      const kind = tok.info.trim().split(/\s+/)[0] ?? '';
      if (!isRecordKind(kind)) continue;
      const b = prev.blocks[bi++];
      if (!b || b.kind !== kind || b.marker !== tok.markup || tok.map[0] !== moved(b.openLine, b.span.start) || tok.map[1] - 1 !== moved(b.closeLine, b.span.start)) return undefined;
    } else if (tok.type === 'heading_open' && tok.map) {
      report.headings.push(headingOf(tokens, ti, lines));
    }
    if (tok.type === 'inline' && tok.map && tok.children?.length) collectCitations(report, tok);
  }
  if (!sawFrontMatter || bi !== prev.blocks.length) return undefined;

  const sh = shifter(oldEnd, delta);
  if (delta === 0 && lineDelta === 0) {
    // the same length: every record stays where it was
    report.blocks = prev.blocks;
    report.records = prev.records;
    report.references = prev.references;
    finish(report, false);
    return report;
  }
  const refsOf = referencesByRecord(prev);
  for (const ob of prev.blocks) {
    if (ob.span.start < oldEnd) {
      report.blocks.push(ob);
      append(report.records, ob.records);
      for (const r of ob.records) append(report.references, refsOf.get(r));
      continue;
    }
    const nb = shiftBlock(ob, delta, lineDelta);
    nb.records.forEach((r, k) => {
      for (const ref of refsOf.get(ob.records[k]!) ?? []) report.references.push({ ...ref, from: r, span: sh(ref.span), idSpan: sh(ref.idSpan) });
    });
    report.blocks.push(nb);
    append(report.records, nb.records);
  }
  finish(report, false);
  return report;
}

function shiftBlock(ob: RecordBlock, d: number, lineDelta: number): RecordBlock {
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

function cachedParser(cache: Map<string, ParsedYaml> | undefined): (t: string) => ParsedYaml {
  return (t) => {
    let p = cache?.get(t);
    if (!p) {
      p = parseYaml(t);
      cache?.set(t, p);
    }
    return p;
  };
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

/** The text the YAML parser gets for a region: \n line ends only (also the key of the parse cache). */
export function yamlText(raw: string): string {
  return raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
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

function parseFrontMatter(report: Report, tok: Token, parse: (t: string) => ParsedYaml): FrontMatter {
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

function parseBlock(report: Report, tok: Pick<Token, 'map' | 'markup' | 'content'>, kind: RecordKind, parse: (t: string) => ParsedYaml, index: number): RecordBlock {
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
