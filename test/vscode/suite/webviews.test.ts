/**
 * The preview and the structured editor from the extension host: they open,
 * receive content for each new version of the document, and the preview's
 * HTML holds one row per flow and the data-flow diagram. (What a person sees
 * and clicks is in the UI tests.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openText, workspaceUri } from './util';

const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';

interface Api {
  onDidRenderPreview: vscode.Event<{ uri: vscode.Uri; version: number; html: string }>;
  onDidPostEditorModel: vscode.Event<{ uri: vscode.Uri; version: number }>;
}

const api = () => vscode.extensions.getExtension<Api>('privacy-audit.privacy-audit')!.exports;

function next<T extends { uri: vscode.Uri; version: number }>(event: vscode.Event<T>, uri: vscode.Uri, minVersion: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what} (version ≥ ${minVersion})`));
    }, 30_000);
    const sub = event((e) => {
      if (e.uri.toString() === uri.toString() && e.version >= minVersion) {
        clearTimeout(timer);
        sub.dispose();
        resolve(e);
      }
    });
  });
}

suite('preview and structured editor', () => {
  teardown(closeAllEditors);

  test('the preview renders every flow, the diagrams, and follows edits', async () => {
    const editor = await openText(EXAMPLE);
    const doc = editor.document;
    const first = next(api().onDidRenderPreview, doc.uri, doc.version, 'the first preview');
    await vscode.commands.executeCommand('privacyAudit.openPreview');
    const { html } = await first;
    for (const id of ['F1', 'F2', 'F3', 'F4']) assert.ok(html.includes(`data-record="${id}"`), `${id} in the preview`);
    assert.match(html, /<pre class="mermaid"[^>]*data-diagram="dataflow"/);
    // the timeline is HTML of the core's (no mermaid), every event's record marked for a click
    assert.match(html, /<figure class="diagram diagram-timeline[^"]*"[^>]*data-diagram="timeline"[^>]*><div class="pa-timeline"/);
    for (const id of ['S1', 'E2', 'V1', 'R1']) assert.match(html, new RegExp(`class="pa-timeline"[\\s\\S]*data-record="${id}"`), `${id} on the timeline`);
    assert.ok(!/<script/i.test(html));
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('privacyAudit.preview'));
    assert.ok(tab, 'a preview tab is open');

    const version = doc.version + 1;
    const updated = next(api().onDidRenderPreview, doc.uri, version, 'the preview of the edit');
    await editor.edit((b) => b.insert(doc.positionAt(doc.getText().indexOf('## Summary') + '## Summary'.length), ' (edited)'));
    const after = await updated;
    assert.match(after.html, /Summary \(edited\)/);
  });

  test('the structured editor opens, and an edit made elsewhere reaches it as a new model', async () => {
    const uri = workspaceUri(EXAMPLE);
    const doc = await vscode.workspace.openTextDocument(uri);
    const first = next(api().onDidPostEditorModel, uri, doc.version, 'the first model');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'privacyAudit.editor');
    await first;
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'privacyAudit.editor', 'the structured editor is the active tab');

    const edit = new vscode.WorkspaceEdit();
    const at = doc.getText().indexOf('encryption: unknown');
    edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'encryption: unknown'.length)), 'encryption: tls');
    const updated = next(api().onDidPostEditorModel, uri, doc.version + 1, 'the model after a text edit');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const e = await updated;
    assert.equal(e.version, doc.version);
  });
});
