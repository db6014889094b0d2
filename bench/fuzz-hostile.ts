/**
 * Fuzzing with hostile reports (prints figures; the unit suite runs a short,
 * fixed-seed run in test/unit/fuzz-hostile.test.ts).
 *
 * fast-check makes reports out of hostile parts: broken YAML, repeated keys,
 * deeply nested flow collections, huge keys, alias bombs, control
 * characters, NUL, bidi overrides, lone UTF-16 surrogates, enormous lines,
 * unclosed fences, front matter only, CRLF and CR line ends, a BOM, `redact`
 * entries with catastrophic regular expressions, lists and maps where
 * scalars belong, thousands of records and citations. Each report goes
 * through every core entry point: parse, lint, re-lint after an edit (the
 * incremental parse), the redaction mask, both diagrams, the HTML render
 * (preview and export) and the export document. They run in a worker
 * thread: a call that takes longer than the limit twice (the second time in
 * a fresh worker, so that a busy machine does not count) is a hang; its stack
 * is taken with the inspector (where a long regular expression or other
 * native call is running, the stack is taken just after it returns) and the
 * worker is replaced. A call that throws, a rule's "Internal error" and a
 * diagnostic outside the text are crashes. Each kind of failure is then
 * shrunk to a small reproducer.
 *
 *   node --import tsx bench/fuzz-hostile.ts [--runs 10000] [--seed N] [--limit-ms 2000] [--max-chars 5500000] [--no-minimize | --minimize-ms 90000]
 *   node --import tsx bench/fuzz-hostile.ts --keys [--library[=all]]   lint time of one block of 10,000 / 50,000 / 150,000 keys (and the yaml package's own check)
 *   node --import tsx bench/fuzz-hostile.ts --shapes   lint and render time of large report shapes at two sizes
 */
import { readFileSync } from 'node:fs';
import * as inspector from 'node:inspector';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { dataFlowDiagram, redactionMask, timelineDiagram } from '../src/core/present/diagram';
import { exportDocument } from '../src/core/present/document';
import { RULES_BY_ID } from '../src/core/lint';
import { Linter, type LintResult } from '../src/core/lint/linter';
import { RECORD_KINDS } from '../src/core/report/model';
import { parseReport } from '../src/core/report/parse';
import { renderReport } from '../src/core/present/render/html';
import { RECORD_FIELDS } from '../src/core/report/schema';
import { parseYaml } from '../src/core/report/yaml';

const REPO = path.resolve(__dirname, '..');

// ------------------------------------------------------------ the inputs

export type Eol = 'lf' | 'crlf' | 'cr';
/** Where a generated string goes. */
export type Where = 'prose' | 'heading' | 'value' | 'quoted' | 'key' | 'id' | 'info' | 'table' | 'citation' | 'frontMatter';

/** One piece of a hostile report; small to describe, however large the text it makes. */
export type Part =
  | { t: 'frontMatter'; fields: [string, string][]; redact: string[] | null; close: boolean }
  | { t: 'record'; kind: string; fence: string; prefix: number; style: 'map' | 'seq' | 'flow'; fields: [string, string][]; close: boolean }
  | { t: 'yaml'; kind: string; tokens: string[]; close: boolean }
  | { t: 'dupKeys'; kind: string; keys: number; distinct: number; style: 'block' | 'flow' | 'nested' }
  | { t: 'nested'; where: Where; open: '[' | '{' | '{a: ' | '- ' | '> '; depth: number; close: boolean }
  | { t: 'repeat'; where: Where; unit: string; times: number; tail: string }
  | { t: 'lines'; unit: string; times: number }
  | { t: 'aliases'; kind: string; levels: number; width: number }
  | { t: 'records'; kind: string; n: number; distinctIds: boolean; oneBlock: boolean }
  | { t: 'prose'; snippets: string[] };

export interface Hostile {
  bom: boolean;
  eol: Eol;
  parts: Part[];
  /** An edit for the re-lint: at a fraction of the text, delete `del` characters, insert `ins`. */
  edit: { at: number; del: number; ins: string } | null;
}

