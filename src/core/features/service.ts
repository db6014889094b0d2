/**
 * Editor features computed from the report model, independent of any editor:
 * completion, hover, definition, references, rename and symbols. The VS Code
 * extension adapts these to its provider APIs; other hosts can do the same.
 * Offsets are UTF-16 offsets into the report text (as in `Span`).
 */
import type { EvidenceStatus } from '../lint/evidence';
import { RULES_BY_ID } from '../lint';
import { docsUrl } from '../lint/rule';
import {
  ID_PREFIX,
  kindOfId,
  listItems,
  RECORD_KINDS,
  scalarText,
  type AuditRecord,
  type RecordKind,
  type Reference,
  type Report,
} from '../report/model';
import { REFERENCE_FIELDS } from '../report/parse';
import { FRONT_MATTER_FIELDS, RECORD_FIELDS, type FieldSpec } from '../report/schema';
import type { Category, Taxonomy } from '../report/taxonomy';
import type { Span, TextEdit } from '../report/types';

// ---------------------------------------------------------------- locating

const contains = (s: Span, o: number) => s.start <= o && o <= s.end;

/** The record block whose YAML holds `offset`. */
export function blockAt(report: Report, offset: number) {
  return report.blocks.find((b) => b.contentSpan.start <= offset && offset <= b.contentSpan.end);
}

/** The record whose mapping holds `offset`. */
export function recordAt(report: Report, offset: number): AuditRecord | undefined {
  return report.records.find((r) => contains(r.span, offset));
}

export type Target =
  | { type: 'definition'; id: string; record: AuditRecord; span: Span }
  | { type: 'reference'; id: string; ref: Reference; span: Span };

/** The record id under `offset`: a definition (`id: F1`), a reference or a citation. */
export function idAt(report: Report, offset: number): Target | undefined {
  for (const r of report.records) {
    if (r.idSpan && contains(r.idSpan, offset) && r.id !== undefined) return { type: 'definition', id: r.id, record: r, span: r.idSpan };
  }
  for (const ref of [...report.references, ...report.citations]) {
    if (contains(ref.idSpan, offset)) return { type: 'reference', id: ref.id, ref, span: ref.idSpan };
  }
  return undefined;
}

// ---------------------------------------------------------------- navigation

/** Where the id under `offset` is defined. */
export function definition(report: Report, offset: number): Span | undefined {
  const t = idAt(report, offset);
  if (!t) return undefined;
  const r = report.byId.get(t.id);
  return r ? (r.idSpan ?? r.span) : undefined;
}

/** Every place that names the id under `offset` (references and citations, and the definition when asked). */
export function references(report: Report, offset: number, includeDeclaration: boolean): Span[] {
  const t = idAt(report, offset);
  if (!t) return [];
  const out: Span[] = [];
  const def = report.byId.get(t.id);
  if (includeDeclaration && def?.idSpan) out.push(def.idSpan);
  for (const ref of [...report.references, ...report.citations]) if (ref.id === t.id) out.push(ref.idSpan);
  return out.sort((a, b) => a.start - b.start);
}

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

// ---------------------------------------------------------------- symbols

export interface DocSymbol {
  name: string;
  detail: string;
  kind: 'section' | RecordKind;
  span: Span;
  selection: Span;
  children: DocSymbol[];
}

/** One line of what a record is about, for symbols, completion and hovers. */
export function summary(r: AuditRecord): string {
  const f = (k: string) => scalarText(r.fields.get(k))?.trim();
  const list = (k: string) => listItems(r.fields.get(k)).map((n) => (n.type === 'scalar' ? String(n.value ?? '') : '…')).join(', ');
  switch (r.kind) {
    case 'device':
      return [f('vendor'), f('model'), f('build') && `build ${f('build')}`].filter(Boolean).join(' ');
    case 'step':
      return f('action') ?? '';
    case 'flow':
      return `${f('from') ?? '?'} → ${f('to') ?? '?'}${f('country') ? ` (${f('country')})` : ''}${list('data') ? `: ${list('data')}` : ''}`;
    case 'evidence':
      return f('file') ?? f('url') ?? f('description') ?? '';
    case 'response':
      return [f('date'), f('party'), f('by')].filter(Boolean).join(' · ') + (f('verdict') ? ` — ${f('verdict')}` : '');
    case 'retest':
      return [f('date'), f('result')].filter(Boolean).join(' · ');
    case 'finding':
      return [f('severity'), f('title')].filter(Boolean).join(': ');
  }
}

/** The outline: headings as sections, records under the section they appear in. */
export function documentSymbols(report: Report): DocSymbol[] {
  const root: DocSymbol[] = [];
  const stack: { level: number; sym: DocSymbol }[] = [];
  const end = report.text.length;
  type Item = { at: number; heading?: (typeof report.headings)[number]; record?: AuditRecord };
  const items: Item[] = [
    ...report.headings.map((h) => ({ at: h.span.start, heading: h })),
    ...report.records.map((r) => ({ at: r.span.start, record: r })),
  ].sort((a, b) => a.at - b.at);
  for (const it of items) {
    if (it.heading) {
      const h = it.heading;
      while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
      const sym: DocSymbol = { name: h.text || '(untitled)', detail: '', kind: 'section', span: { start: h.span.start, end }, selection: h.span, children: [] };
      (stack.length ? stack[stack.length - 1]!.sym.children : root).push(sym);
      stack.push({ level: h.level, sym });
    } else if (it.record) {
      const r = it.record;
      const sym: DocSymbol = { name: r.id ?? `(${r.kind} without id)`, detail: summary(r), kind: r.kind, span: r.span, selection: r.idSpan ?? r.span, children: [] };
      (stack.length ? stack[stack.length - 1]!.sym.children : root).push(sym);
    }
  }
  // a section ends where the next section of the same or a higher level starts
  const close = (list: DocSymbol[], limit: number) => {
    const sections = list.filter((s) => s.kind === 'section');
    sections.forEach((s, i) => {
      const next = sections[i + 1];
      s.span = { start: s.span.start, end: next ? Math.max(s.span.start, next.span.start - 1) : limit };
      close(s.children, s.span.end);
    });
  };
  close(root, end);
  return root;
}

// ---------------------------------------------------------------- hover

export interface HoverContext {
  taxonomy: Taxonomy;
  /** Hash status of evidence records, from the last lint. */
  evidence?: ReadonlyMap<AuditRecord, EvidenceStatus>;
}

function hashLine(r: AuditRecord, ctx: HoverContext): string | undefined {
  if (r.kind !== 'evidence' || !r.fields.get('file')) return undefined;
  const st = ctx.evidence?.get(r);
  const recorded = scalarText(r.fields.get('sha256'))?.trim().toLowerCase();
  if (!st) return 'Hash: not checked yet';
  switch (st.state) {
    case 'ok':
      if (!recorded) return `Hash: ✗ not recorded (file sha256 ${st.sha256})`;
      return recorded === st.sha256 ? `Hash: ✓ matches the file` : `Hash: ✗ the file has changed (now ${st.sha256})`;
    case 'missing':
      return 'Hash: ✗ the file does not exist';
    case 'escape':
      return `Hash: ✗ path not allowed (${st.reason})`;
    default:
      return 'Hash: ✗ the file cannot be read';
  }
}

/** Markdown describing a record. */
export function recordMarkdown(r: AuditRecord, ctx: HoverContext): string {
  const lines = [`**${r.kind} ${r.id ?? ''}** — ${escapeMd(summary(r))}`, ''];
  const show: Record<RecordKind, string[]> = {
    device: ['vendor', 'model', 'os', 'build'],
    step: ['action', 'observed', 'date'],
    flow: ['from', 'to', 'country', 'encryption', 'consent', 'data'],
    evidence: ['file', 'url', 'kind', 'captured', 'tool', 'description'],
    response: ['date', 'party', 'by', 'statement', 'fix', 'verdict'],
    retest: ['date', 'build', 'verifies', 'result'],
    finding: ['title', 'severity', 'status', 'flows'],
  };
  for (const k of show[r.kind]) {
    const e = r.fields.get(k);
    if (!e?.value) continue;
    const v = e.value.type === 'scalar' ? String(e.value.value ?? '') : listItems(e).map((n) => (n.type === 'scalar' ? String(n.value) : '…')).join(', ');
    if (v.trim()) lines.push(`- ${k}: ${escapeMd(v.length > 160 ? `${v.slice(0, 157)}…` : v)}`);
  }
  const hash = hashLine(r, ctx);
  if (hash) lines.push(`- ${hash}`);
  return lines.join('\n');
}

