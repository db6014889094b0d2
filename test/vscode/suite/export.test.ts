/** The export commands inside VS Code: a PDF and a self-contained HTML file of the example, redacted. */
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { leaks, maskedValues, pdfText } from './leaks';
import { closeAllEditors, openText, workspaceUri } from './util';

const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';
const IMEI = '869999012345677';

/** The values the example asks to mask (its `redact` list and its device's identifiers), read from the workspace's copy. */
async function exampleSecrets(): Promise<string[]> {
  const values = maskedValues(await fsp.readFile(workspaceUri(EXAMPLE).fsPath, 'utf8'));
  assert.ok(values.includes(IMEI) && values.length >= 5, `the example's values to mask were read: ${values.join(', ')}`);
  return values;
}

suite('export', () => {
  teardown(closeAllEditors);

  test('Export to PDF writes a PDF next to where it is asked', async function () {
    this.timeout(120_000);
    await openText(EXAMPLE);
    const out = workspaceUri('out/report.pdf');
    await fsp.mkdir(workspaceUri('out').fsPath, { recursive: true });
    const written = await vscode.commands.executeCommand<string | undefined>('privacyAudit.exportPdf', undefined, out);
    assert.equal(written, out.fsPath);
    const pdf = await fsp.readFile(out.fsPath);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 20_000, `a real document (${pdf.length} bytes)`);
    // what a reader gets out of the PDF (its content streams are compressed: the raw bytes hold no text at all)
    const { text, info } = pdfText(out.fsPath);
    const flat = text.replace(/\s+/g, ' ');
    // the extraction works: the title, the subject and the masks are there
    assert.ok(flat.includes('Xiaomi Redmi 1S'), `the title is in the PDF's text:\n${text.slice(0, 500)}`);
    assert.ok(flat.includes('MIUI Cloud Messaging'), 'the subject is in the PDF\'s text');
    assert.ok(flat.includes('[redacted]'), 'the masked identifiers show as [redacted]');
    assert.match(info, /^Title:\s+Xiaomi Redmi 1S/m, 'the document information has the title');
    // and no value the report asks to mask, in any form the redaction covers (as written, or with separators)
    const secrets = await exampleSecrets();
    assert.deepEqual(leaks(text, secrets), [], 'in the PDF\'s text');
    assert.deepEqual(leaks(info, secrets), [], 'in the PDF\'s document information');
  });

  test('Export to HTML writes one self-contained file without scripts', async function () {
    this.timeout(120_000);
    const uri = workspaceUri(EXAMPLE);
    const out = workspaceUri('out/report.html');
    await fsp.mkdir(workspaceUri('out').fsPath, { recursive: true });
    const written = await vscode.commands.executeCommand<string | undefined>('privacyAudit.exportHtml', uri, out);
    assert.equal(written, out.fsPath);
    const html = await fsp.readFile(out.fsPath, 'utf8');
    assert.match(html, /<svg[\s>]/, 'the diagrams are inline SVG');
    assert.ok(!/<script/i.test(html), 'no script');
    assert.ok(!/<link\b|src="(?!data:)/i.test(html), 'nothing loaded from elsewhere');
    assert.ok(html.includes('api.account.xiaomi.com'));
    assert.ok(html.includes('[redacted]'), 'the masks are there');
    const secrets = await exampleSecrets();
    assert.deepEqual(secrets.filter((v) => html.includes(v)), [], 'no value to mask is in the HTML as written');
  });

  test("a report named after the phone's IMEI is exported beside it under a masked name (issue 8, 3)", async function () {
    this.timeout(120_000);
    const name = `out/imei-${IMEI}.audit.md`;
    await fsp.mkdir(workspaceUri('out').fsPath, { recursive: true });
    const text = ['---', 'audit-format: 1', 'id: T-5', 'title: Named', 'status: final', 'date: 2024-01-01', 'auditors: [A]', '---', 'Text.', '', '```device', `identifiers: {IMEI: "${IMEI}"}`, '```', ''].join('\n');
    await fsp.writeFile(workspaceUri(name).fsPath, text);
    const written = await vscode.commands.executeCommand<string | undefined>('privacyAudit.exportHtml', workspaceUri(name));
    assert.equal(written, workspaceUri('out/imei-redacted.html').fsPath);
    const html = await fsp.readFile(written!, 'utf8');
    assert.ok(html.includes('Named'), 'the report was exported');
    assert.ok(!html.includes(IMEI) && !html.includes('12345677'));
  });
});
