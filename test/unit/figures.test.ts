/**
 * Figures (issue 11): numbered captions, the data-flow key as a caption row
 * instead of a legend inside the drawing, theme colours, the records a node
 * reveals, and the cache of drawn diagrams that lets a repeated export skip
 * mermaid.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { dataFlowDiagram, timelineDiagram } from '../../src/core/present/diagram';
import { Linter } from '../../src/core/lint/linter';
import { numberFigures } from '../../src/core/present/render/figures';
import { renderReport } from '../../src/core/present/render/html';
import { DiagramCache, defaultDiagramCacheDir, MAX_FILES } from '../../src/node/diagram-cache';
import { Exporter } from '../../src/node/export';
import { EXAMPLE, exampleText, load } from './diagram-fixtures';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const tmp = mkdtempSync(path.join(tmpdir(), 'pa-figures-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function renderedExample(extraProse = ''): Promise<string> {
  const text = exampleText() + extraProse;
  const result = await new Linter().lint(text, { filePath: EXAMPLE, root: path.dirname(EXAMPLE) });
  const df = dataFlowDiagram(result.report, result.taxonomy, { legend: false });
  const tl = timelineDiagram(result.report);
  return renderReport(result, { mode: 'preview', diagrams: { dataflow: df.text, timeline: tl.text, dataflowLegend: df.legendItems } }).html;
}

describe('figures: numbers and the data-flow key', () => {
  test('the diagrams are Figure 1 and Figure 2, in document order, with ids the text can link to', async () => {
    const html = await renderedExample();
    const captions = [...html.matchAll(/<figure[^>]*id="(fig-[a-z]+)"[^>]*>[\s\S]*?<span class="figure-label">Figure (\d+|\?)<\/span> — ([^<]+)/g)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(captions, [
      ['fig-dataflow', '1', 'Data flows observed in this audit'],
      ['fig-timeline', '2', 'Timeline of events'],
    ]);
    assert.doesNotMatch(html, /<!--pa-fig/, 'every number mark is resolved');
  });

  test('numberFigures: numbers by first appearance; a mark of a missing figure reads "?"', () => {
    const { parts, figures } = numberFigures(['<p>see <!--pa-fig:timeline--></p>', '<figure data-figure="dataflow"><!--pa-fig:dataflow--></figure><figure data-figure="timeline"><!--pa-fig:timeline--></figure>', '<!--pa-fig:nope-->']);
    assert.deepEqual([...figures], [['dataflow', 1], ['timeline', 2]]);
    assert.deepEqual(parts, ['<p>see 2</p>', '<figure data-figure="dataflow">1</figure><figure data-figure="timeline">2</figure>', '?']);
  });

  test('the key is a caption row listing the line styles the diagram uses; the drawing has no legend', async () => {
    const { report, taxonomy } = load(exampleText());
    const withLegend = dataFlowDiagram(report, taxonomy);
    const without = dataFlowDiagram(report, taxonomy, { legend: false });
    assert.match(withLegend.text, /Legend/, 'the diagram command keeps its legend by default');
    assert.ok(withLegend.legendNodes > 0 && withLegend.legendEdges === 3);
    assert.doesNotMatch(without.text, /Legend|legendDot|legendNote/);
    assert.equal(without.legendNodes, 0);
    assert.equal(without.legendEdges, 0);
    // the example's one edge is a danger edge: the key lists that style only
    assert.deepEqual(without.edgeRisks, ['danger']);
    assert.deepEqual(without.legendItems.map((l) => l.risk), ['danger']);
    const html = await renderedExample();
    const legend = /<ul class="diagram-legend"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    assert.match(legend, /<li class="legend-danger"><span class="legend-line" aria-hidden="true"><\/span>high-sensitivity data unencrypted or without opt-in consent<\/li>/);
    assert.equal((legend.match(/<li/g) ?? []).length, 1);
  });

  test('theme palette: nodes get no fill or text colour of their own (the theme colours them); strokes stay', () => {
    const { report, taxonomy } = load(exampleText());
    const light = dataFlowDiagram(report, taxonomy, { legend: false });
    const themed = dataFlowDiagram(report, taxonomy, { legend: false, palette: 'theme' });
    const classDefs = (t: string) => t.split('\n').filter((l) => l.trim().startsWith('classDef'));
    assert.ok(classDefs(light.text).some((l) => /fill:#/.test(l)));
    assert.ok(classDefs(themed.text).length >= 3);
    for (const l of classDefs(themed.text)) {
      assert.doesNotMatch(l, /fill:|color:/, l);
      assert.match(l, /stroke:#/, l);
    }
  });

  test('a device node reveals its device record, an endpoint its first flow', () => {
    const { report, taxonomy } = load(exampleText());
    const d = dataFlowDiagram(report, taxonomy, { legend: false });
    const device = d.text.split('\n').find((l) => /:::device/.test(l) && /D1/.test(l))!;
    const deviceNode = /\b(n\d+)\[/.exec(device)![1]!;
    assert.equal(d.nodeRecords[deviceNode], 'D1');
    const endpointNodes = Object.keys(d.nodeFlows).filter((n) => n !== deviceNode);
    assert.ok(endpointNodes.length >= 1);
    for (const n of endpointNodes) assert.equal(d.nodeRecords[n], d.nodeFlows[n]![0]);
  });
});

describe('the cache of drawn diagrams', () => {
  test('where it lives: PRIVACY_AUDIT_CACHE_DIR, empty turns it off; else the platform cache folder', () => {
    assert.equal(defaultDiagramCacheDir({ PRIVACY_AUDIT_CACHE_DIR: '' }, 'linux'), undefined);
    assert.equal(defaultDiagramCacheDir({ PRIVACY_AUDIT_CACHE_DIR: '/x/y' }, 'linux'), path.join('/x/y', 'diagrams'));
    assert.equal(defaultDiagramCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux'), path.join('/c', 'privacy-audit', 'diagrams'));
    assert.match(defaultDiagramCacheDir({}, 'darwin')!, /Library[\\/]Caches[\\/]privacy-audit[\\/]diagrams$/);
    assert.equal(defaultDiagramCacheDir({ LOCALAPPDATA: 'C:\\L' }, 'win32'), path.join('C:\\L', 'privacy-audit', 'diagrams'));
  });

  test('keys depend on the text, the theme and the mermaid bundle; a stored drawing comes back; junk is a miss', async () => {
    const bundle = path.join(tmp, 'mermaid-a.js');
    writeFileSync(bundle, 'version a');
    const dir = path.join(tmp, 'cache-1');
    const cache = new DiagramCache(dir, () => bundle);
    const k = cache.key('default', 'flowchart LR\n  a --> b\n');
    assert.notEqual(k, cache.key('dark', 'flowchart LR\n  a --> b\n'));
    assert.notEqual(k, cache.key('default', 'flowchart LR\n  a --> c\n'));
    const bundleB = path.join(tmp, 'mermaid-b.js');
    writeFileSync(bundleB, 'version b');
    assert.notEqual(k, new DiagramCache(dir, () => bundleB).key('default', 'flowchart LR\n  a --> b\n'));
    assert.equal(await cache.get(k), undefined);
    await cache.set(k, '<svg id="x"><g/></svg>');
    assert.equal(await cache.get(k), '<svg id="x"><g/></svg>');
    writeFileSync(path.join(dir, `${k}.svg`), 'not an svg');
    assert.equal(await cache.get(k), undefined, 'a file that is not an SVG is a miss');
    assert.equal(await cache.get('../../etc/passwd'), undefined, 'a key is 64 hex digits, nothing else');
    assert.equal(await new DiagramCache(undefined, () => bundle).get(k), undefined);
  });

  test(`it keeps at most ${MAX_FILES} drawings, dropping the oldest`, async () => {
    const bundle = path.join(tmp, 'mermaid-c.js');
    writeFileSync(bundle, 'c');
    const dir = path.join(tmp, 'cache-2');
    const cache = new DiagramCache(dir, () => bundle);
    const first = cache.key('default', 'text 0');
    await cache.set(first, '<svg>0</svg>');
    utimesSync(path.join(dir, `${first}.svg`), new Date(1_000_000), new Date(1_000_000));
    for (let i = 1; i <= MAX_FILES; i++) await cache.set(cache.key('default', `text ${i}`), `<svg>${i}</svg>`);
    const files = readdirSync(dir).filter((n) => n.endsWith('.svg'));
    assert.equal(files.length, MAX_FILES);
    assert.ok(!existsSync(path.join(dir, `${first}.svg`)), 'the oldest went first');
  });

  test('a repeated export of an unchanged report takes its diagram from the cache and draws nothing', { timeout: 120_000 }, async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH); this test does not skip`);
    const dir = path.join(tmp, 'cache-3');
    const first = new Exporter({ browserPath: CHROMIUM, diagramCacheDir: dir });
    const second = new Exporter({ browserPath: CHROMIUM, diagramCacheDir: dir });
    try {
      const opts = { text: exampleText(), filePath: EXAMPLE, root: path.dirname(EXAMPLE) };
      const a = await first.export({ ...opts, html: path.join(tmp, 'a.html') });
      assert.ok(first.diagramStats.drawn >= 1, 'the first export draws');
      assert.equal(first.diagramStats.cached, 0);
      const b = await second.export({ ...opts, html: path.join(tmp, 'b.html') });
      assert.equal(second.diagramStats.drawn, 0, 'the second export draws nothing');
      assert.ok(second.diagramStats.cached >= 1);
      assert.equal(a.warnings.length, 0);
      assert.equal(b.warnings.length, 0);
      const svgOf = (f: string) => /<svg[\s\S]*?<\/svg>/.exec(readFileSync(f, 'utf8'))?.[0];
      assert.ok(svgOf(path.join(tmp, 'a.html')));
      assert.equal(svgOf(path.join(tmp, 'b.html')), svgOf(path.join(tmp, 'a.html')), 'the same drawing, byte for byte');
      // a changed report is drawn again
      const changed = await second.export({ ...opts, text: opts.text.replaceAll('api.account.xiaomi.com', 'api2.account.xiaomi.com'), html: path.join(tmp, 'c.html') });
      assert.equal(changed.warnings.length, 0);
      assert.equal(second.diagramStats.drawn, 1);
    } finally {
      await first.dispose();
      await second.dispose();
    }
  });
});

describe('citing a figure', () => {
  test('[@fig:dataflow] reads "Figure 1" and links to the figure, before or after it; an unknown figure reads "Figure ?"', async () => {
    const html = await renderedExample('\nAs [@fig:dataflow] and [@fig:timeline] show; see also [@fig:nothing].\n');
    assert.match(html, /As <a class="figure-ref" href="#fig-dataflow">Figure 1<\/a> and <a class="figure-ref" href="#fig-timeline">Figure \d+<\/a> show; see also <a class="figure-ref" href="#fig-nothing">Figure \?<\/a>\./);
    const timelineNo = /<figure[^>]*id="fig-timeline"[\s\S]*?<span class="figure-label">Figure (\d+)<\/span>/.exec(html)![1];
    assert.match(html, new RegExp(`href="#fig-timeline">Figure ${timelineNo}</a>`));
    // written as a citation of a record it is not: `[@fig]` stays a citation and `fig:` never becomes one
    assert.doesNotMatch(html, /<!--pa-fig/);
  });
});
