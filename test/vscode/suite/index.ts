/**
 * The test module VS Code loads into the extension host (extensionTestsPath):
 * checks that the extension under test is really loaded and active, then runs
 * every compiled `*.test.js` beside this file with mocha (TDD interface).
 * Rejecting makes the workbench report exit code 1 to the runner.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'privacy-audit.privacy-audit';

const log = (msg: string) => console.log(`[privacy-audit tests] ${msg}`);

interface Results {
  passed: number;
  failed: number;
  skipped: number;
  failures: { title: string; error: string }[];
  skips: string[];
  error?: string;
}

function writeResults(results: Results): void {
  const file = process.env.PRIVACY_AUDIT_TEST_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
}

async function assertExtensionLoaded(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) {
    const others = vscode.extensions.all.filter((e) => !e.packageJSON?.isBuiltin && !e.id.startsWith('vscode.')).map((e) => e.id);
    throw new Error(
      `EXTENSION NOT LOADED: ${EXTENSION_ID} is not among the extensions of this VS Code ${vscode.version}. ` +
        `VS Code skips an extension silently when package.json's engines.vscode asks for a newer version ` +
        `(look for "not compatible" in the server's remoteagent.log) or when its package.json is invalid. ` +
        `Non-built-in extensions present: ${others.length ? others.join(', ') : 'none'}.`,
    );
  }
  try {
    await ext.activate();
  } catch (err) {
    throw new Error(`EXTENSION FAILED TO ACTIVATE: ${EXTENSION_ID}: ${(err as Error)?.stack ?? String(err)}`);
  }
  if (!ext.isActive) throw new Error(`EXTENSION NOT ACTIVE: ${EXTENSION_ID} did not become active after activate()`);
  log(`${EXTENSION_ID} ${ext.packageJSON.version} is active (from ${ext.extensionUri.toString()})`);
}

export async function run(): Promise<void> {
  log(`VS Code ${vscode.version}, Node ${process.version}, workspace ${vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '(none)'}`);
  try {
    await assertExtensionLoaded();
  } catch (err) {
    const message = (err as Error).message;
    console.error(`[privacy-audit tests] ${message}`);
    writeResults({ passed: 0, failed: 0, skipped: 0, failures: [], skips: [], error: message });
    throw err;
  }

  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  if (process.env.PRIVACY_AUDIT_TEST_GREP) mocha.grep(process.env.PRIVACY_AUDIT_TEST_GREP);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  if (files.length === 0) throw new Error(`no *.test.js files in ${__dirname}`);
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  log(`running ${files.join(', ')}`);

  const results: Results = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => results.passed++);
    runner.on('fail', (test, err) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), error: (err as Error)?.stack ?? String(err) });
    });
    runner.on('pending', (test) => {
      results.skipped++;
      results.skips.push(test.fullTitle());
    });
  });
  writeResults(results);
  log(`summary: ${results.passed} passing, ${results.failed} failing, ${results.skipped} pending`);
  if (results.failed > 0) throw new Error(`${results.failed} test(s) failed`);
  if (results.passed + results.failed === 0) throw new Error('no test ran (all skipped or filtered out)');
}