function categoryMarkdown(c: Category): string {
  return [`**${escapeMd(c.label)}** (\`${c.id}\`) — ${c.sensitivity} sensitivity, ${escapeMd(c.group)}`, '', c.aliases.length ? `Also written: ${c.aliases.map(escapeMd).join(', ')}` : ''].join('\n').trim();
}

const escapeMd = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);

export interface HoverResult {
  markdown: string;
  span: Span;
}

export function hover(report: Report, offset: number, ctx: HoverContext): HoverResult | undefined {
  const t = idAt(report, offset);
  if (t) {
    const r = report.byId.get(t.id);
    if (!r) return { markdown: `\`${t.id}\` is not defined in this report.`, span: t.span };
    const loc = t.type === 'reference' && t.ref.locator ? `\n\nLocator: \`${t.ref.locator}\`` : '';
    return { markdown: recordMarkdown(r, ctx) + loc, span: t.span };
  }
  // data categories: flow `data` items and device `identifiers` keys
  for (const r of report.records) {
    if (!contains(r.span, offset)) continue;
    if (r.kind === 'flow') {
      for (const n of listItems(r.fields.get('data'))) {
        if (n.type === 'scalar' && n.value !== null && contains(n.span, offset)) {
          const c = ctx.taxonomy.lookup(String(n.value));
          return { markdown: c ? categoryMarkdown(c) : `Unknown data category \`${String(n.value)}\``, span: n.span };
        }
      }
    }
    const ids = r.kind === 'device' ? r.fields.get('identifiers')?.value : undefined;
    if (ids?.type === 'map') {
      for (const e of ids.entries) {
        if (contains(e.keySpan, offset)) {
          const c = ctx.taxonomy.lookup(e.key);
          return { markdown: c ? categoryMarkdown(c) : `Unknown data category \`${e.key}\``, span: e.keySpan };
        }
      }
    }
    const field = r.map.entries.find((e) => contains(e.keySpan, offset));
    if (field) {
      const spec = RECORD_FIELDS[r.kind].find((s) => s.name === field.key);
      if (spec) return { markdown: fieldMarkdown(spec), span: field.keySpan };
    }
  }
  // rule ids anywhere (front matter `lint:` keys, prose)
  const word = wordAt(report.text, offset, /[A-Za-z0-9]/);
  if (word && /^PA\d{3}$/i.test(word.text)) {
    const rule = RULES_BY_ID.get(word.text.toUpperCase());
    if (rule) return { markdown: `**${rule.id} — ${rule.name}** (default: ${rule.defaultSeverity})\n\n${escapeMd(rule.description)}\n\n[Rule documentation](${docsUrl(rule.id)})`, span: word.span };
  }
  return undefined;
}

