/**
 * The browser that exports and draws diagrams asks no server of its own
 * accord (src/node/browser.ts), and a browser that cannot be started is one
 * line, not playwright's call log.
 *
 * The network is counted in the browser's NetLog (test/support/netlog.ts):
 * every DNS lookup, socket, connection job and request of the whole browser
 * process, its background services included, not only the page's requests.
 * The browser is started by the built command (`dist/cli.js export` and
 * `diagram --format svg`) through a stand-in `--browser` that adds the NetLog
 * and a resolver that answers nothing but loopback, so nothing the test
 * catches ever leaves the machine. A control run without the two switches
 * that point Chrome's account check and component updater off the network
 * shows the same count finding Google's hosts.
 *
 * Needs Debian's Chromium (/usr/bin/chromium or CHROMIUM_PATH) and a POSIX sh.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BROWSER_ARGS, DISABLED_FEATURES } from '../../src/node/browser';
import { describeHosts, netLogBrowser, outsideLoopback, readNetLog, type NetLogRead } from '../support/netlog';

const REPO = path.resolve(__dirname, '..', '..');
const DIST_CLI = path.join(REPO, 'dist', 'cli.js');
const EXAMPLE = path.join(REPO, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The switches that point the account check and the component updater off the network (the control drops them). */
const REDIRECTS = ['--gaia-config-contents=', '--component-updater='];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built command as a real process. */
function cli(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST_CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The newest modification time of any file under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** One command run through a stand-in browser, and what its NetLog holds. */
interface Counted {
  run: Run;
  log: NetLogRead;
  outside: Map<string, string[]>;
}
const counted = new Map<string, Promise<Counted>>();

async function count(name: string, args: (browser: string, dir: string) => string[], drop: readonly string[] = []): Promise<Counted> {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  const browser = netLogBrowser(dir, CHROMIUM, { drop });
  const run = await cli(args(browser.executable, dir), dir);
  assert.equal(run.code, 0, `${name}: ${run.stderr}`);
  assert.ok(existsSync(browser.netLog), `${name}: the browser wrote no NetLog`);
  const log = readNetLog(browser.netLog);
  return { run, log, outside: outsideLoopback(log) };
}

/** Stand-ins that are no browser, and the command runs that meet them: [name, run, expected stderr]. */
let failures: Promise<[string, Run, RegExp][]>;

async function startFailures(): Promise<[string, Run, RegExp][]> {
  const dir = path.join(tmp, 'bad');
  mkdirSync(dir);
  const notExecutable = path.join(dir, 'not-executable');
  writeFileSync(notExecutable, '#!/bin/sh\n');
  const exits = path.join(dir, 'exits');
  writeFileSync(exits, '#!/bin/sh\necho "not a browser" >&2\nexit 3\n', { mode: 0o755 });
  const pdf = path.join(tmp, 'x.pdf');
  const cases: [string, string[], RegExp][] = [
    ['folder', ['export', EXAMPLE, '--pdf', pdf, '--browser', dir], /^privacy-audit: Could not start the browser at .*bad \(given with --browser\): it is not a file\. Give the path of the Chrome, Chromium, Edge or Brave executable itself\.$/],
    ['not executable', ['export', EXAMPLE, '--pdf', pdf, '--browser', notExecutable], /^privacy-audit: Could not start the browser at .*not-executable \(given with --browser\): it is not executable\. /],
    ['exits at once', ['export', EXAMPLE, '--pdf', pdf, '--browser', exits], /^privacy-audit: Could not start the browser at .*exits: it exited at once \(exit code 3; not a Chromium-family browser\?\); it said: not a browser$/],
    ['exits at once, batch', ['export', EXAMPLE, '--out-dir', path.join(tmp, 'batch'), '--browser', exits], /^privacy-audit: Could not start the browser at .*exits: it exited at once \(exit code 3; /],
    ['exits at once, diagram', ['diagram', EXAMPLE, '--format', 'svg', '--browser', exits], /^privacy-audit: Could not start the browser at .*exits: it exited at once \(exit code 3; /],
    ['no file', ['diagram', EXAMPLE, '--format', 'svg', '--browser', path.join(dir, 'missing')], /^privacy-audit: No browser at .*missing \(given with --browser\)\. /],
  ];
  const runs = await Promise.all(cases.map(([, args]) => cli(args, tmp)));
  return cases.map(([name, , expected], i) => [name, runs[i]!, expected]);
}

let tmp = '';

before(() => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. These tests need it and do not skip: install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  // the command under test is the built one: build it when it is missing or older than the sources
  if (!existsSync(DIST_CLI) || statSync(DIST_CLI).mtimeMs < newest(path.join(REPO, 'src'))) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'pipe' });
  tmp = mkdtempSync(path.join(tmpdir(), 'pa-browser-network-'));
  // every run is independent: all side by side
  counted.set('export', count('export', (b, d) => ['export', EXAMPLE, '--pdf', path.join(d, 'r.pdf'), '--html', path.join(d, 'r.html'), '--browser', b]));
  counted.set('diagram', count('diagram', (b) => ['diagram', EXAMPLE, '--format', 'svg', '--browser', b]));
  counted.set('control', count('control', (b) => ['diagram', EXAMPLE, '--format', 'svg', '--browser', b], REDIRECTS));
  failures = startFailures();
  for (const p of [...counted.values(), failures]) p.catch(() => {}); // each test reports its own
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the browser process asks nothing of the network (its NetLog: every lookup, socket and request)', () => {
  test('export to PDF and HTML (dist/cli.js export): no lookup, socket or request outside loopback', async () => {
    const { run, log, outside } = await counted.get('export')!;
    assert.match(run.stdout, /^Wrote .*r\.pdf \(\d+ pages/m);
    assert.ok(existsSync(path.join(tmp, 'export', 'r.pdf')) && existsSync(path.join(tmp, 'export', 'r.html')));
    // the log is the export browser's, started with our switches
    for (const arg of BROWSER_ARGS) assert.ok(log.commandLine.includes(arg), `the browser was started without ${arg}`);
    assert.ok(log.events > 0);
    assert.equal(outside.size, 0, `the export browser tried to reach: ${describeHosts(outside)}`);
  });

  test('diagram --format svg (mermaid.ts, the same launch): no lookup, socket or request outside loopback', async () => {
    const { run, log, outside } = await counted.get('diagram')!;
    assert.match(run.stdout, /^<svg/);
    for (const arg of BROWSER_ARGS) assert.ok(log.commandLine.includes(arg), `the diagram browser was started without ${arg}`);
    assert.equal(outside.size, 0, `the diagram browser tried to reach: ${describeHosts(outside)}`);
  });

  test('control: without the two redirecting switches, the same count finds Google (so it can fail)', async () => {
    const { run, log, outside } = await counted.get('control')!;
    assert.match(run.stdout, /^<svg/);
    for (const r of REDIRECTS) assert.ok(!log.commandLine.includes(r), `the stand-in did not drop ${r}`);
    const google = [...outside.keys()].filter((h) => h === 'accounts.google.com' || h === 'update.googleapis.com');
    assert.ok(google.length > 0, `expected Chrome's account check or component updater in the count, got: ${describeHosts(outside)}`);
  });

  test("our --disable-features (Chromium reads only the last) still holds every feature playwright's own switches off", async () => {
    const { log } = await counted.get('export')!;
    const lists = [...log.commandLine.matchAll(/--disable-features=(\S+)/g)].map((m) => m[1]!.split(','));
    assert.ok(lists.length >= 2, `expected playwright's --disable-features and ours: ${log.commandLine}`);
    assert.deepEqual(lists.at(-1), [...DISABLED_FEATURES], 'ours is the last');
    const missing = lists.slice(0, -1).flat().filter((f) => !DISABLED_FEATURES.includes(f));
    assert.deepEqual(missing, [], `add these to DISABLED_FEATURES in src/node/browser.ts: ${missing.join(', ')}`);
  });
});

describe('a browser that cannot be started is one line', () => {
  test('export and diagram: a folder, a file that is not executable, a program that exits at once, no file', async () => {
    for (const [name, r, expected] of await failures) {
      assert.equal(r.code, 2, `${name}: exit code`);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${name}: one line, got:\n${r.stderr}`);
      assert.match(r.stderr.trimEnd(), expected, name);
      assert.doesNotMatch(r.stderr, /Call log|browserType\.launch|stopped while exporting/, name);
    }
    assert.equal(existsSync(path.join(tmp, 'x.pdf')), false);
  });
});