/** Characters and strings that break things. */
const NASTY = [
  '\u0000', '\u0001', '\u0007', '\b', '\u000b', '\f', '\u001b[31m', '\u007f', '\u0085', '\u00a0', '\u00ad', '\u200b', '\u200d', '\u200e', '\u200f',
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u2028', '\u2029', '\ufeff', '\ufffd', '\uffff',
  '\ud800', '\udc00', '\udbff', '\udfff', '\udbff\udfff', '\ud83d\ude00', 'e\u0301', 'İ', 'ß', 'ﬀ', '１', '٣', '\r', '\r\n', '\t', '\\', '\\u0000',
];
const MARKUP = [
  '*', '_', '**', '~~', '`', '``', '```', '~~~', '[', ']', '(', ')', '![', '](', '<', '>', '&', '&#0;', '&#x202e;', '&amp;', '|', '#', '- ', '> ', '1. ', '---', '===',
  '[@E1]', '[@E1#frame=1]', '[@', '[@]', '[@E1#', '[@FN1#a]b]', '[@x y]', '[^1]', '[a]: http://x', '<a href="javascript:alert(1)">', '<script>', '<!--', '-->',
  '<img src=x onerror=alert(1)>', 'javascript:alert(1)', 'http://', 'https://example.com/', 'file:///etc/passwd', 'data:text/html,x', '%3C', '\\[', '$$', ':::',
];
const YAMLISH = [
  'a', 'b', 'id', '1', '1.0', '0x1F', '-.inf', '.nan', '1e999', 'true', 'True', '~', 'null', '"a"', "'a'", ': ', ':', ', ', ',', '{', '}', '[', ']', '\n', '\n', '\n',
  '  ', ' ', '- ', '? ', '#c', ' #c', '&x ', '*x', '!!str ', '!!binary ', '!!set ', '!!omap ', '!foo ', '\t', '|\n', '>-\n', '---\n', '...\n', '%YAML 1.2\n', '"', "'",
  '%', '@', '`', '\\', 'a: ', 'id: ', 'evidence: ', '\n  a: ', '\n- ', '{a: 1, a: 2}', '<<: *x', '"\\x00"', '"\\ud800"', '"\\U0010FFFF"', "'''", '"\\',
];
/** `redact` entries: strings, regular expressions (catastrophic ones too), broken ones. */
const REDACT = [
  '/(a+)+$/', '/(a|aa)+$/', '/(a|a)*b/', '/([a-z]+)*$/', '/(x+x+)+y/', '/^(\\w+\\s?)*$/', '/(.*a){12}/', '/(?:a*)*$/', '/((a+)+)+$/', '/(\\d+)+$/',
  '/a{1,65535}b/', '/./g', '/a/y', '/(?<=a)b/', '/\\p{L}+/u', '/(/', '//', '/[/', '/a/zz', '/\\1(a)/', '/[^]*/', '/$/', '/^/gm', '/(?=a)*/', '/\\b\\d{15}\\b/',
  'secret', 'a', '.', '*', ' ', '\u202e', '\ud800', '860461026000001', 'IMEI', 'x'.repeat(300), '<', '&', '"', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
];
/** Values that strain masks: long runs with a failing end. */
const BACKTRACK = ['a'.repeat(40) + '!', 'a'.repeat(30) + 'b', '1'.repeat(40) + 'x', 'x'.repeat(40), 'word '.repeat(30) + '!', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'];

const FIELD_NAMES = [...new Set(Object.values(RECORD_FIELDS).flatMap((fs) => fs.map((f) => f.name)))];
const ODD_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'ID', ' id', '"id"', "'id'", '? id', '[a]', '{a: 1}', '1', 'true', '~', 'é', 'id\u202e', ''];
const IDS = ['D1', 'D2', 'S1', 'F1', 'F2', 'E1', 'E2', 'V1', 'R1', 'FN1', 'X1', 'F01', 'F1#x', 'f1', 'D1/modem', '', '~', '[F1]', '{a: 1}', 'F' + '9'.repeat(30)];
const VALUES = [
  'x', 'a value', '"quoted\\tvalue"', "'single'", '', '~', 'null', 'true', '0', '-1', '1e999', '.nan', '0x1F', '2014-08-06', '2014-13-45', '2014-08-06T10:15:00+08:00',
  'E1', 'E1#frame=3', '[E1, E2#x]', '[E1, [E2]]', '{E1: x}', 'D1', 'D1/modem', 'S1', 'F1', 'V1', 'R1', 'FN1', 'CN', 'cn', 'XX', 'tls', 'none', 'opt-in', 'default-on',
  'fixed', 'high', 'pcap', 'vendor', '[IMEI, phone number]', '[imei, IMEI, Imei]', '[]', '{}', '[a, b]', '{a: b}', '\n  - x\n  - [y]', '\n  k: v\n  k2: {a: b}', '|\n  text\n  more',
  '>-\n  folded', 'http://example.com/a?b=c', 'javascript:alert(1)', '<script>alert(1)</script>', '"\\u0000\\ud800\\u202e"', '!!binary aGVsbG8=', '!!set {a, b}', '!!omap [a: 1]',
  '!custom x', '&anchor value', '*alias', '1'.repeat(400), '860461026000001', '"+86 138 0013 8000"', ...BACKTRACK,
];
const KINDS = [...RECORD_KINDS, 'Flow', 'flow extra words', 'flow{}', 'evidence\u202e', 'yaml', ''];
const FENCES = ['```', '~~~', '````', '``'];
/** Line prefixes of a fenced block: none, quote, list item, ordered item, indented, nested quote, tab. */
const PREFIXES: [string, string][] = [['', ''], ['> ', '> '], ['- ', '  '], ['1. ', '   '], ['   ', '   '], ['>> ', '>> '], ['\t', '\t']];
const PROSE = [
  '# Findings', '## Flows', '####### seven', '#', 'Text with a citation [@E1] and [@F1#frame=2].', 'Cites a missing [@E99] and a locator [@E1#a=b&c].', '| a | b |\n|---|---|\n| [@E1] | x |',
  '- item [@E1]\n  - nested [@E2]', '> quote [@E1]\n> > deeper', '[link](javascript:alert(1)) [x](http://a.example/ "t")', '<div onclick=x>raw html</div>', '***bold italic***',
  'Setext\n======', 'line  \nbreak', '    indented code', '```\nuntyped fence\n```', '```flow\n```', '~~~evidence\nid: E1\n~~~', '---', '* * *', '[ref]: http://example.com',
  '1) ordered', '\\[@E1]', '`[@E1]`', '<!-- [@E1] -->', ...BACKTRACK,
];
const EDIT_INSERTS = ['', 'x', '\n', '```', '```flow\n', ': ', '[@E1]', '---\n', '\u0000', '\ud800', '\r', '- ', '  ', '"'];

const small = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const nastyString = (max: number) => fc.array(fc.oneof(small(NASTY), small(MARKUP), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: max }).map((xs) => xs.join(''));
const value = fc.oneof({ weight: 5, arbitrary: small(VALUES) }, { weight: 1, arbitrary: nastyString(6) });
const fieldName = fc.oneof({ weight: 6, arbitrary: small(FIELD_NAMES) }, { weight: 1, arbitrary: small(ODD_KEYS) }, { weight: 1, arbitrary: nastyString(3) });
const fields = fc.array(fc.tuple(fieldName, fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: small(IDS) })), { maxLength: 10 });
const kind = fc.oneof({ weight: 8, arbitrary: small(RECORD_KINDS) }, { weight: 1, arbitrary: small(KINDS) });
const where = small<Where>(['prose', 'heading', 'value', 'quoted', 'key', 'id', 'info', 'table', 'citation', 'frontMatter']);
const UNITS = [...NASTY, ...MARKUP, ...YAMLISH, 'a', 'aa', 'a ', 'k: v\n', '[@E1] ', '[@E1#f=1]', '# h\n', '> ', '- ', '| a ', '```\n', '\n\n'];

