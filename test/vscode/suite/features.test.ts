/**
 * The editor features, through VS Code's own command API (the same calls the
 * workbench makes): quick fixes applied and their result checked, fix-all,
 * completion, hover, definition, references, rename, symbols, the commands,
 * the evidence watcher and configuration changes. Every wait is on an event.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { actualOf, closeAllEditors, openText, ours, ruleOf, waitForDiagnostics, workspaceUri } from './util';

const BROKEN = 'examples/broken/records.audit.md';
const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Position just after the first occurrence of `needle` (optionally after `from`). */
function after(doc: vscode.TextDocument, needle: string, from = 0): vscode.Position {
  const i = doc.getText().indexOf(needle, from);
  assert.ok(i >= 0, `"${needle}" should be in ${vscode.workspace.asRelativePath(doc.uri)}`);
  return doc.positionAt(i + needle.length);
}

/** Lints `doc` now through the extension's API, so diagnostics and fixes belong to its current text. */
async function linted(doc: vscode.TextDocument): Promise<void> {
  const api = vscode.extensions.getExtension<{ lint(d: vscode.TextDocument): Promise<unknown> }>('privacy-audit.privacy-audit')!.exports;
  await api.lint(doc);
}

async function quickFixes(doc: vscode.TextDocument, rule: string, line: number): Promise<vscode.CodeAction[]> {
  await linted(doc);
  const diag = await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ruleOf(d) === rule && d.range.start.line === line), `${rule} on line ${line + 1}`).then((ds) =>
    ds.find((d) => ruleOf(d) === rule && d.range.start.line === line)!,
  );
  // the quick fixes offered for the diagnostic's range (the API does not return each action's diagnostics)
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
  return actions.filter((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value);
}

function lineOf(doc: vscode.TextDocument, needle: string): number {
  return after(doc, needle).line;
}

suite('quick fixes', () => {
  teardown(closeAllEditors);

  test('PA022: record the sha256 of an evidence file', async () => {
    const { document: doc } = await openText(BROKEN);
    const line = lineOf(doc, 'file: evidence/unhashed.log');
    const fixes = await quickFixes(doc, 'PA022', line);
    const fix = fixes.find((a) => /Record the sha256/.test(a.title));
    assert.ok(fix?.edit, fixes.map((f) => f.title).join(' | '));
    assert.match(fix.title, /Record the sha256/);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const expected = sha256(await fsp.readFile(workspaceUri('examples/broken/evidence/unhashed.log').fsPath));
    // the hash goes in as the record's last field
    assert.match(doc.getText(), new RegExp(`file: evidence/unhashed\\.log # expect: PA022\\n  kind: log\\n  captured: 2014-08-06\\n  sha256: ${expected}\\n`));
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => ruleOf(d) === 'PA022' && d.range.start.line === line), 'PA022 gone');
  });

  test('PA005: a stub evidence record for an undefined citation', async () => {
    const { document: doc } = await openText(BROKEN);
    const line = lineOf(doc, '[@E99]');
    const fix = (await quickFixes(doc, 'PA005', line)).find((a) => /Add an evidence record/.test(a.title) && /E99/.test(a.title));
    assert.ok(fix?.edit, 'a fix that adds E99');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /```evidence\nid: E99\nfile: ""\n[\s\S]*```\n$/);
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => ruleOf(d) === 'PA005' && d.range.start.line === line), 'PA005 on the citation gone');
  });

  test("PA010: cite the step's evidence in a flow", async () => {
    const { document: doc } = await openText(BROKEN);
    const line = lineOf(doc, '- id: F2');
    const fixes = await quickFixes(doc, 'PA010', line);
    const cite = fixes.find((a) => /Cite the evidence of step S1/.test(a.title));
    assert.ok(cite?.edit, fixes.map((f) => f.title).join(' | '));
    assert.ok(fixes.some((a) => /evidence: \[\]/.test(a.title)), 'the placeholder fix is offered too');
    assert.ok(await vscode.workspace.applyEdit(cite.edit));
    assert.match(doc.getText(), /  step: S1\n  evidence: \[E1\]\n- id: F3/);
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => ruleOf(d) === 'PA010'), 'PA010 gone');
  });

  test('PA030: replace an unknown data category with the suggestion', async () => {
    const { document: doc } = await openText(BROKEN);
    const line = lineOf(doc, 'sms metadta');
    const fixes = await quickFixes(doc, 'PA030', line);
    const fix = fixes.find((a) => /Replace with/.test(a.title));
    assert.ok(fix?.edit, fixes.map((f) => f.title).join(' | '));
    assert.match(fix.title, /sms metadata/);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(line).text, /data: \[contacts, sms metadata\]/);
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => ruleOf(d) === 'PA030' && d.range.start.line === line), 'PA030 gone');
  });

  test('PA021: updating the hash of a changed file needs a confirmation (a command, no direct edit)', async () => {
    const { document: doc } = await openText(BROKEN);
    const line = lineOf(doc, 'deadbeef');
    const fixes = await quickFixes(doc, 'PA021', line);
    const fix = fixes.find((a) => /current sha256/.test(a.title));
    assert.ok(fix, fixes.map((f) => f.title).join(' | '));
    assert.equal(fix.edit, undefined, 'no silent edit');
    assert.equal(fix.command?.command, 'privacyAudit.applyConfirmedFix');
    assert.match(String(fix.command?.arguments?.[2]), /no longer matches the hash recorded/);
  });

  test('fix all applies every safe fix at once and no confirmation-only fix', async () => {
    const { document: doc } = await openText(BROKEN);
    await linted(doc);
    await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ruleOf(d) === 'PA022'), 'PA022');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll.value);
    const all = actions.find((a) => a.kind?.value === 'source.fixAll.privacyAudit');
    assert.ok(all?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    const text = doc.getText();
    assert.ok(text.includes('serial number: "SN-TEST-0001"') && text.includes('sms metadata'), 'PA030 fixes applied');
    assert.ok(text.includes('deadbeefdeadbeef'), 'the changed-file hash (PA021) is left alone');
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => ['PA022', 'PA030'].includes(ruleOf(d))), 'PA022 and PA030 gone');
  });
});

