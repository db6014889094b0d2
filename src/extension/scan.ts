/**
 * *Privacy Audit: Scan Captures*: the capture scan of `privacy-audit scan`
 * in VS Code. The scan runs in a worker thread (dist/scanWorker.js, from
 * src/node/capture/worker.ts) with progress and Cancel; its results go to
 * the **Capture Scan** view (scanView.ts), whose *Add as Flow* and *Add All*
 * write flow and evidence records as `--write` does, through one
 * WorkspaceEdit on the report (so undo works and the form sees them), and
 * whose *Show in Capture* opens the HAR entry or the pcap frame
 * (scanShow.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkerJob } from '../node/capture/worker';
import type * as ScanEngine from './scanEngine';
import { activeOrOnlyReport, openReports } from './active';
import { engine } from './lazy';
import { chooseFiles, pickOne } from './prompts';
import { WorkerRun, type ScanRun } from './scanRunner';
import { FrameDocuments, FRAME_SCHEME, keylogFor, showInCapture } from './scanShow';
import { ScanTree, type ScanNode } from './scanView';
import type { ReportStore } from './store';
import { isReportUri, toWorkspaceEdit } from './util';

let scanEngine: typeof ScanEngine | undefined;
/** The results view's part of the core (dist/scanEngine.js), loaded on first use. */
export const loadScanEngine = () => (scanEngine ??= require('./scanEngine') as typeof ScanEngine);

export const CAPTURE_FILE = /\.(har|pcap|pcapng)$/i;
const LAST_REPORT = 'privacyAudit.scan.lastReport';
const INSTALL_TSHARK = 'How to Install';

/** The scan's part of the extension's API (tests). */
export interface ScanApi {
  /** The latest finished scan; a cancelled or failed scan leaves it as it was. */
  readonly lastScan: ScanRun | undefined;
  /** Fires when a scan ends: its run, or undefined when it was cancelled or failed. */
  onDidScan: vscode.Event<ScanRun | undefined>;
  /** Cancels the running scan, as its Cancel button does; resolves when its worker has ended. */
  cancel(): Promise<void>;
  /** The results view's nodes (tests): children of a node, or the roots. */
  children(node?: ScanNode): ScanNode[];
  treeItem(node: ScanNode): vscode.TreeItem;
}

