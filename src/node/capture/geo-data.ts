/**
 * Finds and loads the country and network table (`dist/geo/ip-geo.bin`,
 * built by `scripts/build-geo.mjs`), once per process.
 *
 * Where: the file named by `PRIVACY_AUDIT_GEO_DATA`; else `geo/ip-geo.bin`
 * beside the running bundle (`dist/cli.js`, `dist/engine.js`, … all live in
 * `dist/`), or, when this module runs from its source (`src/node/capture/`,
 * as in the tests), `dist/geo/ip-geo.bin` of the repository.
 *
 * A missing or unusable file is no failure of a scan: `loadGeoTable` returns
 * undefined and `geoDataProblem` says why, for the shells to print.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openGeoTable, type GeoTable } from '../../core/capture/geo';

export const GEO_DATA_ENV = 'PRIVACY_AUDIT_GEO_DATA';
/** Far above the real file (about 17 MB): a wrong path to something huge is refused, not read. */
const MAX_GEO_BYTES = 256 * 1024 * 1024;

/** Where the table is (or would be): the environment's choice, else beside the bundle, else in the repository's dist/. */
export function geoDataPath(): string {
  const fromEnv = process.env[GEO_DATA_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  // this module's folder: dist/ when bundled (cli.js, engine.js, …), src/node/capture/ when run from source
  const fromSource = path.basename(__dirname) === 'capture' && path.basename(path.dirname(__dirname)) === 'node';
  return fromSource ? path.resolve(__dirname, '..', '..', '..', 'dist', 'geo', 'ip-geo.bin') : path.join(__dirname, 'geo', 'ip-geo.bin');
}

interface Loaded {
  table?: GeoTable;
  problem?: string;
}
const cache = new Map<string, Loaded>();
let lastProblem: string | undefined;

/**
 * The table, read and opened on first use (cached per path); undefined when
 * it is missing or unusable (then `geoDataProblem()` says why). Never throws.
 */
export function loadGeoTable(opts: { path?: string } = {}): GeoTable | undefined {
  const file = path.resolve(opts.path ?? geoDataPath());
  let loaded = cache.get(file);
  if (!loaded) {
    loaded = read(file);
    cache.set(file, loaded);
  }
  lastProblem = loaded.problem;
  return loaded.table;
}

/** Why the last `loadGeoTable` gave no table, or undefined when it gave one. */
export function geoDataProblem(): string | undefined {
  return lastProblem;
}

function read(file: string): Loaded {
  const fromEnv = process.env[GEO_DATA_ENV] ? ` (from ${GEO_DATA_ENV})` : '';
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { problem: `Country and network data ${file}${fromEnv} is not a file.` };
    if (stat.size > MAX_GEO_BYTES) return { problem: `Country and network data ${file}${fromEnv} is too large (${stat.size} bytes).` };
    return { table: openGeoTable(fs.readFileSync(file)) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      return { problem: `No country and network data: ${file}${fromEnv} does not exist (npm run build makes it).` };
    }
    return { problem: `Country and network data ${file}${fromEnv} cannot be used: ${err.message}` };
  }
}
