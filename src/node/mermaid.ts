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
import type { Page } from 'playwright-core';
import { findBrowser, launch } from './browser';
import { defaultMermaidPath, MAX_TEXT_SIZE, openMermaidPage, SECURE_KEYS, type MermaidTheme, type ParseResult } from './export-mermaid';

export { MAX_TEXT_SIZE, SECURE_KEYS, type MermaidTheme, type ParseResult };

export interface MermaidOptions {
  /** Browser executable; found automatically when absent (see `findBrowser`). */
  browserPath?: string;
  theme?: MermaidTheme;
  /** Prefix of the SVG element ids, so several diagrams can share one HTML page. */
  idPrefix?: string;
}

export interface MermaidSession {
  page: Page;
  parse(texts: readonly string[]): Promise<ParseResult[]>;
  render(texts: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Launches a browser and opens the export's locked-down mermaid page in it
 * (one page for many diagrams); the SVGs come out sanitised and as XML, so
 * each also stands alone as an `.svg` file.
 */
export async function openMermaid(options: MermaidOptions = {}): Promise<MermaidSession> {
  const launched = await launch(findBrowser(options.browserPath));
  try {
    const mp = await openMermaidPage(launched.browser, { mermaidPath: defaultMermaidPath(), theme: options.theme ?? 'default', idPrefix: options.idPrefix ?? 'pa-mermaid' });
    return {
      page: mp.page,
      parse: (texts) => mp.parse(texts),
      async render(texts) {
        const results = await mp.render(texts);
        return results.map((r, i) => {
          if (r.svg === undefined) throw new Error(`Mermaid could not render diagram ${i + 1}: ${r.error ?? 'unknown error'}`);
          return r.svg;
        });
      },
      close: async () => {
        await mp.close();
        await launched.close();
      },
    };
  } catch (err) {
    await launched.close();
    throw err;
  }
}

/** Renders each mermaid text to an SVG string (one browser for all of them). */
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
