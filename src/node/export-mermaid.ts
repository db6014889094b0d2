/**
 * Mermaid for the export: one locked-down page in a browser the caller owns
 * (so the exporter keeps a single warm browser for the diagrams and for
 * printing), with the mermaid bundle read from a path the caller may choose
 * (a bundled build ships it next to its code).
 *
 * Same rules as mermaid.ts: an `about:blank` page filled with `setContent`
 * (no file:// URL), in its own browser context where every request other
 * than `data:` is aborted (and counted), mermaid with `securityLevel:
 * 'strict'` and the keys that matter in `secure`. On top of that each SVG is
 * sanitised in an inert document before it leaves the page: only drawing and
 * label elements survive, no event handler, no link or reference that leaves
 * the SVG, no `url(…)` or `@import` pointing anywhere but `#…`.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export type MermaidTheme = 'default' | 'dark' | 'neutral';

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


export interface MermaidPageOptions {
  /** The mermaid UMD bundle (`mermaid.min.js`). Default: `require.resolve('mermaid/dist/mermaid.min.js')`. */
  mermaidPath?: string;
  theme?: MermaidTheme;
  /** Prefix of the SVG element ids (they share the exported page with the report). */
  idPrefix?: string;
}

export interface RenderedSvg {
  svg?: string;
  error?: string;
  /** Elements and attributes the sanitiser removed (0 for our own diagrams). */
  removed: number;
}

export interface MermaidPage {
  /** The page mermaid runs in (tests evaluate in it). */
  readonly page: Page;
  /** Draws each text; `ids` (letters, digits, `-`, `_`) name the SVG elements, else `idPrefix-N`. */
  render(texts: readonly string[], ids?: readonly string[]): Promise<RenderedSvg[]>;
  /** Checks each text with `mermaid.parse`. */
  parse(texts: readonly string[]): Promise<ParseResult[]>;
  /** Requests the page tried to make (all aborted except `data:`). */
  readonly requests: number;
  close(): Promise<void>;
}

const bundles = new Map<string, string>();

/**
 * The mermaid bundle's path: the installed package's, else the copy the build
 * puts next to the bundled code (dist/webview/mermaid.min.js).
 */
export function defaultMermaidPath(): string {
  const candidates: string[] = [];
  try {
    candidates.push(require.resolve('mermaid/dist/mermaid.min.js'));
  } catch {
    // not installed next to this code (a bundled build): try the build's copy
  }
  candidates.push(path.join(__dirname, 'webview', 'mermaid.min.js'), path.join(__dirname, '..', 'dist', 'webview', 'mermaid.min.js'));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`The mermaid library was not found (looked for ${candidates.join(', ')}). Run npm install, or npm run build.`);
  return found;
}

function readBundle(p: string): string {
  let b = bundles.get(p);
  if (b === undefined) {
    try {
      b = readFileSync(p, 'utf8');
    } catch (err) {
      throw new Error(`Cannot read the mermaid library at ${p}: ${(err as Error).message}`);
    }
    bundles.set(p, b);
  }
  return b;
}

/**
 * What the page callbacks use of the browser, typed here so that this module
 * also compiles without the DOM library (the command line's tsconfig has
 * none). The callbacks run in the page, where these are the real globals.
 */
interface PageElement {
  localName: string;
  attributes: ArrayLike<{ name: string; value: string }>;
  children: ArrayLike<PageElement>;
  childNodes: ArrayLike<unknown>;
  textContent: string | null;
  removeAttribute(name: string): void;
  replaceWith(...nodes: unknown[]): void;
  remove(): void;
}

interface PageGlobals {
  mermaid?: {
    initialize(config: unknown): void;
    render(id: string, text: string): Promise<{ svg: string }>;
    parse(text: string): Promise<unknown>;
  };
  DOMParser: new () => { parseFromString(s: string, type: string): { body: { querySelector(selector: string): PageElement | null } } };
  XMLSerializer: new () => { serializeToString(node: PageElement): string };
  document: { getElementById(id: string): { remove(): void } | null };
}

