/**
 * The renderer's safety primitives: HTML escaping, the link policy, element
 * ids and heading slugs. Reports come from strangers, so every string that
 * reaches the output passes through `escapeHtml` (after masking), and no URL
 * becomes an `href` unless `linkPolicy` allows it.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Escapes text for a double-quoted attribute value. `=` is written as a
 * character reference too, so no attribute value ever holds `name=`
 * literally (a second line against naive attribute injection).
 */
export function escapeAttr(s: string): string {
  return escapeHtml(s).replace(/=/g, '&#61;');
}

export type LinkVerdict =
  | { ok: true; href: string; external: boolean }
  | { ok: false; reason: string };

/**
 * Which link targets survive: `http:`, `https:` and `mailto:` URLs and
 * in-document `#…` anchors. Everything else (`javascript:`, `data:`,
 * `file:`, `command:`, `vscode:`, protocol-relative `//host`, relative
 * paths) is refused; the reason never repeats the refused scheme with its
 * colon, so refused URLs cannot reappear as text that looks like a link.
 */
export function linkPolicy(url: string): LinkVerdict {
  const href = url.trim();
  if (href.startsWith('#')) return { ok: true, href, external: false };
  if (/^(?:https?:\/\/[^\s/?#]|mailto:[^\s])/i.test(href)) return { ok: true, href, external: true };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(href);
  if (scheme) return { ok: false, reason: `blocked ${scheme[1]!.toLowerCase()} link` };
  if (href === '') return { ok: false, reason: 'empty link' };
  if (/^[\\/]{2}/.test(href)) return { ok: false, reason: 'blocked protocol-relative link' };
  // no scheme: a relative path, or a scheme hidden behind control characters or spaces
  if (/^[\s\u0000-\u001f\u007f]/.test(url) || /[\u0000-\u001f\u007f]/.test(href)) return { ok: false, reason: 'blocked link (control characters)' };
  return { ok: false, reason: 'local link not followed' };
}

/** A link target as text for a placeholder: the URL itself when it is allowed or relative, else a description. */
export function describeUrl(url: string): string {
  const v = linkPolicy(url);
  if (v.ok) return url.trim();
  return v.reason === 'local link not followed' ? url.trim() : v.reason;
}

/** An id made safe for an `id` attribute and a `#fragment`: letters, digits, `_` and `-` only. */
export function safeIdPart(s: string): string {
  const out = s.replace(/[^A-Za-z0-9_-]/g, '_');
  return out === '' ? '_' : out;
}

/** A heading slug in the style of GitHub: lower case, punctuation dropped, spaces to hyphens. */
/** Control characters (tabs and line breaks aside), NUL, ESC and bidi overrides as spaces: text a title or a label may show. */
export function visibleText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ');
}

export function slugify(text: string): string {
  const slug = text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s+/g, '-')
    // only characters that are safe in attributes and fragments
    .replace(/[^\p{L}\p{N}_-]/gu, '');
  return slug === '' ? 'section' : slug;
}

/** Makes `base` unique against `used` (`base`, `base-1`, `base-2`, …) and records it. */
export function uniqueId(base: string, used: Set<string>, sep = '-'): string {
  let id = base;
  for (let n = 1; used.has(id); n++) id = `${base}${sep}${n}`;
  used.add(id);
  return id;
}