/** The arbitrary of hostile reports; `maxChars` bounds how large one repetition may grow. */
export function hostileReport(maxChars = 5_500_000): fc.Arbitrary<Hostile> {
  // mostly small; now and then anything up to `max`, spread evenly over the orders of magnitude
  const logUniform = (max: number) => fc.integer({ min: 0, max: 1000 }).map((k) => Math.max(1, Math.round(Math.exp((k / 1000) * Math.log(max)))));
  const size = (max: number) => fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: Math.min(max, 64) }) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: Math.min(max, 5000) }) }, { weight: 1, arbitrary: logUniform(max) });
  const frontMatter: fc.Arbitrary<Part> = fc.record({
    t: fc.constant('frontMatter' as const),
    fields: fc.oneof(
      { weight: 3, arbitrary: fc.constant<[string, string][]>([['audit-format', '1'], ['id', 'FUZZ-1'], ['title', 'Fuzz'], ['status', 'draft'], ['date', '2014-10-24'], ['auditors', '[A]']]) },
      { weight: 2, arbitrary: fc.array(fc.tuple(fc.oneof(small(['audit-format', 'id', 'title', 'status', 'date', 'auditors', 'classification', 'categories', 'lint', 'subject', 'redact']), fieldName), value), { maxLength: 8 }) },
    ),
    redact: fc.option(fc.array<string>(fc.oneof({ weight: 4, arbitrary: small(REDACT) }, { weight: 1, arbitrary: nastyString(4) }), { minLength: 1, maxLength: 6 }), { freq: 2, nil: null }),
    close: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  });
  const part: fc.Arbitrary<Part> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ t: fc.constant('record' as const), kind, fence: small(FENCES), prefix: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat(PREFIXES.length - 1) }), style: small(['map', 'seq', 'flow'] as const), fields, close: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('yaml' as const), kind, tokens: fc.array(small(YAMLISH), { maxLength: 40 }), close: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('dupKeys' as const), kind, keys: size(Math.floor(maxChars / 12)), distinct: size(1000), style: small(['block', 'flow', 'nested'] as const) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('nested' as const), where, open: small(['[', '{', '{a: ', '- ', '> '] as const), depth: size(Math.floor(maxChars / 4)), close: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('repeat' as const), where, unit: small(UNITS), times: size(Math.floor(maxChars / 8)), tail: small(['', '!', 'b', 'x', '\n', ' ', '\ud800']) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('lines' as const), unit: small(['# h', '- x', '> q', '| a | b |', 'x [@E1]', '[@E1] [@F2] [@X9]', '```', '---', '', '    code', '<br>', '[@E1]: x']), times: size(Math.floor(maxChars / 10)) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('aliases' as const), kind, levels: fc.integer({ min: 1, max: 12 }), width: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('records' as const), kind: small(RECORD_KINDS), n: size(Math.floor(maxChars / 60)), distinctIds: fc.boolean(), oneBlock: fc.boolean() }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('prose' as const), snippets: fc.array(fc.oneof({ weight: 3, arbitrary: small(PROSE) }, { weight: 1, arbitrary: nastyString(8) }), { minLength: 1, maxLength: 8 }) }) },
  );
  return fc.record({
    bom: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    eol: fc.oneof({ weight: 6, arbitrary: fc.constant<Eol>('lf') }, { weight: 2, arbitrary: fc.constant<Eol>('crlf') }, { weight: 1, arbitrary: fc.constant<Eol>('cr') }),
    parts: fc.tuple(fc.option(frontMatter, { freq: 8 }), fc.array(part, { minLength: 0, maxLength: 7 })).map(([fm, ps]) => (fm ? [fm, ...ps] : ps)),
    edit: fc.option(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), del: fc.nat(8), ins: small(EDIT_INSERTS) }), { freq: 2 }),
  });
}

const yamlString = (s: string) => JSON.stringify(s);
const indentLines = (s: string, pad: string) => s.replace(/\n/g, `\n${pad}`);

function fieldLine([k, v]: [string, string]): string {
  return `${k}: ${indentLines(v, '  ')}`;
}

/** A fenced record block around `body` lines. */
function block(kind: string, body: string, { fence = '```', prefix = 0, close = true } = {}): string {
  const [first, rest] = PREFIXES[prefix] ?? PREFIXES[0]!;
  const lines = [`${fence}${kind}`, ...body.split('\n'), ...(close ? [fence] : [])];
  return lines.map((l, i) => (i === 0 ? first : rest) + l).join('\n');
}

function placed(where: Where, s: string): string {
  switch (where) {
    case 'prose':
      return s;
    case 'heading':
      return `## ${s}`;
    case 'value':
      return block('flow', `id: F1\nnotes: ${s}`);
    case 'quoted':
      return block('flow', `id: F1\nto: ${yamlString(s)}`);
    case 'key':
      return block('device', `${s}: 1\nid: D1`);
    case 'id':
      return block('evidence', `id: ${s}\nfile: a.txt`);
    case 'info':
      return `\`\`\`flow ${s}\nid: F1\n\`\`\``;
    case 'table':
      return `| a | b |\n|---|---|\n| ${s} | [@E1] |`;
    case 'citation':
      return `See [@E1#${s}] and [@${s}].`;
    case 'frontMatter':
      return `---\naudit-format: 1\ntitle: ${s}\n---`;
  }
}

const CLOSERS: Record<string, string> = { '[': ']', '{': '}', '{a: ': '}', '- ': '', '> ': '' };

function buildPart(p: Part): string {
  switch (p.t) {
    case 'frontMatter': {
      const lines = ['---', ...p.fields.map(fieldLine)];
      if (p.redact) lines.push('redact:', ...p.redact.map((r) => `  - ${yamlString(r)}`));
      if (p.close) lines.push('---');
      return lines.join('\n');
    }
    case 'record': {
      let body: string;
      if (p.style === 'flow') body = `{${p.fields.map(([k, v]) => `${k}: ${v.replace(/\n/g, ' ')}`).join(', ')}}`;
      else if (p.style === 'seq') body = p.fields.map((f, i) => (i === 0 ? '- ' : '  ') + indentLines(fieldLine(f), '  ')).join('\n') || '- ';
      else body = p.fields.map(fieldLine).join('\n');
      return block(p.kind, body, { fence: p.fence, prefix: p.prefix, close: p.close });
    }
    case 'yaml':
      return block(p.kind, p.tokens.join(''), { close: p.close });
    case 'dupKeys': {
      const distinct = Math.max(1, p.distinct);
      const keys = Array.from({ length: p.keys }, (_, i) => `k${i % distinct}`);
      if (p.style === 'flow') return block(p.kind, `id: X1\ndata: {${keys.map((k) => `${k}: 1`).join(', ')}}`);
      if (p.style === 'nested') return block(p.kind, `id: X1\nidentifiers:\n${keys.map((k) => `  ${k}: 1`).join('\n')}`);
      return block(p.kind, keys.map((k) => `${k}: 1`).join('\n'));
    }
    case 'nested': {
      const inner = p.open.repeat(p.depth) + (p.open === '- ' || p.open === '> ' ? 'x' : '1') + (p.close ? (CLOSERS[p.open] ?? '').repeat(p.depth) : '');
      return placed(p.where, inner);
    }
    case 'repeat':
      return placed(p.where, p.unit.repeat(p.times) + p.tail);
    case 'lines':
      return Array.from({ length: p.times }, () => p.unit).join('\n');
    case 'aliases': {
      const lines = [`a0: &a0 [${Array(p.width).fill('lol').join(', ')}]`];
      for (let l = 1; l < p.levels; l++) lines.push(`a${l}: &a${l} [${Array(p.width).fill(`*a${l - 1}`).join(', ')}]`);
      return block(p.kind, lines.join('\n'));
    }
    case 'records': {
      const prefix = { device: 'D', step: 'S', flow: 'F', evidence: 'E', response: 'V', retest: 'R', finding: 'FN' }[p.kind] ?? 'X';
      const one = (i: number) => [`id: ${prefix}${p.distinctIds ? i + 1 : 1}`, 'from: D1', `to: h${i % 97}.example.com`, 'data: [IMEI]', `evidence: [E${(i % 7) + 1}]`, `verifies: V${i}`];
      if (p.oneBlock) return block(p.kind, Array.from({ length: p.n }, (_, i) => one(i).map((l, j) => (j === 0 ? '- ' : '  ') + l).join('\n')).join('\n'));
      return Array.from({ length: p.n }, (_, i) => block(p.kind, one(i).join('\n'))).join('\n\n');
    }
    case 'prose':
      return p.snippets.join('\n\n');
  }
}

