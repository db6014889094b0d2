/**
 * The Markdown side of the renderer: a markdown-it instance with raw HTML
 * off, no linkify, no typographer, the `[@E1#loc]` citation rule shared with
 * the parser, and render rules that
 *
 * - mask and escape every text node;
 * - give block elements `data-line` (and headings unique slugs);
 * - let only http(s), mailto and `#…` links through (others become text);
 * - emit `<img>` only for an image the host loaded and gave as a `data:`
 *   URI of a raster type (`RenderOptions.images`, src/node/images.ts); any
 *   other image becomes a placeholder that says why;
 * - never copy inline `style=` (table alignment becomes a class);
 * - render record blocks through `records.ts` instead of as code.
 */
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import frontMatterPlugin from 'markdown-it-front-matter';
import { isRecordKind, scalarText, type AuditRecord, type Report } from '../../report/model';
import { citationPlugin } from '../../report/parse';
import { attr, refLink, text, type RenderContext } from './context';
import { describeUrl, escapeAttr, linkPolicy, slugify, uniqueId } from './escape';
import { figureAttrs, figureCitationPlugin, figureMark } from './figures';
import { renderRecordBlock } from './records';
import { compareHash, recordedHash } from '../../lint/verdict';

type Token = MarkdownIt.Token;
type StateCore = MarkdownIt.StateCore;

export type MdEnv = MarkdownIt.Env & { ctx: RenderContext };

const ctxOf = (env: unknown): RenderContext => (env as MdEnv).ctx;

// ---------------------------------------------------------------- images

export { IMAGE_MIMES, type ImageMime, type ImageView } from './image-view';

/** The only `src` an `<img>` of ours may have: base64 data of one of IMAGE_MIMES (checked again here; the map comes from the host). */
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}$/;

/** The largest box an image is shown in, in CSS pixels (about the text width of an A4 page); smaller images keep their size. */
const IMAGE_BOX = { width: 640, height: 720 };

/** An image token's source as the author wrote it: markdown-it percent-encodes the address, this reads it back. */
function imageSrc(t: Token): string {
  return markdown().normalizeLinkText(String(t.attrGet('src') ?? '')).trim();
}

/**
 * The sources of the report's Markdown images, in order of appearance, each
 * once, as written (after Markdown escapes): what a host loads and passes
 * back as `RenderOptions.images`. Record blocks hold no images.
 */
export function imageSources(report: Report): string[] {
  if (!report.text.includes('![')) return [];
  const found = new Set<string>();
  const walk = (tokens: readonly Token[]) => {
    for (const t of tokens) {
      if (t.type === 'image') found.add(imageSrc(t));
      if (t.children) walk(t.children);
    }
  };
  walk(markdown().parse(report.text, {}));
  return [...found];
}

/** `width`/`height` attributes that fit the image into IMAGE_BOX, keeping its proportions. */
function sizeAttrs(view: { width?: number; height?: number }): string {
  const { width: w, height: h } = view;
  if (!w || !h) return '';
  const scale = Math.min(1, IMAGE_BOX.width / w, IMAGE_BOX.height / h);
  return ` width="${Math.max(1, Math.round(w * scale))}" height="${Math.max(1, Math.round(h * scale))}"`;
}

/** Whether an evidence record's `file` names the image at `src` (`./a.png` and `a.png` are one file). */
function namesFile(r: AuditRecord, src: string): boolean {
  const file = r.kind === 'evidence' ? scalarText(r.fields.get('file'))?.trim() : undefined;
  return !!file && path.posix.normalize(file) === path.posix.normalize(src);
}

/**
 * The hash check of an embedded image against an evidence record that names
 * its file: the recorded sha256 as the evidence table reads it (as written,
 * trimmed, any case) against the hash of the bytes shown.
 */
function hashMark(ctx: RenderContext, r: AuditRecord, actual: string): string {
  const who = r.id !== undefined ? refLink(ctx, r.id, undefined) : 'evidence';
  switch (compareHash(recordedHash(ctx.report.text, r), actual)) {
    case 'unrecorded':
      return `<span class="hash hash-none" title="Record the file's sha256 to make it verifiable">${who} · no sha256 recorded</span>`;
    case 'verified':
      return `<span class="hash hash-ok" title="The image shown matches its recorded sha256"><span class="mark">✓</span> ${who} · sha256 verified</span>`;
    case 'differs':
      return `<span class="hash hash-bad" title="${attr(ctx, `The image shown has sha256 ${actual}`)}"><span class="mark">✗</span> ${who} · sha256 differs</span>`;
  }
}

/** Figure keys handed out in a render: an image's evidence id the first time, else `image-N`. */
const figureKeys = new WeakMap<RenderContext, Set<string>>();

