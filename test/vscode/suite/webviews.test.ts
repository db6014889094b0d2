/**
 * The preview and the structured editor from the extension host: they open,
 * receive content for each new version of the document, and the preview's
 * HTML holds one row per flow and the data-flow diagram. (What a person sees
 * and clicks is in the UI tests.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EditorModel, ToWebview } from '../../../src/core/protocol';
import { closeAllEditors, openText, workspaceUri } from './util';

const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';

interface Api {
  onDidRenderPreview: vscode.Event<{ uri: vscode.Uri; version: number; html: string }>;
  onDidPostEditorModel: vscode.Event<{ uri: vscode.Uri; version: number }>;
  onDidPostEditorMessage: vscode.Event<{ uri: vscode.Uri; message: ToWebview }>;
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

/** The first model of version ≥ `minVersion` posted to the structured editor of `uri`: what the form shows. */
function nextModel(uri: vscode.Uri, minVersion: number, what: string): Promise<EditorModel> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what} (version ≥ ${minVersion})`));
    }, 30_000);
    const sub = api().onDidPostEditorMessage((e) => {
      if (e.uri.toString() === uri.toString() && e.message.type === 'model' && e.message.model.version >= minVersion) {
        clearTimeout(timer);
        sub.dispose();
        resolve(e.message.model);
      }
    });
  });
}

/** The id of the record whose lines hold `offset` (the nearest `id:` line above it). */
function recordIdAt(text: string, offset: number): string {
  const ids = [...text.slice(0, offset).matchAll(/^(?:- )?id: (\S+)$/gm)];
  assert.ok(ids.length, 'a record holds the edited line');
  return ids[ids.length - 1]![1]!;
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

  test('the structured editor opens, and an edit made elsewhere reaches it as a new model with the new value', async () => {
    const uri = workspaceUri(EXAMPLE);
    const doc = await vscode.workspace.openTextDocument(uri);
    const first = next(api().onDidPostEditorModel, uri, doc.version, 'the first model');
    const firstModel = nextModel(uri, doc.version, 'the first model\'s content');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'privacyAudit.editor');
    await first;
    const before = await firstModel;
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'privacyAudit.editor', 'the structured editor is the active tab');

    // a flow's field (not the prose, which names `encryption: unknown` too)
    const text = doc.getText();
    const at = text.search(/^ {2}encryption: unknown$/m) + 2;
    assert.ok(at > 2, 'a flow with `encryption: unknown`');
    const id = recordIdAt(text, at);
    const recordOf = (m: EditorModel) => m.records.find((r) => r.id === id);
    assert.equal(recordOf(before)?.kind, 'flow', `${id} is a flow in the form's first model`);
    assert.equal(recordOf(before)!.fields.encryption, 'unknown', `the form showed ${id}'s encryption as written`);

    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'encryption: unknown'.length)), 'encryption: tls');
    const updated = next(api().onDidPostEditorModel, uri, doc.version + 1, 'the model after a text edit');
    const updatedModel = nextModel(uri, doc.version + 1, 'the content of the model after a text edit');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const e = await updated;
    assert.equal(e.version, doc.version);
    const after = await updatedModel;
    assert.equal(after.version, doc.version);

    // the form shows the new value, and nothing else changed
    assert.equal(recordOf(after)?.fields.encryption, 'tls', `${id}'s encryption in the new model`);
    assert.deepEqual({ ...recordOf(after)!.fields, encryption: 'unknown' }, recordOf(before)!.fields, `only ${id}'s encryption changed`);
    const others = (m: EditorModel) => m.records.filter((r) => r.id !== id).map((r) => ({ kind: r.kind, id: r.id, line: r.line, fields: r.fields }));
    assert.deepEqual(others(after), others(before), 'the other records are as they were');
    assert.deepEqual(after.frontMatter, before.frontMatter);
    assert.deepEqual(after.prose.map((p) => p.text), before.prose.map((p) => p.text), 'the narrative is as it was');
  });
});
