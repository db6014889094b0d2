/**
 * The structured editor (the form) as a first-class editor: commands that
 * work on "the active report" take the form's report, New Audit Report opens
 * the form, and the form's own messages (Add File…, deleting a record that
 * others name, quick fixes, adding records) do what they should. The form's
 * messages are fed in through the extension's test API (`postFromWebview`),
 * exactly as the webview would send them; its modal questions and the open
 * dialog are answered by hooks (`setPromptHooks`).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { EditorModel, ToWebview } from '../../../src/core/protocol';
import { closeAllEditors, openText, workspaceUri } from './util';

const BROKEN = 'examples/broken/records.audit.md';
const DIR = 'form-tests';
const STALE = 'The report changed meanwhile; showing it again.';

interface Question {
  message: string;
  detail?: string;
  buttons: string[];
}

interface Api {
  onDidRenderPreview: vscode.Event<{ uri: vscode.Uri; version: number; html: string }>;
  onDidPostEditorModel: vscode.Event<{ uri: vscode.Uri; version: number }>;
  onDidPostEditorMessage: vscode.Event<{ uri: vscode.Uri; message: ToWebview }>;
  postFromWebview(uri: vscode.Uri, message: unknown): Promise<unknown>;
  setPromptHooks(hooks: { ask?(q: Question): string | undefined; openFiles?(title: string): vscode.Uri[] | undefined } | undefined): void;
  lint(doc: vscode.TextDocument): Promise<unknown>;
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

/** Opens `uri` in the structured editor and waits for the model of the document's current version. */
async function openForm(uri: vscode.Uri, column = vscode.ViewColumn.Active): Promise<{ doc: vscode.TextDocument; model: EditorModel }> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const posted = next(api().onDidPostEditorModel, (e) => same(e.uri, uri) && e.version >= doc.version, `the form's model of version ${doc.version}`);
  const model = modelOf(uri, doc.version);
  await vscode.commands.executeCommand('vscode.openWith', uri, 'privacyAudit.editor', column);
  await posted;
  return { doc, model: await model };
}

function modelOf(uri: vscode.Uri, version: number): Promise<EditorModel> {
  // (an extension without onDidPostEditorMessage: the tests that need the model fail on their own asserts)
  if (!api().onDidPostEditorMessage) return Promise.resolve(undefined as unknown as EditorModel);
  return next(api().onDidPostEditorMessage, (e) => same(e.uri, uri) && e.message.type === 'model' && e.message.model.version >= version, `a model of version ${version}`).then(
    (e) => (e.message as Extract<ToWebview, { type: 'model' }>).model,
  );
}

/** Sends a message as the form would, and returns what the extension posted back while handling it. */
async function send(uri: vscode.Uri, message: unknown): Promise<{ result: unknown; posted: ToWebview[] }> {
  const posted: ToWebview[] = [];
  const sub = api().onDidPostEditorMessage((e) => {
    if (same(e.uri, uri)) posted.push(e.message);
  });
  try {
    const result = await api().postFromWebview(uri, message);
    return { result, posted };
  } finally {
    sub.dispose();
  }
}

const resultsOf = (posted: ToWebview[]) => posted.filter((m): m is Extract<ToWebview, { type: 'intentResult' }> => m.type === 'intentResult');

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

/** Lets the modal questions be answered by `answer`, and records them. */
function answering(answer: string | undefined): Question[] {
  const asked: Question[] = [];
  api().setPromptHooks({
    ask: (q) => {
      asked.push(q);
      return answer;
    },
  });
  return asked;
}

suite('the form as a first-class editor', () => {
  teardown(async () => {
    api().setPromptHooks?.(undefined);
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
    assert.deepEqual(ids, ['E2'], 'the cited record without a file takes it');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(recordText(doc, 'E2'), /\n {2}file: evidence\/from-explorer\.log(\n|$)/);
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
    assert.deepEqual(ids, ['E2']);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(recordText(doc, 'E2'), /file: evidence\/only\.log/);
  });

  test('New Audit Report opens the new report in the structured editor, in one tab', async () => {
    await fsp.mkdir(workspaceUri(DIR).fsPath, { recursive: true });
    const target = workspaceUri(`${DIR}/brand-new.audit.md`);
    const modelPosted = next(api().onDidPostEditorModel, (e) => same(e.uri, target), 'the new report\'s form');
    const content = modelOf(target, 0);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('privacyAudit.newReport', target);
    assert.equal(uri?.toString(), target.toString());
    await within(modelPosted, 20_000, 'the structured editor of the new report');
    // the form shows the new report: the skeleton's front matter and records, editable
    const model = await within(content, 20_000, 'the new report\'s model');
    assert.equal(model.frontMatter['audit-format'], 1);
    assert.equal(model.frontMatter.status, 'draft');
    assert.deepEqual(model.records.filter((r) => r.kind === 'device').map((r) => r.id), ['D1']);
    assert.deepEqual(model.records.filter((r) => r.kind === 'flow').map((r) => [r.id, r.fields.from]), [['F1', 'D1']]);
    assert.equal(model.editable, true);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => (t.input instanceof vscode.TabInputText || t.input instanceof vscode.TabInputCustom) && same(t.input.uri, target));
    assert.equal(tabs.length, 1, `one tab of the new report, not ${tabs.map((t) => t.input?.constructor.name).join(' and ')}`);
    assertFormActive(target, 'New Audit Report');
  });

  test('Add File… in the form fills the first cited evidence record without a file, and stays in the form', async () => {
    const uri = await writeReport('fill');
    const { doc } = await openForm(uri);
    const first = await capture('first.pcap', 'first capture\n');
    const chosen: string[] = [];
    api().setPromptHooks({
      openFiles: (title) => {
        chosen.push(title);
        return [first];
      },
    });
    const { result } = await send(uri, { type: 'addEvidence' });
    assert.deepEqual(result, ['E2'], 'E2 (cited by F1 and FN1) is filled, not a new record added');
    assert.equal(chosen.length, 1, 'the open dialog was shown once');
    assert.match(recordText(doc, 'E2'), /\n {2}file: evidence\/first\.pcap(\n|$)/);
    assert.match(recordText(doc, 'E2'), new RegExp(`\\n {2}sha256: "?${sha256('first capture\n')}"?(\\n|$)`));
    assert.equal(recordText(doc, 'E2').match(/kind:/g)?.length, 1, 'its kind is kept, not added again');
    assert.match(recordText(doc, 'E2'), /\n {2}captured: "?\d{4}-\d{2}-\d{2}T/);
    assert.ok(!doc.getText().includes('- id: E6'), 'no new record');
    assertFormActive(uri, 'after Add File…');

    // the next one: E3 (cited in the text only); E4 (cited nowhere) never
    const second = await capture('second.log', 'second capture\n');
    api().setPromptHooks({ openFiles: () => [second] });
    assert.deepEqual((await send(uri, { type: 'addEvidence' })).result, ['E3']);
    assert.match(recordText(doc, 'E3'), /file: evidence\/second\.log/);
    const third = await capture('third.log', 'third capture\n');
    api().setPromptHooks({ openFiles: () => [third] });
    assert.deepEqual((await send(uri, { type: 'addEvidence' })).result, ['E6'], 'with no cited record waiting, a new record');
    assert.ok(!/file:/.test(recordText(doc, 'E4')), 'E4 is cited nowhere and keeps no file');
    assertFormActive(uri, 'after the third Add File…');
  });

  test('Add File… on a record fills that record; further files become new records', async () => {
    const uri = await writeReport('record');
    const { doc } = await openForm(uri);
    const a = await capture('a.har', 'a\n');
    const b = await capture('b.log', 'b\n');
    api().setPromptHooks({ openFiles: () => [a, b] });
    const { result } = await send(uri, { type: 'addEvidence', record: 'E4' });
    assert.deepEqual(result, ['E4', 'E6']);
    assert.match(recordText(doc, 'E4'), new RegExp(`file: evidence/a\\.har\\n {2}sha256: "?${sha256('a\n')}"?`));
    assert.match(recordText(doc, 'E4'), /kind: har/);
    assert.match(recordText(doc, 'E6'), /file: evidence\/b\.log/);
    assert.ok(!/file:/.test(recordText(doc, 'E2')), 'E2 was not chosen');
    assertFormActive(uri, 'after Add File… on E4');
    // a record that is not evidence is refused before any dialog
    api().setPromptHooks({ openFiles: () => assert.fail('no dialog for a record that cannot take a file') });
    assert.equal((await send(uri, { type: 'addEvidence', record: 'F1' })).result, undefined);
  });

  test('deleting a record that others name asks first: remove the references, keep them, or cancel', async () => {
    const uri = await writeReport('delete');
    const { doc } = await openForm(uri);
    const original = doc.getText();

    // Cancel: nothing happens
    let asked = answering(undefined);
    let { posted } = await send(uri, { type: 'intent', requestId: 1, version: doc.version, intent: { type: 'deleteRecord', record: { id: 'F1' } } });
    assert.equal(asked.length, 1, 'asked once');
    assert.equal(asked[0]!.message, 'F1 is referenced by FN1 (flows) and FN2 (flows), and cited 2 times in the text.');
    assert.deepEqual(asked[0]!.buttons, ['Delete and Remove References', 'Delete Only']);
    assert.deepEqual(resultsOf(posted), [{ type: 'intentResult', requestId: 1, ok: false }]);
    assert.equal(doc.getText(), original);

    // Delete Only: F2 goes, FN2 still names it
    asked = answering('Delete Only');
    ({ posted } = await send(uri, { type: 'intent', requestId: 2, version: doc.version, intent: { type: 'deleteRecord', record: { id: 'F2' } } }));
    assert.equal(asked[0]?.message, 'F2 is referenced by FN2 (flows).');
    assert.deepEqual(resultsOf(posted), [{ type: 'intentResult', requestId: 2, ok: true }]);
    assert.ok(!doc.getText().includes('- id: F2'));
    assert.match(recordText(doc, 'FN2'), /flows: \[F1, F2\]/);

    // Delete and Remove References: F1 goes, and out of FN1 and FN2; the citations in the text stay
    asked = answering('Delete and Remove References');
    ({ posted } = await send(uri, { type: 'intent', requestId: 3, version: doc.version, intent: { type: 'deleteRecord', record: { id: 'F1' } } }));
    assert.equal(asked.length, 1);
    assert.match(asked[0]!.detail ?? '', /citations in the text stay/);
    assert.deepEqual(resultsOf(posted), [{ type: 'intentResult', requestId: 3, ok: true }]);
    assert.ok(!doc.getText().includes('- id: F1'));
    assert.ok(!/\bF1\b/.test(recordText(doc, 'FN1')), recordText(doc, 'FN1'));
    assert.ok(!/\bF1\b/.test(recordText(doc, 'FN2')), recordText(doc, 'FN2'));
    assert.equal(doc.getText().split('[@F1]').length - 1, 2, 'the citations stay');

    // E3 is only cited in the text, which is never changed: delete or not
    asked = answering('Delete');
    ({ posted } = await send(uri, { type: 'intent', requestId: 5, version: doc.version, intent: { type: 'deleteRecord', record: { id: 'E3' } } }));
    assert.equal(asked[0]?.message, 'E3 is cited once in the text.');
    assert.deepEqual(asked[0]?.buttons, ['Delete']);
    assert.deepEqual(resultsOf(posted), [{ type: 'intentResult', requestId: 5, ok: true }]);
    assert.ok(!doc.getText().includes('- id: E3') && doc.getText().includes('[@E3]'));

    // nothing names E4: deleted without a question
    asked = answering('Delete Only');
    ({ posted } = await send(uri, { type: 'intent', requestId: 4, version: doc.version, intent: { type: 'deleteRecord', record: { id: 'E4' } } }));
    assert.equal(asked.length, 0, 'no question');
    assert.deepEqual(resultsOf(posted), [{ type: 'intentResult', requestId: 4, ok: true }]);
    assert.ok(!doc.getText().includes('- id: E4'));
  });

  test('a quick fix chosen in the form is applied when the form saw the current version, else the form is shown the report again', async () => {
    const uri = await writeReport('fix');
    const { doc, model } = await openForm(uri);
    const e1 = model.records.find((r) => r.id === 'E1');
    const problem = e1?.problems.find((p) => p.rule === 'PA022');
    assert.ok(problem, `PA022 on E1: ${JSON.stringify(e1?.problems)}`);
    const fix = problem.fixes.findIndex((t) => /sha256/i.test(t));
    assert.ok(fix >= 0, `a fix that records the hash: ${JSON.stringify(problem.fixes)}`);

    // a version the document no longer has: nothing is applied, the form is told and given the report again
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(12, 0), 'An added line.\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const stale = await send(uri, { type: 'applyFix', version: model.version, diagnostic: problem.diagnostic, fix });
    assert.deepEqual(resultsOf(stale.posted).map((r) => [r.ok, r.error]), [[false, STALE]]);
    const fresh = stale.posted.find((m) => m.type === 'model');
    assert.ok(fresh?.type === 'model' && fresh.model.version === doc.version, 'a model of the current version was posted');
    assert.ok(!recordText(doc, 'E1').includes('sha256'));
    // and it shows the report as it is now: the added line, every record a line lower, E1 still without its hash
    assert.ok(fresh.model.prose.some((p) => p.text.includes('An added line.')), 'the added line is in the narrative of the new model');
    assert.deepEqual(
      fresh.model.records.map((r) => [r.id, r.line]),
      model.records.map((r) => [r.id, r.line + 1]),
      'each record a line lower',
    );
    const staleE1 = fresh.model.records.find((r) => r.id === 'E1')!;
    assert.deepEqual(staleE1.fields, e1!.fields, 'E1 unchanged');
    assert.equal(staleE1.fields.sha256, undefined);
    assert.equal(staleE1.hash, 'unrecorded');

    // on the current version it is applied, and the form is sent E1 with its hash
    const now = staleE1.problems.find((p) => p.rule === 'PA022')!;
    assert.ok(now, 'PA022 is still shown on E1');
    const shown = modelOf(uri, fresh.model.version + 1);
    const applied = await send(uri, { type: 'applyFix', version: fresh.model.version, diagnostic: now.diagnostic, fix });
    assert.deepEqual(resultsOf(applied.posted).map((r) => r.ok), [true]);
    assert.match(recordText(doc, 'E1'), new RegExp(`sha256: "?${sha256(BOOT_LOG)}"?`));
    const fixed = (await shown).records.find((r) => r.id === 'E1')!;
    assert.deepEqual(fixed.fields, { ...e1!.fields, sha256: sha256(BOOT_LOG) }, 'E1 in the form: its fields as before, and the hash');
    assert.equal(fixed.hash, 'ok');
    assert.deepEqual(fixed.problems.map((p) => p.rule), [], 'E1 has no problem left in the form');
  });

  test('a quick fix from the form that accepts changed evidence asks first', async () => {
    const uri = await writeReport('confirm');
    const { doc, model } = await openForm(uri);
    const problem = model.records.find((r) => r.id === 'E5')?.problems.find((p) => p.rule === 'PA021');
    assert.ok(problem && problem.fixes.length > 0, 'PA021 with a fix on E5');
    let asked = answering(undefined);
    const cancelled = await send(uri, { type: 'applyFix', version: model.version, diagnostic: problem.diagnostic, fix: 0 });
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.message, 'The evidence file has changed since it was recorded.');
    assert.deepEqual(resultsOf(cancelled.posted).map((r) => [r.ok, r.error]), [[false, undefined]]);
    assert.ok(!recordText(doc, 'E5').includes(sha256(CHANGED_LOG)));

    asked = answering('Record the new hash');
    const accepted = await send(uri, { type: 'applyFix', version: model.version, diagnostic: problem.diagnostic, fix: 0 });
    assert.equal(asked.length, 1);
    assert.deepEqual(resultsOf(accepted.posted).map((r) => r.ok), [true]);
    assert.ok(recordText(doc, 'E5').includes(sha256(CHANGED_LOG)));
  });

  test('an added record\'s id comes back with the intent\'s result', async () => {
    const uri = await writeReport('new-id');
    const { doc } = await openForm(uri);
    const { posted } = await send(uri, { type: 'intent', requestId: 7, version: doc.version, intent: { type: 'addRecord', kind: 'flow' } });
    assert.deepEqual(resultsOf(posted), [{ type: 'intentResult', requestId: 7, ok: true, newId: 'F3' }]);
    assert.ok(doc.getText().includes('- id: F3'));
    // a message outside the protocol is dropped
    assert.equal(await api().postFromWebview(uri, { type: 'intent', requestId: 8, version: doc.version, intent: { type: 'deleteEverything' } }), false);
  });
});
