/**
 * Re-parsing after an edit while typing, from the previous report: an edit
 * inside one record block's YAML re-parses that block only; an edit in the
 * prose keeps every block. Whatever follows the edit is moved. Undefined
 * whenever the edit may change more, and the caller parses the whole text.
 */
import type MarkdownIt from 'markdown-it';
import { cachedParser, parseBlock, shiftBlock } from './blocks';
import { collectCitations } from './citations';
import { isRecordKind, type AuditRecord, type RecordBlock, type Reference, type Report } from './model';
import { collectReferences } from './refs';
import { append, finish, getScanner, headingOf, type ParseOptions } from './scan';
import { LineIndex } from './text';
import { textChange } from './text-change';
import type { Span } from './types';
import { LIMITS } from './yaml';
type Token = MarkdownIt.Token;

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
  // the block's own problems (PA002) are found again by its parse; the others stay
  const report = shiftedReport(prev, text, lines, after, delta, lineDelta, (q) => q.rule !== 'PA002' || q.span.start < b.span.start || q.span.start >= after);
  const parseCached = cachedParser(options.yamlCache);
  const reparse = (index: number) => parseBlock(report, { map: [b.openLine, b.closeLine + lineDelta + 1], markup: b.marker, content: '' }, b.kind, parseCached, index);
  carryBlocks(prev, report, after, delta, lineDelta, { at: bi, parse: reparse });
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

  if (delta === 0 && lineDelta === 0) {
    // the same length: every record stays where it was
    report.blocks = prev.blocks;
    report.records = prev.records;
    report.references = prev.references;
    finish(report, false);
    return report;
  }
  carryBlocks(prev, report, oldEnd, delta, lineDelta);
  return report;
}

/**
 * Fills `report` with the blocks of `prev` as they stand in the new text:
 * those before `from` as they were, those at or after it moved by `delta`
 * characters and `lineDelta` lines, and the one at `replace.at` (if given)
 * parsed again. Records are numbered in order; references are kept, moved
 * with their block, or collected from the new parse.
 */
function carryBlocks(prev: Report, report: Report, from: number, delta: number, lineDelta: number, replace?: { at: number; parse: (index: number) => RecordBlock }): void {
  const sh = shifter(from, delta);
  const refsOf = referencesByRecord(prev);
  let index = 0;
  for (let i = 0; i < prev.blocks.length; i++) {
    const ob = prev.blocks[i]!;
    let nb: RecordBlock;
    if (i === replace?.at) {
      nb = replace.parse(index);
      for (const r of nb.records) collectReferences(report, r);
    } else if (ob.span.start < from) {
      nb = ob;
      for (const r of nb.records) append(report.references, refsOf.get(r));
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
}
