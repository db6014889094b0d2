/**
 * The preview webview: shows the HTML the core renderer made, draws the
 * diagrams with the bundled mermaid, follows the editor's scroll, and asks the
 * extension to reveal a record when a flow row or an edge is clicked.
 */
import type { FromWebview, ToWebview } from '../core/protocol';
import { cachedDiagram, renderDiagram } from './mermaid';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void; getState(): unknown; setState(s: unknown): void };

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let edgeFlows: string[][] = [];
let nodeRecords: Record<string, string> = {};
let lastRender: Extract<ToWebview, { type: 'render' }> | undefined;

function post(m: FromWebview): void {
  vscode.postMessage(m);
}

/**
 * Puts diagrams in place of their `pre.mermaid` sources (in `within`, by
 * default the whole page): from the cache at once, otherwise when drawn.
 */
async function drawDiagrams(within: readonly Element[] = [app]): Promise<void> {
  const pres = within.flatMap((root) => Array.from(root.querySelectorAll<HTMLElement>('pre.mermaid')));
  await Promise.all(
    pres.map(async (pre) => {
      const source = pre.textContent ?? '';
      const holder = document.createElement('div');
      holder.className = 'diagram';
      holder.dataset.diagram = pre.dataset.diagram ?? '';
      holder.dataset.source = source;
      if (pre.dataset.line) holder.dataset.line = pre.dataset.line;
      const cached = cachedDiagram(source);
      if (cached) {
        holder.innerHTML = cached;
        pre.replaceWith(holder);
      } else {
        try {
          holder.innerHTML = await renderDiagram(source);
          if (pre.isConnected) pre.replaceWith(holder);
        } catch (err) {
          pre.classList.add('diagram-error');
          pre.setAttribute('title', `The diagram could not be drawn: ${(err as Error).message}`);
          return;
        }
      }
      if (holder.dataset.diagram === 'dataflow') wireEdges(holder);
    }),
  );
}

/**
 * The data-flow diagram's edges, their labels and its nodes reveal their
 * records: an edge or its label the first flow it stands for, a device node
 * its device record, an endpoint the first flow that reaches it.
 */
function wireEdges(holder: HTMLElement): void {
  const makeLink = (el: Element, id: string, what: string) => {
    const target = el as SVGElement;
    target.dataset.reveal = id;
    target.setAttribute('tabindex', '0');
    target.setAttribute('role', 'link');
    // an element that shows text is named by that text first (its accessible name must contain what it shows)
    const parts: string[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent?.trim()) parts.push(n.textContent.trim());
    const shown = parts.join(' ').replace(/\s+/g, ' ').trim();
    target.setAttribute('aria-label', shown ? `${shown} (show ${what} in the editor)` : `Show ${what} in the editor`);
  };
  const paths = Array.from(new Set(Array.from(holder.querySelectorAll<SVGPathElement>('.edgePaths path, path.flowchart-link'))));
  paths.forEach((path, i) => {
    const flows = edgeFlows[i];
    if (!flows?.length) return;
    const what = `flow ${flows.join(', ')}`;
    makeLink(path, flows[0]!, what);
    // the label of this edge: mermaid names it after the edge (`L_n1_n3_0`), else it is the i-th label
    const name = /(L_[A-Za-z0-9]+_[A-Za-z0-9]+_\d+)$/.exec(path.id)?.[1];
    const label = (name && holder.querySelector(`.edgeLabels [data-id="${CSS.escape(name)}"]`)?.closest('.edgeLabel')) || holder.querySelectorAll('.edgeLabels .edgeLabel')[i];
    if (label) makeLink(label, flows[0]!, what);
  });
  for (const node of Array.from(holder.querySelectorAll<SVGGElement>('g.node'))) {
    const id = /-flowchart-(n\d+)-\d+$/.exec(node.id)?.[1];
    const record = id ? nodeRecords[id] : undefined;
    if (record) makeLink(node, record, record);
  }
}

// a click (or Enter) on a diagram element marked with data-reveal shows its record
function revealFrom(target: EventTarget | null): boolean {
  const el = target instanceof Element ? target.closest<SVGElement | HTMLElement>('[data-reveal]') : null;
  const id = el?.dataset.reveal;
  if (!id) return false;
  post({ type: 'revealRecord', id });
  return true;
}
app.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && revealFrom(e.target)) e.preventDefault();
});

