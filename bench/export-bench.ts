/**
 * Benchmark (not a test) of the PDF export, from one run:
 *
 * - the bundled example's export with a warm browser (goal: under 1.5 s);
 * - a generated report of about 50 pages: the export's time next to the
 *   browser's raw `page.pdf()` of the same final HTML (goal: within 1.3×),
 *   with the diagram rendering reported apart.
 *
 * Medians of several runs; the browser is started once (mermaid is loaded on the first diagram the cache lacks),
 * before the clock. Needs Chromium (CHROMIUM_PATH, default found as the
 * export finds it). `node --import tsx bench/export-bench.ts`
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Exporter, pdfPageCount, type ExportResult } from '../src/node/export';
import { findBrowser, launch } from '../src/node/browser';

const REPO = path.resolve(__dirname, '..');
const EXAMPLE = path.join(REPO, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
const RUNS = 5;
const LARGE_RUNS = 5;
/** Scale of the generated report that gives about 50 A4 pages. */
const LARGE_SCALE = 1.9;

const HOSTS = ['api.account', 'sdkconfig.ad', 'tracking', 'push', 'logs', 'metrics', 'cdn', 'update', 'sync', 'auth'];
const DOMAINS = ['xiaomi.com', 'example.com', 'example.net', 'example.org', 'example.sg'];
const COUNTRIES = ['CN', 'US', 'SG', 'DE', 'IN'];
const DATA = ['[IMEI, phone number]', '[carrier name]', '[advertising id, installed apps]', '[contacts]', '[precise location]', '[IMSI, ICCID]', '[os version, device model]'];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const LOREM =
  'The phone was observed at the Wi-Fi gateway while the analyst followed the test plan. Each request was captured, ' +
  'its destination resolved and its payload decoded where possible; identifiers were matched against the test values ' +
  'recorded for the device. Where a request could not be decoded, the report says so rather than guessing.';

/**
 * A report of about 50 A4 pages with its evidence files in `dir`: prose
 * sections, one device, `scale` × 40 steps, 100 flows, 30 evidence files,
 * 12 responses, 4 retests and 20 findings. Returns the report's path.
 */