suite('completion, hover, navigation', () => {
  teardown(closeAllEditors);

  async function complete(doc: vscode.TextDocument, pos: vscode.Position, trigger?: string): Promise<vscode.CompletionItem[]> {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos, trigger);
    return list.items;
  }
  const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);

  test('enumerated values, data categories, references and citations', async () => {
    const editor = await openText(BROKEN);
    const doc = editor.document;
    // a value being typed: replace `tls` of F2 with nothing and ask at the cursor
    const enc = after(doc, 'encryption: ', doc.getText().indexOf('- id: F2'));
    await editor.edit((b) => b.delete(new vscode.Range(enc, enc.translate(0, 3))));
    const values = (await complete(doc, enc)).map(label);
    for (const v of ['none', 'tls', 'encoded', 'custom', 'unknown']) assert.ok(values.includes(v), `${v} in ${values.join()}`);

    const data = after(doc, 'data: [contacts, ');
    const categories = await complete(doc, data);
    const imei = categories.find((i) => label(i) === 'IMEI');
    assert.ok(imei, categories.map(label).join());
    assert.match(String(imei.detail), /^high sensitivity/);

    const ev = after(doc, 'evidence: [E1#frame=12');
    const ids = (await complete(doc, ev.translate(0, -'E1#frame=12'.length))).map(label);
    assert.ok(ids.includes('E1') && ids.includes('E8') && !ids.includes('F1') && !ids.includes('S1'), ids.join());

    const cite = after(doc, 'cites [@');
    const cited = (await complete(doc, cite)).map(label);
    assert.ok(cited.includes('E1') && cited.includes('F1') && cited.includes('V1'), cited.join());
  });

  test('hover on a citation shows the evidence record and a matching hash', async () => {
    const { document: doc } = await openText(EXAMPLE);
    await waitForDiagnostics(doc.uri, () => true, 'linted');
    // wait for the first lint (hash status) of this document
    const pos = after(doc, '[@E1');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos.translate(0, -1));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*evidence E1\*\*/);
    assert.match(text, /Hash: ✓ matches the file/);
  });

  test('hover on a data category and on a changed evidence hash', async () => {
    const { document: doc } = await openText(BROKEN);
    await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ruleOf(d) === 'PA021'), 'PA021');
    const text = async (pos: vscode.Position) =>
      (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(await text(after(doc, 'data: [IM')), /IMEI.*high sensitivity/);
    assert.match(await text(after(doc, '[@E2').translate(0, -1)), /Hash: ✗ the file has changed/);
  });

  test('definition and references of an id, citations included', async () => {
    const { document: doc } = await openText(BROKEN);
    const use = after(doc, 'step: S').translate(0, 0);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, use);
    assert.equal(defs.length, 1);
    const def = defs[0]!;
    const range = 'range' in def ? def.range : def.targetRange;
    assert.equal(doc.getText(range), 'S1');
    assert.equal(range.start.line, lineOf(doc, '- id: S1'));
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, after(doc, '- id: E1').translate(0, -1));
    const lines = refs.map((r) => r.range.start.line);
    assert.ok(lines.includes(lineOf(doc, 'cites [@E1]')), 'the prose citation is a reference');
    assert.ok(lines.includes(lineOf(doc, 'evidence: [E1#frame=12]')), 'a reference with a locator');
    assert.ok(refs.every((r) => doc.getText(r.range) === 'E1'));
  });

  test('rename an id: the definition, every reference and every citation follow', async () => {
    const { document: doc } = await openText(BROKEN);
    const before = doc.getText();
    const count = (t: string, id: string) => (t.match(new RegExp(`\\b${id}\\b`, 'g')) ?? []).length;
    const n = count(before, 'E1');
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, after(doc, '- id: E1').translate(0, -1), 'E42');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const text = doc.getText();
    assert.equal(count(text, 'E1'), 0);
    assert.equal(count(text, 'E42'), n);
    assert.ok(text.includes('[@E42]') && text.includes('evidence: [E42#frame=12]') && text.includes('- id: E42'));
  });

  test('the outline lists records under their sections; workspace symbols find records', async () => {
    const { document: doc } = await openText(EXAMPLE);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    const flat = (s: vscode.DocumentSymbol[], path: string[] = []): string[] => s.flatMap((x) => [[...path, x.name].join(' > '), ...flat(x.children, [...path, x.name])]);
    const names = flat(symbols);
    assert.ok(names.some((n) => /> Observed data flows > F1$/i.test(n) || /> F1$/.test(n)), names.slice(0, 40).join('\n'));
    const f1 = names.find((n) => n.endsWith('> F1'))!;
    assert.ok(f1.split(' > ').length >= 3, `F1 sits under a section: ${f1}`);
    const ws = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'FN1');
    assert.ok(ws.some((s) => s.name.startsWith('FN1') && s.location.uri.path.endsWith('redmi-1s.audit.md')), ws.map((s) => s.name).join());
  });
});

