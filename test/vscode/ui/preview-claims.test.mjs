// The preview of the bundled example once the lint has read its captures, in
// VS Code 1.100 (code-server) through Chromium: under flow F1 the claim check
// and the exhibit of E2 · frame=22 (the request, every declared value a
// masked marker), under F4 the exhibit of E3 · entry=1 with its header and
// its transform chain; the data-flow diagram's label says the capture
// confirms the flow; retest R1's comparison says IMEI and contacts stopped
// and suggests "fixed"; and nowhere in the preview's text or HTML is any
// declared identifier of D1, in any form the capture scan searches for.
// Screenshots: test-output/screenshots/preview-exhibit-{light,dark}.png and
// preview-retest-compare-light.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, TEXT_EDITOR_FIRST, poll, screenshot, webviewFrame, workbenchSession } from '../harness.mjs';

const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';
/** The exhibits appear once the lint has read the captures (tshark for the pcapng): longer than a plain render. */
const CAPTURES_READ_MS = 90_000;

/**
 * Every literal a declared identifier of the example can show as, from the
 * project's own code (the needles the capture scan searches captures with):
 * `exact` compared as written, `caseless` (hex of the text or of a digest)
 * compared lower-cased. Loaded through tsx when a test asks, so that a run
 * of other UI tests does not pay for it.
 */
