// Shared helpers for running the extension inside a real VS Code: code-server
// (the npm package, which bundles the VS Code server and web workbench) is
// installed into the git-ignored .cache/code-server and started on loopback.
// See test/vscode/README.md for why code-server and what each step is for.
//
//   import { ensureCodeServer, startCodeServer, installVsix, dumpServerLogs } from './code-server.mjs';
//
// Run directly to install (or check) code-server: `node scripts/code-server.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** code-server 4.100.x is the newest that runs on Node 20 (4.103+ need 22). It bundles VS Code 1.100.3. */
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = path.join(REPO_ROOT, '.cache', 'code-server');
export const CODE_SERVER_BIN = path.join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');
const PKG_DIR = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server');
const VSCODE_DIR = path.join(PKG_DIR, 'lib', 'vscode');
const STAMP = path.join(CODE_SERVER_DIR, `.installed-${CODE_SERVER_VERSION}`);
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * The binary release each @vscode/ripgrep version downloads from GitHub in its
 * postinstall (its lib/postinstall.js `VERSION`). Unknown versions are read
 * from the package itself (one `npm pack`).
 */
const RIPGREP_BINARY_VERSION = { '1.15.11': 'v13.0.0-10' };

const log = (msg) => console.log(`[code-server] ${msg}`);

export class PrerequisiteError extends Error {}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * Checks what the install and the browser run need from the system and throws
 * one message naming every missing Debian package.
 */
