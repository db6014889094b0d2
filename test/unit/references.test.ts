/**
 * One parser of references (src/core/report/refs.ts): a flow's `from:` and a
 * reference list item read the same way by the report parser (references,
 * PA005, rename), the rendered report and the data-flow diagram.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Linter } from '../../src/core/lint/linter';
import { parseFrom, parseRefText, parseSource } from '../../src/core/report/refs';
import { dataFlowDiagram } from '../../src/core/present/diagram';
import { renderReport } from '../../src/core/present/render/html';
import { rename } from '../../src/core/features/service';
import { applyEdits } from '../support/edits';
import { frontMatter } from '../support/reports';

const ROOT = path.resolve(__dirname, '..', '..');

const TEXT = `${frontMatter('References')}# Report

\`\`\`device
- id: D1
  vendor: X
  model: One
- id: D2
  vendor: Y
  model: Two
\`\`\`

\`\`\`flow
- id: F1
  from: D3 / modem
  to: a.example.com
- id: F2
  from: D1/modem
  to: b.example.com
- id: F3
  from: D1 /  modem
  to: c.example.com
- id: F4
  from: D2
  to: d.example.com
- id: F5
  from: phone app
  to: e.example.com
\`\`\`
`;

async function lint(text = TEXT) {
  return new Linter().lint(text, { filePath: path.join(ROOT, 'test', 'fixtures', 'references.audit.md'), root: ROOT });
}

/** The flows' `from:` as the parser sees them: flow id → [device id, locator] or undefined for free text. */
function parsedFrom(result: Awaited<ReturnType<typeof lint>>): Map<string, [string, string | undefined] | undefined> {
  const out = new Map<string, [string, string | undefined] | undefined>();
  for (const r of result.report.records) if (r.kind === 'flow') out.set(r.id!, undefined);
  for (const ref of result.report.references) if (ref.field === 'from') out.set(ref.from!.id!, [ref.id, ref.locator]);
  return out;
}

describe('parseFrom and parseRefText', () => {
  test('a device, a component (spaces around the slash allowed), free text', () => {
    assert.deepEqual(parseFrom('D1'), { kind: 'device', device: 'D1', component: undefined });
    assert.deepEqual(parseFrom('D1/modem'), { kind: 'component', device: 'D1', component: 'modem' });
    assert.deepEqual(parseFrom('D3 / modem'), { kind: 'component', device: 'D3', component: 'modem' });
    assert.deepEqual(parseFrom('D12 /baseband chip'), { kind: 'component', device: 'D12', component: 'baseband chip' });
    assert.deepEqual(parseFrom('D1/'), { kind: 'device', device: 'D1', component: undefined });
    assert.deepEqual(parseFrom('phone app'), { kind: 'text', text: 'phone app' });
    assert.deepEqual(parseFrom('D1 modem'), { kind: 'text', text: 'D1 modem' });
    assert.deepEqual(parseFrom('E1'), { kind: 'text', text: 'E1' });
  });
  test('a reference list item: an id and an optional locator', () => {
    assert.deepEqual(parseRefText('E2#frame=1'), { id: 'E2', locator: 'frame=1' });
    assert.deepEqual(parseRefText('E2#'), { id: 'E2', locator: undefined });
    assert.deepEqual(parseRefText('E2'), { id: 'E2', locator: undefined });
    assert.equal(parseRefText('https://example.com'), undefined);
    assert.equal(parseRefText('E 2'), undefined);
  });
  test('a source is a record id only when written in an id style', () => {
    assert.deepEqual(parseSource('E4#t=3'), { id: 'E4', locator: 't=3' });
    assert.equal(parseSource('vendor-mail'), undefined);
    assert.equal(parseSource('https://example.com/x'), undefined);
  });
});

