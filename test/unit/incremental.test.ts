/**
 * The incremental re-parse (an edit inside one record block) must give the
 * same model as a full parse of the edited text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Report, YNode } from '../../src/core/report/model';
import { parseReport, reparseEdit } from '../../src/core/report/parse';
import { carryDiagnostics, Linter } from '../../src/core/lint/linter';

const EXAMPLE = readFileSync(path.resolve(__dirname, '../../examples/xiaomi-redmi-1s/redmi-1s.audit.md'), 'utf8');
const BROKEN = readFileSync(path.resolve(__dirname, '../../examples/broken/records.audit.md'), 'utf8');

function node(n: YNode | null): unknown {
  if (!n) return null;
  if (n.type === 'scalar') return [n.span.start, n.span.end, n.value, n.quoted];
  if (n.type === 'seq') return [n.span.start, n.span.end, n.flow, n.items.map(node)];
  return [n.span.start, n.span.end, n.flow, n.entries.map((e) => [e.key, e.keySpan.start, e.keySpan.end, e.span.start, e.span.end, node(e.value)])];
}

/** Everything a rule or an editor feature can see, as plain data. */
function project(r: Report): unknown {
  return {
    lines: r.lines.lineStarts,
    blocks: r.blocks.map((b) => [b.kind, b.span, b.contentSpan, b.openLine, b.closeLine, b.shape, b.records.length]),
    records: r.records.map((x) => [x.kind, x.id, x.idSpan, x.implicitId, x.index, x.span, node(x.map), [...x.fields.keys()], r.blocks.indexOf(x.block)]),
    byId: [...r.byId.entries()].map(([k, v]) => [k, r.records.indexOf(v)]),
    references: r.references.map((x) => [x.id, x.locator, x.span, x.idSpan, x.field, x.from && r.records.indexOf(x.from)]),
    citations: r.citations.map((x) => [x.id, x.locator, x.span, x.idSpan]),
    headings: r.headings,
    // their order is not part of the model (the linter sorts diagnostics)
    problems: [...r.problems].sort((a, b) => a.span.start - b.span.start || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message)),
  };
}

const FRAGMENTS = ['x', ' ', '\n', '\n  ', 'E1', ', E2', '[', ']', ':', '- id: F9\n  to: y', '#', '"', '\n```', '\n~~~', 'évidence', '📱', '\t', '\r\n'];

function edits(text: string) {
  const r = parseReport(text);
  const spans = r.blocks.map((b) => b.contentSpan).filter((s) => s.end > s.start);
  return fc
    .record({
      block: fc.integer({ min: 0, max: spans.length - 1 }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      del: fc.integer({ min: 0, max: 12 }),
      ins: fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 4 }).map((a) => a.join('')),
    })
    .map(({ block, at, del, ins }) => {
      const s = spans[block]!;
      const start = s.start + Math.floor(at * (s.end - s.start));
      const end = Math.min(s.end, start + del);
      return text.slice(0, start) + ins + text.slice(end);
    });
}

/** Prose that tempts a line-local shortcut: setext headings over several lines, lists, an indented fence in a list, definitions, code. */
const TRICKY = [
  '---', 'audit-format: 1', 'id: T-1', 'title: Tricky', 'status: draft', 'date: 2020-01-01', 'auditors: [A]', '---', '',
  'Intro words with a citation [@E1] and more words.', 'A second line of the same paragraph.', '',
  'A heading made of', 'two lines of text', '===', '',
  'Text before a rule', '', '---', '',
  '1 item-ish line', '2 another', '',
  'word', '```flow', '- id: F1', '  from: D1', '  to: a.example', '  data: [IMEI]', '  evidence: [E1]', '```', '',
  'x item', '', '```device', 'id: D1', '```', '', '> quoted *words* with [@E1]', '> and more', '',
  '| a | b |', '|---|---|', '| [@E1] | x |', '',
  '[label]: https://example.com/x', '', 'Inline `code [@E1] here` and *stars* words.', '',
  '```evidence', '- id: E1', '  file: a.log', '```', '', 'Last words [@E1].', '',
].join('\n');

