/**
 * The `privacy-audit` command line (format spec §6): exit codes, output
 * formats, path expansion, configuration, `--root` and `hash`.
 *
 * Most tests call `main()` in-process with captured output; one test runs the
 * built `dist/cli.js` as a real process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main';
import { validateSarif } from '../support/sarif';

const REPO = path.resolve(__dirname, '..', '..');
const DIST_CLI = path.join(REPO, 'dist', 'cli.js');
const ANSI = /\x1b\[/;

// ---------------------------------------------------------------- helpers

const workspaces: string[] = [];
after(() => {
  for (const d of workspaces) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary workspace holding `files` (relative path → content). */
function makeWs(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-cli-'));
  workspaces.push(dir);
  for (const [rel, content] of Object.entries(files)) write(dir, rel, content);
  return dir;
}

function write(dir: string, rel: string, content: string | Buffer): void {
  const abs = path.join(dir, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process. Without colour, no output may hold an ANSI escape. */
async function run(argv: string[], cwd: string, color = false): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    cwd,
    color,
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  if (!color) {
    assert.doesNotMatch(out, ANSI, `stdout holds an ANSI escape with color=false: ${JSON.stringify(out)}`);
    assert.doesNotMatch(err, ANSI, `stderr holds an ANSI escape with color=false: ${JSON.stringify(err)}`);
  }
  return { code, out, err };
}

interface JsonDiag {
  rule: string;
  severity: string;
  message: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
}
interface JsonOut {
  version: number;
  files: { path: string; diagnostics: JsonDiag[] }[];
}

/** Parses `--format json` output, checking it is exactly one JSON document of the documented shape. */
function parseJsonOutput(out: string): JsonOut {
  let doc: unknown;
  assert.doesNotThrow(() => {
    doc = JSON.parse(out);
  }, `--format json must print exactly one JSON document, got: ${out.slice(0, 200)}`);
  const o = doc as JsonOut;
  assert.equal(typeof o, 'object');
  assert.equal(o.version, 1);
  assert.ok(Array.isArray(o.files), '`files` must be an array');
  for (const f of o.files) {
    assert.equal(typeof f.path, 'string');
    assert.ok(!f.path.includes('\\'), `paths use '/': ${f.path}`);
    assert.ok(!path.isAbsolute(f.path), `paths are relative: ${f.path}`);
    assert.ok(Array.isArray(f.diagnostics));
    for (const d of f.diagnostics) {
      assert.match(d.rule, /^PA\d{3}$/);
      assert.ok(['error', 'warning', 'info'].includes(d.severity), `severity ${d.severity}`);
      assert.equal(typeof d.message, 'string');
      assert.ok(d.message.length > 0);
      for (const p of [d.range.start, d.range.end]) {
        assert.ok(Number.isInteger(p.line) && p.line >= 1, `1-based line: ${JSON.stringify(d.range)}`);
        assert.ok(Number.isInteger(p.column) && p.column >= 1, `1-based column: ${JSON.stringify(d.range)}`);
      }
    }
  }
  return o;
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function locate(text: string, needle: string): { line: number; column: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture does not contain ${needle}`);
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  const column = i - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

const EVIDENCE_CONTENT = 'GET /register?imei=867530912345678 HTTP/1.1\nHost: api.example.com\n';
const EVIDENCE_SHA = sha256(EVIDENCE_CONTENT);

function frontMatter(extra = ''): string {
  return ['---', 'audit-format: 1', 'id: TEST-2024-1', 'title: Test report', 'status: draft', 'date: 2024-01-02', 'auditors: [Alice Analyst]', ...(extra ? [extra] : []), '---', ''].join('\n');
}

interface ReportOpts {
  fm?: string;
  /** Evidence id the flow cites (E1 is the one defined). */
  flowEvidence?: string;
  /** Write the device without `build` (a PA040 warning). */
  noBuild?: boolean;
  file?: string;
  sha?: string;
  /** Extra Markdown appended at the end. */
  tail?: string;
}

/** A small report: clean by default (device, flow, cited evidence file with its right hash). */
function report(o: ReportOpts = {}): string {
  return [
    frontMatter(o.fm),
    '# Test report',
    '',
    'The phone sent its IMEI to api.example.com [@E1].',
    '',
    '```device',
    'id: D1',
    'vendor: Acme',
    'model: Phone 1',
    ...(o.noBuild ? [] : ['build: "1.0.0"']),
    '```',
    '',
    '```flow',
    'id: F1',
    'from: D1',
    'to: api.example.com',
    'country: US',
    'encryption: tls',
    'data: [IMEI]',
    `evidence: [${o.flowEvidence ?? 'E1'}]`,
    '```',
    '',
    '```evidence',
    'id: E1',
    `file: ${o.file ?? 'evidence/capture.txt'}`,
    `sha256: ${o.sha ?? EVIDENCE_SHA}`,
    'kind: log',
    '```',
    '',
    ...(o.tail ? [o.tail] : []),
  ].join('\n');
}

/** A workspace with one report (at `rel`) and its evidence file. */
function reportWs(o: ReportOpts = {}, rel = 'test.audit.md', extra: Record<string, string> = {}): string {
  const evidenceRel = path.posix.join(path.posix.dirname(rel), o.file ?? 'evidence/capture.txt');
  return makeWs({ [rel]: report(o), [evidenceRel]: EVIDENCE_CONTENT, ...extra });
}

const ERROR_OPTS: ReportOpts = { flowEvidence: 'E9' }; // PA005: E9 is not defined
const WARNING_OPTS: ReportOpts = { noBuild: true }; // PA040 only

// ---------------------------------------------------------------- tests

describe('lint: exit codes and the stylish format', () => {
  test('a clean report exits 0 with the "no problems" summary', async () => {
    const ws = reportWs();
    const r = await run(['lint', 'test.audit.md'], ws);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /1 report checked, no problems/);
    assert.equal(r.err, '');
  });

  test('the fixtures are what they claim: the clean report really is clean in JSON', async () => {
    const ws = reportWs();
    const r = await run(['lint', '--format', 'json'], ws);
    assert.equal(r.code, 0);
    const j = parseJsonOutput(r.out);
    assert.deepEqual(j.files.map((f) => [f.path, f.diagnostics]), [['test.audit.md', []]]);
  });

  test('a report with an error exits 1 and names the rule, the file and the position', async () => {
    const ws = reportWs(ERROR_OPTS);
    const r = await run(['lint', 'test.audit.md'], ws);
    assert.equal(r.code, 1);
    assert.match(r.out, /test\.audit\.md/);
    const at = locate(report(ERROR_OPTS), 'E9]');
    assert.match(r.out, new RegExp(`${at.line}:${at.column}\\s+error\\s+.*E9.*PA005`));
    assert.match(r.out, /1 error/);
    assert.doesNotMatch(r.out, /no problems/);
  });

  test('warnings only exit 0; --max-warnings 0 turns them into exit 1', async () => {
    const ws = reportWs(WARNING_OPTS);
    const plain = await run(['lint'], ws);
    assert.equal(plain.code, 0, plain.out);
    assert.match(plain.out, /PA040/);
    assert.match(plain.out, /0 errors, 1 warning/);

    const strict = await run(['lint', '--max-warnings', '0'], ws);
    assert.equal(strict.code, 1);
    assert.match(strict.err, /Too many warnings/);

    const enough = await run(['lint', '--max-warnings', '1'], ws);
    assert.equal(enough.code, 0);

    const json = await run(['lint', '--max-warnings', '0', '--format', 'json'], ws);
    assert.equal(json.code, 1);
    parseJsonOutput(json.out); // still exactly one JSON document
  });

  test('no colour: no ANSI escape anywhere; with colour the same run is coloured', async () => {
    const ws = reportWs(ERROR_OPTS);
    const plain = await run(['lint'], ws, false);
    assert.doesNotMatch(plain.out + plain.err, ANSI);
    const coloured = await run(['lint'], ws, true);
    assert.match(coloured.out, ANSI, 'io.color=true should colour the stylish output');
    // and the clean summary
    const clean = await run(['lint'], reportWs(), false);
    assert.doesNotMatch(clean.out + clean.err, ANSI);
  });
});

