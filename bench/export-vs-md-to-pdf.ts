/**
 * Benchmark (not a test): `privacy-audit export` against md-to-pdf on the
 * same ~50-page report, each as a whole process (start, browser launch,
 * render, print, exit), both printing with the same local Chromium.
 * md-to-pdf is installed into .cache/md-to-pdf on first use, told not to
 * download a browser. `npm run bench:md-to-pdf`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findBrowser } from '../src/node/browser';
import { largeExportReport } from './export-bench';

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, '.cache', 'md-to-pdf');
const BIN = path.join(CACHE, 'node_modules', '.bin', 'md-to-pdf');

function ensureMdToPdf(): void {
  if (existsSync(BIN)) return;
  console.log('installing md-to-pdf into .cache/md-to-pdf (no browser download)…');
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(path.join(CACHE, 'package.json'), JSON.stringify({ name: 'pa-bench-md-to-pdf', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', 'md-to-pdf@5'], { cwd: CACHE, stdio: 'inherit', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } });
}

function time(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: 'pipe', encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed: ${r.stderr || r.stdout}`);
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** A bare playwright print of a finished HTML file, as one process (argv: playwright-core, browser, html, pdf). */
const FLOOR_SCRIPT = `
const [, , pw, browserPath, htmlFile, pdfFile] = process.argv;
const { chromium } = require(pw);
const fs = require('node:fs');
(async () => {
  const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await page.setContent(fs.readFileSync(htmlFile, 'utf8'), { waitUntil: 'load' });
  fs.writeFileSync(pdfFile, await page.pdf({ preferCSSPageSize: true, printBackground: true, outline: true, tagged: true, format: 'A4' }));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
`;

function main(): void {
  ensureMdToPdf();
  const browser = findBrowser();
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-md-to-pdf-'));
  try {
    const text = readFileSync(largeExportReport(dir, 1), 'utf8');
    writeFileSync(path.join(dir, 'report.audit.md'), text);
    // md-to-pdf reads front matter as its own configuration: give it the body only, the same Markdown
    writeFileSync(path.join(dir, 'report.md'), text.replace(/^---\n[\s\S]*?\n---\n/, ''));
    // the floor of any whole-process Chromium export on this machine: start node, launch the browser,
    // load our final HTML (diagrams already drawn), print, close: no lint, no mermaid
    execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'export', 'report.audit.md', '--html', 'final.html', '--browser', browser, '--root', dir], { cwd: dir });
    writeFileSync(path.join(dir, 'floor.cjs'), FLOOR_SCRIPT);
    const floorArgs = [path.join(dir, 'floor.cjs'), require.resolve('playwright-core'), browser, path.join(dir, 'final.html'), path.join(dir, 'floor.pdf')];
    // our diagrams are cached between exports (see src/node/diagram-cache.ts): a cache of our own, emptied for the cold runs
    const cacheDir = path.join(dir, 'cache');
    const env = { ...process.env, PRIVACY_AUDIT_CACHE_DIR: cacheDir };
    const ourArgs = [path.join(ROOT, 'dist', 'cli.js'), 'export', 'report.audit.md', '--pdf', 'ours.pdf', '--browser', browser, '--root', dir];
    const cold: number[] = [];
    const ours: number[] = [];
    const theirs: number[] = [];
    const floor: number[] = [];
    const launch = JSON.stringify({ executablePath: browser, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
    for (let i = 0; i < 4; i++) {
      rmSync(cacheDir, { recursive: true, force: true });
      const x = time(process.execPath, ourArgs, dir, env);
      const a = time(process.execPath, ourArgs, dir, env);
      const b = time(BIN, ['--launch-options', launch, 'report.md'], dir);
      const c = time(process.execPath, floorArgs, dir);
      if (i === 0) continue; // warm the file cache
      cold.push(x);
      ours.push(a);
      theirs.push(b);
      floor.push(c);
    }
    // both tools take several files in one process, with one browser: five copies of the report
    const copies = Array.from({ length: 5 }, (_, i) => `copy${i + 1}`);
    for (const c of copies) {
      writeFileSync(path.join(dir, `${c}.audit.md`), text);
      writeFileSync(path.join(dir, `${c}.md`), text.replace(/^---\n[\s\S]*?\n---\n/, ''));
    }
    const batchOurs: number[] = [];
    const batchTheirs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = time(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'export', ...copies.map((c) => `${c}.audit.md`), '--out-dir', 'batch', '--browser', browser, '--root', dir], dir, env);
      const b = time(BIN, ['--launch-options', launch, ...copies.map((c) => `${c}.md`)], dir);
      if (i === 0) continue;
      batchOurs.push(a);
      batchTheirs.push(b);
    }
    const pages = (f: string) => /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path.join(dir, f)], { encoding: 'utf8' }))?.[1];
    console.log(`report: ${text.split('\n').length} lines; privacy-audit ${pages('ours.pdf')} pages, md-to-pdf ${pages('report.pdf')} pages`);
    const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const n = ours.length;
    console.log(`whole processes, median of ${n} (start, browser launch, lint, render, print, exit):`);
    console.log(`  floor: node + browser launch + load our final HTML + page.pdf (same options) + close: ${sec(median(floor))}`);
    console.log(`  privacy-audit export, diagrams cached:     ${sec(median(ours))}   ${(median(ours) / median(floor)).toFixed(2)}× the floor   (goal ≤ 1.25×) ${median(ours) / median(floor) <= 1.25 ? '✓' : '✗'}`);
    console.log(`  privacy-audit export, first run (no cache): ${sec(median(cold))}   ${(median(cold) / median(floor)).toFixed(2)}× the floor   (mermaid loaded and run)`);
    console.log(`  md-to-pdf:                                  ${sec(median(theirs))}   ${(median(theirs) / median(floor)).toFixed(2)}× the floor`);
    console.log(`  md-to-pdf / privacy-audit: ${(median(theirs) / median(ours)).toFixed(2)}× cached, ${(median(theirs) / median(cold)).toFixed(2)}× first run   (goal > 1×) ${median(theirs) > median(ours) ? '✓' : '✗'}`);
    console.log(`${copies.length} copies in one process each (median of ${batchOurs.length}): privacy-audit ${sec(median(batchOurs))}, md-to-pdf ${sec(median(batchTheirs))}, md-to-pdf / privacy-audit ${(median(batchTheirs) / median(batchOurs)).toFixed(2)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
