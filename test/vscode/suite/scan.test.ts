/**
 * *Privacy Audit: Scan Captures* inside VS Code: a HAR scanned from the
 * Explorer against the report picked in the quick pick, the Capture Scan
 * view's hosts and matches, *Add as Flow* from the view (one undoable edit),
 * *Show in Capture* for a HAR entry and a pcap frame, and a cancelled scan
 * that leaves no result and no tshark or ripgrep process behind.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ScanApi } from '../../../src/extension/scan';
import type { ScanNode } from '../../../src/extension/scanView';
import { closeAllEditors, openText, workspaceUri } from './util';

interface Api {
  scan: ScanApi;
  lint(doc: vscode.TextDocument): Promise<unknown>;
  setPromptHooks(hooks: { pick?(title: string, items: readonly vscode.QuickPickItem[]): string | undefined; openFiles?(title: string): vscode.Uri[] | undefined } | undefined): void;
}

const api = () => vscode.extensions.getExtension<Api>('privacy-audit.privacy-audit')!.exports;

const DIR = 'scan-tests';
const REPORT = `${DIR}/scan.audit.md`;
const HAR = `${DIR}/capture.har`;
const BIG = `${DIR}/big.pcap`;
const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';
const IMEI = '356721094823151';

/** The fixture (see test/vscode/fixtures/scan/README.md), from the repository (this file runs from out/test/suite/). */
const fixture = (name: string) => fsp.readFile(path.resolve(__dirname, '..', '..', '..', 'test', 'vscode', 'fixtures', 'scan', name), 'utf8');
let HAR_TEXT = '';

/** A pcap of `frames` UDP datagrams (big enough that tshark reads it for seconds). */
function bigPcap(frames: number): Buffer {
  const payload = Buffer.from('GET /ping?seq=000000 HTTP/1.1\r\nHost: push.example.test\r\n\r\n');
  const rec = 16 + 14 + 20 + 8 + payload.length;
  const out = Buffer.alloc(24 + frames * rec);
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(65535, 16);
  out.writeUInt32LE(1, 20); // Ethernet
  for (let i = 0; i < frames; i++) {
    let o = 24 + i * rec;
    out.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), o);
    out.writeUInt32LE((i % 1000) * 1000, o + 4);
    out.writeUInt32LE(rec - 16, o + 8);
    out.writeUInt32LE(rec - 16, o + 12);
    o += 16;
    out.writeUInt16BE(0x0800, o + 12);
    o += 14;
    out[o] = 0x45;
    out.writeUInt16BE(28 + payload.length, o + 2);
    out[o + 8] = 64;
    out[o + 9] = 17;
    out.writeUInt32BE(0x0a000002, o + 12);
    out.writeUInt32BE(0xc0000209, o + 16);
    o += 20;
    out.writeUInt16BE(40_000 + (i % 1000), o);
    out.writeUInt16BE(9999, o + 2);
    out.writeUInt16BE(8 + payload.length, o + 4);
    payload.copy(out, o + 8);
  }
  return out;
}

/** ripgrep and tshark processes this extension host started (the scan's worker is a thread of it). */
function ourChildren(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim();
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /\s(rg|tshark|dumpcap)$/.test(l));
}

async function poll<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const children = (node?: ScanNode) => api().scan.children(node);
const item = (node: ScanNode) => api().scan.treeItem(node);
const label = (node: ScanNode) => String(item(node).label);

function hostNode(captureName: string, host: string): Extract<ScanNode, { kind: 'host' }> {
  const cap = children().find((n) => n.kind === 'capture' && label(n) === captureName);
  assert.ok(cap, `the view lists ${captureName}: ${children().map(label).join(', ')}`);
  const h = children(cap).find((n) => n.kind === 'host' && n.host === host);
  assert.ok(h && h.kind === 'host', `${captureName} lists ${host}: ${children(cap).map(label).join(', ')}`);
  return h;
}

