/**
 * The cost of redaction on a 1 MB exported document: the three projections,
 * the last pass (`maskHtml`) and its verification, next to the cheapest
 * thing any such pass must do, stripping the tags with one regex. Prints
 * the best of 7 runs and the ratios.
 *
 *   npm run bench:redaction
 */
import { maskHtml, Redactor, verifyHtml } from '../src/core/redact';
import { project } from '../src/core/redact/project';

const r = new Redactor({ literals: ['869999012345677', '+12025550101', 'José Müller'], patterns: [{ written: '/user-\\d+/', source: 'user-\\d+', flags: '', span: { start: 0, end: 0 } }], uncertain: [] });
const para = '<p class="code-line" data-line="12">The phone sent its <strong>IMEI</strong> to api.account.xiaomi.com (Beijing) — every 30 s, over TLS; café ñ.</p>\n';
const html = para.repeat(Math.ceil(1_000_000 / para.length));
const best = (f: () => unknown) => {
  let m = Infinity;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    f();
    m = Math.min(m, performance.now() - t);
  }
  return m;
};
const strip = best(() => html.replace(/<[^>]*>/g, ''));
const rows: [string, number][] = [
  ['projection: reading', best(() => project(html, 'reading'))],
  ['projection: tokens', best(() => project(html, 'tokens'))],
  ['projection: source', best(() => project(html, 'source'))],
  ['maskHtml (the last pass)', best(() => maskHtml(html, r))],
  ['verifyHtml', best(() => verifyHtml(html, r))],
];
console.log(`redaction of a ${(html.length / 1e6).toFixed(2)} MB document (best of 7); baseline: stripping the tags ${strip.toFixed(1)} ms`);
for (const [name, ms] of rows) console.log(`  ${name.padEnd(26)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / strip).toFixed(1)}×`);
