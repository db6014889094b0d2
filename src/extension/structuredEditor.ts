/**
 * The structured editor (a CustomTextEditorProvider). The TextDocument is the
 * only model: the webview sends intents, which go through one queue per
 * document (`inOrder`, shared with quick fixes and Add Evidence) and become
 * minimal WorkspaceEdits; every document change (from the forms, a text
 * editor on the same file, undo, revert) sends a fresh model back. Messages
 * carry the document version; a stale webview is resynced.
 */
import * as vscode from 'vscode';
import type { FromWebview, Intent, RecordRef, ToWebview } from '../core/protocol';
import { EDITOR_VIEW_TYPE } from './active';
import { addEvidence } from './addEvidence';
import type * as Engine from './engine';
import { confirmFix } from './codeActions';
import { engine } from './lazy';
import { revealLine } from './preview';
import { askModal } from './prompts';
import type { ReportStore } from './store';
import { inOrder, toWorkspaceEdit } from './util';
import { webviewHtml, webviewRoots } from './webviewHtml';

export { EDITOR_VIEW_TYPE };

/** The `requestId` of the results of an `applyFix` sent without one; the webview numbers its requests from 1. */
export const NO_REQUEST = 0;
export const STALE = 'The report changed meanwhile; showing it again.';
export const DELETE_AND_REMOVE = 'Delete and Remove References';
export const DELETE_ONLY = 'Delete Only';
export const DELETE = 'Delete';

/** One structured editor panel of a document. */
interface Session {
  doc: vscode.TextDocument;
  panel: vscode.WebviewPanel;
  /** True once the webview has said `ready`. */
  ready: boolean;
  /** The version of the last model posted, and the lint result it was made from (the indices of `applyFix`). */
  posted?: { version: number; result: Engine.LintResult };
}

