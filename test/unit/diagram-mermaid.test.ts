/**
 * The generated diagrams through mermaid's own parser and renderer, in
 * Debian's Chromium (headless, offline) via src/node/mermaid.ts: every
 * diagram parses; the example's SVG has the expected nodes and edges; the
 * hostile report's SVG holds no script, event handler or javascript: URL.
 * Screenshots go to test-output/screenshots/diagram-*.png.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH); without it the
 * tests fail, they do not skip: CI installs chromium.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { dataFlowDiagram, timelineDiagram } from '../../src/core/present/diagram';
import { BrowserNotFoundError, findBrowser } from '../../src/node/browser';
import { diagramOutput, diagramText } from '../../src/cli/diagram-command';
import { openMermaid, type MermaidSession } from '../../src/node/mermaid';
import { BROKEN, exampleText, hostileReportText, largeReportText, load, mixedReportText, REPO } from './diagram-fixtures';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(REPO, 'test-output', 'screenshots');

let session: MermaidSession | undefined;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. These tests need it and do not skip: install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  session = await openMermaid({ browserPath: CHROMIUM });
});

after(async () => {
  await session?.close();
});

function mermaid(): MermaidSession {
  if (!session) throw new Error('the browser did not start (see the error of the before hook)');
  return session;
}

function diagrams(text: string) {
  const { report, taxonomy } = load(text);
  return { df: dataFlowDiagram(report, taxonomy), tl: timelineDiagram(report) };
}

/** Counts of what mermaid 11 draws in a flowchart SVG. */
function svgCounts(svg: string) {
  return {
    edges: (svg.match(/<path [^>]*class="[^"]*\bflowchart-link\b/g) ?? []).length,
    nodes: (svg.match(/<g class="node[ "]/g) ?? []).length,
    clusters: (svg.match(/<g class="cluster[ "]/g) ?? []).length,
  };
}

/** Inspects an SVG string in an inert document: markup that could run code, and its visible text. */
async function inspect(svg: string): Promise<{ parseError: boolean; bad: string[]; text: string }> {
  return mermaid().page.evaluate((s) => {
    const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
    const bad: string[] = [];
    for (const el of Array.from(doc.querySelectorAll('*'))) {
      if (/^(script|iframe|object|embed)$/i.test(el.localName)) bad.push(`<${el.localName}>`);
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`${el.localName} ${a.name}`);
        if (/javascript:|vbscript:|data:text\/html/i.test(a.value)) bad.push(`${el.localName} ${a.name}=${a.value}`);
        if (/href$/i.test(a.name) && !a.value.startsWith('#')) bad.push(`${el.localName} ${a.name}=${a.value}`);
      }
    }
    return { parseError: !!doc.querySelector('parsererror'), bad, text: doc.documentElement.textContent ?? '' };
  }, svg);
}

async function screenshot(svg: string, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const page = await mermaid().page.context().newPage();
  try {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.setContent(`<!doctype html><html><body style="margin:16px;background:#fff">${svg}</body></html>`);
    await page.locator('svg').first().screenshot({ path: path.join(SHOTS, `diagram-${name}.png`) });
  } finally {
    await page.close();
  }
}

describe('mermaid accepts every generated diagram', () => {
  test('example, mixed, fixed, hostile, large, empty', async () => {
    const fixed = exampleText().replace('result: partially-fixed', 'result: fixed');
    const sources: [string, string][] = [
      ['example', exampleText()],
      ['fixed', fixed],
      ['mixed', mixedReportText()],
      ['hostile', hostileReportText()],
      ['large', largeReportText(200, 60)],
      ['large-2000', largeReportText(2000, 900)],
      ['empty', '---\naudit-format: 1\n---\n'],
    ];
    const texts = sources.flatMap(([name, t]) => {
      const d = diagrams(t);
      return [[`${name} data flow`, d.df.text], [`${name} timeline`, d.tl.text]] as const;
    });
    const results = await mermaid().parse(texts.map(([, t]) => t));
    results.forEach((r, i) => assert.ok(r.ok, `${texts[i]![0]}: ${r.error}\n${texts[i]![1]}`));
  });

  test('each broken example', async () => {
    const files = readdirSync(BROKEN).filter((f) => f.endsWith('.audit.md'));
    assert.ok(files.length >= 4);
    const texts = files.flatMap((f) => {
      const d = diagrams(readFileSync(path.join(BROKEN, f), 'utf8'));
      return [[`${f} data flow`, d.df.text], [`${f} timeline`, d.tl.text]] as const;
    });
    const results = await mermaid().parse(texts.map(([, t]) => t));
    results.forEach((r, i) => assert.ok(r.ok, `${texts[i]![0]}: ${r.error}`));
  });

  test('the parser does reject broken text (the check can fail)', async () => {
    const [r] = await mermaid().parse(['flowchart LR\n  n1["unclosed]\n']);
    assert.equal(r!.ok, false);
    assert.ok(r!.error);
  });
});

