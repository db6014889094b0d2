/** Editor features of the core (completion, hover, navigation, rename, symbols) on a small report. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kindOfId, RECORD_KINDS } from '../../src/core/report/model';
import { parseReport, REFERENCE_FIELDS } from '../../src/core/report/parse';
import { RECORD_FIELDS } from '../../src/core/report/schema';
import { completions, definition, documentSymbols, hover, prepareRename, references, rename } from '../../src/core/features/service';
import { Taxonomy } from '../../src/core/report/taxonomy';
import { applyEdits } from '../support/edits';

const TEXT = `---
audit-format: 1
id: T-1
title: Service test
status: draft
date: 2014-10-24
auditors: [A]
lint:
  PA024: info
---
# Report

The phone sent its IMEI [@E1#frame=3]. See also [@S1].

## Flows

\`\`\`flow
- id: F1
  from: D1
  to: api.example.com
  encryption: tls
  data: [IMEI, phone number]
  evidence: [E1#frame=3, E1]
  step: S1
- id: F2
  to: b.example.com
\`\`\`

## Evidence

\`\`\`evidence
id: E1
file: evidence/a.pcap
sha256: 0000000000000000000000000000000000000000000000000000000000000000
\`\`\`

\`\`\`device
id: D1
vendor: X
identifiers:
  IMEI: "1"
\`\`\`

\`\`\`step
id: S1
action: Boot
evidence: [E1]
\`\`\`
`;

const report = parseReport(TEXT);
const taxonomy = Taxonomy.builtIn;
/** Offset just after the n-th occurrence of `needle`. */
const after = (needle: string, n = 0) => {
  let i = -1;
  for (let k = 0; k <= n; k++) i = TEXT.indexOf(needle, i + 1);
  assert.ok(i >= 0, needle);
  return i + needle.length;
};
/** Offset inside the n-th occurrence of `needle`. */
const on = (needle: string, n = 0) => after(needle, n) - 1;

/**
 * Completion while typing: replace `from` in TEXT by `typed`, which marks the
 * cursor with `|` (the YAML is usually broken at that moment).
 */
function complete(from: string, typed: string, files?: string[]) {
  assert.ok(TEXT.includes(from), from);
  const cursor = TEXT.indexOf(from) + typed.indexOf('|');
  const text = TEXT.replace(from, typed.replace('|', ''));
  const items = completions(parseReport(text), cursor, { taxonomy, files });
  return { items, labels: items.map((c) => c.label), text };
}

describe('completion', () => {
  test('field names of the record kind, without those already present', () => {
    const { labels } = complete('  to: b.example.com\n', '  to: b.example.com\n  ev|\n');
    assert.ok(labels.includes('evidence') && labels.includes('encryption') && labels.includes('data'));
    assert.ok(!labels.includes('id') && !labels.includes('to'), 'fields already in F2 are not offered');
    assert.ok(!labels.includes('file'), 'no evidence fields in a flow');
  });
  test('enumerated values', () => {
    assert.deepEqual(complete('encryption: tls', 'encryption: t|').labels, ['none', 'tls', 'encoded', 'custom', 'unknown']);
  });
  test('data categories with sensitivity in the detail, replacing the typed word', () => {
    const { items, text } = complete('data: [IMEI, phone number]', 'data: [IMEI, ph|');
    const phone = items.find((c) => c.label === 'phone number');
    assert.ok(phone, items.map((c) => c.label).join());
    assert.match(phone.detail!, /^high sensitivity/);
    assert.equal(text.slice(phone.span.start, phone.span.end), 'ph');
  });
  test('ids of the right kind in references', () => {
    assert.deepEqual(complete('evidence: [E1#frame=3, E1]', 'evidence: [E1#frame=3, E|').labels, ['E1']);
    assert.deepEqual(complete('  step: S1', '  step: |').labels, ['S1']);
    assert.deepEqual(complete('  from: D1', '  from: |').labels, ['D1']);
  });
  test('reference items say what each record is, on every row and in the detail', () => {
    const withKind = TEXT.replace('file: evidence/a.pcap', 'file: evidence/a.pcap\nkind: pcap');
    const cursor = withKind.indexOf('  step: S1') + '  step: S1\n  evidence: ['.length;
    const e1 = completions(parseReport(withKind.replace('  step: S1', '  step: S1\n  evidence: [')), cursor, { taxonomy }).find((c) => c.label === 'E1')!;
    assert.equal(e1.description, 'pcap · evidence/a.pcap');
    assert.equal(e1.detail, 'evidence (pcap): evidence/a.pcap');
    assert.equal(complete('  step: S1', '  step: S1\n  evidence: [|').items.find((c) => c.label === 'E1')!.description, 'evidence/a.pcap');
    const f1 = complete('See also [@S1].', 'See also [@F|').items.find((c) => c.label === 'F1')!;
    assert.equal(f1.description, '→ api.example.com');
    assert.equal(complete('See also [@S1].', 'See also [@S|').items.find((c) => c.label === 'S1')!.description, 'Boot');
  });
  test('ids already in the list are left out (one with a locator only still counts as another reference)', () => {
    const two = TEXT.replace('id: E1\n', 'id: E1\nkind: pcap\n').replace('```device', '```evidence\nid: E2\nurl: https://example.org/2\n```\n\n```device');
    const at = (typed: string) => {
      const from = 'evidence: [E1#frame=3, E1]';
      const cursor = two.indexOf(from) + typed.indexOf('|');
      const items = completions(parseReport(two.replace(from, typed.replace('|', ''))), cursor, { taxonomy }).map((c) => c.label);
      return items;
    };
    assert.deepEqual(at('evidence: [E1, |'), ['E2']);
    assert.deepEqual(at('evidence: [E1, E|]'), ['E2']);
    assert.deepEqual(at('evidence: [|, E2]'), ['E1']);
    assert.deepEqual(at('evidence: ["E2", E|'), ['E1']);
    assert.deepEqual(at('evidence: [E1#frame=3, E2, E|'), ['E1']);
    assert.deepEqual(at('evidence:\n    - E2\n    - E|\n    - E9'), ['E1']);
    assert.deepEqual(at('evidence:\n    - E1 # boot\n    - |'), ['E2']);
  });
  test('a field\'s hint gives an example of its own values', () => {
    const docOf = (label: string) => complete('  to: b.example.com\n', '  to: b.example.com\n  |\n').items.find((c) => c.label === label)?.documentation ?? '';
    assert.match(docOf('evidence'), /Example: `\[E1, E2#frame=3\]`/);
    assert.match(docOf('step'), /Example: `S1`/);
  });
  test('every reference field\'s example names only ids of the kinds that field takes (no `E1, E2#frame=3` for verifies or flows)', () => {
    let checked = 0;
    for (const kind of RECORD_KINDS) {
      for (const f of RECORD_FIELDS[kind]) {
        const refKinds = (REFERENCE_FIELDS[kind] as Record<string, readonly string[] | undefined>)[f.name];
        if (!refKinds) continue;
        assert.ok(f.example, `${kind}.${f.name} has an example`);
        const ids = [...f.example.matchAll(/\b(?:FN|D|S|F|E|V|R)\d+\b/g)].map((m) => m[0]);
        assert.ok(ids.length > 0, `${kind}.${f.name}: ${f.example}`);
        for (const id of ids) assert.ok(refKinds.includes(kindOfId(id)!), `${kind}.${f.name} takes ${refKinds.join('/')}, its example says ${id}`);
        checked++;
      }
    }
    assert.equal(checked, 13);
  });
  test('ids in citations, evidence first, closing the bracket', () => {
    const { items } = complete('See also [@S1].', 'See also [@|');
    assert.equal(items.length, report.records.length);
    const sorted = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    assert.equal(sorted[0]!.label, 'E1');
    assert.equal(sorted[0]!.insertText, 'E1]');
  });
  test('workspace files for `file:`', () => {
    assert.deepEqual(complete('file: evidence/a.pcap', 'file: ev|', ['evidence/a.pcap', 'evidence/b.har']).labels, ['evidence/a.pcap', 'evidence/b.har']);
  });
  test('categories as device identifier keys', () => {
    const imei = complete('  IMEI: "1"', '  IM|').items.find((c) => c.label === 'IMEI');
    assert.ok(imei);
    assert.equal(imei.insertText, 'IMEI: ');
  });
  test('front matter: keys, enumerated values and rule ids under lint', () => {
    assert.deepEqual(complete('status: draft', 'status: dr|').labels, ['draft', 'review', 'final']);
    assert.ok(complete('  PA024: info', '  PA02|').labels.includes('PA024'));
    const keys = complete('status: draft\n', 'status: draft\ncla|\n').labels;
    assert.ok(keys.includes('classification') && !keys.includes('title'));
  });
  test('nothing in ordinary prose or in other fenced blocks', () => {
    assert.deepEqual(complete('# Report', '# Rep|').labels, []);
  });
});

describe('navigation', () => {
  test('definition of a reference, a citation and a locator reference', () => {
    const def = definition(report, on('step: S1'))!;
    assert.equal(TEXT.slice(def.start, def.end), 'S1');
    assert.equal(def.start, TEXT.indexOf('id: S1') + 4);
    const fromCitation = definition(report, on('[@E1'))!;
    assert.equal(fromCitation.start, TEXT.indexOf('id: E1') + 4);
    assert.equal(definition(report, on('evidence: [E1'))!.start, fromCitation.start);
  });
  test('references include citations and, when asked, the definition', () => {
    const refs = references(report, on('id: E1'), true).map((s) => TEXT.slice(s.start, s.end));
    assert.deepEqual(refs, ['E1', 'E1', 'E1', 'E1', 'E1']);
    assert.equal(references(report, on('id: E1'), false).length, 4);
  });
  test('rename updates the definition, references and citations', () => {
    const r = rename(report, on('[@E1'), 'E7');
    assert.ok('edits' in r, JSON.stringify(r));
    const out = applyEdits(TEXT, r.edits);
    assert.ok(out.includes('[@E7#frame=3]') && out.includes('id: E7') && out.includes('evidence: [E7#frame=3, E7]') && out.includes('evidence: [E7]'));
    assert.ok(!/\bE1\b/.test(out));
  });
  test('rename refuses a clash, a wrong style, and a place that is not an id', () => {
    assert.ok('error' in rename(report, on('id: E1'), 'F1'));
    assert.ok('error' in rename(report, on('id: F1'), 'F2'));
    assert.ok('error' in rename(report, on('id: F1'), 'not valid'));
    assert.ok('error' in prepareRename(report, on('vendor: X')));
  });
});

describe('hover', () => {
  test('a reference shows the record', () => {
    const h = hover(report, on('step: S1'), { taxonomy })!;
    assert.match(h.markdown, /\*\*step S1\*\*/);
    assert.match(h.markdown, /action: Boot/);
  });
  test('evidence shows its hash status', () => {
    const h = hover(report, on('[@E1'), { taxonomy, evidence: new Map([[report.byId.get('E1')!, { state: 'ok', path: '/x', sha256: 'a'.repeat(64), size: 1 }]]) })!;
    assert.match(h.markdown, /Hash: ✗ the file has changed/);
    assert.match(h.markdown, /Locator: `frame=3`/);
  });
  test('a data category shows label, sensitivity and aliases', () => {
    const h = hover(report, on('[IMEI'), { taxonomy })!;
    assert.match(h.markdown, /\*\*IMEI\*\* \(`imei`\) — high sensitivity/);
  });
  test('a rule id shows the rule', () => {
    const h = hover(report, on('PA024'), { taxonomy })!;
    assert.match(h.markdown, /PA024 — evidence-uncited/);
  });
});

describe('symbols', () => {
  test('records are listed under the sections they appear in', () => {
    const syms = documentSymbols(report);
    assert.equal(syms.length, 1);
    const top = syms[0]!;
    assert.equal(top.name, 'Report');
    assert.deepEqual(top.children.map((c) => c.name), ['Flows', 'Evidence']);
    assert.deepEqual(top.children[0]!.children.map((c) => [c.name, c.kind]), [['F1', 'flow'], ['F2', 'flow']]);
    assert.deepEqual(top.children[1]!.children.map((c) => c.name), ['E1', 'D1', 'S1']);
    assert.match(top.children[0]!.children[0]!.detail, /D1 → api.example.com/);
  });
});
