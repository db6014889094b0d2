/**
 * The export's warm browser: started once and kept between exports, with
 * its print context (JavaScript off, offline, every request but `data:`
 * aborted and counted) and one print page, reused; the mermaid page is
 * opened only when a diagram is not in the cache. A browser that crashed or
 * closed is started again by the next export.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findBrowser, launch, type LaunchedBrowser } from './browser';
import { forHost } from './export-errors';
import { openMermaidPage, type MermaidPage, type MermaidTheme } from './export-mermaid';
import type { ExporterOptions } from './export-types';

/** The first Chromium version that prints CSS page-margin boxes (running header and footer without templates). */
export const MARGIN_BOX_MIN_VERSION = 131;

/** The major version of a browser version string (`156.0.8078.79` → 156; 0 when unknown). */
export function chromiumMajor(version: string): number {
  const m = /(\d+)\./.exec(version);
  return m ? Number(m[1]) : 0;
}

export interface Warm {
  launched: LaunchedBrowser;
  browserPath: string;
  version: string;
  /** The mermaid page, opened when a diagram is not in the cache (loading mermaid is the slow part of a cold export). */
  mermaid?: Promise<MermaidPage>;
  /** The mermaid page's blocked requests already reported by an export. */
  mermaidCounted: number;
  /** The print context: JavaScript off, offline, every request but `data:` aborted. */
  print: BrowserContext;
  printPage?: Page;
  /** The print page has never held a document (nothing to empty before the next one). */
  printPageUnused?: boolean;
  printRequests: { n: number };
  /** The diagram rendering under way (a cancelled export does not wait for it; the next one does). */
  rendering: Promise<unknown>;
}

/** One browser, started when first asked for and kept warm until reset or disposed. */
export class WarmBrowser {
  private warm: Promise<Warm> | undefined;
  private disposed = false;

  constructor(private readonly options: Pick<ExporterOptions, 'browserPath' | 'host'>) {}

  /** The browser is started or starting. */
  get started(): boolean {
    return this.warm !== undefined;
  }

  ensure(): Promise<Warm> {
    if (this.disposed) return Promise.reject(new Error('This exporter has been disposed.'));
    if (!this.warm) {
      const p = this.launch();
      this.warm = p;
      // a failed start is not kept: the next export tries again (e.g. after the browser path is fixed)
      p.catch(() => {
        if (this.warm === p) this.warm = undefined;
      });
    }
    return this.warm;
  }

  /** Closes the browser (if any); the next export launches a new one. */
  async reset(): Promise<void> {
    const warm = this.warm;
    this.warm = undefined;
    if (!warm) return;
    const w = await warm.catch(() => undefined);
    if (w) await w.launched.close();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.reset();
  }

  private async launch(): Promise<Warm> {
    let browserPath: string;
    try {
      browserPath = findBrowser(this.options.browserPath);
    } catch (err) {
      throw forHost(err, this.options.host);
    }
    const launched = await launch(browserPath);
    try {
      const browser: Browser = launched.browser;
      const version = browser.version();
      const printRequests = { n: 0 };
      const openPrint = async () => {
        const print = await browser.newContext({ javaScriptEnabled: false, offline: true, serviceWorkers: 'block', acceptDownloads: false, colorScheme: 'light' });
        await print.route('**/*', (route) => {
          if (route.request().url().startsWith('data:')) return route.continue();
          printRequests.n++;
          return route.abort();
        });
        return { print, printPage: await print.newPage() };
      };
      const { print, printPage } = await openPrint();
      const w: Warm = { launched, browserPath, version, mermaidCounted: 0, print, printPage, printPageUnused: true, printRequests, rendering: Promise.resolve() };
      // a crashed or closed browser is started again by the next export
      browser.on('disconnected', () => {
        void this.warm?.then((cur) => {
          if (cur === w) this.warm = undefined;
        });
      });
      return w;
    } catch (err) {
      await launched.close();
      throw err;
    }
  }
}

/** The print page: one page, reused; each export replaces its document (a cancelled export closes it, and the next opens another). */
export async function openPrintPage(w: Warm): Promise<Page> {
  if (!w.printPage || w.printPage.isClosed()) {
    const fresh = await w.print.newPage();
    // a crashed page is not closed: let the next export open another
    fresh.on('crash', () => {
      if (w.printPage === fresh) w.printPage = undefined;
    });
    w.printPage = fresh;
    w.printPageUnused = true;
  }
  return w.printPage;
}

/** Closes a print page without waiting; the next export must not reuse a page that is still closing. */
export function closePrintPage(w: Warm, closing: Page): void {
  if (w.printPage === closing) w.printPage = undefined;
  void closing.close().catch(() => {});
}

/** The mermaid page, opened on first use; a page that did not open is opened again by the next export. */
export function mermaidPage(w: Warm, options: { theme: MermaidTheme; mermaidPath: string | undefined }): Promise<MermaidPage> {
  w.mermaid ??= openMermaidPage(w.launched.browser, { theme: options.theme, idPrefix: 'pa-diagram', ...(options.mermaidPath ? { mermaidPath: options.mermaidPath } : {}) });
  return w.mermaid.catch((err: unknown) => {
    w.mermaid = undefined;
    throw err;
  });
}

/** The requests the mermaid page tried since the last call: those of one report's diagrams. */
export async function newMermaidRequests(w: Warm): Promise<number> {
  const tried = w.mermaid ? await w.mermaid.then((m) => m.requests, () => 0) : 0;
  const n = tried - w.mermaidCounted;
  w.mermaidCounted = tried;
  return n;
}
