/** Language features for `*.audit.md`: completion, hover, navigation, rename, symbols (the quick fixes are in codeActions.ts). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as Engine from './engine';
import { engine } from './lazy';
import { isReport, type ReportStore } from './store';
import type { EntryPlace } from '../node/capture/worker';
import { frameUri, keylogFor, locate } from './scanShow';
import { readClosedReport, toRange, toWorkspaceEdit } from './util';

export const SELECTOR: vscode.DocumentSelector = [
  { language: 'markdown', pattern: '**/*.audit.md' },
  { scheme: 'untitled', language: 'markdown', pattern: '**/*.audit.md' },
];

const KIND_ICON = {
  field: vscode.CompletionItemKind.Field,
  value: vscode.CompletionItemKind.EnumMember,
  category: vscode.CompletionItemKind.Constant,
  reference: vscode.CompletionItemKind.Reference,
  locator: vscode.CompletionItemKind.Value,
  file: vscode.CompletionItemKind.File,
  rule: vscode.CompletionItemKind.Keyword,
} as const;

export class AuditCompletions implements vscode.CompletionItemProvider {
  static readonly triggers = [':', ' ', '[', ',', '@', '/', '#'];
  constructor(private readonly store: ReportStore) {}

  async provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const e = engine();
    const report = this.store.report(doc);
    const offset = doc.offsetAt(position);
    const config = await this.store.config(doc.uri);
    const taxonomy = e.taxonomyFor(report, config);
    const lineText = doc.lineAt(position.line).text.slice(0, position.character);
    const files = /^\s*(?:-\s+)?file:\s*\S*$/.test(lineText) ? await this.files(doc) : undefined;
    const captures = capturesNow(report, this.store.lastResult(doc));
    const items: vscode.CompletionItem[] = e.completions(report, offset, { taxonomy, files, captures }).map((c) => {
      // what a referenced record is (an evidence's kind and file, a flow's host) shows on every row, not only the selected one
      const item = new vscode.CompletionItem(c.description ? { label: c.label, description: c.description } : c.label, KIND_ICON[c.kind]);
      item.detail = c.detail;
      if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
      item.insertText = c.insertText;
      item.range = toRange(doc, c.span);
      item.sortText = c.sortText;
      if (c.kind === 'field') item.command = { command: 'editor.action.triggerSuggest', title: 'values' };
      return item;
    });
    return [...items, ...this.snippets(report, position, lineText)];
  }

  /** Files under the report's folder, relative to it (not node_modules, not .git). */
  private async files(doc: vscode.TextDocument): Promise<string[]> {
    const dir = path.dirname(doc.uri.fsPath);
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.file(dir), '**/*'), '{**/node_modules/**,**/.git/**,**/*.audit.md}', 500);
    return found.map((u) => path.relative(dir, u.fsPath).split(path.sep).join('/')).sort();
  }

  /** Record-block snippets at the start of a prose line. */
  private snippets(report: Engine.Report, position: vscode.Position, lineText: string): vscode.CompletionItem[] {
    const m = /^(`{0,3})([a-z]*)$/.exec(lineText);
    if (!m) return [];
    const line = position.line;
    if (report.blocks.some((b) => b.openLine <= line && (b.closeLine < 0 || line <= b.closeLine))) return [];
    const fm = report.frontMatter;
    if (fm && report.lines.positionAt(fm.span.end).line >= line) return [];
    const e = engine();
    return e.RECORD_KINDS.map((kind) => {
      const fields = e.RECORD_FIELDS[kind].filter((f) => f.name !== 'id' && f.name !== 'notes' && f.name !== 'description').slice(0, 6);
      const body = fields.map((f, i) => `${f.name}: \${${i + 2}}`).join('\n');
      const item = new vscode.CompletionItem(`${kind} record`, vscode.CompletionItemKind.Snippet);
      item.insertText = new vscode.SnippetString(`\`\`\`${kind}\nid: \${1:${e.nextId(report, kind)}}\n${body}\n\`\`\`\n$0`);
      item.filterText = `\`\`\`${kind} ${kind}`;
      item.range = new vscode.Range(line, 0, line, lineText.length);
      item.detail = `Privacy Audit: a new ${kind} block`;
      item.documentation = new vscode.MarkdownString(`Fields: ${fields.map((f) => `\`${f.name}\``).join(', ')}`);
      return item;
    });
  }
}

export class AuditLanguage implements vscode.HoverProvider, vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.RenameProvider, vscode.DocumentSymbolProvider {
  constructor(private readonly store: ReportStore) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const e = engine();
    const report = this.store.report(doc);
    const last = this.store.lastResult(doc);
    const taxonomy = e.taxonomyFor(report, await this.store.config(doc.uri));
    const h = e.hover(report, doc.offsetAt(position), { taxonomy, evidence: byIdNow(report, last?.evidence), captures: capturesNow(report, last) });
    if (!h) return undefined;
    const md = new vscode.MarkdownString(h.markdown);
    md.isTrusted = false;
    return new vscode.Hover(md, toRange(doc, h.span));
  }

  /**
   * On an id: its record. On a locator (`entry=1` of `E3#entry=1`): that
   * entry of the HAR (its request selected; the worker finds where it is) or
   * that frame of the pcap (tshark's dissection, as *Show in Capture* shows it).
   */
  async provideDefinition(doc: vscode.TextDocument, position: vscode.Position, token?: vscode.CancellationToken): Promise<vscode.DefinitionLink[] | vscode.Location | undefined> {
    const e = engine();
    const report = this.store.report(doc);
    const offset = doc.offsetAt(position);
    const target = e.locatorTarget(report, offset);
    if (target) {
      const file = captureFileOf(doc, target, this.store.lastResult(doc));
      const origin = toRange(doc, target.span);
      if (target.unit === 'frame') {
        return [{ originSelectionRange: origin, targetUri: frameUri(file.fsPath, target.n, keylogFor(doc.uri)), targetRange: new vscode.Range(0, 0, 0, 0) }];
      }
      const { place, fresh } = await entryPlace(file.fsPath, target.n);
      if (token?.isCancellationRequested) return undefined;
      if (typeof place === 'string') {
        // said once per file version (Ctrl+hover asks again at every move of the mouse)
        if (fresh) void vscode.window.showWarningMessage(`Privacy Audit: ${path.basename(file.fsPath)}: ${place}`);
        return undefined;
      }
      const part = place.request ?? place.entry;
      const range = new vscode.Range(part.start.line, part.start.character, part.end.line, part.end.character);
      return [{ originSelectionRange: origin, targetUri: file, targetRange: range, targetSelectionRange: range }];
    }
    const span = e.definition(report, offset);
    return span ? new vscode.Location(doc.uri, toRange(doc, span)) : undefined;
  }

  provideReferences(doc: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): vscode.Location[] {
    return engine()
      .references(this.store.report(doc), doc.offsetAt(position), context.includeDeclaration)
      .map((s) => new vscode.Location(doc.uri, toRange(doc, s)));
  }

  prepareRename(doc: vscode.TextDocument, position: vscode.Position): { range: vscode.Range; placeholder: string } {
    const p = engine().prepareRename(this.store.report(doc), doc.offsetAt(position));
    if ('error' in p) throw new Error(p.error);
    return { range: toRange(doc, p.span), placeholder: p.id };
  }

  provideRenameEdits(doc: vscode.TextDocument, position: vscode.Position, newName: string): vscode.WorkspaceEdit {
    const r = engine().rename(this.store.report(doc), doc.offsetAt(position), newName);
    if ('error' in r) throw new Error(r.error);
    return toWorkspaceEdit(doc, r.edits);
  }

  provideDocumentSymbols(doc: vscode.TextDocument): vscode.DocumentSymbol[] {
    const convert = (s: Engine.DocSymbol): vscode.DocumentSymbol => {
      const sym = new vscode.DocumentSymbol(s.name, s.detail, SYMBOL_KIND[s.kind], toRange(doc, s.span), toRange(doc, s.selection));
      sym.children = s.children.map(convert);
      return sym;
    };
    return engine().documentSymbols(this.store.report(doc)).map(convert);
  }
}

