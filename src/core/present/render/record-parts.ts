/**
 * What the record tables and cards share: a field's text, dates for reading,
 * reference lists as links, multi-line text, external links, the fields a
 * kind does not define, and the attributes and id badge of a record's element.
 */
import { listItems, scalarText, type AuditRecord, type YEntry, type YNode } from '../../report/model';
import { parseRefText } from '../../report/refs';
import { RECORD_FIELDS } from '../../report/schema';
import { attr, lineOf, refLink, text, type RenderContext } from './context';
import { describeUrl, escapeAttr, linkPolicy } from './escape';

/** Text of any node: scalars as written, lists joined, mappings as `key: value`. */
export function nodeText(node: YNode | null | undefined): string {
  if (!node) return '';
  if (node.type === 'scalar') return node.value === null ? '' : String(node.value);
  if (node.type === 'seq') return node.items.map(nodeText).join(', ');
  return node.entries.map((e) => `${e.key}: ${nodeText(e.value)}`).join('; ');
}

/** A field's value as text (trimmed), or undefined when absent or empty. */
export function field(r: AuditRecord, key: string): string | undefined {
  const e = r.fields.get(key);
  if (!e) return undefined;
  const s = (scalarText(e) ?? nodeText(e.value)).trim();
  return s === '' ? undefined : s;
}

/** Dates as written, with a space instead of `T` for reading. */
export function dateText(s: string | undefined): string | undefined {
  return s?.replace(/^(\d{4}-\d{2}-\d{2})T/, '$1 ');
}

/** The items of a reference field as links (`E2 · frame=112`); values that are not ids stay text. */
export function refList(ctx: RenderContext, entry: YEntry | undefined): string {
  const items = listItems(entry)
    .map((n) => nodeText(n).trim())
    .filter((s) => s !== '');
  return items
    .map((s) => {
      const ref = parseRefText(s);
      if (ref) return refLink(ctx, ref.id, ref.locator);
      // not an id: a URL-like value is described, not repeated
      return `<span class="ref ref-text">${text(ctx, /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) ? describeUrl(s) : s)}</span>`;
    })
    .join(' ');
}

/** Multi-line text (folded or literal YAML blocks) with its line breaks kept. */
export function para(ctx: RenderContext, s: string | undefined, cls = 'pa-text'): string {
  return s === undefined ? '' : `<div class="${cls}">${text(ctx, s)}</div>`;
}

/** An external link when the URL is allowed; a refused URL is described, never shown as a link. */
export function urlHtml(ctx: RenderContext, url: string, label = url): string {
  const v = linkPolicy(url);
  if (v.ok && v.external) return `<a class="pa-url" href="${attr(ctx, v.href)}" rel="noopener noreferrer">${text(ctx, label)}</a>`;
  if (!v.ok && v.reason === 'local link not followed') return `<span class="pa-url-text">${text(ctx, url)}</span>`;
  return `<span class="pa-url pa-url-blocked" title="Link not followed">${text(ctx, describeUrl(url))}</span>`;
}

/** Fields a record has that its kind does not define (shown so nothing written is hidden). */
export function extraFields(ctx: RenderContext, r: AuditRecord, shown: readonly string[]): string {
  const known = new Set([...RECORD_FIELDS[r.kind].map((f) => f.name), ...shown]);
  const extra = r.map.entries.filter((e) => !known.has(e.key));
  if (!extra.length) return '';
  return `<dl class="extra-fields">${extra.map((e) => `<dt>${text(ctx, e.key)}</dt><dd>${text(ctx, nodeText(e.value))}</dd>`).join('')}</dl>`;
}

export function recordAttrs(ctx: RenderContext, r: AuditRecord, cls: string): string {
  const anchor = ctx.anchorOf.get(r)!;
  const data = r.id !== undefined ? ` data-record="${attr(ctx, r.id)}"` : ' data-record=""';
  return `class="${cls} code-line" id="${escapeAttr(anchor)}"${data} data-line="${lineOf(ctx.report, r.span.start)}"`;
}

export function idBadge(ctx: RenderContext, r: AuditRecord): string {
  return r.id !== undefined ? `<span class="rec-id">${text(ctx, r.id)}</span>` : `<span class="rec-id rec-id-missing">no id</span>`;
}
