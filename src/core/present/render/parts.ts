/**
 * Keys for the parts of a rendered report, so that a preview can keep the
 * elements of parts it already shows and replace only what changed.
 *
 * A part's `data-line` values are made relative to its first one (`base`),
 * so a part that only moved (lines added above it) keeps its key. Equal
 * parts get one key per occurrence (`7`, `7.1`, `7.2`), so each keeps its
 * own element. The keys are short (base 36) and stay the same from one
 * render to the next for the same relative HTML; the map behind them holds
 * only the parts of the last render.
 */
export interface KeyedPart {
  key: string;
  /** The report line the part's relative `data-line` values count from. */
  base: number;
  /** The part's HTML with relative `data-line` values. */
  html: string;
}

const LINE = /data-line="(\d+)"/;
const LINES = /data-line="(\d+)"/g;

export class PartKeys {
  private ids = new Map<string, string>();
  private next = 0;

  key(parts: readonly string[]): KeyedPart[] {
    const ids = new Map<string, string>();
    const repeats = new Map<string, number>();
    const out = parts.map((html): KeyedPart => {
      const first = LINE.exec(html);
      const base = first ? Number(first[1]) : 0;
      const rel = base === 0 ? html : html.replace(LINES, (_, n: string) => `data-line="${Number(n) - base}"`);
      const known = ids.get(rel);
      if (known !== undefined) {
        const n = (repeats.get(rel) ?? 0) + 1;
        repeats.set(rel, n);
        return { key: `${known}.${n}`, base, html: rel };
      }
      const key = this.ids.get(rel) ?? (++this.next).toString(36);
      ids.set(rel, key);
      return { key, base, html: rel };
    });
    this.ids = ids;
    return out;
  }

  /** Distinct parts remembered (those of the last render). */
  get size(): number {
    return this.ids.size;
  }
}
