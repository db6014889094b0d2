// Records the HAR of the run after the Mi Cloud sign-in (flow F4) with a real
// producer: Chromium, driven by playwright-core, with `recordHar` on its
// browser context. Chromium stands in for the phone: its user agent is set to
// the phone's, and `--host-resolver-rules` sends api.account.xiaomi.com to
// 42.62.48.113 on loopback, where a plain HTTP server (servers.mjs) answers.
// A page served from that host sends the requests of scenes.mjs with fetch();
// the page itself is not recorded (recordHar's urlFilter keeps the
// /reconstructed/ requests only), so entry 1 is F4.
//
// Post-processing, and nothing else: every `startedDateTime` (entries and
// pages) is moved by one offset so that the first entry starts at
// HAR.firstEntryAt (the offsets between entries stay as recorded), and
// `log.comment` is added. Needs 42.62.48.113 on `lo` (make.sh).
//
//   node har.mjs OUT_DIR WORK_DIR

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { HAR } from './scenes.mjs';
import { closeAll, startHttp } from './servers.mjs';

const [outDir, workDir] = process.argv.slice(2);
if (!outDir || !workDir) {
  console.error('usage: node har.mjs OUT_DIR WORK_DIR');
  process.exit(2);
}

// playwright-core is a dependency of the project at the repository root.
const require = createRequire(path.resolve(import.meta.dirname, '../../../../package.json'));
const { chromium } = require('playwright-core');

const PAGE = '<!doctype html><meta charset="utf-8"><title>reconstruction</title><p>Reconstruction page (not recorded).';
const replies = new Map(HAR.requests.map((r) => [`${r.method} ${r.target}`, r.reply]));
const clock = { now: HAR.firstEntryAt };
const server = await startHttp(HAR.server, clock, (method, target) => {
  if (method === 'GET' && target === '/') return { status: 200, type: 'text/html; charset=utf-8', body: PAGE };
  return replies.get(`${method} ${target}`) ?? { status: 404, type: 'text/plain', body: 'not found' };
});

const rawHar = path.join(workDir, 'recorded-raw.har');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--no-proxy-server',
    `--host-resolver-rules=MAP ${HAR.host} ${HAR.server}`,
  ],
});
try {
  const context = await browser.newContext({
    userAgent: HAR.ua,
    recordHar: { path: rawHar, content: 'embed', mode: 'full', urlFilter: /\/reconstructed\// },
  });
  const page = await context.newPage();
  await page.goto(`http://${HAR.host}/`);
  for (const r of HAR.requests) {
    const status = await page.evaluate(
      async ({ method, target, headers, body }) => {
        const res = await fetch(target, { method, headers, body });
        await res.text();
        return res.status;
      },
      { method: r.method, target: r.target, headers: r.headers, body: r.body },
    );
    if (status !== 200) throw new Error(`${r.method} ${r.target} answered ${status}`);
  }
  await context.close(); // writes the HAR
} finally {
  await browser.close();
  await closeAll([server]);
}

// Post-processing: timestamps and the comment only.
const har = JSON.parse(readFileSync(rawHar, 'utf8'));
const entries = har.log.entries;
if (entries.length !== HAR.requests.length) throw new Error(`expected ${HAR.requests.length} entries, got ${entries.length}`);
const first = Math.min(...entries.map((e) => Date.parse(e.startedDateTime)));
const offset = Date.parse(HAR.firstEntryAt) - first;
const shift = (iso) => new Date(Date.parse(iso) + offset).toISOString();
for (const e of entries) e.startedDateTime = shift(e.startedDateTime);
for (const p of har.log.pages ?? []) p.startedDateTime = shift(p.startedDateTime);
har.log = { version: har.log.version, creator: har.log.creator, comment: HAR.comment, ...har.log };
const out = path.join(outDir, HAR.file);
writeFileSync(out, JSON.stringify(har, null, 2) + '\n');
console.log(`wrote ${out}`);
