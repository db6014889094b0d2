/**
 * Prose: the Markdown between the front matter and the record blocks, in
 * the segments the structured editor shows (`proseSegments` in
 * viewmodel.ts: the text between two cuts, trimmed, with its first line).
 * A new text replaces a segment through one edit of the part that differs;
 * a text that would add, remove or swallow a record block, touch the front
 * matter or leave a code fence open is refused.
 */
import MarkdownIt from 'markdown-it';
import frontMatterPlugin from 'markdown-it-front-matter';
import { parseReport, reparseEdit, textChange } from '../report/parse';
import type { IntentOf } from '../protocol';
import type { Report } from '../report/model';
import type { TextEdit } from '../report/types';
import type { EditContext, Plan } from './context';
import { applyEdits } from './apply-edits';

/**
 * The prose segments with their offsets: the same segments as
 * `proseSegments` (viewmodel.ts; not imported, as it would bring the whole
 * linter into every user of the edit intents).
 */
export function proseSpans(report: Report): { line: number; text: string; start: number }[] {
  const { text } = report;
  const cuts = report.blocks.map((b) => b.span);
  if (report.frontMatter) cuts.push(report.frontMatter.span);
  cuts.sort((a, b) => a.start - b.start);
  cuts.push({ start: text.length, end: text.length });
  const out: { line: number; text: string; start: number }[] = [];
  let from = 0;
  for (const cut of cuts) {
    const gap = text.slice(from, cut.start);
    const body = gap.trim();
    if (body) {
      const start = from + gap.length - gap.trimStart().length;
      out.push({ line: report.lines.positionAt(start).line, text: body, start });
    }
    from = Math.max(from, cut.end);
  }
  return out;
}

export function setProse(ctx: EditContext, { line, old, text }: IntentOf<'setProse'>): Plan {
  // the line is where the form saw the part; an edit above it since (another part, a record) moves it,
  // so a part that still reads as the form showed it is found by its text, the nearest one to that line
  const seg = proseSpans(ctx.report)
    .filter((s) => s.text === old)
    .sort((a, b) => Math.abs(a.line - line) - Math.abs(b.line - line))[0];
  if (!seg) return { error: `The text changed meanwhile: no prose near line ${line + 1} reads as the form showed it. Try again on the current text.` };
  // a segment is trimmed text; its line breaks are the document's
  const next = text.trim().replace(/\r\n?|\n/g, ctx.eol);
  const c = textChange(old, next);
  if (c.start === c.oldEnd && c.start === c.newEnd) return { edits: [], expect: { type: 'setProse' } };
  const edits = [ctx.edit(seg.start + c.start, seg.start + c.oldEnd, next.slice(c.start, c.newEnd))];
  const why = structureChange(ctx.report, edits, /`{3,}|~{3,}/.test(old) || /`{3,}|~{3,}/.test(next));
  if (why) return { error: `The new text would ${why}; make that change in the text editor.` };
  return { edits, expect: { type: 'setProse' } };
}

/** How the edits would change the report's structure (front matter, record blocks, code fences), or undefined. */
function structureChange(report: Report, edits: TextEdit[], fences: boolean): string | undefined {
  const input = (report.hadBom ? '\ufeff' : '') + applyEdits(report.text, edits);
  const after = reparseEdit(report, input) ?? parseReport(input);
  const fm = report.frontMatter;
  const fmAfter = after.frontMatter;
  if (!fm !== !fmAfter) return fm ? 'remove the front matter' : 'start a front matter (a `---` line at the top)';
  if (fm && fmAfter && (fm.span.start !== fmAfter.span.start || report.text.slice(fm.span.start, fm.span.end) !== after.text.slice(fmAfter.span.start, fmAfter.span.end))) {
    return 'change the front matter';
  }
  if (after.blocks.length > report.blocks.length) return 'add a record block (a ``` or ~~~ fence that names a record kind)';
  if (after.blocks.length < report.blocks.length) return 'remove a record block, or make Markdown read it as something else (check the ``` and ~~~ fences)';
  for (let i = 0; i < report.blocks.length; i++) {
    const a = report.blocks[i]!;
    const b = after.blocks[i]!;
    if (a.kind !== b.kind || a.indent !== b.indent || a.marker !== b.marker || a.closeLine - a.openLine !== b.closeLine - b.openLine || report.text.slice(a.span.start, a.span.end) !== after.text.slice(b.span.start, b.span.end)) {
      return `change the \`${a.kind}\` record block at line ${a.openLine + 1}`;
    }
  }
  if (fences && openFences(after.text) > openFences(report.text)) return 'leave a code fence (``` or ~~~) open';
  return undefined;
}

let scanner: MarkdownIt.MarkdownIt | undefined;

/** How many code fences of a text are never closed (they run to the end of their container). */
function openFences(text: string): number {
  if (!scanner) {
    scanner = new MarkdownIt({ html: false });
    scanner.use(frontMatterPlugin, () => undefined);
  }
  const lines = text.split(/\r\n?|\n/);
  let open = 0;
  for (const tok of scanner.parse(text, {})) {
    if (tok.type !== 'fence' || !tok.map) continue;
    const last = tok.map[1] - 1;
    const close = (lines[last] ?? '').replace(/^[\s>]*/, '').trimEnd();
    const ch = tok.markup[0]!;
    const closed = last > tok.map[0] && close.length >= tok.markup.length && close === ch.repeat(close.length);
    if (!closed) open++;
  }
  return open;
}
