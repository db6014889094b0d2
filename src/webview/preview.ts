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
let lastRender: Extract<ToWebview, { type: 'render' }> | undefined;

function post(m: FromWebview): void {
  vscode.postMessage(m);
}

/** Puts diagrams in place of their `pre.mermaid` sources: from the cache at once, otherwise when drawn. */
async function drawDiagrams(): Promise<void> {
  const pres = Array.from(app.querySelectorAll<HTMLElement>('pre.mermaid'));
  await Promise.all(
    pres.map(async (pre) => {
      const source = pre.textContent ?? '';
      const holder = document.createElement('div');
      holder.className = 'diagram';
      holder.dataset.diagram = pre.dataset.diagram ?? '';
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

/** A click on an edge of the data-flow diagram reveals the first flow it stands for. */
function wireEdges(holder: HTMLElement): void {
  const paths = Array.from(holder.querySelectorAll<SVGPathElement>('.edgePaths path, path.flowchart-link'));
  const unique = Array.from(new Set(paths));
  unique.forEach((path, i) => {
    const flows = edgeFlows[i];
    if (!flows?.length) return;
    path.style.cursor = 'pointer';
    path.setAttribute('tabindex', '0');
    path.setAttribute('role', 'link');
    path.setAttribute('aria-label', `Show flow ${flows.join(', ')} in the editor`);
    const go = () => post({ type: 'revealRecord', id: flows[0]! });
    path.addEventListener('click', go);
    path.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') go();
    });
  });
}

function render(msg: Extract<ToWebview, { type: 'render' }>): void {
  lastRender = msg;
  edgeFlows = msg.edgeFlows;
  const y = window.scrollY;
  app.innerHTML = msg.html;
  void drawDiagrams();
  window.scrollTo(0, y);
}

function scrollToLine(line: number): void {
  let best: HTMLElement | undefined;
  for (const el of Array.from(app.querySelectorAll<HTMLElement>('[data-line]'))) {
    const l = Number(el.dataset.line);
    if (l <= line && (!best || l >= Number(best.dataset.line))) best = el;
  }
  if (best) window.scrollTo(0, best.getBoundingClientRect().top + window.scrollY - 8);
  else if (line === 0) window.scrollTo(0, 0);
}

// clicks: a record (flow row, card) or an element with a line reveals it in the text editor
app.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const link = target.closest('a');
  if (link?.getAttribute('href')?.startsWith('#')) return; // in-page anchors work as usual
  const rec = target.closest<HTMLElement>('[data-record]');
  if (rec?.dataset.record) {
    post({ type: 'revealRecord', id: rec.dataset.record });
    return;
  }
  const lined = target.closest<HTMLElement>('[data-line]');
  if (lined && e.detail >= 2) post({ type: 'reveal', line: Number(lined.dataset.line) });
});

window.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as ToWebview;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'render') render(msg);
  else if (msg.type === 'scrollTo') scrollToLine(msg.line);
});

// the theme changed: draw the diagrams again in the new colours
new MutationObserver(() => {
  if (lastRender) render(lastRender);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });
