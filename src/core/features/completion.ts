/**
 * Completion: field names, values (enumerations, data categories, record ids
 * of the kinds a reference field takes, files) and rule ids, in record blocks,
 * the front matter and prose citations.
 */
import { RULES_BY_ID } from '../lint';
import { RECORD_KINDS, scalarText, type AuditRecord, type RecordKind, type Report } from '../report/model';
import { REFERENCE_FIELDS } from '../report/parse';
import { FRONT_MATTER_FIELDS, RECORD_FIELDS, type FieldSpec } from '../report/schema';
import type { Category, Taxonomy } from '../report/taxonomy';
import type { Span } from '../report/types';
import type { CaptureOutcome } from '../lint/captures';
import { keysAround, lineBefore, listedInBlock, listedInline, listedLocators, listParent, parentKey } from './completion-lines';
import { locatorKey } from '../lint/rules/claims';
import { recordAt } from './locate';
import { locatorBeingTyped, locatorSuggestions } from './locators';
import { summary } from './symbols';

export type CompletionKind = 'field' | 'value' | 'category' | 'reference' | 'locator' | 'file' | 'rule';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /**
   * Shown after the label on every row of the list (VS Code's
   * `CompletionItemLabel.description`), where `detail` shows for the selected
   * row only: what a record is (an evidence's kind and file, a flow's host, a
   * finding's title).
   */
  description?: string;
  detail?: string;
  documentation?: string;
  insertText: string;
  /** The text the item replaces. */
  span: Span;
  sortText?: string;
}

export interface CompletionContext {
  taxonomy: Taxonomy;
  /** Workspace files, as paths relative to the report's folder (for `file:`). */
  files?: readonly string[];
  /** What each capture evidence shows, from the last lint (locators after `E2#`). */
  captures?: ReadonlyMap<AuditRecord, CaptureOutcome>;
}