describe('rendered SVG', () => {
  test('example data flow: the nodes, edges and subgraphs we generated', async () => {
    const { df } = diagrams(exampleText());
    const [svg] = await mermaid().render([df.text]);
    const c = svgCounts(svg!);
    assert.equal(c.edges, df.edges + df.legendEdges); // 1 + 3
    assert.equal(c.nodes, df.nodes + df.legendNodes); // 2 + 6
    assert.equal(c.clusters, 2); // China, legend
    const { parseError, bad, text } = await inspect(svg!);
    assert.equal(parseError, false, 'the SVG is well-formed XML');
    assert.deepEqual(bad, []);
    for (const s of ['D1 · Xiaomi Redmi 1S', 'CN · China', 'api.account.xiaomi.com', '42.62.48.17, 42.62.48.113', 'Phone number (MSISDN)', 'Retest: R1 partially fixed', 'Legend']) {
      assert.ok(text.includes(s), `${s} is shown`);
    }
    // the danger edge is drawn thick and red
    assert.match(svg!, /<path [^>]*id="[^"]*L_n1_n3_0"[^>]*style="[^"]*stroke:#c62828/);
    await screenshot(svg!, 'dataflow-example');
  });

  test('mixed report data flow; SVG edge i is flow edge i', async () => {
    const { df } = diagrams(mixedReportText());
    const [svg] = await mermaid().render([df.text]);
    const c = svgCounts(svg!);
    // the preview maps the i-th edge path to edgeFlows[i]: mermaid keeps our order, legend last
    const drawn = [...svg!.matchAll(/<path [^>]*id="[^"]*-L_(n\d+)_(n\d+)_\d+"[^>]*class="[^"]*flowchart-link/g)].map((m) => `${m[1]}>${m[2]}`);
    const written = [...df.text.matchAll(/^ {2}(n\d+) (?:-->|==>|-\.->)\|.*\| (n\d+)$/gm)].map((m) => `${m[1]}>${m[2]}`);
    assert.equal(written.length, df.edges);
    assert.deepEqual(drawn.slice(0, df.edges), written);
    for (let i = 0; i < df.edges; i++) {
      const [from, to] = written[i]!.split('>');
      assert.deepEqual(df.edgeFlows[i], df.nodeFlows[from!]!.filter((f) => df.nodeFlows[to!]!.includes(f)));
    }
    assert.equal(c.edges, df.edges + df.legendEdges);
    assert.equal(c.nodes, df.nodes + df.legendNodes);
    assert.equal(c.clusters, 7); // D1 with components, CN, DE, SG, US, unknown, legend
    await screenshot(svg!, 'dataflow-mixed');
  });

  test('large report: collapsed, renders with the counted edges', async () => {
    const { df } = diagrams(largeReportText(200, 60));
    const t = performance.now();
    const [svg] = await mermaid().render([df.text]);
    const ms = performance.now() - t;
    const c = svgCounts(svg!);
    assert.equal(c.edges, df.edges + df.legendEdges);
    assert.equal(c.nodes, df.nodes + df.legendNodes);
    assert.ok(ms < 20_000, `${ms} ms`);
    await screenshot(svg!, 'dataflow-large');
  });

  test('example timeline', async () => {
    const { tl } = diagrams(exampleText());
    const [svg] = await mermaid().render([tl.text]);
    const { parseError, bad, text } = await inspect(svg!);
    assert.equal(parseError, false);
    assert.deepEqual(bad, []);
    // the timeline wraps words into separate <tspan>s: compare without white space
    const flat = text.replace(/\s+/g, '');
    for (const s of ['2014-08-06', '2014-10-24', 'August 2014', 'Report date (final)', 'Steps S1–S7', 'R1 retest — partially fixed (F1–F4)']) assert.ok(flat.includes(s.replace(/\s+/g, '')), `${s} is shown`);
    await screenshot(svg!, 'timeline-example');
  });

  test('hostile report: no script, no event handler, no javascript: URL; the text shows as text', async () => {
    const { df, tl } = diagrams(hostileReportText());
    const svgs = await mermaid().render([df.text, tl.text]);
    for (const svg of svgs) {
      assert.ok(!/<script/i.test(svg), 'no <script');
      assert.ok(!/<[^>]*\son[a-z]+\s*=/i.test(svg), 'no on…= attribute in any tag');
      assert.ok(!/<[^>]*javascript:/i.test(svg), 'no javascript: in any tag');
      assert.ok(!/<img/i.test(svg), 'no <img');
      const { parseError, bad, text } = await inspect(svg);
      assert.equal(parseError, false);
      assert.deepEqual(bad, []);
      // the report's words are there, as text (the `<` is text, not markup)
      assert.ok(text.replace(/\s+/g, '').includes('clickn1callalert(1)'), 'hostile text is shown');
    }
    assert.equal(svgCounts(svgs[0]!).edges, df.edges + df.legendEdges);
    await screenshot(svgs[0]!, 'dataflow-hostile');
    await screenshot(svgs[1]!, 'timeline-hostile');
  });

  test('dark theme renders too', async () => {
    const { df, tl } = diagrams(exampleText());
    const dark = await openMermaid({ browserPath: CHROMIUM, theme: 'dark', idPrefix: 'dark' });
    try {
      const [a, b] = await dark.render([df.text, tl.text]);
      assert.match(a!, /<svg[^>]*id="dark-1"/);
      assert.ok(b!.includes('2014-08-06'));
      await screenshot(a!, 'dataflow-example-dark');
    } finally {
      await dark.close();
    }
  });
});

describe('privacy-audit diagram (src/cli/diagram-command.ts)', () => {
  test("mermaid text, masked with the report's redaction", () => {
    const text = exampleText().replace('to: api.account.xiaomi.com\n  address: 42.62.48.113', 'to: api.account.xiaomi.com\n  address: 869999012345677');
    const out = diagramText(text);
    assert.ok(out.startsWith('flowchart LR\n'));
    assert.ok(!out.includes('869999012345677'));
    assert.match(out, /#91;redacted#93;/);
    assert.ok(diagramText(text, { kind: 'timeline' }).startsWith('timeline\n'));
  });

  test('--format svg: a well-formed standalone SVG', async () => {
    const svg = await diagramOutput(exampleText(), { format: 'svg', browser: CHROMIUM });
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.endsWith('</svg>\n'));
    const { parseError, bad } = await inspect(svg);
    assert.equal(parseError, false, 'parses as XML (HTML labels serialised as XHTML)');
    assert.deepEqual(bad, []);
    const tl = await diagramOutput(exampleText(), { format: 'svg', kind: 'timeline', browser: CHROMIUM });
    assert.match(tl, /aria-roledescription="timeline"/);
  });

  test('a missing browser: an error that says what to do', async () => {
    assert.throws(() => findBrowser('/nonexistent/chrome'), (e: Error) => e instanceof BrowserNotFoundError && /--browser/.test(e.message) && e.message.includes('/nonexistent/chrome'));
    assert.throws(() => findBrowser(undefined, 'win32', {}), (e: Error) => e instanceof BrowserNotFoundError && /install Google Chrome/.test(e.message) && /--browser PATH/.test(e.message) && /never downloads/.test(e.message));
    assert.throws(() => findBrowser(undefined, 'darwin', {}), (e: Error) => e instanceof BrowserNotFoundError && /brew install --cask chromium/.test(e.message));
    await assert.rejects(diagramOutput(exampleText(), { format: 'svg', browser: '/nonexistent/chrome' }), BrowserNotFoundError);
    assert.equal(findBrowser(CHROMIUM), CHROMIUM);
  });
});
