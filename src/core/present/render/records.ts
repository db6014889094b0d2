/**
 * Record blocks as readable HTML instead of YAML: devices and responses,
 * retests and findings as cards; steps, flows and evidence as tables (one
 * `<tbody>` per record, so a record's problems sit inside its element).
 * Every record element has `id="rec-<ID>"`, `data-record` and `data-line`.
 *
 * The tables are in record-tables.ts, the cards in record-cards.ts, what
 * they share in record-parts.ts.
 */
import type { AuditRecord, RecordBlock, RecordKind } from '../../report/model';
import { problemsHtml, text, type RenderContext } from './context';
import { escapeHtml } from './escape';
import { devices, findings, responses, retests } from './record-cards';
import { evidence, flows, steps } from './record-tables';

/** A block whose YAML could not be read: its source, escaped. */
function source(ctx: RenderContext, block: RecordBlock): string {
  const src = ctx.report.text.slice(block.span.start, block.span.end);
  return `<div class="record-source"><div class="record-source-label">${escapeHtml(block.kind)} block, shown as written: it could not be read as records</div><pre><code>${text(ctx, src)}</code></pre></div>`;
}

/** How each kind of record block is drawn. */
const BLOCK: Record<RecordKind, (ctx: RenderContext, records: readonly AuditRecord[]) => string> = {
  device: devices,
  step: steps,
  flow: flows,
  evidence,
  response: responses,
  retest: retests,
  finding: findings,
};

export function renderRecordBlock(ctx: RenderContext, block: RecordBlock): string {
  const probs = problemsHtml(ctx, ctx.problems.byBlock.get(block));
  const body = block.records.length === 0 ? source(ctx, block) : BLOCK[block.kind](ctx, block.records);
  return `<div class="record-block record-block-${block.kind} code-line" data-line="${block.openLine}" data-kind="${block.kind}">${probs}${body}</div>\n`;
}
