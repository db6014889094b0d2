/** Commands: Lint Workspace, New Audit Report, Add Evidence File…. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeOrOnlyReport, EDITOR_VIEW_TYPE } from './active';
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

export interface AddEvidenceArgs {
  report?: vscode.Uri;
  files?: vscode.Uri[];
}

/**
 * Adds evidence files to a report: files outside the report's evidence folder
 * are copied in (never overwriting), each is hashed, and an evidence block
 * with the next free ids is inserted after the report's last evidence block.
 */
export async function addEvidence(store: ReportStore, a?: vscode.Uri | AddEvidenceArgs, b?: vscode.Uri[]): Promise<string[] | undefined> {
  const e = engine();
  const args: AddEvidenceArgs = a instanceof vscode.Uri ? { files: b?.length ? b : [a] } : (a ?? {});
  // which report: the one named, else the active form's or text editor's, else the only one open
  const active = args.report ? undefined : activeOrOnlyReport();
  let reportUri = args.report ?? active?.uri;
  if (!reportUri) {
    const reports = await vscode.workspace.findFiles(filesGlob(), '{**/node_modules/**,**/.git/**}', 200);
    const pick = await vscode.window.showQuickPick(
      reports.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { title: 'Add evidence to which report?' },
    );
    if (!pick) return undefined;
    reportUri = pick.uri;
  }
  // which files
  let files = args.files;
  if (!files?.length) {
    files = await vscode.window.showOpenDialog({ canSelectMany: true, title: 'Add Evidence File…', openLabel: 'Add as evidence' });
    if (!files?.length) return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(reportUri);
  const reportDir = path.dirname(reportUri.fsPath);
  const config = await store.config(reportUri);
  const evidenceDir = path.resolve(reportDir, config.evidenceRoot);
  const folder = vscode.workspace.getWorkspaceFolder(reportUri);
  if (folder && !e.isInside(folder.uri.fsPath, evidenceDir)) {
    void vscode.window.showErrorMessage(`The evidence folder ${evidenceDir} is outside the workspace; check privacyAudit.evidenceFolder.`);
    return undefined;
  }
  const report = store.report(doc);
  let n = e.nextIdNumber(report, 'evidence');
  const records: { id: string; file: string; sha256: string; captured?: string }[] = [];
  for (const f of files) {
    const source = f.fsPath;
    const stat = await fsp.stat(source);
    if (!stat.isFile()) continue;
    let dest = source;
    if (!e.isInside(evidenceDir, source)) {
      await fsp.mkdir(evidenceDir, { recursive: true });
      dest = await freeName(evidenceDir, path.basename(source), source);
      if (dest !== source) await fsp.copyFile(source, dest);
    }
    const sha256 = await e.nodeEvidenceFs.sha256(dest);
    records.push({ id: `E${n++}`, file: path.relative(reportDir, dest).split(path.sep).join('/'), sha256, captured: new Date(stat.mtimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z') });
  }
  if (!records.length) return undefined;
  const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const block = e.evidenceBlock(records, eol);
  // after the last evidence block, or at the end of the report
  const lastBlock = [...report.blocks].reverse().find((bl) => bl.kind === 'evidence' && bl.closeLine >= 0);
  const edit = new vscode.WorkspaceEdit();
  if (lastBlock) edit.insert(doc.uri, new vscode.Position(lastBlock.closeLine + 1, 0), `${eol}${block}`);
  else {
    const end = doc.lineAt(doc.lineCount - 1);
    edit.insert(doc.uri, end.range.end, `${end.text.trim() ? eol + eol : doc.lineCount > 1 ? eol : ''}${block}`);
  }
  await vscode.workspace.applyEdit(edit);
  // from a text editor, show the report; from the structured editor, stay in it
  if (active?.in === 'text') await vscode.window.showTextDocument(doc);
  return records.map((r) => r.id);
}

/** `name` in `dir`, or `name-1`, `name-2`, … when a different file already has that name; the existing path when it is the same file. */
async function freeName(dir: string, name: string, source: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = path.join(dir, i ? `${stem}-${i}${ext}` : name);
    try {
      const st = await fsp.stat(candidate);
      const src = await fsp.stat(source);
      if (st.ino === src.ino && st.dev === src.dev) return candidate;
    } catch {
      return candidate;
    }
  }
}
