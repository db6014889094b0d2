/**
 * Mermaid in a headless Chromium-family browser: parse and render diagram
 * text to SVG with mermaid's own code (the UMD bundle from node_modules),
 * offline and locked down.
 *
 * The page is an isolated `about:blank` document filled with `setContent`
 * (no file:// URL); every network request is aborted; mermaid runs with
 * `securityLevel: 'strict'` and the keys that matter in `secure`, so a
 * directive inside a diagram cannot loosen them.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { findBrowser, launch, type LaunchedBrowser } from './browser';

export type MermaidTheme = 'default' | 'dark' | 'neutral';

export interface MermaidOptions {
  /** Browser executable; found automatically when absent (see `findBrowser`). */
  browserPath?: string;
  theme?: MermaidTheme;
  /** Prefix of the SVG element ids, so several diagrams can share one HTML page. */
  idPrefix?: string;
}

export interface ParseResult {
  ok: boolean;
  error?: string;
}

/** Mermaid's default `secure` keys plus every key that could loosen the sandbox or restyle the output. */
export const SECURE_KEYS: readonly string[] = [
  'secure',
  'securityLevel',
  'startOnLoad',
  'maxTextSize',
  'suppressErrorRendering',
  'maxEdges',
  'theme',
  'themeVariables',
  'themeCSS',
  'fontFamily',
  'dompurifyConfig',
  'htmlLabels',
];

/** Mermaid's refusal threshold; our generated diagrams stay well under 50,000 characters. */
export const MAX_TEXT_SIZE = 60_000;

/**
 * What the page callbacks use of the browser, typed here so that this module
 * also compiles without the DOM library (the command line's tsconfig has
 * none). The callbacks run in the page, where these are the real globals.
 */
interface PageGlobals {
  mermaid?: {
    initialize(config: unknown): void;
    parse(text: string): Promise<unknown>;
    render(id: string, text: string): Promise<{ svg: string }>;
  };
  DOMParser: new () => { parseFromString(s: string, type: string): { body: { querySelector(selector: string): unknown } } };
  XMLSerializer: new () => { serializeToString(node: unknown): string };
  document: { getElementById(id: string): { remove(): void } | null };
}

let bundle: string | undefined;

/**
 * The mermaid UMD browser bundle, read once: from node_modules, or else the
 * copy the build puts next to the bundled code (dist/webview/mermaid.min.js).
 */
export function mermaidBundle(): string {
  if (bundle !== undefined) return bundle;
  const candidates: string[] = [];
  try {
    candidates.push(require.resolve('mermaid/dist/mermaid.min.js'));
  } catch {
    // not installed next to this code (a bundled build): try the build's copy
  }
  candidates.push(path.join(__dirname, 'webview', 'mermaid.min.js'), path.join(__dirname, '..', 'dist', 'webview', 'mermaid.min.js'));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`The mermaid library was not found (looked for ${candidates.join(', ')}). Run npm install, or npm run build.`);
  bundle = readFileSync(found, 'utf8');
  return bundle;
}

export interface MermaidSession {
  page: Page;
  parse(texts: readonly string[]): Promise<ParseResult[]>;
  render(texts: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Opens one locked-down page with mermaid loaded; reuse it for many diagrams. */
export async function openMermaid(options: MermaidOptions = {}): Promise<MermaidSession> {
  const browserPath = findBrowser(options.browserPath);
  const launched: LaunchedBrowser = await launch(browserPath);
  try {
    const context = await launched.browser.newContext({ javaScriptEnabled: true, offline: true, serviceWorkers: 'block', acceptDownloads: false });
    const page = await context.newPage();
    // every page of the context: no request leaves the browser (data: URLs only)
    await context.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"><title>mermaid</title></head><body></body></html>');
    await page.addScriptTag({ content: mermaidBundle() });
    const config = {
      startOnLoad: false,
      securityLevel: 'strict',
      theme: options.theme ?? 'default',
      secure: [...SECURE_KEYS],
      maxTextSize: MAX_TEXT_SIZE,
      suppressErrorRendering: true,
    };
    await page.evaluate((cfg) => {
      const m = (globalThis as unknown as PageGlobals).mermaid;
      if (!m) throw new Error('the mermaid bundle did not load');
      m.initialize(cfg);
    }, config);
    const prefix = (options.idPrefix ?? 'pa-mermaid').replace(/[^A-Za-z0-9_-]/g, '') || 'pa-mermaid';
    let counter = 0;
    return {
      page,
      async parse(texts) {
        return page.evaluate(async (list) => {
          const m = (globalThis as unknown as PageGlobals).mermaid!;
          const out: { ok: boolean; error?: string }[] = [];
          for (const t of list) {
            try {
              await m.parse(t);
              out.push({ ok: true });
            } catch (err) {
              out.push({ ok: false, error: String((err as Error)?.message ?? err) });
            }
          }
          return out;
        }, [...texts]);
      },
      async render(texts) {
        const ids = texts.map(() => `${prefix}-${++counter}`);
        const results = await page.evaluate(
          async ({ list, ids }) => {
            const g = globalThis as unknown as PageGlobals;
            const m = g.mermaid!;
            const out: { svg?: string; error?: string }[] = [];
            for (let i = 0; i < list.length; i++) {
              try {
                const { svg } = await m.render(ids[i]!, list[i]!);
                // well-formed XML (mermaid's HTML labels hold `<br>`), parsed in an inert document
                const doc = new g.DOMParser().parseFromString(`<!doctype html><body>${svg}`, 'text/html');
                const el = doc.body.querySelector('svg');
                if (!el) throw new Error('mermaid returned no <svg> element');
                out.push({ svg: new g.XMLSerializer().serializeToString(el) });
              } catch (err) {
                out.push({ error: String((err as Error)?.message ?? err) });
              } finally {
                // mermaid leaves its scratch element behind after a failure
                g.document.getElementById(`d${ids[i]}`)?.remove();
              }
            }
            return out;
          },
          { list: [...texts], ids },
        );
        return results.map((r, i) => {
          if (r.svg === undefined) throw new Error(`Mermaid could not render diagram ${i + 1}: ${r.error ?? 'unknown error'}`);
          return r.svg;
        });
      },
      close: () => launched.close(),
    };
  } catch (err) {
    await launched.close();
    throw err;
  }
}

/** Renders each mermaid text to an SVG string, serialized as XML so that it also stands alone as an `.svg` file (one browser for all of them). */
export async function renderMermaidSvg(texts: readonly string[], options: MermaidOptions = {}): Promise<string[]> {
  const s = await openMermaid(options);
  try {
    return await s.render(texts);
  } finally {
    await s.close();
  }
}

/** Checks each text with `mermaid.parse`. */
export async function parseMermaid(texts: readonly string[], options: MermaidOptions = {}): Promise<ParseResult[]> {
  const s = await openMermaid(options);
  try {
    return await s.parse(texts);
  } finally {
    await s.close();
  }
}
