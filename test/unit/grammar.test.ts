/**
 * TextMate grammar tests: the injection grammars in syntaxes/ run on top of real
 * Markdown and YAML grammars (vscode-textmate + vscode-oniguruma, as in VS Code).
 *
 * Always run with the grammars from @shikijs/langs. When the Markdown and YAML
 * grammars of a VS Code build are present (PRIVACY_AUDIT_VSCODE_EXTENSIONS, or the
 * code-server copy under .cache/), the same checks also run against those: VS Code's
 * YAML grammar nests its rules very differently from the older one Shiki ships.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { parseReport } from '../../src/core/report/parse';

const REPO = path.resolve(__dirname, '..', '..');
const SYNTAXES = path.join(REPO, 'syntaxes');
const MARKDOWN_INJECTION = 'markdown.privacy-audit.injection';
const RECORDS_INJECTION = 'markdown.privacy-audit.records.injection';
const VSCODE_EXTENSIONS =
  process.env.PRIVACY_AUDIT_VSCODE_EXTENSIONS ?? path.join(REPO, '.cache/code-server/node_modules/code-server/lib/vscode/extensions');

// scope names the grammars promise (the extension's documentation and themes rely on them)
const KIND = 'entity.name.type.record-kind.privacy-audit';
const RECORD_BLOCK = 'meta.record-block.privacy-audit';
const RECORD_ID = 'variable.other.constant.record-id.privacy-audit';
const REF = 'meta.reference.privacy-audit';
const REF_ID = 'variable.other.reference.privacy-audit';
const LOC_SEP = 'punctuation.separator.locator.privacy-audit';
const LOC = 'string.unquoted.locator.privacy-audit';
const CITATION = 'meta.citation.privacy-audit';
const CITATION_ID = 'markup.underline.link.citation.privacy-audit';
const CITATION_BEGIN = 'punctuation.definition.citation.begin.privacy-audit';
const CITATION_END = 'punctuation.definition.citation.end.privacy-audit';
const YAML_BODY = 'meta.embedded.block.yaml';
const YAML_KEY = 'entity.name.tag.yaml';
const FENCE = 'punctuation.definition.markdown';
const FENCED = 'markup.fenced_code.block.markdown';
/** What the grammars add inside a record block or in prose (not the block's own scopes). */
const MARKS = [RECORD_ID, REF, REF_ID, LOC_SEP, LOC, CITATION, CITATION_ID, CITATION_BEGIN, CITATION_END];

type RawGrammar = vsctm.IRawGrammar & { injectionSelector?: string };

interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}
interface Line {
  text: string;
  tokens: Token[];
}
type Tokenize = (text: string) => Line[];