export function checkPrerequisites({ install = true, browser = false } = {}) {
  const missing = [];
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    missing.push(`Node.js 20 (found ${process.version}; code-server ${CODE_SERVER_VERSION} refuses any other major; newer code-server needs Node 22+)`);
  }
  if (install) {
    if (!which('rg')) missing.push('ripgrep (the `rg` command; @vscode/ripgrep would otherwise download it from GitHub)');
    const gssapi = ['/usr/include/gssapi/gssapi.h', '/usr/include/gssapi.h'].some((f) => fs.existsSync(f));
    if (!gssapi) missing.push('libkrb5-dev (gssapi/gssapi.h, needed to compile the kerberos module)');
    for (const [cmd, pkg] of [['make', 'make'], ['g++', 'g++'], ['python3', 'python3'], ['tar', 'tar']]) {
      if (!which(cmd)) missing.push(`${pkg} (the \`${cmd}\` command, needed to build native modules)`);
    }
  }
  if (browser && !fs.existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM}; set CHROMIUM_PATH to use another Chromium)`);
  if (missing.length) {
    const pkgs = missing.map((m) => m.split(' ')[0]).filter((p) => !p.startsWith('Node.js'));
    throw new PrerequisiteError(
      `Missing prerequisites:\n  - ${missing.join('\n  - ')}\n` +
        (pkgs.length ? `Install with: apt-get update && apt-get install -y ${[...new Set(pkgs)].join(' ')}` : ''),
    );
  }
}

function installed() {
  return (
    fs.existsSync(STAMP) &&
    fs.existsSync(CODE_SERVER_BIN) &&
    fs.existsSync(path.join(VSCODE_DIR, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg')) &&
    fs.existsSync(path.join(VSCODE_DIR, 'node_modules.asar'))
  );
}

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    const onData = (chunk) => {
      const s = chunk.toString();
      out += s;
      for (const line of s.split('\n')) if (line.trim()) process.stdout.write(`  | ${line}\n`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(Object.assign(new Error(`${cmd} ${args.join(' ')} exited with ${code}`), { output: out }))));
  });
}

/** The @vscode/ripgrep version VS Code's shrinkwrap pins, and the rg release it downloads. */
async function ripgrepExpectation(env) {
  const shrink = JSON.parse(fs.readFileSync(path.join(VSCODE_DIR, 'npm-shrinkwrap.json'), 'utf8'));
  const pkgVersion = shrink.packages?.['node_modules/@vscode/ripgrep']?.version;
  if (!pkgVersion) throw new Error('cannot find @vscode/ripgrep in code-server\'s lib/vscode/npm-shrinkwrap.json');
  let binVersion = RIPGREP_BINARY_VERSION[pkgVersion];
  if (!binVersion) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-pack-'));
    await run('npm', ['pack', `@vscode/ripgrep@${pkgVersion}`, '--pack-destination', dir], { cwd: dir, env });
    const tgz = fs.readdirSync(dir).find((f) => f.endsWith('.tgz'));
    const src = spawnSync('tar', ['-xzOf', path.join(dir, tgz), 'package/lib/postinstall.js'], { encoding: 'utf8' }).stdout;
    binVersion = /const VERSION = '([^']+)'/.exec(src)?.[1];
    fs.rmSync(dir, { recursive: true, force: true });
    if (!binVersion) throw new Error(`cannot read the rg release of @vscode/ripgrep@${pkgVersion}`);
  }
  const arch = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686' }[os.arch()];
  if (!arch || os.platform() !== 'linux') throw new Error(`unsupported platform ${os.platform()}/${os.arch()}`);
  return { pkgVersion, asset: `ripgrep-${binVersion}-${arch}-unknown-linux-musl.tar.gz` };
}

/**
 * Installs code-server into .cache/code-server unless it is already there.
 * Fast (a few stat calls) when installed. Throws PrerequisiteError naming
 * the Debian package when a system prerequisite is missing.
 */
export async function ensureCodeServer({ quiet = false } = {}) {
  if (installed()) {
    if (!quiet) log(`code-server ${CODE_SERVER_VERSION} already installed in ${path.relative(REPO_ROOT, CODE_SERVER_DIR)}`);
    return CODE_SERVER_BIN;
  }
  checkPrerequisites({ install: true });
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (about a minute; ~300 MB)`);
  fs.mkdirSync(CODE_SERVER_DIR, { recursive: true });
  for (const f of fs.readdirSync(CODE_SERVER_DIR)) if (f.startsWith('.installed-')) fs.rmSync(path.join(CODE_SERVER_DIR, f));
  // Its own package.json: code-server is not one of the project's dependencies.
  fs.writeFileSync(
    path.join(CODE_SERVER_DIR, 'package.json'),
    JSON.stringify(
      {
        name: 'privacy-audit-code-server',
        private: true,
        description: 'code-server for the VS Code integration tests (scripts/code-server.mjs); not part of the project',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        // npm 11: install scripts of these packages are reviewed and wanted
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ) + '\n',
  );
  // A private TMPDIR: @vscode/ripgrep looks for its download in $TMPDIR/vscode-ripgrep-cache-<version>/.
  const tmp = path.join(CODE_SERVER_DIR, 'tmp');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const env = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses root without it
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // npm 11 may hold back install scripts it has not been told to trust; the
    // nested installs in code-server's postinstall have no allowScripts of ours.
    npm_config_dangerously_allow_all_scripts: 'true',
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
  };

  // 1. The package tree without scripts, so that we can read which ripgrep it will want.
  log('step 1/3: npm install --ignore-scripts');
  await run('npm', ['install', '--ignore-scripts', '--no-save', '--no-package-lock'], { cwd: CODE_SERVER_DIR, env });

  // 2. Seed @vscode/ripgrep's download cache with Debian's rg.
  const { pkgVersion, asset } = await ripgrepExpectation(env);
  const cacheDir = path.join(tmp, `vscode-ripgrep-cache-${pkgVersion}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const rg = which('rg');
  const stage = fs.mkdtempSync(path.join(tmp, 'rg-'));
  fs.copyFileSync(fs.realpathSync(rg), path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  const tar = spawnSync('tar', ['-czf', path.join(cacheDir, asset), '-C', stage, 'rg'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  log(`step 2/3: seeded ${path.relative(CODE_SERVER_DIR, path.join(cacheDir, asset))} with ${rg}`);

  // 3. The install scripts: code-server's postinstall installs VS Code's own
  //    dependencies (native modules built with node-gyp) in lib/vscode.
  log('step 3/3: npm rebuild (runs code-server\'s postinstall: VS Code\'s dependencies, native modules)');
  let out;
  try {
    out = await run('npm', ['rebuild', '--foreground-scripts'], { cwd: CODE_SERVER_DIR, env });
  } catch (err) {
    const hints = [];
    if (/gssapi/.test(err.output ?? '')) hints.push('kerberos needs gssapi/gssapi.h: apt-get install -y libkrb5-dev');
    if (/ripgrep|api\.github\.com/.test(err.output ?? '')) hints.push('@vscode/ripgrep tried to download rg: apt-get install -y ripgrep');
    throw new Error(`code-server install failed: ${err.message}${hints.length ? `\n${hints.join('\n')}` : ''}`);
  }
  if (/npm warn install-scripts/i.test(out)) log('note: npm printed install-scripts warnings (see above); checking the result');
  if (!/Using cached download/.test(out)) log('warning: @vscode/ripgrep did not report "Using cached download"');
  for (const f of [
    path.join(VSCODE_DIR, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    path.join(VSCODE_DIR, 'node_modules.asar'),
    path.join(VSCODE_DIR, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
    path.join(VSCODE_DIR, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'),
    path.join(PKG_DIR, '..', 'argon2', 'lib', 'binding', 'napi-v3', 'argon2.node'),
  ]) {
    if (!fs.existsSync(f)) throw new Error(`code-server install incomplete: ${f} is missing (were install scripts skipped? look for "npm warn install-scripts" above)`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return CODE_SERVER_BIN;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.dialogStyle': 'custom',
  // VS Code in a browser saves 1 s after each change by default (desktop VS Code
  // does not): a test would then see a change on disk or not depending on timing
  'files.autoSave': 'off',
};

/** Scratch folders for one code-server: HOME, TMPDIR and (by default) the user data. */
function scratchDirs(userDataDir, extensionsDir) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-code-server-'));
  const home = path.join(scratch, 'home');
  const tmp = path.join(scratch, 'tmp');
  const userData = userDataDir ?? path.join(scratch, 'user-data');
  const extensions = extensionsDir ?? path.join(userData, 'extensions');
  for (const d of [home, tmp, userData, extensions]) fs.mkdirSync(d, { recursive: true });
  return { scratch, home, tmp, userData, extensions };
}

/**
 * Starts code-server on a free loopback port with `workspace` as the folder.
 * Resolves when it prints "HTTP server listening on" (60 s at most).
 * Returns { url, port, scratchDir, logsDir, userDataDir, extensionsDir, output(), stop(), dumpLogs() }.
 */
export async function startCodeServer({ workspace, extensionsDir, userDataDir, env = {}, settings = {}, timeoutMs = 60_000 } = {}) {
  if (!installed()) throw new Error('code-server is not installed: call ensureCodeServer() first');
  const dirs = scratchDirs(userDataDir, extensionsDir);
  const userSettings = path.join(dirs.userData, 'User', 'settings.json');
  if (!fs.existsSync(userSettings)) {
    fs.mkdirSync(path.dirname(userSettings), { recursive: true });
    fs.writeFileSync(userSettings, JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2));
  }
  const port = await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    ...(workspace ? [workspace] : []),
  ];
  const serverLog = path.join(dirs.scratch, 'server.log');
  const logFd = fs.openSync(serverLog, 'a');
  const child = spawn(CODE_SERVER_BIN, args, {
    cwd: dirs.home,
    detached: true, // its own process group: stop() kills the server and everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    // EXTENSIONS_GALLERY={}: no marketplace, so neither the server nor the page asks open-vsx.org for anything
    env: { ...process.env, HOME: dirs.home, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: path.join(dirs.home, '.config'), XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'), EXTENSIONS_GALLERY: '{}', ...env },
  });
  let output = '';
  const onData = (chunk) => {
    output += chunk.toString();
    fs.writeSync(logFd, chunk);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onProcessExit = () => killGroup('SIGKILL');
  process.on('exit', onProcessExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onProcessExit);
    killGroup('SIGTERM');
    const t = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(t);
    killGroup('SIGKILL'); // children that outlived the server
    try {
      fs.closeSync(logFd);
    } catch {
      /* closed */
    }
  };

  const server = {
    url: `http://127.0.0.1:${port}/`,
    port,
    pid: child.pid,
    scratchDir: dirs.scratch,
    userDataDir: dirs.userData,
    extensionsDir: dirs.extensions,
    logsDir: path.join(dirs.userData, 'logs'),
    homeDir: dirs.home,
    serverLog,
    output: () => output,
    stop,
    dumpLogs: (opts) => dumpServerLogs(server, opts),
    /** Removes the scratch folder (after stop()). */
    // a browser the extension started (the export's) may still be writing its profile for a moment
    cleanup: () => {
      try {
        fs.rmSync(dirs.scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (err) {
        console.log(`[code-server] could not remove ${dirs.scratch}: ${err.message}`);
      }
    },
  };

  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    const check = () => {
      if (/HTTP server listening on/.test(output)) {
        clearTimeout(timer);
        resolve('ok');
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    exitPromise.then(() => {
      clearTimeout(timer);
      resolve('exited');
    });
    check();
  });
  if (ready !== 'ok') {
    await stop();
    dumpServerLogs(server);
    throw new Error(
      ready === 'timeout'
        ? `code-server did not print "HTTP server listening on" within ${timeoutMs / 1000} s`
        : `code-server exited before it was ready (code ${exited?.code}, signal ${exited?.signal})`,
    );
  }
  return server;
}

/** A log's text, or '' when it went away meanwhile (a browser profile removes its own logs). */
function readLog(f) {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return '';
    throw err;
  }
}