describe('a flow\u2019s from: the parser, PA005, rename, the rendering and the diagram agree', () => {
  test('the parser: `D3 / modem` references D3 with the locator modem; free text references nothing', async () => {
    const result = await lint();
    const from = parsedFrom(result);
    assert.deepEqual(from.get('F1'), ['D3', 'modem']);
    assert.deepEqual(from.get('F2'), ['D1', 'modem']);
    assert.deepEqual(from.get('F3'), ['D1', 'modem']);
    assert.deepEqual(from.get('F4'), ['D2', undefined]);
    assert.equal(from.get('F5'), undefined);
    const f1 = result.report.references.find((r) => r.field === 'from' && r.from!.id === 'F1')!;
    assert.equal(TEXT.slice(f1.idSpan.start, f1.idSpan.end), 'D3');
    assert.equal(TEXT.slice(f1.span.start, f1.span.end), 'D3 / modem');
  });

  test('PA005: `from: D3 / modem` without a device D3 is an undefined reference', async () => {
    const result = await lint();
    const pa005 = result.diagnostics.filter((d) => d.rule === 'PA005');
    assert.equal(pa005.length, 1, JSON.stringify(pa005));
    assert.equal(TEXT.slice(pa005[0]!.span.start, pa005[0]!.span.end), 'D3');
    assert.match(pa005[0]!.message, /`D3`/);
    // with the device defined, it is silent
    const fixed = await lint(TEXT.replace('- id: D2\n', '- id: D3\n  vendor: Z\n  model: Three\n- id: D2\n'));
    assert.equal(fixed.diagnostics.filter((d) => d.rule === 'PA005').length, 0);
  });

  test('rename of D1 reaches `D1 / modem` as it reaches `D1/modem`', async () => {
    const { report } = await lint();
    const r = rename(report, TEXT.indexOf('id: D1') + 4, 'D7');
    assert.ok('edits' in r, JSON.stringify(r));
    const out = applyEdits(TEXT, r.edits);
    assert.ok(out.includes('from: D7/modem') && out.includes('from: D7 /  modem') && out.includes('- id: D7'), out);
    assert.ok(!/\bD1\b/.test(out));
  });

  test('the diagram draws the senders the parser found: each device reference on its device, free text as text', async () => {
    const result = await lint();
    const d = dataFlowDiagram(result.report, result.taxonomy, { legend: false });
    const from = parsedFrom(result);
    // the node a flow leaves from, for each flow
    const senderOf = new Map<string, string>();
    for (const [i, flows] of d.edgeFlows.entries()) {
      const edge = d.text.split('\n').filter((l) => /^ {2}n\d+ (?:-->|==>|-\.->)/.test(l))[i]!;
      const node = /^ {2}(n\d+)/.exec(edge)![1]!;
      for (const f of flows) senderOf.set(f, node);
    }
    // D1/modem and D1 / modem are one sender; D3 / modem another one; D2 and the free text others again
    assert.equal(senderOf.get('F2'), senderOf.get('F3'));
    assert.equal(new Set(['F1', 'F2', 'F4', 'F5'].map((f) => senderOf.get(f))).size, 4);
    // the node of each component sits in a subgraph labelled with its device, as the parser's reference says
    for (const f of ['F1', 'F2', 'F3']) {
      const [device, component] = from.get(f)!;
      const node = senderOf.get(f)!;
      const label = new RegExp(`^ {4}${node}\\["([^"]*)"\\]`, 'm').exec(d.text)?.[1] ?? '';
      assert.ok(label.includes(component!), `${f}: node label ${label}`);
      const lines = d.text.split('\n');
      const at = lines.findIndex((l) => l.startsWith(`    ${node}[`));
      const group = lines.slice(0, at).reverse().find((l) => /^ {2}subgraph /.test(l)) ?? '';
      assert.ok(group.includes(device), `${f}: ${group} is the subgraph of ${device}`);
    }
  });

  test('the rendered flows table links every device reference the parser found, and only those', async () => {
    const result = await lint();
    const { html } = renderReport(result, { mode: 'preview' });
    const cells = [...html.matchAll(/<span class="from">(.*?)<\/span> <span class="arrow">/g)].map((m) => m[1]!);
    assert.equal(cells.length, 5);
    const refs = cells.map((c) => /data-ref="([^"]+)"/.exec(c)?.[1]);
    assert.deepEqual(refs, ['D3', 'D1', 'D1', 'D2', undefined]);
    assert.match(cells[0]!, /ref-missing/);
    assert.match(cells[2]!, / \/  modem$/);
    assert.equal(cells[4], 'phone app');
  });
});

describe('the diagrams read reference lists as the parser does', () => {
  test('refIds names exactly the ids the report parser takes as references of that field', async () => {
    const { refIds } = await import('../../src/core/present/diagram/util');
    const { parseReport } = await import('../../src/core/report/parse');
    const text = `${frontMatter('Lists')}# R\n\n\`\`\`retest\n- id: R1\n  date: 2014-08-14\n  flows: [F1, "F2#frame=3", " F3 ", "F4 #x", "not an id", ""]\n  result: fixed\n\`\`\`\n`;
    const report = parseReport(text);
    const r1 = report.byId.get('R1')!;
    const parsed = report.references.filter((x) => x.from === r1 && x.field === 'flows').map((x) => x.id);
    assert.deepEqual(refIds(r1, 'flows'), parsed);
    assert.deepEqual(parsed.slice(0, 3), ['F1', 'F2', 'F3']);
  });
});
