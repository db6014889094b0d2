// Bundles the extension and the command line with esbuild.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'linked',
  // some dependencies ship ESM that reads import.meta.url; give the CommonJS bundle a real one
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const builds = [
  // the extension's entry stays small; the core is loaded from dist/engine.js on first use
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './engine', './exportEngine', './scanEngine'] },
  { ...common, entryPoints: ['src/extension/engine.ts'], outfile: 'dist/engine.js', external: ['vscode'] },
  // the export (loaded on first export); playwright-core ships in the VSIX as a module of its own
  { ...common, entryPoints: ['src/extension/exportEngine.ts'], outfile: 'dist/exportEngine.js', external: ['vscode', 'playwright-core'] },
  // the capture scan: the worker thread that reads captures (dist/scanWorker.js), and what the results view needs on first use
  { ...common, entryPoints: ['src/node/capture/worker.ts'], outfile: 'dist/scanWorker.js' },
  { ...common, entryPoints: ['src/extension/scanEngine.ts'], outfile: 'dist/scanEngine.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', external: ['playwright-core'], banner: { js: "#!/usr/bin/env node\nconst __bundleUrl = require('node:url').pathToFileURL(__filename).href;" } },
];

// webviews: browser bundles, plus the bundled mermaid (never a CDN)
const webview = { bundle: true, platform: 'browser', target: 'es2020', format: 'iife', sourcemap: !production, minify: production, logLevel: 'info' };
builds.push(
  { ...webview, entryPoints: ['src/webview/preview.ts'], outfile: 'dist/webview/preview.js' },
  { ...webview, entryPoints: ['src/webview/editor.ts'], outfile: 'dist/webview/editor.js' },
);
fs.mkdirSync('dist/webview', { recursive: true });
fs.copyFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'dist/webview/mermaid.min.js');
// the country and network table (dist/geo/ip-geo.bin) from the ip-location-db data; skipped when up to date
await (await import('./build-geo.mjs')).buildGeo();

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
