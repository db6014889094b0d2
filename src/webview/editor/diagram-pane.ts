/** The side pane of the structured editor: the data-flow diagram (drawn by mermaid in the page) with its key, and the timeline (HTML from the core). */
import type { EditorModel } from '../../core/protocol';
import { el } from '../form/dom';
import { cachedDiagram, renderDiagram } from '../mermaid';

// the pane scrolls on its own (a long timeline): focusable, so that the keyboard can scroll it too
export const pane = el('aside', { class: 'diagram-pane', 'aria-label': 'Diagrams', tabindex: '0' });

const drawn = new Map<string, string>();
const FIGURE_TITLES: Record<string, string> = { dataflow: 'Data flows', timeline: 'Timeline' };
export async function diagrams(m: EditorModel): Promise<void> {
  const d = m.diagrams;
  // the timeline comes as HTML from the core (masked and escaped there); mermaid text only from an older host
  const entries: [string, { source?: string; html?: string }][] = [
    ['dataflow', { ...(d.dataflow ? { source: d.dataflow } : {}) }],
    ['timeline', d.timelineHtml ? { html: d.timelineHtml } : { ...(d.timeline ? { source: d.timeline } : {}) }],
  ];
  for (const [name, { source, html }] of entries) {
    let fig = pane.querySelector<HTMLElement>(`figure[data-diagram="${name}"]`);
    if (!source && !html) {
      fig?.remove();
      drawn.delete(name);
      continue;
    }
    if (!fig) {
      fig = el('figure', { class: 'diagram', 'data-diagram': name }, el('figcaption', {}, FIGURE_TITLES[name] ?? name), el('div', { class: 'diagram-svg', role: name === 'dataflow' ? 'img' : 'region', 'aria-label': name === 'dataflow' ? 'Data-flow diagram' : 'Timeline' }));
      pane.append(fig);
    }
    const holder = fig.querySelector<HTMLElement>('.diagram-svg')!;
    if (name === 'dataflow') legendRow(fig, d.dataflowLegend ?? []);
    const key = `${document.body.className}\n${source ?? html}`;
    if (drawn.get(name) === key) continue;
    drawn.set(name, key);
    if (html !== undefined) {
      holder.innerHTML = html;
      continue;
    }
    const cached = cachedDiagram(source!);
    if (cached) holder.innerHTML = cached;
    else
      renderDiagram(source!).then(
        (svg) => {
          if (drawn.get(name) === key) holder.innerHTML = svg;
        },
        (err: Error) => (holder.textContent = `The diagram could not be drawn: ${err.message}`),
      );
  }
}

/** The data-flow diagram's key, one line sample per edge style it uses, under the drawing. */
function legendRow(fig: HTMLElement, items: readonly { risk: string; text: string }[]): void {
  let row = fig.querySelector<HTMLElement>('.diagram-legend');
  const wanted = items.map((i) => `${i.risk}:${i.text}`).join('|');
  if (row?.dataset.items === wanted) return;
  row?.remove();
  if (!items.length) return;
  row = el('ul', { class: 'diagram-legend', 'aria-label': 'Key to the lines', 'data-items': wanted });
  for (const i of items) row.append(el('li', { class: `legend-${i.risk.replace(/[^a-z]/g, '')}` }, el('span', { class: 'legend-line', 'aria-hidden': 'true' }), i.text));
  fig.append(row);
}

// a click on a timeline event (or its keyboard activation) shows the record's card
pane.addEventListener('click', (e) => {
  const id = (e.target as Element | null)?.closest<HTMLElement>('.pa-timeline [data-record]')?.dataset.record;
  if (!id) return;
  const card = document.querySelector<HTMLElement>(`#app .record-card[data-record="${CSS.escape(id)}"]`);
  if (!card) return;
  card.scrollIntoView({ block: 'start' });
  card.classList.add('flash');
  setTimeout(() => card.classList.remove('flash'), 1200);
});
