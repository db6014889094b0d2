/**
 * Duplicate keys: `parseYaml` finds them with one Set per map instead of the
 * `yaml` package's `uniqueKeys` check, which compares each key with every
 * earlier key of its map (a 0.9 MB block of 150,000 keys linted for six
 * minutes). These tests hold the new check to the package's: the same
 * problems, at the same places, in the order the linter shows them. Speed is
 * measured by `bench/fuzz-hostile.ts --keys`, not here. Also: lists that
 * large within the limits no longer overflow the stack (`push(...list)`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isNode, isPair, parseDocument, visit } from 'yaml';
import { lintText } from '../../src/core/lint/linter';
import { parseReport, reparseEdit } from '../../src/core/report/parse';
import { parseYaml } from '../../src/core/report/yaml';

const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';
const DUP = 'Map keys must be unique';

interface Problem {
  message: string;
  start: number;
  end: number;
}

/** The problems as the `yaml` package's own check finds them (what `parseYaml` returned before). */
function reference(text: string): Problem[] {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, strict: true });
  return doc.errors.map((e) => ({ message: e.message.replace(/\s+at line \d+, column \d+.*$/s, '').trim(), start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]) }));
}

/** In the order the linter shows them: by start, ties as listed (a stable sort). */
const shown = (ps: readonly Problem[]) => [...ps].sort((a, b) => a.start - b.start).map((p) => `${p.start}-${p.end} ${p.message}`);

function assertSameAsPackage(text: string): Problem[] {
  const mine = parseYaml(text).problems;
  assert.deepEqual(shown(mine), shown(reference(text)), JSON.stringify(text));
  return mine;
}

