/**
 * How fast the country and network table loads and answers: a cold load,
 * the median of 5 more in-process loads (read + open, no cache), a whole
 * `node` process that loads it through the bundled loader (next to an empty
 * `node` process), and lookups per second for IPv4 and IPv6 addresses.
 *
 *   node --import tsx bench/geo-load.ts [FILE]     (default: dist/geo/ip-geo.bin)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { openGeoTable, type GeoTable } from '../src/core/capture/geo';
import { geoDataPath } from '../src/node/capture/geo-data';

const file = path.resolve(process.argv[2] ?? geoDataPath());
if (!fs.existsSync(file)) {
  console.error(`${file} does not exist: run npm run build (or node scripts/build-geo.mjs) first`);
  process.exit(1);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = (): { ms: number; table: GeoTable } => {
  const t = performance.now();
  const table = openGeoTable(fs.readFileSync(file));
  return { ms: performance.now() - t, table };
};

const cold = load();
const warm = Array.from({ length: 5 }, () => load().ms);
const { table } = cold;

// a whole process: node starts, loads the bundled loader, reads and opens the table
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'geo-bench-'));
const bundle = path.join(dir, 'load.js');
esbuild.buildSync({
  stdin: { contents: `const { loadGeoTable } = require(${JSON.stringify(path.resolve(__dirname, '../src/node/capture/geo-data.ts'))});`
    + `const t = performance.now(); const table = loadGeoTable({ path: ${JSON.stringify(file)} });`
    + `if (!table) throw new Error('no table'); table.lookup('8.8.8.8'); console.log((performance.now() - t).toFixed(1));`, resolveDir: dir, loader: 'js' },
  bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error',
});
const wall = (args: string[]): { ms: number; out: string } => {
  const t = performance.now();
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' }).trim();
  return { ms: performance.now() - t, out };
};
const runs = Array.from({ length: 5 }, () => ({ empty: wall(['-e', '0']).ms, full: wall([bundle]) }));
fs.rmSync(dir, { recursive: true, force: true });

// lookups: IPv4 addresses spread over the public space
let seed = 7;
const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
const v4 = Array.from({ length: 100_000 }, () => { const x = next(); return `${1 + ((x >>> 24) % 222)}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`; });
// IPv6: the first group from the regional registries' blocks, the rest random
const v6Tops = ['2001', '2400', '2401', '2402', '2403', '2404', '2405', '2406', '2407', '2600', '2601', '2602', '2603', '2604', '2605', '2606', '2607', '2800', '2801', '2803', '2a00', '2a01', '2a02', '2a03', '2a04', '2a05', '2a06', '2a07', '2c0f'];
const v6 = Array.from({ length: 100_000 }, () => { const a = next(), b = next(); return `${v6Tops[a % v6Tops.length]}:${(a >>> 16).toString(16)}:${(b >>> 16).toString(16)}::${(b & 0xffff).toString(16)}`; });
const rate = (addresses: string[]): { perSecond: number; known: number } => {
  let known = 0;
  for (const a of addresses.slice(0, 10_000)) table.lookup(a); // warm up, decode the common names
  const t = performance.now();
  for (const a of addresses) if (table.lookup(a).asn !== undefined) known++;
  return { perSecond: addresses.length / ((performance.now() - t) / 1000), known: known / addresses.length };
};
const r4 = rate(v4);
const r6 = rate(v6);

const mb = (fs.statSync(file).size / 1e6).toFixed(1);
console.log(`geo table ${path.relative(process.cwd(), file)} (${mb} MB): ${table.describe()}`);
console.log(`  load in process, cold          ${cold.ms.toFixed(1).padStart(6)} ms`);
console.log(`  load in process, median of 5   ${median(warm).toFixed(1).padStart(6)} ms   (goal: well under 100 ms)`);
console.log(`  whole process (node + bundle)  ${median(runs.map((r) => r.full.ms)).toFixed(1).padStart(6)} ms   empty node ${median(runs.map((r) => r.empty)).toFixed(1)} ms; load inside it ${median(runs.map((r) => Number(r.full.out))).toFixed(1)} ms (median of 5)`);
for (const [name, r] of [['IPv4', r4], ['IPv6', r6]] as const) {
  console.log(`  lookups ${name}  ${(r.perSecond / 1e6).toFixed(2)} M/s = ${(1e6 / r.perSecond).toFixed(2)} µs each (${(r.known * 100).toFixed(0)}% of random addresses have an ASN)`);
}
