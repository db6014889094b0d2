/**
 * Where things go in the rendered report: the top-level Markdown groups
 * (each is also a part the preview can replace alone), and the slot of each
 * lint problem.
 */
import type { RenderContext } from './context';

export interface Group {
  first: number;
  last: number;
  /** [first line, end line) of the group in the source. */
  map: [number, number] | undefined;
}

/** Top-level Markdown blocks: an opening token at level 0 up to its closing token, or a lone token. */
export function groupsOf(tokens: readonly { level: number; nesting: number; map: [number, number] | null }[]): Group[] {
  const groups: Group[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let j = i;
    if (t.nesting === 1) {
      let depth = 0;
      for (; j < tokens.length; j++) {
        depth += tokens[j]!.nesting;
        if (depth === 0) break;
      }
      j = Math.min(j, tokens.length - 1);
    }
    groups.push({ first: i, last: j, map: t.map ?? undefined });
    i = j;
  }
  return groups;
}

function contains(span: { start: number; end: number }, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/** The last item whose `start` ≤ offset (items sorted by start). */
function lastAtOrBefore<T>(items: readonly T[], offset: number, start: (t: T) => number): T | undefined {
  let lo = 0;
  let hi = items.length - 1;
  let found: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (start(items[mid]!) <= offset) {
      found = items[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** The index of the group that holds a 0-based line, or -1. */
export function groupAt(groups: readonly Group[], line: number): number {
  const g = lastAtOrBefore(groups, line, (x) => x.map?.[0] ?? -1);
  if (!g?.map || line >= g.map[1]) return -1;
  return groups.indexOf(g);
}

/**
 * Puts each diagnostic where it is shown: the front matter's in the header
 * (or the top box without one), a record's in its element, a block's above
 * its records, prose's after its Markdown group, the rest in the top box.
 */
export function placeProblems(ctx: RenderContext, groups: readonly Group[], showHeader: boolean): void {
  const { report } = ctx;
  const fm = report.frontMatter;
  for (const d of ctx.result.diagnostics) {
    const at = d.span.start;
    if (fm && contains(fm.span, at)) {
      if (showHeader) ctx.problems.header.push(d);
      else ctx.problems.top.push(d);
      continue;
    }
    const block = lastAtOrBefore(report.blocks, at, (b) => b.span.start);
    if (block && contains(block.span, at)) {
      const rec = lastAtOrBefore(block.records, at, (r) => r.span.start);
      if (rec && contains(rec.span, at)) push(ctx.problems.byRecord, rec, d);
      else push(ctx.problems.byBlock, block, d);
      continue;
    }
    const gi = d.rule === 'PA000' || (d.rule === 'PA001' && !fm) ? -1 : groupAt(groups, d.range.start.line);
    if (gi >= 0) push(ctx.problems.byGroup, gi, d);
    else ctx.problems.top.push(d);
  }
}
