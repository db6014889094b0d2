/**
 * Completion reads the lines around the cursor, not the parsed YAML (which is
 * usually broken while a key or a value is being typed): the field a line is
 * under, the keys around it, the ids a list already holds.
 */
import type { Report } from '../report/model';
import type { Span } from '../report/types';

/** The line around `offset`: its start, and the text before the cursor. */
export function lineBefore(report: Report, offset: number) {
  const pos = report.lines.positionAt(offset);
  const start = report.lines.lineStarts[pos.line]!;
  return { line: pos.line, start, before: report.text.slice(start, offset) };
}

/** The key whose value block holds the cursor's line (the nearest line above with less indentation). */
export function parentKey(report: Report, line: number, indent: number, stopLine: number): string | undefined {
  for (let l = line - 1; l > stopLine; l--) {
    const t = report.lines.lineText(l);
    if (!t.trim()) continue;
    const ind = t.length - t.trimStart().length;
    if (ind < indent) {
      const m = /^\s*(?:-\s+)?([\w-]+):\s*$/.exec(t);
      return m ? m[1] : undefined;
    }
  }
  return undefined;
}

/**
 * The field whose block list holds the item on `line` (its `- ` at column
 * `dash`): the nearest line above, past the item's siblings and their
 * continuation lines, that is not indented further; undefined when that is
 * not an empty `key:` (the item starts a record of a sequence block).
 */
export function listParent(report: Report, line: number, dash: number, stopLine: number): string | undefined {
  for (let l = line - 1; l > stopLine; l--) {
    const t = report.lines.lineText(l);
    if (!t.trim()) continue;
    const ind = t.length - t.trimStart().length;
    if (ind > dash) continue;
    if (ind === dash && /^\s*-(\s|$)/.test(t)) continue;
    return /^\s*(?:-\s+)?([\w-]+):\s*(?:#.*)?$/.exec(t)?.[1];
  }
  return undefined;
}

/**
 * Keys written at column `indent` in the record around `line`, read from the
 * lines (the YAML is usually broken while a key is being typed).
 */
export function keysAround(report: Report, line: number, indent: number, openLine: number): Set<string> {
  const keys = new Set<string>();
  const KEY = /^(\s*)(-\s+)?([\w-]+):/;
  const { lines } = report;
  const itemStart = (t: string) => {
    const m = /^(\s*)-\s/.exec(t);
    return !!m && m[1]!.length < indent;
  };
  const read = (l: number) => {
    const t = lines.lineText(l);
    const m = KEY.exec(t);
    if (m && m[1]!.length + (m[2]?.length ?? 0) === indent) keys.add(m[3]!);
    return t;
  };
  // a fence, or the `---` that closes front matter, ends the region
  const edge = (t: string) => itemStart(t) || /^\s*(`{3,}|~{3,})/.test(t) || /^-{3,}\s*$/.test(t);
  for (let l = line - 1; l > openLine; l--) {
    const t = read(l);
    if (edge(t)) break;
  }
  for (let l = line + 1; l < lines.lineCount; l++) {
    if (edge(lines.lineText(l))) break;
    read(l);
  }
  return keys;
}


/** A reference as written in a list (`E1`, `"E1"`), without quotes; undefined for one with a locator (`E1#frame=3`: another one may still be added). */
const bareId = (item: string): string | undefined => {
  const t = item.trim().replace(/^(["'])(.*)\1$/, '$2').trim();
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(t) ? t : undefined;
};

/** The ids a `[…]` list on the cursor's line already holds, the item being typed (at `span`) left out. */
export function listedInline(report: Report, line: number, span: Span): Set<string> {
  const start = report.lines.lineStarts[line]!;
  const text = report.lines.lineText(line);
  const rest = text.slice(0, span.start - start) + text.slice(span.end - start);
  const open = rest.indexOf('[');
  const out = new Set<string>();
  if (open < 0) return out;
  const close = rest.indexOf(']', open);
  for (const item of rest.slice(open + 1, close < 0 ? undefined : close).split(',')) {
    const id = bareId(item);
    if (id) out.add(id);
  }
  return out;
}

/** The other `- X` items (as written, a trailing comment left out) of the block list whose item on `line` has its `-` at column `indent`. */
function siblingItems(report: Report, line: number, indent: number): string[] {
  const out: string[] = [];
  const { lines } = report;
  const item = (l: number) => {
    // a YAML comment starts after a space: `E2#frame=3` is an item, not `E2` and a comment
    const m = /^(\s*)-\s+(.*?)\s*(?:\s#.*)?$/.exec(lines.lineText(l));
    return m && m[1]!.length === indent ? m[2]! : undefined;
  };
  for (const step of [-1, 1]) {
    for (let l = line + step; l >= 0 && l < lines.lineCount; l += step) {
      const it = item(l);
      if (it === undefined) break;
      out.push(it);
    }
  }
  return out;
}

/** The ids of the other `- X` items of the block list the cursor's line is an item of. */
export function listedInBlock(report: Report, line: number, indent: number): Set<string> {
  const out = new Set<string>();
  for (const it of siblingItems(report, line, indent)) {
    const id = bareId(it);
    if (id) out.add(id);
  }
  return out;
}

/**
 * The locators of `id` (`frame=22`, normalised by `key`) that the list on the
 * cursor's line (`[…]`) or the other `- ` items of its block list already
 * hold; the item being typed (at `span`) left out.
 */
export function listedLocators(report: Report, line: number, span: Span, id: string, key: (locator: string) => string | undefined): Set<string> {
  const { lines } = report;
  const start = lines.lineStarts[line]!;
  const text = lines.lineText(line);
  const items: string[] = [];
  const rest = text.slice(0, span.start - start) + text.slice(span.end - start);
  const open = rest.indexOf('[');
  const close = open < 0 ? -1 : rest.indexOf(']', open);
  if (open >= 0) items.push(...rest.slice(open + 1, close < 0 ? undefined : close).split(','));
  const dash = /^(\s*)-\s/.exec(text)?.[1]!.length;
  if (open < 0 && dash !== undefined) items.push(...siblingItems(report, line, dash));
  const out = new Set<string>();
  for (const raw of items) {
    const t = raw.trim().replace(/^(["'])(.*)\1$/, '$2').trim();
    const hash = t.indexOf('#');
    if (hash > 0 && t.slice(0, hash) === id) {
      const k = key(t.slice(hash + 1));
      if (k) out.add(k);
    }
  }
  return out;
}
