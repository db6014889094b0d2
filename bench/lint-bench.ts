/**
 * Benchmark (not a test): lint speed on a generated report with 2,000 flows
 * (about 30,000 lines), next to markdown-it's own parse of the same text;
 * then the same report citing a generated 100 MB HAR capture, whose scan the
 * claim rules (PA050–PA053) read: the first lint reads the capture, a re-lint
 * after a prose edit must not. Prints medians from one run. `npm run bench`
 * (`-- --no-capture` skips the capture part).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { Linter } from '../src/core/lint/linter';
import '../src/node/evidence-files'; // the evidence files on disk: the core's default file access
import { nodeCaptureScans } from '../src/node/capture/scan-cache'; // and the captures the claim rules read
import { BENCH_CANARIES, makeBigHar } from './make-big-har';

const FLOWS = 2000;
const EVIDENCE = 40;

export function generate(dir: string): string {
  mkdirSync(path.join(dir, 'evidence'), { recursive: true });
  const out: string[] = [
    '---', 'audit-format: 1', 'id: BENCH-1', 'title: Generated benchmark report', 'status: review', 'date: 2014-10-24',
    'auditors: [Bench]', '---', '', '# Generated report', '',
    '```device', 'id: D1', 'vendor: Example', 'model: Phone', 'build: EX-1', '```', '',
    '```step', 'id: S1', 'action: Use the phone', 'observed: Traffic', 'device: D1', 'date: 2014-08-06', 'evidence: [E1]', '```', '',
    '## Evidence', '', '```evidence',
  ];
  for (let e = 1; e <= EVIDENCE; e++) {
    const body = `capture ${e}\n`.repeat(200);
    writeFileSync(path.join(dir, 'evidence', `c${e}.log`), body);
    out.push(`- id: E${e}`, `  file: evidence/c${e}.log`, `  sha256: ${createHash('sha256').update(body).digest('hex')}`, '  kind: log', '  captured: 2014-08-06T10:00:00Z');
  }
  out.push('```', '', '## Flows', '');
  for (let i = 1; i <= FLOWS; i++) {
    const e = (i % EVIDENCE) + 1;
    out.push(
      `Flow ${i}: the phone sent identifiers to host ${i % 97} [@E${e}].`, '',
      '```flow', `id: F${i}`, 'from: D1', `to: api${i % 97}.example.com`, `address: 42.62.48.${i % 255}`, 'port: 443', 'country: CN',
      'encryption: tls', 'data: [IMEI, phone number]', 'consent: default-on', 'step: S1', `evidence: [E${e}#frame=${i}]`, '```', '',
    );
  }
  return out.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function time(n: number, fn: () => unknown): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-bench-'));
  try {
    const text = generate(dir);
    const filePath = path.join(dir, 'bench.audit.md');
    writeFileSync(filePath, text);
    const lines = text.split('\n').length;
    const md = new MarkdownIt();
    const opts = { filePath, root: dir };

    // warm up the JIT for every path measured
    for (let i = 0; i < 3; i++) {
      md.parse(text, {});
      await new Linter().lint(text, opts);
    }
    const check = await new Linter().lint(text, opts);
    const mdParse = await time(31, () => md.parse(text, {}));
    const cold = await time(9, () => new Linter().lint(text, opts));

    // re-lint after editing one flow block, in the same process
    const warm = new Linter();
    await warm.lint(text, opts);
    let k = 0;
    const incremental = await time(31, () => {
      k++;
      // the flow in the middle of the report: every block after it moves
      const edited = text.replace('id: F1000\nfrom: D1\nto: api30.example.com\naddress: 42.62.48.235\nport: 443', `id: F1000\nfrom: D1\nto: api30.example.com\naddress: 42.62.48.235\nport: ${1000 + k}`);
      if (edited === text) throw new Error('benchmark edit did not apply');
      return warm.lint(edited, opts);
    });

    // and after typing a word in the prose (markdown-it scans the text again; the records are kept)
    const prose = new Linter();
    await prose.lint(text, opts);
    const proseAt = text.indexOf('Flow 1000: the phone') + 'Flow 1000: the '.length;
    if (proseAt < 'Flow 1000: the '.length) throw new Error('benchmark prose not found');
    let j = 0;
    const proseEdit = await time(31, () => prose.lint(text.slice(0, proseAt) + 'x'.repeat(++j % 5) + text.slice(proseAt), opts));

    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`report: ${FLOWS} flows, ${lines} lines, ${(text.length / 1024).toFixed(0)} KiB, ${EVIDENCE} evidence files; ${check.diagnostics.length} diagnostics`);
    console.log(`markdown-it parse (median)        ${fmt(mdParse)}`);
    console.log(`cold parse + lint (median)        ${fmt(cold)}   ${(cold / mdParse).toFixed(2)}× markdown-it   (goal ≤ 5×)`);
    console.log(`re-lint after one edit (median)   ${fmt(incremental)}   ${(incremental / mdParse).toFixed(2)}× markdown-it   (goal ≤ 1.5×)`);
    console.log(`re-lint after a prose edit        ${fmt(proseEdit)}   ${(proseEdit / mdParse).toFixed(2)}× markdown-it`);

    if (!process.argv.includes('--no-capture')) {
      // the same report, its device declaring the canaries and its first flows citing entries of a 100 MB HAR
      const har = path.join(dir, 'evidence', 'run.har');
      const made = makeBigHar(har, 100e6);
      const harSha = createHash('sha256').update(readFileSync(har)).digest('hex');
      const planted = made.planted.find((p) => /imei/i.test(p.what))!;
      const withCapture = text
        .replace('build: EX-1\n', `build: EX-1\nidentifiers:\n  IMEI: "${BENCH_CANARIES.imei}"\n  email: ${BENCH_CANARIES.email}\n`)
        .replace('```evidence\n', `\`\`\`evidence\n- id: E99\n  file: evidence/run.har\n  sha256: ${harSha}\n  kind: har\n  captured: 2014-08-06T10:00:00Z\n`)
        .replace('evidence: [E2#frame=1]', `evidence: [E99#entry=${planted.entry}]`);
      if (!withCapture.includes('E99#entry=')) throw new Error('benchmark capture edit did not apply');
      const capLinter = new Linter();
      const reads = nodeCaptureScans.reads;
      const t0 = performance.now();
      const first = await capLinter.lint(withCapture, opts);
      const firstMs = performance.now() - t0;
      const capMd = await time(31, () => md.parse(withCapture, {}));
      const capAt = withCapture.indexOf('Flow 1000: the phone') + 'Flow 1000: the '.length;
      let c = 0;
      const capProse = await time(31, () => capLinter.lint(withCapture.slice(0, capAt) + 'x'.repeat(++c % 5) + withCapture.slice(capAt), opts));
      const claims = first.diagnostics.filter((d) => /^PA05/.test(d.rule)).length;
      console.log(`\nwith a 100 MB HAR cited (${made.entries} entries; ${nodeCaptureScans.reads - reads} capture read in all; ${claims} claim diagnostics):`);
      console.log(`first lint (reads the capture)     ${fmt(firstMs)}`);
      console.log(`re-lint after a prose edit        ${fmt(capProse)}   ${(capProse / capMd).toFixed(2)}× markdown-it (${fmt(capMd)})   (goal ≤ 1.5×, as for any re-lint)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module && !process.env.BENCH_NO_MAIN) void main();
