/** Helpers for tests that run inside the extension host. */
import * as vscode from 'vscode';

export const SOURCE = 'privacy-audit';

// the fixtures' expect markers, read as the unit tests read them
export { expectedOf } from '../../support/markers';

/** The rule id of a diagnostic whose code is `{ value: 'PA010', target: Uri }`. */
export function ruleOf(d: vscode.Diagnostic): string {
  const code = d.code;
  if (code && typeof code === 'object') return String(code.value);
  return String(code);
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** `RULE@LINE` (1-based) of this extension's diagnostics for `uri`, sorted. */
export function actualOf(uri: vscode.Uri): string[] {
  return ours(uri)
    .map((d) => `${ruleOf(d)}@${d.range.start.line + 1}`)
    .sort();
}

export function describe(uri: vscode.Uri): string {
  return ours(uri)
    .map((d) => `  ${d.range.start.line + 1}:${d.range.start.character + 1} ${ruleOf(d)} ${d.message}`)
    .join('\n');
}

/**
 * Resolves once `predicate(diagnostics of uri)` holds, checking now and on
 * every onDidChangeDiagnostics event for `uri`; rejects after `timeoutMs`
 * with `what` and the diagnostics seen last. No fixed sleeps.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    const check = () => {
      const now = ours(uri);
      if (predicate(now)) {
        done();
        resolve(now);
        return true;
      }
      return false;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === key)) check();
    });
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${vscode.workspace.asRelativePath(uri)}; diagnostics now:\n${describe(uri) || '  (none)'}`));
    }, timeoutMs);
    function done() {
      clearTimeout(timer);
      sub.dispose();
    }
    check();
  });
}

export function workspaceUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open: the runner opens a copy of examples/ as the folder');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

/** Opens a file in a text editor (not a custom editor) and returns it. */
export async function openText(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relative));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Reverts every unsaved document (so no "Save?" dialog can block) and closes all editors. */
export async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
