/**
 * The Markdown side of the renderer: a markdown-it instance with raw HTML
 * off, no linkify, no typographer, the `[@E1#loc]` citation rule shared with
 * the parser, and render rules that
 *
 * - mask and escape every text node;
 * - give block elements `data-line` (and headings unique slugs);
 * - let only http(s), mailto and `#…` links through (others become text);
 * - never emit `<img>` (images become placeholders);
 * - never copy inline `style=` (table alignment becomes a class);
 * - render record blocks through `records.ts` instead of as code.
 */
import MarkdownIt from 'markdown-it';
import frontMatterPlugin from 'markdown-it-front-matter';
import { isRecordKind } from '../model';
import { citationPlugin } from '../parse';
import { attr, refLink, text, type Ctx } from './context';
import { describeUrl, escapeAttr, linkPolicy, slugify, uniqueId } from './escape';
import { renderRecordBlock } from './records';

type Token = MarkdownIt.Token;
type StateCore = MarkdownIt.StateCore;

export type MdEnv = MarkdownIt.Env & { ctx: Ctx };

const ctxOf = (env: unknown): Ctx => (env as MdEnv).ctx;

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
  const ctx = ctxOf(state.env);
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
  rules.image = (tokens, idx, _o, env) => {
    const t = tokens[idx]!;
    const ctx = ctxOf(env);
    const alt = inlineText(t.children).trim() || 'no description';
    const src = String(t.attrGet('src') ?? '');
    return `<span class="image-placeholder">[image: ${text(ctx, alt)} — ${text(ctx, describeUrl(src) || 'no address')}]</span>`;
  };
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