/** The report text a description makes. */
export function buildText(h: Hostile): string {
  let text = h.parts.map(buildPart).join('\n\n') + '\n';
  if (h.eol === 'crlf') text = text.replace(/\n/g, '\r\n');
  else if (h.eol === 'cr') text = text.replace(/\n/g, '\r');
  return (h.bom ? '\ufeff' : '') + text;
}

function applyEdit(text: string, edit: NonNullable<Hostile['edit']>): string {
  const at = Math.min(text.length, Math.floor(edit.at * text.length));
  return text.slice(0, at) + edit.ins + text.slice(Math.min(text.length, at + edit.del));
}

// ------------------------------------------------------------ the worker

export const ENTRIES = ['parse', 'lint', 'relint', 'mask', 'dataflow', 'timeline', 'render', 'render-export', 'export'] as const;
export type Entry = (typeof ENTRIES)[number];

interface CallResult {
  entry: Entry;
  ms: number;
  error?: { message: string; stack: string };
}
type FromWorker =
  | { type: 'ready' }
  | { type: 'start'; id: number; entry: Entry }
  | { type: 'done'; id: number; chars: number; calls: CallResult[]; heapMb: number };
interface ToWorker {
  id: number;
  input: Hostile;
}

let css: { report: string; export: string } | undefined;

/**
 * A lint result, or a throw when it is wrong: the linter turns a rule that
 * throws into an "Internal error" diagnostic (that rule is run again here for
 * its stack), and every span must lie in the text.
 */
function checked(result: LintResult, input: string): LintResult {
  const { report, diagnostics } = result;
  for (const d of diagnostics) {
    if (/^Internal error in rule/.test(d.message)) {
      // throws with the rule's own stack
      RULES_BY_ID.get(d.rule)?.check({ report, taxonomy: result.taxonomy, evidence: result.evidence, captures: new Map(), canaries: [], earlier: diagnostics.filter((x) => x.rule !== d.rule), flag() {} });
      throw new Error(`${d.message} (it did not throw again on its own)`);
    }
    if (!(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= report.text.length)) throw new Error(`${d.rule}: span ${d.span.start}-${d.span.end} outside the text (0-${report.text.length}): ${d.message}`);
  }
  if (report.text !== (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input)) throw new Error('the report text is not the input');
  return result;
}

/** Runs every entry point on one input, reporting each call's start (so the main thread can time it out). */
async function runAll(input: Hostile, started: (entry: Entry) => void): Promise<{ chars: number; calls: CallResult[]; heapMb: number }> {
  css ??= { report: readFileSync(path.join(REPO, 'media', 'report.css'), 'utf8'), export: readFileSync(path.join(REPO, 'media', 'export.css'), 'utf8') };
  const text = buildText(input);
  const calls: CallResult[] = [];
  let heap = 0;
  const step = async <T>(entry: Entry, fn: () => T | Promise<T>): Promise<T | undefined> => {
    started(entry);
    const t0 = performance.now();
    try {
      const v = await fn();
      calls.push({ entry, ms: performance.now() - t0 });
      return v;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      calls.push({ entry, ms: performance.now() - t0, error: { message: e.message, stack: e.stack ?? e.message } });
      return undefined;
    } finally {
      heap = Math.max(heap, getHeapStatistics().used_heap_size);
    }
  };
  await step('parse', () => parseReport(text));
  const linter = new Linter();
  const result = await step('lint', async () => checked(await linter.lint(text), text));
  if (input.edit) {
    const edited = applyEdit(text, input.edit);
    await step('relint', async () => checked(await linter.lint(edited), edited));
  }
  if (result) {
    const mask = (await step('mask', () => redactionMask(result.report))) ?? ((s: string) => s);
    const df = await step('dataflow', () => dataFlowDiagram(result.report, result.taxonomy, { mask }));
    const tl = await step('timeline', () => timelineDiagram(result.report, { mask }));
    const diagrams = { ...(df ? { dataflow: df.text } : {}), ...(tl ? { timeline: tl.text } : {}) };
    await step('render', () => renderReport(result, { mode: 'preview', diagrams }));
    const rendered = await step('render-export', () => renderReport(result, { mode: 'export', mask, header: true, diagrams }));
    const styles = css;
    if (rendered) {
      await step('export', () =>
        exportDocument({ result, rendered, mask, css: styles, paper: 'a4', marginBoxes: true, exportedAt: new Date(Date.UTC(2024, 0, 2)), sourceName: 'fuzz.audit.md', generator: 'fuzz-hostile' }),
      );
    }
  }
  return { chars: text.length, calls, heapMb: heap / 1048576 };
}

