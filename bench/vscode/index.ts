/**
 * Benchmark module run inside VS Code's extension host (not a test): prints
 * the extension's activation time and, on a generated 30,000-line report, the
 * time from a keystroke to updated diagnostics. Run with `npm run bench:vscode`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { generate } from '../lint-bench';

interface Api {
  onDidRenderPreview: vscode.Event<{ uri: vscode.Uri; version: number }>;
  activationMs: number;
  onDidPaintPreview: vscode.Event<{ uri: vscode.Uri; version: number; webviewMs?: number }>;
  onDidLint: vscode.Event<{ uri: vscode.Uri; version: number; result: { diagnostics: unknown[] } }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const out = (s: string) => console.log(`BENCH ${s}`);

function nextLint(api: Api, uri: vscode.Uri, version: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no lint of version ${version} within 20 s`)), 20_000);
    const sub = api.onDidLint((e) => {
      if (e.uri.toString() === uri.toString() && e.version >= version) {
        clearTimeout(timer);
        sub.dispose();
        resolve(performance.now());
      }
    });
  });
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<Api>('privacy-audit.privacy-audit');
  if (!ext) throw new Error('privacy-audit.privacy-audit is not loaded');
  const api = await ext.activate();
  out(`activation (loading extension.js + activate()): ${api.activationMs.toFixed(1)} ms   (goal < 100 ms)`);

  const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const dir = path.join(ws, 'bench');
  mkdirSync(dir, { recursive: true });
  const text = generate(dir);
  const file = path.join(dir, 'bench.audit.md');
  writeFileSync(file, text);
  const lines = text.split('\n').length;
  const uri = vscode.Uri.file(file);

  const t0 = performance.now();
  const first = nextLint(api, uri, 1);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  const t1 = await first;
  out(`report: ${lines} lines; open → first diagnostics (cold lint): ${(t1 - t0).toFixed(0)} ms`);

  const debounce = vscode.workspace.getConfiguration('privacyAudit').get<number>('lint.debounceMs', 200);
  const at = doc.getText().indexOf('id: F1000\n');
  const portAt = doc.getText().indexOf('port: 443', at) + 'port: '.length;
  const samples: number[] = [];
  for (let i = 0; i < 21; i++) {
    const start = doc.positionAt(portAt);
    const range = new vscode.Range(start, start.translate(0, 3));
    const version = doc.version + 1;
    const done = nextLint(api, uri, version);
    const k = performance.now();
    await editor.edit((b) => b.replace(range, String(400 + (i % 90))));
    samples.push((await done) - k);
  }
  const m = median(samples);
  out(`keystroke → diagnostics updated (median of ${samples.length}): ${m.toFixed(0)} ms, of which debounce ${debounce} ms; after the debounce: ${(m - debounce).toFixed(0)} ms   (goal < 150 ms)`);

  // the preview: time from an edit to the webview's paint of that version
  const webviewMs: number[] = [];
  const painted = (version: number) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no paint of version ${version} within 30 s`)), 30_000);
      const sub = api.onDidPaintPreview((e) => {
        if (e.uri.toString() === uri.toString() && e.version >= version) {
          clearTimeout(timer);
          sub.dispose();
          if (e.webviewMs !== undefined) webviewMs.push(e.webviewMs);
          resolve(performance.now());
        }
      });
    });
  const firstPaint = painted(doc.version);
  const p0 = performance.now();
  await vscode.commands.executeCommand('privacyAudit.openPreview');
  out(`preview: open → first paint ${((await firstPaint) - p0).toFixed(0)} ms`);
  const timeEdit = async (label: string, offset: () => number, texts: (i: number) => string, goal: number) => {
    const xs: number[] = [];
    const posted: number[] = [];
    const changedAfter: number[] = [];
    for (let i = 0; i < 9; i++) {
      const at = doc.positionAt(offset());
      const v = doc.version + 1;
      const done = painted(v);
      let sent = 0;
      const sub = api.onDidRenderPreview((e) => {
        if (!sent && e.version >= v) sent = performance.now();
      });
      const changed = new Promise<number>((resolve) => {
        const s = vscode.workspace.onDidChangeTextDocument((e) => {
          if (e.document === doc && e.document.version >= v) {
            s.dispose();
            resolve(performance.now());
          }
        });
      });
      const k = performance.now();
      await editor.edit((b) => b.replace(new vscode.Range(at, at.translate(0, texts(i).length)), texts(i + 1)));
      changedAfter.push((await changed) - k);
      xs.push((await done) - k);
      posted.push(sent - k);
      sub.dispose();
    }
    out(`preview: ${label} edit → paint (median of ${xs.length}): ${median(xs).toFixed(0)} ms; edit → change event ${median(changedAfter).toFixed(0)} ms, → posted ${median(posted).toFixed(0)} ms; in the webview ${median(webviewMs.splice(0)).toFixed(0)} ms   (goal < ${goal} ms)`);
  };
  // each edit replaces text of the same length, so the offsets found once stay right
  const find = (s: string, from = 0) => {
    const i = doc.getText().indexOf(s, from);
    if (i < 0) throw new Error(`the benchmark report has no "${s}"`);
    return i;
  };
  const proseAt = find('Flow 1000: the phone') + 'Flow 1000: the '.length;
  const portAt2 = find('port: ', find('id: F1000\n')) + 'port: '.length;
  await timeEdit('prose', () => proseAt, (i) => (i % 2 ? 'PHONE' : 'phone'), 300);
  await timeEdit('flow', () => portAt2, (i) => String(500 + i), 800);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