/** Opens an isolated context and page in `browser` with mermaid loaded; reuse it for many diagrams. */
export async function openMermaidPage(browser: Browser, options: MermaidPageOptions = {}): Promise<MermaidPage> {
  const source = readBundle(options.mermaidPath ?? defaultMermaidPath());
  const context: BrowserContext = await browser.newContext({ javaScriptEnabled: true, offline: true, serviceWorkers: 'block', acceptDownloads: false });
  let requests = 0;
  try {
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith('data:')) return route.continue();
      requests++;
      return route.abort();
    });
    const page: Page = await context.newPage();
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"><title>mermaid</title></head><body></body></html>');
    await page.addScriptTag({ content: source });
    await page.evaluate(
      (cfg) => {
        const m = (globalThis as unknown as PageGlobals).mermaid;
        if (!m) throw new Error('the mermaid bundle did not load');
        m.initialize(cfg);
      },
      { startOnLoad: false, securityLevel: 'strict', theme: options.theme ?? 'default', secure: [...SECURE_KEYS], maxTextSize: MAX_TEXT_SIZE, suppressErrorRendering: true },
    );
    const prefix = (options.idPrefix ?? 'pa-export').replace(/[^A-Za-z0-9_-]/g, '') || 'pa-export';
    let counter = 0;
    return {
      page,
      get requests() {
        return requests;
      },
      async parse(texts) {
        return page.evaluate(async (list) => {
          const m = (globalThis as unknown as PageGlobals).mermaid!;
          const out: ParseResult[] = [];
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
      async render(texts, given) {
        const ids = texts.map((_, i) => given?.[i]?.replace(/[^A-Za-z0-9_-]/g, '') || `${prefix}-${++counter}`);
        return page.evaluate(renderInPage, { list: [...texts], ids });
      },
      async close() {
        await context.close().catch(() => {});
      },
    };
  } catch (err) {
    await context.close().catch(() => {});
    throw err;
  }
}

/**
 * Runs in the page: renders each text, then sanitises the SVG in an inert
 * document and serialises it as XML. Self-contained, and written without
 * inner named functions (a transpiler's name helpers do not exist in the page).
 */
async function renderInPage({ list, ids }: { list: string[]; ids: string[] }): Promise<RenderedSvg[]> {
  const g = globalThis as unknown as PageGlobals;
  const m = g.mermaid!;
  // drawing, structure and label elements; anything else goes (with its content)
  const allowed = new Set(
    ('svg g defs symbol use marker path rect circle ellipse line polyline polygon text tspan textpath title desc style switch ' +
      'lineargradient radialgradient stop pattern clippath mask filter fegaussianblur feoffset feblend feflood fecomposite femerge femergenode ' +
      'fecolormatrix fedropshadow femorphology foreignobject div span p br b strong i em u s code small sub sup ul ol li table thead tbody tr th td')
      .split(' '),
  );
  const dropAttr = /^(on|src$|srcset$|srcdoc$|action$|formaction$|background$|poster$|data$|codebase$|ping$)/i;
  const badValue = /url\(\s*(['"]?)(?!#)|javascript:|vbscript:|data:(?!image\/(?:png|jpeg|gif|webp);)|expression\s*\(/i;
  const out: RenderedSvg[] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      const { svg } = await m.render(ids[i]!, list[i]!);
      const doc = new g.DOMParser().parseFromString(`<!doctype html><body>${svg}`, 'text/html');
      const root = doc.body.querySelector('svg');
      if (!root) throw new Error('mermaid returned no <svg> element');
      let removed = 0;
      const stack: PageElement[] = [root];
      while (stack.length) {
        const el = stack.pop()!;
        for (const a of Array.from(el.attributes)) {
          const n = a.name.toLowerCase();
          const badRef = (n === 'href' || n.endsWith(':href')) && !a.value.trim().startsWith('#');
          if (dropAttr.test(n) || badRef || badValue.test(a.value)) {
            removed++;
            el.removeAttribute(a.name);
          }
        }
        if (el.localName.toLowerCase() === 'style') {
          const css = el.textContent ?? '';
          const clean = css
            .replace(/@import[^;]*;?/gi, '')
            .replace(/url\(\s*(['"]?)(?!#)[^)]*\)/gi, 'none')
            .replace(/expression\s*\(/gi, 'none(');
          if (clean !== css) {
            removed++;
            el.textContent = clean;
          }
          continue;
        }
        for (const child of Array.from(el.children)) {
          const name = child.localName.toLowerCase();
          if (name === 'a') {
            // a link: keep what it shows, drop the link
            removed++;
            const kids = Array.from(child.children);
            child.replaceWith(...Array.from(child.childNodes));
            stack.push(...kids);
          } else if (!allowed.has(name)) {
            removed++;
            child.remove();
          } else stack.push(child);
        }
      }
      out.push({ svg: new g.XMLSerializer().serializeToString(root), removed });
    } catch (err) {
      out.push({ error: String((err as Error)?.message ?? err), removed: 0 });
    } finally {
      // mermaid leaves its scratch element behind after a failure
      g.document.getElementById(`d${ids[i]}`)?.remove();
    }
  }
  return out;
}