function workerMain(): void {
  const port = parentPort!;
  const post = (m: FromWorker) => port.postMessage(m);
  port.on('message', (m: ToWorker) => {
    void runAll(m.input, (entry) => post({ type: 'start', id: m.id, entry })).then((r) => post({ type: 'done', id: m.id, ...r }));
  });
  // warm up (module loading, JIT) before the first measured input
  void runAll({ bom: false, eol: 'lf', parts: [{ t: 'prose', snippets: PROSE }], edit: { at: 0.5, del: 1, ins: 'x' } }, () => {}).then(() => post({ type: 'ready' }));
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === 'fuzz-hostile') workerMain();

// ------------------------------------------------------------ the main thread

export interface Failure {
  kind: 'crash' | 'hang' | 'worker';
  entry: Entry | 'worker';
  message: string;
  stack: string;
  /** Index of the first input that failed so, and how many did. */
  first: number;
  count: number;
  input: Hostile;
  /** After shrinking (when asked). */
  minimal?: Hostile;
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** A call that takes longer is a hang. */
  limitMs: number;
  /** Bounds the size of one repeated part (and so of the text). */
  maxChars: number;
  /** Shrink each kind of failure to a small reproducer. */
  minimize: boolean;
  /** Milliseconds of shrinking per kind of failure. */
  minimizeMs: number;
  log?: (line: string) => void;
}

export interface FuzzSummary {
  inputs: number;
  /** Inputs on which a call threw / timed out / the worker died. */
  crashes: number;
  hangs: number;
  workerDeaths: number;
  /** Inputs run a second time because a call went over the limit the first time. */
  retried: number;
  failures: Failure[];
  maxMs: Partial<Record<Entry, { ms: number; input: number }>>;
  maxHeapMb: number;
  maxChars: number;
  totalChars: number;
  wallMs: number;
}

/** The first frame of a stack in the project's own code (`fn src/core/x.ts`), else the first frame. */
function topFrame(stack: string): string {
  const frames = [...stack.matchAll(/^\s+at (?:(\S+) \()?([^\s()]+?):\d+(?::\d+)?\)?$/gm)].map((m) => `${m[1] ?? ''} ${path.isAbsolute(m[2]!) ? path.relative(REPO, m[2]!) : m[2]}`);
  return frames.find((f) => / src\//.test(f)) ?? frames[0] ?? '';
}

/** A short signature: failures with the same one are the same bug. */
function signature(kind: Failure['kind'], entry: string, message: string, stack: string): string {
  return `${kind} ${entry} ${message.replace(/\d+/g, 'N').slice(0, 80)} ${topFrame(stack)}`;
}

/**
 * The inspector of this process, attached to every worker: takes the stack of
 * a worker while it hangs. One for all runners (a second session that asks
 * for the workers is not told about them).
 */
class WorkerInspector {
  private static instance: WorkerInspector | null | undefined;
  private session: inspector.Session;
  private sessions = new Map<number, string>();
  private scripts = new Map<string, { url: string; map?: string }>();
  private maps = new Map<string, SourceMap | null>();
  private pending = new Map<number, (m: Record<string, unknown>) => void>();
  private onEvent: ((m: { method: string; params: Record<string, unknown> }) => void) | undefined;
  private seq = 1;

  /** The inspector, or null where there is none (hangs are then reported without a stack). */
  static get(): WorkerInspector | null {
    if (WorkerInspector.instance === undefined) {
      try {
        WorkerInspector.instance = new WorkerInspector();
      } catch {
        WorkerInspector.instance = null;
      }
    }
    return WorkerInspector.instance;
  }

  private constructor() {
    const s = new inspector.Session();
    s.connect();
    s.on('NodeWorker.attachedToWorker', (msg: { params: { sessionId: string; workerInfo: { workerId: string } } }) => {
      this.sessions.set(Number(msg.params.workerInfo.workerId), msg.params.sessionId);
    });
    s.on('NodeWorker.detachedFromWorker', (msg: { params: { sessionId: string } }) => {
      for (const [k, v] of this.sessions) if (v === msg.params.sessionId) this.sessions.delete(k);
    });
    s.on('NodeWorker.receivedMessageFromWorker', (msg: { params: { message: string } }) => {
      const m = JSON.parse(msg.params.message) as { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown> };
      if (m.id !== undefined) this.pending.get(m.id)?.(m.result ?? {});
      else if (m.method === 'Debugger.scriptParsed') {
        const p = m.params as { scriptId: string; url: string; sourceMapURL?: string };
        this.scripts.set(p.scriptId, { url: p.url, ...(p.sourceMapURL ? { map: p.sourceMapURL } : {}) });
      } else if (m.method) this.onEvent?.({ method: m.method, params: m.params ?? {} });
    });
    s.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
    this.session = s;
  }

  private send(sessionId: string, method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.seq++;
    return new Promise((resolve) => {
      this.pending.set(id, (r) => {
        this.pending.delete(id);
        resolve(r);
      });
      this.session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  }

  /** The JavaScript stack of the hanging worker (source-mapped), or '' when it cannot be had. */
  async stackOf(w: Worker): Promise<string> {
    // script ids are a worker's own: those of the last worker mean nothing here
    this.scripts.clear();
    this.maps.clear();
    // the inspector says a worker is there a little after it starts
    for (let i = 0; i < 50 && !this.sessions.has(w.threadId); i++) await new Promise((r) => setTimeout(r, 20));
    const sid = this.sessions.get(w.threadId);
    if (!sid) return '';
    const paused = new Promise<{ callFrames: { functionName: string; location: { scriptId: string; lineNumber: number; columnNumber: number } }[] }>((resolve) => {
      this.onEvent = (e) => {
        if (e.method === 'Debugger.paused') resolve(e.params as never);
      };
    });
    const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000).unref())]);
    await within(this.send(sid, 'Debugger.enable'));
    void this.send(sid, 'Debugger.pause');
    const p = await within(paused);
    this.onEvent = undefined;
    // a worker paused in the debugger does not end on terminate(): let it run on (into the hang) first
    await within(this.send(sid, 'Debugger.resume'));
    if (!p) return '';
    return p.callFrames
      .slice(0, 12)
      .map((f) => `    at ${f.functionName || '<anonymous>'} (${this.where(f.location)})`)
      .join('\n');
  }

  private where(loc: { scriptId: string; lineNumber: number; columnNumber: number }): string {
    const s = this.scripts.get(loc.scriptId);
    if (!s) return `script ${loc.scriptId}:${loc.lineNumber + 1}`;
    let map = this.maps.get(loc.scriptId);
    if (map === undefined && s.map?.startsWith('data:')) {
      try {
        map = new SourceMap(JSON.parse(Buffer.from(s.map.slice(s.map.indexOf(',') + 1), 'base64').toString('utf8')));
      } catch {
        map = null;
      }
      this.maps.set(loc.scriptId, map);
    }
    const e = map?.findEntry(loc.lineNumber, loc.columnNumber) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    const file = (u: string) => {
      const abs = u.startsWith('file://') ? new URL(u).pathname : u;
      return path.isAbsolute(abs) ? path.relative(REPO, abs) : abs;
    };
    if (e?.originalSource) return `${file(e.originalSource)}:${(e.originalLine ?? 0) + 1}:${(e.originalColumn ?? 0) + 1}`;
    return `${file(s.url)}:${loc.lineNumber + 1}:${loc.columnNumber + 1}`;
  }
}