describe('lint: usage and I/O failures exit 2', () => {
  const cases: [string, (ws: string) => string[]][] = [
    ['an unknown option', () => ['lint', '--bogus']],
    ['an unknown format', () => ['lint', '--format', 'xml', 'test.audit.md']],
    ['a path that does not exist', () => ['lint', 'missing.audit.md']],
    ['a folder that does not exist', () => ['lint', 'no-such-folder']],
    ['a glob matching nothing', () => ['lint', 'reports/**/*.audit.md']],
    ['a glob matching only other files', () => ['lint', '*.txt']],
    ['a --config file that does not exist', () => ['lint', '--config', 'nope.yaml']],
    ['an invalid --config file (unknown rule)', () => ['lint', '--config', 'bad-rule.yaml']],
    ['an invalid --config file (bad severity)', () => ['lint', '--config', 'bad-severity.yaml']],
    ['an invalid --config file (not YAML)', () => ['lint', '--config', 'bad-yaml.yaml']],
    ['an invalid --config file (unknown key)', () => ['lint', '--config', 'bad-key.yaml']],
    ['an invalid --max-warnings', () => ['lint', '--max-warnings', 'many']],
    ['a --root that is not a folder', () => ['lint', '--root', 'test.audit.md']],
    ['an unknown command', () => ['frobnicate']],
    ['hash of a missing file', () => ['hash', 'no-such-file.pcap']],
  ];
  for (const [name, argv] of cases) {
    test(name, async () => {
      const ws = reportWs({}, 'test.audit.md', {
        'notes.txt': 'not a report\n',
        'bad-rule.yaml': 'lint:\n  PA999: off\n',
        'bad-severity.yaml': 'lint:\n  PA040: loud\n',
        'bad-yaml.yaml': 'lint: {PA040: off\n',
        'bad-key.yaml': 'lnit:\n  PA040: off\n',
      });
      const r = await run(argv(ws), ws);
      assert.equal(r.code, 2, `exit code for ${name}: out=${r.out} err=${r.err}`);
      assert.ok(r.err.trim().length > 0, 'a usage error says what went wrong on stderr');
      assert.equal(r.out, '', 'nothing on stdout (a JSON consumer must not get half a document)');
    });
  }

  test('the same usage error with --format json still prints nothing on stdout', async () => {
    const ws = reportWs();
    const r = await run(['lint', '--format', 'json', 'missing/**/*.audit.md'], ws);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
  });

  test('a folder without any report exits 2', async () => {
    const ws = makeWs({ 'README.md': '# nothing here\n' });
    const r = await run(['lint'], ws);
    assert.equal(r.code, 2);
  });
});