let onigReady: Promise<void> | undefined;
function onigLib(): Promise<vsctm.IOnigLib> {
  onigReady ??= (async () => {
    const wasm = readFileSync(path.join(REPO, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  return onigReady.then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
}

function readJson(file: string): RawGrammar {
  return JSON.parse(readFileSync(file, 'utf8')) as RawGrammar;
}

function ourGrammars(): RawGrammar[] {
  return readdirSync(SYNTAXES)
    .filter((f) => f.endsWith('.tmLanguage.json'))
    .map((f) => readJson(path.join(SYNTAXES, f)));
}

async function shikiGrammars(): Promise<RawGrammar[]> {
  const out: RawGrammar[] = [];
  for (const lang of ['markdown', 'yaml']) {
    const mod = (await import(path.join(REPO, 'node_modules/@shikijs/langs/dist', `${lang}.mjs`))) as { default: RawGrammar[] };
    out.push(...mod.default);
  }
  return out;
}

function vscodeGrammars(): RawGrammar[] {
  const files = [path.join(VSCODE_EXTENSIONS, 'markdown-basics/syntaxes/markdown.tmLanguage.json')];
  const yamlDir = path.join(VSCODE_EXTENSIONS, 'yaml/syntaxes');
  for (const f of readdirSync(yamlDir)) if (f.endsWith('.tmLanguage.json')) files.push(path.join(yamlDir, f));
  return files.map(readJson);
}

async function makeTokenizer(hostGrammars: RawGrammar[]): Promise<Tokenize> {
  const byScope = new Map<string, RawGrammar>();
  const injections: string[] = [];
  for (const g of hostGrammars) byScope.set(g.scopeName, g);
  for (const g of ourGrammars()) {
    byScope.set(g.scopeName, g);
    injections.push(g.scopeName);
  }
  const registry = new vsctm.Registry({
    onigLib: onigLib(),
    loadGrammar: async (scopeName) => byScope.get(scopeName) ?? null,
    getInjections: (scopeName) => (scopeName === 'text.html.markdown' ? injections : undefined),
  });
  const grammar = await registry.loadGrammar('text.html.markdown');
  assert.ok(grammar, 'the Markdown grammar loads');
  return (text: string) => {
    let state: vsctm.StateStack = vsctm.INITIAL;
    return text.split(/\r?\n/).map((line) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      const tokens = r.tokens
        .map((t) => ({ text: line.slice(t.startIndex, Math.min(t.endIndex, line.length)), start: t.startIndex, end: Math.min(t.endIndex, line.length), scopes: t.scopes }))
        .filter((t) => t.end > t.start);
      return { text: line, tokens };
    });
  };
}

// ---------------------------------------------------------------------------
// helpers on tokenized text

/** The index of the (only) line whose text is exactly `text`, starting the search at `from`. */
function lineIndex(lines: Line[], text: string, from = 0): number {
  const i = lines.findIndex((l, k) => k >= from && l.text === text);
  assert.ok(i >= 0, `no line ${JSON.stringify(text)}`);
  return i;
}

function line(lines: Line[], text: string, from = 0): Line {
  return lines[lineIndex(lines, text, from)]!;
}

/** [start, end) of the `nth` occurrence of `sub` in the line. */
function rangeOf(l: Line, sub: string, nth = 0): [number, number] {
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = l.text.indexOf(sub, at + 1);
    assert.ok(at >= 0, `${JSON.stringify(sub)} (occurrence ${nth}) not in ${JSON.stringify(l.text)}`);
  }
  return [at, at + sub.length];
}

const hasScope = (t: Token, scope: string) => t.scopes.includes(scope);

/**
 * `scope` covers exactly `sub` (its `nth` occurrence): every token inside has it, the
 * token boundaries fall on the substring's ends, and the characters right before and
 * after do not carry it.
 */
function assertExact(l: Line, sub: string, scope: string, nth = 0): void {
  const [s, e] = rangeOf(l, sub, nth);
  const inside = l.tokens.filter((t) => t.end > s && t.start < e);
  for (const t of inside) {
    assert.ok(t.start >= s && t.end <= e, `${JSON.stringify(sub)} in ${JSON.stringify(l.text)}: token ${JSON.stringify(t.text)} crosses its boundary`);
    assert.ok(hasScope(t, scope), `${JSON.stringify(t.text)} in ${JSON.stringify(l.text)} lacks ${scope}; has ${t.scopes.join(' ')}`);
  }
  const before = l.tokens.find((t) => t.end === s);
  const after = l.tokens.find((t) => t.start === e);
  if (before) assert.ok(!hasScope(before, scope), `${scope} starts before ${JSON.stringify(sub)} in ${JSON.stringify(l.text)}`);
  if (after) assert.ok(!hasScope(after, scope), `${scope} goes on after ${JSON.stringify(sub)} in ${JSON.stringify(l.text)}`);
}

/** Every token overlapping `sub` has `scope` (boundaries not checked: for host scopes like YAML keys). */
function assertCovers(l: Line, sub: string, scope: string, nth = 0): void {
  const [s, e] = rangeOf(l, sub, nth);
  for (const t of l.tokens.filter((t) => t.end > s && t.start < e))
    assert.ok(hasScope(t, scope), `${JSON.stringify(t.text)} in ${JSON.stringify(l.text)} lacks ${scope}; has ${t.scopes.join(' ')}`);
}

/** No token of the line carries any of `scopes`. */
function assertNone(l: Line, scopes: readonly string[]): void {
  for (const t of l.tokens) {
    const bad = t.scopes.find((s) => scopes.includes(s));
    assert.equal(bad, undefined, `${JSON.stringify(t.text)} in ${JSON.stringify(l.text)} has ${bad}`);
  }
}

/** No token of the line carries a scope of this extension (`*.privacy-audit`), or a scope starting with `prefix`. */
function assertUntouched(l: Line, prefix?: string): void {
  for (const t of l.tokens) {
    const bad = t.scopes.find((s) => s.endsWith('.privacy-audit') || (prefix !== undefined && s.startsWith(prefix)));
    assert.equal(bad, undefined, `${JSON.stringify(t.text)} in ${JSON.stringify(l.text)} has ${bad}`);
  }
}

/** The texts of the tokens that carry `scope`, merged when adjacent. */
function spansWith(l: Line, scope: string): string[] {
  const out: string[] = [];
  let last = -1;
  for (const t of l.tokens) {
    if (!hasScope(t, scope)) continue;
    if (t.start === last) out[out.length - 1] += t.text;
    else out.push(t.text);
    last = t.end;
  }
  return out;
}

// ---------------------------------------------------------------------------

const SAMPLE = `---
audit-format: 1
id: FSEC-2014-RM1S
title: Sample [@E1]
---

# Report [@E1]

See [@E1] and [@E2#frame=3].
Inline code is not a citation: \`[@E9]\`, but this is [@E3].
Escaped: \\[@E8] is not a citation.

    indented code [@E7]

- a list item citing [@FN3]
> a quote citing [@V2]

| flow | evidence |
|---|---|
| F1 | [@E2#frame=112] |

\`\`\`flow
id: F1
from: D1/modem
to: api.example.com
evidence: [E1#frame=12, E2]
step: S3
data: [IMEI, E5]
# see E1 in the notes
notes: >-
  evidence: E7 is only text here
\`\`\`
# Heading after a record block

~~~evidence extra words
- id: E2
  file: evidence/a.txt
  description: "not a citation [@E1]"
\`\`\`
- id: E3
  url: https://example.com/
~~~

\`\`\`mermaid
id: F1
evidence: [E1]
\`\`\`

\`\`\`response
- id: V2
  source: E5
  addresses: [FN3, F12]
- id: V3
  source: https://example.com/statement
  evidence:
    - E4#t=00:01:30
    - E6
\`\`\`

> \`\`\`retest
> id: R1
> verifies: [V2]
> \`\`\`

\`\`\`Flow
id: F9
\`\`\`

    \`\`\`flow
    id: F8
    \`\`\`

\`\`\`flowchart
id: F7
\`\`\`

\`\`\`step
id: S1
evidence: E9#page=3
observed: compare the screen - E1
action: "an unterminated quote
\`\`\`
## Still Markdown

\`\`\`\`finding
id: FN1
\`\`\`
flows: [F1]
\`\`\`\`\`
### After a longer closing fence
`;

const flavours: { name: string; available: () => boolean; load: () => Promise<RawGrammar[]> }[] = [
  { name: 'Shiki (@shikijs/langs) Markdown + YAML', available: () => true, load: shikiGrammars },
  {
    name: 'VS Code built-in Markdown + YAML',
    available: () => existsSync(path.join(VSCODE_EXTENSIONS, 'markdown-basics/syntaxes/markdown.tmLanguage.json')),
    load: async () => vscodeGrammars(),
  },
];

describe('grammar files', () => {
  test('two injection grammars into text.html.markdown, with the expected scope names and selectors', () => {
    const gs = new Map(ourGrammars().map((g) => [g.scopeName, g]));
    assert.deepEqual([...gs.keys()].sort(), [MARKDOWN_INJECTION, RECORDS_INJECTION]);
    assert.equal(gs.get(MARKDOWN_INJECTION)!.injectionSelector, 'L:text.html.markdown -markup.fenced_code -markup.raw -markup.inline.raw -meta.embedded');
    assert.equal(
      gs.get(RECORDS_INJECTION)!.injectionSelector,
      'L:meta.record-block.privacy-audit meta.embedded.block.yaml -comment -string.quoted -string.unquoted.block',
    );
  });

  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes?: { grammars?: { scopeName: string; path: string; injectTo?: string[]; embeddedLanguages?: Record<string, string> }[] };
  };
  const contributed = pkg.contributes?.grammars;
  test('package.json contributes both grammars as injections into Markdown', () => {
    assert.ok(contributed, 'package.json has contributes.grammars');
    for (const g of ourGrammars()) {
      const entry: NonNullable<typeof contributed>[number] | undefined = contributed!.find((c) => c.scopeName === g.scopeName);
      assert.ok(entry, `${g.scopeName} is contributed`);
      assert.deepEqual(entry.injectTo, ['text.html.markdown']);
      assert.deepEqual(readJson(path.join(REPO, entry.path)), g, `${entry.path} is the grammar ${g.scopeName}`);
    }
    const md = contributed!.find((c) => c.scopeName === MARKDOWN_INJECTION)!;
    assert.deepEqual(md.embeddedLanguages, { [YAML_BODY]: 'yaml' });
  });
});

for (const flavour of flavours) {
  // VS Code's own grammars come with code-server, which `npm test` installs before the unit tests;
  // on CI a missing copy is a failure, not a skip
  if (!flavour.available() && process.env.CI) test(`${flavour.name} grammars are installed`, () => assert.fail('run `node scripts/code-server.mjs` first'));
  describe(`injection grammars on ${flavour.name}`, { skip: flavour.available() ? false : 'grammars not found (run `npm test` once to install code-server)' }, () => {
    let tokenize: Tokenize;
    let lines: Line[];
    before(async () => {
      tokenize = await makeTokenizer(await flavour.load());
      lines = tokenize(SAMPLE);
    });

    test('the opening fence of a record block: fence punctuation and the kind', () => {
      const l = line(lines, '```flow');
      assertExact(l, '```', FENCE);
      assertExact(l, 'flow', KIND);
      assertExact(l, 'flow', 'fenced_code.block.language.markdown');
      for (const t of l.tokens) {
        assert.ok(hasScope(t, FENCED) && hasScope(t, RECORD_BLOCK), `${t.text}: ${t.scopes.join(' ')}`);
        assert.ok(!hasScope(t, YAML_BODY));
      }
    });

    test('every record kind opens a record block; other info strings do not', () => {
      for (const kind of ['device', 'step', 'flow', 'evidence', 'response', 'retest', 'finding']) {
        const ls = tokenize(`\`\`\`${kind} more words\nid: X1\n\`\`\`\n`);
        assertExact(ls[0]!, kind, KIND);
        assertExact(ls[0]!, 'more words', 'fenced_code.block.language.attributes.markdown');
        assertExact(ls[1]!, 'X1', RECORD_ID);
      }
      for (const info of ['Flow', 'flowchart', 'flow-x', 'yaml', '', 'flow`']) {
        const ls = tokenize(`\`\`\`${info}\nid: X1\n\`\`\`\n`);
        for (const l of ls) assertUntouched(l);
      }
    });

    test('a body line `id: F1`: YAML key scope on the key, record-id scope exactly on the value', () => {
      const l = line(lines, 'id: F1', lineIndex(lines, '```flow'));
      assertCovers(l, 'id', YAML_KEY);
      assertCovers(l, 'id', YAML_BODY);
      assertExact(l, 'F1', RECORD_ID);
      assertCovers(l, 'F1', YAML_BODY);
      assertCovers(l, 'F1', RECORD_BLOCK);
      assert.ok(!l.tokens.some((t) => hasScope(t, RECORD_ID) && t.text.includes('id')));
    });

    test('`evidence: [E1#frame=12, E2]`: references with their locator, inside the YAML flow sequence', () => {
      const l = line(lines, 'evidence: [E1#frame=12, E2]');
      assertCovers(l, 'evidence', YAML_KEY);
      assertExact(l, '[', 'punctuation.definition.sequence.begin.yaml');
      assertExact(l, 'E1#frame=12', REF);
      assertExact(l, 'E1', REF_ID);
      assertExact(l, '#', LOC_SEP);
      assertExact(l, 'frame=12', LOC);
      assertExact(l, 'E2', REF);
      assertExact(l, 'E2', REF_ID);
      assert.deepEqual(spansWith(l, REF_ID), ['E1', 'E2']);
      assertExact(l, ']', 'punctuation.definition.sequence.end.yaml');
    });

    test('single-valued reference fields, from: D1/component, source: id or URL, block-sequence items', () => {
      assert.deepEqual(spansWith(line(lines, 'step: S3'), REF_ID), ['S3']);
      const from = line(lines, 'from: D1/modem');
      assertExact(from, 'D1/modem', REF);
      assertExact(from, 'D1', REF_ID);
      assertExact(from, '/', 'punctuation.separator.component.privacy-audit');
      assertExact(from, 'modem', 'string.unquoted.component.privacy-audit');
      assertExact(line(lines, '  source: E5'), 'E5', REF_ID);
      assertNone(line(lines, '  source: https://example.com/statement'), MARKS);
      const addr = line(lines, '  addresses: [FN3, F12]');
      assert.deepEqual(spansWith(addr, REF_ID), ['FN3', 'F12']);
      const item = line(lines, '    - E4#t=00:01:30');
      assertExact(item, 'E4#t=00:01:30', REF);
      assertExact(item, 'E4', REF_ID);
      assertExact(item, 't=00:01:30', LOC);
      assertExact(line(lines, '    - E6'), 'E6', REF_ID);
      assertExact(line(lines, '- id: V3'), 'V3', RECORD_ID);
      const single = line(lines, 'evidence: E9#page=3');
      assertExact(single, 'E9#page=3', REF);
      assertExact(single, 'E9', REF_ID);
      assertExact(single, '#', LOC_SEP);
      assertExact(single, 'page=3', LOC);
    });

    test('not references: other fields, comments, block scalars, quoted strings, the front matter', () => {
      assertNone(line(lines, 'data: [IMEI, E5]'), MARKS);
      assertNone(line(lines, 'to: api.example.com'), MARKS);
      assertNone(line(lines, 'observed: compare the screen - E1'), MARKS);
      assertNone(line(lines, '# see E1 in the notes'), MARKS);
      assertNone(line(lines, '  evidence: E7 is only text here'), MARKS);
      assertNone(line(lines, '  description: "not a citation [@E1]"'), MARKS);
      const fm = line(lines, 'id: FSEC-2014-RM1S');
      assertUntouched(fm);
      assertCovers(fm, 'id', YAML_KEY);
      assertUntouched(line(lines, 'title: Sample [@E1]'));
    });

    test('citations in paragraphs, with and without a locator', () => {
      const l = line(lines, 'See [@E1] and [@E2#frame=3].');
      assert.deepEqual(spansWith(l, CITATION), ['[@E1]', '[@E2#frame=3]']);
      assertExact(l, '[@E1]', CITATION);
      assertExact(l, '[@', CITATION_BEGIN);
      assertExact(l, 'E1', CITATION_ID);
      assertExact(l, ']', CITATION_END);
      assertExact(l, '[@E2#frame=3]', CITATION);
      assertExact(l, 'E2', CITATION_ID);
      assertExact(l, '#', LOC_SEP);
      assertExact(l, 'frame=3', LOC);
      assertExact(l, ']', CITATION_END, 1);
      assertCovers(l, 'E2', 'meta.paragraph.markdown');
    });

    test('no citation inside inline code, indented code, the front matter, or after a backslash escape', () => {
      const l = line(lines, 'Inline code is not a citation: `[@E9]`, but this is [@E3].');
      assertCovers(l, '[@E9]', 'markup.inline.raw.string.markdown');
      assert.deepEqual(spansWith(l, CITATION), ['[@E3]']);
      assertExact(l, 'E3', CITATION_ID);
      assertUntouched(line(lines, 'Escaped: \\[@E8] is not a citation.'));
      const code = line(lines, '    indented code [@E7]');
      assertCovers(code, 'indented code', 'markup.raw.block.markdown');
      assertUntouched(code);
    });

    test('citations in headings, list items, block quotes and table cells', () => {
      assertExact(line(lines, '# Report [@E1]'), 'E1', CITATION_ID);
      assertCovers(line(lines, '# Report [@E1]'), '[@E1]', 'markup.heading.markdown');
      const li = line(lines, '- a list item citing [@FN3]');
      assertExact(li, 'FN3', CITATION_ID);
      assertCovers(li, '[@FN3]', 'markup.list.unnumbered.markdown');
      const q = line(lines, '> a quote citing [@V2]');
      assertExact(q, 'V2', CITATION_ID);
      assertCovers(q, '[@V2]', 'markup.quote.markdown');
      const row = line(lines, '| F1 | [@E2#frame=112] |');
      assertExact(row, '[@E2#frame=112]', CITATION);
      assertExact(row, 'frame=112', LOC);
      assertCovers(row, '[@E2#frame=112]', 'markup.table.markdown');
      assertNone(row, [RECORD_ID, REF, REF_ID]);
    });

    test('the line after the closing fence is Markdown again', () => {
      const open = lineIndex(lines, '```flow');
      const close = lineIndex(lines, '```', open + 1);
      assertExact(lines[close]!, '```', FENCE);
      for (const t of lines[close]!.tokens) assert.ok(hasScope(t, RECORD_BLOCK) && !hasScope(t, YAML_BODY));
      const h = lines[close + 1]!;
      assert.equal(h.text, '# Heading after a record block');
      assertExact(h, '#', 'punctuation.definition.heading.markdown');
      assertCovers(h, 'Heading after a record block', 'markup.heading.markdown');
      assertUntouched(h, 'meta.embedded');
      assertUntouched(h, 'markup.fenced_code');
    });

    test('a ~~~ record block with attributes; a ``` line inside it does not close it', () => {
      const open = line(lines, '~~~evidence extra words');
      assertExact(open, '~~~', FENCE);
      assertExact(open, 'evidence', KIND);
      const start = lineIndex(lines, '~~~evidence extra words');
      assertExact(line(lines, '- id: E2', start), 'E2', RECORD_ID);
      assertCovers(line(lines, '  file: evidence/a.txt', start), 'file', YAML_KEY);
      assertExact(line(lines, '- id: E3', start), 'E3', RECORD_ID);
      const close = lineIndex(lines, '~~~', start + 1);
      assertExact(lines[close]!, '~~~', FENCE);
      assertUntouched(lines[close + 2]!); // ```mermaid
    });

    test('a ```mermaid block is untouched: no YAML, no ids, no references', () => {
      const start = lineIndex(lines, '```mermaid');
      const end = lineIndex(lines, '```', start + 1);
      for (let i = start; i <= end; i++) {
        assertUntouched(lines[i]!, 'meta.embedded');
        for (const t of lines[i]!.tokens) assert.ok(hasScope(t, FENCED), `${t.text}: ${t.scopes.join(' ')}`);
      }
      for (const t of line(lines, 'evidence: [E1]', start).tokens) assert.ok(!t.scopes.some((x) => x.endsWith('.yaml')), t.scopes.join(' '));
    });

    test('record blocks in a block quote', () => {
      const start = lineIndex(lines, '> ```retest');
      assertExact(lines[start]!, 'retest', KIND);
      assertExact(lines[start + 1]!, 'R1', RECORD_ID);
      assertExact(lines[start + 2]!, 'V2', REF_ID);
      assertCovers(lines[start + 2]!, 'V2', 'markup.quote.markdown');
      assertExact(lines[start + 3]!, '```', FENCE);
    });

    test('not record blocks: upper-case kind, other words, indented code', () => {
      for (const id of ['id: F9', '    id: F8', 'id: F7']) assertUntouched(line(lines, id), 'meta.embedded');
    });

    test('a closing fence needs the same character and at least the same length', () => {
      const start = lineIndex(lines, '````finding');
      assertExact(lines[start]!, '````', FENCE);
      assertExact(lines[start + 1]!, 'FN1', RECORD_ID);
      assertCovers(lines[start + 2]!, '```', RECORD_BLOCK); // too short: still inside
      assertExact(lines[start + 3]!, 'F1', REF_ID);
      assertExact(lines[start + 4]!, '`````', FENCE);
      const h = lines[start + 5]!;
      assert.equal(h.text, '### After a longer closing fence');
      assertCovers(h, 'After a longer closing fence', 'markup.heading.markdown');
      assertUntouched(h, 'meta.embedded');
    });

    test('an unterminated YAML quote cannot swallow the closing fence', () => {
      const h = line(lines, '## Still Markdown');
      assertCovers(h, 'Still Markdown', 'markup.heading.markdown');
      assertUntouched(h, 'meta.embedded');
    });

    test('the example report: kinds, ids, references and citations are where the linter finds them', () => {
      const text = readFileSync(path.join(REPO, 'examples/xiaomi-redmi-1s/redmi-1s.audit.md'), 'utf8');
      const report = parseReport(text);
      const ls = tokenize(report.text);
      const where = (scope: string) =>
        ls.flatMap((l, i) => {
          const out: string[] = [];
          let last = -1;
          for (const t of l.tokens) {
            if (!hasScope(t, scope)) continue;
            if (t.start === last) out[out.length - 1] += t.text;
            else out.push(`${i}:${t.start}:${t.text}`);
            last = t.end;
          }
          return out;
        });
      const at = (start: number, end: number) => {
        const p = report.lines.positionAt(start);
        return `${p.line}:${p.character}:${report.text.slice(start, end)}`;
      };
      assert.ok(report.blocks.length > 5);
      assert.deepEqual(
        where(KIND),
        report.blocks.map((b) => {
          const line = report.text.split('\n')[b.openLine]!;
          return `${b.openLine}:${line.indexOf(b.kind)}:${b.kind}`;
        }),
      );
      const ids = report.records.filter((r) => !r.implicitId).map((r) => at(r.idSpan!.start, r.idSpan!.end));
      assert.ok(ids.length > 20);
      assert.deepEqual(where(RECORD_ID), ids);
      const byPos = (a: string, b: string) => {
        const [la, ca] = a.split(':').map(Number) as [number, number];
        const [lb, cb] = b.split(':').map(Number) as [number, number];
        return la - lb || ca - cb;
      };
      const refs = report.references.map((r) => at(r.idSpan.start, r.idSpan.end)).sort(byPos);
      assert.ok(refs.length > 40);
      assert.deepEqual(where(REF_ID), refs);
      const cites = report.citations.map((r) => at(r.idSpan.start, r.idSpan.end)).sort(byPos);
      assert.ok(cites.length > 10);
      assert.deepEqual(where(CITATION_ID), cites);
    });
  });
}