/** Where a worker stands; a fresh worker replaces one that hung or died. */
class Runner {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;

  constructor(private readonly limitMs: number) {
    // attached before the first worker starts
    WorkerInspector.get();
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const tsx = require.resolve('tsx/cjs');
    const w = new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(__filename)});`, {
      eval: true,
      execArgv: [],
      workerData: { role: 'fuzz-hostile' },
      resourceLimits: { maxOldGenerationSizeMb: 4096 },
      stdout: true,
      stderr: true,
    });
    w.stdout.resume();
    w.stderr.resume();
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type !== 'ready') return;
        w.off('message', onMessage);
        w.off('error', reject);
        resolve();
      };
      w.on('message', onMessage);
      w.once('error', reject);
    });
    return this.ready;
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (w) await w.terminate();
  }

  close(): Promise<void> {
    return this.stop();
  }

  private stackOf(w: Worker): Promise<string> {
    return WorkerInspector.get()?.stackOf(w) ?? Promise.resolve('');
  }

  /** Runs one input; a call over the limit ends the worker (a fresh one takes the next input). */
  async run(id: number, input: Hostile): Promise<{ chars: number; calls: CallResult[]; heapMb: number; hang?: { entry: Entry; stack: string }; died?: string }> {
    await this.start();
    const w = this.worker!;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let current: Entry = 'parse';
      const finish = (r: Awaited<ReturnType<Runner['run']>>) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        resolve(r);
      };
      const arm = (ms = this.limitMs) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          void (async () => {
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
            const stack = await this.stackOf(w);
            await this.stop();
            finish({ chars: 0, calls: [], heapMb: 0, hang: { entry: current, stack } });
          })();
        }, ms);
      };
      const onMessage = (m: FromWorker) => {
        if (m.type === 'start' && m.id === id) {
          current = m.entry;
          arm();
        } else if (m.type === 'done' && m.id === id) finish({ chars: m.chars, calls: m.calls, heapMb: m.heapMb });
      };
      const onError = (err: Error) => {
        this.worker = undefined;
        this.ready = undefined;
        finish({ chars: 0, calls: [], heapMb: 0, died: `${current}: ${err.message}` });
      };
      const onExit = (code: number) => onError(new Error(`the worker exited with code ${code}`));
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      // the worker builds the text first (harness time, not a call): the limit starts with the first call
      arm(Math.max(30_000, this.limitMs * 20));
      w.postMessage({ id, input } satisfies ToWorker);
    });
  }
}

/** Runs the entry points on one input in a fresh worker: each call's time or error, or the call that hung (with its stack). */
export async function runOne(input: Hostile, limitMs = 2000): Promise<Awaited<ReturnType<Runner['run']>>> {
  const runner = new Runner(limitMs);
  try {
    return await runner.run(0, input);
  } finally {
    await runner.close();
  }
}

/** Variants of a JSON value, each a little smaller. */
function* shrinkValue(v: unknown): Generator<unknown> {
  if (typeof v === 'number' && v > 1) {
    yield Math.floor(v / 2);
    if (v <= 16) yield v - 1;
  } else if (typeof v === 'string' && v.length > 0) {
    yield '';
    if (v.length > 1) {
      yield v.slice(0, v.length >> 1);
      yield v.slice(v.length >> 1);
    }
    if (v.length <= 24) for (let i = 0; i < v.length; i++) yield v.slice(0, i) + v.slice(i + 1);
  } else if (typeof v === 'boolean' && v) {
    yield false;
  } else if (Array.isArray(v)) {
    if (v.length > 1) {
      yield v.slice(0, v.length >> 1);
      yield v.slice(v.length >> 1);
    }
    if (v.length <= 40) for (let i = 0; i < v.length; i++) yield [...v.slice(0, i), ...v.slice(i + 1)];
    for (let i = 0; i < v.length; i++) for (const s of shrinkValue(v[i])) yield [...v.slice(0, i), s, ...v.slice(i + 1)];
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 't' || k === 'kind' || k === 'where' || k === 'open' || k === 'style' || k === 'eol') continue;
      for (const s of shrinkValue(x)) yield { ...v, [k]: s };
    }
  }
}

function* shrinkInput(h: Hostile): Generator<Hostile> {
  for (let i = h.parts.length - 1; i >= 0; i--) yield { ...h, parts: [...h.parts.slice(0, i), ...h.parts.slice(i + 1)] };
  if (h.edit) yield { ...h, edit: null };
  if (h.bom) yield { ...h, bom: false };
  if (h.eol !== 'lf') yield { ...h, eol: 'lf' };
  for (let i = 0; i < h.parts.length; i++) for (const p of shrinkValue(h.parts[i])) yield { ...h, parts: [...h.parts.slice(0, i), p as Part, ...h.parts.slice(i + 1)] };
}

/** The text as a short JavaScript expression: runs of a repeated unit become `.repeat(n)`. */
export function textExpression(text: string): string {
  const pieces: string[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    let best: { unit: string; n: number } | undefined;
    for (let len = 1; len <= 12 && i + len <= text.length; len++) {
      const unit = text.slice(i, i + len);
      let n = 1;
      while (text.startsWith(unit, i + n * len)) n++;
      if (n * len >= 40 && n >= 4 && (!best || n * len > best.n * best.unit.length)) best = { unit, n };
    }
    if (best) {
      if (literal) pieces.push(JSON.stringify(literal));
      literal = '';
      pieces.push(`${JSON.stringify(best.unit)}.repeat(${best.n})`);
      i += best.n * best.unit.length;
    } else literal += text[i++];
  }
  if (literal) pieces.push(JSON.stringify(literal));
  return pieces.join(' + ') || '""';
}

export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const inputs = fc.sample(hostileReport(options.maxChars), { numRuns: options.runs, seed: options.seed });
  const runner = new Runner(options.limitMs);
  const summary: FuzzSummary = { inputs: 0, crashes: 0, hangs: 0, workerDeaths: 0, retried: 0, failures: [], maxMs: {}, maxHeapMb: 0, maxChars: 0, totalChars: 0, wallMs: 0 };
  const bySig = new Map<string, Failure>();
  const record = (kind: Failure['kind'], entry: Entry | 'worker', message: string, stack: string, index: number, input: Hostile) => {
    const sig = signature(kind, entry, message, stack);
    const f = bySig.get(sig);
    if (f) f.count++;
    else {
      const nf: Failure = { kind, entry, message, stack, first: index, count: 1, input };
      bySig.set(sig, nf);
      summary.failures.push(nf);
      log(`  new ${kind} in ${entry} on input #${index}: ${message.split('\n')[0]!.slice(0, 160)}`);
    }
  };
  try {
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      let r = await runner.run(i, input);
      if (r.hang) {
        // a busy machine can stall one call: a hang counts when a fresh worker hangs again
        summary.retried++;
        r = await runner.run(i, input);
      }
      summary.inputs++;
      summary.maxChars = Math.max(summary.maxChars, r.chars);
      summary.totalChars += r.chars;
      summary.maxHeapMb = Math.max(summary.maxHeapMb, r.heapMb);
      let crashed = false;
      for (const c of r.calls) {
        const m = summary.maxMs[c.entry];
        if (!m || c.ms > m.ms) summary.maxMs[c.entry] = { ms: c.ms, input: i };
        if (c.error) {
          crashed = true;
          record('crash', c.entry, c.error.message, c.error.stack, i, input);
        }
      }
      if (crashed) summary.crashes++;
      if (r.hang) {
        summary.hangs++;
        record('hang', r.hang.entry, `${r.hang.entry} took longer than ${options.limitMs} ms`, r.hang.stack, i, input);
      }
      if (r.died) {
        summary.workerDeaths++;
        record('worker', 'worker', r.died, '', i, input);
      }
      if ((i + 1) % 500 === 0) log(`  ${i + 1} inputs, ${summary.crashes} crashes, ${summary.hangs} hangs, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    if (options.minimize) {
      for (const f of summary.failures) {
        log(`  shrinking the ${f.kind} in ${f.entry} (input #${f.first})…`);
        f.minimal = await shrink(runner, f, options);
      }
    }
  } finally {
    await runner.close();
  }
  summary.wallMs = performance.now() - t0;
  return summary;
}

