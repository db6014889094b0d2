// Shows the extension at work on the bundled examples in an editor:
// desktop VS Code when `code` is on the PATH (as an Extension Development
// Host, nothing installed), otherwise the bundled code-server on 127.0.0.1,
// whose URL is printed. Ctrl+C stops code-server.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, startCodeServer } from './code-server.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = path.join(REPO, 'examples');

const hasCode = spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode && !process.argv.includes('--code-server')) {
  console.log('Opening VS Code with the extension (Extension Development Host) on examples/ …');
  const r = spawnSync('code', ['--new-window', `--extensionDevelopmentPath=${REPO}`, EXAMPLES, path.join(EXAMPLES, 'xiaomi-redmi-1s', 'redmi-1s.audit.md')], { stdio: 'inherit' });
  process.exit(r.status ?? 0);
}

await ensureCodeServer();
const server = await startCodeServer({ workspace: EXAMPLES });
const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${REPO}`]]);
const url = `${server.url}?folder=${encodeURIComponent(EXAMPLES)}&payload=${encodeURIComponent(payload)}`;
console.log(`
VS Code 1.100 (code-server) is running with Privacy Audit on examples/:

  ${url}

Open it in a browser on this machine, then open
  xiaomi-redmi-1s/redmi-1s.audit.md   (a clean final report: hover the [@E…] citations)
  broken/records.audit.md             (every rule fires: see the Problems panel, Ctrl+. for fixes)
Press Ctrl+C to stop.`);
const stop = async () => {
  await server.stop();
  server.cleanup();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
