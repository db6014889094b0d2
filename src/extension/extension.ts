/**
 * The VS Code shell around the core: lints `*.audit.md` documents on open,
 * while typing (debounced) and on save, and shows the core's diagnostics.
 * The full editor experience (fixes, completion, navigation) builds on this.
 */
import * as vscode from 'vscode';
import { CONFIG_FILE, DEFAULT_CONFIG, parseConfig, type ProjectConfig } from '../core/config';
import { ALL_RULE_IDS } from '../core/lint/ids';
import { docsUrl } from '../core/lint/rule';
import { Linter } from '../core/linter';
import type { Diagnostic as CoreDiagnostic } from '../core/types';

const DEBOUNCE_MS = 200;

const isReport = (doc: vscode.TextDocument) => doc.uri.path.endsWith('.audit.md');

export function activate(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('privacy-audit');
  const linters = new Map<string, Linter>();
  const timers = new Map<string, NodeJS.Timeout>();
  const configs = new Map<string, Promise<ProjectConfig>>();
  const output = vscode.window.createOutputChannel('Privacy Audit', { log: true });
  context.subscriptions.push(collection, output);

  const configFor = (folder: vscode.WorkspaceFolder | undefined): Promise<ProjectConfig> => {
    if (!folder) return Promise.resolve(DEFAULT_CONFIG);
    const key = folder.uri.toString();
    let p = configs.get(key);
    if (!p) {
      p = (async () => {
        try {
          const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, CONFIG_FILE));
          const { config, errors } = parseConfig(new TextDecoder().decode(bytes), ALL_RULE_IDS);
          for (const e of errors) output.warn(`${CONFIG_FILE}: ${e}`);
          return config;
        } catch {
          return DEFAULT_CONFIG;
        }
      })();
      configs.set(key, p);
    }
    return p;
  };

  const lint = async (doc: vscode.TextDocument) => {
    if (!isReport(doc)) return;
    const key = doc.uri.toString();
    let linter = linters.get(key);
    if (!linter) linters.set(key, (linter = new Linter()));
    const version = doc.version;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    try {
      const result = await linter.lint(doc.getText(), {
        filePath: doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined,
        root: folder?.uri.fsPath,
        config: await configFor(folder),
      });
      // a newer edit has been linted or is on its way: drop this stale result
      if (doc.isClosed || doc.version !== version) return;
      collection.set(doc.uri, result.diagnostics.map((d) => toVscode(d, doc.uri)));
    } catch (err) {
      output.error(`Linting ${doc.uri.fsPath} failed: ${(err as Error).stack ?? String(err)}`);
    }
  };

  const schedule = (doc: vscode.TextDocument) => {
    if (!isReport(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => void lint(doc), DEBOUNCE_MS));
  };

  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => void lint(d)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidSaveTextDocument((d) => void lint(d)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      collection.delete(d.uri);
      linters.delete(d.uri.toString());
    }),
  );
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE}`);
  const reloadConfig = () => {
    configs.clear();
    for (const d of vscode.workspace.textDocuments) void lint(d);
  };
  context.subscriptions.push(watcher, watcher.onDidChange(reloadConfig), watcher.onDidCreate(reloadConfig), watcher.onDidDelete(reloadConfig));
  for (const d of vscode.workspace.textDocuments) void lint(d);
}

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

function toVscode(d: CoreDiagnostic, uri: vscode.Uri): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const out = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
  out.source = 'privacy-audit';
  out.code = { value: d.rule, target: vscode.Uri.parse(docsUrl(d.rule)) };
  if (d.related) {
    out.relatedInformation = d.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, new vscode.Range(r.range.start.line, r.range.start.character, r.range.end.line, r.range.end.character)), r.message),
    );
  }
  return out;
}

export function deactivate(): void {}
