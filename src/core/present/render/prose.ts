/**
 * Renders a piece of prose (Markdown outside the record blocks) with the report
 * renderer and its safety rules; citations of `knownIds` (the report's records)
 * are not marked missing.
 */
import { parseReport } from '../../report/parse';
import { Taxonomy } from '../../report/taxonomy';
import { renderReport } from './html';

export function renderProse(markdown: string, taxonomy: Taxonomy = Taxonomy.builtIn, knownIds: ReadonlySet<string> = new Set()): string {
  const report = parseReport(markdown);
  return renderReport({ report, diagnostics: [], taxonomy, evidence: new Map(), captures: new Map(), canaries: [] }, { mode: 'preview', header: false, problems: false, knownIds }).html;
}
