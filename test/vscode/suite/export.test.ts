/** The export commands inside VS Code: a PDF and a self-contained HTML file of the example, redacted. */
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { closeAllEditors, openText, workspaceUri } from './util';

const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';

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
    // the device's IMEI is masked everywhere: not even in the PDF's text streams' plain parts
    assert.ok(!pdf.toString('latin1').includes('869999012345677'));
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
    assert.ok(!html.includes('869999012345677'), 'the IMEI is redacted');
    assert.ok(html.includes('api.account.xiaomi.com'));
  });

  test("a report named after the phone's IMEI is exported beside it under a masked name (issue 8, 3)", async function () {
    this.timeout(120_000);
    const name = 'out/imei-869999012345677.audit.md';
    await fsp.mkdir(workspaceUri('out').fsPath, { recursive: true });
    const text = ['---', 'audit-format: 1', 'id: T-5', 'title: Named', 'status: final', 'date: 2024-01-01', 'auditors: [A]', '---', 'Text.', '', '```device', 'identifiers: {IMEI: "869999012345677"}', '```', ''].join('\n');
    await fsp.writeFile(workspaceUri(name).fsPath, text);
    const written = await vscode.commands.executeCommand<string | undefined>('privacyAudit.exportHtml', workspaceUri(name));
    assert.equal(written, workspaceUri('out/imei-redacted.html').fsPath);
    const html = await fsp.readFile(written!, 'utf8');
    assert.ok(!html.includes('869999012345677') && !html.includes('12345677'));
  });
});
