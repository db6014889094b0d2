#!/usr/bin/env node
// Runs the extension's tests inside a real VS Code (1.100.3 from the npm
// package code-server, driven by Debian's Chromium through playwright-core):
//
//   1. integration: test/vscode/suite/*.test.ts run with mocha inside the
//      extension host, with the `vscode` API (extensionTestsPath);
//   2. UI: test/vscode/ui/*.test.mjs run with mocha here in Node and drive the
//      workbench through Chromium (keyboard, Problems panel, screenshots).
//
// Usage: node scripts/test-vscode.mjs [--integration-only | --ui-only] [--keep-open]
//          [--timeout SECONDS] [--grep TEXT] [--extension-path DIR] [--keep-scratch]
// Prints "N passed, M failed" (", K skipped" when tests were skipped) as its
// last line; exits 1 on any failure, timeout or a missing extension.
// See test/vscode/README.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CODE_SERVER_VERSION, PrerequisiteError, checkPrerequisites, ensureCodeServer, extensionProblems, extensionWarnings, startCodeServer } from './code-server.mjs';
import {
  EXTENSION_ID,
  REPO_ROOT,
  SUITE_OUT,
  buildExtension,
  buildSuites,
  formatAutomationLog,
  launchBrowser,
  makeWorkspace,
  removeWorkspace,
  workbenchUrl,
} from '../test/vscode/harness.mjs';

