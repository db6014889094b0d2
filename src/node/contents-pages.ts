/**
 * The contents' page numbers, measured in the print page before printing:
 * `measureInPage` runs in the page (Playwright evaluates it although the
 * page's own scripts are disabled), `measureContents` and `fillContents`
 * drive it from Node. The print checks the numbers against the PDF's
 * destinations afterwards (export-print.ts).
 */
import type { Page } from 'playwright-core';
import { PAGE_MARGIN, PAPER_SIZE, type Paper } from '../core/present/document';

/** What the in-page functions use of the DOM (this module is also compiled without the DOM library). */
interface DomRect {
  left: number;
  right: number;
  width: number;
  height: number;
}
interface DomElement {
  textContent: string | null;
  readonly children: ArrayLike<DomElement>;
  readonly clientWidth: number;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  readonly classList: { add(c: string): void; remove(c: string): void };
  closest(selector: string): DomElement | null;
  getAttribute(name: string): string | null;
  getClientRects(): ArrayLike<DomRect>;
  getBoundingClientRect(): DomRect;
  appendChild(child: DomElement): unknown;
  remove(): void;
}
interface CssDeclarations {
  getPropertyValue(property: string): string;
  getPropertyPriority(property: string): string;
}
interface CssRule {
  readonly constructor: { name: string };
  selectorText?: string;
  style?: CssDeclarations;
  media?: { mediaText: string };
  cssRules?: ArrayLike<CssRule>;
}
interface PageDom {
  document: {
    documentElement: DomElement;
    head: DomElement;
    body: DomElement;
    styleSheets: ArrayLike<{ cssRules: ArrayLike<CssRule> }>;
    querySelectorAll(selector: string): ArrayLike<DomElement>;
    getElementById(id: string): DomElement | null;
    createElement(tag: string): DomElement;
  };
  getComputedStyle(el: DomElement): Record<'marginLeft' | 'marginRight' | 'borderLeftWidth' | 'borderRightWidth' | 'paddingLeft' | 'paddingRight' | 'position', string>;
  matchMedia(query: string): { matches: boolean };
}

/** The contents' page-number slots (document.ts writes them empty, with their width reserved). */
export const CONTENTS_SLOT = 'nav.pa-toc .pa-toc-page';

/**
 * Runs in the print page (Playwright evaluates in it although the page's own
 * scripts are disabled). Lays the document out as pages: the body becomes a
 * multi-column box whose columns are the page's content box, every forced
 * page break a forced column break (and `avoid-page` an `avoid`), the cover
 * (one page) hidden; each heading's column is then its page. Everything is
 * put back before it returns. Returns, for each slot in order, the target id
 * and its page, or null for a target that is not laid out.
 */