const PROSE_FRAGMENTS = ['x', 'word ', ' ', 'é', '-', '.', '1.', '- ', '#', '`', '```', '[@E1]', '[', ']:', '@', '=', '===', '\n', '\n\n', '*', ':', '(', ')', '"', '|', '<', '>', "'"];

/** Edits at random places outside the front matter and the record blocks. */
function proseEdits(text: string) {
  const r = parseReport(text);
  const start = r.frontMatter ? r.frontMatter.span.end + 1 : 0;
  const free: number[] = [];
  for (let i = start; i < text.length; i++) if (!r.blocks.some((b) => b.span.start <= i && i <= b.span.end)) free.push(i);
  return fc
    .record({
      at: fc.integer({ min: 0, max: free.length - 1 }),
      // mostly keystrokes; sometimes a stretch deleted (a selection, a cut paragraph)
      del: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 7, max: 400 }) }),
      ins: fc.array(fc.constantFrom(...PROSE_FRAGMENTS), { maxLength: 3 }).map((a) => a.join('')),
    })
    .map(({ at, del, ins }) => {
      const p = free[at]!;
      return text.slice(0, p) + ins + text.slice(Math.min(text.length, p + del));
    });
}

/** Each edit of `text` re-parsed incrementally equals a full parse; more than `min` of `runs` took the fast path. */
function sameAsFullParse(text: string, edited: fc.Arbitrary<string>, runs: number, min: number): void {
  let incremental = 0;
  fc.assert(
    fc.property(edited, (e) => {
      const fast = reparseEdit(parseReport(text), e);
      if (fast) incremental++;
      assert.deepEqual(project(fast ?? parseReport(e)), project(parseReport(e)));
    }),
    { numRuns: runs },
  );
  assert.ok(incremental > min, `only ${incremental} of ${runs} edits were incremental`);
}