export function largeExportReport(dir: string, scale = 1): string {
  mkdirSync(path.join(dir, 'evidence'), { recursive: true });
  const n = (k: number) => Math.max(1, Math.round(k * scale));
  const steps = n(40);
  const flows = n(100);
  const evidence = n(30);
  const responses = n(12);
  const retests = n(4);
  const findings = n(20);
  const ev = (i: number) => `E${(i % evidence) + 1}`;
  const out: string[] = [
    '---', 'audit-format: 1', 'id: BENCH-EXPORT-50', 'title: "Generated 50-page audit: companion app and firmware of an example phone"', 'status: review',
    'date: 2020-06-30', 'auditors:', '  - {name: Bench Analyst, org: Privacy Audit benchmark}', '  - {name: Second Reviewer, org: Privacy Audit benchmark}',
    'subject: Example Phone X1, firmware 1.2.3, companion app 4.5', 'classification: internal', 'redact: ["356938035643809", "+15555550123"]', '---', '',
    '# Generated 50-page audit', '', '## Summary', '',
  ];
  for (let p = 0; p < 4; p++) out.push(`${LOREM} [@E${p + 1}]`, '');
  out.push('## Scope and method', '');
  for (let p = 0; p < 3; p++) out.push(LOREM, '');
  out.push('```device', 'id: D1', 'vendor: Example', 'model: Phone X1', 'os: Android 10', 'build: "X1-1.2.3"', 'identifiers: {IMEI: "356938035643809", phone number: "+15555550123"}', '```', '');
  out.push('## Test steps', '', '```step');
  for (let i = 1; i <= steps; i++) {
    out.push(`- id: S${i}`, `  action: Step ${i} of the test plan, with the app in state ${i % 5} and the network in mode ${i % 3}.`, '  expected: No personal data leaves the phone.',
      `  observed: Requests to ${HOSTS[i % HOSTS.length]}.${DOMAINS[i % DOMAINS.length]} carrying identifiers (see the flows).`, '  device: D1', `  date: 2020-05-${String((i % 28) + 1).padStart(2, '0')}`, `  evidence: [${ev(i)}]`);
  }
  out.push('```', '', '## Observed data flows', '', LOREM, '', '```flow');
  for (let i = 1; i <= flows; i++) {
    const h = i % 25;
    out.push(`- id: F${i}`, `  from: ${i % 6 === 0 ? 'D1/modem' : 'D1'}`, `  to: ${HOSTS[h % HOSTS.length]}${h}.${DOMAINS[h % DOMAINS.length]}`, `  address: 10.${h}.${i % 250}.${i % 7}`, '  port: 443',
      `  country: ${COUNTRIES[h % COUNTRIES.length]}`, '  protocol: https', `  encryption: ${i % 4 ? 'tls' : 'none'}`, `  data: ${DATA[i % DATA.length]}`, `  consent: ${i % 5 ? 'default-on' : 'opt-in'}`,
      `  step: S${(i % steps) + 1}`, `  first-seen: 2020-05-${String((i % 28) + 1).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z`, `  evidence: [${ev(i)}#frame=${i * 7}]`);
  }
  out.push('```', '', '## Evidence', '', '```evidence');
  for (let e = 1; e <= evidence; e++) {
    const body = `capture ${e}\n`.repeat(100);
    writeFileSync(path.join(dir, 'evidence', `capture-${e}.log`), body);
    out.push(`- id: E${e}`, `  file: evidence/capture-${e}.log`, `  sha256: ${createHash('sha256').update(body).digest('hex')}`, '  kind: log',
      `  captured: 2020-05-${String((e % 28) + 1).padStart(2, '0')}T12:00:00Z`, '  tool: mitmproxy 5.1', `  description: Capture ${e} of the test run, decoded where possible.`);
  }
  out.push('```', '', '## Vendor responses', '', LOREM, '', '```response');
  for (let i = 1; i <= responses; i++) {
    out.push(`- id: V${i}`, `  date: 2020-06-${String((i % 28) + 1).padStart(2, '0')}`, `  party: ${['vendor', 'regulator', 'media', 'auditor'][i % 4]}`, `  by: Spokesperson ${i}`, '  channel: statement',
      `  source: ${ev(i)}`, `  statement: Statement ${i}. The data is needed for the service to work, is protected in transit and is deleted after thirty days.`,
      '  claims: [the data is needed, the data is protected in transit]', `  addresses: [F${i}, F${i + 1}]`, `  verdict: ${['supported', 'contradicted', 'mixed', 'unverified'][i % 4]}`);
  }
  out.push('```', '', '## Retests', '', '```retest');
  for (let i = 1; i <= retests; i++) {
    out.push(`- id: R${i}`, `  date: 2020-06-${String(20 + i).padStart(2, '0')}`, `  build: "X1-1.2.${3 + i}"`, `  verifies: [V${i}]`, `  flows: [F${i}, F${i + 10}, F${i + 20}]`,
      `  result: ${['fixed', 'not-fixed', 'partially-fixed', 'inconclusive'][i % 4]}`, `  evidence: [${ev(i)}]`, `  observed: ${JSON.stringify(`Retest ${i}: ${LOREM.slice(0, 120)}`)}`);
  }
  out.push('```', '', '## Findings', '', '```finding');
  for (let i = 1; i <= findings; i++) {
    out.push(`- id: FN${i}`, `  title: Finding ${i} — identifiers sent to ${HOSTS[i % HOSTS.length]} without consent`, `  severity: ${SEVERITIES[i % SEVERITIES.length]}`, `  flows: [F${i}, F${i + 30}]`,
      `  evidence: [${ev(i)}]`, `  status: ${['open', 'fixed', 'disputed', 'accepted'][i % 4]}`, `  description: ${LOREM}`, `  recommendation: Ask before sending; send only what the service needs; protect it in transit.`);
  }
  out.push('```', '', '## Conclusion', '');
  for (let p = 0; p < 3; p++) out.push(LOREM, '');
  const file = path.join(dir, 'large.audit.md');
  writeFileSync(file, out.join('\n'));
  return file;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const browserPath = findBrowser(process.env.CHROMIUM_PATH);
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-export-bench-'));
  const exporter = new Exporter({ browserPath });
  try {
    const t0 = performance.now();
    const info = await exporter.start();
    console.log(`browser: ${info.path} (${info.version}); started in ${s(performance.now() - t0)} (not counted below)`);

    // ---- the example, warm
    const text = readFileSync(EXAMPLE, 'utf8');
    const runs: ExportResult[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const r = await exporter.export({ text, filePath: EXAMPLE, root: REPO, pdf: path.join(dir, 'example.pdf') });
      if (i > 0) runs.push(r); // the first run warms the JIT and the print context
    }
    const total = median(runs.map((r) => r.timings.total));
    const part = (k: keyof ExportResult['timings']) => median(runs.map((r) => r.timings[k])).toFixed(0);
    console.log(`\nexample (${runs[0]!.pdf!.pages} pages), warm browser, median of ${RUNS}:`);
    console.log(`  export ${s(total)}   goal < 1.5 s ${total < 1500 ? '✓' : '✗'}`);
    console.log(`  (lint ${part('lint')} ms, diagrams ${part('diagrams')} ms, render ${part('render')} ms, setContent ${part('load')} ms, page.pdf ${part('pdf')} ms, write ${part('write')} ms)`);

    // ---- about 50 pages: export and the raw page.pdf() of its final HTML, interleaved so that both see the same machine
    const file = largeExportReport(path.join(dir, 'large'), LARGE_SCALE);
    const large = readFileSync(file, 'utf8');
    const { doc, paper, marginBoxes } = await exporter.document({ text: large, filePath: file });
    const big: ExportResult[] = [];
    const raw: number[] = [];
    const rawBookmarks: number[] = [];
    const same: number[] = [];
    let rawPages = 0;
    const launched = await launch(browserPath);
    try {
      // the browser's raw page.pdf() of the same final HTML: a plain page (reused, as the exporter reuses its own), default options but the paper
      const page = await launched.browser.newPage();
      for (let i = 0; i < LARGE_RUNS + 1; i++) {
        const r = await exporter.export({ text: large, filePath: file, pdf: path.join(dir, 'large.pdf') });
        const t = performance.now();
        await page.setContent(doc.html);
        const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        const rawMs = performance.now() - t;
        rawPages = pdfPageCount(pdf);
        // the same raw print asked for the same kind of PDF as ours: bookmarks (which Chromium builds only for a tagged PDF)
        const t2 = performance.now();
        await page.setContent(doc.html);
        await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: true });
        const rawBookmarksMs = performance.now() - t2;
        // the exporter's own print path alone: outline and tagged PDF on, JavaScript off
        const p = await exporter.printHtml(doc.html, { paper, marginBoxes });
        if (i === 0) continue; // warm-up
        big.push(r);
        raw.push(rawMs);
        rawBookmarks.push(rawBookmarksMs);
        same.push(p.load + p.print);
      }
    } finally {
      await launched.close();
    }
    const exportNoDiagrams = median(big.map((r) => r.timings.total - r.timings.diagrams));
    const diagrams = median(big.map((r) => r.timings.diagrams));
    const rawMed = median(raw);
    const ratio = exportNoDiagrams / rawMed;
    const bpart = (k: keyof ExportResult['timings']) => median(big.map((r) => r.timings[k])).toFixed(0);
    console.log(`\ngenerated report: ${big[0]!.pdf!.pages} pages (raw: ${rawPages}), ${(large.length / 1024).toFixed(0)} kB of Markdown, median of ${LARGE_RUNS}:`);
    const rawBookmarksMed = median(rawBookmarks);
    const ratioBookmarks = exportNoDiagrams / rawBookmarksMed;
    console.log(`  export without diagrams ${s(exportNoDiagrams)}   raw page.pdf() with bookmarks (tagged, outline) ${s(rawBookmarksMed)}   ratio ${ratioBookmarks.toFixed(2)}×   goal ≤ 1.3× ${ratioBookmarks <= 1.3 ? '✓' : '✗'}`);
    console.log(`  against raw page.pdf() with default options (no bookmarks, untagged) ${s(rawMed)}: ratio ${ratio.toFixed(2)}×`);
    console.log(`  diagrams (reported apart) ${s(diagrams)}; export with diagrams ${s(median(big.map((r) => r.timings.total)))}`);
    console.log(`  (lint ${bpart('lint')} ms, render ${bpart('render')} ms, setContent ${bpart('load')} ms, page.pdf ${bpart('pdf')} ms, write ${bpart('write')} ms)`);
    console.log(`  the exporter's print path alone (tagged PDF with outline, JavaScript off): ${s(median(same))}, ${(median(same) / rawMed).toFixed(2)}× raw`);
  } finally {
    await exporter.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module && !process.env.BENCH_NO_MAIN) void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
