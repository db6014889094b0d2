/**
 * *Export to PDF* and *Export to HTML*: the same renderer as the preview,
 * printed by a local Chromium-family browser (kept warm between exports).
 * Cancellable progress; the output goes next to the report or where the
 * user says (setting); extra CSS only in trusted workspaces.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as ExportEngine from './exportEngine';
import { activeReportUri } from './active';
import type { ReportStore } from './store';

let engine: typeof ExportEngine | undefined;
const load = () => (engine ??= require('./exportEngine') as typeof ExportEngine);

export class ExportCommands implements vscode.Disposable {
  private exporter: ExportEngine.Exporter | undefined;
  private browserPath: string | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly store: ReportStore, private readonly output: vscode.LogOutputChannel) {}

  private exporterFor(browserPath: string | undefined): ExportEngine.Exporter {
    if (!this.exporter || this.browserPath !== browserPath) {
      void this.exporter?.dispose();
      this.exporter = new (load().Exporter)({
        browserPath,
        mermaidPath: vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'mermaid.min.js').fsPath,
        mediaDir: vscode.Uri.joinPath(this.extensionUri, 'media').fsPath,
        generator: `Privacy Audit ${vscode.extensions.getExtension('privacy-audit.privacy-audit')?.packageJSON.version ?? ''}`.trim(),
        host: 'vscode',
      });
      this.browserPath = browserPath;
    }
    return this.exporter;
  }

  /** Exports a report; `out` (for tests and scripts) skips the save dialog. Resolves to the written path. */
  async export(format: 'pdf' | 'html', uri?: vscode.Uri, out?: vscode.Uri): Promise<string | undefined> {
    // the explorer's file, else the active report (structured or text editor)
    const target = uri ?? activeReportUri();
    if (!target || target.scheme !== 'file') {
      void vscode.window.showInformationMessage('Open or select a *.audit.md report on disk to export it.');
      return undefined;
    }
    const settings = vscode.workspace.getConfiguration('privacyAudit.export', target);
    const trusted = vscode.workspace.isTrusted;
    const doc = await vscode.workspace.openTextDocument(target);
    const e = load();
    // beside the report, its name masked: a report named after the IMEI does not put it on the PDF's name
    let dest = out?.fsPath ?? e.defaultExportPath(target.fsPath, doc.getText(), format);
    if (!out && settings.get<string>('location', 'beside') === 'ask') {
      const picked = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(dest), filters: format === 'pdf' ? { PDF: ['pdf'] } : { HTML: ['html'] }, title: `Export to ${format.toUpperCase()}` });
      if (!picked) return undefined;
      dest = picked.fsPath;
    }
    // settings that name programs or style sheets count only in a trusted workspace
    const browserPath = trusted ? settings.get<string>('browserPath') || undefined : undefined;
    let extraCss: string | undefined;
    const cssFile = trusted ? settings.get<string>('extraCss') : undefined;
    if (cssFile) {
      const folder = vscode.workspace.getWorkspaceFolder(target)?.uri ?? vscode.Uri.file(path.dirname(target.fsPath));
      const cssUri = path.isAbsolute(cssFile) ? vscode.Uri.file(cssFile) : vscode.Uri.joinPath(folder, cssFile);
      try {
        extraCss = new TextDecoder().decode(await vscode.workspace.fs.readFile(cssUri));
      } catch (err) {
        void vscode.window.showWarningMessage(`Privacy Audit: cannot read the extra CSS ${cssUri.fsPath}: ${(err as Error).message}`);
      }
    }
    const folder = vscode.workspace.getWorkspaceFolder(target);
    const config = await this.store.config(target);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Exporting ${path.basename(target.fsPath)} to ${format.toUpperCase()}`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return this.exporterFor(browserPath).export({
            text: doc.getText(),
            filePath: target.fsPath,
            root: folder?.uri.fsPath,
            config,
            [format]: dest,
            paper: settings.get<'a4' | 'letter'>('paper', 'a4'),
            extraCss,
            signal: abort.signal,
            onProgress: (_stage, message) => progress.report({ message }),
          });
        },
      );
      this.output.info(`Exported ${target.fsPath} → ${dest} in ${Math.round(result.timings.total)} ms`);
      const detail = result.pdf ? `${result.pdf.pages} page${result.pdf.pages === 1 ? '' : 's'}` : 'one self-contained file';
      const notice = result.errors ? ` The report has ${result.errors} lint error${result.errors === 1 ? '' : 's'}; the document says so.` : '';
      void offerExport(vscode.Uri.file(dest), `Exported ${path.basename(dest)} (${detail}).${notice}`);
      return dest;
    } catch (err) {
      if (err instanceof e.ExportCancelledError) return undefined;
      this.output.error(`Export of ${target.fsPath} failed: ${(err as Error).stack ?? String(err)}`);
      void vscode.window.showErrorMessage(`Privacy Audit: ${(err as Error).message}`);
      return undefined;
    }
  }

  dispose(): void {
    void this.exporter?.dispose();
  }
}

/**
 * The notice after an export, with what can be done with the file where the
 * user is: on a desktop with the files on this machine, open it with the
 * system's viewer or show it in its folder; in a browser (code-server,
 * vscode.dev-like remotes) or a remote window, where no viewer of this
 * machine can be reached, download it to the user's browser or show it in
 * the Explorer.
 */
export async function offerExport(file: vscode.Uri, message: string): Promise<void> {
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName;
  if (local) {
    const a = await vscode.window.showInformationMessage(message, 'Open', 'Show in Folder');
    if (a === 'Open') await vscode.env.openExternal(file);
    else if (a === 'Show in Folder') await vscode.commands.executeCommand('revealFileInOS', file);
    return;
  }
  const inWorkspace = !!vscode.workspace.getWorkspaceFolder(file);
  if (!inWorkspace) {
    void vscode.window.showInformationMessage(`${message} It was written to ${file.fsPath}, outside the workspace: export into the workspace to download it from here.`);
    return;
  }
  const a = await vscode.window.showInformationMessage(message, 'Download', 'Show in Explorer');
  if (!a) return;
  // the Explorer downloads what it has selected: select the file first
  await vscode.commands.executeCommand('revealInExplorer', file);
  if (a === 'Download') await vscode.commands.executeCommand('explorer.download');
}
