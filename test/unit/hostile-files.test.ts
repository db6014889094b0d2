/**
 * Hostile files and hostile terminals (issue 8, items 7–9 and 11–16): reports
 * that are huge, FIFOs, device links or unreadable; folder links out of the
 * workspace and link loops; outputs that are the report or its evidence;
 * control characters in keys and file names; huge evidence; broken pipes, a
 * deleted current folder; absolute paths in evidence errors; FIFOs and
 * sockets as evidence; `hash` output that must paste as valid YAML.
 *
 * Whatever could hang or eat memory on a broken build runs in a child
 * process (the command line bundled once with esbuild) with a time limit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main';
import { EvidenceChecker, type EvidenceFs } from '../../src/core/lint/evidence';
import { nodeEvidenceFs } from '../../src/node/evidence-files';

const REPO = path.resolve(__dirname, '..', '..');

// ---------------------------------------------------------------- helpers

const temps: string[] = [];
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pa-hostile-'));
  temps.push(d);
  return d;
}

/** A folder holding `files` (relative path → content). */
function folder(files: Record<string, string> = {}): string {
  const d = tmp();
  for (const [rel, content] of Object.entries(files)) put(d, rel, content);
  return d;
}

function put(dir: string, rel: string, content: string | Buffer): string {
  const abs = path.join(dir, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
  return abs;
}

const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

/** A unix socket at `p` (closed after the tests). */
function socketAt(p: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    servers.push(s);
    s.once('error', reject).listen(p, () => resolve());
  });
}

/** A small report; `evidence` are `file:` values of evidence records E1, E2, … */
function reportText(evidence: string[] = [], frontExtra = ''): string {
  const fm = ['---', 'audit-format: 1', 'id: HOSTILE-1', 'title: Hostile input', 'status: draft', 'date: 2024-05-06', 'auditors: [Tess Tester]', ...(frontExtra ? [frontExtra] : []), '---', '', '# Hostile input', ''];
  const cites = evidence.map((_, i) => `See [@E${i + 1}].`);
  const records = evidence.flatMap((file, i) => ['```evidence', `id: E${i + 1}`, `file: ${JSON.stringify(file)}`, 'kind: log', '```', '']);
  return [...fm, ...cites, '', ...records].join('\n');
}

interface Run {
  code: number;
  out: string;
  err: string;
}

/** The command line in this process. */
async function cli(argv: string[], cwd: string, extra: { debug?: boolean } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, color: false, out: (s) => void (out += s), err: (s) => void (err += s), ...extra });
  return { code, out, err };
}

interface Json {
  files: { path: string; diagnostics: { rule: string; severity: string; message: string }[] }[];
}

const lintJson = async (args: string[], cwd: string): Promise<Run & { json: Json }> => {
  const r = await cli(['lint', '--format', 'json', ...args], cwd);
  let json: Json;
  try {
    json = JSON.parse(r.out) as Json;
  } catch {
    assert.fail(`lint --format json printed no JSON document (exit ${r.code}): out=${r.out.slice(0, 300)} err=${r.err.slice(0, 300)}`);
  }
  return { ...r, json };
};

/** Characters a terminal may act on: C0 but for line feeds, DEL, C1, bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const showRaw = (s: string) => JSON.stringify(s.match(new RegExp(RAW_CONTROL.source, 'g')));

// the command line as one CommonJS file, so that a child process starts fast and without tsx
let CLI = '';
before(async () => {
  const dir = tmp();
  CLI = path.join(dir, 'cli.cjs');
  await build({
    entryPoints: [path.join(REPO, 'src', 'cli', 'index.ts')],
    outfile: CLI,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
    external: ['playwright-core'],
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
});

interface ChildRun extends Run {
  signal: NodeJS.Signals | null;
}

/** Runs `command` (with `$CLI` set to `node <bundled cli>`; neither path holds a space) in a shell, killed after `timeout` ms. */
function sh(command: string, cwd: string, timeout = 20_000): Promise<ChildRun> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', command],
      { cwd, timeout, killSignal: 'SIGKILL', env: { ...process.env, CLI: `${process.execPath} ${CLI}`, NODE_PATH: path.join(REPO, 'node_modules'), PRIVACY_AUDIT_DEBUG: '' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({ code: typeof e?.code === 'number' ? e.code : e ? -1 : 0, signal: e?.signal ?? null, out: String(stdout), err: String(stderr) });
      },
    );
  });
}