/** A map of the last lint keyed by record, keyed by the records of the current text (matched by id: the text may have moved on). */
function byIdNow<V>(report: Engine.Report, last: ReadonlyMap<Engine.AuditRecord, V> | undefined): Map<Engine.AuditRecord, V> {
  const out = new Map<Engine.AuditRecord, V>();
  if (last) for (const [r, v] of last) if (r.id) { const now = report.byId.get(r.id); if (now) out.set(now, v); }
  return out;
}

/** What each capture evidence shows, from the latest lint, by the records of the current text. */
const capturesNow = (report: Engine.Report, last: Engine.LintResult | undefined) => byIdNow(report, last?.captures);

/** The capture a locator's evidence names: the file the last lint checked, else its `file:` beside the report. */
function captureFileOf(doc: vscode.TextDocument, target: Engine.LocatorTarget, last: Engine.LintResult | undefined): vscode.Uri {
  const st = target.evidence.id ? [...(last?.evidence ?? [])].find(([r]) => r.id === target.evidence.id)?.[1] : undefined;
  if (st && 'path' in st) return vscode.Uri.file(st.path);
  return vscode.Uri.file(path.resolve(path.dirname(doc.uri.fsPath), target.file));
}

/** The scan's worker (dist/scanWorker.js), beside this bundle (dist/extension.js). */
const workerScript = () => path.join(__dirname, 'scanWorker.js');

