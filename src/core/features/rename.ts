/** Renaming a record id: its definition, every reference and every citation. */
import { ID_PREFIX, kindOfId, type Report } from '../report/model';
import type { Span, TextEdit } from '../report/types';
import { idAt } from './locate';

export type RenameResult = { edits: TextEdit[] } | { error: string };

/** The span of the id that a rename at `offset` would change, or an error to show. */
export function prepareRename(report: Report, offset: number): { span: Span; id: string } | { error: string } {
  const t = idAt(report, offset);
  if (!t) return { error: 'Place the cursor on a record id, a reference or a citation.' };
  const def = report.byId.get(t.id);
  if (!def) return { error: `\`${t.id}\` is not defined in this report.` };
  if (def.implicitId) return { error: 'This device has no written id; add `id: D1` first.' };
  return { span: t.span, id: t.id };
}

/** Renames a record id: its definition, every reference and every citation. */
export function rename(report: Report, offset: number, newId: string): RenameResult {
  const p = prepareRename(report, offset);
  if ('error' in p) return p;
  const def = report.byId.get(p.id)!;
  const id = newId.trim();
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(id)) return { error: `\`${newId}\` is not a valid id: use letters and digits, e.g. ${ID_PREFIX[def.kind]}12.` };
  if (kindOfId(id) !== def.kind) return { error: `A ${def.kind} id must look like ${ID_PREFIX[def.kind]}1, ${ID_PREFIX[def.kind]}2, …` };
  if (id !== p.id && report.byId.has(id)) return { error: `\`${id}\` is already used by another record.` };
  const spans = [def.idSpan!, ...[...report.references, ...report.citations].filter((r) => r.id === p.id).map((r) => r.idSpan)];
  // every definition with that id (duplicates included) follows the rename
  for (const r of report.records) if (r !== def && r.id === p.id && r.idSpan) spans.push(r.idSpan);
  return { edits: spans.map((span) => ({ span, range: report.lines.range(span), newText: id })) };
}
