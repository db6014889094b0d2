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
import { cachedParser, parseBlock, parseFrontMatter, shiftBlock } from './blocks';
import { citationPlugin, collectCitations } from './citations';
import { isRecordKind, type AuditRecord, type Heading, type RecordBlock, type Reference, type Report } from './model';
import { collectReferences } from './refs';
import { LineIndex } from './text';
import { textChange } from './text-change';
import type { Span } from './types';
import { LIMITS, type ParsedYaml } from './yaml';

export { yamlText } from './blocks';
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