function figureKey(ctx: RenderContext, id: string | undefined): string {
  let used = figureKeys.get(ctx);
  if (!used) figureKeys.set(ctx, (used = new Set()));
  let key = id !== undefined && /^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(id) && !used.has(id) ? id : `image-${used.size + 1}`;
  while (used.has(key)) key = `${key}-${used.size + 1}`;
  used.add(key);
  return key;
}

/**
 * An image: embedded when the host loaded it, else a placeholder that says
 * why. The alt text (caption and `alt`) is masked like all text; the image's
 * bytes are not, and cannot be: a screenshot must be redacted before it is
 * added to the report.
 */
function imageHtml(ctx: RenderContext, t: Token): string {
  const alt = inlineText(t.children).trim();
  const src = imageSrc(t);
  const view = ctx.images?.get(src);
  if (view?.ok && DATA_IMAGE.test(view.dataUri)) {
    const named = ctx.report.records.filter((r) => namesFile(r, src));
    const marks = named.map((r) => hashMark(ctx, r, view.sha256)).join(' ');
    // the bytes go in as they are: masking applies to text, never to pixels. DATA_IMAGE admits
    // no character that an attribute would need escaped
    const img = `<img src="${view.dataUri}" alt="${attr(ctx, alt)}"${sizeAttrs(view)}>`;
    const caption = alt ? `<span class="evidence-caption">${text(ctx, alt)}</span>` : '';
    if ((t.meta as { block?: boolean } | null)?.block) {
      const key = figureKey(ctx, named[0]?.id);
      const label = `<span class="figure-label">Figure ${figureMark(key)}</span>`;
      return `<figure class="evidence-image" ${figureAttrs(key)}>${img}<figcaption>${[label + (caption ? ` — ${caption}` : ''), marks].filter(Boolean).join(' ')}</figcaption></figure>`;
    }
    return `<span class="evidence-image evidence-image-inline">${img}${[caption, marks].filter(Boolean).map((x) => ` ${x}`).join('')}</span>`;
  }
  const why = view ? (view.ok ? 'its data is not a PNG, JPEG, GIF or WebP image' : view.reason) : undefined;
  return `<span class="image-placeholder">[image: ${text(ctx, alt || 'no description')} — ${text(ctx, describeUrl(src) || 'no address')}${why ? ` — ${text(ctx, why)}` : ''}]</span>`;
}

/**
 * A paragraph of embedded images only (and line breaks between them) becomes
 * a `<div class="evidence-images">` whose images are figures: a `<figure>`
 * may not stand in a `<p>`.
 */
function markImageParagraph(ctx: RenderContext, tokens: Token[], i: number): void {
  const open = tokens[i]!;
  const inline = tokens[i + 1];
  const close = tokens[i + 2];
  if (open.type !== 'paragraph_open' || open.hidden || inline?.type !== 'inline' || close?.type !== 'paragraph_close') return;
  const children = inline.children ?? [];
  const images = children.filter((c) => c.type === 'image');
  const onlyImages = children.every((c) => c.type === 'image' || c.type === 'softbreak' || c.type === 'hardbreak' || (c.type === 'text' && c.content.trim() === ''));
  if (!images.length || !onlyImages || !images.some((c) => ctx.images?.get(imageSrc(c))?.ok)) return;
  open.tag = close.tag = 'div';
  open.attrJoin('class', 'evidence-images');
  for (const c of images) c.meta = { ...(c.meta ?? {}), block: true };
}

/** Plain text of inline tokens (for alt texts and heading slugs), unmasked and unescaped. */
export function inlineText(tokens: readonly Token[] | null): string {
  let out = '';
  for (const t of tokens ?? []) {
    if (t.type === 'text' || t.type === 'code_inline') out += t.content;
    else if (t.type === 'softbreak' || t.type === 'hardbreak') out += ' ';
    else if (t.type === 'audit_citation') {
      const m = t.meta as { id: string; locator?: string };
      out += m.locator ? `${m.id} · ${m.locator}` : m.id;
    } else if (t.type === 'image') out += inlineText(t.children);
  }
  return out;
}

