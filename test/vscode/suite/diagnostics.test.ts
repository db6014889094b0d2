/**
 * The linter's problems as VS Code shows them: the extension must publish
 * exactly the diagnostics the fixture's `expect:` markers name, on the right
 * lines, with the rule id as a code that links to the rule's page, and must
 * keep the bundled example clean.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { actualOf, closeAllEditors, describe, expectedOf, openText, ours, ruleOf, waitForDiagnostics } from './util';

const BROKEN = 'examples/broken/records.audit.md';
const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

suite('diagnostics', () => {
  teardown(closeAllEditors);

  test(`${BROKEN}: (rule, line) pairs equal the expect markers`, async () => {
    const editor = await openText(BROKEN);
    const uri = editor.document.uri;
    const expected = expectedOf(editor.document.getText());
    assert.ok(expected.length > 20, `the fixture should carry many expect markers, found ${expected.length}`);
    // wait until the set matches; on a timeout, compare what we have so the diff is printed
    await waitForDiagnostics(uri, () => sameSet(actualOf(uri), expected), 'diagnostics equal to the expect markers').catch((err: Error) => {
      assert.deepEqual(actualOf(uri), expected, `${err.message}`);
      throw err;
    });
    assert.deepEqual(actualOf(uri), expected);
  });

  test(`${BROKEN}: each diagnostic carries its rule as a code linking to the rule page`, async () => {
    const editor = await openText(BROKEN);
    const uri = editor.document.uri;
    const diagnostics = await waitForDiagnostics(uri, (d) => d.length > 0, 'any diagnostic');
    for (const d of diagnostics) {
      assert.equal(typeof d.code, 'object', `code of "${d.message}" should be { value, target }`);
      const code = d.code as { value: string | number; target: vscode.Uri };
      assert.match(String(code.value), /^PA\d{3}$/);
      assert.ok(code.target instanceof vscode.Uri, `target of ${code.value} should be a Uri`);
      assert.ok(code.target.toString().includes(`${code.value}`), `target ${code.target.toString()} should name ${code.value}`);
      assert.ok(d.message.length > 0);
    }
    const evidence = diagnostics.find((d) => ruleOf(d) === 'PA021');
    assert.ok(evidence, 'PA021 (hash mismatch on evidence/changed.log) should be reported');
    assert.equal(evidence.severity, vscode.DiagnosticSeverity.Error, 'PA021 is an error');
  });

  test(`${EXAMPLE}: lints clean, and an edit is linted while typing`, async () => {
    const editor = await openText(EXAMPLE);
    const uri = editor.document.uri;
    // A clean file may publish nothing, so prove the linter runs on it: add a
    // citation of a record that does not exist, wait for PA005 on that line,
    // take it out again and wait for the problems to go.
    const line = editor.document.lineCount;
    const added = '\nSee also [@E999].\n';
    const ok = await editor.edit((b) => b.insert(editor.document.lineAt(line - 1).range.end, added));
    assert.ok(ok, 'the edit should apply');
    const citeLine = line + 1; // 1-based line of "See also [@E999]."
    await waitForDiagnostics(uri, () => actualOf(uri).includes(`PA005@${citeLine}`), `PA005 on line ${citeLine}`);
    assert.ok(editor.document.isDirty);

    const undone = await editor.edit((b) => b.delete(new vscode.Range(editor.document.lineAt(line - 1).range.end, editor.document.lineAt(editor.document.lineCount - 1).range.end)));
    assert.ok(undone, 'removing the edit should apply');
    await waitForDiagnostics(uri, (d) => d.length === 0, 'no diagnostics after the edit is removed');
    assert.deepEqual(ours(uri), [], describe(uri));
  });
});
