/**
 * Finding and launching a locally installed Chromium-family browser (Chrome,
 * Chromium, Edge, Brave) through playwright-core. Nothing is ever downloaded:
 * when no browser is found, the error says what to install or which flag to use.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';

/** Flags for a quiet, offline, headless run (no GPU, no sync, no update checks). */
export const BROWSER_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
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

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The first executable of the given names on PATH (with PATHEXT on Windows). */
export function whichOnPath(names: readonly string[], env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const sep = platform === 'win32' ? ';' : ':';
  const dirs = (env.PATH ?? env.Path ?? '').split(sep).filter(Boolean);
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const name of names) {
    for (const dir of dirs) {
      for (const ext of exts) {
        const candidate = path.join(dir, name + ext.toLowerCase());
        if (isFile(candidate)) return candidate;
        if (ext && isFile(path.join(dir, name + ext))) return path.join(dir, name + ext);
      }
    }
  }
  return undefined;
}

/** No usable browser: the message says what to install or which flag to use. */
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

/**
 * The path of a Chromium-family browser: `explicit` when given (it must
 * exist), else the first well-known install location, else the first match on
 * PATH. Throws an Error that says what to install, or which flag to use, when
 * none is found.
 */
export function findBrowser(explicit?: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit.trim() !== '') {
    const p = path.resolve(explicit.trim());
    if (!existsSync(p)) throw new BrowserNotFoundError(`No browser at ${p} (given with --browser). Give the path of a Chrome, Chromium, Edge or Brave executable.`);
    if (!isFile(p)) throw new BrowserNotFoundError(`${p} is a folder, not a browser executable. Give the path of the Chrome, Chromium, Edge or Brave executable itself.`);
    return p;
  }
  for (const p of wellKnownBrowserPaths(platform, env)) if (isFile(p)) return p;
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
 * Launches the browser headless with a fresh temporary profile (playwright
 * creates one for every `launch()` and deletes it on close), offline-minded
 * flags and no downloads.
 */
export async function launch(browserPath: string): Promise<LaunchedBrowser> {
  // playwright-core never downloads by itself; make sure nothing else tries
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: [...BROWSER_ARGS], timeout: 60_000 });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}
