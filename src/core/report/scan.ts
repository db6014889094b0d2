/**
 * What the full parse (parse.ts) and the incremental re-parses
 * (incremental.ts) share: the markdown-it scan of the structure, headings,
 * and the parts of a report derived from its records.
 */
import MarkdownIt from 'markdown-it';
import frontMatterPlugin from 'markdown-it-front-matter';
import { citationPlugin } from './citations';
import type { AuditRecord, Heading, Report } from './model';
import { collectReferences } from './refs';
import type { LineIndex } from './text';
import type { ParsedYaml } from './yaml';
type MarkdownItInstance = MarkdownIt.MarkdownIt;
type Token = MarkdownIt.Token;

export interface ParseOptions {
  /** Cache of parsed YAML regions keyed by their text (reused across parses of the same document). */
  yamlCache?: Map<string, ParsedYaml>;
}

let scanner: MarkdownItInstance | undefined;

/** A markdown-it instance that parses blocks fully but inline content only where a citation may be. */
export function getScanner(): MarkdownItInstance {
  if (scanner) return scanner;
  const md = new MarkdownIt({ html: false });
  md.use(frontMatterPlugin, () => undefined);
  md.use(citationPlugin);
  md.core.ruler.at('inline', (state) => {
    for (const tok of state.tokens) {
      if (tok.type === 'inline' && tok.content.includes('[@')) {
        tok.children = [];
        md.inline.parse(tok.content, md, state.env, tok.children);
      }
    }
  });
  scanner = md;
  return md;
}

/** Appends `items` one by one: `push(...items)` overflows the stack beyond about 100,000 items (one block can hold 200,000 records). */
export function append<T>(to: T[], items: readonly T[] | undefined): void {
  if (items) for (const x of items) to.push(x);
}

/** The heading that `tokens[ti]` (a `heading_open` with a map) opens. */
export function headingOf(tokens: Token[], ti: number, lines: LineIndex): Heading {
  const tok = tokens[ti]!;
  const line = tok.map![0];
  return { level: Number(tok.tag.slice(1)), text: tokens[ti + 1]?.content ?? '', line, span: { start: lines.lineStarts[line]!, end: lines.lineEnd(line) } };
}

/** Derived parts of a report: the implicit device id, the id index, references (unless already collected). */
export function finish(report: Report, collect = true): void {
  // A single device may omit its id; it is then known as D1.
  const devices = report.records.filter((r) => r.kind === 'device');
  for (const d of devices) if (d.implicitId) {
    d.id = undefined;
    d.implicitId = false;
  }
  if (devices.length === 1 && devices[0]!.id === undefined) {
    devices[0]!.id = 'D1';
    devices[0]!.implicitId = true;
  }
  const byId = new Map<string, AuditRecord>();
  for (const r of report.records) if (r.id !== undefined && !byId.has(r.id)) byId.set(r.id, r);
  report.byId = byId;
  if (!collect) return;
  report.references = [];
  for (const r of report.records) collectReferences(report, r);
}
