/**
 * The claims in the editor (issue 14, part 2), through VS Code's own command
 * API on the bundled example, whose captures the linter scans: the hover on
 * a locator shows the request with the host and masked markers and never a
 * value; go to definition on a locator opens the HAR entry or the pcap
 * frame (on the id, the evidence record); completion after `E3#` offers the
 * entries carrying the flow's data; and PA053's quick fix brings back the
 * flow a copy of the example lost. Every wait is on an event or a poll.
 */
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { closeAllEditors, openText, ours, ruleOf, waitForDiagnostics, workspaceUri } from './util';

const EXAMPLE_DIR = 'examples/xiaomi-redmi-1s';
const EXAMPLE = `${EXAMPLE_DIR}/redmi-1s.audit.md`;
/** A copy of the example this suite may edit (removed at the end). */
const COPY_DIR = 'claims-editor-tests';
const COPY = `${COPY_DIR}/redmi-1s.audit.md`;

const api = () => vscode.extensions.getExtension<{ lint(d: vscode.TextDocument): Promise<unknown> }>('privacy-audit.privacy-audit')!.exports;

function after(doc: vscode.TextDocument, needle: string, from = 0): vscode.Position {
  const i = doc.getText().indexOf(needle, from);
  assert.ok(i >= 0, `"${needle}" should be in ${vscode.workspace.asRelativePath(doc.uri)}`);
  return doc.positionAt(i + needle.length);
}

async function hoverText(doc: vscode.TextDocument, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

/** The device's identifier values as the report writes them, and the forms a leak could take. */
function valueForms(text: string): string[] {
  const values = [...text.matchAll(/^ {2}(?:IMEI|phone number|IMSI|carrier name|contacts|sms metadata): "([^"]+)"$/gm)].map((m) => m[1]!);
  assert.ok(values.length >= 5, `the device's identifiers: ${values.join(', ')}`);
  return values.flatMap((v) => {
    const bare = v.replace(/^\+/, '');
    return [v, bare, encodeURIComponent(v), Buffer.from(v).toString('base64').replace(/=+$/, ''), Buffer.from(bare).toString('base64').replace(/=+$/, '')];
  });
}

const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
const description = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? undefined : i.label.description);