describe('lint --format json', () => {
  test('one JSON document, 1-based line/column matching the fixture', async () => {
    const ws = reportWs(ERROR_OPTS, 'reports/bad.audit.md');
    const r = await run(['lint', '--format', 'json', 'reports/bad.audit.md'], ws);
    assert.equal(r.code, 1);
    assert.ok(r.out.endsWith('}\n'), 'ends with the document and one newline');
    const j = parseJsonOutput(r.out);
    assert.equal(j.files.length, 1);
    assert.equal(j.files[0]!.path, 'reports/bad.audit.md');
    const pa005 = j.files[0]!.diagnostics.filter((d) => d.rule === 'PA005');
    assert.equal(pa005.length, 1, JSON.stringify(j));
    const d = pa005[0]!;
    assert.equal(d.severity, 'error');
    assert.match(d.message, /E9/);
    const at = locate(report(ERROR_OPTS), 'E9]');
    assert.deepEqual(d.range, { start: at, end: { line: at.line, column: at.column + 2 } });
  });

  test('a warning and an info keep their severities', async () => {
    const ws = reportWs({ noBuild: true, tail: '```evidence\nid: E2\nurl: https://example.com/statement\nkind: web\n```\n' });
    const r = await run(['lint', '--format', 'json'], ws);
    assert.equal(r.code, 0);
    const j = parseJsonOutput(r.out);
    const sev = Object.fromEntries(j.files[0]!.diagnostics.map((d) => [d.rule, d.severity]));
    assert.deepEqual(sev, { PA040: 'warning', PA024: 'info' });
    const text = report({ noBuild: true, tail: '```evidence\nid: E2\nurl: https://example.com/statement\nkind: web\n```\n' });
    const pa024 = j.files[0]!.diagnostics.find((d) => d.rule === 'PA024')!;
    assert.deepEqual(pa024.range.start, locate(text, 'E2\nurl'));
  });

  test('several files, one document, sorted paths', async () => {
    const ws = makeWs({
      'b.audit.md': report(ERROR_OPTS),
      'a.audit.md': report(),
      'evidence/capture.txt': EVIDENCE_CONTENT,
    });
    const r = await run(['lint', '--format', 'json'], ws);
    assert.equal(r.code, 1);
    const j = parseJsonOutput(r.out);
    assert.deepEqual(j.files.map((f) => f.path), ['a.audit.md', 'b.audit.md']);
    assert.deepEqual(j.files[0]!.diagnostics, []);
  });
});

