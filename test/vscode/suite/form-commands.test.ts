/**
 * The structured editor (the form) as a first-class editor: commands that
 * work on "the active report" take the form's report, and New Audit Report
 * opens the form.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { closeAllEditors, openText, workspaceUri } from './util';

const BROKEN = 'examples/broken/records.audit.md';
const DIR = 'form-tests';

interface Api {
  onDidRenderPreview: vscode.Event<{ uri: vscode.Uri; version: number; html: string }>;
  onDidPostEditorModel: vscode.Event<{ uri: vscode.Uri; version: number }>;
}

const api = () => vscode.extensions.getExtension<Api>('privacy-audit.privacy-audit')!.exports;
const sha256 = (b: string) => createHash('sha256').update(b).digest('hex');

const BOOT_LOG = 'boot: connecting to telemetry.example.net\n';
const CHANGED_LOG = 'this file changed after it was recorded\n';

/** A small report: E2 is cited by F1 and FN1, E3 only in the text, E4 nowhere; F1 is named by FN1 and FN2 and cited twice. */
const REPORT = [
  '---',
  'audit-format: 1',
  'id: FORM-TEST',
  'title: Form commands test',
  'status: draft',
  'date: 2024-05-01',
  'auditors:',
  '  - name: Test Analyst',
  '---',
  '',
  '# Form commands test',
  '',
  'The phone sent its IMEI [@E3] ([@F1], and again [@F1]).',
  '',
  '```device',
  'id: D1',
  'vendor: Acme',
  'model: Phone 1',
  '```',
  '',
  '```step',
  '- id: S1',
  '  device: D1',
  '  action: Switch the phone on',
  '  observed: It connects to the vendor',
  '  evidence: [E1]',
  '```',
  '',
  '```flow',
  '- id: F1',
  '  from: D1',
  '  to: telemetry.example.net',
  '  data: [imei]',
  '  step: S1',
  '  evidence: [E2]',
  '- id: F2',
  '  from: D1',
  '  to: time.example.com',
  '  data: [imei]',
  '  step: S1',
  '  evidence: [E1]',
  '```',
  '',
  '```evidence',
  '- id: E1',
  '  file: evidence/boot.log',
  '  kind: log',
  '- id: E2',
  '  kind: pcap',
  '  description: The capture of the first flow, still to be added',
  '- id: E3',
  '  description: A capture cited in the text only',
  '- id: E4',
  '  description: Cited nowhere',
  '- id: E5',
  '  file: evidence/changed.log',
  `  sha256: ${sha256('as it was recorded\n')}`,
  '  kind: log',
  '```',
  '',
  '```finding',
  '- id: FN1',
  '  title: The IMEI leaves the phone',
  '  severity: high',
  '  flows: [F1]',
  '  evidence: [E2]',
  '- id: FN2',
  '  title: The time server sees it too',
  '  severity: low',
  '  flows: [F1, F2]',
  '```',
  '',
].join('\n');

/** Writes the report (and its evidence) as `form-tests/NAME.audit.md`. */
async function writeReport(name: string, text = REPORT): Promise<vscode.Uri> {
  await fsp.mkdir(workspaceUri(`${DIR}/evidence`).fsPath, { recursive: true });
  await fsp.writeFile(workspaceUri(`${DIR}/evidence/boot.log`).fsPath, BOOT_LOG);
  await fsp.writeFile(workspaceUri(`${DIR}/evidence/changed.log`).fsPath, CHANGED_LOG);
  const uri = workspaceUri(`${DIR}/${name}.audit.md`);
  await fsp.writeFile(uri.fsPath, text);
  return uri;
}

/** A file outside the report's folder, to be added as evidence. */
async function capture(name: string, text: string): Promise<vscode.Uri> {
  await fsp.mkdir(workspaceUri('form-captures').fsPath, { recursive: true });
  const uri = workspaceUri(`form-captures/${name}`);
  await fsp.writeFile(uri.fsPath, text);
  return uri;
}

/** Resolves with the first event that `match`es, or rejects after `ms` saying what was awaited. */
function next<T>(event: vscode.Event<T>, match: (e: T) => boolean, what: string, ms = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = event((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** `promise`, or a failure after `ms` (closing a quick pick that a wrong command left open, so later tests are not blocked). */
async function within<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      reject(new Error(`${what}: no answer within ${ms} ms (did it ask something instead?)`));
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const same = (a: vscode.Uri, b: vscode.Uri) => a.toString() === b.toString();

/** Opens `uri` in the structured editor and waits for the model of the document's current version to be posted. */
async function openForm(uri: vscode.Uri, column = vscode.ViewColumn.Active): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const posted = next(api().onDidPostEditorModel, (e) => same(e.uri, uri) && e.version >= doc.version, `the form's model of version ${doc.version}`);
  await vscode.commands.executeCommand('vscode.openWith', uri, 'privacyAudit.editor', column);
  await posted;
  return doc;
}

function assertFormActive(uri: vscode.Uri, what: string): void {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  assert.ok(input instanceof vscode.TabInputCustom && input.viewType === 'privacyAudit.editor' && same(input.uri, uri), `${what}: the structured editor is still the active tab`);
  assert.ok(!vscode.window.visibleTextEditors.some((e) => same(e.document.uri, uri)), `${what}: no text editor of the report was opened`);
}

/** The lines of the record `id` (from its `- id:` line to the next record or fence). */
function recordText(doc: vscode.TextDocument, id: string): string {
  const lines = doc.getText().split('\n');
  const start = lines.findIndex((l) => l === `- id: ${id}` || l === `id: ${id}`);
  assert.ok(start >= 0, `${id} is in the report`);
  let end = start + 1;
  while (end < lines.length && !lines[end]!.startsWith('- id:') && !lines[end]!.startsWith('```')) end++;
  return lines.slice(start, end).join('\n');
}

suite('the form as a first-class editor', () => {
  teardown(async () => {
    await closeAllEditors();
    await fsp.rm(workspaceUri(DIR).fsPath, { recursive: true, force: true });
    await fsp.rm(workspaceUri('form-captures').fsPath, { recursive: true, force: true });
  });

  test('commands on the active report take the structured editor\'s report, also with another report in a text editor', async function () {
    this.timeout(90_000);
    await openText(BROKEN);
    const uri = await writeReport('active');
    await openForm(uri, vscode.ViewColumn.Beside);
    assertFormActive(uri, 'opened');

    // Export to HTML
    const out = workspaceUri(`${DIR}/active.html`);
    const written = await within(vscode.commands.executeCommand<string | undefined>('privacyAudit.exportHtml', undefined, out), 60_000, 'Export to HTML');
    assert.equal(written, out.fsPath);
    assert.match(await fsp.readFile(out.fsPath, 'utf8'), /Form commands test/);

    // Open Preview to the Side
    const rendered = next(api().onDidRenderPreview, (e) => same(e.uri, uri), 'the preview of the form\'s report');
    await vscode.commands.executeCommand('privacyAudit.openPreview');
    assert.match((await within(rendered, 20_000, 'Open Preview to the Side')).html, /Form commands test/);

    // Add Evidence File… from the explorer's context menu on a file: into the form's report, without asking which
    const file = await capture('from-explorer.log', 'added from the explorer\n');
    const ids = await within(vscode.commands.executeCommand<string[] | undefined>('privacyAudit.addEvidence', file, [file]), 10_000, 'Add Evidence File…');
    assert.deepEqual(ids, ['E6']);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(recordText(doc, 'E6'), /\n {2}file: evidence\/from-explorer\.log(\n|$)/);
    assertFormActive(uri, 'after Add Evidence');

    // Edit Source
    await vscode.commands.executeCommand('privacyAudit.editSource');
    assert.ok(vscode.window.activeTextEditor && same(vscode.window.activeTextEditor.document.uri, uri), 'Edit Source opens the form\'s report as text');
  });

  test('Add Evidence File… with no report active takes the only report open in a tab', async () => {
    const uri = await writeReport('only');
    await openForm(uri);
    // the active tab is a text editor of a file that is not a report
    await openText(`${DIR}/evidence/boot.log`);
    const file = await capture('only.log', 'the only report\n');
    const ids = await within(vscode.commands.executeCommand<string[] | undefined>('privacyAudit.addEvidence', file, [file]), 10_000, 'Add Evidence File…');
    assert.deepEqual(ids, ['E6']);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(recordText(doc, 'E6'), /file: evidence\/only\.log/);
  });

  test('New Audit Report opens the new report in the structured editor, in one tab', async () => {
    await fsp.mkdir(workspaceUri(DIR).fsPath, { recursive: true });
    const target = workspaceUri(`${DIR}/brand-new.audit.md`);
    const modelPosted = next(api().onDidPostEditorModel, (e) => same(e.uri, target), 'the new report\'s form');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('privacyAudit.newReport', target);
    assert.equal(uri?.toString(), target.toString());
    await within(modelPosted, 20_000, 'the structured editor of the new report');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => (t.input instanceof vscode.TabInputText || t.input instanceof vscode.TabInputCustom) && same(t.input.uri, target));
    assert.equal(tabs.length, 1, `one tab of the new report, not ${tabs.map((t) => t.input?.constructor.name).join(' and ')}`);
    assertFormActive(target, 'New Audit Report');
  });
});
