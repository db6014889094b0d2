/** Parser tests: the model and its exact source ranges (0-based lines, UTF-16 columns). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Report } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import type { Span } from '../../src/core/report/types';

const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';

/** The text a span covers. */
const at = (r: Report, s: Span | undefined) => (s ? r.text.slice(s.start, s.end) : undefined);
/** 0-based [line, column] of a span's start. */
const pos = (r: Report, s: Span) => {
  const p = r.lines.positionAt(s.start);
  return [p.line, p.character];
};

describe('parseReport', () => {
  test('mapping block: record, fields, values and references keep their ranges', () => {
    const text = `${FM}\n\`\`\`flow\nid: F1\nto: api.example.com\ndata: [IMEI, phone number]\nevidence: [E1#frame=312, E2]\nstep: S1\n\`\`\`\n`;
    const r = parseReport(text);
    assert.equal(r.problems.length, 0);
    assert.equal(r.blocks.length, 1);
    assert.equal(r.blocks[0]!.shape, 'mapping');
    const f = r.records[0]!;
    assert.equal(f.kind, 'flow');
    assert.equal(f.id, 'F1');
    assert.deepEqual(pos(r, f.idSpan!), [10, 4]);
    const to = f.fields.get('to')!;
    assert.equal(at(r, to.keySpan), 'to');
    assert.equal(at(r, to.value!.span), 'api.example.com');
    assert.deepEqual(pos(r, to.value!.span), [11, 4]);
    const refs = r.references.filter((x) => x.from === f);
    assert.deepEqual(
      refs.map((x) => [x.field, x.id, x.locator, at(r, x.idSpan), at(r, x.span)]),
      [
        ['step', 'S1', undefined, 'S1', 'S1'],
        ['evidence', 'E1', 'frame=312', 'E1', 'E1#frame=312'],
        ['evidence', 'E2', undefined, 'E2', 'E2'],
      ],
    );
    assert.deepEqual(pos(r, refs.find((x) => x.id === 'E1')!.idSpan), [13, 11]);
  });

  test('sequence block: several records with their own ranges', () => {
    const text = `${FM}\`\`\`evidence\n- id: E1\n  url: https://example.org/a\n- id: E2\n  file: "evidence/a b.log"\n\`\`\`\n`;
    const r = parseReport(text);
    assert.equal(r.blocks[0]!.shape, 'sequence');
    assert.deepEqual(r.records.map((x) => x.id), ['E1', 'E2']);
    assert.deepEqual(pos(r, r.records[1]!.idSpan!), [11, 6]);
    const file = r.records[1]!.fields.get('file')!;
    assert.equal(at(r, file.value!.span), '"evidence/a b.log"');
    assert.equal(file.value!.type === 'scalar' && file.value!.value, 'evidence/a b.log');
  });

  test('prose citations: ranges, locators, several per line, not in code spans', () => {
    const text = `${FM}\nSee [@E1] and [@E2#frame=3], again [@E1].\n\n> quoted [@S1]\n\n\`[@E9]\` is code.\n`;
    const r = parseReport(text);
    assert.deepEqual(
      r.citations.map((c) => [c.id, c.locator ?? null, at(r, c.span), ...pos(r, c.span)]),
      [
        ['E1', null, '[@E1]', 9, 4],
        ['E2', 'frame=3', '[@E2#frame=3]', 9, 14],
        ['E1', null, '[@E1]', 9, 35],
        ['S1', null, '[@S1]', 11, 9],
      ],
    );
  });

  test('CRLF and a BOM give the same lines and columns as LF', () => {
    const lf = `${FM}\nCites [@E1].\n\n\`\`\`flow\n- id: F1\n  evidence: [E1]\n- id: F2\n  to: x\n\`\`\`\n`;
    const crlf = '\uFEFF' + lf.replace(/\n/g, '\r\n');
    const a = parseReport(lf);
    const b = parseReport(crlf);
    assert.equal(b.hadBom, true);
    const shape = (r: Report) => [
      ...r.records.map((x) => ['rec', x.id, ...pos(r, x.idSpan!)]),
      ...r.references.map((x) => ['ref', x.id, ...pos(r, x.idSpan)]),
      ...r.citations.map((x) => ['cite', x.id, ...pos(r, x.span)]),
    ];
    assert.deepEqual(shape(b), shape(a));
    // spans cover exactly the id text in the CRLF file too
    assert.deepEqual(b.records.map((x) => at(b, x.idSpan)), ['F1', 'F2']);
    assert.equal(b.problems.length, 0);
  });

  test('a fence inside a list item maps columns past the indentation', () => {
    const text = `${FM}\n- item\n\n  \`\`\`flow\n  id: F7\n  to: x\n  \`\`\`\n`;
    const r = parseReport(text);
    assert.equal(r.records[0]?.id, 'F7');
    assert.deepEqual(pos(r, r.records[0]!.idSpan!), [12, 6]);
    assert.equal(at(r, r.records[0]!.idSpan), 'F7');
  });

  test('UTF-16 columns: astral characters count as two', () => {
    const text = `${FM}\n\`\`\`flow\nid: F1\nnotes: "📱" \nto: x\nevidence: [E1]\n\`\`\`\n\n📱📱 [@E1]\n`;
    const r = parseReport(text);
    assert.deepEqual(pos(r, r.citations[0]!.span), [16, 5]);
  });

  test('a single device without id is D1; other kinds are not given ids', () => {
    const r = parseReport(`${FM}\`\`\`device\nmodel: X\n\`\`\`\n\`\`\`step\naction: a\n\`\`\`\n`);
    assert.equal(r.records[0]!.id, 'D1');
    assert.equal(r.records[0]!.implicitId, true);
    assert.equal(r.records[1]!.id, undefined);
    assert.equal(r.byId.get('D1'), r.records[0]);
  });

  test('other fenced blocks are left alone; the info string may carry more words', () => {
    const r = parseReport(`${FM}\`\`\`mermaid\nflow: x\n\`\`\`\n\`\`\`flow title="x"\nid: F1\n\`\`\`\n`);
    assert.deepEqual(r.blocks.map((b) => b.kind), ['flow']);
  });

  test('front matter fields and ranges; headings', () => {
    const r = parseReport(`${FM}# Title\n\n## Flows\n`);
    assert.equal(r.frontMatter?.closed, true);
    assert.equal(at(r, r.frontMatter!.fields.get('status')!.value!.span), 'draft');
    assert.deepEqual(r.headings.map((h) => [h.level, h.text, h.line]), [[1, 'Title', 8], [2, 'Flows', 10]]);
  });

  test('problems instead of exceptions: missing and unclosed front matter, broken YAML', () => {
    assert.deepEqual(parseReport('').problems.map((p) => p.rule), ['PA001']);
    assert.deepEqual(parseReport('---\nid: x\n').problems.map((p) => p.rule), ['PA001']);
    const broken = parseReport(`${FM}\`\`\`flow\nid: [F1\n\`\`\`\n`);
    assert.ok(broken.problems.some((p) => p.rule === 'PA002'));
    assert.equal(broken.records.length, 0);
    assert.deepEqual(parseReport('\u0000\u0001').problems.map((p) => p.rule), ['PA000']);
  });
});
