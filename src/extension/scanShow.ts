/**
 * *Show in Capture* for a match of the Capture Scan view.
 *
 * - HAR (`entry=N`): the HAR opens in a text editor with the entry's
 *   request (or response, for a value seen there) selected. Where entry N
 *   is, is found by a worker (src/node/capture/worker.ts, `locate`) that
 *   reads the file only up to that entry, so a large HAR never blocks the
 *   extension host.
 * - pcap, pcapng (`frame=N`): a read-only document (scheme
 *   `privacy-audit-frame`) with tshark's full dissection of that frame
 *   (`tshark -r FILE -Y frame.number==N -V -x -n`, with the key log when one
 *   is set), made by a child process.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EntryPlace, TextPlace } from '../node/capture/worker';
import { WorkerRun, type ScanRun } from './scanRunner';
import type { ScanNode } from './scanView';

export const FRAME_SCHEME = 'privacy-audit-frame';

interface FrameQuery {
  file: string;
  frame: number;
  keylog?: string;
}

/** The file a capture result names (its path is relative to the report). */
export function captureFile(run: Pick<ScanRun, 'report'>, capturePath: string): vscode.Uri {
  return vscode.Uri.file(path.resolve(path.dirname(run.report.fsPath), capturePath));
}

/** The virtual document of one frame of a pcap. */
export function frameUri(file: string, frame: number, keylog?: string): vscode.Uri {
  const q: FrameQuery = { file, frame, ...(keylog ? { keylog } : {}) };
  return vscode.Uri.from({ scheme: FRAME_SCHEME, path: `/${path.basename(file)} frame ${frame}.txt`, query: JSON.stringify(q) });
}

/** The TLS key log the `keylogFile` setting names for a report (relative to its workspace folder), if any. */
export function keylogFor(report: vscode.Uri): string | undefined {
  const setting = vscode.workspace.getConfiguration('privacyAudit', report).get<string>('keylogFile');
  if (!setting) return undefined;
  return path.resolve(vscode.workspace.getWorkspaceFolder(report)?.uri.fsPath ?? path.dirname(report.fsPath), setting);
}

export async function showInCapture(workerScript: string, run: ScanRun, node: Extract<ScanNode, { kind: 'match' }>, keylog: string | undefined): Promise<void> {
  const file = captureFile(run, node.cap.path);
  const m = /^(entry|frame)=(\d+)$/.exec(node.match.locator);
  if (!m) return;
  const n = Number(m[2]);
  if (m[1] === 'frame') {
    const doc = await vscode.workspace.openTextDocument(frameUri(file.fsPath, n, keylog));
    await vscode.window.showTextDocument(doc, { preview: true });
    return;
  }
  const place = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Finding entry ${n} in ${path.basename(file.fsPath)}` }, () => locate(workerScript, file.fsPath, n));
  if (typeof place === 'string') {
    void vscode.window.showWarningMessage(`Privacy Audit: ${path.basename(file.fsPath)}: ${place}`);
    return;
  }
  const part = (node.match.direction === 'response' ? place.response : place.request) ?? place.entry;
  const pos = (p: TextPlace) => new vscode.Position(p.line, p.character);
  // vscode.open also opens files too large to be synchronised to extensions
  await vscode.commands.executeCommand('vscode.open', file, { selection: new vscode.Range(pos(part.start), pos(part.end)), preview: true } satisfies vscode.TextDocumentShowOptions);
}

/** Where entry `n` is, or why it cannot be shown (also go to definition on a locator, features.ts). */
export async function locate(workerScript: string, file: string, n: number): Promise<EntryPlace | string> {
  const final = await new WorkerRun(workerScript, { type: 'locate', file, entry: n }).done;
  if (final.type === 'located') return final.place;
  return final.type === 'error' ? final.message : 'cancelled';
}

/** tshark's dissection of one frame, as a read-only document. */
export class FrameDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly tsharkPath: () => string | undefined) {}

  provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    let q: FrameQuery;
    try {
      q = JSON.parse(uri.query) as FrameQuery;
    } catch {
      return Promise.resolve('This link to a frame is not valid.');
    }
    const tshark = this.tsharkPath() ?? 'tshark';
    const args = ['-r', q.file, '-Y', `frame.number==${Math.trunc(q.frame)}`, '-V', '-x', '-n'];
    if (q.keylog) args.push('-o', `tls.keylog_file:${q.keylog}`);
    return new Promise((resolve) => {
      const child = execFile(tshark, args, { timeout: 120_000, maxBuffer: 64 << 20, windowsHide: true }, (err, stdout, stderr) => {
        const head = `# Frame ${q.frame} of ${q.file}\n# tshark ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n\n`;
        if (err && !stdout) {
          const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
          resolve(head + (missing ? `tshark was not found (${tshark}). Install Wireshark's tshark (Debian/Ubuntu: sudo apt-get install tshark; macOS: brew install wireshark; Windows: the Wireshark installer with TShark ticked), or set privacyAudit.tsharkPath.\n` : `tshark failed: ${String(stderr || err.message).trim()}\n`));
          return;
        }
        resolve(head + (stdout || `No frame ${q.frame} in this capture (it changed since the scan?).\n`));
      });
      token.onCancellationRequested(() => child.kill());
    });
  }
}