suite('capture scan', () => {
  let asked: { title: string; items: string[] }[] = [];

  suiteSetup(async () => {
    HAR_TEXT = await fixture('capture.har');
    await fsp.mkdir(workspaceUri(DIR).fsPath, { recursive: true });
    await fsp.writeFile(workspaceUri(REPORT).fsPath, await fixture('scan.audit.md'));
    await fsp.writeFile(workspaceUri(HAR).fsPath, HAR_TEXT);
  });
  setup(() => {
    asked = [];
    api().setPromptHooks({
      pick: (title, items) => {
        asked.push({ title, items: items.map((i) => i.label) });
        return 'scan.audit.md';
      },
    });
  });
  teardown(async () => {
    api().setPromptHooks(undefined);
    await closeAllEditors();
  });
  suiteTeardown(async () => {
    await fsp.rm(workspaceUri(DIR).fsPath, { recursive: true, force: true });
  });

  test('a HAR scanned from the Explorer: the report is picked, the view lists hosts and matches', async function () {
    this.timeout(60_000);
    const har = workspaceUri(HAR);
    const run = await vscode.commands.executeCommand<{ result: { captures: { matches: { locator: string; direction: string; host?: string; category: string; transforms: string[] }[]; error?: string }[] } } | undefined>('privacyAudit.scanCaptures', har, [har]);
    assert.equal(asked.length, 1, 'the report was asked for in a quick pick');
    assert.match(asked[0]!.title, /capture\.har/);
    assert.ok(asked[0]!.items.includes('scan.audit.md') && asked[0]!.items.includes('redmi-1s.audit.md'), `the workspace's reports are offered: ${asked[0]!.items.join(', ')}`);
    assert.ok(run, 'the command resolves to the scan');
    assert.equal(api().scan.lastScan, run, 'the API has it as the last scan');
    const cap = run.result.captures[0]!;
    assert.equal(cap.error, undefined);
    assert.deepEqual(
      cap.matches.map((m) => `${m.locator} ${m.direction} ${m.host} ${m.category} ${m.transforms.join('>')}`).sort(),
      ['entry=1 request api.known.test IMEI plain', 'entry=2 request sdk.tracker.test IMEI json>base64>json', 'entry=3 response cdn.other.test email plain'].sort(),
    );
    assert.ok(!JSON.stringify(run.result).includes(IMEI), 'no canary value in the result');

    // the view: the host F1 records, the new host, and the host that only answered
    const known = hostNode('capture.har', 'api.known.test');
    const tracker = hostNode('capture.har', 'sdk.tracker.test');
    const other = hostNode('capture.har', 'cdn.other.test');
    await poll('the hosts’ states', () => item(known).contextValue === 'scanHostRecorded' && item(tracker).contextValue === 'scanHostAddable');
    assert.match(String(item(known).description), /^F1 · /);
    assert.equal(item(tracker).description, 'documentation address · 198.51.100.7:443');
    assert.equal(item(other).contextValue, 'scanHostReceived');
    assert.match(String(item(other).description), /^only in responses/);
    const [m] = children(tracker);
    assert.ok(m && m.kind === 'match');
    assert.equal(label(m), 'IMEI (D1)');
    assert.equal(item(m).description, 'entry=2 · body imei · json → base64 → json · TLS');
  });

  test('Add as Flow from the view writes the flow and the evidence in one edit; undo removes it exactly', async function () {
    this.timeout(60_000);
    const har = workspaceUri(HAR);
    await vscode.commands.executeCommand('privacyAudit.scanCaptures', har, [har]);
    const editor = await openText(REPORT);
    const before = editor.document.getText();
    const tracker = hostNode('capture.har', 'sdk.tracker.test');
    await poll('sdk.tracker.test can be added', () => item(tracker).contextValue === 'scanHostAddable');
    // the inline action passes the node, as VS Code does
    const added = await vscode.commands.executeCommand<string[]>('privacyAudit.scanAddFlow', tracker);
    assert.equal(added.length, 2, `an evidence record and a flow: ${added.join('; ')}`);
    const after = editor.document.getText();
    assert.match(after, /- id: F2\n {2}from: D1\n {2}to: sdk\.tracker\.test\n/);
    assert.match(after, /file: capture\.har\n/);
    assert.match(after, /evidence: \[E1#entry=2\]/);
    assert.ok(!after.includes('cdn.other.test'), 'a host that only answered gets no flow');
    // only additions: every line of the report is still there, in order
    const kept = before.split('\n');
    let at = 0;
    for (const line of after.split('\n')) if (line === kept[at]) at++;
    assert.equal(at, kept.length, 'no line of the report was changed or removed');
    await poll('the host shows as recorded', () => item(hostNode('capture.har', 'sdk.tracker.test')).contextValue === 'scanHostRecorded');
    assert.match(String(item(hostNode('capture.har', 'sdk.tracker.test')).description), /^F2 · /);
    // a second Add adds nothing
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('privacyAudit.scanAddAll'), []);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before, 'one undo restores the report exactly');
    await poll('the host can be added again', () => item(hostNode('capture.har', 'sdk.tracker.test')).contextValue === 'scanHostAddable');
  });

  test('Show in Capture opens the HAR with the request of the entry selected', async function () {
    this.timeout(60_000);
    const har = workspaceUri(HAR);
    await vscode.commands.executeCommand('privacyAudit.scanCaptures', har, [har]);
    const [m] = children(hostNode('capture.har', 'sdk.tracker.test'));
    assert.ok(m);
    const cmd = item(m).command;
    assert.equal(cmd?.command, 'privacyAudit.scanShowInCapture');
    await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
    const ed = await poll('the HAR in the active editor', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/capture.har') && vscode.window.activeTextEditor);
    const selected = ed.document.getText(ed.selection);
    const request = JSON.stringify(JSON.parse(HAR_TEXT).log.entries[1].request, null, 2).split('\n').join(`\n${' '.repeat(8)}`);
    assert.equal(selected, request, 'the selection is exactly the request of entry 2');
  });

  test('the active report’s captures from the palette; Show in Capture on a pcap frame shows tshark’s dissection', async function () {
    this.timeout(90_000);
    await openText(EXAMPLE);
    const run = await vscode.commands.executeCommand<{ result: { captures: { path: string; format?: string; matches: { locator: string }[] }[] } } | undefined>('privacyAudit.scanCaptures');
    assert.equal(asked.length, 0, 'the active report is used without asking');
    assert.ok(run);
    const pcap = run.result.captures.find((c) => c.format === 'pcapng' && c.matches.length);
    assert.ok(pcap, `a pcapng with matches: ${run.result.captures.map((c) => `${c.path} ${c.matches.length}`).join(', ')}`);
    const capNode = children().find((n) => n.kind === 'capture' && n.cap.path === pcap.path)!;
    const hostN = children(capNode).find((n) => n.kind === 'host')!;
    const m = children(hostN).find((n) => n.kind === 'match')!;
    assert.ok(m.kind === 'match');
    const frame = /^frame=(\d+)$/.exec(m.match.locator)?.[1];
    assert.ok(frame, m.match.locator);
    const cmd = item(m).command!;
    await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
    const ed = await poll('the frame document', () => vscode.window.activeTextEditor?.document.uri.scheme === 'privacy-audit-frame' && vscode.window.activeTextEditor, 30_000);
    const text = ed.document.getText();
    assert.match(text, new RegExp(`^Frame ${frame}: `, 'm'), text.slice(0, 400));
    assert.match(text, /Hypertext Transfer Protocol|Transmission Control Protocol/);
  });

  test('from the palette, a report that cites no capture: the captures are chosen in the open dialog', async function () {
    this.timeout(60_000);
    const titles: string[] = [];
    api().setPromptHooks({
      openFiles: (title) => {
        titles.push(title);
        return [workspaceUri(HAR)];
      },
    });
    await openText(REPORT);
    const run = await vscode.commands.executeCommand<{ report: vscode.Uri; result: { captures: { path: string; matches: unknown[] }[] } } | undefined>('privacyAudit.scanCaptures');
    assert.deepEqual(titles, ['Choose the captures to scan (HAR, pcap, pcapng)']);
    assert.equal(run?.report.toString(), workspaceUri(REPORT).toString());
    assert.deepEqual(run.result.captures.map((c) => `${c.path} ${c.matches.length}`), ['capture.har 3']);
  });

  test('from the form’s title bar (the report’s Uri): the report’s own captures, nothing asked', async function () {
    this.timeout(60_000);
    const report = workspaceUri(EXAMPLE);
    await vscode.commands.executeCommand('vscode.openWith', report, 'privacyAudit.editor');
    const run = await vscode.commands.executeCommand<{ report: vscode.Uri; result: { captures: { path: string }[] } } | undefined>('privacyAudit.scanCaptures', report);
    assert.equal(asked.length, 0);
    assert.equal(run?.report.toString(), report.toString());
    assert.deepEqual(
      run.result.captures.map((c) => c.path),
      ['evidence/capture-2014-08-06-no-signin.pcapng', 'evidence/capture-2014-08-06-micloud-signin.recorded.har', 'evidence/retest-2014-08-14.pcapng'],
      'the captures the report cites, in its order',
    );
  });

  test('TLS without keys is a warning row; the keylogFile setting decrypts it; a wrong tsharkPath is said per capture', async function () {
    this.timeout(90_000);
    const repo = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'captures', 'pcap');
    await fsp.copyFile(path.join(repo, 'tls-keylog.pcap'), workspaceUri(`${DIR}/tls.pcap`).fsPath);
    await fsp.copyFile(path.join(repo, 'tls-keylog.keys.log'), workspaceUri(`${DIR}/tls.keys.log`).fsPath);
    const config = vscode.workspace.getConfiguration('privacyAudit');
    const pcap = workspaceUri(`${DIR}/tls.pcap`);
    type Run = { result: { captures: { matches: { locator: string; category: string; tls: boolean; host?: string }[]; undecrypted: number; error?: string }[] } } | undefined;
    try {
      const without = await vscode.commands.executeCommand<Run>('privacyAudit.scanCaptures', pcap, [pcap]);
      const cap = without!.result.captures[0]!;
      assert.equal(cap.matches.length, 0);
      assert.ok(cap.undecrypted >= 1, `streams not decrypted: ${cap.undecrypted}`);
      const rows = children(children()[0]).map(label);
      assert.ok(rows.includes(`${cap.undecrypted} TLS stream${cap.undecrypted === 1 ? '' : 's'} not decrypted: not searched`), rows.join('\n'));
      assert.ok(rows.includes('Nothing found in what could be read'), rows.join('\n'));

      await config.update('keylogFile', `${DIR}/tls.keys.log`, vscode.ConfigurationTarget.Workspace);
      const withKeys = await vscode.commands.executeCommand<Run>('privacyAudit.scanAgain');
      assert.deepEqual(
        withKeys!.result.captures[0]!.matches.map((m) => `${m.locator} ${m.category} ${m.host} ${m.tls}`),
        ['frame=9 IMEI api.example.test true'],
      );

      await config.update('tsharkPath', '/nonexistent/tshark', vscode.ConfigurationTarget.Workspace);
      const missing = await vscode.commands.executeCommand<Run>('privacyAudit.scanAgain');
      assert.match(missing!.result.captures[0]!.error ?? '', /tshark .*was not found \(not at \/nonexistent\/tshark\).*apt-get install tshark/);
      assert.equal(item(children(children()[0])[0]!).iconPath instanceof vscode.ThemeIcon && (item(children(children()[0])[0]!).iconPath as vscode.ThemeIcon).id, 'error');
    } finally {
      await config.update('keylogFile', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('tsharkPath', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('a 55 MB HAR is scanned without blocking the extension host', async function () {
    this.timeout(180_000);
    // 60 000 entries of 1 kB; the IMEI in every 10 000th request
    const filler = 'x'.repeat(700);
    const parts: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const q = i % 10_000 === 5 ? `imei=${IMEI}` : `n=${i}`;
      parts.push(`{"startedDateTime":"2026-12-05T10:00:00.000Z","request":{"method":"POST","url":"http://bulk${i % 7}.test/p?${q}","headers":[],"postData":{"mimeType":"text/plain","text":"${filler}"}},"response":{"status":200,"content":{"text":"ok"}}}`);
    }
    const file = workspaceUri(`${DIR}/bulk.har`);
    await fsp.writeFile(file.fsPath, `{"log":{"version":"1.2","entries":[\n${parts.join(',\n')}\n]}}`);
    const size = (await fsp.stat(file.fsPath)).size;
    assert.ok(size > 55e6, `${size} bytes`);
    // the report open and linted first, as when an analyst scans: the first report a window opens loads the
    // extension's core (dist/engine.js) on this thread once, which is not the scan's doing
    await api().lint(await vscode.workspace.openTextDocument(workspaceUri(REPORT)));
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const started = Date.now();
    const run = await vscode.commands.executeCommand<{ result: { captures: { matches: { locator: string; direction: string }[]; engine?: string }[] } } | undefined>('privacyAudit.scanCaptures', file, [file]);
    const ms = Date.now() - started;
    lag.disable();
    const sent = run!.result.captures[0]!.matches.filter((m) => m.direction === 'request').map((m) => m.locator);
    assert.deepEqual(sent, ['entry=6', 'entry=10006', 'entry=20006', 'entry=30006', 'entry=40006', 'entry=50006']);
    const maxMs = lag.max / 1e6;
    console.log(`[scan test] ${(size / 1e6).toFixed(0)} MB HAR (${run!.result.captures[0]!.engine}) in ${ms} ms; extension host event loop: max delay ${maxMs.toFixed(0)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms`);
    assert.ok(maxMs < 250, `the extension host's event loop was held for ${maxMs.toFixed(0)} ms during the scan`);
  });

  test('a cancelled scan leaves the last result and no tshark or ripgrep process', async function () {
    this.timeout(120_000);
    await fsp.writeFile(workspaceUri(BIG).fsPath, bigPcap(60_000));
    const har = workspaceUri(HAR);
    const previous = await vscode.commands.executeCommand('privacyAudit.scanCaptures', har, [har]);
    assert.ok(previous);
    const big = workspaceUri(BIG);
    const ended = new Promise<unknown>((resolve) => {
      const sub = api().scan.onDidScan((r) => {
        sub.dispose();
        resolve(r);
      });
    });
    const scanning = vscode.commands.executeCommand('privacyAudit.scanCaptures', big, [big]);
    const seen = await poll('tshark started by the scan', () => ourChildren().find((l) => l.endsWith('tshark')), 30_000);
    assert.equal(asked[asked.length - 1]?.items[0], 'scan.audit.md', 'the report chosen last in this workspace is offered first');
    await api().scan.cancel();
    assert.equal(await scanning, undefined, 'the command resolves to nothing');
    assert.equal(await ended, undefined, 'onDidScan says: no result');
    assert.equal(api().scan.lastScan, previous, 'the previous result stays');
    assert.deepEqual(ourChildren(), [], `no process left (tshark was ${seen})`);
    assert.ok(children().some((n) => n.kind === 'capture' && label(n) === 'capture.har'), 'the view still shows the previous scan');
  });
});