describe('lint --format sarif', () => {
  interface SarifRegion {
    startLine: number;
    startColumn?: number;
  }
  interface SarifLog {
    version: string;
    runs: {
      tool: { driver: { name: string; rules: { id: string; helpUri?: string }[] } };
      artifacts?: { location: { uri: string } }[];
      results: {
        ruleId: string;
        ruleIndex?: number;
        level: string;
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: SarifRegion } }[];
      }[];
    }[];
  }

  test('is valid SARIF 2.1.0 with rule ids, levels, regions and help links', async () => {
    const tail = '```evidence\nid: E2\nurl: https://example.com/statement\nkind: web\n```\n';
    const opts: ReportOpts = { flowEvidence: 'E9', noBuild: true, tail };
    const ws = reportWs(opts, 'reports/bad.audit.md');
    const r = await run(['lint', '--format', 'sarif'], ws);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.out) as SarifLog;
    assert.deepEqual(validateSarif(log), []);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0]!;
    const rules = run0.tool.driver.rules;
    assert.ok(rules.length >= 22, 'every rule is described');
    for (const rule of rules) {
      assert.match(rule.id, /^PA\d{3}$/);
      assert.ok(rule.helpUri && /^https?:\/\/\S+$/.test(rule.helpUri), `rule ${rule.id} has a helpUri`);
      assert.ok(rule.helpUri.includes(rule.id), `helpUri of ${rule.id} points to its page`);
    }
    const byRule = new Map(run0.results.map((res) => [res.ruleId, res]));
    assert.deepEqual([...byRule.keys()].sort(), ['PA005', 'PA024', 'PA040']);
    assert.equal(byRule.get('PA005')!.level, 'error');
    assert.equal(byRule.get('PA040')!.level, 'warning');
    assert.equal(byRule.get('PA024')!.level, 'note');
    const text = report(opts);
    for (const res of run0.results) {
      assert.ok(rules.some((x) => x.id === res.ruleId), `${res.ruleId} is described in tool.driver.rules`);
      if (res.ruleIndex !== undefined) assert.equal(rules[res.ruleIndex]!.id, res.ruleId);
      const loc = res.locations[0]!.physicalLocation;
      assert.equal(loc.artifactLocation.uri, 'reports/bad.audit.md');
      assert.ok(loc.region.startLine >= 1);
    }
    const at = locate(text, 'E9]');
    assert.equal(byRule.get('PA005')!.locations[0]!.physicalLocation.region.startLine, at.line);
    assert.equal(byRule.get('PA005')!.locations[0]!.physicalLocation.region.startColumn, at.column);
    assert.equal(byRule.get('PA040')!.locations[0]!.physicalLocation.region.startLine, locate(text, 'id: D1').line);
  });

  test('a clean run is valid SARIF with no results', async () => {
    const r = await run(['lint', '--format', 'sarif'], reportWs());
    assert.equal(r.code, 0);
    const log = JSON.parse(r.out) as SarifLog;
    assert.deepEqual(validateSarif(log), []);
    assert.deepEqual(log.runs[0]!.results, []);
  });

  test('artifact URIs percent-encode characters that URIs reserve ("#" in a file name)', async () => {
    // A file named `a#1.audit.md` must be the URI reference `a%231.audit.md`:
    // unencoded, everything after "#" is a fragment and the URI names the file `a`.
    const ws = reportWs(WARNING_OPTS, 'a#1.audit.md');
    const r = await run(['lint', '--format', 'sarif'], ws);
    const log = JSON.parse(r.out) as SarifLog;
    assert.deepEqual(validateSarif(log), []);
    const uris = [
      ...(log.runs[0]!.artifacts ?? []).map((a) => a.location.uri),
      ...log.runs[0]!.results.map((res) => res.locations[0]!.physicalLocation.artifactLocation.uri),
    ];
    assert.ok(uris.length > 0);
    for (const uri of uris) assert.equal(uri, 'a%231.audit.md');
  });
});