describe('incremental re-parse', () => {
  for (const [name, text] of [['example', EXAMPLE], ['broken records', BROKEN]] as const) {
    // most edits must take the fast path, or this test proves nothing
    test(`edits inside a block of the ${name} report give the same model as a full parse`, () => sameAsFullParse(text, edits(text), 300, 150));
  }

  test('edits in a block: an unclosed block after it stays unclosed; a missing front matter stays reported', () => {
    for (const [before, after] of [
      ['---\na: 1\n---\n```flow\nid: F1\nto: x\n```\n\n```device\nid: D1\n', '---\na: 1\n---\n```flow\nid: F1\nfrom: D1\nto: x\n```\n\n```device\nid: D1\n'],
      ['```device\nid: D1\n```\n', '```device\nid: D2\n```\n'],
    ]) {
      const fast = reparseEdit(parseReport(before!), after!);
      assert.ok(fast, 'incremental');
      assert.deepEqual(project(fast), project(parseReport(after!)), JSON.stringify(after));
    }
  });

  test('an edit that adds a fence line falls back to a full parse', () => {
    const prev = parseReport(EXAMPLE);
    const b = prev.blocks[2]!;
    const edited = EXAMPLE.slice(0, b.contentSpan.start) + '```\n' + EXAMPLE.slice(b.contentSpan.start);
    assert.equal(reparseEdit(prev, edited), undefined);
  });

  test('edits on a heading line: the headings are read again', () => {
    const prev = parseReport(EXAMPLE);
    const at = EXAMPLE.indexOf('## Summary');
    for (const edited of [EXAMPLE.slice(0, at) + 'x' + EXAMPLE.slice(at), EXAMPLE.slice(0, at + 5) + 'x' + EXAMPLE.slice(at + 5), EXAMPLE.slice(0, at) + EXAMPLE.slice(at + 3)]) {
      const fast = reparseEdit(prev, edited);
      assert.ok(fast, 'incremental');
      assert.deepEqual(project(fast), project(parseReport(edited)));
    }
  });

  for (const [name, text] of [['example', EXAMPLE], ['broken records', BROKEN], ['tricky prose', TRICKY], ['example with CRLF line ends', EXAMPLE.replace(/\n/g, '\r\n')]] as const) {
    // most prose edits keep the record fences, so most take the fast path
    test(`edits in the prose of the ${name} report give the same model as a full parse`, () => sameAsFullParse(text, proseEdits(text), 400, 200));
  }

  test('prose edits that change headings, citations, definitions, tables or lists give the full parse\'s model', () => {
    const fm = '---\naudit-format: 1\nid: T-1\ntitle: T\nstatus: draft\ndate: 2020-01-01\nauditors: [A]\n---\n\n';
    const dev = '\n\n```device\nid: D1\nmodel: X\n```\n';
    // [text before, text after]: one small edit each
    const cases: [string, string][] = [
      ['#abc', '# abc'],
      ['#a b', '# b'],
      ['> #a', '> # a'],
      ['see [x@E1] here', 'see [@E1] here'],
      ['see [@E 1] here', 'see [@E1] here'],
      ['see [@] here', 'see [@E] here'],
      ['[a](/b "[@E1]")', '[a](/b "[@E1]"x)'],
      ['[a](/b "[@E1]"x)', '[a](/b "[@E1]")'],
      ['<http://x[@E1]>', '<http://x [@E1]>'],
      ['[foo]: /url\n"title [@E1]"', '[foo]: /url\n"title [@E1]"x'],
      ['[foo]: /url\n"[@E1]" x', '[foo]: /url\n"[@E1]"'],
      ['[@E1]:\n/url', '[@E1]:\n/u rl'],
      ['> [@E1]: /url', '> [@E1]: /u rl'],
      ['a | b |\n--- | ---\nx [@E1#a|b] y', 'a | b | x\n--- | ---\nx [@E1#a|b] y'],
      ['> *a\n>   ```device\n> id: D2\n>   ```', '> * a\n>   ```device\n> id: D2\n>   ```'],
      ['> 1 a\n>    ```device\n> id: D2\n>    ```', '> 1. a\n>    ```device\n> id: D2\n>    ```'],
      ['1 a\n\n   ```device\n   id: D2\n   ```', '1. a\n\n   ```device\n   id: D2\n   ```'],
      ['a `[x@E1]` and [@E1]', 'a `[@E1]` and [@E1]'],
      ['Some words\nmore words\n===', 'Some words\nmore wordsx\n==='],
      ['Text\nline two\n---', 'Text\nline 2\n---'],
    ];
    for (const [a, b] of cases) {
      const before = fm + 'Intro line.\n\n' + a + dev;
      const after = fm + 'Intro line.\n\n' + b + dev;
      const prev = parseReport(before);
      const fast = reparseEdit(prev, after);
      assert.deepEqual(project(fast ?? parseReport(after)), project(parseReport(after)), `${JSON.stringify(a)} → ${JSON.stringify(b)}`);
    }
  });

  test('a prose edit between two record blocks re-scans only that part, and reads its citations with the definitions elsewhere', () => {
    const fm = '---\naudit-format: 1\nid: T-1\ntitle: T\nstatus: draft\ndate: 2020-01-01\nauditors: [A]\n---\n\n';
    const blocks = '```device\nid: D1\n```\n\nSee [@E1][lbl] and [@E1] here.\n\n```evidence\n- id: E1\n  file: a.log\n```\n\n[lbl]: /url\n';
    const before = fm + blocks;
    const after = before.replace('and [@E1] here', 'and [@E1] there');
    const fast = reparseEdit(parseReport(before), after);
    assert.ok(fast, 'incremental');
    assert.deepEqual(project(fast), project(parseReport(after)));
    // `[@E1][lbl]` is a link to the definition, not a citation: one citation only, in both
    assert.equal(fast.citations.length, parseReport(after).citations.length);
    // an edit that makes a definition in the region takes the full parse
    assert.equal(reparseEdit(parseReport(before), before.replace('and [@E1] here.', 'and [@E1] here.\n\n[x]: /y')), undefined);
  });

  test('deleting prose that holds a citation or a heading: at the end of the text, and a long stretch before a short block', () => {
    const end = EXAMPLE.length - (EXAMPLE.endsWith('\n') ? 1 : 0);
    const added = EXAMPLE.slice(0, end) + '\n\n## Also\n\nSee also [@E999] and [@E1].\n' + EXAMPLE.slice(end);
    const withIt = reparseEdit(parseReport(EXAMPLE), added) ?? parseReport(added);
    const back = reparseEdit(withIt, EXAMPLE);
    assert.ok(back, 'incremental');
    assert.deepEqual(project(back), project(parseReport(EXAMPLE)));
    // a deletion longer than the block after it
    const fm = '---\naudit-format: 1\nid: T-1\ntitle: T\nstatus: draft\ndate: 2020-01-01\nauditors: [A]\n---\n\n';
    const long = `${'Words words words. '.repeat(20)}[@E1]\n\n# Heading\n\n${'More words. '.repeat(20)}`;
    const before = `${fm}Intro.\n\n${long}\n\n\`\`\`device\nid: D1\n\`\`\`\n\nEnd [@D1].\n`;
    const after = before.replace(long, 'Short.');
    const fast = reparseEdit(parseReport(before), after);
    assert.ok(fast, 'incremental');
    assert.deepEqual(project(fast), project(parseReport(after)));
  });

  test('typing words in a paragraph takes the fast path; the records after it move', () => {
    const prev = parseReport(EXAMPLE);
    const at = EXAMPLE.indexOf('\n', EXAMPLE.indexOf('## Summary') + 12) + 8;
    const edited = EXAMPLE.slice(0, at) + 'quite ' + EXAMPLE.slice(at);
    const fast = reparseEdit(prev, edited);
    assert.ok(fast, 'incremental');
    assert.deepEqual(project(fast), project(parseReport(edited)));
    const same = reparseEdit(prev, EXAMPLE.slice(0, at) + 'Q' + EXAMPLE.slice(at + 1));
    assert.ok(same && same.records === prev.records, 'a same-length edit keeps every record');
  });

  test('a Linter re-linting edits reports the same diagnostics as a fresh one', async () => {
    const linter = new Linter();
    let text = BROKEN;
    await linter.lint(text);
    for (const [from, to] of [['encryption: ssl', 'encryption: tls'], ['severity: severe', 'severity: high'], ['data: [IMEI, phone number]', 'data: [IMEI]'], ['Citations keep', 'Citations still keep'], ['still keep', 'STILL keep']] as const) {
      text = text.replace(from, to);
      const a = await linter.lint(text);
      const b = await new Linter().lint(text);
      assert.deepEqual(a.diagnostics.map((d) => [d.rule, d.range, d.message]), b.diagnostics.map((d) => [d.rule, d.range, d.message]));
    }
  });
});

