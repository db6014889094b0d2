/**
 * The VS Code shell around the core. Activation only registers providers and
 * commands; the core (markdown-it, yaml, the rules) is loaded from
 * dist/engine.js when the first report needs it.
 */
import * as vscode from 'vscode';
import type { ToWebview } from '../core/protocol';
import { activeReportUri } from './active';
import { addEvidence } from './addEvidence';
import { filesGlob, lintWorkspace, newReport } from './commands';
import { applyConfirmedFix, AuditCodeActions, CONFIRM_FIX_COMMAND } from './codeActions';
import { AuditCompletions, AuditLanguage, AuditWorkspaceSymbols, SELECTOR } from './features';
import { ExportCommands } from './exportCommands';
import { PreviewManager, previewTarget } from './preview';
import { setPromptHooks, type PromptHooks } from './prompts';
import { registerScan, type ScanApi } from './scan';
import { isReport, ReportStore, type LintEvent } from './store';
import { EDITOR_VIEW_TYPE, StructuredEditorProvider } from './structuredEditor';

/** When this module began to load: activation time counts loading it too. */
const moduleStart = performance.now();

/** What the extension exports to other extensions and to its tests. */
export interface PrivacyAuditApi {
  /** Fires after a report's diagnostics were updated. */
  onDidLint: vscode.Event<LintEvent>;
  /** Lints a document now (no debounce) and resolves when its diagnostics are set. */
  lint(doc: vscode.TextDocument): Promise<unknown>;
  /** Milliseconds from the start of loading this module to the end of activate(). */
  activationMs: number;
  /** Fires after a preview was sent new content. */
  onDidRenderPreview: vscode.Event<{ uri: vscode.Uri; version: number; html: string }>;
  /** Fires when a preview has shown a version (its diagrams drawn). */
  onDidPaintPreview: vscode.Event<{ uri: vscode.Uri; version: number }>;
  /** Fires after a structured editor was sent a new model. */
  onDidPostEditorModel: vscode.Event<{ uri: vscode.Uri; version: number }>;
  /** Fires after any message was posted to a structured editor (models, intent results). */
  onDidPostEditorMessage: vscode.Event<{ uri: vscode.Uri; message: ToWebview }>;
  /**
   * Feeds a message to the structured editor of `uri` as if its webview had sent it (checked by the
   * protocol's validator like any other); resolves when it is handled, to false when it was dropped.
   * For tests, which cannot reach the webview's DOM.
   */
  postFromWebview(uri: vscode.Uri, message: unknown): Promise<unknown>;
  /** Answers the extension's modal questions and open dialogs instead of a person (tests); undefined: dialogs again. */
  setPromptHooks(hooks: PromptHooks | undefined): void;
  /** The capture scan: its last result, its cancel, the results view's nodes. */
  scan: ScanApi;
}