export class StructuredEditorProvider implements vscode.CustomTextEditorProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<{ uri: vscode.Uri; version: number }>();
  /** Fires after a model was posted to a structured editor (tests wait on it). */
  readonly onDidPostModel = this.emitter.event;
  private readonly messages = new vscode.EventEmitter<{ uri: vscode.Uri; message: ToWebview }>();
  /** Fires after any message was posted to a structured editor (tests read the results of their intents). */
  readonly onDidPostMessage = this.messages.event;
  private readonly sessions = new Set<Session>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly store: ReportStore) {}

  async resolveCustomTextEditor(doc: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: webviewRoots(this.extensionUri) };
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { script: 'editor.js', title: 'Privacy Audit report', bodyClass: 'pa-editor' });
    const s: Session = { doc, panel, ready: false };
    this.sessions.add(s);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subs = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== doc.uri.toString() || !e.contentChanges.length) return;
        clearTimeout(timer);
        timer = setTimeout(() => void this.sendModel(s), 30);
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        this.receive(s, raw).catch((err: unknown) => void vscode.window.showErrorMessage(`Privacy Audit: ${(err as Error)?.message ?? String(err)}`));
      }),
    ];
    panel.onDidDispose(() => {
      clearTimeout(timer);
      this.sessions.delete(s);
      for (const sub of subs) sub.dispose();
    });
  }

  /**
   * Feeds `raw` to the structured editor of `uri` (the active one when there are several) exactly as if
   * its webview had sent it, and resolves when it is handled (for tests: no webview DOM needed).
   * Resolves to false when the protocol drops the message.
   */
  async postFromWebview(uri: vscode.Uri, raw: unknown): Promise<unknown> {
    const open = [...this.sessions].filter((s) => s.doc.uri.toString() === uri.toString());
    const s = open.find((x) => x.panel.active) ?? open[0];
    if (!s) throw new Error(`No structured editor of ${uri.toString()} is open.`);
    return this.receive(s, raw);
  }

  private async receive(s: Session, raw: unknown): Promise<unknown> {
    const msg = engine().parseWebviewMessage(raw);
    if (!msg) return false; // not part of the protocol: dropped
    const { doc } = s;
    switch (msg.type) {
      case 'ready':
        s.ready = true;
        return this.sendModel(s);
      case 'intent':
        // one edit at a time, each against the document as it is then
        return inOrder(doc.uri, () => this.apply(s, msg.requestId, msg.version, msg.intent));
      case 'applyFix':
        return inOrder(doc.uri, () => this.applyFix(s, msg));
      case 'addEvidence':
        // the form stays where it is: Add Evidence shows the text only when called from a text editor
        return addEvidence(this.store, { report: doc.uri, ...(msg.record !== undefined ? { record: msg.record } : {}) });
      case 'editSource':
      case 'reveal':
        return showSource(doc, msg.line);
      case 'save':
        // Ctrl+S in the form: after the edit of the field being left, which the form sent just before
        return inOrder(doc.uri, async () => doc.save());
      case 'export':
        return vscode.commands.executeCommand(msg.format === 'pdf' ? 'privacyAudit.exportPdf' : 'privacyAudit.exportHtml', doc.uri);
      case 'revealRecord': {
        const r = this.store.report(doc).byId.get(msg.id);
        return r ? showSource(doc, doc.positionAt(r.span.start).line) : undefined;
      }
      default:
        return undefined;
    }
  }

  private async post(s: Session, message: ToWebview): Promise<boolean> {
    const ok = await s.panel.webview.postMessage(message);
    this.messages.fire({ uri: s.doc.uri, message });
    return ok;
  }

  private async postModel(s: Session, result: Engine.LintResult, version: number): Promise<void> {
    s.posted = { version, result };
    await this.post(s, { type: 'model', model: this.model(result, version) });
    this.emitter.fire({ uri: s.doc.uri, version });
  }

  private async sendModel(s: Session): Promise<void> {
    if (!s.ready) return;
    const version = s.doc.version;
    const result = (await this.store.lint(s.doc)) ?? this.store.lastResult(s.doc);
    if (!result || s.doc.version !== version) return; // a newer change will send its own
    await this.postModel(s, result, version);
  }

  /** The webview acted on a version that is gone: says so, and shows the report as it is now. */
  private async resync(s: Session, requestId: number): Promise<void> {
    await this.post(s, { type: 'intentResult', requestId, ok: false, error: STALE });
    const version = s.doc.version;
    const result = (await this.store.lint(s.doc)) ?? this.store.lastResult(s.doc);
    if (result && s.doc.version === version) await this.postModel(s, result, version);
  }

  private async apply(s: Session, requestId: number, version: number, intent: Intent): Promise<void> {
    const { doc } = s;
    // records are named by id, so an intent still applies after other edits; one naming a record by
    // position is only safe on the version the webview saw
    const stale = () => 'record' in intent && 'index' in intent.record && version !== doc.version;
    if (stale()) return this.resync(s, requestId);
    if (intent.type === 'deleteRecord' && intent.references === undefined) {
      const references = await this.askDelete(doc, intent.record);
      if (references === 'cancel') return void (await this.post(s, { type: 'intentResult', requestId, ok: false }));
      if (references) intent = { ...intent, references };
      if (stale()) return this.resync(s, requestId);
    }
    const result = engine().applyIntent(this.store.report(doc), intent);
    if ('error' in result) return void (await this.post(s, { type: 'intentResult', requestId, ok: false, error: result.error }));
    const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(doc, result.edits));
    await this.post(s, { type: 'intentResult', requestId, ok, ...(ok && result.newId !== undefined ? { newId: result.newId } : {}) });
  }

  /**
   * Before a record that others name is deleted: whether to take its id out of them too. Undefined when
   * nothing names it (no question: undo exists), 'cancel' when the analyst cancels.
   */
  private async askDelete(doc: vscode.TextDocument, ref: RecordRef): Promise<'keep' | 'remove' | 'cancel' | undefined> {
    const e = engine();
    const report = this.store.report(doc);
    const rec = 'id' in ref ? report.byId.get(ref.id) : report.records.find((r) => r.index === ref.index);
    if (rec?.id === undefined) return undefined;
    const refs = e.referencesTo(report, rec.id);
    const cited = e.citationsOf(report, rec.id);
    if (!refs.length && !cited) return undefined;
    const prose = cited ? `The citations in the text stay as they are${refs.length ? '' : '; change them in the text'}.` : '';
    const answer = await askModal({
      message: referenceSummary(rec.id, refs, cited),
      detail: refs.length ? `“${DELETE_AND_REMOVE}” also takes ${rec.id} out of the fields that name it. ${prose}`.trim() : prose,
      // prose citations are never removed: with citations only, there is nothing to choose but whether to delete
      buttons: refs.length ? [DELETE_AND_REMOVE, DELETE_ONLY] : [DELETE],
    });
    return answer === DELETE_AND_REMOVE ? 'remove' : answer === DELETE_ONLY || answer === DELETE ? 'keep' : 'cancel';
  }

  /** A quick fix chosen in the form: applied when the form saw the current version, else the form is resynced. */
  private async applyFix(s: Session, msg: Extract<FromWebview, { type: 'applyFix' }>): Promise<void> {
    const { doc } = s;
    const current = () => doc.version === msg.version;
    // the indices are those of the model the form shows: the result it was made from
    const result = (s.posted?.version === msg.version ? s.posted.result : undefined) ?? this.store.resultOf(doc, msg.version);
    const fix = current() && result?.report.text === doc.getText() ? result.diagnostics[msg.diagnostic]?.fixes?.[msg.fix] : undefined;
    const requestId = msg.requestId ?? NO_REQUEST;
    if (!fix) return this.resync(s, requestId);
    // as in the text editor: accepting changed evidence is never silent
    if (fix.requiresConfirmation) {
      if (!(await confirmFix(fix.requiresConfirmation))) return void (await this.post(s, { type: 'intentResult', requestId, ok: false }));
      if (!current()) return this.resync(s, requestId);
    }
    const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(doc, fix.edits));
    await this.post(s, { type: 'intentResult', requestId, ok });
  }

  private model(result: Engine.LintResult, version: number) {
    const e = engine();
    // drawn in the theme's colours, its key as a row under it; the timeline as HTML
    const dataflow = e.dataFlowDiagram(result.report, result.taxonomy, { legend: false, palette: 'theme', confirmed: e.confirmedFlowIds(result) });
    const timeline = e.timelineHtml(result.report);
    const ids = new Set(result.report.byId.keys());
    const prose = e.proseSegments(result.report).map((p) => ({ line: p.line, text: p.text, html: e.renderProse(p.text, result.taxonomy, ids) }));
    return e.buildEditorModel(result, version, { diagrams: { dataflow: dataflow.text, timelineHtml: timeline.html, dataflowLegend: dataflow.legendItems }, prose });
  }

  dispose(): void {
    this.emitter.dispose();
    this.messages.dispose();
  }
}

/** "F1 is referenced by S2 (flows) and FN1 (flows), and cited 2 times in the text." */
export function referenceSummary(id: string, refs: readonly { record: Engine.AuditRecord; field: string }[], cited: number): string {
  const byRecord = new Map<string, string[]>();
  for (const r of refs) {
    const name = r.record.id ?? `the ${r.record.kind} record #${r.record.index + 1}`;
    const fields = byRecord.get(name) ?? [];
    if (!fields.includes(r.field)) fields.push(r.field);
    byRecord.set(name, fields);
  }
  const names = [...byRecord].map(([name, fields]) => `${name} (${fields.join(', ')})`);
  const citations = cited ? `cited ${cited === 1 ? 'once' : `${cited} times`} in the text` : '';
  if (!names.length) return `${id} is ${citations}.`;
  return `${id} is referenced by ${joinList(names)}${citations ? `, and ${citations}` : ''}.`;
}

/** `a`, `a and b`, `a, b and c`. */
function joinList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Opens the report's text beside the structured editor, at `line`. */
async function showSource(doc: vscode.TextDocument, line?: number): Promise<void> {
  const pos = new vscode.Position(Math.min(line ?? 0, doc.lineCount - 1), 0);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos) });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
}

export { revealLine };
