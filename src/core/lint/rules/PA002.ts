import type { ParseProblem, RecordBlock } from '../../report/model';
import type { Rule } from '../rule';
import { plainYamlMessage } from '../yaml-messages';

/** The block whose span holds `offset` (blocks are in text order and do not overlap). */
function blockAt(blocks: readonly RecordBlock[], offset: number): RecordBlock | undefined {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = blocks[mid]!;
    if (offset < b.span.start) hi = mid - 1;
    else if (offset > b.span.end) lo = mid + 1;
    else return b;
  }
  return undefined;
}

/**
 * A record block whose YAML does not parse or has the wrong shape: one
 * diagnostic per block, at its first problem (the others are usually
 * consequences of it), in plain words.
 */
export const PA002: Rule = {
  id: 'PA002',
  name: 'block-yaml',
  defaultSeverity: 'error',
  description: 'A record block whose YAML does not parse, has the wrong shape, or exceeds the input limits.',
  fixable: false,
  check(ctx) {
    const { report } = ctx;
    const byBlock = new Map<RecordBlock | undefined, ParseProblem[]>();
    for (const p of report.problems) {
      if (p.rule !== 'PA002') continue;
      const b = blockAt(report.blocks, p.span.start);
      const list = byBlock.get(b);
      if (list) list.push(p);
      else byBlock.set(b, [p]);
    }
    for (const [block, problems] of byBlock) {
      if (!block) {
        // not inside a known block (never expected): each one as it is
        for (const p of problems) ctx.flag(p.span, p.message);
        continue;
      }
      let first = problems[0]!;
      for (const p of problems) if (p.span.start < first.span.start) first = p;
      const more = problems.length - 1;
      const tail = more ? ` (${more} more YAML ${more === 1 ? 'problem' : 'problems'} in this block may go away with this one.)` : '';
      const plain = plainYamlMessage(first.message, block.kind, report, first.span, block.contentSpan.start);
      ctx.flag(plain.span, plain.message + tail);
    }
  },
};
