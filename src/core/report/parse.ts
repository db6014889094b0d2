/**
 * Parses an `.audit.md` file into the report model. markdown-it finds the
 * structure (front matter, fenced record blocks, headings, `[@E1]`
 * citations); the `yaml` package parses the front matter and record blocks.
 * Never throws: every problem becomes a `ParseProblem`.
 */
import type MarkdownIt from 'markdown-it';
import { cachedParser, parseBlock, parseFrontMatter } from './blocks';
import { collectCitations } from './citations';
import { isRecordKind, type Report } from './model';
import { append, finish, getScanner, headingOf, type ParseOptions } from './scan';
import { LineIndex } from './text';
import { LIMITS } from './yaml';
type Token = MarkdownIt.Token;

export { yamlText } from './blocks';
export { citationPlugin } from './citations';
export { reparseEdit } from './incremental';
export { REFERENCE_FIELDS } from './refs';
export type { ParseOptions } from './scan';
export { textChange } from './text-change';

/** The report an `.audit.md` text holds (a leading BOM is dropped and remembered). */
export function parseReport(input: string, options: ParseOptions = {}): Report {
  const hadBom = input.charCodeAt(0) === 0xfeff;
  const text = hadBom ? input.slice(1) : input;
  const lines = new LineIndex(text);
  const report: Report = {
    text,
    lines,
    hadBom,
    frontMatter: undefined,
    blocks: [],
    records: [],
    byId: new Map(),
    references: [],
    citations: [],
    headings: [],
    problems: [],
  };

  if (text.length > LIMITS.maxFileChars) {
    report.problems.push({
      rule: 'PA000',
      message: `The file is too large to lint (${(text.length / 1048576).toFixed(1)} MB; the limit is ${LIMITS.maxFileChars / 1048576} MB). Split the report or move bulk data into evidence files.`,
      span: { start: 0, end: 0 },
      fatal: true,
    });
    return report;
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    report.problems.push({
      rule: 'PA000',
      message: 'The file contains NUL bytes: it looks binary, not like a Markdown report.',
      span: { start: nul, end: nul + 1 },
      fatal: true,
    });
    return report;
  }
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    // Not fatal: the text was decoded with replacement characters (invalid UTF-8).
    report.problems.push({
      rule: 'PA000',
      message: 'The file contains invalid UTF-8 (shown as \ufffd); save it as UTF-8.',
      span: { start: bad, end: bad + 1 },
    });
  }

  let tokens: Token[];
  const env: { references?: Record<string, unknown> } = {};
  try {
    tokens = getScanner().parse(text, env as MarkdownIt.StateCore['env']);
    if (env.references) report.linkReferences = env.references;
  } catch (err) {
    report.problems.push({ rule: 'PA000', message: `The Markdown could not be parsed: ${(err as Error).message}`, span: { start: 0, end: 0 }, fatal: true });
    return report;
  }

  const parseCached = cachedParser(options.yamlCache);

  let recordIndex = 0;
  for (let ti = 0; ti < tokens.length; ti++) {
    const tok = tokens[ti]!;
    if (tok.type === 'front_matter' && tok.map) {
      report.frontMatter = parseFrontMatter(report, tok, parseCached);
    } else if (tok.type === 'fence' && tok.map) {
      const kind = tok.info.trim().split(/\s+/)[0] ?? '';
      if (!isRecordKind(kind)) continue;
      const block = parseBlock(report, tok, kind, parseCached, recordIndex);
      recordIndex += block.records.length;
      report.blocks.push(block);
      append(report.records, block.records);
    } else if (tok.type === 'heading_open' && tok.map) {
      report.headings.push(headingOf(tokens, ti, lines));
    }
    if (tok.type === 'inline' && tok.map && tok.children?.length) collectCitations(report, tok);
  }

  if (!report.frontMatter) {
    report.problems.push({
      rule: 'PA001',
      message: 'The report has no front matter: it must start with a `---` line, YAML keys (audit-format, id, title, status, date, auditors), and a closing `---` line.',
      span: { start: 0, end: lines.lineEnd(0) },
    });
  }

  finish(report);
  return report;
}