/** Whether `input` still fails as `f` did. */
async function failsAlike(runner: Runner, f: Failure, input: Hostile): Promise<boolean> {
  const r = await runner.run(-1, input);
  if (f.kind === 'hang') return r.hang?.entry === f.entry;
  if (f.kind === 'worker') return r.died !== undefined;
  const sig = signature(f.kind, f.entry, f.message, f.stack);
  return r.calls.some((c) => c.error && signature('crash', c.entry, c.error.message, c.error.stack) === sig);
}

async function shrink(runner: Runner, f: Failure, options: FuzzOptions): Promise<Hostile> {
  const deadline = performance.now() + options.minimizeMs;
  let cur = f.input;
  let progress = true;
  while (progress && performance.now() < deadline) {
    progress = false;
    for (const cand of shrinkInput(cur)) {
      if (performance.now() >= deadline) break;
      if (await failsAlike(runner, f, cand)) {
        cur = cand;
        progress = true;
        break;
      }
    }
  }
  return cur;
}

/** The failures as text: what failed, where, and a reproducer. */
export function describeFailures(s: FuzzSummary): string {
  const out: string[] = [];
  for (const f of s.failures) {
    const input = f.minimal ?? f.input;
    const text = buildText(input);
    out.push(`[${f.kind}] ${f.entry}: ${f.message.split('\n')[0]} (${f.count} input${f.count === 1 ? '' : 's'}, first #${f.first})`);
    if (f.stack) out.push(f.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 8).join('\n'));
    const expr = textExpression(text);
    out.push(`  reproducer (${text.length} characters${f.minimal ? ', shrunk' : ''}): ${expr.length <= 1500 ? expr : `${expr.slice(0, 1500)}…`}`);
    out.push(`  description: ${JSON.stringify(input).slice(0, 1500)}`);
  }
  return out.join('\n');
}

function summaryText(s: FuzzSummary, o: FuzzOptions): string {
  const lines = [
    `fuzz-hostile: ${s.inputs} inputs (seed ${o.seed}), ${(s.totalChars / 1048576).toFixed(1)} MB of text, largest ${(s.maxChars / 1048576).toFixed(2)} MB, ${(s.wallMs / 1000).toFixed(0)} s`,
    `  crashes: ${s.crashes}   hangs (a call over ${o.limitMs} ms, twice): ${s.hangs}   worker deaths: ${s.workerDeaths}   kinds of failure: ${s.failures.length}`,
    `  inputs run again after a call over the limit: ${s.retried}`,
    `  max heap after a call: ${s.maxHeapMb.toFixed(0)} MB`,
    '  slowest call per entry point (input #):',
    ...ENTRIES.map((e) => {
      const m = s.maxMs[e];
      return `    ${e.padEnd(14)} ${m ? `${m.ms.toFixed(0).padStart(6)} ms  #${m.input}` : '—'}`;
    }),
  ];
  return lines.join('\n');
}

// ------------------------------------------------------------ --keys and --shapes

const FM = '---\naudit-format: 1\nid: BENCH-1\ntitle: Bench\nstatus: draft\ndate: 2014-10-24\nauditors: [Bench]\n---\n\n';
const B62 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** `kAbc`: four characters, never a YAML number, boolean or null. */
const benchKey = (i: number) => 'k' + B62[Math.floor(i / 3844) % 62] + B62[Math.floor(i / 62) % 62] + B62[i % 62];

/** One flow record block of `n` keys (`kAbc:`, six bytes a line: 150,000 keys make 0.9 MB), every one distinct or each twice. */
export function keysReport(n: number, twice = false): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`${benchKey(twice ? i >> 1 : i)}:`);
  return `${FM}\`\`\`flow\n${lines.join('\n')}\n\`\`\`\n`;
}