suite('claims in the editor', () => {
  suiteSetup(async () => {
    await fsp.rm(workspaceUri(COPY_DIR).fsPath, { recursive: true, force: true });
    await fsp.cp(workspaceUri(EXAMPLE_DIR).fsPath, workspaceUri(COPY_DIR).fsPath, { recursive: true });
  });
  teardown(closeAllEditors);
  suiteTeardown(async () => {
    await closeAllEditors();
    await fsp.rm(workspaceUri(COPY_DIR).fsPath, { recursive: true, force: true });
  });

  test('hover on E3#entry=1 shows the request: host, masked markers, the endpoint, never a value', async function () {
    this.timeout(90_000);
    const { document: doc } = await openText(EXAMPLE);
    await api().lint(doc);
    const at = after(doc, 'evidence: [E3#entry=');
    // on the locator part and on the id part
    for (const pos of [at, at.translate(0, -'E3#entry='.length)]) {
      const text = await hoverText(doc, pos);
      assert.match(text, /Locator: `entry=1` of E3/, text);
      assert.match(text, /```http\nPOST http:\/\/api\.account\.xiaomi\.com\/\S+/, text);
      assert.match(text, /\[IMEI\]/, text);
      assert.match(text, /\[IMSI\]/, text);
      assert.match(text, /\*\*api\\\.account\\\.xiaomi\\\.com\*\* — 42\\\.62\\\.48\\\.113:80 · CN · AS\d+/, text);
      assert.match(text, /sent: IMEI \(D1\) in body/, text);
      for (const v of valueForms(doc.getText())) assert.ok(!text.includes(v), `the hover shows a form of a value (${v}):\n${text}`);
    }
    // a pcap frame: the request line is built from the host and the path
    const frame = await hoverText(doc, after(doc, 'evidence: [E2#frame='));
    assert.match(frame, /POST http:\/\/api\.account\.xiaomi\.com\/\S+\n\n\S*\[IMEI\]/, frame);
    for (const v of valueForms(doc.getText())) assert.ok(!frame.includes(v), `the hover shows a form of a value (${v}):\n${frame}`);
  });

  test('go to definition on a locator opens the HAR entry or the pcap frame; on the id, the evidence record', async function () {
    this.timeout(90_000);
    const { document: doc } = await openText(EXAMPLE);
    await api().lint(doc);
    const defs = (pos: vscode.Position) => vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, pos);
    const uriOf = (d: vscode.Location | vscode.LocationLink) => ('uri' in d ? d.uri : d.targetUri);
    const rangeOf = (d: vscode.Location | vscode.LocationLink) => ('range' in d ? d.range : (d.targetSelectionRange ?? d.targetRange));

    const [har] = await defs(after(doc, 'evidence: [E3#entr'));
    assert.ok(har, 'a definition for E3#entry=1');
    assert.ok(uriOf(har).path.endsWith('/evidence/capture-2014-08-06-micloud-signin.recorded.har'), uriOf(har).toString());
    const harDoc = await vscode.workspace.openTextDocument(uriOf(har));
    const request = harDoc.getText(rangeOf(har));
    const parsed = JSON.parse(request) as { method: string; url: string };
    const first = (JSON.parse(harDoc.getText()) as { log: { entries: { request: { method: string; url: string } }[] } }).log.entries[0]!.request;
    assert.equal(parsed.method, first.method);
    assert.equal(parsed.url, first.url, 'the range is the request of entry 1');

    const [pcap] = await defs(after(doc, 'evidence: [E2#frame=22, E1]').translate(0, -'me=22, E1]'.length));
    assert.ok(pcap, 'a definition for E2#frame=22');
    assert.equal(uriOf(pcap).scheme, 'privacy-audit-frame');
    const frameDoc = await vscode.workspace.openTextDocument(uriOf(pcap));
    assert.match(frameDoc.getText(), /^Frame 22: /m, frameDoc.getText().slice(0, 400));

    // F1's `E2#frame=22`, the cursor on the id
    const [record] = await defs(after(doc, 'evidence: [E2#frame=22, E1]').translate(0, -'2#frame=22, E1]'.length));
    assert.ok(record, 'a definition for the id E2');
    assert.equal(uriOf(record).toString(), doc.uri.toString());
    assert.equal(doc.getText(rangeOf(record)), 'E2');
    assert.equal(rangeOf(record).start.line, after(doc, '- id: E2').line);
  });

  test("completion after E3# in a flow's evidence offers the entry carrying its data to its host first", async function () {
    this.timeout(90_000);
    const editor = await openText(COPY);
    const doc = editor.document;
    await api().lint(doc);
    // F4 cites E3#entry=1: take the locator away and ask after the `#`
    const end = after(doc, 'evidence: [E3#entry=1');
    await editor.edit((b) => b.delete(new vscode.Range(end.translate(0, -'entry=1'.length), end)));
    const pos = after(doc, 'evidence: [E3#');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos, '#');
    const items = list.items.filter((i) => /^(entry|frame)=\d+$/.test(label(i)));
    assert.ok(items.length, list.items.map(label).join());
    const best = [...items].sort((a, b) => String(a.sortText ?? label(a)).localeCompare(String(b.sortText ?? label(b))))[0]!;
    assert.equal(label(best), 'entry=1');
    assert.match(String(description(best)), /IMEI/);
    assert.match(String(description(best)), /→ api\.account\.xiaomi\.com$/);
    assert.match(String(best.detail), /^E3#entry=1: /);
    // in F1, after E2#: frame 22 (F1's data) before frames 32 and 44
    const f1 = after(doc, 'evidence: [E2#frame=22');
    await editor.edit((b) => b.delete(new vscode.Range(f1.translate(0, -'frame=22'.length), f1)));
    const list2 = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, after(doc, 'evidence: [E2#'), '#');
    const frames = list2.items.filter((i) => /^frame=\d+$/.test(label(i))).sort((a, b) => String(a.sortText).localeCompare(String(b.sortText)));
    assert.deepEqual(frames.map(label), ['frame=22', 'frame=32', 'frame=44']);
    assert.match(String(description(frames[0]!)), /carrier name|IMEI|phone number/);
    for (const v of valueForms(doc.getText())) assert.ok(!JSON.stringify(list2.items.concat(list.items)).includes(v), `a completion shows a form of a value (${v})`);
  });

  test('PA053: a copy of the example without its flows → PA053 on the capture; the quick fix adds the flow back and the diagnostic goes', async function () {
    this.timeout(120_000);
    const editor = await openText(COPY);
    const doc = editor.document;
    // every flow of the example goes to api.account.xiaomi.com: PA053 is about a host no flow records, so the flows go
    const start = doc.getText().indexOf('```flow\n');
    const end = doc.getText().indexOf('```\n', start + 8) + 4;
    assert.ok(start > 0 && end > start);
    await editor.edit((b) => b.delete(new vscode.Range(doc.positionAt(start), doc.positionAt(end))));
    assert.doesNotMatch(doc.getText(), /to: api\.account\.xiaomi\.com/);
    await api().lint(doc);
    const e2Line = after(doc, '- id: E2').line;
    const onE2 = (ds: vscode.Diagnostic[]) => ds.find((d) => ruleOf(d) === 'PA053' && d.range.start.line >= e2Line && d.range.start.line <= e2Line + 2);
    const diag = onE2(await waitForDiagnostics(doc.uri, (ds) => !!onE2(ds), 'PA053 on E2', 60_000))!;
    assert.match(diag.message, /api\.account\.xiaomi\.com/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => /^Add a flow D1 → api\.account\.xiaomi\.com/.test(a.title));
    assert.ok(fix?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    // the flow is back: to the host, citing E2's frames
    const text = doc.getText();
    assert.match(text, /```flow\n[\s\S]*?to: api\.account\.xiaomi\.com[\s\S]*?```/);
    assert.match(text, /evidence: \[[^\]]*E2#frame=22/);
    await api().lint(doc);
    await waitForDiagnostics(doc.uri, (ds) => !onE2(ds), 'PA053 on E2 gone', 60_000);
    assert.ok(!ours(doc.uri).some((d) => ruleOf(d) === 'PA053' && /api\.account\.xiaomi\.com/.test(d.message)), ours(doc.uri).map((d) => `${ruleOf(d)} ${d.message}`).join('\n'));
  });
});
