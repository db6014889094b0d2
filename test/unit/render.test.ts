/**
 * The report renderer (src/core/render): the bundled example as HTML (header,
 * tables, cards, hash status, ordering, anchors, citations, headings), lint
 * problems at the right records, masking, diagrams, and a hostile report
 * that must come out inert.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Linter, type LintResult } from '../../src/core/lint/linter';
import '../../src/node/evidence-files'; // the evidence files on disk: the core's default file access
import '../../src/node/capture/scan-cache'; // the captures the claim rules read
import { scalarText } from '../../src/core/report/model';
import { linkPolicy, slugify } from '../../src/core/present/render/escape';
import { elementAt as elementAtOrUndefined } from '../../src/core/present/document';
import { renderReport, type RenderOptions } from '../../src/core/present/render/html';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
const BROKEN = path.join(ROOT, 'examples', 'broken', 'records.audit.md');
const BROKEN_YAML = path.join(ROOT, 'examples', 'broken', 'yaml.audit.md');
const IMEI = '869999012345677';

async function lintFile(file: string): Promise<LintResult> {
  return new Linter().lint(readFileSync(file, 'utf8'), { filePath: file, root: ROOT });
}

async function lintText(text: string, name = 'hostile.audit.md'): Promise<LintResult> {
  return new Linter().lint(text, { filePath: path.join(ROOT, 'test', 'fixtures', name), root: ROOT });
}

function render(result: LintResult, options: Partial<RenderOptions> = {}) {
  return renderReport(result, { mode: 'preview', ...options });
}

/** The element that carries `id="…"`, from its start tag to its matching end tag. */
function element(html: string, id: string): string {
  const start = html.search(new RegExp(`<([a-z0-9]+)[^>]*\\sid="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  assert.ok(start >= 0, `no element with id="${id}"`);
  return elementAt(html, start);
}

/** The element whose start tag begins at `start`, up to its matching end tag (the renderer's own helper). */
function elementAt(html: string, start: number): string {
  const el = elementAtOrUndefined(html, start);
  if (el === undefined) throw new Error(`unclosed element at ${start}`);
  return el;
}

const ALLOWED_TAGS = new Set([
  'article', 'header', 'section', 'div', 'span', 'a', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li',
  'blockquote', 'pre', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'dl', 'dt', 'dd', 'figure',
  'figcaption', 'strong', 'em', 's', 'br', 'hr', 'mark', 'caption',
]);
const ALLOWED_ATTRS = new Set([
  'class', 'id', 'href', 'rel', 'title', 'role', 'aria-level', 'colspan', 'start',
  'data-line', 'data-record', 'data-ref', 'data-rule', 'data-kind', 'data-diagram', 'data-figure', 'data-unit', 'rowspan', 'aria-label', 'aria-hidden',
]);

/**
 * Parses every tag of the output. Returns the tags and what is left between
 * them; throws on anything that is not a well-formed tag with double-quoted
 * attribute values.
 */
function tagsOf(html: string): { tags: { name: string; attrs: [string, string][] }[]; text: string } {
  const tags: { name: string; attrs: [string, string][] }[] = [];
  const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'=<>`/]+(?:="[^"<>]*")?)*)\s*(\/?)>/g;
  let text = '';
  let last = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    text += html.slice(last, m.index);
    last = m.index + m[0].length;
    const attrs: [string, string][] = [];
    for (const a of m[3]!.matchAll(/\s+([^\s"'=<>`/]+)(?:="([^"]*)")?/g)) attrs.push([a[1]!.toLowerCase(), a[2] ?? '']);
    tags.push({ name: m[2]!.toLowerCase(), attrs });
  }
  text += html.slice(last);
  return { tags, text };
}

/** The safety properties every rendered report must have. */
function assertInert(html: string): void {
  assert.doesNotMatch(html, /<script/i, 'a <script> tag');
  assert.doesNotMatch(html, /<img/i, 'an <img> tag');
  assert.doesNotMatch(html, /<iframe/i, 'an <iframe> tag');
  assert.doesNotMatch(html, /<object|<embed|<svg|<style|<link|<meta|<form|<input|<base/i, 'an active or styling tag');
  assert.doesNotMatch(html, /<[^>]*\sstyle\s*=/i, 'an inline style attribute');
  const { tags, text } = tagsOf(html);
  // every < and > in the output belongs to a tag we emitted: content never opens a tag
  assert.doesNotMatch(text, /[<>]/, `a stray < or > outside tags: ${/.{0,40}[<>].{0,40}/s.exec(text)?.[0]}`);
  for (const t of tags) {
    assert.ok(ALLOWED_TAGS.has(t.name), `unexpected tag <${t.name}>`);
    for (const [name, value] of t.attrs) {
      assert.ok(ALLOWED_ATTRS.has(name), `unexpected attribute ${name} on <${t.name}>`);
      assert.doesNotMatch(name, /^on/i, `event handler ${name}`);
      if (name === 'href') assert.match(value, /^(?:#[^\s]*|https?:\/\/[^\s]+|mailto:[^\s]+)$/, `unsafe href ${value}`);
      if (name === 'id' || name === 'href') assert.doesNotMatch(value, /[\s"'<>]/, `unsafe ${name} ${value}`);
      assert.doesNotMatch(value, /javascript:|command:|vscode:|file:|data:/i, `a dangerous URL in ${name}="${value}"`);
    }
  }
}

describe('render: the bundled example', async () => {
  const result = await lintFile(EXAMPLE);
  const out = render(result);
  const { html } = out;

  test('lints clean, so the output has no problems', () => {
    assert.equal(result.diagnostics.length, 0, result.diagnostics.map((d) => `${d.rule} ${d.message}`).join('\n'));
    assert.doesNotMatch(html, /class="problem /);
    assert.equal(out.errors, 0);
  });

  test('title and header fields come from the front matter', () => {
    assert.equal(out.title, 'Xiaomi Redmi 1S (MIUI V5): identifiers and contact numbers sent to Beijing by MIUI Cloud Messaging — reconstructed example');
    const header = /<header class="report-header[^"]*" data-line="0">[\s\S]*?<\/header>/.exec(html)?.[0];
    assert.ok(header, 'a header block at line 0');
    assert.match(header, /<div class="report-title" role="heading" aria-level="1">Xiaomi Redmi 1S \(MIUI V5\): identifiers/);
    assert.match(header, /<dd class="pa-mono">FSEC-2014-RM1S<\/dd>/);
    assert.match(header, /<span class="badge status status-final">final<\/span>/);
    assert.match(header, /<div class="classification classification-public">public<\/div>/);
    assert.match(header, /<dd>2014-10-24<\/dd>/);
    assert.match(header, /<span class="name">Example Analyst<\/span> <span class="org">Privacy Audit example \(re-telling of F-Secure&#39;s public 2014 test\)<\/span>/);
    assert.match(header, /<div class="report-subject">Xiaomi Redmi 1S, MIUI V5 \(Android 4\.x\), MIUI Cloud Messaging \/ Mi Cloud<\/div>/);
    assert.match(header, /<div class="stat-n">4<\/div><div class="stat-label">data flows<\/div>/);
    assert.match(header, /✓ 11 of 11 files verified/);
    // the header comes before the first prose heading
    assert.ok(html.indexOf('report-header') < html.indexOf('<h1'));
  });

  test('the flows table has one row per flow, with badges and chips', () => {
    const tables = html.match(/<table class="record-table flow-table">[\s\S]*?<\/table>/g) ?? [];
    assert.equal(tables.length, 1);
    const rows = [...tables[0]!.matchAll(/<tbody class="record record-flow[^"]*" id="(rec-[^"]+)" data-record="([^"]+)"/g)].map((m) => m[2]);
    assert.deepEqual(rows, ['F1', 'F2', 'F3', 'F4']);
    const f1 = element(html, 'rec-F1');
    assert.match(f1, /<a class="ref" href="#rec-D1" data-ref="D1">D1<\/a><\/span> <span class="arrow">→<\/span> <span class="host">api\.account\.xiaomi\.com<\/span>/);
    assert.match(f1, /42\.62\.48\.17/);
    assert.match(f1, /<span class="country"[^>]*>CN<\/span>/);
    assert.match(f1, /<span class="badge enc enc-unknown">unknown<\/span>/);
    assert.match(f1, /<span class="badge consent consent-default-on">default-on<\/span>/);
    // the taxonomy's label, one name per category (the title says how the report writes it)
    assert.match(f1, /<span class="chip sens-high" title="high sensitivity">IMEI<\/span>/);
    assert.match(f1, /<span class="chip sens-low" title="low sensitivity · written “carrier name”">Carrier name<\/span>/);
    assert.match(f1, /<span class="chip sens-high" title="high sensitivity · written “phone number”">Phone number \(MSISDN\)<\/span>/);
    assert.match(f1, /<a class="ref" href="#rec-S2" data-ref="S2">S2<\/a>/);
    assert.match(f1, /<a class="ref" href="#rec-E2" data-ref="E2">E2 · frame=22<\/a>/);
  });

  test('file evidence is ✓ verified; web evidence has no hash to check', () => {
    const evidence = result.report.records.filter((r) => r.kind === 'evidence');
    assert.equal(evidence.length, 15);
    for (const r of evidence) {
      const row = element(html, `rec-${r.id}`);
      if (r.fields.has('file')) {
        assert.match(row, /<span class="hash hash-ok"[^>]*><span class="mark">✓<\/span> verified<\/span>/, r.id);
        const sha = scalarText(r.fields.get('sha256'))!;
        assert.match(row, new RegExp(`<code class="sha" title="${sha}">${sha.slice(0, 12)}…</code>`), r.id);
        assert.match(row, new RegExp(`<div class="pa-path">${scalarText(r.fields.get('file'))!.replace(/[.]/g, '\\.')}</div>`));
      } else {
        assert.match(row, /web source/, r.id);
        assert.match(row, /<a class="pa-url" href="https?:\/\/[^"]+" rel="noopener noreferrer">/, r.id);
      }
    }
  });

  test('responses are cards with party and verdict badges', () => {
    const responses = result.report.records.filter((r) => r.kind === 'response');
    assert.equal(responses.length, 7);
    for (const r of responses) {
      const card = element(html, `rec-${r.id}`);
      const verdict = scalarText(r.fields.get('verdict'))!;
      const party = scalarText(r.fields.get('party'))!;
      assert.match(card, /^<article class="record card response-card/);
      assert.match(card, new RegExp(`<span class="badge verdict verdict-${verdict}">${verdict}</span>`), r.id);
      assert.match(card, new RegExp(`<span class="badge party party-${party}">${party}</span>`), r.id);
    }
    const v1 = element(html, 'rec-V1');
    assert.match(v1, /<li>OTA update of 2014-08-10 makes Cloud Messaging opt-in<\/li>/);
    assert.match(v1, /Claimed fix<\/span><span class="pa-value">OTA update 2014-08-10 \(MIUI Cloud Messaging made opt-in\)/);
    assert.match(v1, /<a class="ref" href="#rec-E5" data-ref="E5">E5<\/a>/);
    for (const f of ['F1', 'F2', 'F3', 'F4']) assert.match(v1, new RegExp(`href="#rec-${f}"`));
    assert.match(element(html, 'rec-R1'), /<span class="badge result result-partially-fixed">partially fixed<\/span>/);
  });

  test('findings are ordered by severity, with severity and status badges', () => {
    const order = [...html.matchAll(/<article class="record card finding-card sev-(\w+)[^"]*" id="rec-(FN\d+)"/g)].map((m) => `${m[2]}:${m[1]}`);
    assert.deepEqual(order, ['FN1:high', 'FN2:medium', 'FN3:low', 'FN4:info']);
    const fn3 = element(html, 'rec-FN3');
    assert.match(fn3, /<span class="badge sev sev-low">low<\/span>/);
    assert.match(fn3, /<span class="badge fstatus fstatus-open">open<\/span>/);
    assert.match(fn3, /Recommendation<\/div><div class="pa-text">Publish the list/);
  });

  test('every record carries id, data-record and data-line (its 0-based line)', () => {
    assert.equal(result.report.records.length, 42);
    for (const r of result.report.records) {
      const line = result.report.lines.positionAt(r.span.start).line;
      assert.match(html, new RegExp(`id="rec-${r.id}" data-record="${r.id}" data-line="${line}"`), r.id);
    }
  });

  test('citations link to records that exist in the output', () => {
    assert.match(html, /<a class="citation" href="#rec-E2" data-ref="E2">E2 · frame=22<\/a>/);
    assert.match(html, /<a class="citation" href="#rec-E3" data-ref="E3">E3 · entry=1<\/a>/);
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    const targets = [...html.matchAll(/<a class="(?:citation|ref)" href="#([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(targets.length > 100);
    for (const t of targets) assert.ok(ids.has(t), `link to #${t} has no target`);
    assert.equal(result.report.citations.length, [...html.matchAll(/class="citation"/g)].length);
  });

  test('headings get unique slug ids and are listed for a TOC', () => {
    assert.deepEqual(out.headings.slice(0, 3), [
      { level: 1, text: 'Xiaomi Redmi 1S — MIUI Cloud Messaging data flows (2014)', id: 'xiaomi-redmi-1s-miui-cloud-messaging-data-flows-2014' },
      { level: 2, text: 'Summary', id: 'summary' },
      { level: 2, text: 'Scope and method', id: 'scope-and-method' },
    ]);
    assert.equal(out.headings.length, 10);
    for (const h of out.headings) assert.match(html, new RegExp(`<h${h.level} data-line="\\d+" class="code-line" id="${h.id}">`));
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length, 'element ids are unique');
  });

  test('top-level blocks carry data-line for scroll sync', () => {
    // the prose: the body without the header and the record blocks (whose elements carry their own lines)
    let prose = html.slice(html.indexOf('</header>'));
    for (let i = prose.indexOf('<div class="record-block'); i >= 0; i = prose.indexOf('<div class="record-block')) {
      const block = elementAt(prose, i);
      assert.match(block, /^<div class="record-block record-block-\w+ code-line" data-line="\d+"/);
      prose = prose.slice(0, i) + prose.slice(i + block.length);
    }
    let count = 0;
    for (const tag of ['p', 'h1', 'h2', 'blockquote', 'table', 'ul', 'ol', 'pre']) {
      for (const m of prose.matchAll(new RegExp(`<${tag}[\\s>][^>]*`, 'g'))) {
        assert.match(m[0], /data-line="\d+"/, m[0]);
        count++;
      }
    }
    assert.ok(count > 25, String(count));
    const flowLine = readFileSync(EXAMPLE, 'utf8').split('\n').indexOf('```flow');
    assert.ok(flowLine > 0);
    assert.match(html, new RegExp(`<div class="record-block record-block-flow code-line" data-line="${flowLine}" data-kind="flow">`));
    assert.match(html, /<p data-line="35" class="code-line">A new Redmi 1S/);
  });

  test('a local link and the example output are inert', () => {
    assert.match(html, /<span class="link-blocked" title="Link not followed \(local link not followed: evidence\/\)"><code>evidence\/<\/code><\/span>/);
    assertInert(html);
  });
});

describe('render: lint problems inline', async () => {
  const result = await lintFile(BROKEN);
  const { html } = render(result);

  test('each problem sits inside the record it is about', () => {
    const f2 = element(html, 'rec-F2');
    assert.match(f2, /<div class="problem problem-error" data-line="54" data-rule="PA010" role="note"><span class="problem-rule">PA010<\/span> — <span class="problem-message">The flow F2 cites no evidence/);
    assert.match(f2, /data-rule="PA030"/);
    assert.doesNotMatch(f2, /PA031/);
    assert.match(element(html, 'rec-F1'), /data-rule="PA031"/);
    assert.match(element(html, 'rec-E2'), /data-rule="PA021"/);
    assert.match(element(html, 'rec-E2'), /<span class="hash hash-bad"[^>]*><span class="mark">✗<\/span> <span class="hash-reason">changed since the hash was recorded/);
    assert.match(element(html, 'rec-E4'), /✗<\/span> <span class="hash-reason">file not found/);
    assert.match(element(html, 'rec-E5'), /✗<\/span> <span class="hash-reason">refused: the path climbs out of the workspace/);
    assert.match(element(html, 'rec-E3'), /no hash recorded/);
    assert.match(element(html, 'rec-E1'), /✓<\/span> verified/);
    assert.match(element(html, 'rec-V2'), /data-rule="PA014"/);
    assert.match(element(html, 'rec-R1'), /data-rule="PA013"/);
    assert.match(element(html, 'rec-D1'), /data-rule="PA040"/);
    // the duplicate F1 gets its own element id and keeps its record id
    assert.match(element(html, 'rec-F1-1'), /data-record="F1"[\s\S]*data-rule="PA004"/);
  });

  test('front matter problems go to the header, prose problems after their paragraph', () => {
    assert.match(/<header[\s\S]*?<\/header>/.exec(html)![0], /data-rule="PA041"/);
    assert.match(html, /cites an evidence\s+record that does not exist <span class="citation citation-missing" data-ref="E99"[^>]*>E99<\/span>[\s\S]*?<\/p>\n<div class="problems-after code-line" data-line="10"><div class="problems"><div class="problem problem-error" data-line="12" data-rule="PA005"/);
  });

  test('every diagnostic is shown exactly once', () => {
    const shown = [...html.matchAll(/<div class="problem problem-(\w+)" data-line="(\d+)" data-rule="(PA\d+)"/g)].map((m) => `${m[3]}@${m[2]}`).sort();
    const expected = result.diagnostics.map((d) => `${d.rule}@${d.range.start.line}`).sort();
    assert.deepEqual(shown, expected);
    assert.doesNotMatch(html, /Report problems/);
  });

  test('export mode says how many lint errors remain; preview does not', async () => {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    assert.ok(errors > 1);
    const exported = render(result, { mode: 'export' });
    assert.equal(exported.errors, errors);
    assert.match(exported.html, new RegExp(`<div class="lint-notice" role="alert">This report has ${errors} lint errors\\.`));
    assert.ok(exported.html.indexOf('lint-notice') < exported.html.indexOf('<h1'));
    assert.doesNotMatch(html, /lint-notice/);
    assert.doesNotMatch(render(await lintFile(EXAMPLE), { mode: 'export' }).html, /lint-notice/);
  });

  test('blocks whose YAML cannot be read are shown as escaped source with their problem', async () => {
    const r = await lintFile(BROKEN_YAML);
    const out = render(r).html;
    const block = /<div class="record-block record-block-flow code-line" data-line="13" data-kind="flow">[\s\S]*?<\/pre><\/div><\/div>/.exec(out)?.[0];
    assert.ok(block, 'the first flow block');
    assert.match(block, /data-rule="PA002"/);
    assert.match(block, /<pre><code>```flow\nid: F1\nto: \[api\.example\.com # expect: PA002\n```<\/code><\/pre>/);
    // every PA002 is shown somewhere
    assert.equal([...out.matchAll(/data-rule="PA002"/g)].length, r.diagnostics.filter((d) => d.rule === 'PA002').length);
    assertInert(out);
  });
});

describe('render: masking', async () => {
  test('the device IMEI is masked everywhere', async () => {
    for (const file of [EXAMPLE, BROKEN]) {
      const result = await lintFile(file);
      assert.ok(render(result).html.includes(IMEI), 'unmasked output shows the IMEI (so the test can fail)');
      const masked = render(result, { mask: (s) => s.replaceAll(IMEI, '█████') }).html;
      assert.ok(!masked.includes(IMEI), file);
      assert.match(masked, /<td class="pa-mono">█████<\/td>/);
    }
  });

  test('masking reaches prose, code, titles, headings, link targets, record values and messages', async () => {
    const text = [
      '---', 'audit-format: 1', 'id: M-1', `title: "Phone ${IMEI}"`, 'status: draft', 'date: 2024-01-01', 'auditors: [A]', '---',
      `# Heading ${IMEI}`, '', `Prose ${IMEI}, code \`${IMEI}\`, [link](https://example.org/?imei=${IMEI}) and *${IMEI}*.`, '',
      '```sh', `adb shell getprop | grep ${IMEI}`, '```', '',
      '```flow', 'id: F1', 'from: D1', `to: host-${IMEI}.example`, `description: sent ${IMEI}`, 'data: [imei number]', '```', '',
    ].join('\n');
    const result = await lintText(text, 'mask.audit.md');
    const out = render(result, { mask: (s) => s.replaceAll(IMEI, '█') });
    assert.ok(!out.html.includes(IMEI));
    assert.ok(!out.title.includes(IMEI));
    assert.ok(out.headings.every((h) => !h.text.includes(IMEI) && !h.id.includes(IMEI)));
    assert.match(out.html, /Phone █/);
    assert.match(out.html, /host-█\.example/);
  });
});

describe('render: diagrams', async () => {
  const result = await lintFile(EXAMPLE);
  const dataflow = 'flowchart LR\n  D1["<b>Redmi</b> & co"] --> H["api"]';
  const timeline = 'timeline\n  2014-08-06 : test';

  test('preview: escaped mermaid source after the first flow table and after the last response/retest block', () => {
    const { html } = render(result, { diagrams: { dataflow, timeline } });
    assert.match(html, /<pre class="mermaid" data-diagram="dataflow">flowchart LR\n {2}D1\[&quot;&lt;b&gt;Redmi&lt;\/b&gt; &amp; co&quot;\] --&gt; H\[&quot;api&quot;\]<\/pre>/);
    const flowTable = html.indexOf('</table></div></div>', html.indexOf('flow-table'));
    const fig = html.indexOf('data-diagram="dataflow"');
    assert.ok(fig > flowTable && fig < html.indexOf('F2 carried only'), 'right after the flows block');
    const tl = html.indexOf('data-diagram="timeline"');
    assert.ok(tl > html.indexOf('id="rec-V7"') && tl < html.indexOf('id="findings"'), 'after the last response block');
    assertInert(html);
  });

  test('export: the SVG is embedded as given; SVG with active content is left out', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g><text>F1</text></g></svg>';
    const out = render(result, { mode: 'export', diagrams: { dataflow, dataflowSvg: svg } }).html;
    assert.ok(out.includes(`<div class="diagram-svg">${svg}</div>`));
    assert.doesNotMatch(out, /class="mermaid"/);
    for (const bad of ['<svg><script>alert(1)</script></svg>', '<svg onload="alert(1)"></svg>', '<svg><a href="javascript:alert(1)">x</a></svg>', '<svg><image href="file:///etc/passwd"/></svg>']) {
      const o = render(result, { mode: 'export', diagrams: { dataflowSvg: bad } }).html;
      assert.ok(!o.includes(bad), bad);
      assert.match(o, /diagram-omitted/);
    }
    for (const bad of ['<svg><style>.a{background:url(https://evil.example/x.png)}</style></svg>', '<svg><foreignObject><iframe src="x"></iframe></foreignObject></svg>']) {
      assert.match(render(result, { mode: 'export', diagrams: { dataflowSvg: bad } }).html, /diagram-omitted/, bad);
    }
    // words in a label are text, not content: the diagram stays
    const wordy = '<svg xmlns="http://www.w3.org/2000/svg"><text>javascript: onload= &lt;script&gt;</text></svg>';
    assert.ok(render(result, { mode: 'export', diagrams: { dataflowSvg: wordy } }).html.includes(`<div class="diagram-svg">${wordy}</div>`));
  });

  test('a report without flows gets the diagrams in a section after the header', async () => {
    const r = await lintText('---\naudit-format: 1\nid: X\ntitle: T\nstatus: draft\ndate: 2024-01-01\nauditors: [A]\n---\n# T\n\nText.\n', 'nodiagram.audit.md');
    const { html } = render(r, { diagrams: { dataflow } });
    assert.ok(html.indexOf('<section class="diagrams">') > html.indexOf('</header>'));
    assert.ok(html.indexOf('<section class="diagrams">') < html.indexOf('<h1'));
  });
});

describe('render: findings order', () => {
  test('critical, high, medium, low, info, then unknown; ties keep document order', async () => {
    const text = [
      '---', 'audit-format: 1', 'id: O', 'title: T', 'status: draft', 'date: 2024-01-01', 'auditors: [A]', '---', '',
      '```finding',
      ...['low', 'critical', 'severe', 'info', 'high', 'medium', 'high'].flatMap((s, i) => [`- id: FN${i + 1}`, `  title: t${i + 1}`, `  severity: ${s}`]),
      '```', '',
    ].join('\n');
    const { html } = render(await lintText(text, 'order.audit.md'));
    const order = [...html.matchAll(/<article class="record card finding-card sev-(\w+)[^"]*" id="rec-(FN\d+)"/g)].map((m) => `${m[2]}:${m[1]}`);
    assert.deepEqual(order, ['FN2:critical', 'FN5:high', 'FN7:high', 'FN6:medium', 'FN1:low', 'FN4:info', 'FN3:unknown']);
    assert.match(html, /<span class="badge sev sev-unknown">severe<\/span>/);
  });
});

const HOSTILE = `---
audit-format: 1
id: "X<script>alert(1)</script>"
title: "<script>alert('t')</script><img src=x onerror=alert(1)> & \\" onmouseover=\\"x"
status: "draft\\" onclick=\\"x"
date: 2024-01-01
auditors: ["<b onmouseover=alert(1)>Mallory</b>", {name: "\\" onclick=\\"x", org: "<iframe src=file:///etc/passwd>", contact: "javascript:alert(1)"}]
subject: "<svg onload=alert(1)>"
classification: "confidential\\" onclick=\\"x"
---
# Title <script>alert(1)</script> <img src=x onerror=alert(1)>

<script>alert(1)</script>

<img src=x onerror=alert(1)>

<iframe src=file:///etc/passwd></iframe>

<div style="position:fixed" onclick="alert(1)">styled</div>

Links: [x](javascript:alert(1)) [X](JaVaScRiPt:alert(1)) [tab](java\tscript:alert(1)) [ent](&#106;avascript:alert(1))
[y](command:workbench.action.terminal.new) [v](vscode://file/etc/passwd) [d](data:text/html;base64,PHNjcmlwdD4=)
[f](file:///etc/passwd) [r](../../secret.txt) [p](//evil.example/x) <javascript:alert(1)> <command:x>
[ok](https://example.org/a "t\\" onclick=\\"x") [mail](mailto:a@example.org) [in](#summary) [ref link][r1]

[r1]: javascript:alert(2)

Images: ![i](https://evil.example/p.png) ![j](file:///etc/passwd) ![k](javascript:alert(1)) ![<b>alt</b>](x.png)

| a | b |
|:-:|--:|
| <script>x</script> | \` <img src=x> \` |

Quote-breaking citation: [@E1" onmouseover="x] and a real one [@F1">].

\`\`\`flow
- id: 'F1" onmouseover="x'
  from: "<script>alert(1)</script>"
  to: "<img src=x onerror=alert(1)>"
  data: ["<b>IMEI</b>", "IMEI\\" onmouseover=\\"alert(1)"]
  encryption: "none\\" onclick=\\"x"
  consent: "<i>none</i>"
  evidence: ['E1" onmouseover="x', "javascript:alert(1)"]
  step: "S1\\"><script>alert(1)</script>"
  description: "<iframe src=file:///etc/passwd>"
  colour: "<script>v</script>"
\`\`\`

\`\`\`evidence
- id: E1
  url: "javascript:alert(1)"
  description: "<script>x</script>"
- id: E2
  file: "file:///etc/passwd"
  sha256: "\\"><script>alert(1)</script>"
- id: E3
  url: "https://example.org/x\\"onmouseover=\\"alert(1)"
  kind: "web\\" onclick=\\"x"
\`\`\`

\`\`\`device
id: D1
vendor: "<script>alert(1)</script>"
identifiers: {IMEI: "<script>1</script>", "phone number": "<img src=x onerror=alert(1)>"}
\`\`\`

\`\`\`response
id: V1
party: "vendor\\" onclick=\\"x"
source: "javascript:alert(1)"
statement: "<script>alert(1)</script>"
claims: ["<img src=x onerror=alert(1)>"]
addresses: ["command:x"]
verdict: "<b>mixed</b>"
\`\`\`

\`\`\`retest
id: R1
result: "fixed\\" onclick=\\"x"
observed: "<iframe src=file:///etc/passwd>"
\`\`\`

\`\`\`finding
id: FN1
title: "<script>alert(1)</script>"
severity: "high\\" onclick=\\"x"
recommendation: "<img src=x onerror=alert(1)>"
\`\`\`

\`\`\`step
id: S1
action: [unclosed
\`\`\`
`;

describe('render: a hostile report', async () => {
  const result = await lintText(HOSTILE);
  const outputs = [
    render(result),
    render(result, { mode: 'export' }),
    render(result, { mask: (s) => s.replaceAll('Mallory', 'M.') }),
  ];

  test('nothing active comes out', () => {
    for (const { html } of outputs) {
      assertInert(html);
      assert.doesNotMatch(html, /<script/i);
      assert.doesNotMatch(html, /<img/i);
      assert.doesNotMatch(html, /<iframe/i);
      assert.doesNotMatch(html, /<[^>]*\son\w+\s*=/i, 'an event handler attribute (outside attribute values)');
      assert.doesNotMatch(html, /javascript:/i);
      assert.doesNotMatch(html, /command:/i);
      assert.doesNotMatch(html, /href="(?!#|https?:\/\/|mailto:)/i);
      assert.doesNotMatch(html, /href="file:/i);
    }
  });

  test('refused links stay text, allowed ones get rel=noopener', () => {
    const { html } = outputs[0]!;
    assert.match(html, /<span class="link-blocked" title="Link not followed \(blocked javascript link\)">x<\/span>/);
    assert.match(html, /<span class="link-blocked" title="Link not followed \(blocked command link\)">y<\/span>/);
    assert.match(html, /<span class="link-blocked" title="Link not followed \(blocked file link\)">f<\/span>/);
    assert.match(html, /<span class="link-blocked" title="Link not followed \(local link not followed: ..\/..\/secret.txt\)">r<\/span>/);
    assert.match(html, /<a href="https:\/\/example.org\/a" rel="noopener noreferrer" title="t&quot; onclick&#61;&quot;x">ok<\/a>/);
    assert.match(html, /<a href="mailto:a@example.org" rel="noopener noreferrer">mail<\/a>/);
    assert.match(html, /<a href="#summary">in<\/a>/);
    assert.match(html, /<span class="image-placeholder">\[image: i — https:\/\/evil.example\/p.png\]<\/span>/);
    assert.match(html, /<span class="image-placeholder">\[image: j — blocked file link\]<\/span>/);
  });

  test('HTML in prose, front matter and YAML values is shown as text', () => {
    const { html, title } = outputs[0]!;
    assert.equal(title, `<script>alert('t')</script><img src=x onerror=alert(1)> & " onmouseover="x`);
    assert.match(html, /<div class="report-title" role="heading" aria-level="1">&lt;script&gt;alert\(&#39;t&#39;\)&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt; &amp; &quot; onmouseover=&quot;x<\/div>/);
    assert.match(html, /<p data-line="\d+" class="code-line">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>/);
    assert.match(html, /<span class="host">&lt;img src=x onerror=alert\(1\)&gt;<\/span>/);
    // the quote-breaking id is escaped in data-record and reduced to safe characters in id
    assert.match(html, /id="rec-F1__onmouseover__x" data-record="F1&quot; onmouseover&#61;&quot;x"/);
    // a block that cannot be parsed is shown as text
    assert.match(html, /<pre><code>```step\nid: S1\naction: \[unclosed\n```<\/code><\/pre>/);
    assert.doesNotMatch(html, /<[^>]*style=/);
    assert.match(html, /<span class="link-blocked" title="Link not followed \(blocked protocol-relative link\)">p<\/span>/);
  });
});

describe('render: every example and fixture', () => {
  const reports = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) return reports(p);
      return name.endsWith('.audit.md') ? [p] : [];
    });
  for (const file of [...reports(path.join(ROOT, 'examples')), ...reports(path.join(ROOT, 'test', 'fixtures'))]) {
    test(path.relative(ROOT, file), async () => {
      const raw = readFileSync(file, 'latin1');
      const text = raw.includes('\u0000') ? raw : readFileSync(file, 'utf8');
      const result = await new Linter().lint(text, { filePath: file, root: ROOT });
      for (const mode of ['preview', 'export'] as const) {
        const { html } = render(result, { mode });
        assertInert(html);
        // each diagnostic is shown exactly once, wherever it lands
        const shown = [...html.matchAll(/<div class="problem problem-\w+" data-line="(\d+)" data-rule="(PA\d+)"/g)].map((m) => `${m[2]}@${m[1]}`).sort();
        assert.deepEqual(shown, result.diagnostics.map((d) => `${d.rule}@${d.range.start.line}`).sort());
        const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
        assert.equal(new Set(ids).size, ids.length, 'element ids are unique');
      }
    });
  }
});

describe('render: link policy and slugs', () => {
  test('only http(s), mailto and #anchors pass', () => {
    for (const ok of ['https://example.org', 'http://a.b/c?d#e', 'mailto:x@y.z', '#rec-E1', 'HTTPS://EXAMPLE.ORG']) assert.equal(linkPolicy(ok).ok, true, ok);
    for (const bad of ['javascript:alert(1)', ' javascript:x', 'JAVASCRIPT:x', 'java\tscript:x', '\u0001javascript:x', 'data:text/html,x', 'file:///etc/passwd', 'command:x', 'vscode://x', 'vscode-resource:/x', '//evil.example', 'evidence/a.pcap', '../x', 'https:/x', 'http://', '']) {
      assert.equal(linkPolicy(bad).ok, false, JSON.stringify(bad));
    }
  });

  test('slugs', () => {
    assert.equal(slugify('Vendor response and fix'), 'vendor-response-and-fix');
    assert.equal(slugify('Title <script>alert(1)</script>'), 'title-scriptalert1script');
    assert.equal(slugify('Überblick & Ziele'), 'überblick-ziele');
    assert.equal(slugify('!!!'), 'section');
  });
});
