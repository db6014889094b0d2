#!/usr/bin/env node
// Runs the integration suites (test/vscode/suite) in a desktop VS Code through
// @vscode/test-electron, for machines that have one. It never downloads VS
// Code: point VSCODE_EXECUTABLE_PATH at an installed `code` binary (on Linux
// e.g. /usr/share/code/code, on macOS
// "/Applications/Visual Studio Code.app/Contents/MacOS/Electron").
// Where no desktop VS Code can be had, use scripts/test-vscode.mjs (code-server).
//
// Usage: VSCODE_EXECUTABLE_PATH=/path/to/code node scripts/test-electron.mjs [--no-build] [--grep TEXT]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, SUITE_OUT, buildExtension, buildSuites, makeWorkspace, removeWorkspace } from '../test/vscode/harness.mjs';

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    grep: { type: 'string' },
  },
});

if (!opts['no-build']) {
  await buildExtension();
  await buildSuites();
}

const exe = process.env.VSCODE_EXECUTABLE_PATH;
if (!exe) {
  console.error(`VSCODE_EXECUTABLE_PATH is not set.

This runner starts a desktop VS Code that is already installed; it never downloads one.
  VSCODE_EXECUTABLE_PATH=/usr/share/code/code node scripts/test-electron.mjs        (Linux, .deb/.rpm install)
  VSCODE_EXECUTABLE_PATH="/Applications/Visual Studio Code.app/Contents/MacOS/Electron" node scripts/test-electron.mjs   (macOS)
  set VSCODE_EXECUTABLE_PATH=%LOCALAPPDATA%\\Programs\\Microsoft VS Code\\Code.exe && node scripts\\test-electron.mjs     (Windows)
On Linux without a display, run it under xvfb-run -a.
Without a desktop VS Code (as on the CI machines), run the same suites in code-server instead:
  node scripts/test-vscode.mjs --integration-only`);
  process.exit(2);
}
if (!fs.existsSync(exe)) {
  console.error(`VSCODE_EXECUTABLE_PATH=${exe} does not exist.`);
  process.exit(2);
}

const { runTests } = await import('@vscode/test-electron');
const workspace = makeWorkspace('privacy-audit-electron-ws-');
const resultsFile = path.join(os.tmpdir(), `${path.basename(workspace)}-results.json`);
let code = 1;
let results = null;
try {
  await runTests({
    vscodeExecutablePath: exe,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: path.join(SUITE_OUT, 'index.js'),
    extensionTestsEnv: {
      PRIVACY_AUDIT_TEST_RESULTS: resultsFile,
      ...(opts.grep ? { PRIVACY_AUDIT_TEST_GREP: opts.grep } : {}),
    },
    // test-electron adds --disable-workspace-trust, --user-data-dir and --extensions-dir (in .vscode-test/)
    launchArgs: [workspace, '--disable-extensions'],
  });
  code = 0;
} catch (err) {
  console.error(`\n[test-electron] ${err?.message ?? err}`);
} finally {
  if (fs.existsSync(resultsFile)) results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  fs.rmSync(resultsFile, { force: true });
  removeWorkspace(workspace);
}
if (results?.error) console.error(`[test-electron] ${results.error}`);
if (!results) console.error('[test-electron] the test module reported no results (did VS Code start? was the extension loaded?)');
const passed = results?.passed ?? 0;
const failed = (results?.failed ?? 0) + (code !== 0 && !results?.failed ? 1 : 0);
console.log(`\n${passed} passed, ${failed} failed${results?.skipped ? `, ${results.skipped} skipped` : ''}`);
process.exit(code === 0 && results && results.passed > 0 ? 0 : 1);