function findLogs(dir, out = []) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === 'extensions' || e.name === 'CachedExtensionVSIXs') continue;
      findLogs(p, out);
    } else if (e.isFile() && e.name.endsWith('.log')) out.push(p);
  }
  return out;
}

/**
 * Prints the server's stdout/stderr and every *.log under its scratch folder
 * and user data (remoteagent.log says why an extension was not loaded;
 * exthost*.log has the extension host's errors). `maxChars` caps each file.
 */
export function dumpServerLogs(server, { maxChars = 20_000, write = (s) => process.stdout.write(s) } = {}) {
  const files = [...new Set([...findLogs(server.scratchDir), ...findLogs(server.userDataDir)])];
  // the server's own output first, then the agent and extension-host logs
  const rank = (f) => (f === server.serverLog ? 0 : /remoteagent/.test(f) ? 1 : /exthost/.test(f) ? 2 : 3);
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  write(`\n===== code-server logs (${server.scratchDir}) =====\n`);
  for (const f of files) {
    let text = readLog(f);
    if (!text.trim()) continue;
    if (text.length > maxChars) text = `[… ${text.length - maxChars} earlier characters cut …]\n${text.slice(-maxChars)}`;
    write(`\n----- ${path.relative(server.scratchDir, f)} -----\n${text.replace(/\s+$/, '')}\n`);
  }
  write('\n===== end of code-server logs =====\n');
}

