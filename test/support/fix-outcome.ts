/**
 * What a fix did to the diagnostics: the text is linted again after the fix,
 * every new diagnostic is mapped back to where it stands in the text before
 * the fix, and the two lists are compared by rule and position. A diagnostic
 * "with the same message" elsewhere does not hide that the one fixed is still
 * there, and one that moved or appeared is seen.
 */
import type { Diagnostic, Span, TextEdit } from '../../src/core/report/types';

type Edit = Pick<TextEdit, 'span' | 'newText'>;

/** A diagnostic of the fixed text, placed in the text before the fix. */
export interface Mapped {
  d: Diagnostic;
  /** Its span in the text before the fix (an end inside written text goes to the end of what that edit replaced). */
  span: Span;
  /** It starts or lies in text that the fix wrote (a stub record, a new value). */
  written: boolean;
}

export interface Outcome {
  /** Diagnostics of the text before the fix that are no longer reported at their place. */
  gone: Diagnostic[];
  /** Reported at the same place by the same rule, with another message. */
  changed: { before: Diagnostic; after: Mapped }[];
  /** New diagnostics, at a place where that rule reported nothing before. */
  added: Mapped[];
  /** Reported again exactly. */
  kept: { before: Diagnostic; after: Mapped }[];
}

/** The edits in text order, with where their new text lands in the edited text. */
function placed(edits: readonly Edit[]): { from: Span; to: Span }[] {
  let delta = 0;
  return [...edits]
    .sort((a, b) => a.span.start - b.span.start)
    .map((e) => {
      const start = e.span.start + delta;
      delta += e.newText.length - (e.span.end - e.span.start);
      return { from: e.span, to: { start, end: start + e.newText.length } };
    });
}

/** An offset of the edited text in the text before the edits; `side` picks the end of a replaced span for an offset inside written text. */
export function mapOffset(edits: readonly Edit[], offset: number, side: 'start' | 'end' = 'start'): { offset: number; written: boolean } {
  let delta = 0;
  for (const { from, to } of placed(edits)) {
    if (offset <= to.start) return { offset: offset - delta, written: false };
    if (offset < to.end) return { offset: side === 'start' ? from.start : from.end, written: true };
    if (offset === to.end) return { offset: from.end, written: false };
    delta = to.end - from.end;
  }
  return { offset: offset - delta, written: false };
}

export function mapDiagnostic(edits: readonly Edit[], d: Diagnostic): Mapped {
  const start = mapOffset(edits, d.span.start, 'start');
  const end = mapOffset(edits, d.span.end, 'end');
  // within written text but not all of it (a field of a stub record); a span of exactly the written text (a replaced value) is at the replaced value's place
  const inside = placed(edits).some(({ to }) => to.start <= d.span.start && d.span.end <= to.end && d.span.end - d.span.start < to.end - to.start);
  return { d, span: { start: start.offset, end: Math.max(start.offset, end.offset) }, written: start.written || inside };
}

/** Compares the diagnostics before a fix with those after it (`edits` made the fixed text). */
export function outcome(before: readonly Diagnostic[], after: readonly Diagnostic[], edits: readonly Edit[]): Outcome {
  const rest = after.map((d) => mapDiagnostic(edits, d));
  const left = [...before];
  const kept: Outcome['kept'] = [];
  const changed: Outcome['changed'] = [];
  const samePlace = (b: Diagnostic, a: Mapped) => a.d.rule === b.rule && a.span.start === b.span.start && a.span.end === b.span.end;
  for (const exact of [true, false]) {
    for (let i = 0; i < left.length; i++) {
      const b = left[i]!;
      const j = rest.findIndex((a) => samePlace(b, a) && (!exact || a.d.message === b.message));
      if (j < 0) continue;
      (exact ? kept : changed).push({ before: b, after: rest[j]! });
      rest.splice(j, 1);
      left.splice(i--, 1);
    }
  }
  return { gone: left, changed, added: rest, kept };
}

/**
 * Diagnostics of `d`'s rule after the fix that overlap (or touch) `d`'s place, or lie in the text the fix
 * wrote (PA010 moves to an `evidence:` key the fix added): the problem is still reported.
 */
export function stillAt(d: Diagnostic, after: readonly Diagnostic[], edits: readonly Edit[]): Mapped[] {
  return after
    .filter((x) => x.rule === d.rule)
    .map((x) => mapDiagnostic(edits, x))
    .filter((m) => m.written || (m.span.start <= d.span.end && d.span.start <= m.span.end));
}
