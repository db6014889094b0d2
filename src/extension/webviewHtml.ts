/**
 * The HTML shell of both webviews: a strict Content-Security-Policy with a
 * fresh nonce from a cryptographic source, no remote loads, scripts only from
 * the extension's own bundles. Mermaid writes <style> into its SVGs, so styles
 * allow 'unsafe-inline'; scripts never do.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, opts: { script: string; title: string; bodyClass: string }): string {
  const n = nonce();
  const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(opts.title)}</title>
<link rel="stylesheet" href="${uri('media', 'report.css')}">
<link rel="stylesheet" href="${uri('media', 'timeline.css')}">
<link rel="stylesheet" href="${uri('media', 'webview.css')}">
</head>
<body class="${esc(opts.bodyClass)}">
<div id="app" role="main"></div>
<script nonce="${n}" src="${uri('dist', 'webview', 'mermaid.min.js')}"></script>
<script nonce="${n}" src="${uri('dist', 'webview', opts.script)}"></script>
</body>
</html>`;
}