async function declaredNeedles() {
  const { tsImport } = await import('tsx/esm/api');
  const load = (rel) => tsImport(pathToFileURL(path.join(REPO_ROOT, rel)).href, import.meta.url);
  const [{ parseReport }, { canariesOf }, { formsOf }, { needlesOf }, { taxonomyFor }, { DEFAULT_CONFIG }] = await Promise.all(
    ['src/core/report/parse.ts', 'src/core/capture/canaries.ts', 'src/core/capture/forms.ts', 'src/core/capture/needles.ts', 'src/core/lint/linter.ts', 'src/core/lint/config.ts'].map(load),
  );
  const report = parseReport(fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8'));
  const canaries = canariesOf(report, taxonomyFor(report, DEFAULT_CONFIG)).filter((c) => c.device === 'D1');
  const exact = new Set();
  const caseless = new Set();
  for (const c of canaries) {
    const n = needlesOf(formsOf(c));
    for (const x of n.exact) exact.add(x);
    for (const x of n.caseless) caseless.add(x.toLowerCase());
    // and the whole value percent-encoded once and twice, and base64 of it (padded, and URL-safe)
    for (const x of [encodeURIComponent(c.value), encodeURIComponent(encodeURIComponent(c.value)), Buffer.from(c.value).toString('base64'), Buffer.from(c.value).toString('base64url')]) exact.add(x);
  }
  return { canaries, exact: [...exact], caseless: [...caseless] };
}

/**
 * The needles of `needles` found in `text` (as written, and with all white
 * space taken out of both sides), each with the text around its first
 * occurrence, the needle itself shown as «…» (for the failure message).
 */
function needlesIn(text, needles) {
  const squash = (s) => s.replace(/\s+/g, '');
  const flat = squash(text);
  const lower = text.toLowerCase();
  const flatLower = flat.toLowerCase();
  const around = (hay, at, n) => `${hay.slice(Math.max(0, at - 50), at)}«…»${hay.slice(at + n.length, at + n.length + 50)}`.replace(/\s+/g, ' ');
  const found = (hay, n) => (hay.includes(n) ? around(hay, hay.indexOf(n), n) : undefined);
  const hits = [];
  for (const n of needles.exact) {
    const where = found(text, n) ?? found(flat, squash(n));
    if (where) hits.push({ needle: n, where });
  }
  for (const n of needles.caseless) {
    const where = found(lower, n) ?? found(flatLower, n);
    if (where) hits.push({ needle: n, where });
  }
  return hits;
}

/** Fails naming where each needle was found, per place looked in (`{ "the preview's text": hits, … }`). */
function assertNone(hitsByPlace) {
  const report = Object.entries(hitsByPlace)
    .filter(([, hits]) => hits.length)
    .map(([what, hits]) => `${hits.length} forms of D1's identifiers in ${what}:\n${hits.map((h) => `  ${h.needle}: …${h.where}…`).join('\n')}`);
  assert.ok(!report.length, report.join('\n'));
}

describe('preview claims: exhibits, the retest comparison and no declared identifier (code-server 4.100.3 + Chromium)', function () {
  this.timeout(300_000);
  // its own fresh copy of examples/ (the example with its evidence folder); reset() restores it before each test
  const session = workbenchSession({ prefix: 'privacy-audit-claims-', shots: 'preview', settings: TEXT_EDITOR_FIRST });

  /** The example in the text editor, then its preview beside it; returns the preview's frame once the captures' exhibits are in it. */
  const openPreview = async () => {
    const { page, wb } = session;
    await page.mouse.move(150, 600); // off the tabs (see shot())
    await wb.quickOpen(EXAMPLE);
    await wb.command('Privacy Audit: Open Preview to the Side');
    const preview = await webviewFrame(page, '.pa-report tbody.record-flow[data-record="F1"]', 'the preview of the example with flow F1');
    const f1 = preview.locator('tbody.record-flow[data-record="F1"]');
    try {
      await poll(async () => (await f1.locator('figure.exhibit').count()) > 0, 'the exhibit under F1 (the lint has read the captures)', { timeoutMs: CAPTURES_READ_MS });
    } catch (err) {
      const said = await f1.locator('.claim-status').allTextContents().catch(() => []);
      throw new Error(`${err.message}; under F1 the preview says: ${said.length ? said.join(' | ') : '(no claim check)'}`);
    }
    return preview;
  };

  /** Scrolls `target` (in the preview) to the middle of the webview until it is in view and stays there (the preview also follows the text editor's scrolling). */
  const scrollToMiddle = (target, what) =>
    poll(async () => {
      const inView = await target.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const h = window.innerHeight;
        // all of it when it fits, else the middle of the view
        return r.height > 0 && (r.height <= h ? r.top >= 0 && r.bottom <= h : r.top <= h / 2 && r.bottom >= h / 2);
      });
      if (inView) return true;
      // the document only, as a person scrolls down (scrollIntoView would also scroll a wide table sideways)
      await target.evaluate((el) => {
        const r = el.getBoundingClientRect();
        window.scrollBy(0, r.top + Math.min(r.height, window.innerHeight) / 2 - window.innerHeight / 2);
      });
      return false;
    }, `${what} in view in the preview`, { timeoutMs: 15_000, intervalMs: 300 });
  /**
   * A screenshot with the pointer resting on the Explorer's empty space, once
   * no hover is shown (reset() clicks a tab, whose tooltip would cover the
   * editor's title; it is cosmetic, so a hover that stays does not fail the test).
   */
  const shot = async (name) => {
    const { page } = session;
    await page.mouse.move(150, 600);
    const hovers = page.locator('.workbench-hover-container, .monaco-hover:not(.hidden)');
    await poll(async () => (await hovers.filter({ visible: true }).count()) === 0, 'no hover shown', { timeoutMs: 5_000, intervalMs: 200 }).catch(() => console.log('      (a hover is still shown)'));
    await screenshot(page, name);
  };
  /**
   * The text of `target` as a person reads it: the preview lays out only the
   * parts near the view (content-visibility: auto), and the text of the
   * others is not rendered, so it is scrolled into view first.
   */
  const shownText = async (target, what) => {
    await scrollToMiddle(target, what);
    return (await target.innerText()).replace(/\s+/g, ' ').trim();
  };

  it('F1 and F4 show their exhibits, masked; the diagram marks the flow confirmed by capture (screenshots light and dark)', async function () {
    const { wb } = session;
    const preview = await openPreview();
    const f1 = preview.locator('tbody.record-flow[data-record="F1"]');
    // the claim line, then the exhibit of the frame it cites
    const status = await shownText(f1.locator('.claim-check .claim-status').first(), "F1's claim line");
    assert.match(status, /^✓ Confirmed by the capture: E2 · frame=22 shows the declared data going to this host\.$/, `F1's claim line: ${status}`);
    assert.equal(await f1.locator('.claim-check.claim-confirmed').count(), 1, 'F1 is confirmed');
    const ex = f1.locator('figure.exhibit[data-unit="E2#frame=22"]');
    assert.equal(await ex.count(), 1, 'one exhibit of E2 · frame=22 under F1');
    const exText = await shownText(ex, "F1's exhibit");
    assert.ok(exText.includes('POST /reconstructed/cloud-messaging/activate'), `the request line in the exhibit: ${exText}`);
    assert.equal((await ex.locator('.exhibit-host').innerText()).trim(), 'api.account.xiaomi.com', 'the exhibit names the host');
    // imei= is followed by the masked marker itself (a <mark class="canary">), not by the value
    const afterImei = await ex.locator('mark.canary').evaluateAll((marks) =>
      marks.filter((m) => (m.previousSibling?.textContent ?? '').endsWith('imei=')).map((m) => m.textContent),
    );
    assert.deepEqual(afterImei, ['[redacted IMEI]'], `the mark after imei= in: ${exText}`);

    const f4 = preview.locator('tbody.record-flow[data-record="F4"]');
    const ex4 = f4.locator('figure.exhibit');
    assert.equal(await ex4.count(), 1, 'one exhibit under F4');
    assert.equal(await ex4.getAttribute('data-unit'), 'E3#entry=1');
    await scrollToMiddle(ex4, "F4's exhibit");
    const imsiLine = ex4.locator('.xl', { has: preview.locator('.xl-where', { hasText: /^X-Sim-Imsi:$/ }) });
    assert.equal(await imsiLine.count(), 1, 'the X-Sim-Imsi header line');
    assert.equal((await imsiLine.locator('mark.canary').innerText()).trim(), '[redacted IMSI]', 'the header\'s value masked');
    const chains = await ex4.locator('.xl-how').allInnerTexts();
    assert.ok(chains.some((c) => /\bjson → base64$/.test(c.trim())), `the chain json → base64 in F4's exhibit: ${chains.join(' | ')}`);

    // the data-flow diagram (drawn in the webview): the edge to the host says the capture confirms it
    const labels = preview.locator('figure.diagram-dataflow .edgeLabel');
    await poll(async () => (await labels.count()) > 0, 'the data-flow diagram drawn');
    await scrollToMiddle(preview.locator('figure.diagram-dataflow'), 'the data-flow diagram');
    const labelTexts = await labels.allTextContents(); // SVG: no innerText
    assert.ok(labelTexts.some((t) => t.includes('confirmed by capture')), `an edge label says "confirmed by capture": ${labelTexts.join(' | ')}`);

    await scrollToMiddle(ex, "F1's exhibit");
    await shot('preview-exhibit-light');
    await wb.setTheme('dark');
    await poll(async () => (await preview.locator('body.vscode-dark').count()) > 0, 'the dark theme in the preview');
    await scrollToMiddle(ex, "F1's exhibit");
    await shot('preview-exhibit-dark');
  });

  it('retest R1 compares the retest capture with the first run: IMEI and contacts stopped, "fixed" suggested (screenshot)', async function () {
    const preview = await openPreview();
    const cmp = preview.locator('article.retest-card[data-record="R1"] .retest-compare');
    await poll(async () => (await cmp.count()) === 1, "R1's comparison", { timeoutMs: CAPTURES_READ_MS });
    const table = cmp.locator('table.compare');
    assert.equal(await table.count(), 1, 'a comparison table under R1');
    await scrollToMiddle(table, "R1's comparison");
    /** The Change cell of the row whose Data cell reads `category`. */
    const change = async (category) => {
      const row = table.locator('tbody tr', { has: preview.locator('td.compare-data', { hasText: new RegExp(`^${category}$`) }) });
      assert.equal(await row.count(), 1, `one row for ${category}`);
      return (await row.locator('.compare-status').innerText()).trim();
    };
    assert.equal(await change('IMEI'), 'stopped');
    assert.equal(await change('contacts'), 'stopped');
    const suggested = await shownText(cmp.locator('.compare-suggested'), 'the suggested result');
    assert.equal(suggested, 'Suggested result from the captures: fixed (written: partially fixed).');
    await scrollToMiddle(table, "R1's comparison");
    await shot('preview-retest-compare-light');
  });

  it('the preview\'s text and HTML hold no declared identifier of D1 in any form the scan searches for', async function () {
    const needles = await declaredNeedles();
    assert.deepEqual(needles.canaries.map((c) => c.category).sort(), ['IMEI', 'IMSI', 'carrier name', 'contacts', 'phone number', 'sms metadata'], 'the example declares these identifiers of D1');
    assert.ok(needles.exact.length + needles.caseless.length > 100, `${needles.exact.length + needles.caseless.length} needles`);
    // the check finds a value where there is one: the report's own text holds every value as written
    const source = fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
    const inSource = new Set(needlesIn(source, needles).map((h) => h.needle));
    for (const c of needles.canaries) assert.ok(inSource.has(c.value), `the needles find ${c.category} in the report's text`);

    const preview = await openPreview();
    // the comparison and the exhibits are in (the parts that show what the captures held)
    await poll(async () => (await preview.locator('.retest-compare table.compare').count()) === 1 && (await preview.locator('figure.exhibit').count()) >= 4, 'every exhibit and the comparison', { timeoutMs: CAPTURES_READ_MS });
    await poll(async () => (await preview.locator('figure.diagram-dataflow svg').count()) > 0, 'the data-flow diagram drawn');
    // One place is set aside: the value cells of D1's "Test identifiers" table. The preview is not an export and
    // shows the report's own declarations as written (docs/redaction.md: "The preview in VS Code is not an export:
    // it shows the report as it is"); everything else — the exhibits, the comparison, the diagram, the prose — is
    // checked. The cells are emptied for the reading and put back; there must be one per declared value.
    // Then the text of every part, laid out (the preview skips the layout of parts out of view: content-visibility:
    // auto), the parts put back as they were; the text of the nodes, rendered or not; and the HTML.
    const { setAside, text, all, html } = await preview.evaluate(() => {
      const cells = [...document.querySelectorAll('.record[data-record="D1"] .identifiers table.id-table td.pa-mono')];
      const values = cells.map((c) => c.textContent);
      for (const c of cells) c.textContent = '';
      const parts = [...document.querySelectorAll('.pa-part')];
      const before = parts.map((p) => p.style.contentVisibility);
      for (const p of parts) p.style.contentVisibility = 'visible';
      const text = document.body.innerText;
      parts.forEach((p, i) => (p.style.contentVisibility = before[i]));
      const read = { setAside: cells.length, text, all: document.documentElement.textContent, html: document.documentElement.outerHTML };
      cells.forEach((c, i) => (c.textContent = values[i]));
      return read;
    });
    assert.equal(setAside, needles.canaries.length, "one value cell set aside per declared identifier (D1's card in the preview)");
    assert.ok(text.includes('[redacted IMEI]') && text.includes('Suggested result from the captures') && text.length > 10_000, `the preview's text is the whole report (${text.length} characters)`);
    assertNone({ "the preview's text": needlesIn(text, needles), "the preview's text nodes": needlesIn(all, needles), "the preview's HTML": needlesIn(html, needles) });
  });

});
