// Runs bench/vscode/index.ts inside VS Code 1.100 (code-server + headless
// Chromium) and prints its figures. A benchmark, not a test: `npm run bench:vscode`.
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { ensureCodeServer, startCodeServer } from './code-server.mjs';
import { REPO_ROOT, buildExtension, formatAutomationLog, launchBrowser, makeWorkspace, removeWorkspace, workbenchUrl } from '../test/vscode/harness.mjs';

const OUT = path.join(REPO_ROOT, 'out', 'bench', 'index.js');
await buildExtension();
await esbuild.build({ entryPoints: [path.join(REPO_ROOT, 'bench', 'vscode', 'index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: OUT, external: ['vscode'], logLevel: 'warning' });
await ensureCodeServer({ quiet: true });
const workspace = makeWorkspace('privacy-audit-bench-');
const server = await startCodeServer({ workspace, env: { PRIVACY_AUDIT_TRACE: '1' } });
const browser = await launchBrowser();
let code = 1;
try {
  const exited = new Promise((resolve) => {
    browser.page.exposeFunction('codeAutomationExit', (c) => resolve(c));
  });
  await browser.page.exposeFunction('codeAutomationLog', (_type, args) => {
    const line = formatAutomationLog(args);
    if (line && /BENCH|Error|error/.test(line)) console.log(line.replace(/^.*BENCH /, ''));
  });
  await browser.page.goto(workbenchUrl(server, { folder: workspace, testsPath: OUT }), { waitUntil: 'domcontentloaded' });
  code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 300_000))]);
  if (code !== 0) {
    console.log(`benchmark did not finish (exit ${code})`);
    server.dumpLogs();
  }
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
  removeWorkspace(workspace);
}
process.exit(code === 0 ? 0 : 1);
