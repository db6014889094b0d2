/**
 * `npm run bench:scan`: the capture scan as a whole process, next to
 * ripgrep finding only the plain values in the same file.
 *
 *   - a generated HAR of 100 MB (bench/make-big-har.ts: Chrome's shape, the
 *     canaries planted plain, base64 and gzip at known entries): `privacy-audit
 *     scan` (ripgrep prefilter), the same with --no-ripgrep, and `rg -F -c`
 *     with the four values as written;
 *   - where tshark is installed, a generated pcap (bench/make-big-pcap.ts),
 *     the same way.
 *
 * One run each after a warm-up read (the file in the page cache), wall time
 * and peak memory from /usr/bin/time when present. Prints figures, asserts
 * only that the planted values were found.
 *
 *   node --import tsx bench/scan-bench.ts [--mb 100] [--pcap-mb 50] [--keep]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BENCH_CANARIES, makeBigHar } from './make-big-har';
import { makeBigPcap } from './make-big-pcap';

const args = process.argv.slice(2);
const num = (flag: string, dflt: number) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : dflt);
const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run build first (npm run bench:scan does).');
const hasTime = existsSync('/usr/bin/time');
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0 || spawnSync(cmd, ['-v'], { stdio: 'ignore' }).status === 0;

interface Run {
  seconds: number;
  peakMB?: number;
  stdout: string;
  status: number | null;
}

/** One whole process: wall time and, with GNU time, peak resident memory. */
function run(cmd: string, argv: string[]): Run {
  const full = hasTime ? ['/usr/bin/time', ['-f', '@@time %e %M', cmd, ...argv]] as const : [cmd, argv] as const;
  const t0 = performance.now();
  const r = spawnSync(full[0], [...full[1]], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const m = /@@time ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  return { seconds: wall, peakMB: m ? Number(m[2]) / 1024 : undefined, stdout: r.stdout ?? '', status: r.status };
}

const fmt = (r: Run) => `${r.seconds.toFixed(2)} s${r.peakMB !== undefined ? `, peak ${r.peakMB.toFixed(0)} MB` : ''}`;

const dir = mkdtempSync(path.join(tmpdir(), 'pa-bench-scan-'));
const report = path.join(dir, 'bench.audit.md');
writeFileSync(
  report,
  [
    '---', 'audit-format: 1', 'id: BENCH-SCAN', 'title: Scan benchmark', 'status: draft', 'date: 2026-12-05', 'auditors: [Bench]', '---', '',
    '```device', 'id: D1', 'identifiers:',
    `  IMEI: "${BENCH_CANARIES.imei}"`, `  phone number: "${BENCH_CANARIES.phone}"`, `  email: ${BENCH_CANARIES.email}`, `  advertising ID: ${BENCH_CANARIES.adid}`,
    '```', '',
  ].join('\n'),
);
const plain = Object.values(BENCH_CANARIES);

function scanOnce(file: string, extra: string[] = []): { run: Run; sent: number; matches: number } {
  const r = run(process.execPath, [CLI, 'scan', file, '--report', report, '--format', 'json', '--root', dir, ...extra]);
  if (r.status !== 0 && r.status !== 1) throw new Error(`scan failed (exit ${r.status})`);
  const doc = JSON.parse(r.stdout) as { captures: { matches: { direction: string }[]; error?: string }[] };
  if (doc.captures[0]!.error) throw new Error(doc.captures[0]!.error);
  const ms = doc.captures[0]!.matches;
  return { run: r, sent: ms.filter((m) => m.direction === 'request').length, matches: ms.length };
}

function rgOnce(file: string): Run {
  return run('rg', ['-F', '-c', '-a', '--no-config', ...plain.flatMap((v) => ['-e', v]), file]);
}

try {
  console.log(`scan benchmark (${process.version}, ${hasTime ? 'peak memory from /usr/bin/time' : 'no /usr/bin/time: no memory figures'})\n`);
  const har = path.join(dir, 'big.har');
  const mb = num('--mb', 100);
  const t0 = performance.now();
  const made = makeBigHar(har, mb * 1e6);
  const size = statSync(har).size;
  console.log(`HAR: ${(size / 1e6).toFixed(0)} MB, ${made.entries} entries, made in ${((performance.now() - t0) / 1000).toFixed(1)} s; planted: ${made.planted.map((p) => `${p.what} (entry ${p.entry})`).join('; ')}`);
  readFileSync(har); // into the page cache
  if (!has('rg')) throw new Error('ripgrep (rg) is needed for the baseline: apt-get install ripgrep');
  rgOnce(har);
  const rg = rgOnce(har);
  const ours = scanOnce(har);
  const js = scanOnce(har, ['--no-ripgrep']);
  const planted = made.planted.filter((p) => !/response/i.test(p.what)).length;
  console.log(`  rg -F (the ${plain.length} values as written)        ${fmt(rg)}`);
  console.log(`  privacy-audit scan (ripgrep prefilter)  ${fmt(ours.run)}; ${ours.sent} sent, ${ours.matches - ours.sent} only in responses (planted: ${planted} sent)`);
  console.log(`  privacy-audit scan --no-ripgrep         ${fmt(js.run)}; ${js.sent} sent`);
  console.log(`  ratio scan ÷ rg: ${(ours.run.seconds / rg.seconds).toFixed(1)}× (goal ≤ 5×); without ripgrep ${(js.run.seconds / rg.seconds).toFixed(1)}×; ${(size / 1e6 / ours.run.seconds).toFixed(0)} MB/s`);
  if (ours.sent < planted) throw new Error(`the scan found ${ours.sent} of ${planted} planted values`);
  if (js.sent !== ours.sent) throw new Error(`the two readers disagree: ${ours.sent} and ${js.sent}`);

  if (has('tshark')) {
    const pcap = path.join(dir, 'big.pcap');
    const pmb = num('--pcap-mb', 50);
    const p = makeBigPcap(pcap, pmb * 1e6);
    const psize = statSync(pcap).size;
    console.log(`\npcap: ${(psize / 1e6).toFixed(0)} MB, ${p.frames} frames; planted: ${p.planted.join('; ')}`);
    readFileSync(pcap);
    const prg = rgOnce(pcap);
    const pours = scanOnce(pcap);
    const tsharkOnly = run('tshark', ['-n', '-r', pcap, '-T', 'fields', '-e', 'frame.number', '-Y', 'http.request']);
    console.log(`  rg -F -a                                ${fmt(prg)}`);
    console.log(`  tshark alone (HTTP requests, one field) ${fmt(tsharkOnly)}`);
    console.log(`  privacy-audit scan                      ${fmt(pours.run)}; ${pours.sent} sent (planted: ${p.planted.length})`);
    console.log(`  ratio scan ÷ rg: ${(pours.run.seconds / prg.seconds).toFixed(1)}×; scan ÷ tshark alone: ${(pours.run.seconds / tsharkOnly.seconds).toFixed(1)}×; ${(psize / 1e6 / pours.run.seconds).toFixed(1)} MB/s`);
    if (pours.sent < p.planted.length) throw new Error(`the pcap scan found ${pours.sent} of ${p.planted.length} planted values`);
  } else console.log('\npcap: tshark is not installed, skipped (apt-get install tshark)');
  console.log(`\n(tshark ${has('tshark') ? execFileSync('tshark', ['-v'], { encoding: 'utf8' }).split('\n')[0]!.replace(/^TShark \(Wireshark\) /, '') : 'absent'}; rg ${execFileSync('rg', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.replace(/^ripgrep /, '')})`);
} finally {
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
