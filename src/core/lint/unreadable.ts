/**
 * Record blocks whose YAML cannot be read, and what they would likely have
 * said. Their records are missing from the model, so rules that look for a
 * record, or for a reference from one, would report a cascade of false
 * problems (`F1 is referenced but no record has this id`). Those rules ask
 * here first: one YAML typo gives one diagnostic (PA002), not several.
 */
import type { RecordBlock, Report } from '../report/model';

export interface Unreadable {
  /** Blocks whose YAML did not give records (a syntax error, or not a mapping or sequence). */
  blocks: readonly RecordBlock[];
  /** Ids written on `id:` lines of those blocks: records they would have defined. */
  defined: ReadonlySet<string>;
  /** Every word in those blocks that has an id's style (`E1`, `FN2`): ids they may reference. */
  mentioned: ReadonlySet<string>;
}

const NONE: Unreadable = { blocks: [], defined: new Set(), mentioned: new Set() };
const memo = new WeakMap<Report, Unreadable>();

/** `id: F1`, `- id: F1`, `{id: F1, …}`, `"id": 'F1'` */
const ID_LINE = /(?:^|[\s{,])["']?id["']?[ \t]*:[ \t]*["']?([A-Za-z][A-Za-z0-9_-]*)/gm;
/** A word in an id's style (the prefixes of `ID_PREFIX`). */
const ID_WORD = /\b(?:FN|D|S|F|E|V|R)\d+\b/g;

export function unreadable(report: Report): Unreadable {
  let u = memo.get(report);
  if (u) return u;
  const blocks = report.blocks.filter((b) => b.shape === 'invalid');
  if (!blocks.length) u = NONE;
  else {
    const defined = new Set<string>();
    const mentioned = new Set<string>();
    for (const b of blocks) {
      const raw = report.text.slice(b.contentSpan.start, b.contentSpan.end);
      for (const m of raw.matchAll(ID_LINE)) defined.add(m[1]!);
      for (const m of raw.matchAll(ID_WORD)) mentioned.add(m[0]);
    }
    u = { blocks, defined, mentioned };
  }
  memo.set(report, u);
  return u;
}