/** Lines of the server's logs that explain a missing or failing extension. */
export function extensionProblems(server) {
  const files = [...new Set([...findLogs(server.scratchDir), ...findLogs(server.userDataDir)])];
  const lines = [];
  for (const f of files) {
    for (const line of readLog(f).split('\n')) {
      if (/not compatible with Code|Cannot activate|Activating extension .* failed|failed to activate|Extension host .* terminated|Error: Cannot find module/i.test(line)) {
        // the same line is in several logs: keep it once, without its timestamp
        lines.push(line.replace(/^\s*(?:(?:\[(?:\d[^\]]*|error|warning|info)\]|\d{4}-\d\d-\d\d [\d:.]+)\s*)+/, '').trim());
      }
    }
  }
  return [...new Set(lines)];
}

/** The extension host's `[error]`/`[warning]` lines about extension `id` (e.g. misdeclared settings). */
export function extensionWarnings(server, id) {
  const lines = [];
  for (const f of findLogs(server.userDataDir)) {
    if (!/exthost/.test(f)) continue;
    for (const line of readLog(f).split('\n')) {
      if (/\[(error|warning)\]/.test(line) && line.includes(`[${id}]`)) lines.push(line.replace(/^\d{4}-\d\d-\d\d [\d:.]+\s*/, '').trim());
    }
  }
  return [...new Set(lines)];
}

/** Installs a packaged extension with `code-server --install-extension` (about half a second). */
export async function installVsix(vsixPath, { userDataDir, extensionsDir, env = {} } = {}) {
  if (!installed()) throw new Error('code-server is not installed: call ensureCodeServer() first');
  if (!userDataDir) throw new Error('installVsix: userDataDir is required');
  const extensions = extensionsDir ?? path.join(userDataDir, 'extensions');
  fs.mkdirSync(extensions, { recursive: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-code-server-home-'));
  try {
    const out = await run(
      CODE_SERVER_BIN,
      ['--user-data-dir', userDataDir, '--extensions-dir', extensions, '--install-extension', path.resolve(vsixPath)],
      { env: { ...process.env, HOME: home, TMPDIR: home, ...env } },
    );
    if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsixPath} printed no success:\n${out}`);
    return out;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await ensureCodeServer();
    if (process.argv.includes('--check-browser')) checkPrerequisites({ install: false, browser: true });
  } catch (err) {
    console.error(`\n${err instanceof PrerequisiteError ? '' : 'error: '}${err.message}`);
    process.exit(1);
  }
}