function measureInPage(arg: { slot: string; width: number; height: number; coverPages: number }): { id: string; page: number | null }[] {
  const { document, getComputedStyle, matchMedia } = globalThis as unknown as PageDom;
  const slots = Array.from(document.querySelectorAll(arg.slot));
  if (!slots.length) return [];
  const cls = 'pa-measuring-pages';
  const root = document.documentElement;
  const body = document.body;
  const rules: string[] = [];
  const pageish = /^(page|left|right|recto|verso|always)$/;
  const map = (r: CssRule & { style: CssDeclarations }) => {
    const decls: string[] = [];
    for (const [prop, alias] of [['break-before', 'page-break-before'], ['break-after', 'page-break-after'], ['break-inside', 'page-break-inside']] as const) {
      const v = (r.style.getPropertyValue(prop) || r.style.getPropertyValue(alias)).trim();
      if (!v) continue;
      const important = r.style.getPropertyPriority(prop) || r.style.getPropertyPriority(alias) ? ' !important' : '';
      if (prop !== 'break-inside' && pageish.test(v)) decls.push(`${prop}: column${important};`);
      else if (v === 'avoid-page') decls.push(`${prop}: avoid${important};`);
    }
    if (decls.length) rules.push(`html.${cls} :is(${r.selectorText}) { ${decls.join(' ')} }`);
  };
  const visit = (list: ArrayLike<CssRule>, depth: number) => {
    if (depth > 16) return;
    for (const r of Array.from(list)) {
      const kind = r.constructor.name;
      if (kind === 'CSSStyleRule' && r.style && r.selectorText) map(r as CssRule & { style: CssDeclarations });
      else if (kind === 'CSSMediaRule' && r.media && r.cssRules) {
        if (matchMedia(r.media.mediaText).matches) visit(r.cssRules, depth + 1);
      } else if ((kind === 'CSSSupportsRule' || kind === 'CSSLayerBlockRule') && r.cssRules) visit(r.cssRules, depth + 1);
    }
  };
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      visit(sheet.cssRules, 0);
    } catch {
      // a sheet that cannot be read is not the document's own
    }
  }
  const cs = getComputedStyle(body);
  const px = (v: string) => parseFloat(v) || 0;
  // the body's own margins, borders and padding sit inside the page's content box, as in print
  const inline = px(cs.marginLeft) + px(cs.marginRight) + px(cs.borderLeftWidth) + px(cs.borderRightWidth) + px(cs.paddingLeft) + px(cs.paddingRight);
  // Chromium prints content wider than the page shrunk to fit, all pages alike (by the widest overflow, at most 1.5×):
  // the pages are then laid out that much wider and taller. The same factor here, from the document laid out at the
  // page's width: the loaded layout itself when the viewport has that width (see `printViewport`), else a probe.
  const probe = document.createElement('style');
  probe.textContent =
    `html.${cls}-width body { box-sizing: content-box !important; width: ${arg.width - inline}px !important; min-width: 0 !important; max-width: none !important; overflow: hidden !important; }\n` +
    `html.${cls}-width .pa-cover { display: none !important; }`;
  const viewport = root.clientWidth;
  const probing = Math.abs(viewport - arg.width) > 1;
  let shrink = 1;
  try {
    if (probing) {
      document.head.appendChild(probe);
      root.classList.add(`${cls}-width`);
    }
    // where the page area ends in this layout: the viewport's right edge, or the probed body's margin box
    const bodyBox = body.getBoundingClientRect();
    const end = probing ? bodyBox.right + px(cs.marginRight) : viewport;
    // how far the content reaches (whole pixels): the viewport's scrolling area, or the probed body's (clipped, so a scroller)
    const scrollWidth = probing
      ? bodyBox.left + px(cs.borderLeftWidth) + (body as unknown as { scrollWidth: number }).scrollWidth - px(cs.paddingRight)
      : (root as unknown as { scrollWidth: number }).scrollWidth;
    if (scrollWidth > end + 0.5) {
      // the exact right edge from the boxes (scrollWidth is whole pixels), down only into boxes that overflow
      let right = 0;
      const walk = (el: DomElement, depth: number) => {
        for (const c of Array.from(el.children)) {
          if (c.closest('.pa-cover, .pa-watermark')) continue;
          const r = c.getBoundingClientRect();
          if (r.right > right && (r.width > 0 || r.height > 0) && getComputedStyle(c).position !== 'fixed') right = r.right;
          const box = c as unknown as { scrollWidth: number; clientWidth: number };
          if (depth < 200 && (box.clientWidth === 0 || box.scrollWidth > box.clientWidth)) walk(c, depth + 1);
        }
      };
      walk(body, 0);
      // text that overflows its box (seen only by scrollWidth) wins when it reaches further
      if (scrollWidth > right + 1) right = scrollWidth;
      shrink = Math.min(1.5, Math.max(1, (arg.width + (right - end)) / arg.width));
    }
  } finally {
    if (probing) {
      root.classList.remove(`${cls}-width`);
      probe.remove();
    }
  }
  const colWidth = arg.width * shrink - inline;
  const colHeight = arg.height * shrink;
  rules.push(
    `html.${cls} body { box-sizing: content-box !important; width: ${colWidth}px !important; min-width: 0 !important; max-width: none !important; ` +
      `height: ${colHeight}px !important; min-height: 0 !important; max-height: none !important; padding-top: 0 !important; padding-bottom: 0 !important; ` +
      `margin-top: 0 !important; margin-bottom: 0 !important; border-top-width: 0 !important; border-bottom-width: 0 !important; ` +
      `column-width: ${colWidth}px !important; column-count: 1 !important; column-gap: 0 !important; column-fill: auto !important; overflow: visible !important; }`,
    `html.${cls} .pa-cover { display: none !important; }`,
  );
  const style = document.createElement('style');
  style.textContent = rules.join('\n');
  const out: { id: string; page: number | null }[] = [];
  try {
    document.head.appendChild(style);
    root.classList.add(cls);
    const box = body.getBoundingClientRect();
    const x0 = box.left + px(cs.borderLeftWidth) + px(cs.paddingLeft);
    for (const slot of slots) {
      const href = slot.closest('a')?.getAttribute('href') ?? '';
      const id = href.startsWith('#') ? href.slice(1) : '';
      const target = id ? document.getElementById(id) : null;
      const rect = target ? Array.from(target.getClientRects()).find((r) => r.height > 0 || r.width > 0) : undefined;
      const column = rect ? Math.floor((rect.left - x0 + 0.5) / colWidth) : NaN;
      out.push({ id, page: Number.isInteger(column) && column >= 0 ? column + 1 + arg.coverPages : null });
    }
  } finally {
    root.classList.remove(cls);
    style.remove();
  }
  return out;
}