/** Attributes of a token as HTML; only names we set ourselves ever get here. */
function attrs(t: Token): string {
  return (t.attrs ?? []).map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`).join('');
}

/** Marks links whose target the policy refuses; their autolink text is replaced by a description. */
function markLinks(children: Token[]): void {
  for (let i = 0; i < children.length; i++) {
    const t = children[i]!;
    if (t.type !== 'link_open') continue;
    const href = String(t.attrGet('href') ?? '');
    const verdict = linkPolicy(href);
    let close = i + 1;
    while (close < children.length && children[close]!.type !== 'link_close') close++;
    if (verdict.ok) {
      t.meta = { ...(t.meta ?? {}), href: verdict.href, external: verdict.external };
      continue;
    }
    const blocked = verdict.reason === 'local link not followed' ? `${verdict.reason}: ${href.trim()}` : verdict.reason;
    t.meta = { ...(t.meta ?? {}), blocked };
    if (children[close]) children[close]!.meta = { ...(children[close]!.meta ?? {}), blocked: true };
    if (t.markup === 'autolink') {
      // the link text of an autolink is the URL itself: show the description instead
      for (let k = i + 1; k < close; k++) if (children[k]!.type === 'text') children[k]!.content = describeUrl(href);
    }
  }
}

/** Core rule: data-line on block tokens, heading ids, alignment classes, link policy. */
function decorate(state: StateCore): void {
  // `imageSources` parses without a render context
  const ctx = (state.env as Partial<MdEnv>).ctx;
  if (!ctx) return;
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.block && t.map && t.nesting >= 0 && t.type !== 'inline' && t.type !== 'front_matter') {
      t.attrSet('data-line', t.map[0]);
      t.attrJoin('class', 'code-line');
    }
    if (t.type === 'heading_open') {
      const plain = ctx.mask(inlineText(tokens[i + 1]?.children ?? null)).trim();
      const id = uniqueId(slugify(plain), ctx.usedIds);
      t.attrSet('id', id);
      ctx.headings.push({ level: Number(t.tag.slice(1)) || 1, text: plain, id });
    }
    if (t.type === 'th_open' || t.type === 'td_open') {
      const style = t.attrGet('style');
      if (style !== null) {
        const align = /text-align:\s*(left|right|center)/.exec(String(style));
        t.attrs = (t.attrs ?? []).filter(([k]) => k !== 'style');
        if (align) t.attrJoin('class', `align-${align[1]}`);
      }
    }
    if (t.type === 'inline' && t.children) {
      markLinks(t.children);
    }
    if (t.type === 'paragraph_open' && ctx.images?.size) markImageParagraph(ctx, tokens, i);
  }
}

let instance: MarkdownIt.MarkdownIt | undefined;

/** The renderer's markdown-it instance (created once; all per-render state travels in `env`). */
export function markdown(): MarkdownIt.MarkdownIt {
  if (instance) return instance;
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  // every link and image is parsed (so a refused one can be shown as text); the renderer decides
  md.validateLink = () => true;
  md.use(frontMatterPlugin, () => undefined);
  md.use(citationPlugin);
  md.use(figureCitationPlugin);
  md.core.ruler.push('audit_render', decorate);
  const rules = md.renderer.rules;

  rules.front_matter = () => '';
  rules.text = (tokens, idx, _o, env) => text(ctxOf(env), tokens[idx]!.content);
  rules.code_inline = (tokens, idx, _o, env) => `<code>${text(ctxOf(env), tokens[idx]!.content)}</code>`;
  rules.html_inline = (tokens, idx, _o, env) => text(ctxOf(env), tokens[idx]!.content);
  rules.html_block = (tokens, idx, _o, env) => `<p${attrs(tokens[idx]!)}>${text(ctxOf(env), tokens[idx]!.content)}</p>\n`;
  rules.code_block = (tokens, idx, _o, env) => {
    const t = tokens[idx]!;
    return `<pre${attrs(t)}><code>${text(ctxOf(env), t.content)}</code></pre>\n`;
  };
  rules.fence = (tokens, idx, _o, env) => {
    const t = tokens[idx]!;
    const ctx = ctxOf(env);
    const kind = t.info.trim().split(/\s+/)[0] ?? '';
    if (isRecordKind(kind) && t.map) {
      const block = ctx.blocksByLine.get(t.map[0]);
      if (block) return renderRecordBlock(ctx, block);
    }
    const lang = /^[A-Za-z0-9_+-]{1,40}$/.test(kind) ? ` class="language-${kind}"` : '';
    return `<pre${attrs(t)}><code${lang}>${text(ctx, t.content)}</code></pre>\n`;
  };
  rules.image = (tokens, idx, _o, env) => imageHtml(ctxOf(env), tokens[idx]!);
  rules.link_open = (tokens, idx, _o, env) => {
    const t = tokens[idx]!;
    const ctx = ctxOf(env);
    const meta = (t.meta ?? {}) as { blocked?: string; href?: string; external?: boolean };
    if (meta.blocked !== undefined || meta.href === undefined) {
      return `<span class="link-blocked" title="${attr(ctx, `Link not followed (${meta.blocked ?? 'blocked link'})`)}">`;
    }
    const title = t.attrGet('title');
    const rel = meta.external ? ' rel="noopener noreferrer"' : '';
    return `<a href="${attr(ctx, meta.href)}"${rel}${title ? ` title="${attr(ctx, String(title))}"` : ''}>`;
  };
  rules.link_close = (tokens, idx) => ((tokens[idx]!.meta as { blocked?: boolean } | null)?.blocked ? '</span>' : '</a>');
  rules.audit_citation = (tokens, idx, _o, env) => {
    const m = tokens[idx]!.meta as { id: string; locator?: string };
    return refLink(ctxOf(env), m.id, m.locator, 'citation');
  };
  instance = md;
  return md;
}