describe('lint: which files', () => {
  function tree(): string {
    const ws = makeWs({
      'reports/a.audit.md': report(),
      'reports/evidence/capture.txt': EVIDENCE_CONTENT,
      'reports/sub/b.audit.md': report(),
      'reports/sub/evidence/capture.txt': EVIDENCE_CONTENT,
      'reports/notes.md': '# not a report\n',
      'other/c.audit.md': report(),
      'other/evidence/capture.txt': EVIDENCE_CONTENT,
      'top.audit.md': report(),
      'evidence/capture.txt': EVIDENCE_CONTENT,
      // never linted by default: these would fail
      'node_modules/pkg/d.audit.md': 'not a report at all',
      'reports/node_modules/e.audit.md': 'not a report at all',
      '.git/f.audit.md': 'not a report at all',
    });
    return ws;
  }
  const paths = (r: Run) => parseJsonOutput(r.out).files.map((f) => f.path);

  test('a glob', async () => {
    const ws = tree();
    const r = await run(['lint', '--format', 'json', 'reports/**/*.audit.md'], ws);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(paths(r), ['reports/a.audit.md', 'reports/sub/b.audit.md']);
  });

  test('a folder (recursively, not node_modules)', async () => {
    const ws = tree();
    const r = await run(['lint', '--format', 'json', 'reports'], ws);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(paths(r), ['reports/a.audit.md', 'reports/sub/b.audit.md']);
  });

  test('no path: every report under the cwd, skipping node_modules and .git', async () => {
    const ws = tree();
    const r = await run(['lint', '--format', 'json'], ws);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(paths(r), ['other/c.audit.md', 'reports/a.audit.md', 'reports/sub/b.audit.md', 'top.audit.md']);
  });

  test('a file, a folder and a glob together, each report once', async () => {
    const ws = tree();
    const r = await run(['lint', '--format', 'json', 'reports/a.audit.md', 'reports', 'reports/*.audit.md', 'other'], ws);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(paths(r), ['other/c.audit.md', 'reports/a.audit.md', 'reports/sub/b.audit.md']);
  });

  test('a cwd below the root keeps paths relative to the root', async () => {
    const ws = tree();
    const r = await run(['lint', '--format', 'json', '--root', '..', 'sub'], path.join(ws, 'reports'));
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(paths(r), ['reports/sub/b.audit.md']);
  });
});

