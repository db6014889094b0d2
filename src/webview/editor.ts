/**
 * The structured editor: forms for the front matter, every record and the
 * narrative, driven by the field schema the extension sends. The webview
 * never edits text: each change becomes an intent that the extension turns
 * into a minimal edit of the document, which comes back as a new model.
 *
 * The page is built once and then updated in place: a section keeps its
 * cards, a card its field widgets, and a widget decides itself whether a new
 * model may redraw it (never while it has focus, an edit in flight or a
 * half-made row; see form/widgets.ts). So a model that arrives while the
 * analyst types changes nothing under the cursor.
 *
 * This module is the page (toolbar, layout, the messages from the
 * extension); editor/ holds its parts: sections.ts, card.ts, fields.ts,
 * diagram-pane.ts, keys.ts, and state.ts (what they share).
 */
import type { EditorModel, ToWebview } from '../core/protocol';
import { el } from './form/dom';
import { diagrams, pane } from './editor/diagram-pane';
import { refreshIdLists } from './editor/fields';
import { listenForKeys } from './editor/keys';
import { FrontMatterSection, KindSection, ProseSection } from './editor/sections';
import { addedBy, notice, page, post, results, senders } from './editor/state';

const app = document.getElementById('app')!;

const status = el('span', { class: 'status', role: 'status' });
const readOnlyBadge = el('span', { class: 'badge warn', hidden: '' }, 'The YAML has errors: fix them in the text to edit here');
const forms = el('fieldset', { class: 'forms' });
let front: FrontMatterSection | undefined;
let sections: KindSection[] = [];
const prose = new ProseSection();

function buildPage(m: EditorModel): void {
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Report actions' });
  const source = el('button', { type: 'button' }, 'Edit Source');
  source.addEventListener('click', () => post({ type: 'editSource' }));
  toolbar.append(source);
  for (const format of ['pdf', 'html'] as const) {
    const b = el('button', { type: 'button' }, `Export to ${format.toUpperCase()}`);
    b.addEventListener('click', () => post({ type: 'export', format }));
    toolbar.append(b);
  }
  toolbar.append(notice, status, readOnlyBadge);
  front = new FrontMatterSection(m);
  sections = m.kinds.map(({ kind, title }) => new KindSection(kind, title));
  forms.append(front.el, ...sections.map((s) => s.el), prose.el);
  app.replaceChildren(toolbar, el('div', { class: 'editor-layout' }, forms, pane));
}

function render(m: EditorModel): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined;
  page.model = m;
  if (!front) buildPage(m);
  refreshIdLists();
  const problems = m.problems.length + m.records.reduce((n, r) => n + r.problems.length, 0);
  status.textContent = problems ? `${problems} problem${problems > 1 ? 's' : ''}` : 'No problems';
  readOnlyBadge.hidden = m.editable;
  forms.disabled = !m.editable;
  front!.update(m);
  for (const s of sections) s.update(m);
  prose.update(m);
  void diagrams(m);
  // a card moved (↑/↓) lost its focus on the way: give it back
  if (focused && (document.activeElement === document.body || !document.activeElement)) app.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  const focusNew = page.focusNew;
  if (focusNew) {
    const card = sections.map((s) => s.cards.get(focusNew)).find(Boolean);
    if (card) {
      page.focusNew = undefined;
      card.focusFirst();
    }
  }
}

listenForKeys();

window.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as ToWebview;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'model') render(msg.model);
  else if (msg.type === 'intentResult') {
    results.set(msg.requestId, msg.ok ? '' : (msg.error ?? ''));
    if (msg.ok && msg.newId && addedBy.has(msg.requestId)) page.focusNew = msg.newId;
    addedBy.delete(msg.requestId);
    const sender = senders.get(msg.requestId);
    senders.delete(msg.requestId);
    // a refused edit changes nothing: the widgets show the model they have again (the one that sent it keeps
    // the typed text); an applied one is followed by the model of the edited text, which updates them
    if (!msg.ok) {
      if (msg.error) {
        notice.textContent = msg.error;
        notice.hidden = false;
      }
      if (msg.error) sender?.refused(msg.requestId, msg.error);
      if (page.model) render(page.model);
    }
  }
});

// the theme changed: the diagrams are drawn again in its colours
new MutationObserver(() => {
  if (page.model) void diagrams(page.model);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });
