/** Commands: Lint Workspace, New Audit Report (Add Evidence File… is in addEvidence.ts). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EDITOR_VIEW_TYPE } from './active';
import { engine } from './lazy';
import type { ReportStore } from './store';

export function filesGlob(): string {
  return vscode.workspace.getConfiguration('privacyAudit').get<string>('files', '**/*.audit.md');
}

/** Lints every report in the workspace into the Problems panel. Returns the number of reports. */
export async function lintWorkspace(store: ReportStore): Promise<{ reports: number; problems: number }> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Privacy Audit: linting reports' }, async () => {
    const files = (await vscode.workspace.findFiles(filesGlob(), '{**/node_modules/**,**/.git/**}')).filter((u) => u.path.endsWith('.audit.md'));
    let problems = 0;
    for (const uri of files) {
      try {
        problems += await store.lintFile(uri);
      } catch (err) {
        void vscode.window.showErrorMessage(`Privacy Audit: cannot lint ${vscode.workspace.asRelativePath(uri)}: ${(err as Error).message}`);
      }
    }
    return { reports: files.length, problems };
  });
}

/** Creates a report skeleton. `target` (optional) is where to write it; otherwise the user is asked. */
export async function newReport(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  let uri = target;
  if (!uri) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    uri = await vscode.window.showSaveDialog({
      title: 'New Audit Report',
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'new-report.audit.md') : undefined,
      filters: { 'Audit report': ['audit.md'], Markdown: ['md'] },
    });
    if (!uri) return undefined;
  }
  if (!uri.path.endsWith('.audit.md')) uri = uri.with({ path: uri.path.replace(/(\.md)?$/, '.audit.md') });
  try {
    await vscode.workspace.fs.stat(uri);
    const answer = await vscode.window.showWarningMessage(`${path.basename(uri.path)} exists. Replace it?`, { modal: true }, 'Replace');
    if (answer !== 'Replace') return undefined;
  } catch {
    // does not exist yet: good
  }
  const today = new Date().toISOString().slice(0, 10);
  const base = path.basename(uri.path, '.audit.md');
  const text = engine().reportSkeleton({
    id: `AUDIT-${today.slice(0, 4)}-${base.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-|-$/g, '') || 'NEW'}`,
    title: base.replace(/[-_]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase()),
    date: today,
    auditor: process.env.USER ?? 'Analyst',
  });
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  // in the structured editor, the report's default editor: one tab
  await vscode.commands.executeCommand('vscode.openWith', uri, EDITOR_VIEW_TYPE);
  return uri;
}