describe('lint: configuration', () => {
  test('--config FILE turns a rule off', async () => {
    const ws = reportWs(WARNING_OPTS, 'test.audit.md', { 'other.yaml': 'lint:\n  PA040: off\n' });
    const before = await run(['lint', '--format', 'json', '--max-warnings', '0'], ws);
    assert.equal(before.code, 1);
    const r = await run(['lint', '--format', 'json', '--max-warnings', '0', '--config', 'other.yaml'], ws);
    assert.equal(r.code, 0, r.out + r.err);
    assert.deepEqual(parseJsonOutput(r.out).files[0]!.diagnostics, []);
  });

  test('.privacy-audit.yaml in the root is read by default', async () => {
    const ws = reportWs(WARNING_OPTS, 'test.audit.md', { '.privacy-audit.yaml': 'lint:\n  PA040: error\n' });
    const r = await run(['lint', '--format', 'json'], ws);
    assert.equal(r.code, 1, 'PA040 raised to error by the project configuration');
    const d = parseJsonOutput(r.out).files[0]!.diagnostics;
    assert.deepEqual(d.map((x) => [x.rule, x.severity]), [['PA040', 'error']]);
  });

  test('.privacy-audit.yaml is read from --root, not from the cwd', async () => {
    const ws = reportWs(WARNING_OPTS, 'proj/test.audit.md', {
      'proj/.privacy-audit.yaml': 'lint:\n  PA040: off\n',
      '.privacy-audit.yaml': 'lint:\n  PA040: error\n',
    });
    const inRoot = await run(['lint', '--format', 'json', '--root', 'proj', 'proj'], ws);
    assert.equal(inRoot.code, 0, inRoot.out + inRoot.err);
    assert.deepEqual(parseJsonOutput(inRoot.out).files[0]!.diagnostics, []);
    const fromCwd = await run(['lint', '--format', 'json', 'proj'], ws);
    assert.equal(fromCwd.code, 1);
  });

  test('--config wins over .privacy-audit.yaml', async () => {
    const ws = reportWs(WARNING_OPTS, 'test.audit.md', { '.privacy-audit.yaml': 'lint:\n  PA040: error\n', 'quiet.yaml': 'lint:\n  PA040: off\n' });
    const r = await run(['lint', '--config', 'quiet.yaml'], ws);
    assert.equal(r.code, 0);
    assert.match(r.out, /no problems/);
  });

  test('front matter `lint: {PA024: off}` silences the rule for that report', async () => {
    const tail = '```evidence\nid: E2\nurl: https://example.com/statement\nkind: web\n```\n';
    const noisy = reportWs({ tail });
    const r1 = await run(['lint'], noisy);
    assert.equal(r1.code, 0);
    assert.match(r1.out, /PA024/);
    assert.doesNotMatch(r1.out, /no problems/);

    const quiet = reportWs({ tail, fm: 'lint: {PA024: off}' });
    const r2 = await run(['lint'], quiet);
    assert.equal(r2.code, 0);
    assert.doesNotMatch(r2.out, /PA024/);
    assert.match(r2.out, /no problems/);
  });
});