describe('duplicate keys: the same problems as the yaml package found', () => {
  const cases: [string, string, number[]][] = [
    ['block map', 'a: 1\nb: 2\na: 3\n', [10]],
    ['three times', 'a: 1\na: 2\na: 3\n', [5, 10]],
    ['nested block map', 'x:\n  a: 1\n  # comment\n\n  a: 2\ny: 1\n', [25]],
    ['flow map', '{a: 1, b: 2, a: 3}', [13]],
    ['flow map in a block map', 'data: {a: 1, a: 2}\nother: [x, {b: 1, b: 2}]\n', [13, 37]],
    ['in each map of a sequence', '- id: F1\n  id: F2\n- {id: F3, id: F4}\n', [11, 29]],
    // a flow map checks a key once its value is read: the inner repeat is reported first
    ['both levels, flow value after the repeated key', '{a: 1, a: {b: 1, b: 2}}', [17, 7]],
    ['both levels, block value after the repeated key', 'a: 1\na:\n  b: 1\n  b: 2\n', [5, 17]],
    ['anchor and tag before the key', '&x a: 1\n!!str a: 2\n', [14]],
    ['explicit keys', '? a\n: 1\n? a\n: 2\n', [10]],
    ['empty keys', ': 1\n: 2\n', [4]],
    ['equal values written differently', '1: a\n1.0: b\n0x1: c\ntrue: d\nTrue: e\n~: f\nnull: g\n', [5, 12, 27, 40]],
    // the package reports at the end of what precedes the key: here the blank value's line end
    ['after an empty value', 'x:\n  b: \n  b: 1\n', [8]],
  ];
  for (const [name, text, starts] of cases) {
    test(name, () => {
      const ps = assertSameAsPackage(text);
      assert.deepEqual(
        ps.filter((p) => p.message === DUP).map((p) => p.start),
        starts,
      );
    });
  }

  test('not duplicates: a string and a number, NaN, aliases, collections as keys', () => {
    for (const text of ['1: a\n"1": b\n', '.nan: a\n.nan: b\n', '&a a: 1\n*a : 2\n', '? [a]\n: 1\n? [a]\n: 2\n', '[a: 1, a: 2]\n']) {
      const ps = assertSameAsPackage(text);
      assert.equal(ps.filter((p) => p.message === DUP).length, 0, text);
    }
  });

  test('together with other errors at the same place, in the same order', () => {
    for (const text of ['a: 1\na\n', 'x: 1\n{x: 1}\n', '}{: ? ', 'a: 1\na: "unclosed\n', ': 1\n: 2 ]\n', '? a\n? a\n']) assertSameAsPackage(text);
  });

  /** YAML made of fragments: keys repeat often, and so does broken syntax. */
  const soup = fc.array(
    fc.constantFrom('a', 'b', '1', '1.0', '"a"', "'a'", ': ', ':', ', ', '{', '}', '[', ']', '\n', '\n', '\n', '  ', ' ', '- ', '? ', '#c', ' #c', '&x ', '*x', '!!str ', '\t', '~', 'null', 'true', '.nan', '|\n', '>\n', '---\n', '...\n', '"', "'", '%', '@', 'a: ', 'b: ', '\n  a: ', '\n  b: ', '{a: 1, a: 2}', '\na: '),
    { maxLength: 30 },
  );

  /** Well-formed block and flow maps whose keys come from a small set. */
  const KEYS = ['a', 'b', '"a"', "'b'", '1', '01', '1.0', 'true', 'True', '~', 'null', '&k a', '!!str b', '? a\n'];
  const maps = fc.letrec<{ block: string; flow: string }>((tie) => ({
    flow: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('1', 'x', '""', '[]'),
      fc.array(fc.tuple(fc.constantFrom(...KEYS.filter((k) => !k.includes('\n'))), tie('flow')), { maxLength: 5 }).map((ps) => `{${ps.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    ),
    block: fc
      .array(fc.tuple(fc.constantFrom(...KEYS), fc.oneof(tie('flow'), tie('block').map((b) => `\n${b.replace(/^/gm, '  ')}`))), { minLength: 1, maxLength: 6 })
      .map((ps) => ps.map(([k, v]) => (k.endsWith('\n') ? `${k}: ${v.trimStart()}` : `${k}: ${v}`)).join('\n')),
  })).block;

  test('property: random fragments', () => {
    let dups = 0;
    fc.assert(
      fc.property(soup, (parts) => {
        const ps = assertSameAsPackage(parts.join(''));
        if (ps.some((p) => p.message === DUP)) dups++;
      }),
      { numRuns: 4000, seed: 8005 },
    );
    assert.ok(dups > 100, `only ${dups} inputs had a repeated key`);
  });

  test('property: nested block and flow maps', () => {
    let dups = 0;
    fc.assert(
      fc.property(maps, (text) => {
        const ps = assertSameAsPackage(text);
        if (ps.some((p) => p.message === DUP)) dups++;
      }),
      { numRuns: 1500, seed: 8005 },
    );
    assert.ok(dups > 300, `only ${dups} inputs had a repeated key`);
  });

  test('errors are made without stacks, and the stack limit is put back', () => {
    const before = Error.stackTraceLimit;
    const { doc, problems } = parseYaml('a: 1\na: 2\n"unclosed\n');
    assert.ok(problems.length >= 2);
    assert.equal(Error.stackTraceLimit, before);
    assert.ok(doc?.errors.every((e) => !e.stack?.includes('\n    at ')));
  });

  test('the source tokens used to place the errors are not kept', () => {
    const { doc } = parseYaml('a: {b: [1, {c: 2}]}\na: 1\n? x\n: y\n');
    assert.ok(doc);
    let nodes = 0;
    visit(doc, (_key, node) => {
      if (isNode(node) || isPair(node)) {
        nodes++;
        assert.equal('srcToken' in node && node.srcToken !== undefined, false);
      }
    });
    assert.ok(nodes > 8);
  });
});

/** The repeated keys a report's parse finds, as 1-based [line, column]. */
function duplicatesOf(text: string): [number, number][] {
  const report = parseReport(text);
  return report.problems.filter((p) => p.rule === 'PA002' && p.message === DUP).map((p) => {
    const at = report.lines.positionAt(p.span.start);
    return [at.line + 1, at.character + 1];
  });
}

describe('duplicate keys in a report', () => {
  test('PA002 at the repeated key, in a block map, a nested map and a flow map', async () => {
    const text = `${FM}\n\`\`\`flow\nid: F1\nto: a.example\nto: b.example\nidentifiers:\n  imei: 1\n  imei: 2\ndata: {x: 1, y: 2, x: 3}\n\`\`\`\n`;
    assert.deepEqual(duplicatesOf(text), [
      [13, 1],
      [16, 3],
      [17, 20],
    ]);
    // the linter shows the block once, at the first of them, in words
    const { diagnostics } = await lintText(text);
    assert.deepEqual(
      diagnostics.filter((d) => d.rule === 'PA002').map((d) => [d.severity, d.range.start.line + 1, d.range.start.character + 1]),
      [['error', 13, 1]],
    );
    assert.match(diagnostics[0]!.message, /The field `to` appears twice in one record.*\(2 more YAML problems in this block/);
  });

  test('a block of records in a list, CRLF line ends', () => {
    const text = `${FM}\n\`\`\`evidence\n- id: E1\n  file: a.txt\n  file: b.txt\n- {id: E2, kind: log, kind: pcap}\n\`\`\`\n`.replace(/\n/g, '\r\n');
    assert.deepEqual(duplicatesOf(text), [
      [13, 3],
      [14, 23],
    ]);
  });
});

describe('large lists within the limits', () => {
  test('a block of 200,000 records (1 MB) parses', () => {
    const r = parseReport(`${FM}\n\`\`\`evidence\n${'- {}\n'.repeat(200_000)}\`\`\`\n`);
    assert.equal(r.records.length, 200_000);
    assert.equal(r.problems.length, 0);
  });

  test('a record with 200,000 references keeps them through a prose edit and a block edit', () => {
    const text = `${FM}\n\`\`\`flow\nid: F1\nevidence: [${'E1, '.repeat(199_999)}E1]\n\`\`\`\n\nProse.\n`;
    const prev = parseReport(text);
    assert.equal(prev.references.length, 200_000);
    assert.equal(reparseEdit(prev, text.replace('Prose.', 'Prose!!'))?.references.length, 200_000);
    assert.equal(reparseEdit(prev, text.replace('id: F1', 'id: F2'))?.references.length, 200_000);
  });
});