/**
 * Chromium's printed page area is a little taller than the page size less
 * the margins (it works in whole units of its own): measured, a card 0.27 px
 * taller than that still fits on the page, and the pages of the example and
 * of a 30-page report come out the same with anything from +0.3 to +3 px.
 */
const PAGE_AREA_SLACK_PX = 1;

/** The page's content box in CSS pixels (the @page size less the margins document.ts sets). */
export function pageContentBox(paper: Paper): { width: number; height: number } {
  const mm = 96 / 25.4;
  const p = PAPER_SIZE[paper];
  return { width: (p.w - PAGE_MARGIN.left - PAGE_MARGIN.right) * mm, height: (p.h - PAGE_MARGIN.top - PAGE_MARGIN.bottom) * mm + PAGE_AREA_SLACK_PX };
}

/**
 * The viewport to load a document to be printed on `paper` in: as wide as
 * the page's content box (whole pixels), so that the layout done while
 * loading already shows what is wider than the page.
 */
export function printViewport(paper: Paper): { width: number; height: number } {
  const box = pageContentBox(paper);
  return { width: Math.round(box.width), height: Math.round(box.height) };
}

/**
 * Measures, in the loaded print page, on which page each contents entry's
 * target will print. Undefined when the document has no slots, when the
 * measuring failed or took longer than `timeoutMs` (the page is then busy:
 * the caller must not print in it), or when the result is not plausible.
 */
export async function measureContents(page: Page, paper: Paper, timeoutMs: number): Promise<{ entries: { id: string; page: number | null }[] } | { timedOut: true } | undefined> {
  const box = pageContentBox(paper);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const measuring = page.evaluate<{ id: string; page: number | null }[]>(inPage(measureInPage, { slot: CONTENTS_SLOT, ...box, coverPages: 1 }));
  measuring.catch(() => {});
  try {
    const r = await Promise.race([measuring, timeout]);
    if (r === 'timeout') return { timedOut: true };
    if (!r.length) return undefined;
    // the entries follow the document: their pages never go back
    let last = 0;
    for (const e of r) {
      if (e.page === null) continue;
      if (e.page < last) return undefined;
      last = e.page;
    }
    return { entries: r };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An expression that calls `fn(arg)` in the page. Written out as source with
 * the one helper a TypeScript transpiler may add to named inner functions
 * (`__name`, under tsx), which the page does not have.
 */
function inPage<A>(fn: (arg: A) => unknown, arg: A): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}

/** Writes the page numbers into the contents' slots (by slot order); `undefined` empties them all. */
export async function fillContents(page: Page, pages: readonly (number | null)[] | undefined): Promise<void> {
  await page.evaluate(
    inPage(
      ({ slot, pages }: { slot: string; pages: (number | null)[] | null }) => {
        const { document } = globalThis as unknown as PageDom;
        const slots = Array.from(document.querySelectorAll(slot));
        slots.forEach((s, i) => {
          const p = pages?.[i];
          s.textContent = typeof p === 'number' ? String(p) : '';
        });
      },
      { slot: CONTENTS_SLOT, pages: pages ? [...pages] : null },
    ),
  );
}
