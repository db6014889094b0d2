/**
 * What the parts of the structured editor's page share: the newest model,
 * the way to send messages and intents, the requests in flight, and the
 * helpers that name a record in them.
 */
import type { EditorModel, FromWebview, Intent, RecordRef, RecordView } from '../../core/protocol';
import { el, type FormContext, type Widget } from '../form/dom';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void };
const vscode = acquireVsCodeApi();

export const post = (m: FromWebview) => vscode.postMessage(m);

export const page: {
  /** The newest model. */
  model?: EditorModel;
  /** A record just added: its card gets focus once it is shown. */
  focusNew?: string;
} = {};

let requestId = 0;
/** Results of sent intents: request id → error text ('' when it was applied). */
export const results = new Map<number, string>();
/** The widget that sent each request still in flight, to tell it when its edit is refused. */
export const senders = new Map<number, Widget>();
/** Request ids of "Add" clicks: their result names the new record, which then gets focus. */
export const addedBy = new Set<number>();

/** Why the last edit was not made; stays until the next edit is sent. */
export const notice = el('span', { class: 'notice', role: 'alert', hidden: '' });

export const ctx: FormContext = {
  model: () => page.model,
  post,
  intent(intent: Intent) {
    const { model } = page;
    if (!model) return undefined;
    const id = ++requestId;
    notice.hidden = true;
    post({ type: 'intent', requestId: id, version: model.version, intent });
    return id;
  },
  applyFix(diagnostic, fix) {
    const { model } = page;
    if (model) post({ type: 'applyFix', requestId: ++requestId, version: model.version, diagnostic, fix });
  },
  settled: (id) => results.has(id),
};

export const refOf = (r: RecordView): RecordRef => (r.id !== undefined ? { id: r.id } : { index: r.index });
export const recordKey = (r: RecordView) => (r.id !== undefined ? r.id : `#${r.index}`);

/** The newest model's records of `kinds`. */
export function records(kinds: readonly string[]): () => RecordView[] {
  return () => (page.model?.records ?? []).filter((r) => kinds.includes(r.kind));
}
