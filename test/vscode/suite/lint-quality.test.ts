/**
 * Issue 10 in the real VS Code: a new report from *New Audit Report* shows the
 * template's gaps, and each quick fix of the issue, taken from the code-action
 * provider as the light bulb takes it, changes exactly the expected text (the
 * whole document is compared, so an edit that touches anything else fails).
 * Fix all applies only the safe ones. The fixtures are the repository's
 * `test/fixtures/reports/`, copied into the workspace.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SKELETON_INSTRUCTIONS } from '../../../src/core/features/skeleton';
import { closeAllEditors, ruleOf, waitForDiagnostics, workspaceUri } from './util';

const DIR = 'lint-quality';
/** The repository's fixtures: this file runs as out/test/suite/lint-quality.test.js. */
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'reports');

interface Api {
  lint(doc: vscode.TextDocument): Promise<unknown>;
  setPromptHooks(hooks: { openFiles?(title: string): vscode.Uri[] | undefined } | undefined): void;
}
const api = () => vscode.extensions.getExtension<Api>('privacy-audit.privacy-audit')!.exports;

/** Copies the fixture `name` into the workspace and opens it in a text editor. */
async function openFixture(name: string): Promise<vscode.TextDocument> {
  const text = await fsp.readFile(path.join(FIXTURES, name), 'utf8').catch((err: Error) => assert.fail(`the fixture ${name} is read from ${FIXTURES}: ${err.message}`));
  await fsp.mkdir(workspaceUri(DIR).fsPath, { recursive: true });
  const uri = workspaceUri(`${DIR}/${name}`);
  await fsp.writeFile(uri.fsPath, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** The 0-based line that is exactly `line` (fails unless there is exactly one). */
function lineIs(text: string, line: string): number {
  const lines = text.split('\n');
  const at = lines.flatMap((l, i) => (l === line ? [i] : []));
  assert.equal(at.length, 1, `exactly one line ${JSON.stringify(line)} in the text (found ${at.length})`);
  return at[0]!;
}

/** The 0-based line holding `needle` (fails unless exactly one does). */
function lineWith(text: string, needle: string): number {
  const at = text.split('\n').flatMap((l, i) => (l.includes(needle) ? [i] : []));
  assert.equal(at.length, 1, `exactly one line holding ${JSON.stringify(needle)} (found ${at.length})`);
  return at[0]!;
}

/** `text` with its one occurrence of `from` replaced by `to`. */
function replaceOnce(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `exactly one ${JSON.stringify(from)} in the text`);
  return text.replace(from, () => to);
}

/**
 * The quick fixes VS Code gets from the extension for the `rule` diagnostic
 * on `line` (0-based), after a lint of the document's current text; with
 * the diagnostic, to check that it goes.
 */
async function quickFixes(doc: vscode.TextDocument, rule: string, line: number): Promise<{ diag: vscode.Diagnostic; alike: number; actions: vscode.CodeAction[] }> {
  await api().lint(doc);
  const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => ruleOf(x) === rule && x.range.start.line === line), `${rule} on line ${line + 1}`);
  const diag = ds.find((x) => ruleOf(x) === rule && x.range.start.line === line)!;
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
  // diagnostics saying the same (two countries that are no codes): a fix removes one of them
  const alike = ds.filter((x) => ruleOf(x) === rule && x.message === diag.message).length;
  return { diag, alike, actions: actions.filter((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value) };
}

const titles = (actions: vscode.CodeAction[]) => actions.map((a) => a.title).join(' | ');

/**
 * Applies the quick fix titled `title` of the `rule` diagnostic on the line
 * that holds `needle`, and checks that the whole text then equals
 * `expected(text before)`. Unless `stays`, the diagnostic must go.
 */
async function applyFix(doc: vscode.TextDocument, rule: string, needle: string, title: string, expected: (before: string) => string, { stays = false } = {}): Promise<vscode.CodeAction[]> {
  const before = doc.getText();
  const line = lineWith(before, needle);
  const { diag, alike, actions } = await quickFixes(doc, rule, line);
  const fix = actions.find((a) => a.title === title);
  assert.ok(fix?.edit, `${rule} on line ${line + 1} offers "${title}" as an edit; offered: ${titles(actions)}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit applies');
  assert.equal(doc.getText(), expected(before), `"${title}" changes exactly the expected text`);
  if (!stays) {
    await api().lint(doc);
    await waitForDiagnostics(doc.uri, (d) => d.filter((x) => ruleOf(x) === rule && x.message === diag.message).length === alike - 1, `${rule} "${diag.message}" gone`);
  }
  return actions;
}

const sha256 = (b: string) => createHash('sha256').update(b).digest('hex');

suite('lint quality (issue 10)', () => {
  teardown(async () => {
    api().setPromptHooks(undefined);
    await closeAllEditors();
    await fsp.rm(workspaceUri(DIR).fsPath, { recursive: true, force: true });
  });

  test("New Audit Report: the new file's diagnostics are exactly the template's gaps", async () => {
    await fsp.mkdir(workspaceUri(DIR).fsPath, { recursive: true });
    const target = workspaceUri(`${DIR}/new-phone.audit.md`);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('privacyAudit.newReport', target);
    assert.equal(uri?.toString(), target.toString());
    const text = await fsp.readFile(target.fsPath, 'utf8');
    // what the skeleton leaves to fill in, each at the line that holds it in the new file
    const at = (rule: string, line: number) => `${rule}@${line + 1}`;
    const empty = (field: string) => at('PA006', lineIs(text, field));
    const expected = [
      empty('subject: ""'),
      ...SKELETON_INSTRUCTIONS.map((sentence) => at('PA006', lineIs(text, sentence))),
      at('PA040', lineIs(text, 'id: D1')), // the device has no build
      empty('vendor: ""'),
      empty('model: ""'),
      empty('os: ""'),
      empty('  action: ""'),
      empty('  expected: ""'),
      empty('  observed: ""'),
      empty('  to: ""'),
      empty('  country: ""'),
      empty('  data: []'),
      at('PA020', lineIs(text, '- id: E1')), // neither file nor url
      empty('  description: ""'),
      at('PA014', lineIs(text, '- id: V1')), // no source
      empty('  by: ""'),
      empty('  statement: ""'),
      empty('  title: ""'),
      empty('  recommendation: ""'),
    ].sort();
    const key = (ds: vscode.Diagnostic[]) => ds.map((d) => `${ruleOf(d)}@${d.range.start.line + 1}`).sort();
    let seen: string[] = [];
    await waitForDiagnostics(target, (ds) => (seen = key(ds)).join() === expected.join(), 'the template\'s gaps').catch(() => {
      assert.deepEqual(seen, expected, 'the diagnostics of the new report, as RULE@LINE');
    });
    // and nothing is said twice: one diagnostic per gap
    assert.equal(vscode.languages.getDiagnostics(target).filter((d) => d.source === 'privacy-audit').length, expected.length);
  });

  test('PA007: "Remove the repeated `E1`" removes the repeat, in a [] list and in a block list', async () => {
    const doc = await openFixture('duplicate-references.audit.md');
    await applyFix(doc, 'PA007', 'evidence: [E1, E1]', 'Remove the repeated `E1`', (t) => replaceOnce(t, 'evidence: [E1, E1] #', 'evidence: [E1] #'));
    await applyFix(doc, 'PA007', '    - E1 # expect: PA007', 'Remove the repeated `E1`', (t) => replaceOnce(t, '    - E2\n    - E1 # expect: PA007\n', '    - E2\n'));
  });

  test('PA006: "Delete the empty `country`" deletes its line', async () => {
    const doc = await openFixture('unfilled.audit.md');
    await applyFix(doc, 'PA006', "country: ''", 'Delete the empty `country`', (t) => replaceOnce(t, "  to: \"\" # expect: PA006\n  country: '' # expect: PA006\n", '  to: "" # expect: PA006\n'));
  });

  test('PA003: `TLS 1.3` → `tls`, `China` → `CN`', async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    await applyFix(doc, 'PA003', 'encryption: TLS 1.3', 'Replace with `tls`', (t) => replaceOnce(t, 'encryption: TLS 1.3 #', 'encryption: tls #'));
    await applyFix(doc, 'PA003', 'country: China', 'Replace with `CN` (China)', (t) => replaceOnce(t, 'country: China #', 'country: CN #'));
  });

  test('PA005: "Change `E22` to `E2`" comes before the stub record, in a list and in a citation', async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    const actions = await applyFix(doc, 'PA005', 'evidence: [E1, E22]', 'Change `E22` to `E2` (evidence)', (t) => replaceOnce(t, 'evidence: [E1, E22] #', 'evidence: [E1, E2] #'));
    const change = actions.findIndex((a) => a.title.startsWith('Change `E22` to `E2`'));
    const stub = actions.findIndex((a) => a.title.startsWith('Add an evidence record `E22`'));
    assert.ok(stub > change, `the closest id first, the stub after it: ${titles(actions)}`);
    await applyFix(doc, 'PA005', 'so does [@E22]', 'Change `E22` to `E2` (evidence)', (t) => replaceOnce(t, 'so does [@E22].', 'so does [@E2].'));
  });

  test('PA014: "Add `source:`" adds the field to fill in', async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    const title = 'Add `source:` to fill in (a URL, or the id of the evidence holding the statement)';
    // a placeholder: the problem stays until the analyst fills it in
    await applyFix(doc, 'PA014', 'id: V1', title, (t) => replaceOnce(t, 'statement: Fixed.\n```', 'statement: Fixed.\nsource: ""\n```'), { stays: true });
  });

  test('PA024: "Cite E2 from flow F2" adds it to the flow\'s evidence', async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    await applyFix(doc, 'PA024', '- id: E2', 'Cite E2 from flow F2 (→ b.example.com)', (t) => replaceOnce(t, '  data: [carrier name]\n  step: S1\n```', '  data: [carrier name]\n  step: S1\n  evidence: [E2]\n```'));
  });

  test('PA030: an unknown category is declared under `categories:` in the front matter', async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    const title = 'Declare `wifi scan results` as a new category under `categories:` in the front matter (sensitivity medium)';
    await applyFix(doc, 'PA030', 'wifi scan results', title, (t) =>
      replaceOnce(t, 'auditors: [Example Analyst]\n---\n', 'auditors: [Example Analyst]\ncategories:\n  - {id: wifi-scan-results, label: wifi scan results, sensitivity: medium}\n---\n'),
    );
  });

  test("PA042: the report's date moves to the latest date", async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    await applyFix(doc, 'PA042', 'date: 2014-11-02', "Move the report's date to 2014-11-02", (t) => replaceOnce(t, '\ndate: 2014-10-24\n', '\ndate: 2014-11-02\n'));
  });

  test('PA020: "Make it a web source" turns the empty `file:` into `url:`', async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    const actions = await applyFix(doc, 'PA020', '- id: E3', 'Make it a web source: write `url:` instead of the empty `file:`', (t) => replaceOnce(t, '- id: E3 # expect: PA020\n  file: ""\n', '- id: E3 # expect: PA020\n  url: ""\n'), { stays: true });
    assert.equal(actions[0]?.title, 'Choose a file for E3…', `choosing a file is offered first: ${titles(actions)}`);
  });

  test('PA020: "Choose a file for E3…" asks for a file, and E3 gets it with its sha256 and capture time', async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    const before = doc.getText();
    const line = lineWith(before, '- id: E3');
    const { actions } = await quickFixes(doc, 'PA020', line);
    const choose = actions.find((a) => a.title === 'Choose a file for E3…');
    assert.ok(choose, `offered: ${titles(actions)}`);
    // a command that asks, not an edit
    assert.equal(choose.edit, undefined);
    assert.equal(choose.command?.command, 'privacyAudit.addEvidence');
    assert.deepEqual(choose.command?.arguments?.map((a: { report: vscode.Uri; record: string }) => [a.report.toString(), a.record]), [[doc.uri.toString(), 'E3']]);

    // the file chosen in the (hooked) open dialog: outside the report's folder, so it is copied into evidence/
    const content = 'a capture of the upload\n';
    await fsp.mkdir(workspaceUri(`${DIR}-captures`).fsPath, { recursive: true });
    const capture = workspaceUri(`${DIR}-captures/upload.pcap`);
    await fsp.writeFile(capture.fsPath, content);
    const mtime = new Date('2014-08-06T10:20:30Z');
    await fsp.utimes(capture.fsPath, mtime, mtime);
    const asked: string[] = [];
    api().setPromptHooks({
      openFiles: (title) => {
        asked.push(title);
        return [capture];
      },
    });
    try {
      const ids = await vscode.commands.executeCommand<string[] | undefined>(choose.command!.command, ...(choose.command!.arguments ?? []));
      assert.deepEqual(ids, ['E3']);
      assert.deepEqual(asked, ['Add Evidence File… (E3)'], 'the open dialog asked once, for E3');
      assert.equal(
        doc.getText(),
        replaceOnce(before, '- id: E3 # expect: PA020\n  file: ""\n  kind: pcap\n', `- id: E3 # expect: PA020\n  file: "evidence/upload.pcap"\n  sha256: ${sha256(content)}\n  kind: pcap\n  captured: 2014-08-06T10:20:30Z\n`),
        'E3 holds the file, its sha256 and its capture time; nothing else changed',
      );
      assert.equal(await fsp.readFile(workspaceUri(`${DIR}/evidence/upload.pcap`).fsPath, 'utf8'), content, 'the file is copied into the evidence folder');
      // E3's problem is gone, and its hash is right (no PA021/PA022 on it)
      await api().lint(doc);
      const e3 = lineWith(doc.getText(), '- id: E3');
      await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => /^PA02[0-2]$/.test(ruleOf(d)) && d.range.start.line >= e3 && d.range.start.line <= e3 + 5), 'no PA020-PA022 on E3');
    } finally {
      await fsp.rm(workspaceUri(`${DIR}-captures`).fsPath, { recursive: true, force: true });
    }
  });

  test('PA020: no "Choose a file…" for a file that does not exist, nor for a record without an id', async () => {
    await fsp.mkdir(workspaceUri(DIR).fsPath, { recursive: true });
    const uri = workspaceUri(`${DIR}/missing.audit.md`);
    const text = [
      '---',
      'audit-format: 1',
      'id: MISSING',
      'title: Missing evidence',
      'status: draft',
      'date: 2014-10-24',
      'auditors: [A]',
      '---',
      '# Missing [@E1]',
      '',
      '```evidence',
      '- id: E1',
      '  file: evidence/not-there.pcap',
      '- kind: log',
      '  file: ""',
      '```',
      '',
    ].join('\n');
    await fsp.writeFile(uri.fsPath, text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const missing = await quickFixes(doc, 'PA020', lineIs(text, '  file: evidence/not-there.pcap'));
    assert.match(missing.diag.message, /does not exist/);
    assert.ok(!missing.actions.some((a) => /^Choose a file/.test(a.title)), titles(missing.actions));
    const noId = await quickFixes(doc, 'PA020', lineIs(text, '- kind: log'));
    assert.match(noId.diag.message, /names neither/);
    assert.ok(!noId.actions.some((a) => /^Choose a file/.test(a.title)), titles(noId.actions));
  });

  test('Fix all applies the safe fixes only', async () => {
    const doc = await openFixture('quick-fixes.audit.md');
    const before = doc.getText();
    await api().lint(doc);
    await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ruleOf(d) === 'PA003'), 'PA003');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll.value);
    const all = actions.find((a) => a.kind?.value === 'source.fixAll.privacyAudit');
    assert.ok(all?.edit, titles(actions));
    assert.equal(all.command, undefined, 'Fix all runs no command (no file dialog)');
    assert.equal(all.title, 'Fix all safe Privacy Audit problems (3)');
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    // the certain ones (a country's name or lower-case code, the same word in other spelling); not `TLS 1.3`
    // (a guess), the did-you-mean ids, the date, the category, the citation, or the placeholders
    let expected = replaceOnce(before, 'country: China #', 'country: CN #');
    expected = replaceOnce(expected, 'consent: Opt in #', 'consent: opt-in #');
    expected = replaceOnce(expected, 'country: cn #', 'country: CN #');
    assert.equal(doc.getText(), expected);

    // every PA007 repeat is safe: all of them go at once
    const dup = await openFixture('duplicate-references.audit.md');
    const dupBefore = dup.getText();
    await api().lint(dup);
    await waitForDiagnostics(dup.uri, (ds) => ds.some((d) => ruleOf(d) === 'PA007'), 'PA007');
    const dupAll = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dup.uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll.value)).find(
      (a) => a.kind?.value === 'source.fixAll.privacyAudit',
    );
    assert.ok(dupAll?.edit);
    assert.ok(await vscode.workspace.applyEdit(dupAll.edit));
    let dupExpected = replaceOnce(dupBefore, 'evidence: [E1, E1] #', 'evidence: [E1] #');
    dupExpected = replaceOnce(dupExpected, 'evidence: [E2#frame=3, E1, E2#frame=3, "E1"] #', 'evidence: [E2#frame=3, E1] #');
    dupExpected = replaceOnce(dupExpected, '    - E2\n    - E1 # expect: PA007\n', '    - E2\n');
    dupExpected = replaceOnce(dupExpected, 'flows: [F1, F2, F1, F1] #', 'flows: [F1, F2] #');
    assert.equal(dup.getText(), dupExpected);
    await api().lint(dup);
    await waitForDiagnostics(dup.uri, (ds) => !ds.some((d) => ruleOf(d) === 'PA007'), 'no PA007 left');
  });
});