suite('commands, watchers, configuration', () => {
  teardown(closeAllEditors);

  test('Add Evidence File: copies the file into the evidence folder, hashes it, inserts a record with the next id', async () => {
    const { document: doc } = await openText(EXAMPLE);
    const outside = workspaceUri('new-capture.pcap');
    const bytes = new TextEncoder().encode('pretend pcap bytes\n');
    await fsp.writeFile(outside.fsPath, bytes);
    const ids = await vscode.commands.executeCommand<string[]>('privacyAudit.addEvidence', { report: doc.uri, files: [outside] });
    assert.deepEqual(ids, ['E16']);
    const copied = workspaceUri('examples/xiaomi-redmi-1s/evidence/new-capture.pcap');
    assert.deepEqual(new Uint8Array(await fsp.readFile(copied.fsPath)), bytes);
    assert.match(doc.getText(), new RegExp(`- id: E16\\n  file: evidence/new-capture\\.pcap\\n  sha256: ${sha256(bytes)}\\n  kind: pcap\\n`));
    // the new record is hashed correctly: the only new problems are that nothing cites it yet, and that its
    // capture date (the file's modification time, today) is after the 2014 report's date
    await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ruleOf(d) === 'PA024'), 'PA024 for the new record');
    const captured = lineOf(doc, '- id: E16') + 4;
    assert.match(doc.lineAt(captured).text, /^  captured: \d{4}-\d{2}-\d{2}T/);
    // (and the made-up .pcap is no capture: PA053 says, as an info, that it cannot be read)
    assert.deepEqual(actualOf(doc.uri).filter((x) => !/^PA02[0-3]/.test(x) && !x.startsWith('PA041') && x !== `PA042@${captured + 1}` && !x.startsWith('PA024') && x !== `PA053@${lineOf(doc, '- id: E16') + 1}`), []);
    assert.ok(!actualOf(doc.uri).some((x) => /^PA02[0-3]/.test(x)), actualOf(doc.uri).join());
    await fsp.rm(copied.fsPath);
    await fsp.rm(outside.fsPath);
  });

  test('New Audit Report writes a skeleton and lints it', async () => {
    const target = workspaceUri('drafts/phone-x.audit.md');
    await fsp.mkdir(workspaceUri('drafts').fsPath, { recursive: true });
    const uri = await vscode.commands.executeCommand<vscode.Uri>('privacyAudit.newReport', target);
    assert.equal(uri?.toString(), target.toString());
    const text = await fsp.readFile(target.fsPath, 'utf8');
    assert.match(text, /^---\naudit-format: 1\nid: "AUDIT-\d{4}-PHONE-X"\n/);
    const ds = await waitForDiagnostics(target, (d) => d.length > 0, 'the skeleton linted');
    assert.ok(!ds.some((d) => ['PA001', 'PA002', 'PA004', 'PA005'].includes(ruleOf(d))), ds.map((d) => `${ruleOf(d)} ${d.message}`).join('\n'));
    await fsp.rm(workspaceUri('drafts').fsPath, { recursive: true });
  });

  test('Lint Workspace fills the Problems panel for reports that are not open', async () => {
    const yaml = workspaceUri('examples/broken/yaml.audit.md');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === yaml.toString()));
    const result = await vscode.commands.executeCommand<{ reports: number; problems: number }>('privacyAudit.lintWorkspace');
    assert.ok(result.reports >= 6, JSON.stringify(result));
    assert.ok(ours(yaml).filter((d) => ruleOf(d) === 'PA002').length >= 6, 'yaml.audit.md has its PA002 problems');
  });

  test('Lint Workspace does not read a report far over the size limit: it says so in the Problems panel (issue 8, 7)', async function () {
    this.timeout(60_000);
    const big = workspaceUri('drafts-big/huge.audit.md');
    await fsp.mkdir(workspaceUri('drafts-big').fsPath, { recursive: true });
    // 400 MB, sparse: reading it whole would cost the extension host that much memory
    await fsp.writeFile(big.fsPath, '');
    await fsp.truncate(big.fsPath, 400 * 1024 * 1024);
    try {
      const result = await vscode.commands.executeCommand<{ reports: number; problems: number }>('privacyAudit.lintWorkspace');
      assert.ok(result.reports >= 7, JSON.stringify(result));
      const ds = vscode.languages.getDiagnostics(big);
      assert.equal(ds.length, 1, ds.map((d) => d.message).join('\n'));
      assert.match(ds[0]!.message, /^Not read: it is too large \(419430400 bytes; the limit is \d+\)\.$/);
      const symbols = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'F1');
      assert.ok(symbols.length > 0);
    } finally {
      await fsp.rm(workspaceUri('drafts-big').fsPath, { recursive: true });
    }
  });

  test('an evidence file changed on disk makes PA021 appear', async () => {
    const { document: doc } = await openText(BROKEN);
    const file = workspaceUri('examples/broken/evidence/good.log').fsPath;
    const original = await fsp.readFile(file);
    const line = lineOf(doc, '774a8fa580d6b3fe');
    await waitForDiagnostics(doc.uri, (ds) => ds.length > 0 && !ds.some((d) => ruleOf(d) === 'PA021' && d.range.start.line === line), 'a first lint');
    try {
      await fsp.writeFile(file, 'tampered\n');
      await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ruleOf(d) === 'PA021' && d.range.start.line === line), 'PA021 on the E1 hash');
    } finally {
      await fsp.writeFile(file, original);
    }
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => ruleOf(d) === 'PA021' && d.range.start.line === line), 'PA021 gone after restoring');
  });

  test('.privacy-audit.yaml applies at once', async () => {
    const { document: doc } = await openText(BROKEN);
    await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ruleOf(d) === 'PA024'), 'PA024 before');
    const config = workspaceUri('.privacy-audit.yaml');
    await fsp.writeFile(config.fsPath, 'lint:\n  PA024: off\n  PA040: error\n');
    try {
      const ds = await waitForDiagnostics(doc.uri, (d) => !d.some((x) => ruleOf(x) === 'PA024') && d.some((x) => ruleOf(x) === 'PA040' && x.severity === vscode.DiagnosticSeverity.Error), 'PA024 off and PA040 an error');
      assert.ok(ds.length > 0);
    } finally {
      await fsp.rm(config.fsPath);
    }
    await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => ruleOf(d) === 'PA024'), 'PA024 back after the file is removed');
  });
});
