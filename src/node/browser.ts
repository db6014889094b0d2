/**
 * Finding and launching a locally installed Chromium-family browser (Chrome,
 * Chromium, Edge, Brave) through playwright-core. Nothing is ever downloaded:
 * when no browser is found, the error says what to install or which flag to use.
 */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';

/**
 * Features switched off. Chromium reads only the last `--disable-features`,
 * and ours comes after playwright's, so the list holds every feature
 * playwright-core 1.65 turns off (a unit test checks it still does) besides
 * the browser's own traffic to Google: network time (clients2.google.com),
 * optimization hints, AI Mode's eligibility check and the preconnect to the
 * search engine (www.google.com), the DNS-over-HTTPS upgrade probe
 * (dns.google), Cast discovery, translation and autofill queries.
 */
export const DISABLED_FEATURES: readonly string[] = [
  // playwright's, for automation
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'PaintHolding',
  'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'TcpPortRandomizationWin', 'msForceBrowserSignIn', 'msEdgeUpdateLaunchServicesPreferredVersion',
  // the browser's own traffic (the first four and MediaRouter are playwright's too)
  'NetworkTimeServiceQuerying', 'OptimizationHints', 'AimEnabled', 'PreconnectToSearch', 'AimServerEligibilityEnabled', 'AimServerRequestOnStartupEnabled',
  'DnsOverHttpsUpgrade', 'MediaRouter', 'DialMediaRouteProvider', 'Translate', 'AutofillServerCommunication',
];

/**
 * Flags for a quiet, offline, headless run. Playwright gives every launch a
 * fresh, empty `--user-data-dir` (deleted on close). The browser asks no
 * server of its own accord; measured with Chromium 156 through its NetLog
 * (test/unit/browser-network.test.ts), two need more than an off switch:
 *
 * - Chrome's check of the Google accounts in its cookie jar
 *   (accounts.google.com/ListAccounts) has no switch, feature or policy that
 *   stops it: its one url is pointed at an empty `data:` url, so each
 *   attempt fails inside the browser before any DNS lookup or socket;
 * - the component updater still checks on demand (the on-device model's
 *   manifest, update.googleapis.com) with `--disable-component-update`: its
 *   server is pointed at a `data:` url too.
 */
export const BROWSER_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-sync',
  '--disable-background-networking',
  '--disable-component-update',
  '--component-updater=url-source=data:,',
  '--gaia-config-contents={"urls":{"list_accounts_url":{"url":"data:,"}}}',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--no-pings',
  '--disable-breakpad',
  '--metrics-recording-only',
  `--disable-features=${DISABLED_FEATURES.join(',')}`,
];

/** Executable names looked up on PATH, best first. */
const PATH_NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
  'chrome',
  'microsoft-edge',
  'microsoft-edge-stable',
  'msedge',
  'brave-browser',
  'brave',
];

/** Well-known install locations per platform (checked before PATH). */
export function wellKnownBrowserPaths(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      'Brave Browser.app/Contents/MacOS/Brave Browser',
      'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary',
    ];
    const roots = ['/Applications', ...(env.HOME ? [path.join(env.HOME, 'Applications')] : [])];
    return roots.flatMap((r) => apps.map((a) => path.posix.join(r, a)));
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    const rel = [
      'Google\\Chrome\\Application\\chrome.exe',
      'Microsoft\\Edge\\Application\\msedge.exe',
      'Chromium\\Application\\chrome.exe',
      'BraveSoftware\\Brave-Browser\\Application\\brave.exe',
    ];
    return roots.flatMap((r) => rel.map((p) => path.win32.join(r, p)));
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
    '/opt/microsoft/msedge/msedge',
    '/usr/bin/brave-browser',
    '/opt/brave.com/brave/brave',
    '/snap/bin/chromium',
  ];
}

/** Why `p` cannot be started, or `undefined` when it is an executable file (on Windows: a file). */
function unusable(p: string, platform: NodeJS.Platform = process.platform): string | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(p).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'there is no such file' : `it cannot be read (${code ?? String(err)})`;
  }
  if (!isFile) return 'it is not a file';
  if (platform === 'win32') return undefined;
  try {
    accessSync(p, fsConstants.X_OK);
    return undefined;
  } catch {
    return 'it is not executable';
  }
}

const isExecutableFile = (p: string, platform?: NodeJS.Platform) => unusable(p, platform) === undefined;

/** The first executable of the given names on PATH (with PATHEXT on Windows). */
export function whichOnPath(names: readonly string[], env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const sep = platform === 'win32' ? ';' : ':';
  const dirs = (env.PATH ?? env.Path ?? '').split(sep).filter(Boolean);
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const name of names) {
    for (const dir of dirs) {
      for (const ext of exts) {
        const candidate = path.join(dir, name + ext.toLowerCase());
        if (isExecutableFile(candidate, platform)) return candidate;
        if (ext && isExecutableFile(path.join(dir, name + ext), platform)) return path.join(dir, name + ext);
      }
    }
  }
  return undefined;
}

/**
 * No usable browser (none found, or the one given or found cannot be
 * started): one line that says what to install, which flag to use, or what
 * is wrong with the file.
 */
export class BrowserNotFoundError extends Error {
  override readonly name = 'BrowserNotFoundError';
}

function installHint(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'install Google Chrome (https://www.google.com/chrome/) or Chromium (`brew install --cask chromium`)';
    case 'win32':
      return 'install Google Chrome (https://www.google.com/chrome/) or Microsoft Edge';
    default:
      return 'install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`; Fedora: `sudo dnf install chromium`) or Google Chrome';
  }
}

/** Throws the one-line `BrowserNotFoundError` for a path that cannot be started (`origin` says where it came from). */
function checkExecutable(p: string, origin = ''): void {
  const why = unusable(p);
  if (why === 'there is no such file') throw new BrowserNotFoundError(`No browser at ${p}${origin}. Give the path of a Chrome, Chromium, Edge or Brave executable.`);
  if (why) throw new BrowserNotFoundError(`Could not start the browser at ${p}${origin}: ${why}. Give the path of the Chrome, Chromium, Edge or Brave executable itself.`);
}

/**
 * The path of a Chromium-family browser: `explicit` when given (it must be an
 * executable file), else the first well-known install location, else the
 * first match on PATH. Throws a `BrowserNotFoundError` that says what to
 * install, which flag to use, or what is wrong with the given path.
 */
export function findBrowser(explicit?: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit.trim() !== '') {
    const p = path.resolve(explicit.trim());
    checkExecutable(p, ' (given with --browser)');
    return p;
  }
  for (const p of wellKnownBrowserPaths(platform, env)) if (isExecutableFile(p, platform)) return p;
  const onPath = whichOnPath(PATH_NAMES, env, platform);
  if (onPath) return onPath;
  throw new BrowserNotFoundError(
    `No Chrome, Chromium, Edge or Brave browser was found (looked in the usual install locations and on PATH for ${PATH_NAMES.join(', ')}). ` +
      `To draw SVG diagrams and export PDFs, ${installHint(platform)}, or give the browser's path with --browser PATH. Privacy Audit never downloads a browser.`,
  );
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches the browser headless with `BROWSER_ARGS` and a fresh temporary
 * profile (playwright creates one for every `launch()` and deletes it on
 * close), and no downloads. The path is checked first; a browser that cannot
 * be started is a one-line `BrowserNotFoundError` (not playwright's call log).
 */
export async function launch(browserPath: string): Promise<LaunchedBrowser> {
  checkExecutable(browserPath);
  // playwright-core never downloads by itself; make sure nothing else tries
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  // loaded here, on first use, and synchronously: an asynchronous import() goes through the ES module loader, whose
  // steps interleave with the reading and checking done meanwhile and delayed the browser's start by a quarter second
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  let browser: Browser;
  try {
    // no signal handlers of playwright's: they wait for the event loop, so a Ctrl+C during a long computation did
    // nothing; without them the process ends at once and the browser, whose pipe closes, ends with it
    browser = await chromium.launch({ executablePath: browserPath, headless: true, args: [...BROWSER_ARGS], timeout: 60_000, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  } catch (err) {
    throw launchFailure(browserPath, err);
  }
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}

/**
 * Playwright's launch error (its message holds the whole call log and the
 * browser's output) as one line: a program that exited before it could be
 * driven, with its exit code and the first line it wrote to stderr; a file
 * the system cannot run; anything else (a timeout) by its first line.
 */
function launchFailure(browserPath: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const start = `Could not start the browser at ${browserPath}`;
  const first = message.split('\n')[0]!.replace(/^browserType\.launch: /, '').trim();
  const exit = /<process did exit: exitCode=(\w+), signal=(\w+)>/.exec(message);
  if (exit && !/\bTimeout\b/.test(first)) {
    const how = exit[1] !== 'null' ? `exit code ${exit[1]}` : `signal ${exit[2]}`;
    const said = /\[pid=\d+\]\[err\] *(\S.*)/.exec(message)?.[1]?.trim().slice(0, 200);
    return new BrowserNotFoundError(`${start}: it exited at once (${how}; not a Chromium-family browser?)${said ? `; it said: ${said}` : ''}`);
  }
  const spawn = /\bspawn .* (EACCES|ENOEXEC|ENOENT)\b/.exec(message);
  if (spawn) {
    const why = { EACCES: 'it is not executable', ENOEXEC: 'it is not a program this system can run', ENOENT: 'it or the interpreter it names is missing' }[spawn[1] as 'EACCES' | 'ENOEXEC' | 'ENOENT'];
    return new BrowserNotFoundError(`${start}: ${why}.`);
  }
  return new Error(`${start}: ${first}`);
}