describe('lint --root', () => {
  // reports/r.audit.md cites ../shared/capture.txt: inside the workspace, outside reports/
  function ws(): string {
    return makeWs({
      'reports/r.audit.md': report({ file: '../shared/capture.txt' }),
      'shared/capture.txt': EVIDENCE_CONTENT,
    });
  }

  test('by default the cwd is the root: `..` inside it is fine', async () => {
    const r = await run(['lint', '--format', 'json', 'reports'], ws());
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(parseJsonOutput(r.out).files, [{ path: 'reports/r.audit.md', diagnostics: [] }]);
  });

  test('a narrower --root makes the same path escape (PA023)', async () => {
    const r = await run(['lint', '--format', 'json', '--root', 'reports', 'reports'], ws());
    assert.equal(r.code, 1);
    const f = parseJsonOutput(r.out).files;
    assert.equal(f.length, 1);
    assert.equal(f[0]!.path, 'r.audit.md', 'paths are shown relative to --root');
    assert.deepEqual(f[0]!.diagnostics.map((d) => d.rule), ['PA023']);
    assert.equal(f[0]!.diagnostics[0]!.range.start.line, locate(report({ file: '../shared/capture.txt' }), 'file: ').line);
  });

  test('a folder whose name starts with ".." is inside the root', async () => {
    // `..drafts/` is an ordinary folder of the workspace, not a way out of it
    const dir = makeWs({
      '..drafts/r.audit.md': report({ file: '../shared/capture.txt' }),
      'shared/capture.txt': EVIDENCE_CONTENT,
    });
    const r = await run(['lint', '--format', 'json', '..drafts/r.audit.md'], dir);
    assert.equal(r.code, 0, r.out + r.err);
    assert.deepEqual(parseJsonOutput(r.out).files, [{ path: '..drafts/r.audit.md', diagnostics: [] }]);
  });

  test('an absolute --root works from any cwd', async () => {
    const dir = ws();
    const r = await run(['lint', '--format', 'json', '--root', dir, path.join(dir, 'reports')], os.tmpdir());
    assert.equal(r.code, 0, r.out + r.err);
    assert.deepEqual(parseJsonOutput(r.out).files, [{ path: 'reports/r.audit.md', diagnostics: [] }]);
  });
});

describe('hash', () => {
  function evidenceBlock(out: string): Record<string, unknown>[] {
    const m = /^```evidence\n([\s\S]*?)\n```\n?$/.exec(out);
    assert.ok(m, `hash prints one \`\`\`evidence block, got: ${out}`);
    const records = parseYaml(m[1]!) as Record<string, unknown>[];
    assert.ok(Array.isArray(records));
    return records;
  }

  test('hash FILE prints an evidence record with the right sha256', async () => {
    const pcap = Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 0, 1, 2, 3, 255, 254]);
    const ws = makeWs({ 'evidence/capture.pcap': pcap, 'evidence/2014 screen.png': 'png-bytes' });
    const r = await run(['hash', 'evidence/capture.pcap', 'evidence/2014 screen.png'], ws);
    assert.equal(r.code, 0, r.err);
    const recs = evidenceBlock(r.out);
    assert.deepEqual(recs, [
      { id: 'E1', file: 'evidence/capture.pcap', sha256: sha256(pcap), kind: 'pcap' },
      { id: 'E2', file: 'evidence/2014 screen.png', sha256: sha256('png-bytes'), kind: 'screenshot' },
    ]);
  });

  test('hash --report R FILE numbers after the last E id, path relative to the report folder', async () => {
    const reportText = report({
      file: '../evidence/capture.txt',
      tail: [
        'See also [@E2] and [@E5].',
        '',
        '```evidence',
        '- id: E2',
        '  url: https://example.com/a',
        '  kind: web',
        '- id: E5',
        '  url: https://example.com/b',
        '  kind: web',
        '```',
        '',
      ].join('\n'),
    });
    // an empty HAR (no entries): a capture the claim rules can read
    const ws = makeWs({ 'reports/r.audit.md': reportText, 'evidence/capture.txt': EVIDENCE_CONTENT, 'evidence/new.har': '{"log":{"entries":[]}}' });
    const r = await run(['hash', '--report', 'reports/r.audit.md', 'evidence/new.har'], ws);
    assert.equal(r.code, 0, r.err);
    const recs = evidenceBlock(r.out);
    assert.deepEqual(recs, [{ id: 'E6', file: '../evidence/new.har', sha256: sha256('{"log":{"entries":[]}}'), kind: 'har' }]);

    // pasted into the report (and cited), the record lints clean
    write(ws, 'reports/r.audit.md', `${reportText}\nThe new capture [@E6].\n\n${r.out}`);
    const lint = await run(['lint', '--format', 'json'], ws);
    assert.equal(lint.code, 0, lint.out);
    assert.deepEqual(parseJsonOutput(lint.out).files[0]!.diagnostics, []);
  });

  // file names that YAML would misread if printed as plain scalars (numbers, .inf, .nan, booleans, null)
  const names = ['capture 2014-08-06.pcap', '2014-08-06.log', 'yes', 'null', "it's.txt", 'a#b.txt', 'données.txt', '.5', '.inf', '.NaN', '-1.50'];
  for (const name of names) {
    test(`hash output pasted into a report lints clean: file named ${JSON.stringify(name)}`, async () => {
      // a .pcap is a real capture (the claim rules read it; a fake one would be an info that it cannot be)
      const ws = makeWs({ [name]: name.endsWith('.pcap') ? readFileSync(path.join(REPO, 'test', 'fixtures', 'captures', 'pcap', 'tls-nokeys.pcap')) : `content of ${name}\n` });
      const h = await run(['hash', name], ws);
      assert.equal(h.code, 0, h.err);
      const recs = evidenceBlock(h.out);
      assert.equal(recs[0]!.file, name, `the printed \`file:\` must read back as the same string:\n${h.out}`);
      write(ws, 'r.audit.md', `${frontMatter()}\nSee [@E1].\n\n${h.out}`);
      const lint = await run(['lint', '--format', 'json', 'r.audit.md'], ws);
      assert.equal(lint.code, 0, lint.out);
      assert.deepEqual(parseJsonOutput(lint.out).files[0]!.diagnostics, []);
    });
  }

  test('hash --report with a missing report exits 2', async () => {
    const ws = makeWs({ 'a.txt': 'x' });
    const r = await run(['hash', '--report', 'nope.audit.md', 'a.txt'], ws);
    assert.equal(r.code, 2);
  });
});

