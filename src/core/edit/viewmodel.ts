/** The structured editor's view of a lint result: plain values, problems per record, the field schema. */
import type { LintResult } from '../lint/linter';
import { RECORD_KINDS, toPlain, writtenText, type Report, type YMap, type YNode, type YScalar } from '../report/model';
import { REFERENCE_FIELDS } from '../report/parse';
import type { EditorModel, FieldSchema, ProblemView, RecordView } from '../protocol';
import { FRONT_MATTER_FIELDS, RECORD_FIELDS, type FieldSpec } from '../report/schema';
import { writtenName } from '../features/service';
import { KIND_TITLES, cardSummary, pickerLabel } from './card-text';
import { flowConfirmations, type FlowConfirmation } from '../lint/confirm';

const schemaOf = (f: FieldSpec): FieldSchema => ({
  name: f.name,
  type: f.t.type,
  ...(f.t.type === 'enum' ? { values: f.t.values } : {}),
  doc: f.doc,
  ...(f.required ? { required: true } : {}),
  ...(f.example !== undefined ? { example: f.example } : {}),
});

export interface ModelExtras {
  diagrams?: EditorModel['diagrams'];
  /** Rendered prose segments (the text between front matter and record blocks). */
  prose?: { line: number; text: string; html: string }[];
}

/** The Markdown outside the front matter and record blocks, as segments with their first line. */
export function proseSegments(report: Report): { line: number; text: string }[] {
  const cuts = [...(report.frontMatter ? [report.frontMatter.span] : []), ...report.blocks.map((b) => b.span)].sort((a, b) => a.start - b.start);
  const out: { line: number; text: string }[] = [];
  let at = 0;
  for (const c of [...cuts, { start: report.text.length, end: report.text.length }]) {
    const text = report.text.slice(at, c.start);
    if (text.trim()) {
      const lead = text.length - text.trimStart().length;
      out.push({ line: report.lines.positionAt(at + lead).line, text: text.trim() });
    }
    at = Math.max(at, c.end);
  }
  return out;
}

