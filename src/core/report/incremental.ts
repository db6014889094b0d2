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
    // an edit inside a record block, or in prose that holds no definition, changes none
    ...(prev.linkReferences ? { linkReferences: prev.linkReferences } : {}),
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
  const region = proseRegion(prev, text, lines, p, oldEnd, lineDelta);
  if (!region) return undefined;
  const report = shiftedReport(prev, text, lines, oldEnd, delta, lineDelta, () => true);
  // what lies outside the region is kept (as shiftedReport moved it); what lies inside comes from its scan.
  // Sorted out by the old text's offsets: an item inside the edit was not moved, and may lie past the new end
  const outside = <T extends { span: Span }>(old: readonly T[], moved: readonly T[]) => ({
    before: moved.filter((_, i) => old[i]!.span.start < region.start),
    after: moved.filter((_, i) => old[i]!.span.start >= region.end),
  });
  const headings = outside(prev.headings, report.headings);
  const citations = outside(prev.citations, report.citations);
  report.headings = headings.before;
  report.citations = citations.before;
  for (let ti = 0; ti < region.tokens.length; ti++) {
    const tok = region.tokens[ti]!;
    if (tok.type === 'heading_open' && tok.map) report.headings.push(headingOf(region.tokens, ti, lines));
    if (tok.type === 'inline' && tok.map && tok.children?.length) collectCitations(report, tok);
  }
  append(report.headings, headings.after);
  append(report.citations, citations.after);

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
 * What a reference definition (`[label]: …`, also in a quote or a list item,
 * its label over lines) needs: a region that holds one, before or after the
 * edit, is not re-scanned alone, as it may change how a citation elsewhere
 * reads.
 */
const MAY_DEFINE = /\]:/;

/**
 * The part of the text a prose edit can change, scanned again: from the line
 * after the record block (or front matter) before the edit to the closing
 * line of the record block after it (or the end). Markdown read from the
 * top never reads back past a closed top-level fence, and a record fence at
 * the region's end that comes out as the same block, moved, shows that the
 * edit did not reach past it. Undefined when that is not so (the edit made,
 * removed or swallowed a record fence, or a reference definition may change
 * how a citation reads); the caller then scans the whole text. `start` and `end` are
 * offsets in the old text (the region's end moves by the edit's delta); the
 * tokens' lines are the new text's.
 */
function proseRegion(prev: Report, text: string, lines: LineIndex, p: number, oldEnd: number, lineDelta: number): { start: number; end: number; tokens: Token[] } | undefined {
  let before: RecordBlock | undefined;
  let next: RecordBlock | undefined;
  for (const b of prev.blocks) {
    if (b.span.end < p) before = b;
    else if (b.span.start > oldEnd) {
      next = b;
      break;
    }
  }
  const firstLine = before ? before.closeLine + 1 : prev.lines.positionAt(prev.frontMatter!.span.end).line + 1;
  const lastLine = next ? next.closeLine + lineDelta : lines.lineCount - 1;
  if (firstLine > lastLine) return undefined;
  const start = lines.lineStarts[firstLine]!;
  const endNew = next ? lines.lineEnd(lastLine) : text.length;
  const endOld = next ? next.span.end : prev.text.length;
  // a reference definition made or changed by the edit may change how citations elsewhere read; one
  // elsewhere may change how a citation in the region reads (as a link): both need the whole text
  const slice = text.slice(start, endNew);
  if (MAY_DEFINE.test(slice) || MAY_DEFINE.test(prev.text.slice(start, endOld))) return undefined;
  let tokens: Token[];
  try {
    // the definitions elsewhere, which the region's citations are read with (a copy: the scan adds to it)
    tokens = getScanner().parse(slice, (prev.linkReferences ? { references: { ...prev.linkReferences } } : {}) as MarkdownIt.StateCore['env']);
  } catch {
    return undefined;
  }
  let fences = 0;
  for (const tok of tokens) {
    if (tok.map) tok.map = [tok.map[0] + firstLine, tok.map[1] + firstLine];
    if (tok.type === 'front_matter') return undefined;
    if (tok.type !== 'fence' || !tok.map || !isRecordKind(tok.info.trim().split(/\s+/)[0] ?? '')) continue;
    // the only record fence in the region is the next block, where it was, moved
    const kind = tok.info.trim().split(/\s+/)[0];
    if (!next || ++fences > 1 || next.kind !== kind || next.marker !== tok.markup || tok.map[0] !== next.openLine + lineDelta || tok.map[1] - 1 !== next.closeLine + lineDelta) return undefined;
  }
  if (next && fences !== 1) return undefined;
  return { start, end: endOld, tokens };
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
