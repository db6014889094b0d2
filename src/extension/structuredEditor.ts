/**
 * The structured editor (a CustomTextEditorProvider). The TextDocument is the
 * only model: the webview sends intents, which go through one queue per
 * document and become minimal WorkspaceEdits; every document change (from
 * the forms, a text editor on the same file, undo, revert) sends a fresh model
 * back. Messages carry the document version; a stale webview is resynced.
 */
import * as vscode from 'vscode';
import type { Intent, ToWebview } from '../core/protocol';
import { EDITOR_VIEW_TYPE } from './active';
import type * as Engine from './engine';
import { engine } from './lazy';
import { revealLine } from './preview';
import type { ReportStore } from './store';
import { toWorkspaceEdit } from './util';
import { webviewHtml, webviewRoots } from './webviewHtml';

export { EDITOR_VIEW_TYPE };

export class StructuredEditorProvider implements vscode.CustomTextEditorProvider {
  private readonly emitter = new vscode.EventEmitter<{ uri: vscode.Uri; version: number }>();
  /** Fires after a model was posted to a structured editor (tests wait on it). */
  readonly onDidPostModel = this.emitter.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly store: ReportStore) {}

  async resolveCustomTextEditor(doc: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: webviewRoots(this.extensionUri) };
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { script: 'editor.js', title: 'Privacy Audit report', bodyClass: 'pa-editor' });
    let ready = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let queue: Promise<unknown> = Promise.resolve();

    const sendModel = async () => {
      if (!ready) return;
      const version = doc.version;
      const result = (await this.store.lint(doc)) ?? this.store.lastResult(doc);
      if (!result || doc.version !== version) return; // a newer change will send its own
      await panel.webview.postMessage({ type: 'model', model: this.model(result, version) } satisfies ToWebview);
      this.emitter.fire({ uri: doc.uri, version });
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void sendModel(), 30);
    };

    const subs = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === doc.uri.toString() && e.contentChanges.length) schedule();
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = engine().parseWebviewMessage(raw);
        if (!msg) return; // not part of the protocol: dropped
        switch (msg.type) {
          case 'ready':
            ready = true;
            void sendModel();
            break;
          case 'intent':
            // one edit at a time, each against the document as it is then
            queue = queue.then(() => this.apply(doc, panel, msg.requestId, msg.version, msg.intent)).catch(() => undefined);
            break;
          case 'addEvidence':
            void vscode.commands.executeCommand('privacyAudit.addEvidence', { report: doc.uri });
            break;
          case 'editSource':
            void showSource(doc, msg.line);
            break;
          case 'export':
            void vscode.commands.executeCommand(msg.format === 'pdf' ? 'privacyAudit.exportPdf' : 'privacyAudit.exportHtml', doc.uri);
            break;
          case 'reveal':
            void showSource(doc, msg.line);
            break;
          case 'revealRecord': {
            const r = this.store.report(doc).byId.get(msg.id);
            if (r) void showSource(doc, doc.positionAt(r.span.start).line);
            break;
          }
          default:
            break;
        }
      }),
    ];
    panel.onDidDispose(() => {
      clearTimeout(timer);
      for (const s of subs) s.dispose();
    });
  }

  private async apply(doc: vscode.TextDocument, panel: vscode.WebviewPanel, requestId: number, version: number, intent: Intent): Promise<void> {
    const e = engine();
    // records are named by id, so an intent still applies after other edits; one naming a record by
    // position is only safe on the version the webview saw
    const byIndex = 'record' in intent && 'index' in intent.record;
    if (byIndex && version !== doc.version) {
      await panel.webview.postMessage({ type: 'intentResult', requestId, ok: false, error: 'The report changed meanwhile; showing it again.' } satisfies ToWebview);
      await panel.webview.postMessage({ type: 'model', model: this.model((await this.store.lint(doc))!, doc.version) } satisfies ToWebview);
      return;
    }
    const result = e.applyIntent(this.store.report(doc), intent);
    if ('error' in result) {
      await panel.webview.postMessage({ type: 'intentResult', requestId, ok: false, error: result.error } satisfies ToWebview);
      return;
    }
    const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(doc, result.edits));
    await panel.webview.postMessage({ type: 'intentResult', requestId, ok } satisfies ToWebview);
  }

  private model(result: Engine.LintResult, version: number) {
    const e = engine();
    const dataflow = e.dataFlowDiagram(result.report, result.taxonomy);
    const timeline = e.timelineDiagram(result.report);
    const ids = new Set(result.report.byId.keys());
    const prose = e.proseSegments(result.report).map((s) => ({ line: s.line, text: s.text, html: e.renderProse(s.text, result.taxonomy, ids) }));
    return e.buildEditorModel(result, version, { diagrams: { dataflow: dataflow.text, timeline: timeline.text }, prose });
  }
}

/** Opens the report's text beside the structured editor, at `line`. */
async function showSource(doc: vscode.TextDocument, line?: number): Promise<void> {
  const pos = new vscode.Position(Math.min(line ?? 0, doc.lineCount - 1), 0);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos) });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
}

export { revealLine };