const { values: opts } = parseArgs({
  options: {
    'integration-only': { type: 'boolean', default: false },
    'ui-only': { type: 'boolean', default: false },
    'keep-open': { type: 'boolean', default: false },
    'keep-scratch': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '180' },
    grep: { type: 'string' },
    'extension-path': { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (opts.help) {
  console.log(`node scripts/test-vscode.mjs [options]
  --integration-only   only the suites inside the extension host (test/vscode/suite)
  --ui-only            only the workbench UI tests (test/vscode/ui)
  --keep-open          start code-server with the extension and the test workspace, print the URL, wait for Ctrl+C
  --timeout SECONDS    limit for the integration run (default 180)
  --grep TEXT          only tests whose full title contains TEXT (both kinds)
  --extension-path DIR load the extension from DIR instead of this repository (tests still come from here)
  --no-build           skip building the extension and the suites
  --keep-scratch       keep the temporary workspace and code-server folders
  --verbose            also print the workbench's own log lines`);
  process.exit(0);
}

const timeoutMs = Number(opts.timeout) * 1000;
const extensionPath = path.resolve(opts['extension-path'] ?? REPO_ROOT);
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (msg) => console.log(`[test-vscode ${elapsed()}] ${msg}`);

/** The workbench's own chatter (and the marketplace it cannot reach): shown only with --verbose. */
const WORKBENCH_NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore:)|ENOTFOUND open-vsx\.org/;

/** Totals over both kinds of test. A skipped test is never counted as passed. */
const totals = { passed: 0, failed: 0, skipped: 0, broken: 0 };
const problems = [];

function finish() {
  say(`done in ${elapsed()}`);
  if (problems.length) {
    console.log('\nFAILED:');
    for (const p of problems) console.log(`  - ${p}`);
  }
  // the machine-readable closing line, alone on its line
  // a run that broke outside any test (extension not loaded, timeout, no test ran) counts as one failure
  const failed = totals.failed + totals.broken;
  console.log(`\n${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  process.exit(problems.length || failed ? 1 : 0);
}

async function prepare() {
  checkPrerequisites({ install: false, browser: !opts['keep-open'] });
  if (!opts['no-build']) {
    await buildExtension();
    if (!opts['ui-only']) await buildSuites();
  }
  await ensureCodeServer();
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  say(`extension ${pkg.publisher}.${pkg.name} ${pkg.version} (engines.vscode ${pkg.engines?.vscode}) from ${extensionPath}; VS Code 1.100.3 via code-server ${CODE_SERVER_VERSION}`);
  if (!fs.existsSync(path.join(extensionPath, pkg.main ?? 'dist/extension.js'))) throw new Error(`${pkg.main} is missing in ${extensionPath}: build the extension first`);
}

/** Integration suites inside the extension host. Returns true when they passed. */
async function runIntegration() {
  const workspace = makeWorkspace();
  const scratchResults = path.join(workspace, '..', `${path.basename(workspace)}-results.json`);
  const server = await startCodeServer({
    workspace,
    env: {
      PRIVACY_AUDIT_TEST_RESULTS: scratchResults,
      ...(opts.grep ? { PRIVACY_AUDIT_TEST_GREP: opts.grep } : {}),
    },
  });
  say(`integration: code-server on ${server.url} (scratch ${server.scratchDir}), workspace ${workspace}`);
  const browser = await launchBrowser();
  const { page } = browser;
  let ok = false;
  let hostLines = 0;
  try {
    let settle;
    const exited = new Promise((resolve) => (settle = resolve));
    // Both must exist before the workbench loads: it looks them up on window.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = formatAutomationLog(args);
      if (!line) return;
      hostLines++;
      if (opts.verbose || !WORKBENCH_NOISE.test(line)) console.log(`  host ${type === 'info' || type === 'log' ? '' : `${type}: `}${line.replace(/\n/g, '\n       ')}`);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => settle({ code, logs }));
    page.on('crash', () => settle({ code: 'crash' }));
    page.on('pageerror', (err) => opts.verbose && console.log(`  page error: ${err.message}`));

    const url = workbenchUrl(server, { folder: workspace, extensionPath, testsPath: path.join(SUITE_OUT, 'index.js') });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const timer = new Promise((resolve) => setTimeout(() => resolve({ code: 'timeout' }), timeoutMs));
    const result = await Promise.race([exited, timer]);

    let results = null;
    if (fs.existsSync(scratchResults)) results = JSON.parse(fs.readFileSync(scratchResults, 'utf8'));
    if (results) {
      totals.passed += results.passed;
      totals.failed += results.failed;
      totals.skipped += results.skipped;
    }
    say(`integration: exit code ${result.code}; ${results ? `${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped` : 'no results were reported by the test module'}`);

    if (result.code === 0 && results && results.failed === 0 && results.passed > 0) {
      ok = true;
    } else {
      if (!results?.failed) totals.broken++;
      if (result.code === 'timeout') problems.push(`integration: no exit code from the workbench within ${timeoutMs / 1000} s (${hostLines} host log lines seen)`);
      else if (result.code === 'crash') problems.push('integration: the browser page crashed');
      if (results?.error) problems.push(`integration: ${results.error}`);
      for (const f of results?.failures ?? []) problems.push(`integration: ${f.title}\n      ${f.error.split('\n').slice(0, 6).join('\n      ')}`);
      if (!results) problems.push(`integration: the test module reported no results (exit code ${result.code}): did it load? is the extension loaded?`);
      else if (results.passed + results.failed === 0 && !results.error) problems.push('integration: no test ran');
      if (result.code !== 0 && results && !results.error && results.failed === 0 && results.passed > 0) problems.push(`integration: the workbench reported exit code ${result.code}`);
      const hints = extensionProblems(server);
      if (hints.length) {
        console.log('\n[test-vscode] The server logs say about the extension:');
        for (const h of hints) console.log(`  ${h}`);
        problems.push(`integration: server logs: ${hints.join(' | ')}`);
      }
      for (const f of result.logs ?? []) {
        if (f.contents?.trim()) console.log(`\n----- workbench log ${f.relativePath} -----\n${f.contents.slice(-10_000)}`);
      }
      server.dumpLogs();
    }
  } finally {
    await browser.close();
    await server.stop();
    const warnings = extensionWarnings(server, EXTENSION_ID);
    if (warnings.length) {
      console.log(`[test-vscode] the extension host logged ${warnings.length} warning(s)/error(s) about ${EXTENSION_ID} (not counted as failures):`);
      for (const w of warnings) console.log(`  ${w}`);
    }
    if (ok && !opts['keep-scratch']) {
      server.cleanup();
      removeWorkspace(workspace);
      fs.rmSync(scratchResults, { force: true });
    } else {
      say(`kept for inspection: workspace ${workspace}, code-server scratch ${server.scratchDir}`);
    }
  }
  return ok;
}

/** Workbench UI tests: mocha here in Node, each file drives Chromium itself. */
async function runUi() {
  const { default: Mocha } = await import('mocha');
  const dir = path.join(REPO_ROOT, 'test', 'vscode', 'ui');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort();
  if (!files.length) {
    problems.push(`ui: no *.test.mjs in ${dir}`);
    return false;
  }
  process.env.PRIVACY_AUDIT_EXTENSION_PATH = extensionPath;
  if (opts['keep-scratch']) process.env.PRIVACY_AUDIT_KEEP_SCRATCH = '1';
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, reporter: 'spec', color: false });
  if (opts.grep) mocha.grep(opts.grep);
  for (const f of files) mocha.addFile(path.join(dir, f));
  await mocha.loadFilesAsync();
  const r = { passed: 0, failed: 0, skipped: 0 };
  await new Promise((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', () => r.passed++);
    runner.on('fail', (test, err) => {
      r.failed++;
      problems.push(`ui: ${test.fullTitle()}: ${String(err?.message ?? err).split('\n')[0]}`);
    });
    runner.on('pending', () => r.skipped++);
  });
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped;
  say(`ui: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  if (r.passed + r.failed === 0 && !opts.grep) {
    problems.push('ui: no test ran');
    totals.broken++;
  }
  return r.failed === 0;
}

async function keepOpen() {
  const workspace = makeWorkspace();
  const server = await startCodeServer({ workspace });
  const url = workbenchUrl(server, { folder: workspace, extensionPath });
  console.log(`\nVS Code (code-server) with the extension under development:\n\n  ${url}\n\nworkspace: ${workspace}\nlogs: ${server.logsDir}\nCtrl+C stops it.`);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
  server.cleanup();
  removeWorkspace(workspace);
  process.exit(0);
}

try {
  await prepare();
  if (opts['keep-open']) await keepOpen();
  if (!opts['ui-only']) await runIntegration();
  if (!opts['integration-only']) await runUi();
} catch (err) {
  if (err instanceof PrerequisiteError) console.error(`\n${err.message}`);
  else console.error(`\n[test-vscode] ${err?.stack ?? err}`);
  problems.push(`harness: ${String(err?.message ?? err).split('\n')[0]}`);
  totals.broken++;
}
finish();