export class ScanController implements vscode.Disposable {
  private readonly tree: ScanTree;
  private readonly view: vscode.TreeView<ScanNode>;
  private readonly didScan = new vscode.EventEmitter<ScanRun | undefined>();
  private running: WorkerRun | undefined;
  private last: ScanRun | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: ReportStore,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.tree = new ScanTree(() => this.last && this.proposals(this.last));
    this.view = vscode.window.createTreeView('privacyAudit.scanResults', { treeDataProvider: this.tree, showCollapseAll: true });
    const frames = new FrameDocuments(() => this.tsharkPath());
    this.disposables.push(
      this.view,
      this.didScan,
      this.tree,
      vscode.workspace.registerTextDocumentContentProvider(FRAME_SCHEME, frames),
      vscode.commands.registerCommand('privacyAudit.scanCaptures', (uri?: vscode.Uri, uris?: vscode.Uri[]) => this.scanCommand(uri instanceof vscode.Uri ? uri : undefined, Array.isArray(uris) ? uris : undefined)),
      vscode.commands.registerCommand('privacyAudit.scanAgain', () => (this.last ? this.scan(this.last.report, this.last.captures) : this.scanCommand())),
      vscode.commands.registerCommand('privacyAudit.scanClear', () => this.setLast(undefined)),
      vscode.commands.registerCommand('privacyAudit.scanAddFlow', (node?: ScanNode) => (node?.kind === 'host' ? this.addFlows(node.host) : undefined)),
      vscode.commands.registerCommand('privacyAudit.scanAddAll', () => this.addFlows(undefined)),
      vscode.commands.registerCommand('privacyAudit.scanShowInCapture', (node?: ScanNode) => (node?.kind === 'match' && this.last ? showInCapture(this.workerScript(), this.last, node, keylogFor(this.last.report)) : undefined)),
      // an edit of the scanned report (a flow added, by us or by hand) changes what is left to add
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.last && e.document.uri.toString() === this.last.report.toString() && e.contentChanges.length) this.tree.refreshSoon();
      }),
    );
    // the view's tab shows in the panel once the extension runs (a workspace with reports, or a scan asked for)
    void vscode.commands.executeCommand('setContext', 'privacyAudit.scanView', true);
  }

  get api(): ScanApi {
    const self = this;
    return {
      get lastScan() {
        return self.last;
      },
      onDidScan: this.didScan.event,
      cancel: () => this.cancel(),
      children: (node) => this.tree.getChildren(node),
      treeItem: (node) => this.tree.getTreeItem(node),
    };
  }

  private workerScript(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'scanWorker.js').fsPath;
  }

  /** tshark's path from the settings: only in a trusted workspace (a setting that names a program). */
  private tsharkPath(): string | undefined {
    if (!vscode.workspace.isTrusted) return undefined;
    return vscode.workspace.getConfiguration('privacyAudit').get<string>('tsharkPath') || undefined;
  }

  private proposals(run: ScanRun): ScanEngine.FlowProposal[] | undefined {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.report.toString());
    if (!doc) {
      // not loaded (closed a while ago): load it, then show the hosts' state
      void vscode.workspace.openTextDocument(run.report).then(() => this.tree.refreshSoon(0), () => undefined);
      return undefined;
    }
    return loadScanEngine().proposeFlows(this.store.report(doc), run.result);
  }

  private setLast(run: ScanRun | undefined): void {
    this.last = run;
    this.tree.show(run);
    void vscode.commands.executeCommand('setContext', 'privacyAudit.hasScan', !!run);
    this.view.description = run ? vscode.workspace.asRelativePath(run.report) : undefined;
    this.view.message = run ? summary(run.result) : undefined;
  }

  /** The palette, the Explorer (a capture, or several) or the form's toolbar (a report). */
  async scanCommand(uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<ScanRun | undefined> {
    const chosen = (uris?.length ? uris : uri ? [uri] : []).filter((u) => u.scheme === 'file');
    const captures = chosen.filter((u) => CAPTURE_FILE.test(u.path));
    let report = chosen.find(isReportUri);
    if (!report && !captures.length) report = activeOrOnlyReport()?.uri;
    if (!report) report = await this.pickReport(captures);
    if (!report) return undefined;
    if (report.scheme !== 'file') {
      void vscode.window.showInformationMessage('Privacy Audit: save the report first: its captures are found relative to its folder.');
      return undefined;
    }
    if (!captures.length) {
      // the report's own captures, unless it cites none
      const doc = await vscode.workspace.openTextDocument(report);
      if (!/^\s*(?:-\s+)?kind:\s*["']?(har|pcap)\b/m.test(doc.getText())) {
        const picked = await chooseFiles('Choose the captures to scan (HAR, pcap, pcapng)', 'Scan');
        if (!picked?.length) return undefined;
        return this.scan(report, picked);
      }
    }
    return this.scan(report, captures.length ? captures : undefined);
  }

  /** Which report the captures are scanned against: asked (the last choice of this workspace first). */
  private async pickReport(captures: readonly vscode.Uri[]): Promise<vscode.Uri | undefined> {
    const glob = vscode.workspace.getConfiguration('privacyAudit').get<string>('files', '**/*.audit.md');
    const found = await vscode.workspace.findFiles(glob, '**/node_modules/**', 500);
    const all = new Map<string, vscode.Uri>();
    for (const u of [...openReports(), ...found]) if (u.scheme === 'file') all.set(u.toString(), u);
    if (all.size === 0) {
      void vscode.window.showInformationMessage('Privacy Audit: no *.audit.md report in the workspace to scan the captures against. Create one with New Audit Report.');
      return undefined;
    }
    if (all.size === 1) return [...all.values()][0];
    const lastChoice = this.context.workspaceState.get<string>(LAST_REPORT);
    const open = new Set(openReports().map((u) => u.toString()));
    const names = captures.map((c) => path.basename(c.fsPath));
    const cites = async (u: vscode.Uri) => {
      if (!names.length) return false;
      const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString())?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(u).then(undefined, () => new Uint8Array()));
      return names.some((n) => text.includes(n));
    };
    const items = await Promise.all(
      [...all.values()].map(async (u) => {
        const cited = await cites(u);
        const why = [u.toString() === lastChoice ? 'last used' : '', cited ? 'cites this capture' : '', open.has(u.toString()) ? 'open' : ''].filter(Boolean);
        return { label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(path.dirname(u.fsPath)), detail: why.join(' · ') || undefined, uri: u, rank: (u.toString() === lastChoice ? 4 : 0) + (cited ? 2 : 0) + (open.has(u.toString()) ? 1 : 0) };
      }),
    );
    items.sort((a, b) => b.rank - a.rank || a.label.localeCompare(b.label));
    const what = captures.length === 1 ? path.basename(captures[0]!.fsPath) : captures.length ? `${captures.length} captures` : 'the captures';
    const picked = await pickOne(`Scan ${what} against which report?`, items, 'The report whose devices’ identifiers are looked for');
    if (picked) await this.context.workspaceState.update(LAST_REPORT, picked.uri.toString());
    return picked?.uri;
  }

  /** Scans `captures` (undefined: those the report cites) against the report; resolves to the run, or undefined when cancelled or failed. */
  async scan(report: vscode.Uri, captures?: vscode.Uri[]): Promise<ScanRun | undefined> {
    await this.cancel();
    const doc = await vscode.workspace.openTextDocument(report);
    const folder = vscode.workspace.getWorkspaceFolder(report)?.uri.fsPath ?? path.dirname(report.fsPath);
    const job: WorkerJob = {
      type: 'scan',
      reportText: doc.getText(),
      reportPath: report.fsPath,
      captures: captures?.map((c) => c.fsPath),
      root: folder,
      keylog: keylogFor(report),
      tshark: this.tsharkPath(),
      vscodeAppRoot: vscode.env.appRoot,
      config: await this.store.config(report),
    };
    const started = Date.now();
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Scanning the captures of ${path.basename(report.fsPath)}`, cancellable: true },
      async (progress, token) => {
        const run = new WorkerRun(this.workerScript(), job, (m) => {
          if (m.type !== 'progress') return;
          const amount = m.total ? `${Math.floor((100 * m.done) / m.total)}%` : `${m.done.toLocaleString('en')} frames`;
          progress.report({ message: `${m.capture}: ${amount}` });
        });
        this.running = run;
        token.onCancellationRequested(() => void this.cancel());
        const final = await run.done;
        if (this.running === run) this.running = undefined;
        return final;
      },
    );
    if (outcome.type !== 'result') {
      if (outcome.type === 'error') {
        this.output.error(`Scan of ${report.fsPath} failed: ${outcome.message}`);
        void vscode.window.showErrorMessage(`Privacy Audit: the scan failed: ${outcome.message}`);
      } else this.output.info(`Scan of ${report.fsPath} cancelled.`);
      this.didScan.fire(undefined);
      return undefined;
    }
    const run: ScanRun = { report, result: outcome.result, captures, finished: new Date() };
    this.output.info(`Scanned ${outcome.result.captures.length} capture(s) for ${report.fsPath} in ${Date.now() - started} ms: ${summary(outcome.result)}`);
    this.setLast(run);
    this.didScan.fire(run);
    if (!this.view.visible) void vscode.commands.executeCommand('privacyAudit.scanResults.focus');
    void this.tellErrors(run);
    return run;
  }

  /** Each capture that could not be read, said once; a missing tshark with how to install it. */
  private async tellErrors(run: ScanRun): Promise<void> {
    for (const cap of run.result.captures) {
      if (!cap.error) continue;
      if (/tshark.*not found/i.test(cap.error)) {
        const a = await vscode.window.showErrorMessage(`Privacy Audit: ${cap.path}: ${cap.error}`, INSTALL_TSHARK);
        if (a === INSTALL_TSHARK) await openInstallHelp(this.context.extensionUri);
      } else void vscode.window.showWarningMessage(`Privacy Audit: ${cap.path}: ${cap.error}`);
    }
  }

  /** Resolves when no scan runs any more. */
  async cancel(): Promise<void> {
    await this.running?.cancel();
  }

  /**
   * Writes the flows of one host (`host`), or of every host, into the
   * report as one edit; evidence records first for captures the report does
   * not cite yet. Resolves to the records added.
   */
  async addFlows(host: string | undefined): Promise<string[]> {
    const run = this.last;
    if (!run) return [];
    const doc = await vscode.workspace.openTextDocument(run.report);
    const key = host?.toLowerCase();
    const e = loadScanEngine().scanEdits(doc.getText(), (t) => engine().parseReport(t), run.result, key === undefined ? undefined : (f) => f.host.toLowerCase() === key);
    for (const err of e.errors) this.output.error(`Add as flow: ${err}`);
    if (!e.edits.length) {
      void vscode.window.showInformationMessage(`Privacy Audit: nothing to add: ${e.kept.length ? e.kept.join('; ') : 'no value was found sent'}.`);
      return [];
    }
    if (!(await vscode.workspace.applyEdit(toWorkspaceEdit(doc, e.edits)))) {
      void vscode.window.showErrorMessage('Privacy Audit: the report could not be edited.');
      return [];
    }
    this.tree.refreshSoon(0);
    // an edit nobody sees is easily lost: the report opens (in its default editor) when no tab shows it
    if (!openReports().some((u) => u.toString() === run.report.toString())) await vscode.commands.executeCommand('vscode.open', run.report, { preserveFocus: true, preview: false });
    // the first record added, in view in any text editor of the report
    const first = e.edits[0]!;
    const shown = new vscode.Range(doc.positionAt(first.span.start), doc.positionAt(first.span.start + first.newText.length));
    for (const ed of vscode.window.visibleTextEditors) if (ed.document === doc) ed.revealRange(shown, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    void vscode.window.showInformationMessage(`Privacy Audit: added ${e.added.join('; ')}.`);
    return e.added;
  }

  dispose(): void {
    void this.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

/** "5 sent to 2 hosts · 1 host not yet a flow · 3 TLS streams not read" */
export function summary(result: ScanEngine.ScanResult): string {
  const sent = result.captures.flatMap((c) => c.matches.filter((m) => m.direction === 'request'));
  const hosts = new Set(sent.map((m) => (m.host ?? m.address ?? '').toLowerCase()));
  const undecrypted = result.captures.reduce((n, c) => n + c.undecrypted, 0);
  const failed = result.captures.filter((c) => c.error).length;
  const parts = [sent.length ? `${sent.length} value${sent.length === 1 ? '' : 's'} sent to ${hosts.size} host${hosts.size === 1 ? '' : 's'}` : 'no value found sent'];
  parts.push(`${result.captures.length} capture${result.captures.length === 1 ? '' : 's'}`);
  if (undecrypted) parts.push(`${undecrypted} TLS stream${undecrypted === 1 ? '' : 's'} not decrypted`);
  if (failed) parts.push(`${failed} not read`);
  return parts.join(' · ');
}

/** The install help for tshark: the user guide shipped with the extension, else Wireshark's download page. */
async function openInstallHelp(extensionUri: vscode.Uri): Promise<void> {
  const guide = vscode.Uri.joinPath(extensionUri, 'docs', 'scan.md');
  try {
    await vscode.workspace.fs.stat(guide);
    await vscode.commands.executeCommand('markdown.showPreview', guide.with({ fragment: 'pcap-and-pcapng' }));
  } catch {
    await vscode.env.openExternal(vscode.Uri.parse('https://www.wireshark.org/download.html'));
  }
}

/** Registers the scan's commands, view and frame documents; returns the test API's part. */
export function registerScan(context: vscode.ExtensionContext, store: ReportStore, output: vscode.LogOutputChannel): ScanApi {
  const controller = new ScanController(context, store, output);
  context.subscriptions.push(controller);
  return controller.api;
}