describe('the bundled example', () => {
  test('examples/xiaomi-redmi-1s lints with exit 0 and no diagnostics', async () => {
    const r = await run(['lint', 'examples/xiaomi-redmi-1s', '--format', 'json'], REPO);
    assert.equal(r.code, 0, r.out + r.err);
    const j = parseJsonOutput(r.out);
    assert.ok(j.files.length >= 1);
    for (const f of j.files) assert.deepEqual(f.diagnostics, [], `${f.path}: ${JSON.stringify(f.diagnostics)}`);
    const stylish = await run(['lint', 'examples/xiaomi-redmi-1s'], REPO);
    assert.equal(stylish.code, 0);
    assert.match(stylish.out, /no problems/);
  });
});

describe('the built command (dist/cli.js) as a real process', () => {
  before(() => {
    if (!existsSync(DIST_CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'pipe' });
  });

  test('exit codes and stdout of real runs', () => {
    assert.ok(existsSync(DIST_CLI));
    const bad = reportWs(ERROR_OPTS, 'reports/bad.audit.md');
    const r1 = spawnSync(process.execPath, [DIST_CLI, 'lint', '--format', 'json'], { cwd: bad, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: undefined } });
    assert.equal(r1.status, 1, r1.stderr);
    const j = parseJsonOutput(r1.stdout);
    assert.equal(j.files[0]!.path, 'reports/bad.audit.md');
    assert.deepEqual(j.files[0]!.diagnostics.map((d) => d.rule), ['PA005']);
    assert.equal(j.files[0]!.diagnostics[0]!.range.start.line, locate(report(ERROR_OPTS), 'E9]').line);

    const clean = reportWs();
    const r2 = spawnSync(process.execPath, [DIST_CLI, 'lint'], { cwd: clean, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: undefined } });
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stdout, /no problems/);
    assert.doesNotMatch(r2.stdout, ANSI, 'piped output is not coloured');

    const r3 = spawnSync(process.execPath, [DIST_CLI, 'lint', '--format', 'xml'], { cwd: clean, encoding: 'utf8' });
    assert.equal(r3.status, 2);
    assert.equal(readFileSync(path.join(clean, 'test.audit.md'), 'utf8'), report(), 'lint never writes to the report');
  });
});
