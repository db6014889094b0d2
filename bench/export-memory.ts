/**
 * Export memory: the browser's peak resident memory (every Chromium process
 * it started, sampled every 50 ms) while one generated report is printed,
 * at growing sizes. Prints records, HTML size, pages, peak memory and
 * memory per page, so that "proportional" can be read off the ratios, and
 * shows that a report over the printer's limits is refused at once.
 *
 *   npm run bench:export-memory [-- --scales 1,4,16]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { largeExportReport } from './export-bench';
import { Exporter } from '../src/node/export';

const arg = process.argv.indexOf('--scales');
const SCALES = (arg > 0 ? process.argv[arg + 1]! : '1,4,16').split(',').map(Number);

/** Resident memory (MiB) of every process below this one: the exporter's browser and its helpers. */
function browserRss(): number {
  let out = '';
  try {
    out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8', maxBuffer: 16 << 20 });
  } catch {
    return 0;
  }
  const children = new Map<number, { pid: number; rss: number }[]>();
  for (const line of out.trim().split('\n')) {
    const [pid, ppid, rss] = line.trim().split(/\s+/).map(Number) as [number, number, number];
    children.set(ppid, [...(children.get(ppid) ?? []), { pid, rss }]);
  }
  let kb = 0;
  const stack = [process.pid];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      if (c.pid === process.pid) continue;
      kb += c.rss;
      stack.push(c.pid);
    }
  }
  return kb / 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-export-memory-'));
  const exporter = new Exporter({ browserPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    await exporter.start();
    const idle = browserRss();
    console.log(`browser idle: ${idle.toFixed(0)} MiB`);
    console.log('scale  records  html MiB  pages  peak MiB  MiB/page  seconds');
    for (const scale of SCALES) {
      const file = largeExportReport(path.join(dir, `s${scale}`), scale);
      const text = readFileSync(file, 'utf8');
      let peak = 0;
      const timer = setInterval(() => (peak = Math.max(peak, browserRss())), 50);
      const t0 = performance.now();
      try {
        const r = await exporter.export({ text, filePath: file, pdf: path.join(dir, `s${scale}.pdf`), html: path.join(dir, `s${scale}.html`) });
        const records = (text.match(/^\s*-?\s*id: [A-Z]+\d+$/gm) ?? []).length;
        const pages = r.pdf?.pages ?? 0;
        const html = (r.html?.bytes ?? 0) / 1048576;
        console.log(`${String(scale).padEnd(6)} ${String(records).padEnd(8)} ${html.toFixed(1).padEnd(9)} ${String(pages).padEnd(6)} ${peak.toFixed(0).padEnd(9)} ${(peak / Math.max(1, pages)).toFixed(1).padEnd(9)} ${((performance.now() - t0) / 1000).toFixed(1)}`);
      } catch (err) {
        console.log(`${String(scale).padEnd(6)} refused after ${((performance.now() - t0) / 1000).toFixed(1)} s, peak ${peak.toFixed(0)} MiB: ${(err as Error).message}`);
      } finally {
        clearInterval(timer);
      }
    }
  } finally {
    await exporter.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