const STACK = /^\s+at .+[:(]/m;

// ---------------------------------------------------------------- item 7

describe('item 7: reports are read safely (size and type first, never out of the root)', () => {
  test('a report far over the size cap is refused from its size: it is never read into memory', async () => {
    const ws = folder({ 'ok.audit.md': reportText() });
    truncateSync(put(ws, 'huge.audit.md', ''), 200 * 1024 * 1024); // sparse: costs no disk
    const before = process.resourceUsage().maxRSS;
    const r = await lintJson([], ws);
    const grewMb = (process.resourceUsage().maxRSS - before) / 1024;
    assert.ok(grewMb < 64, `linting a 200 MB report raised the peak memory by ${grewMb.toFixed(0)} MB`);
    const huge = r.json.files.find((f) => f.path === 'huge.audit.md');
    assert.ok(huge, `huge.audit.md is listed: ${r.out}`);
    assert.equal(huge.diagnostics[0]?.rule, 'PA000');
    assert.match(huge.diagnostics[0]!.message, /too large.*200\.0 MB/);
    assert.deepEqual(r.json.files.find((f) => f.path === 'ok.audit.md')?.diagnostics, [], 'the other report is still linted');
    assert.equal(r.code, 1);
  });

  test('a FIFO or a device link given as a report (or as the configuration) is refused at once by lint, export, diagram and hash --report', async () => {
    const ws = folder({ 'evidence.txt': 'x\n' });
    mkfifo(path.join(ws, 'pipe.audit.md'));
    mkfifo(path.join(ws, 'conf.yaml'));
    symlinkSync('/dev/zero', path.join(ws, 'zero.audit.md'));
    const runs = await Promise.all([
      sh('$CLI lint pipe.audit.md', ws),
      sh('$CLI lint zero.audit.md', ws),
      sh('$CLI export pipe.audit.md --html out.html', ws),
      sh('$CLI diagram pipe.audit.md', ws),
      sh('$CLI hash evidence.txt --report pipe.audit.md', ws),
      sh('$CLI lint', ws),
      sh('$CLI lint --config conf.yaml zero.audit.md', ws),
    ]);
    const [lintPipe, lintZero, exp, diagram, hash, lintAll, config] = runs;
    for (const [name, r] of Object.entries({ lintPipe, exp, diagram, hash, lintAll })) {
      assert.equal(r!.signal, null, `${name} hung and was killed`);
      assert.notEqual(r!.code, 0, `${name} fails`);
      assert.match(r!.out + r!.err, /pipe\.audit\.md.*a FIFO \(named pipe\), not a regular file/, `${name} says what the file is: ${r!.out}${r!.err}`);
      assert.doesNotMatch(r!.err, STACK);
    }
    assert.equal(lintZero!.signal, null, 'a link to /dev/zero is not read');
    assert.match(lintZero!.out, /zero\.audit\.md[\s\S]*a character device, not a regular file/);
    assert.match(lintAll!.out, /zero\.audit\.md/, 'lint with no path lists both');
    assert.equal(config!.signal, null, 'a FIFO as the configuration is not read either');
    assert.match(config!.err, /Cannot read the configuration .*conf\.yaml: it is a FIFO \(named pipe\), not a regular file/);
  });

  test('lint with no path never follows a folder link out of the workspace, and survives link loops', async () => {
    const outside = folder({ 'secret.audit.md': reportText() });
    const ws = folder({ 'a.audit.md': reportText(), 'sub/b.audit.md': reportText() });
    symlinkSync(outside, path.join(ws, 'rootfs'));
    symlinkSync('.', path.join(ws, 'loop'));
    symlinkSync('..', path.join(ws, 'sub', 'up'));
    symlinkSync('sub', path.join(ws, 'also-sub'));
    const r = await lintJson([], ws);
    assert.deepEqual(r.json.files.map((f) => f.path), ['a.audit.md', 'sub/b.audit.md']);
    assert.equal(r.code, 0);
    // an explicit folder link is what the user asked for, and still no loop
    const linked = await lintJson(['rootfs'], ws);
    assert.deepEqual(linked.json.files.map((f) => f.path), ['rootfs/secret.audit.md']);
  });

  test('a folder link inside the workspace is followed when nothing else reaches it', async () => {
    const ws = folder({ 'a.audit.md': reportText(), 'shared/c.audit.md': reportText(), 'reports/r.audit.md': reportText() });
    symlinkSync('../shared', path.join(ws, 'reports', 'shared'));
    const r = await lintJson(['reports'], ws);
    assert.deepEqual(r.json.files.map((f) => f.path), ['reports/r.audit.md', 'reports/shared/c.audit.md']);
  });
});

// ---------------------------------------------------------------- item 8

describe('item 8: export never writes onto its own inputs', () => {
  const setup = () => {
    const ws = folder({ 'r.audit.md': reportText(['evidence/cap.txt']), 'evidence/cap.txt': 'capture\n' });
    symlinkSync('.', path.join(ws, 'alias'));
    return ws;
  };

  test('--html through a folder link onto the report is refused and the report kept', async () => {
    const ws = setup();
    const r = await cli(['export', 'r.audit.md', '--html', 'alias/r.audit.md'], ws);
    assert.equal(r.code, 2);
    assert.match(r.err, /alias\/r\.audit\.md is the report r\.audit\.md itself/);
    assert.equal(readFileSync(path.join(ws, 'r.audit.md'), 'utf8'), reportText(['evidence/cap.txt']));
  });

  test('an output onto an evidence file, or a hard link of the report, is refused', async () => {
    const ws = setup();
    const ev = await cli(['export', 'r.audit.md', '--pdf', 'alias/evidence/cap.txt'], ws);
    assert.equal(ev.code, 2);
    assert.match(ev.err, /is the evidence file evidence\/cap\.txt of r\.audit\.md/);
    assert.equal(readFileSync(path.join(ws, 'evidence', 'cap.txt'), 'utf8'), 'capture\n');
    linkSync(path.join(ws, 'r.audit.md'), path.join(ws, 'copy.html'));
    const hard = await cli(['export', 'r.audit.md', '--html', 'copy.html'], ws);
    assert.equal(hard.code, 2);
    assert.match(hard.err, /copy\.html is the report r\.audit\.md itself/);
  });

  test('--out-dir whose output would be an evidence file is refused before anything is written', async () => {
    const ws = folder({ 'r.audit.md': reportText(['out/r.html']), 'out/r.html': 'evidence page\n' });
    const r = await cli(['export', 'r.audit.md', '--out-dir', 'out', '--formats', 'html'], ws);
    assert.equal(r.code, 2);
    assert.match(r.err, /out\/r\.html is the evidence file out\/r\.html of r\.audit\.md/);
    assert.equal(readFileSync(path.join(ws, 'out', 'r.html'), 'utf8'), 'evidence page\n');
  });
});

// ---------------------------------------------------------------- item 9

describe('item 9: no control character from a report or a file name reaches the terminal', () => {
  const EVIL_KEY = '\u001b[2J\u001b[Hforged\u009b31m\u202e';
  const EVIL_NAME = 'x\u001b[2J\u202edm.audit.md';

  test('stylish output escapes YAML keys and file names visibly', async () => {
    const ws = folder({ [EVIL_NAME]: reportText([], `${JSON.stringify(EVIL_KEY)}: 1`) });
    const r = await cli(['lint'], ws);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, RAW_CONTROL, `raw control characters: ${showRaw(r.out)}`);
    assert.match(r.out, /\\x1b\[2J\\x1b\[Hforged\\x9b31m\\u202e/i, 'the key is shown with visible escapes');
    assert.match(r.out, /x\\x1b\[2J\\u202edm\.audit\.md/i, 'the file name too');
  });

  test('error messages escape file names', async () => {
    const ws = folder({ 'a.audit.md': reportText() });
    for (const argv of [['lint', EVIL_NAME], ['hash', `${EVIL_NAME}.pcap`], ['diagram', EVIL_NAME], ['export', EVIL_NAME, '--html', 'o.html']]) {
      const r = await cli(argv, ws);
      assert.equal(r.code, 2, argv.join(' '));
      assert.ok(r.err.length > 0);
      assert.doesNotMatch(r.err, RAW_CONTROL, `${argv[0]}: raw control characters in ${JSON.stringify(r.err)}`);
      assert.match(r.err, /\\x1b\[2J/i);
    }
  });

  test('JSON and SARIF stay valid JSON with the same values, and hold no raw C1 or bidi character', async () => {
    const ws = folder({ [EVIL_NAME]: reportText([], `${JSON.stringify(EVIL_KEY)}: 1`) });
    const j = await lintJson([], ws);
    assert.doesNotMatch(j.out, RAW_CONTROL, showRaw(j.out));
    assert.equal(j.json.files[0]!.path, EVIL_NAME);
    assert.ok(j.json.files[0]!.diagnostics.some((d) => d.message.includes(EVIL_KEY)), 'JSON keeps the exact text');
    const s = await cli(['lint', '--format', 'sarif'], ws);
    assert.doesNotMatch(s.out, RAW_CONTROL, showRaw(s.out));
    const sarif = JSON.parse(s.out) as { runs: { results: { message: { text: string } }[] }[] };
    assert.ok(sarif.runs[0]!.results.some((x) => x.message.text.includes(EVIL_KEY)));
  });
});

// ---------------------------------------------------------------- item 11

describe('item 11: evidence hashing has a size limit', () => {
  test('a file over the configured limit is never hashed, and says so', async () => {
    const ws = folder({ 'e/big.bin': 'x'.repeat(2000) });
    const hashed: string[] = [];
    const fs: EvidenceFs = { ...nodeEvidenceFs, sha256: (p) => (hashed.push(p), nodeEvidenceFs.sha256(p)) };
    const st = await new EvidenceChecker(fs, { maxHashBytes: 1000 }).check('e/big.bin', ws, ws);
    assert.equal(st.state, 'error');
    assert.match(st.state === 'error' ? st.message : '', /too large to hash \(2\.0 KiB; the limit is 1000 bytes\)/);
    assert.deepEqual(hashed, []);
  });

  test('the default limit is 2 GiB: a sparse file just over it is refused at once', async () => {
    const ws = folder();
    truncateSync(put(ws, 'e/huge.pcap', ''), 2 * 1024 ** 3 + 1);
    const started = performance.now();
    const st = await new EvidenceChecker().check('e/huge.pcap', ws, ws);
    assert.equal(st.state, 'error');
    assert.match(st.state === 'error' ? st.message : '', /too large to hash \(2147483649 bytes; the limit is 2147483648 bytes\)/);
    assert.ok(performance.now() - started < 1000, 'not read');
  });

  test('lint and hash --max-evidence-size set the limit; the message names the file and the limit', async () => {
    const ws = folder({ 'r.audit.md': reportText(['e/cap.txt']), 'e/cap.txt': 'y'.repeat(5000) });
    const r = await lintJson(['--max-evidence-size', '4KiB'], ws);
    const d = r.json.files[0]!.diagnostics.find((x) => x.rule === 'PA020');
    assert.match(d?.message ?? '', /e\/cap\.txt.*too large to hash \(4\.9 KiB; the limit is 4\.0 KiB\)/);
    const bad = await cli(['lint', '--max-evidence-size', 'lots'], ws);
    assert.equal(bad.code, 2);
    const hash = await cli(['hash', 'e/cap.txt', '--max-evidence-size', '4k'], ws);
    assert.equal(hash.code, 2);
    assert.match(hash.err, /Cannot hash e\/cap\.txt: it is too large to hash \(4\.9 KiB; the limit is 4\.0 KiB\); raise the limit with --max-evidence-size/);
  });
});

// ---------------------------------------------------------------- item 12

describe('item 12: one bad report does not stop the others', () => {
  test('a file name that is not UTF-8 and a dangling link are problems of their own; the rest is linted', async () => {
    const ws = folder({ 'good.audit.md': reportText() });
    writeFileSync(Buffer.concat([Buffer.from(`${ws}/bad`), Buffer.from([0xff, 0xfe]), Buffer.from('.audit.md')]), reportText());
    symlinkSync('gone.md', path.join(ws, 'dangling.audit.md'));
    const r = await lintJson([], ws);
    assert.equal(r.code, 2, 'an unreadable report is an I/O failure');
    const byPath = new Map(r.json.files.map((f) => [f.path, f.diagnostics]));
    assert.deepEqual(byPath.get('good.audit.md'), []);
    assert.match(byPath.get('bad\ufffd\ufffd.audit.md')?.[0]?.message ?? '', /name is not valid UTF-8/);
    assert.match(byPath.get('dangling.audit.md')?.[0]?.message ?? '', /Cannot read dangling\.audit\.md: .*(does not exist|no such file)/i);
    const stylish = await cli(['lint'], ws);
    assert.equal(stylish.code, 2);
    assert.match(stylish.out, /good\.audit\.md|3 reports/);
  });

  test('existing files whose names look like globs are taken literally', async () => {
    const ws = folder({ '(draft).audit.md': reportText(), '{x,y}.audit.md': reportText(), '[1].audit.md': reportText(), 'x.audit.md': reportText([], 'bogus-key: 1') });
    for (const name of ['(draft).audit.md', '{x,y}.audit.md', '[1].audit.md']) {
      const r = await lintJson([name], ws);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      assert.deepEqual(r.json.files.map((f) => f.path), [name]);
    }
    const glob = await lintJson(['*.audit.md'], ws);
    assert.equal(glob.json.files.length, 4, 'a real glob still expands');
  });
});

// ---------------------------------------------------------------- item 13

describe('item 13: no stack trace ever reaches the user', () => {
  test('lint … | head exits quietly', async () => {
    const keys = Array.from({ length: 4000 }, (_, i) => `unknown-key-${i}: 1`).join('\n');
    const ws = folder({ 'noisy.audit.md': reportText([], keys) });
    const r = await sh('set -o pipefail; $CLI lint noisy.audit.md | head -n 2', ws);
    assert.equal(r.signal, null);
    assert.equal(r.out.split('\n').length, 3, r.out);
    assert.equal(r.err, '', 'nothing on stderr');
  });

  test('a deleted current folder is one clear line', async () => {
    const ws = folder();
    const r = await sh('mkdir gone && cd gone && rmdir ../gone && $CLI lint', ws);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.err, STACK);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /^privacy-audit: the current folder no longer exists/);
  });

  test('an unexpected error is one line; PRIVACY_AUDIT_DEBUG=1 adds the stack', async () => {
    const ws = folder({ 'a.audit.md': reportText() });
    const boom = async (debug: boolean) => {
      let err = '';
      const code = await main(['lint', 'a.audit.md'], {
        cwd: ws,
        color: false,
        debug,
        out: () => {
          throw new TypeError('boom');
        },
        err: (s) => void (err += s),
      });
      return { code, err };
    };
    const quiet = await boom(false);
    assert.equal(quiet.code, 2);
    assert.equal(quiet.err, 'privacy-audit: unexpected error: TypeError: boom (set PRIVACY_AUDIT_DEBUG=1 to see where)\n');
    const loud = await boom(true);
    assert.match(loud.err, STACK);
  });
});

// ---------------------------------------------------------------- item 14

describe('item 14: evidence read errors never hold an absolute path', () => {
  test('a link loop as evidence: the message names the path as written', async () => {
    const ws = folder({ 'r.audit.md': reportText(['evidence/loop']) });
    mkdirSync(path.join(ws, 'evidence'));
    symlinkSync('loop', path.join(ws, 'evidence', 'loop'));
    const r = await lintJson([], ws);
    const d = r.json.files[0]!.diagnostics.find((x) => x.rule === 'PA020');
    assert.ok(d, r.out);
    assert.ok(!d.message.includes(ws) && !d.message.includes(os.tmpdir()), d.message);
    assert.match(d.message, /evidence\/loop.*symbolic links? loop/);
  });

  test('an error from the file system is told without its absolute path', async () => {
    const ws = folder({ 'e/a.txt': 'a\n' });
    const abs = path.join(ws, 'e', 'a.txt');
    const denied: EvidenceFs = {
      ...nodeEvidenceFs,
      sha256: () => Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${abs}'`), { code: 'EACCES', path: abs })),
    };
    const st = await new EvidenceChecker(denied).check('e/a.txt', ws, ws);
    assert.equal(st.state, 'error');
    const message = st.state === 'error' ? st.message : '';
    assert.ok(!message.includes(ws), message);
    assert.match(message, /permission denied/);
    const odd: EvidenceFs = { ...nodeEvidenceFs, sha256: () => Promise.reject(new Error(`read failed at ${abs} (disk)`)) };
    const st2 = await new EvidenceChecker(odd).check('e/a.txt', ws, ws);
    assert.equal(st2.state === 'error' ? st2.message : '', 'read failed at e/a.txt (disk)');
  });
});

// ---------------------------------------------------------------- item 15

describe('item 15: a FIFO or a socket as evidence is named for what it is, never opened', () => {
  test('lint says FIFO and socket, not folder', async () => {
    const ws = folder({ 'r.audit.md': reportText(['evidence/pipe', 'evidence/sock', 'evidence/dir']) });
    mkdirSync(path.join(ws, 'evidence', 'dir'), { recursive: true });
    mkfifo(path.join(ws, 'evidence', 'pipe'));
    await socketAt(path.join(ws, 'evidence', 'sock'));
    const r = await lintJson([], ws);
    const messages = r.json.files[0]!.diagnostics.filter((d) => d.rule === 'PA020').map((d) => d.message);
    assert.equal(messages.length, 3, messages.join('\n'));
    assert.match(messages.find((m) => m.includes('evidence/pipe')) ?? '', /a FIFO \(named pipe\), not a regular file/);
    assert.match(messages.find((m) => m.includes('evidence/sock')) ?? '', /a socket, not a regular file/);
    assert.match(messages.find((m) => m.includes('evidence/dir')) ?? '', /a folder, not a file/);
  });

  test('hash refuses a FIFO without opening it', async () => {
    const ws = folder();
    mkfifo(path.join(ws, 'pipe'));
    const r = await cli(['hash', 'pipe'], ws);
    assert.equal(r.code, 2);
    assert.match(r.err, /Cannot hash pipe: it is a FIFO \(named pipe\), not a regular file/);
  });
});

// ---------------------------------------------------------------- item 16

describe('item 16: hash output always pastes as valid YAML', () => {
  const records = (out: string) => {
    const m = /^```evidence\n([\s\S]*)```\n$/.exec(out);
    assert.ok(m, `one fenced block: ${out}`);
    return parseYaml(m[1]!) as { id: string; file: string; sha256: string }[];
  };

  test('file names with a line break or control characters are quoted and escaped', async () => {
    const names = ['two\nlines.txt', 'esc\u001b[2J\u009b\u202e.txt', 'plain.txt'];
    const ws = folder(Object.fromEntries(names.map((n) => [n, `content of ${n}`])));
    const r = await cli(['hash', ...names], ws);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, RAW_CONTROL, showRaw(r.out));
    const parsed = records(r.out);
    assert.deepEqual(parsed.map((x) => x.file), names);
    assert.deepEqual(parsed.map((x) => x.sha256), names.map((n) => createHash('sha256').update(`content of ${n}`).digest('hex')));
  });

  test('the next id after a huge one is exact', async () => {
    const ws = folder({ 'r.audit.md': reportText(['a.txt']).replace('id: E1', 'id: E999999999999999999999'), 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
    const r = await cli(['hash', 'b.txt', 'c.txt', '--report', 'r.audit.md'], ws);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(records(r.out).map((x) => x.id), ['E1000000000000000000000', 'E1000000000000000000001']);
  });
});
