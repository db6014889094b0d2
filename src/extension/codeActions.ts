/**
 * Quick fixes for `*.audit.md`: each diagnostic's fixes from the core, Choose
 * a file… for an evidence record without one (PA020), Fix all safe problems,
 * and the modal confirmation before a fix that accepts changed evidence.
 */
import * as vscode from 'vscode';
import type * as Engine from './engine';
import { askModal } from './prompts';
import { SOURCE, type ReportStore } from './store';
import { toRange, toWorkspaceEdit } from './util';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('privacyAudit');
export const CONFIRM_FIX_COMMAND = 'privacyAudit.applyConfirmedFix';

type CoreDiagnostic = Engine.LintResult['diagnostics'][number];
type CoreFix = NonNullable<CoreDiagnostic['fixes']>[number];

/** The core diagnostics of the latest lint that match VS Code diagnostics (same rule, message and range). */
function matching(store: ReportStore, doc: vscode.TextDocument, diags: readonly vscode.Diagnostic[]): { diag: vscode.Diagnostic; core: CoreDiagnostic }[] {
  const result = store.lastResult(doc);
  if (!result) return [];
  const out: { diag: vscode.Diagnostic; core: CoreDiagnostic }[] = [];
  for (const diag of diags) {
    if (diag.source !== SOURCE) continue;
    const code = typeof diag.code === 'object' ? diag.code.value : diag.code;
    const core = result.diagnostics.find((c) => c.rule === code && c.message === diag.message && toRange(doc, c.span).isEqual(diag.range));
    if (core) out.push({ diag, core });
  }
  return out;
}

export class AuditCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];
  constructor(private readonly store: ReportStore) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    // the fixes' offsets are only valid for the text that was linted: lint now when the text moved on
    let result = this.store.lastResult(doc);
    if (!result || result.report.text !== doc.getText()) result = await this.store.lint(doc);
    if (!result || result.report.text !== doc.getText()) return [];
    const actions: vscode.CodeAction[] = [];
    const wantFixAll = !context.only || context.only.intersects(FIX_ALL_KIND);
    const wantQuick = !context.only || context.only.intersects(vscode.CodeActionKind.QuickFix);
    if (wantQuick) {
      for (const { diag, core } of matching(this.store, doc, context.diagnostics)) {
        const choose = core.rule === 'PA020' ? this.chooseFile(doc, diag, core, result.report) : undefined;
        if (choose) actions.push(choose);
        // a fix worked out on demand (PA053's) may come to nothing: it is not offered then
        for (const fix of core.fixes ?? []) if (fix.edits.length) actions.push(this.quickFix(doc, diag, fix));
      }
    }
    if (wantFixAll) {
      const all = this.fixAll(doc, result);
      if (all) actions.push(all);
    }
    return actions;
  }

  private quickFix(doc: vscode.TextDocument, diag: vscode.Diagnostic, fix: CoreFix): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diag];
    if (fix.requiresConfirmation) {
      // accepting changed evidence is never silent: a modal warning first
      action.command = { command: CONFIRM_FIX_COMMAND, title: fix.title, arguments: [doc.uri, doc.version, fix.requiresConfirmation, fix.edits] };
    } else {
      action.edit = toWorkspaceEdit(doc, fix.edits);
      action.isPreferred = !!fix.preferred;
    }
    return action;
  }

  /**
   * PA020 on an evidence record without `file` and `url`: choose its file in the
   * open dialog (Add Evidence File… on that record: the file, its sha256 and
   * capture time in one edit). Picking a file needs the host, so the core
   * cannot offer it; never in Fix all, since it asks.
   */
  private chooseFile(doc: vscode.TextDocument, diag: vscode.Diagnostic, core: CoreDiagnostic, report: Engine.Report): vscode.CodeAction | undefined {
    // evidence paths are relative to the report's folder: a report not on disk has none
    if (doc.uri.scheme !== 'file') return undefined;
    // PA020 says "names neither a file nor a url" at the record's id; a missing file it reports at the path
    const rec = report.records.find((r) => r.kind === 'evidence' && r.idSpan?.start === core.span.start && r.idSpan.end === core.span.end);
    if (!rec?.id) return undefined;
    const title = `Choose a file for ${rec.id}…`;
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diag];
    action.command = { command: 'privacyAudit.addEvidence', title, arguments: [{ report: doc.uri, record: rec.id }] };
    return action;
  }

  /** Every safe fix at once: preferred, not a placeholder, no confirmation, no overlap. */
  private fixAll(doc: vscode.TextDocument, result: Engine.LintResult): vscode.CodeAction | undefined {
    const chosen: CoreFix[] = [];
    const taken: { start: number; end: number }[] = [];
    for (const d of result.diagnostics) {
      const fix = d.fixes?.find((f) => f.preferred && !f.placeholder && !f.requiresConfirmation);
      if (!fix) continue;
      if (fix.edits.some((e) => taken.some((t) => e.span.start < t.end && t.start < e.span.end))) continue;
      chosen.push(fix);
      taken.push(...fix.edits.map((e) => e.span));
    }
    if (!chosen.length) return undefined;
    const action = new vscode.CodeAction(`Fix all safe Privacy Audit problems (${chosen.length})`, FIX_ALL_KIND);
    action.edit = toWorkspaceEdit(doc, chosen.flatMap((f) => f.edits));
    return action;
  }
}

/** Applies a fix that accepts changed evidence, after a modal warning. */
export async function applyConfirmedFix(uri: vscode.Uri, version: number, warning: string, edits: { span: { start: number; end: number }; newText: string }[]): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.version !== version) {
    void vscode.window.showWarningMessage('The report changed since this fix was computed; try again.');
    return false;
  }
  if (!(await confirmFix(warning))) return false;
  return vscode.workspace.applyEdit(toWorkspaceEdit(doc, edits));
}

const RECORD_NEW_HASH = 'Record the new hash';

/** The modal warning before a fix that accepts changed evidence (`requiresConfirmation`); true when the analyst accepts. */
export async function confirmFix(warning: string): Promise<boolean> {
  return (await askModal({ message: 'The evidence file has changed since it was recorded.', detail: warning, buttons: [RECORD_NEW_HASH] })) === RECORD_NEW_HASH;
}