/**
 * Where entry `n` of a HAR is, kept by the file's size and modification
 * time: Ctrl+hover asks for the definition at every move of the mouse, and
 * each answer would otherwise read the HAR up to the entry again.
 */
const places = new Map<string, Promise<EntryPlace | string>>();
async function entryPlace(file: string, n: number): Promise<{ place: EntryPlace | string; fresh: boolean }> {
  let stamp: string;
  try {
    const st = await fs.stat(file);
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch (err) {
    return { place: `cannot be read (${(err as Error).message})`, fresh: true };
  }
  const key = `${file}\u0000${n}\u0000${stamp}`;
  const kept = places.get(key);
  if (kept) return { place: await kept, fresh: false };
  const p = locate(workerScript(), file, n);
  places.set(key, p);
  while (places.size > 32) places.delete(places.keys().next().value!);
  const place = await p;
  // a cancelled search is not an answer
  if (place === 'cancelled') places.delete(key);
  return { place, fresh: true };
}

const SYMBOL_KIND: Record<Engine.DocSymbol['kind'], vscode.SymbolKind> = {
  section: vscode.SymbolKind.String,
  device: vscode.SymbolKind.Class,
  step: vscode.SymbolKind.Event,
  flow: vscode.SymbolKind.Interface,
  evidence: vscode.SymbolKind.File,
  response: vscode.SymbolKind.Object,
  retest: vscode.SymbolKind.Method,
  finding: vscode.SymbolKind.Constant,
};

/** Records of every report in the workspace (parsed once per file version). */
export class AuditWorkspaceSymbols implements vscode.WorkspaceSymbolProvider {
  private readonly cache = new Map<string, { stamp: string; symbols: vscode.SymbolInformation[] }>();
  constructor(private readonly glob: () => string) {}

  async provideWorkspaceSymbols(query: string, token: vscode.CancellationToken): Promise<vscode.SymbolInformation[]> {
    const e = engine();
    const files = await vscode.workspace.findFiles(this.glob(), '{**/node_modules/**,**/.git/**}', 2000, token);
    const q = query.toLowerCase();
    const out: vscode.SymbolInformation[] = [];
    for (const uri of files) {
      if (token.isCancellationRequested) break;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const stamp = open ? `v${open.version}` : `m${(await vscode.workspace.fs.stat(uri)).mtime}`;
      let entry = this.cache.get(uri.toString());
      if (entry?.stamp !== stamp) {
        const text = open ? open.getText() : await readClosedReport(uri, e.LIMITS.maxFileChars);
        if (text === undefined) continue;
        const report = e.parseReport(text);
        const pos = (o: number) => {
          const p = report.lines.positionAt(o);
          return new vscode.Position(p.line, p.character);
        };
        const name = path.basename(uri.fsPath);
        const symbols = report.records
          .filter((r) => r.id !== undefined)
          .map((r) => new vscode.SymbolInformation(`${r.id} ${e.summary(r)}`.trim(), SYMBOL_KIND[r.kind], name, new vscode.Location(uri, new vscode.Range(pos(r.span.start), pos(r.span.end)))));
        entry = { stamp, symbols };
        this.cache.set(uri.toString(), entry);
      }
      for (const s of entry.symbols) if (!q || s.name.toLowerCase().includes(q)) out.push(s);
    }
    return out;
  }
}

export { isReport };