export function activate(context: vscode.ExtensionContext): PrivacyAuditApi {
  const output = vscode.window.createOutputChannel('Privacy Audit', { log: true });
  const store = new ReportStore(output);
  const language = new AuditLanguage(store);
  const previews = new PreviewManager(context.extensionUri, store);
  const structured = new StructuredEditorProvider(context.extensionUri, store);
  context.subscriptions.push(structured);
  const exports = new ExportCommands(context.extensionUri, store, output);
  context.subscriptions.push(
    exports,
    vscode.commands.registerCommand('privacyAudit.exportPdf', (uri?: vscode.Uri, out?: vscode.Uri) => exports.export('pdf', uri instanceof vscode.Uri ? uri : undefined, out)),
    vscode.commands.registerCommand('privacyAudit.exportHtml', (uri?: vscode.Uri, out?: vscode.Uri) => exports.export('html', uri instanceof vscode.Uri ? uri : undefined, out)),
    previews,
    vscode.window.registerCustomEditorProvider(EDITOR_VIEW_TYPE, structured, {
      supportsMultipleEditorsPerDocument: true,
      // the form keeps its scroll position, filter boxes and half-made rows when its tab is in the background
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.commands.registerCommand('privacyAudit.openPreview', async (uri?: vscode.Uri) => {
      const doc = await previewTarget(uri instanceof vscode.Uri ? uri : undefined);
      if (!doc) return void vscode.window.showInformationMessage('Open a *.audit.md report first.');
      return previews.open(doc);
    }),
    vscode.commands.registerCommand('privacyAudit.openStructuredEditor', (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : activeReportUri();
      if (!target) return void vscode.window.showInformationMessage('Open a *.audit.md report first.');
      return vscode.commands.executeCommand('vscode.openWith', target, EDITOR_VIEW_TYPE);
    }),
    vscode.commands.registerCommand('privacyAudit.editSource', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : activeReportUri();
      if (!target) return void vscode.window.showInformationMessage('Open a *.audit.md report first.');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target), { viewColumn: vscode.ViewColumn.Beside });
    }),
    output,
    store,
    vscode.languages.registerCodeActionsProvider(SELECTOR, new AuditCodeActions(store), { providedCodeActionKinds: AuditCodeActions.kinds }),
    vscode.languages.registerCompletionItemProvider(SELECTOR, new AuditCompletions(store), ...AuditCompletions.triggers),
    vscode.languages.registerHoverProvider(SELECTOR, language),
    vscode.languages.registerDefinitionProvider(SELECTOR, language),
    vscode.languages.registerReferenceProvider(SELECTOR, language),
    vscode.languages.registerRenameProvider(SELECTOR, language),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, language, { label: 'Privacy Audit' }),
    vscode.languages.registerWorkspaceSymbolProvider(new AuditWorkspaceSymbols(filesGlob)),
    vscode.commands.registerCommand('privacyAudit.lintWorkspace', async () => {
      const { reports, problems } = await lintWorkspace(store);
      void vscode.window.showInformationMessage(`Privacy Audit: ${reports} report${reports === 1 ? '' : 's'} linted, ${problems} problem${problems === 1 ? '' : 's'}.`);
      return { reports, problems };
    }),
    vscode.commands.registerCommand('privacyAudit.newReport', (target?: vscode.Uri) => newReport(target)),
    vscode.commands.registerCommand('privacyAudit.addEvidence', (a?: vscode.Uri, b?: vscode.Uri[]) => addEvidence(store, a, b)),
    vscode.commands.registerCommand(CONFIRM_FIX_COMMAND, applyConfirmedFix),
    vscode.workspace.onDidOpenTextDocument((d) => void store.lint(d)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) store.schedule(e.document);
    }),
    vscode.workspace.onDidSaveTextDocument((d) => void store.lint(d)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (isReport(d)) store.closed(d);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('privacyAudit')) store.reloadConfig();
    }),
    // tsharkPath counts only in a trusted workspace: the claim rules read the captures again with it
    vscode.workspace.onDidGrantWorkspaceTrust(() => store.reloadConfig()),
  );
  const scan = registerScan(context, store, output);
  // the project file applies at once
  const config = vscode.workspace.createFileSystemWatcher('**/.privacy-audit.yaml');
  // evidence files: a change on disk re-lints the open reports that name the file
  const files = vscode.workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(
    config,
    config.onDidChange(() => store.reloadConfig()),
    config.onDidCreate(() => store.reloadConfig()),
    config.onDidDelete(() => store.reloadConfig()),
    files,
    files.onDidChange((u) => store.evidenceChanged(u)),
    files.onDidCreate((u) => store.evidenceChanged(u)),
    files.onDidDelete((u) => store.evidenceChanged(u)),
  );
  // lint what is already open, after activation returns
  setTimeout(() => store.lintAllOpen(), 0);
  const activationMs = performance.now() - moduleStart;
  return {
    onDidLint: store.onDidLint,
    lint: (d) => store.lint(d),
    activationMs,
    onDidRenderPreview: previews.onDidRender,
    onDidPaintPreview: previews.onDidPaint,
    onDidPostEditorModel: structured.onDidPostModel,
    onDidPostEditorMessage: structured.onDidPostMessage,
    postFromWebview: (uri, message) => structured.postFromWebview(uri, message),
    setPromptHooks,
    scan,
  };
}

export function deactivate(): void {}
