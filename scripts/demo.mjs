// The quick start's demo: build, then lint the bundled example report and
// show what problems look like on the broken examples.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
const { existsSync } = fs;

const run = (args) => spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' }).status;
const bold = process.stdout.isTTY ? (s) => `\x1b[1m${s}\x1b[0m` : (s) => s;
const say = (s) => process.stdout.write(`\n${bold(s)}\n`);

if (!existsSync('node_modules')) {
  console.error('Run `npm install` first.');
  process.exit(2);
}
say('1/5  Building the extension and the command line');
execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });

say('2/5  Linting the bundled example: examples/xiaomi-redmi-1s (a final report must be clean)');
const clean = run(['lint', 'examples/xiaomi-redmi-1s']);

say('3/5  Linting examples/broken, where every rule fires on purpose');
run(['lint', 'examples/broken']);

if (clean !== 0) {
  say('The bundled example did not lint clean: this is a bug, please report it.');
  process.exit(1);
}
say('The example lints clean; the broken examples show every rule. Rule pages: docs/rules/README.md');

say('4/5  Exporting the example to PDF and HTML (redacted; printed by the local Chromium)');
fs.mkdirSync('out/demo', { recursive: true });
const exported = run(['export', 'examples/xiaomi-redmi-1s/redmi-1s.audit.md', '--pdf', 'out/demo/redmi-1s.pdf', '--html', 'out/demo/redmi-1s.html']);
if (exported !== 0) console.log('The export needs Chrome, Chromium, Edge or Brave: the message above says what to install.');

say('5/5  The extension at work in VS Code');
if (process.stdout.isTTY && !process.env.CI && !process.argv.includes('--no-editor')) {
  // opens desktop VS Code, or starts code-server and prints its URL (Ctrl+C stops it)
  const r = spawnSync(process.execPath, ['scripts/demo-editor.mjs'], { stdio: 'inherit' });
  process.exit(r.status ?? 0);
}
console.log('Not on an interactive terminal: run `npm run demo:editor` to open VS Code (or code-server on 127.0.0.1) with the extension on examples/.');