async function timeIt(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** The median of `runs` timings. */
async function median(runs: number, fn: () => unknown): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timeIt(fn));
  return xs.sort((a, b) => a - b)[runs >> 1]!;
}

async function keysBench(library: boolean): Promise<void> {
  const ns = [10_000, 50_000, 150_000];
  console.log('One flow block of N keys (kAbc:, 0.9 MB at 150,000); lint = the CLI\'s core linter, every key an unknown field (PA003); medians of 3');
  await new Linter().lint(keysReport(5000)); // warm up
  for (const twice of [false, true]) {
    const rows: { n: number; parse: number; lint: number; diags: number; lib?: number }[] = [];
    for (const n of ns) {
      const text = keysReport(n, twice);
      const yaml = text.slice(text.indexOf('```flow\n') + 8, text.lastIndexOf('```'));
      const parse = await median(3, () => parseYaml(yaml));
      let diags = 0;
      const lint = await median(3, async () => (diags = (await new Linter().lint(text)).diagnostics.length));
      const lib = library && (n <= 50_000 || process.argv.includes('--library=all')) ? await timeIt(() => parseDocument(yaml, { uniqueKeys: true, strict: true, prettyErrors: false })) : undefined;
      rows.push({ n, parse, lint, diags, ...(lib !== undefined ? { lib } : {}) });
    }
    console.log(twice ? '\nEach key twice (N/2 duplicate-key errors):' : '\nEvery key distinct:');
    for (const [i, r] of rows.entries()) {
      const prev = rows[i - 1];
      const ratio = prev ? `  ×${(r.lint / prev.lint).toFixed(1)} for ×${r.n / prev.n} keys` : '';
      const lib = r.lib !== undefined ? `  (the yaml package's own check: parse ${(r.lib / 1000).toFixed(2)} s)` : '';
      console.log(`  ${String(r.n).padStart(7)} keys  ${(keysReport(r.n).length / 1e6).toFixed(2)} MB  parse ${r.parse.toFixed(0).padStart(5)} ms  lint ${r.lint.toFixed(0).padStart(6)} ms  ${r.diags} diagnostics${ratio}${lib}`);
    }
  }
}

/** Large report shapes: lint time at n and 4n (×4 is linear, ×16 quadratic). */
export const SHAPES: Record<string, (n: number) => string> = {
  'record blocks': (n) => FM + Array.from({ length: n }, (_, i) => `\`\`\`flow\nid: F${i}\nfrom: D1\nto: a.example\ndata: [IMEI]\nevidence: [E1]\n\`\`\`\n`).join('\n'),
  'records in one block': (n) => `${FM}\`\`\`flow\n${Array.from({ length: n }, (_, i) => `- {id: F${i}}`).join('\n')}\n\`\`\`\n`,
  'same id everywhere': (n) => FM + '```evidence\nid: E1\n```\n'.repeat(n),
  'citations, one line': (n) => `${FM}See ${Array.from({ length: n }, (_, i) => `[@E${i}]`).join(' ')}\n`,
  'citations, one per line': (n) => FM + Array.from({ length: n }, (_, i) => `x [@E${i}]`).join('\n') + '\n',
  'citations in table rows': (n) => `${FM}| a | b |\n|---|---|\n${Array.from({ length: n }, (_, i) => `| [@E${i}] | [@E1] |`).join('\n')}\n`,
  'references in one list': (n) => `${FM}\`\`\`flow\nid: F1\nevidence: [${Array.from({ length: n }, (_, i) => `E${i}`).join(', ')}]\n\`\`\`\n`,
  'a long line': (n) => `${FM}${'word '.repeat(n * 2)}\n`,
  'headings': (n) => FM + Array.from({ length: n }, (_, i) => `# H${i}`).join('\n') + '\n',
  'blocks in quotes': (n) => FM + Array.from({ length: n }, (_, i) => `> \`\`\`flow\n> id: F${i}\n> \`\`\``).join('\n\n') + '\n',
  'unclosed fences': (n) => FM + '```flow\n'.repeat(n),
  'front matter keys': (n) => `---\n${Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n')}\n---\n`,
  'CRLF blocks': (n) => (FM + Array.from({ length: n }, (_, i) => `\`\`\`flow\nid: F${i}\n\`\`\``).join('\n')).replace(/\n/g, '\r\n'),
};

async function shapesBench(): Promise<void> {
  console.log('Lint and render (preview) time of large shapes at n and 4n (×4 is linear, ×16 quadratic):');
  await new Linter().lint(keysReport(5000)); // warm up
  for (const [name, make] of Object.entries(SHAPES)) {
    const cells: string[] = [];
    let prev: { lint: number; render: number } | undefined;
    for (const n of [5000, 20000]) {
      const text = make(n);
      let result: LintResult | undefined;
      const lint = await timeIt(async () => (result = await new Linter().lint(text)));
      const render = await timeIt(() => renderReport(result!, { mode: 'preview' }));
      const ratio = (a: number, b: number | undefined) => (b ? ` ×${(a / b).toFixed(1)}` : '');
      cells.push(`n=${n} ${(text.length / 1e6).toFixed(2)} MB  lint ${lint.toFixed(0).padStart(6)} ms${ratio(lint, prev?.lint)}  render ${render.toFixed(0).padStart(6)} ms${ratio(render, prev?.render)}`);
      prev = { lint, render };
    }
    console.log(`  ${name.padEnd(24)} ${cells.join('   ')}`);
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  if (process.argv.includes('--keys')) return keysBench(process.argv.some((a) => a.startsWith('--library')));
  if (process.argv.includes('--shapes')) return shapesBench();
  const options: FuzzOptions = {
    runs: Number(arg('--runs') ?? 10_000),
    seed: Number(arg('--seed') ?? Date.now() % 1_000_000),
    limitMs: Number(arg('--limit-ms') ?? 2000),
    maxChars: Number(arg('--max-chars') ?? 5_500_000),
    minimize: !process.argv.includes('--no-minimize'),
    minimizeMs: Number(arg('--minimize-ms') ?? 90_000),
    log: (l) => console.log(l),
  };
  console.log(`fuzz-hostile: ${options.runs} inputs, seed ${options.seed}, limit ${options.limitMs} ms a call`);
  const s = await fuzz(options);
  console.log(summaryText(s, options));
  if (s.failures.length) console.log(`\n${describeFailures(s)}`);
  process.exitCode = s.failures.length ? 1 : 0;
}

if (require.main === module) void main();