/** Completion items at `offset`. */
export function completions(report: Report, offset: number, ctx: CompletionContext): CompletionItem[] {
  const { line, before } = lineBefore(report, offset);
  const block = report.blocks.find((b) => b.openLine < line && (b.closeLine < 0 || line < b.closeLine));
  // a locator after `E2#`, in an evidence list or a prose citation
  const typed = locatorBeingTyped(before);
  if (typed) return locatorCompletions(report, offset, typed, block && { openLine: block.openLine, line, before }, ctx);
  if (block) return blockCompletions(report, offset, block.kind, block.openLine, line, before, ctx);
  const fm = report.frontMatter;
  if (fm && offset >= fm.contentSpan.start && offset <= fm.contentSpan.end) return frontMatterCompletions(report, offset, before);
  // prose: a citation being typed
  const cite = /\[@([A-Za-z0-9_-]*)$/.exec(before);
  if (cite) {
    const span = { start: offset - cite[1]!.length, end: offset };
    return idItems(report, RECORD_KINDS, span, true);
  }
  return [];
}

/** A record in a few words, for the row of a completion list: `pcap · evidence/a.pcap`, `→ api.example.com`, a finding's title. */
export function shortDescription(r: AuditRecord): string {
  const f = (k: string) => scalarText(r.fields.get(k))?.trim() || undefined;
  let s: string | undefined;
  switch (r.kind) {
    case 'evidence':
      s = [f('kind'), f('file') ?? f('url') ?? f('description')].filter(Boolean).join(' · ');
      break;
    case 'flow':
      s = f('to') && `→ ${f('to')}`;
      break;
    case 'finding':
      s = f('title');
      break;
    case 'step':
      s = f('action');
      break;
    default:
      s = summary(r);
  }
  s = (s ?? '').replace(/\s+/g, ' ');
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/** Records of `kinds` as completion items; the ids in `listed` (already in the list being written) are left out. */
function idItems(report: Report, kinds: readonly RecordKind[], span: Span, citation = false, listed: ReadonlySet<string> = new Set()): CompletionItem[] {
  return report.records
    .filter((r) => r.id !== undefined && kinds.includes(r.kind) && !listed.has(r.id))
    .map((r) => {
      const kindNote = r.kind === 'evidence' && scalarText(r.fields.get('kind')) ? ` (${scalarText(r.fields.get('kind'))!.trim()})` : '';
      const description = shortDescription(r);
      return {
        label: r.id!,
        kind: 'reference' as const,
        ...(description ? { description } : {}),
        detail: `${r.kind}${kindNote}: ${summary(r)}`,
        insertText: citation ? `${r.id}]` : r.id!,
        span,
        // evidence first in citations, then in report order
        sortText: `${citation && r.kind !== 'evidence' ? 1 : 0}${String(r.index).padStart(6, '0')}`,
      };
    });
}


/**
 * `frame=N` / `entry=N` after `E2#`: in a record's `evidence` list, the units
 * of that capture whose request carries the record's flow's data (a retest:
 * its flows' data) to the flow's host, best first, then the other units that
 * carried a declared value; in a prose citation (`[@E2#`), the units that
 * carried one. Nothing when the capture was not read by the last lint.
 */
function locatorCompletions(report: Report, offset: number, typed: { id: string; typed: string }, inBlock: { openLine: number; line: number; before: string } | undefined, ctx: CompletionContext): CompletionItem[] {
  let record: AuditRecord | undefined;
  if (inBlock) {
    const { openLine, line, before } = inBlock;
    const inline = /^\s*(?:-\s+)?([\w-]+):/.exec(before);
    const dash = /^(\s*)-\s/.exec(before)?.[1]!.length;
    const field = inline ? inline[1] : dash !== undefined ? listParent(report, line, dash, openLine) : undefined;
    if (field !== 'evidence') return [];
    record = recordAt(report, offset);
  } else if (!/\[@[A-Za-z0-9_-]*#[A-Za-z0-9=_-]*$/.test(lineBefore(report, offset).before)) return [];
  const evidence = report.byId.get(typed.id);
  const outcome = evidence && ctx.captures?.get(evidence);
  if (outcome?.state !== 'read') return [];
  const span = { start: offset - typed.typed.length, end: offset };
  const flowLike = record?.kind === 'flow' || record?.kind === 'retest';
  const listed = inBlock ? listedLocators(report, inBlock.line, span, typed.id, locatorKey) : undefined;
  return locatorSuggestions(report, record, outcome.result, ctx.taxonomy, listed).map((s, i) => {
    const what = `${s.categories.join(', ')} → ${s.host}`;
    return {
      label: s.locator,
      kind: 'locator' as const,
      description: what,
      detail: `${typed.id}#${s.locator}: ${what}${s.forFlow || !flowLike ? '' : ` (not ${record!.kind === 'retest' ? "the retest's flows'" : "this flow's"} data to its host)`}`,
      insertText: s.locator,
      span,
      sortText: String(i).padStart(5, '0'),
    };
  });
}

function blockCompletions(report: Report, offset: number, kind: RecordKind, openLine: number, line: number, before: string, ctx: CompletionContext): CompletionItem[] {
  // a field name being typed: `  ev`, `- ev`
  const keyM = /^(\s*(?:-\s+)?)([\w-]*)$/.exec(before);
  if (keyM) {
    const indent = keyM[1]!.length;
    const dashAt = /^(\s*)-\s/.exec(before)?.[1]!.length;
    // a list item (`- E`) belongs to the field above its siblings; a key, to the field its indentation is under
    const parent = dashAt !== undefined ? listParent(report, line, dashAt, openLine) : indent > 0 ? parentKey(report, line, indent, openLine) : undefined;
    const span = { start: offset - keyM[2]!.length, end: offset };
    if (kind === 'device' && parent === 'identifiers') return categoryItems(ctx.taxonomy, span, ': ');
    if (parent && parent !== 'identifiers') {
      // a block list item under a field (`evidence:` then `- E`)
      return valueCompletions(report, kind, parent, span, ctx, dashAt !== undefined ? listedInBlock(report, line, dashAt) : undefined);
    }
    const present = keysAround(report, line, indent, openLine);
    return RECORD_FIELDS[kind]
      .filter((f) => !present.has(f.name))
      .map((f, i) => ({ label: f.name, kind: 'field' as const, detail: typeLabel(f), documentation: fieldDoc(f), insertText: `${f.name}: `, span, sortText: String(i).padStart(3, '0') }));
  }
  // a value: `key: va`, `key: [a, b`, `- id: F1, key: …` in flow maps is left to the key form above
  const valM = /^\s*(?:-\s+)?([\w-]+):\s*(.*)$/.exec(before);
  if (!valM) return [];
  const field = valM[1]!;
  const tail = valM[2]!;
  const token = /[^\s,[\]{}"']*$/.exec(tail)![0];
  const span = { start: offset - token.length, end: offset };
  return valueCompletions(report, kind, field, span, ctx, listedInline(report, line, span));
}

function valueCompletions(report: Report, kind: RecordKind, field: string, span: Span, ctx: CompletionContext, listed?: ReadonlySet<string>): CompletionItem[] {
  const spec = RECORD_FIELDS[kind].find((f) => f.name === field);
  if (!spec) return [];
  const refKinds = REFERENCE_FIELDS[kind][field as keyof (typeof REFERENCE_FIELDS)[RecordKind]];
  // a list leaves out what it holds already (a scalar reference field has nothing to leave out)
  if (refKinds) return idItems(report, refKinds, span, false, spec.t.type === 'refs' ? listed : undefined);
  if (spec.t.type === 'enum') return spec.t.values.map((v, i) => ({ label: v, kind: 'value' as const, detail: field, insertText: v, span, sortText: String(i).padStart(3, '0') }));
  if (spec.t.type === 'categories') return categoryItems(ctx.taxonomy, span, '');
  if (kind === 'flow' && field === 'from') return idItems(report, ['device'], span);
  if (kind === 'evidence' && field === 'file') {
    return (ctx.files ?? []).map((f) => ({ label: f, kind: 'file' as const, insertText: f, span }));
  }
  return [];
}

/** The most natural written form of a category: its label, or its id in words when the label has a parenthesis. */
export function writtenName(c: Category): string {
  return c.aliases.find((a) => a.toLowerCase() === c.label.toLowerCase()) ?? (c.label.includes('(') ? c.id.replace(/-/g, ' ') : c.label);
}

function categoryItems(taxonomy: Taxonomy, span: Span, suffix: string): CompletionItem[] {
  const rank = { high: 0, medium: 1, low: 2 } as const;
  return taxonomy.categories.map((c) => {
    const written = writtenName(c);
    return {
      // the label is what is typed and inserted; the row also shows the name the category is displayed under, when it is another
      label: written,
      ...(written.toLowerCase() !== c.label.toLowerCase() ? { description: c.label } : {}),
      kind: 'category' as const,
      detail: `${c.sensitivity} sensitivity · ${c.group}`,
      documentation: `${c.label}${c.aliases.length ? ` — also: ${c.aliases.join(', ')}` : ''}`,
      insertText: `${written}${suffix}`,
      span,
      sortText: `${rank[c.sensitivity]}${c.label.toLowerCase()}`,
    };
  });
}

/** A field's description with the example of its own values (`[V1]` for `verifies`, not an evidence list). */
function fieldDoc(f: FieldSpec): string {
  return f.example ? `${f.doc}. Example: \`${f.example}\`` : f.doc;
}

function typeLabel(f: FieldSpec): string {
  return f.t.type === 'enum' ? f.t.values.join(' | ') : f.t.type;
}

function frontMatterCompletions(report: Report, offset: number, before: string): CompletionItem[] {
  const keyM = /^([\w-]*)$/.exec(before);
  if (keyM) {
    const span = { start: offset - keyM[1]!.length, end: offset };
    const { line } = report.lines.positionAt(offset);
    const present = keysAround(report, line, 0, report.lines.positionAt(report.frontMatter!.span.start).line);
    return FRONT_MATTER_FIELDS.filter((f) => !present.has(f.name)).map((f, i) => ({
      label: f.name,
      kind: 'field' as const,
      detail: typeLabel(f),
      documentation: f.doc,
      insertText: `${f.name}: `,
      span,
      sortText: String(i).padStart(3, '0'),
    }));
  }
  const valM = /^([\w-]+):\s*(.*)$/.exec(before);
  if (valM) {
    const spec = FRONT_MATTER_FIELDS.find((f) => f.name === valM[1]);
    const token = /[^\s,[\]{}"']*$/.exec(valM[2]!)![0];
    const span = { start: offset - token.length, end: offset };
    if (spec?.t.type === 'enum') return spec.t.values.map((v) => ({ label: v, kind: 'value' as const, detail: spec.name, insertText: v, span }));
  }
  // rule ids in `lint:` (indented keys or inside a flow map)
  const ruleM = /(?:^\s+|[{,]\s*)(P?A?\d{0,3})$/.exec(before);
  if (ruleM && /lint:/.test(report.text.slice(report.frontMatter!.contentSpan.start, offset))) {
    const span = { start: offset - ruleM[1]!.length, end: offset };
    return [...RULES_BY_ID.values()].map((r) => ({ label: r.id, kind: 'rule' as const, detail: `${r.name} (${r.defaultSeverity})`, documentation: r.description, insertText: `${r.id}: `, span }));
  }
  return [];
}
