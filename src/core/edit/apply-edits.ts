/** Text edits applied to a text: the one operation every other module of the edit intents builds on. */
import type { TextEdit } from '../report/types';

/** Applies non-overlapping edits (any order) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}
