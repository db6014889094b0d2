/**
 * The core does no I/O: the evidence checks read files through an
 * `EvidenceFs` the host supplies (src/node/evidence-files.ts in Node, which
 * makes itself the default when loaded), or one passed to the `Linter`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { defaultEvidenceFs, type EvidenceFs } from '../../src/core/lint/evidence';
import { Linter } from '../../src/core/lint/linter';
import { evidenceReport } from '../support/reports';

const ROOT = path.resolve(__dirname, '..', '..');

const REPORT = evidenceReport('Files');

const lintOptions = { filePath: path.join(ROOT, 'test', 'fixtures', 'files.audit.md'), root: ROOT };

/** Runs `code` (the body of an async function, CommonJS) in a fresh Node process with tsx, and returns what it prints. */
function fresh(code: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '-e', `(async () => {${code}})().catch((err) => { console.error(err); process.exit(1); });`], { cwd: ROOT, encoding: 'utf8' }).trim();
}

describe('evidence file access', () => {
  test('a Linter given files reads through them', async () => {
    const seen: string[] = [];
    const files: EvidenceFs = {
      async stat(p) {
        seen.push(p);
        return { isFile: true, size: 3, mtimeMs: 1 };
      },
      realpath: async (p) => p,
      sha256: async () => 'a'.repeat(64),
    };
    const { diagnostics } = await new Linter({ files }).lint(REPORT, lintOptions);
    assert.deepEqual(seen, [path.join(ROOT, 'test', 'fixtures', 'capture.pcap')]);
    // the hash it gave differs from the recorded one
    assert.ok(diagnostics.some((d) => d.rule === 'PA021'), diagnostics.map((d) => d.rule).join(' '));
  });

  test('without a host, a lint that checks evidence files says what is missing; loading the Node implementation makes it the default', () => {
    const out = fresh(`
      const { Linter } = require('./src/core/lint/linter.ts');
      const text = ${JSON.stringify(REPORT)};
      const options = ${JSON.stringify(lintOptions)};
      let before;
      try { await new Linter().lint(text, options); before = 'linted'; } catch (err) { before = err.message; }
      // a lint that checks no file needs no file access
      const plain = (await new Linter().lint(text)).diagnostics.length >= 0;
      require('./src/node/evidence-files.ts');
      const after = (await new Linter().lint(text, options)).diagnostics.filter((d) => d.rule === 'PA020').length;
      console.log(JSON.stringify({ before, plain, after }));
    `);
    const { before, plain, after } = JSON.parse(out) as { before: string; plain: boolean; after: number };
    assert.match(before, /No file access for evidence checks/);
    assert.equal(plain, true);
    assert.equal(after, 1, 'capture.pcap does not exist: PA020');
  });

  test('in this process the Node implementation is the default only once loaded', async () => {
    const { nodeEvidenceFs } = await import('../../src/node/evidence-files');
    assert.equal(defaultEvidenceFs(), nodeEvidenceFs);
  });

  test('no core module imports a Node I/O module', () => {
    // node:crypto and node:zlib compute (the capture matcher hashes and inflates bytes it is given); they open nothing
    const IO = /from '(?:node:)?(fs|fs\/promises|net|http|https|http2|child_process|dgram|dns|tls|worker_threads|readline)'/;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && IO.test(readFileSync(p, 'utf8'))) offenders.push(path.relative(ROOT, p));
      }
    };
    walk(path.join(ROOT, 'src', 'core'));
    assert.deepEqual(offenders, []);
  });
});
