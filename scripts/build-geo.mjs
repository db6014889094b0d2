// Converts the ip-location-db CSVs (devDependencies) into dist/geo/ip-geo.bin,
// the compact table src/core/capture/geo.ts reads. Skipped when the file is
// already built from the installed data by the current code; --force rebuilds.
//
//   node scripts/build-geo.mjs [--force] [--out FILE]
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GEO_SOURCE = path.join(root, 'src/core/capture/geo.ts');
export const DEFAULT_OUT = path.join(root, 'dist/geo/ip-geo.bin');

/** What goes into the table: the data sets, their files, and what their licences ask us to say. */
const DATASETS = [
  {
    id: 'geo-whois-asn-country',
    name: '@ip-location-db/geo-whois-asn-country',
    kind: 'country',
    // package.json says CC0-1.0, but the package's README and bundled NRO_LICENSE say CC BY 4.0 by NRO: we follow the stricter
    licence: 'CC BY 4.0',
    sources: ['NRO'],
    attribution: 'IP-to-country data by the Number Resource Organization (nro.net), CC BY 4.0, via ip-location-db',
  },
  {
    id: 'asn',
    name: '@ip-location-db/asn',
    kind: 'asn',
    licence: 'CC BY 4.0',
    sources: ['RouteViews', 'DB-IP', 'NRO'],
    attribution: 'IP-to-ASN data by RouteViews (routeviews.org), DB-IP.com and the Number Resource Organization (nro.net), CC BY 4.0, via ip-location-db',
  },
];

function installed(dataset) {
  const dir = path.dirname(require.resolve(`${dataset.name}/package.json`));
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  // 2.3.2026061719: the last part is the data's date and hour
  const stamp = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})\d*$/.exec(version);
  if (!stamp) throw new Error(`${dataset.name} ${version}: no date in the version`);
  const date = `${stamp[1]}-${stamp[2]}-${stamp[3]}`;
  const file = (family) => path.join(dir, `${dataset.id}-ip${family}-num.csv`);
  return { dir, version, date, files: { v4: file('v4'), v6: file('v6') } };
}

/** The header of an existing table (its datasets), or undefined when the file is missing or not a table. */
function existingDatasets(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const prefix = Buffer.alloc(24);
    if (fs.readSync(fd, prefix, 0, 24, 0) !== 24 || prefix.toString('latin1', 0, 8) !== 'PA-GEO\r\n') return undefined;
    const header = Buffer.alloc(prefix.readUInt32LE(12));
    fs.readSync(fd, header, 0, header.length, 24);
    return JSON.parse(header.toString('utf8')).datasets;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Up to date: built from the installed versions, and newer than the code that writes it. */
function upToDate(out, wanted) {
  const datasets = existingDatasets(out);
  if (!Array.isArray(datasets) || datasets.length !== wanted.length) return false;
  if (!wanted.every((w, i) => datasets[i]?.name === w.name && datasets[i]?.version === w.version)) return false;
  const built = fs.statSync(out).mtimeMs;
  return [GEO_SOURCE, fileURLToPath(import.meta.url)].every((f) => fs.statSync(f).mtimeMs <= built);
}

function lines(file) {
  return readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
}

/**
 * Builds the table unless it is up to date. Returns what it did, and prints
 * one line (`quiet` prints nothing).
 */
export async function buildGeo({ force = false, out = DEFAULT_OUT, quiet = false } = {}) {
  const t0 = performance.now();
  const wanted = DATASETS.map((d) => ({ ...d, ...installed(d) }));
  const say = (text) => quiet || console.log(text);
  if (!force && upToDate(out, wanted)) {
    say(`geo: ${path.relative(process.cwd(), out)} is up to date (${wanted.map((w) => `${w.id} ${w.date}`).join(', ')})`);
    return { built: false, out };
  }
  // the builder is TypeScript (next to the reader of the format); tsx loads it
  const { tsImport } = await import('tsx/esm/api');
  const { GeoTableBuilder, openGeoTable } = await tsImport(pathToFileURL(GEO_SOURCE).href, import.meta.url);
  const builder = new GeoTableBuilder();
  const stats = {};
  for (const w of wanted) {
    for (const family of ['v4', 'v6']) stats[`${w.kind}.${family}`] = await builder.addCsv(w.kind, family, lines(w.files[family]));
  }
  const bytes = builder.encode(
    wanted.map(({ id, name, version, date, licence, sources, attribution }) => ({ id, name, version, date, licence, sources, attribution })),
  );
  openGeoTable(bytes, { verify: true }); // throws if the builder wrote something the reader would not trust
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, out);
  const segments = Object.entries(stats).map(([k, s]) => `${k} ${s.segments}`).join(', ');
  say(`geo: wrote ${path.relative(process.cwd(), out)}, ${(bytes.length / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s (${segments} segments)`);
  return { built: true, out, bytes: bytes.length, stats };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  await buildGeo({ force: args.includes('--force'), out: at >= 0 && args[at + 1] ? path.resolve(args[at + 1]) : DEFAULT_OUT });
}