/** The parts of the shown report by key: unchanged parts stay in the page (diagrams drawn, no flash). */
let held = new Map<string, HTMLElement>();

function render(msg: Extract<ToWebview, { type: 'render' }>): void {
  const started = performance.now();
  lastRender = msg;
  edgeFlows = msg.edgeFlows;
  nodeRecords = msg.nodeRecords ?? {};
  const y = window.scrollY;
  let article = app.querySelector<HTMLElement>(':scope > article.pa-report');
  if (!article) {
    article = document.createElement('article');
    app.replaceChildren(article);
  }
  article.className = `pa-report pa-mode-${msg.mode}`;
  const next = new Map<string, HTMLElement>();
  const created: HTMLElement[] = [];
  const nodes = msg.parts.map((part) => {
    let node = held.get(part.key);
    if (!node || part.html !== undefined) {
      node = document.createElement('div');
      node.className = 'pa-part';
      // HTML from the core renderer: report text escaped, no scripts, no raw HTML
      node.innerHTML = part.html ?? '';
      created.push(node);
    }
    // an attribute written is a style change to check, even with the same value: write only what changed
    const base = String(part.base);
    if (node.dataset.base !== base) node.dataset.base = base;
    next.set(part.key, node);
    return node;
  });
  // move only what moved: an edit usually changes one part, and the rest of the page stays laid out
  const children = article.children;
  nodes.forEach((node, i) => {
    if (children[i] !== node) article!.insertBefore(node, children[i] ?? null);
  });
  while (children.length > nodes.length) children[children.length - 1]!.remove();
  held = next;
  window.scrollTo(0, y);
  // how long the webview took, from the message to the next frame (the benchmark reports it)
  // only new parts can hold a diagram not drawn yet (a kept part keeps its drawing)
  void drawDiagrams(created).then(() => requestAnimationFrame(() => post({ type: 'painted', version: msg.version, ms: performance.now() - started })));
}

/** The report line of an element: its part's first line plus its own offset. */
function lineOf(el: HTMLElement): number {
  const base = Number(el.closest<HTMLElement>('.pa-part')?.dataset.base ?? 0);
  return base + Number(el.dataset.line ?? 0);
}

function scrollToLine(line: number): void {
  let best: HTMLElement | undefined;
  let bestLine = -1;
  for (const el of Array.from(app.querySelectorAll<HTMLElement>('[data-line]'))) {
    const l = lineOf(el);
    if (l <= line && l >= bestLine) {
      best = el;
      bestLine = l;
    }
  }
  if (best) window.scrollTo(0, best.getBoundingClientRect().top + window.scrollY - 8);
  else if (line === 0) window.scrollTo(0, 0);
}

// clicks: a record (flow row, card) or an element with a line reveals it in the text editor
app.addEventListener('click', (e) => {
  if (revealFrom(e.target)) return;
  const target = e.target as HTMLElement;
  const link = target.closest('a');
  if (link?.getAttribute('href')?.startsWith('#')) return; // in-page anchors work as usual
  const rec = target.closest<HTMLElement>('[data-record]');
  if (rec?.dataset.record) {
    post({ type: 'revealRecord', id: rec.dataset.record });
    return;
  }
  const lined = target.closest<HTMLElement>('[data-line]');
  if (lined && e.detail >= 2) post({ type: 'reveal', line: lineOf(lined) });
});

window.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as ToWebview;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'render') render(msg);
  else if (msg.type === 'scrollTo') scrollToLine(msg.line);
});

// the theme changed: draw the diagrams again in the new colours (the parts' HTML is held as sent)
new MutationObserver(() => {
  if (!lastRender) return;
  for (const node of held.values()) {
    for (const d of Array.from(node.querySelectorAll<HTMLElement>('.diagram[data-source]'))) {
      const pre = document.createElement('pre');
      pre.className = 'mermaid';
      pre.dataset.diagram = d.dataset.diagram ?? '';
      pre.textContent = d.dataset.source ?? '';
      if (d.dataset.line) pre.dataset.line = d.dataset.line;
      d.replaceWith(pre);
    }
  }
  void drawDiagrams();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });
