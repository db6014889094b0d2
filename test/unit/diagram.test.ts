/**
 * Data-flow and timeline diagrams (src/core/diagram): escaping, the example's
 * edges and styles, collapsing of large reports, determinism, and hostile
 * report text. Mermaid's own parser checks the same texts in
 * diagram-mermaid.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { dataFlowDiagram, domainOf, flowRisk, redactionMask, timelineDiagram, type DataFlowDiagram } from '../../src/core/present/diagram';
import { escapeMermaid, mermaidText, truncate } from '../../src/core/present/diagram/escape';
import { BROKEN, exampleText, HOSTILE, hostileReportText, largeReportText, load, mixedReportText } from './diagram-fixtures';

// ---------------------------------------------------------------- helpers

/** What a label may contain: safe characters, entity codes, our own line break. */
const LABEL = String.raw`(?:[\p{L}\p{M}\p{N} .,\-/+=?!@]|#\d+;|<br/>)*`;
const NODE = String.raw`n[1-9]\d*`;
const STYLE = String.raw`[a-z-]+:[#\w. ]+(?:,[a-z-]+:[#\w. ]+)*`;
const FLOWCHART_LINES = [
  /^flowchart LR$/,
  new RegExp(String.raw`^ {2,4}subgraph ${NODE}\["${LABEL}"\]$`, 'u'),
  /^ {2,4}end$/,
  /^ {4}direction LR$/,
  new RegExp(String.raw`^ {2,4}${NODE}\["${LABEL}"\](?::::(?:device|danger|fixed|legendNote))?$`, 'u'),
  new RegExp(String.raw`^ {2}${NODE} (?:-->|==>|-\.->)\|"${LABEL}"\| ${NODE}$`, 'u'),
  new RegExp(String.raw`^ {4}${NODE}\[" "\]:::legendDot (?:-->|==>|-\.->)\|"${LABEL}"\| ${NODE}\[" "\]:::legendDot$`, 'u'),
  new RegExp(String.raw`^ {2}classDef (?:device|danger|fixed|legendDot|legendNote) ${STYLE}$`),
  new RegExp(String.raw`^ {2}class ${NODE}(?:,${NODE})* (?:danger|fixed)$`),
  new RegExp(String.raw`^ {2}linkStyle \d+(?:,\d+)* ${STYLE}$`),
];
const TIMELINE_LINES = [
  /^timeline$/,
  new RegExp(String.raw`^ {2}title ${LABEL}$`, 'u'),
  new RegExp(String.raw`^ {2}section ${LABEL}$`, 'u'),
  new RegExp(String.raw`^ {4}\d{4}(?:-\d{2}){0,2} : ${LABEL}(?: : ${LABEL})*$`, 'u'),
  new RegExp(String.raw`^ {4}${LABEL}$`, 'u'),
];

/** Every line of the text is one of our own statement shapes, with labels from the safe alphabet. */
function assertGrammar(text: string, shapes: RegExp[]): void {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'the text ends with a line break');
  for (const [i, line] of lines.entries()) {
    assert.ok(shapes.some((re) => re.test(line)), `line ${i + 1} is not one of the generated shapes: ${JSON.stringify(line)}`);
  }
}

/** Mermaid's decoding of `#N;` codes, for round trips. */
const decode = (s: string) => s.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/<br\/>/g, '\n');

function df(text: string, options?: Parameters<typeof dataFlowDiagram>[2]): DataFlowDiagram {
  const { report, taxonomy } = load(text);
  return dataFlowDiagram(report, taxonomy, options);
}

/** The flow edges of a diagram as `sender label -> endpoint label` (decoded), in edge order. */
function edgeList(d: DataFlowDiagram): { from: string; to: string; arrow: string; label: string }[] {
  const labels = new Map<string, string>();
  for (const m of d.text.matchAll(/^\s*(n\d+)\["(.*)"\](?::::\w+)?$/gmu)) labels.set(m[1]!, decode(m[2]!));
  const out: { from: string; to: string; arrow: string; label: string }[] = [];
  for (const m of d.text.matchAll(/^ {2}(n\d+) (-->|==>|-\.->)\|"(.*)"\| (n\d+)$/gmu)) {
    out.push({ from: labels.get(m[1]!)!, to: labels.get(m[4]!)!, arrow: m[2]!, label: decode(m[3]!) });
  }
  return out;
}

/** Edge indices styled by the linkStyle whose stroke is `colour`. */
function linkStyled(text: string, colour: string): number[] {
  const m = new RegExp(String.raw`^ {2}linkStyle ([\d,]+) stroke:${colour}`, 'm').exec(text);
  return m ? m[1]!.split(',').map(Number) : [];
}

function classOf(text: string, cls: string): string[] {
  const m = new RegExp(String.raw`^ {2}class ([n\d,]+) ${cls}$`, 'm').exec(text);
  return m ? m[1]!.split(',') : [];
}

const RED = '#c62828';
const GREY = '#9e9e9e';

// ---------------------------------------------------------------- escaping

describe('escape', () => {
  const hostile = [
    HOSTILE,
    '"]; click n1 call alert(1);',
    '%%{init: {"securityLevel":"loose"}}%%',
    '<img src=x onerror=alert(1)>',
    '`md` ``x``',
    'a\nb\r\nc\td',
    'n1 --> n2',
    'x | y',
    'end',
    'subgraph evil',
    '#quot; #35; &amp; &#60;',
    'ﬂ°°60¶ß ﬂ°lt¶ß',
    'style x:#f00;',
    '\u202Egnp.exe\u200B\u0000\u0007',
    '{}()[];:%|<>\\\'*_~^$&',
    '\uD800 lone surrogate',
    '北京 Ünïcödé 😀',
  ];

  test('escaped text holds only safe characters and entity codes', () => {
    for (const h of hostile) {
      const e = escapeMermaid(h);
      assert.match(e, /^(?:[\p{L}\p{M}\p{N} .,\-/+=?!@]|#\d+;)*$/u, JSON.stringify(h));
      for (const bad of ['"', '[', ']', '{', '}', '(', ')', '|', '<', '>', ';;', '%', '`', '\n', '\r', ':', '&', '\\', "'"]) {
        assert.ok(!e.replace(/#\d+;/g, '').includes(bad), `${JSON.stringify(bad)} survives in ${e}`);
      }
      assert.ok(!/[ﬂ°¶ß]/u.test(e), 'mermaid placeholder characters are escaped');
    }
  });

  test('specific characters become mermaid entity codes', () => {
    assert.equal(escapeMermaid('"'), '#34;');
    assert.equal(escapeMermaid('a:b'), 'a#58;b');
    assert.equal(escapeMermaid('%%'), '#37;#37;');
    assert.equal(escapeMermaid('#'), '#35;');
    assert.equal(escapeMermaid('<br/>'), '#60;br/#62;');
    assert.equal(escapeMermaid('`'), '#96;');
    assert.equal(escapeMermaid('ß'), '#223;');
    assert.equal(escapeMermaid('😀'), '#128512;');
    assert.equal(escapeMermaid('api.example-1.com/x?y=z@w!'), 'api.example-1.com/x?y=z@w!');
    assert.equal(escapeMermaid('北京'), '北京');
  });

  test('invisible characters show as U+FFFD; white space collapses', () => {
    assert.equal(mermaidText('a\u202Eb\u200Bc\u0000d'), 'a#65533;b#65533;c#65533;d');
    assert.equal(mermaidText('  a\n\n b\r\n\tc  '), 'a b c');
    assert.equal(mermaidText('\uD800x'), '#65533;x');
  });

  test('round trip: decoding gives back the text (white space collapsed)', () => {
    for (const h of hostile) {
      const e = mermaidText(h, { max: 10_000 });
      const expected = h.replace(/[\s\u0085\u2028\u2029]+/gu, ' ').trim().replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu, '\uFFFD');
      assert.equal(decode(e), expected);
    }
  });

  test('labels are capped, before and after escaping', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('😀😀😀😀😀', 3), '😀😀…');
    assert.equal(mermaidText('x'.repeat(500), { max: 20 }), `${'x'.repeat(19)}#8230;`);
    const wide = mermaidText('"'.repeat(500), { max: 100, maxEscaped: 120 });
    assert.ok(wide.length <= 120, `${wide.length}`);
    assert.ok(wide.endsWith('#8230;'));
  });

  test('the mask runs on the raw text, before truncation', () => {
    const mask = (s: string) => s.replaceAll('869999012345677', '███████████████');
    const t = mermaidText('IMEI 869999012345677', { max: 12, mask });
    assert.ok(!/\d{3}/.test(decode(t)), decode(t));
  });
});

// ---------------------------------------------------------------- example

describe('data-flow diagram of the example report', () => {
  const d = df(exampleText());

  test('one device, one endpoint in China, one edge for F1–F4', () => {
    assert.equal(d.nodes, 2);
    assert.equal(d.edges, 1);
    assert.equal(d.collapsed, 'none');
    assert.deepEqual(d.edgeFlows, [['F1', 'F2', 'F3', 'F4']]);
    assert.deepEqual(Object.values(d.nodeFlows), [['F1', 'F2', 'F3', 'F4'], ['F1', 'F2', 'F3', 'F4']]);
    const [e] = edgeList(d);
    assert.equal(e!.from, 'D1 · Xiaomi Redmi 1S');
    assert.equal(e!.to, 'api.account.xiaomi.com\n42.62.48.17, 42.62.48.113');
    assert.match(d.text, /subgraph n\d+\["CN #183; China"\]\n {4}n\d+\["api\.account\.xiaomi\.com/);
  });

  test('the edge label merges the data of the four flows, high sensitivity first', () => {
    const [e] = edgeList(d);
    const [data, how, retest] = e!.label.split('\n');
    assert.equal(data, 'Contacts, IMEI, IMSI, Phone number (MSISDN), SMS/MMS metadata, Carrier name');
    assert.equal(how, 'F1–F4 · encryption unknown · default-on');
    assert.equal(retest, 'Retest: R1 partially fixed');
  });

  test('default-on high-sensitivity flows are danger; partially fixed is not muted', () => {
    const [e] = edgeList(d);
    assert.equal(e!.arrow, '==>');
    assert.deepEqual(linkStyled(d.text, RED), [0, d.edges]); // the edge, then the legend's sample
    assert.deepEqual(linkStyled(d.text, GREY), [d.edges + 1]);
    assert.deepEqual(classOf(d.text, 'danger'), [Object.keys(d.nodeFlows)[1]]);
    assert.deepEqual(classOf(d.text, 'fixed'), []);
  });

  test('a retest with result fixed that lists the flows mutes the edge', () => {
    const fixed = df(exampleText().replace('result: partially-fixed', 'result: fixed'));
    const [e] = edgeList(fixed);
    assert.equal(e!.arrow, '-.->');
    assert.deepEqual(linkStyled(fixed.text, GREY), [0, fixed.edges + 1]);
    assert.deepEqual(linkStyled(fixed.text, RED), [fixed.edges]);
    assert.deepEqual(classOf(fixed.text, 'fixed'), [Object.keys(fixed.nodeFlows)[1]]);
    assert.equal(e!.label.split('\n')[2], 'Retest: R1 verified fixed');
  });

  test('a legend with one sample edge per style, after the flow edges', () => {
    assert.equal(d.legendEdges, 3);
    assert.equal(d.legendNodes, 6);
    assert.match(d.text, /subgraph n\d+\["Legend"\]\n {4}direction LR\n {4}n\d+\[" "\]:::legendDot ==>\|"high-sensitivity data unencrypted or without opt-in consent"\|/);
  });

  test('the text follows the generated grammar', () => assertGrammar(d.text, FLOWCHART_LINES));

  test('the mask reaches every label', () => {
    const mask = (s: string) => s.replace(/xiaomi|42\.62\.48\.\d+|Redmi/gi, '▒▒▒');
    const m = df(exampleText(), { mask });
    assert.ok(!/xiaomi|42\.62|Redmi/i.test(decode(m.text)), m.text);
    assert.match(decode(m.text), /api\.account\.▒▒▒\.com/);
    const { report } = load(exampleText());
    const t = timelineDiagram(report, { mask });
    assert.ok(!/xiaomi/i.test(decode(t.text)), t.text);
    assert.ok(t.items.every((i) => !/xiaomi/i.test(i.label)));
  });
});

// ---------------------------------------------------------------- mixed

describe('data-flow diagram of a mixed report', () => {
  const d = df(mixedReportText());

  test('edges per (sender, endpoint), with styles from the worst flow', () => {
    const edges = edgeList(d).map((e) => `${e.from} ${e.arrow} ${e.to.split('\n')[0]}`);
    assert.deepEqual(edges, [
      'D1 (device itself) ==> api.account.xiaomi.com',
      'D1/browser --> tracking.example.com',
      'D1/modem ==> sdkconfig.ad.xiaomi.com',
      'D2 · Tablet -.-> logs.example.de',
      'D2 · Tablet --> push.example.sg',
      'Carrier provisioning app --> unknown.example.net',
    ]);
    assert.deepEqual(d.edgeFlows, [['F1', 'F2', 'F8'], ['F4'], ['F3'], ['F6'], ['F5'], ['F7']]);
    assert.deepEqual(linkStyled(d.text, RED), [0, 2, 6]);
    assert.deepEqual(linkStyled(d.text, GREY), [3, 7]);
    assert.equal(d.nodes, 11);
  });

  test('flows sharing protection are listed together on the label', () => {
    const [first] = edgeList(d);
    assert.equal(first!.label, 'IMEI, Phone number (MSISDN), Precise location, Carrier name\nF1, F8: unencrypted · default-on; F2: TLS · opt-in');
    const modem = edgeList(d)[2]!;
    assert.equal(modem.label, 'ICCID, IMSI\nF3 · encoded only · no consent\nRetest: R2 partially fixed');
  });

  test('components share a subgraph with their device; countries in code order, unknown last', () => {
    const subgraphs = [...d.text.matchAll(/subgraph n\d+\["(.*)"\]/g)].map((m) => decode(m[1]!));
    assert.deepEqual(subgraphs, ['D1 · Xiaomi Redmi 1S', 'CN · China', 'DE · Germany', 'SG · Singapore', 'US · United States', 'unknown country', 'Legend']);
    assert.match(decode(d.text), /"tracking\.example\.com\n?.*2001:db8::7"/);
  });

  test('same report with records in another order: same text', () => {
    assert.equal(df(mixedReportText('shuffled')).text, d.text);
    assert.equal(df(mixedReportText()).text, d.text);
  });

  test('the text follows the generated grammar', () => assertGrammar(d.text, FLOWCHART_LINES));
});

describe('flow risk', () => {
  const high = [{ sensitivity: 'high' as const }];
  const low = [{ sensitivity: 'low' as const }];
  test('high sensitivity with weak encryption or without opt-in is danger', () => {
    assert.equal(flowRisk({ data: high, encryption: 'none', consent: 'opt-in' }), 'danger');
    assert.equal(flowRisk({ data: high, encryption: 'encoded', consent: 'opt-in' }), 'danger');
    for (const c of ['none', 'default-on', 'opt-out', 'unknown'] as const) assert.equal(flowRisk({ data: high, encryption: 'tls', consent: c }), 'danger', c);
    assert.equal(flowRisk({ data: high, encryption: 'tls', consent: 'opt-in' }), 'normal');
    assert.equal(flowRisk({ data: high, encryption: 'unknown', consent: 'opt-in' }), 'normal');
    assert.equal(flowRisk({ data: low, encryption: 'none', consent: 'none' }), 'normal');
    assert.equal(flowRisk({ data: high, encryption: 'none', consent: 'none', retest: { result: 'fixed' } }), 'fixed');
    assert.equal(flowRisk({ data: high, encryption: 'none', consent: 'none', retest: { result: 'partially-fixed' } }), 'danger');
  });

  test('the latest retest decides', () => {
    const text = mixedReportText().replace('```retest\n', '```retest\n- id: R9\n  date: "2020-02-25"\n  flows: ["F6"]\n  result: "not-fixed"\n  evidence: "E1"\n');
    const d = df(text);
    const e = edgeList(d).find((x) => x.to.startsWith('logs.example.de'))!;
    assert.equal(e.arrow, '==>');
    assert.match(e.label, /Retest: R9 not fixed/);
  });
});

// ---------------------------------------------------------------- large reports

describe('large reports collapse', () => {
  test('200 flows over 60 hosts: collapsed, at most 30 edges, under 50,000 characters', () => {
    const d = df(largeReportText(200, 60));
    assert.notEqual(d.collapsed, 'none');
    assert.ok(d.edges <= 30, `${d.edges} edges`);
    assert.ok(d.text.length < 50_000, `${d.text.length} characters`);
    assert.equal(d.edgeFlows.flat().length, 200, 'every flow is on exactly one edge');
    assert.equal(new Set(d.edgeFlows.flat()).size, 200);
    assert.match(d.text, /Hosts of one (?:domain|country) drawn as one node #40;200 flows#41;/);
    assertGrammar(d.text, FLOWCHART_LINES);
  });

  test('the collapse steps: domain, then country', () => {
    const few = df(largeReportText(20, 10));
    assert.equal(few.collapsed, 'none');
    assert.equal(few.edges, edgeList(few).length);
    const domains = df(largeReportText(200, 60));
    assert.equal(domains.collapsed, 'domain');
    assert.match(decode(domains.text), /example1\.com\n\d+ hosts · \d+ addresses/);
    const countries = df(largeReportText(200, 60), { maxEdges: 12 });
    assert.equal(countries.collapsed, 'country');
    assert.ok(countries.edges <= 12);
  });

  test('many senders and countries still fit', () => {
    const flows: string[] = [];
    for (let i = 1; i <= 3000; i++) {
      const c = String.fromCharCode(65 + (i % 26)) + String.fromCharCode(65 + ((i * 7) % 26));
      flows.push(`- id: F${i}`, `  from: "sender ${i % 300}"`, `  to: "h${i}.d${i}.example"`, `  country: ${c}`, '  data: [IMEI]', '  encryption: none');
    }
    const text = ['---', 'audit-format: 1', 'id: X', 'title: X', 'status: draft', 'date: 2020-01-01', 'auditors: [x]', '---', '```flow', ...flows, '```', ''].join('\n');
    for (const maxEdges of [1, 5, 30, 100]) {
      const d = df(text, { maxEdges });
      assert.ok(d.edges <= maxEdges, `${d.edges} > ${maxEdges}`);
      assert.ok(d.text.length < 50_000, `${d.text.length}`);
      assert.equal(d.edgeFlows.flat().length, 3000);
      assertGrammar(d.text, FLOWCHART_LINES);
    }
  });

  test('deterministic for the same input', () => {
    const t = largeReportText(500, 120);
    assert.equal(df(t).text, df(t).text);
  });

  test('domain heuristic', () => {
    assert.equal(domainOf('api.account.xiaomi.com'), 'xiaomi.com');
    assert.equal(domainOf('a.b.example.co.uk'), 'example.co.uk');
    assert.equal(domainOf('www.example.com.cn'), 'example.com.cn');
    assert.equal(domainOf('42.62.48.17'), '42.62.48.0/24');
    assert.equal(domainOf('localhost'), 'localhost');
    assert.equal(domainOf('2001:db8::1'), '2001:db8::1');
  });
});

// ---------------------------------------------------------------- hostile input

describe('hostile report text', () => {
  const { report, taxonomy } = load(hostileReportText());
  const d = dataFlowDiagram(report, taxonomy);
  const t = timelineDiagram(report);

  test('the report does put the string in the fields', () => {
    assert.equal(report.problems.length, 0, JSON.stringify(report.problems));
    assert.ok(report.records.some((r) => r.kind === 'flow' && r.fields.get('to')));
  });

  for (const [name, text, shapes] of [['data flow', d.text, FLOWCHART_LINES], ['timeline', t.text, TIMELINE_LINES]] as const) {
    test(`${name}: nothing raw, every line one of ours`, () => {
      assertGrammar(text, [...shapes]);
      const ours = text.replaceAll('[" "]', ''); // the legend's empty sample nodes
      for (const raw of [HOSTILE, '"]; click', '%%', '{init', '<img', '<script', 'onerror=alert(1)>', '`', '-->  |', 'javascript:', '#quot;', 'ﬂ', '¶', '\u202E', '\u200B']) {
        assert.ok(!ours.includes(raw), `${JSON.stringify(raw)} appears raw in the ${name}`);
      }
      // no statement of a kind we never emit
      assert.ok(!/^\s*(?:click|style|call|%%|subgraph evil|href)/m.test(text));
    });
  }

  test('the hostile text is still shown (escaped), not dropped', () => {
    assert.match(decode(d.text), /"\]; click n1 call alert\(1\); %%\{init/);
    assert.match(decode(t.text), /"\]; click n1 call alert\(1\);/);
    assert.equal(d.edges, 3);
    assert.deepEqual(d.edgeFlows, [['F3'], ['F2'], ['F1']]);
  });
});

// ---------------------------------------------------------------- timeline

describe('timeline of the example report', () => {
  const { report } = load(exampleText());
  const t = timelineDiagram(report);

  test('dated events, grouped by day, in month sections', () => {
    assert.equal(t.events, t.items.length);
    const kinds = t.items.reduce<Record<string, number>>((a, i) => ((a[i.kind] = (a[i.kind] ?? 0) + 1), a), {});
    assert.deepEqual(kinds, { step: 10, evidence: 15, response: 7, fix: 1, retest: 1, report: 1 });
    const periods = [...t.text.matchAll(/^ {4}(\d{4}-\d{2}-\d{2}) : /gm)].map((m) => m[1]);
    assert.deepEqual(periods, ['2014-08-06', '2014-08-10', '2014-08-14', '2014-10-09', '2014-10-19', '2014-10-22', '2014-10-23', '2014-10-24']);
    assert.deepEqual([...t.text.matchAll(/^ {2}section (.*)$/gm)].map((m) => m[1]), ['August 2014', 'October 2014']);
    const day = (d: string) => decode(new RegExp(String.raw`^ {4}${d} : (.*)$`, 'm').exec(t.text)![1]!).split(' : ');
    assert.deepEqual(day('2014-08-06'), ['Steps S1–S7', 'Evidence captured: E2, E3, E14']);
    assert.deepEqual(day('2014-08-10'), ['V1 vendor: Hugo Barra, Vice President, Xiaomi Global — verdict mixed', 'Fix claimed (V1): OTA update 2014-08-10 (MIUI Cloud Messaging made opt-in)']);
    assert.deepEqual(day('2014-08-14'), ['Steps S8–S10', 'Evidence captured: E4, E15', 'V2 auditor: Su Gim Goh, Security Advisor Asia-Pacific, F-Se… — verdict supported', 'R1 retest — partially fixed (F1–F4)']);
    assert.deepEqual(day('2014-10-24'), ['Report date (final)']);
    assert.match(t.text, /^ {2}title Timeline #183; FSEC-2014-RM1S$/m);
  });

  test('items map events to records', () => {
    const first = t.items[0]!;
    assert.deepEqual(first, { date: '2014-08-06', label: 'Step S1 · Take a new Redmi 1S out of its box, insert the test SIM, power on; skip Mi account creation.', recordId: 'S1', kind: 'step' });
    assert.deepEqual(t.items.at(-1), { date: '2014-10-24', label: 'Report date (final)', kind: 'report' });
    assert.ok(t.items.find((i) => i.kind === 'fix')?.recordId === 'V1');
  });

  test('grammar, determinism', () => {
    assertGrammar(t.text, TIMELINE_LINES);
    const { report: again } = load(exampleText());
    assert.equal(timelineDiagram(again).text, t.text);
  });

  test('many dates: one period per month, at most 8 events per period', () => {
    const steps: string[] = [];
    for (let i = 1; i <= 300; i++) {
      const d = new Date(Date.UTC(2020, 0, 1 + i * 2)).toISOString().slice(0, 10);
      steps.push(`- id: V${i}`, `  date: ${d}`, '  party: vendor', `  verdict: mixed`);
    }
    const text = ['---', 'audit-format: 1', 'id: X', 'title: X', 'status: draft', 'date: 2022-06-01', 'auditors: [x]', '---', '```response', ...steps, '```', ''].join('\n');
    const many = timelineDiagram(load(text).report);
    assert.equal(many.events, 301);
    assert.ok(!/^ {4}\d{4}-\d{2}-\d{2} : /m.test(many.text), 'no day periods');
    assert.ok(/^ {4}2020-01 : 03 #183; V1 vendor/m.test(many.text), many.text.slice(0, 300));
    for (const m of many.text.matchAll(/^ {4}\d{4}-\d{2} : (.*)$/gm)) assert.ok(m[1]!.split(' : ').length <= 8);
    assert.match(many.text, /\+\d+ more events/);
    assert.ok(many.text.length < 50_000);
    assertGrammar(many.text, TIMELINE_LINES);
  });

  test('a report without dated events still gives a diagram', () => {
    const empty = timelineDiagram(load('---\naudit-format: 1\n---\n').report);
    assert.equal(empty.events, 0);
    assert.equal(empty.text, 'timeline\n  title Timeline\n    no dated events\n');
  });
});

// ---------------------------------------------------------------- broken examples

describe('broken examples', () => {
  const files = readdirSync(BROKEN).filter((f) => f.endsWith('.audit.md'));
  test('there are broken examples', () => assert.ok(files.length >= 4));
  for (const f of files) {
    test(`${f}: both diagrams follow the grammar`, () => {
      const { report, taxonomy } = load(readFileSync(path.join(BROKEN, f), 'utf8'));
      const d = dataFlowDiagram(report, taxonomy);
      assertGrammar(d.text, FLOWCHART_LINES);
      assert.equal(d.edgeFlows.length, d.edges);
      assertGrammar(timelineDiagram(report).text, TIMELINE_LINES);
    });
  }
});

// ---------------------------------------------------------------- redaction

describe('redaction mask', () => {
  test("the report's redact list and device identifiers", () => {
    const { report } = load(exampleText());
    const mask = redactionMask(report);
    assert.equal(mask('IMEI 869999012345677, IMSI 001010000012345, own +12025550101, contact +12025550142'), 'IMEI [redacted], IMSI [redacted], own [redacted], contact [redacted]');
    assert.equal(mask('nothing secret'), 'nothing secret');
  });

  test('patterns; invalid or empty-matching patterns are ignored; long numbers keep their digits', () => {
    const text = ['---', 'audit-format: 1', 'redact:', '  - "/user-\\\\d+/i"', '  - "/([/"', '  - "/x*/"', '  - 12345678901234567890', '  - ""', '---', '```device', 'identifiers: {IMEI: 35-209900-176148-1}', '```', ''].join('\n');
    const mask = redactionMask(load(text).report);
    assert.equal(mask('USER-42 and user-7, 12345678901234567890, 35-209900-176148-1, xx'), '[redacted] and [redacted], [redacted], [redacted], xx');
  });

  test('a report without redaction: identity', () => {
    const mask = redactionMask(load(mixedReportText()).report);
    assert.equal(mask('a "b" c'), 'a "b" c');
  });
});