export function buildEditorModel(result: LintResult, version: number, extras: ModelExtras = {}): EditorModel {
  const { report, diagnostics, taxonomy } = result;
  const problem = (d: (typeof diagnostics)[number], i: number, map: YMap | null | undefined): ProblemView => {
    const field = map ? fieldAt(map, d.span.start) : undefined;
    return { rule: d.rule, severity: d.severity, message: d.message, line: d.range.start.line, ...(field !== undefined ? { field } : {}), diagnostic: i, fixes: (d.fixes ?? []).map((f) => f.title) };
  };
  const owner = (offset: number) => report.records.find((r) => r.span.start <= offset && offset <= r.span.end);
  const byRecord = new Map<object, ProblemView[]>();
  const loose: ProblemView[] = [];
  const fm0 = report.frontMatter;
  diagnostics.forEach((d, i) => {
    const r = owner(d.span.start);
    if (r) {
      const list = byRecord.get(r) ?? [];
      list.push(problem(d, i, r.map));
      byRecord.set(r, list);
    } else loose.push(problem(d, i, fm0 && d.span.start >= fm0.span.start && d.span.start <= fm0.span.end ? fm0.map : undefined));
  });
  const records: RecordView[] = report.records.map((r) => {
    const fields = toPlain(r.map) as Record<string, unknown>;
    // a sha256 of digits only reads as a number: show it as written
    if (r.kind === 'evidence' && r.fields.get('sha256')) fields.sha256 = writtenText(report.text, r.fields.get('sha256'));
    // identifiers too (`001010…` and `+1202…` read as numbers), each item of a list as well; the form sends back what it shows
    const ids = r.kind === 'device' ? r.fields.get('identifiers')?.value : undefined;
    if (ids?.type === 'map') fields.identifiers = Object.fromEntries(ids.entries.map((e) => [e.key, identifierShown(report.text, e.value)]));
    const view: RecordView = {
      kind: r.kind,
      id: r.id,
      index: r.index,
      line: report.lines.positionAt(r.span.start).line,
      block: report.blocks.indexOf(r.block),
      fields,
      problems: byRecord.get(r) ?? [],
      summary: cardSummary(r.kind, fields),
      label: pickerLabel(r.id, r.kind, fields),
    };
    const st = result.evidence.get(r);
    if (st) {
      const recorded = String(fields.sha256 ?? '').trim().toLowerCase();
      view.hash = st.state === 'ok' ? (!recorded ? 'unrecorded' : recorded === st.sha256 ? 'ok' : 'mismatch') : st.state === 'escape' ? 'blocked' : 'missing';
    }
    return view;
  });
  const fm = report.frontMatter;
  const claims = flowConfirmations(result);
  report.records.forEach((r, i) => {
    const c = r.kind === 'flow' ? claims.get(r) : undefined;
    const claim = c && claimBadge(c);
    if (claim) records[i]!.claim = claim;
  });
  return {
    version,
    frontMatter: fm?.map ? (toPlain(fm.map) as Record<string, unknown>) : {},
    frontMatterLine: fm ? report.lines.positionAt(fm.span.start).line : 0,
    records,
    problems: loose,
    prose: extras.prose ?? [],
    refKinds: REFERENCE_FIELDS,
    kinds: RECORD_KINDS.map((kind) => ({ kind, title: KIND_TITLES[kind] })),
    schema: Object.fromEntries(Object.entries(RECORD_FIELDS).map(([k, fields]) => [k, fields.map(schemaOf)])),
    frontMatterSchema: FRONT_MATTER_FIELDS.map(schemaOf),
    categories: taxonomy.categories.map((c) => ({ name: writtenName(c), label: c.label, sensitivity: c.sensitivity, aliases: [c.id, c.label, ...c.aliases] })),
    diagrams: extras.diagrams ?? {},
    editable: !!fm?.map && !report.problems.some((p) => p.rule === 'PA001' || p.rule === 'PA002'),
  };
}

/**
 * An identifier's value as the form shows it: a scalar as written (nothing
 * as ''), a list as its items each so written (a mapping or list inside it as
 * JSON, which the planner takes back as no change).
 */
export function identifierShown(text: string, node: YNode | null): string | string[] {
  if (node?.type === 'seq') return node.items.map((item) => (item.type === 'scalar' ? scalarShown(text, item) : JSON.stringify(toPlain(item))));
  if (node?.type === 'scalar') return scalarShown(text, node);
  return node ? JSON.stringify(toPlain(node)) : '';
}

function scalarShown(text: string, node: YScalar): string {
  if (node.value === null) return '';
  return typeof node.value === 'string' ? node.value : text.slice(node.span.start, node.span.end).trim();
}

/** The key of the entry of `map` whose key or value holds `offset`. */
function fieldAt(map: YMap, offset: number): string | undefined {
  for (const e of map.entries) {
    const end = e.value ? Math.max(e.value.span.end, e.keySpan.end) : e.keySpan.end;
    if (offset >= e.keySpan.start && offset <= end) return e.key;
  }
  return undefined;
}

/** A flow's claim check as the card's badge: what its cited entries and frames show; none when it cites none. */
function claimBadge(c: FlowConfirmation): RecordView['claim'] {
  const units = [...new Set(c.units.map((u) => `${u.id}#${u.locator}`))];
  const named = units.length > 3 ? `${units.slice(0, 3).join(', ')} +${units.length - 3}` : units.join(', ');
  if (c.state === 'confirmed') return { state: 'confirmed', label: `✓ confirmed by ${named}` };
  if (c.state === 'contradicted') return { state: 'contradicted', label: `✗ not confirmed by ${named}` };
  return units.length || c.reason === 'a capture it cites could not be read' ? { state: 'unchecked', label: `? not checked: ${c.reason ?? 'a capture could not be read'}` } : undefined;
}
