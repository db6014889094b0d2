/**
 * Prose citations (`[@E1]`, `[@E1#frame=312]`): the markdown-it inline rule
 * that turns them into tokens (shared by the parser's scan and the renderer),
 * and the citations of a scanned inline token as references of the report.
 */
import type MarkdownIt from 'markdown-it';
import type { Report } from './model';
type MarkdownItInstance = MarkdownIt.MarkdownIt;
type StateInline = MarkdownIt.StateInline;
type Token = MarkdownIt.Token;

/** `[@E1]`, `[@E1#frame=312]`: an id, optionally followed by `#locator`. */
const CITATION = /^\[@([A-Za-z][A-Za-z0-9_-]*)(?:#([^\]\s]*))?\]/;

/** markdown-it inline rule that turns `[@E1#loc]` into a `citation` token (shared with the renderer). */
export function citationPlugin(md: MarkdownItInstance): void {
  md.inline.ruler.before('link', 'audit_citation', (state: StateInline, silent: boolean) => {
    if (state.src.charCodeAt(state.pos) !== 0x5b /* [ */ || state.src.charCodeAt(state.pos + 1) !== 0x40 /* @ */) return false;
    const m = CITATION.exec(state.src.slice(state.pos, state.pos + 200));
    if (!m) return false;
    if (!silent) {
      const tok = state.push('audit_citation', '', 0);
      tok.content = m[0];
      tok.meta = { id: m[1], locator: m[2] || undefined, pos: state.pos };
    }
    state.pos += m[0].length;
    return true;
  });
}

/** Adds the citations of an inline token (scanned with the citation rule) to `report.citations`, with their spans in the file. */
export function collectCitations(report: Report, tok: Token): void {
  const { lines } = report;
  // local line starts of the inline content
  const starts = [0];
  for (let i = 0; i < tok.content.length; i++) if (tok.content.charCodeAt(i) === 10) starts.push(i + 1);
  // citations come in source order: walk the lines and, on each, search on from the last match
  let li = 0;
  let cursorLine = -1;
  let cursor = 0;
  let lineText = '';
  for (const child of tok.children!) {
    if (child.type !== 'audit_citation') continue;
    const meta = child.meta as { id: string; locator?: string; pos: number };
    while (li + 1 < starts.length && starts[li + 1]! <= meta.pos) li++;
    const fileLine = tok.map![0] + li;
    if (fileLine !== cursorLine) {
      cursorLine = fileLine;
      cursor = 0;
      lineText = lines.lineText(fileLine);
    }
    let col = lineText.indexOf(child.content, cursor);
    if (col < 0) col = Math.min(lineText.length, Math.max(0, meta.pos - starts[li]!));
    cursor = col + child.content.length;
    const start = lines.lineStarts[fileLine]! + col;
    const span = { start, end: start + child.content.length };
    report.citations.push({
      id: meta.id,
      locator: meta.locator,
      span,
      idSpan: { start: start + 2, end: start + 2 + meta.id.length },
      from: undefined,
      field: 'citation',
      expected: ['device', 'step', 'flow', 'evidence', 'response', 'retest', 'finding'],
    });
  }
}
