/**
 * Numbered figures: "Figure 1 — Data flows". The renderer writes each
 * figure with `data-figure="KEY"` and a number mark in its caption; a
 * citation `[@fig:KEY]` in the prose writes a mark too. Once the whole
 * report is rendered, `numberFigures` gives the figures their numbers in
 * document order and resolves every mark (a citation of a figure that is
 * not there reads "Figure ?", and the linter-free renderer says so in a
 * tooltip).
 *
 * Marks are HTML comments: the renderer escapes every `<` of report text,
 * so a mark can only come from this module.
 */
import type MarkdownIt from 'markdown-it';
import { escapeAttr } from './escape';

type MarkdownItInstance = MarkdownIt.MarkdownIt;
type StateInline = MarkdownIt.StateInline;

/** Keys are letters, digits and `-` (`dataflow`, `timeline`, `E7`). */
const KEY = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
const MARK = /<!--pa-fig:([A-Za-z][A-Za-z0-9-]{0,63})-->/g;
const DEFINITION = /data-figure="([A-Za-z][A-Za-z0-9-]{0,63})"/g;

/** The element id of a figure. */
export function figureId(key: string): string {
  return `fig-${key}`;
}

/** Where a figure's number goes (in its caption, or in a citation of it). */
export function figureMark(key: string): string {
  return KEY.test(key) ? `<!--pa-fig:${key}-->` : '?';
}

/** The attributes that make an element a numbered figure. */
export function figureAttrs(key: string): string {
  return KEY.test(key) ? `id="${escapeAttr(figureId(key))}" data-figure="${key}"` : '';
}

/** Numbers the figures of the rendered parts in order and resolves every mark. */
export function numberFigures(parts: readonly string[]): { parts: string[]; figures: Map<string, number> } {
  const figures = new Map<string, number>();
  for (const p of parts) for (const m of p.matchAll(DEFINITION)) if (!figures.has(m[1]!)) figures.set(m[1]!, figures.size + 1);
  return { parts: parts.map((p) => p.replace(MARK, (_, key: string) => String(figures.get(key) ?? '?'))), figures };
}

/** `[@fig:dataflow]`: a citation of a figure, rendered "Figure N" linking to it. */
export function figureCitationPlugin(md: MarkdownItInstance): void {
  md.inline.ruler.before('link', 'audit_figure', (state: StateInline, silent: boolean) => {
    if (!state.src.startsWith('[@fig:', state.pos)) return false;
    const m = /^\[@fig:([A-Za-z][A-Za-z0-9-]{0,63})\]/.exec(state.src.slice(state.pos, state.pos + 80));
    if (!m) return false;
    if (!silent) {
      const tok = state.push('audit_figure', '', 0);
      tok.meta = { key: m[1] };
    }
    state.pos += m[0].length;
    return true;
  });
  md.renderer.rules.audit_figure = (tokens, idx) => {
    const key = String((tokens[idx]!.meta as { key: string }).key);
    return `<a class="figure-ref" href="#${escapeAttr(figureId(key))}">Figure ${figureMark(key)}</a>`;
  };
}