function fieldMarkdown(spec: FieldSpec): string {
  const values = spec.t.type === 'enum' ? `\n\nValues: ${spec.t.values.map((v) => `\`${v}\``).join(', ')}` : '';
  return `**${spec.name}** — ${escapeMd(spec.doc)}${values}`;
}

function wordAt(text: string, offset: number, re: RegExp): { text: string; span: Span } | undefined {
  let s = offset;
  let e = offset;
  while (s > 0 && re.test(text[s - 1]!)) s--;
  while (e < text.length && re.test(text[e]!)) e++;
  return e > s ? { text: text.slice(s, e), span: { start: s, end: e } } : undefined;
}

// ---------------------------------------------------------------- completion

export type CompletionKind = 'field' | 'value' | 'category' | 'reference' | 'file' | 'rule';

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
}

/** The line around `offset`: its start, and the text before the cursor. */
function lineBefore(report: Report, offset: number) {
  const pos = report.lines.positionAt(offset);
  const start = report.lines.lineStarts[pos.line]!;
  return { line: pos.line, start, before: report.text.slice(start, offset) };
}

/** The key whose value block holds the cursor's line (the nearest line above with less indentation). */
function parentKey(report: Report, line: number, indent: number, stopLine: number): string | undefined {
  for (let l = line - 1; l > stopLine; l--) {
    const t = report.lines.lineText(l);
    if (!t.trim()) continue;
    const ind = t.length - t.trimStart().length;
    if (ind < indent) {
      const m = /^\s*(?:-\s+)?([\w-]+):\s*$/.exec(t);
      return m ? m[1] : undefined;
    }
  }
  return undefined;
}

/**
 * The field whose block list holds the item on `line` (its `- ` at column
 * `dash`): the nearest line above, past the item's siblings and their
 * continuation lines, that is not indented further; undefined when that is
 * not an empty `key:` (the item starts a record of a sequence block).
 */
function listParent(report: Report, line: number, dash: number, stopLine: number): string | undefined {
  for (let l = line - 1; l > stopLine; l--) {
    const t = report.lines.lineText(l);
    if (!t.trim()) continue;
    const ind = t.length - t.trimStart().length;
    if (ind > dash) continue;
    if (ind === dash && /^\s*-(\s|$)/.test(t)) continue;
    return /^\s*(?:-\s+)?([\w-]+):\s*(?:#.*)?$/.exec(t)?.[1];
  }
  return undefined;
}

/**
 * Keys written at column `indent` in the record around `line`, read from the
 * lines (the YAML is usually broken while a key is being typed).
 */
function keysAround(report: Report, line: number, indent: number, openLine: number): Set<string> {
  const keys = new Set<string>();
  const KEY = /^(\s*)(-\s+)?([\w-]+):/;
  const { lines } = report;
  const itemStart = (t: string) => {
    const m = /^(\s*)-\s/.exec(t);
    return !!m && m[1]!.length < indent;
  };
  const read = (l: number) => {
    const t = lines.lineText(l);
    const m = KEY.exec(t);
    if (m && m[1]!.length + (m[2]?.length ?? 0) === indent) keys.add(m[3]!);
    return t;
  };
  // a fence, or the `---` that closes front matter, ends the region
  const edge = (t: string) => itemStart(t) || /^\s*(`{3,}|~{3,})/.test(t) || /^-{3,}\s*$/.test(t);
  for (let l = line - 1; l > openLine; l--) {
    const t = read(l);
    if (edge(t)) break;
  }
  for (let l = line + 1; l < lines.lineCount; l++) {
    if (edge(lines.lineText(l))) break;
    read(l);
  }
  return keys;
}

/** Completion items at `offset`. */
export function completions(report: Report, offset: number, ctx: CompletionContext): CompletionItem[] {
  const { line, before } = lineBefore(report, offset);
  const block = report.blocks.find((b) => b.openLine < line && (b.closeLine < 0 || line < b.closeLine));
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

/** A reference as written in a list (`E1`, `"E1"`), without quotes; undefined for one with a locator (`E1#frame=3`: another one may still be added). */
const bareId = (item: string): string | undefined => {
  const t = item.trim().replace(/^(["'])(.*)\1$/, '$2').trim();
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(t) ? t : undefined;
};

/** The ids a `[…]` list on the cursor's line already holds, the item being typed (at `span`) left out. */
function listedInline(report: Report, line: number, span: Span): Set<string> {
  const start = report.lines.lineStarts[line]!;
  const text = report.lines.lineText(line);
  const rest = text.slice(0, span.start - start) + text.slice(span.end - start);
  const open = rest.indexOf('[');
  const out = new Set<string>();
  if (open < 0) return out;
  const close = rest.indexOf(']', open);
  for (const item of rest.slice(open + 1, close < 0 ? undefined : close).split(',')) {
    const id = bareId(item);
    if (id) out.add(id);
  }
  return out;
}

/** The ids of the other `- X` items of the block list the cursor's line is an item of. */
function listedInBlock(report: Report, line: number, indent: number): Set<string> {
  const out = new Set<string>();
  const { lines } = report;
  const item = (l: number) => {
    const m = /^(\s*)-\s+(.*?)\s*(?:#.*)?$/.exec(lines.lineText(l));
    return m && m[1]!.length === indent ? m[2]! : undefined;
  };
  for (const step of [-1, 1]) {
    for (let l = line + step; l >= 0 && l < lines.lineCount; l += step) {
      const it = item(l);
      if (it === undefined) break;
      const id = bareId(it);
      if (id) out.add(id);
    }
  }
  return out;
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