describe('carryDiagnostics', () => {
  test('keeps the problems an edit did not touch, moved to their new place, and drops the touched ones', async () => {
    const before = await new Linter().lint(BROKEN);
    const at = BROKEN.indexOf('encryption: ssl');
    const edited = BROKEN.slice(0, at) + 'encryption: tls\n  notes: an added line' + BROKEN.slice(at + 'encryption: ssl'.length);
    const after = parseReport(edited);
    const carried = carryDiagnostics(before.report, after, before.diagnostics);
    const fresh = (await new Linter().lint(edited)).diagnostics;
    // the touched problem (PA003 on `ssl`) is gone; every carried one is exactly where a fresh lint puts it
    assert.ok(!carried.some((d) => d.message.includes('`ssl`')));
    assert.ok(carried.length >= before.diagnostics.length - 3, `${carried.length} of ${before.diagnostics.length} kept`);
    const key = (d: { rule: string; range: { start: { line: number; character: number } }; message: string }) => `${d.rule}@${d.range.start.line}:${d.range.start.character} ${d.message}`;
    const freshKeys = new Set(fresh.map(key));
    const moved = carried.filter((d) => d.rule !== 'PA041').map(key);
    assert.deepEqual(moved.filter((k) => !freshKeys.has(k)), []);
  });
});
