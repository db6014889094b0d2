/**
 * Evidence files: `EvidenceChecker` (containment, existence, hashing, hash
 * cache), `unsafePathReason`, and rules PA020–PA023 through `lintText`.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EvidenceChecker, unsafePathReason, type EvidenceFs } from '../../src/core/lint/evidence';
import { nodeEvidenceFs } from '../../src/node/evidence-files';
import { Linter, lintText } from '../../src/core/lint/linter';
import type { Diagnostic, TextEdit } from '../../src/core/report/types';

// ---------------------------------------------------------------- helpers

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(prefix = 'pa-ev-'): string {
  // realpath: on some systems the temp folder itself is behind a symlink
  const d = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  dirs.push(d);
  return d;
}

function write(dir: string, rel: string, content: string | Buffer): string {
  const abs = path.join(dir, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
  return abs;
}

const sha256 = (c: string | Buffer) => createHash('sha256').update(c).digest('hex');

/** An EvidenceFs over the real file system that records every call. */
class RecordingFs implements EvidenceFs {
  readonly stats: string[] = [];
  readonly realpaths: string[] = [];
  readonly hashed: string[] = [];
  stat(p: string) {
    this.stats.push(p);
    return nodeEvidenceFs.stat(p);
  }
  realpath(p: string) {
    this.realpaths.push(p);
    return nodeEvidenceFs.realpath(p);
  }
  sha256(p: string) {
    this.hashed.push(p);
    return nodeEvidenceFs.sha256(p);
  }
}

/**
 * A workspace:
 *   <base>/ws/                  the root
 *   <base>/ws/evidence/a.txt    "alpha\n"
 *   <base>/ws/reports/          a folder for reports
 *   <base>/outside.txt          outside the root
 *   <base>/outside-dir/secret.txt
 */
function workspace() {
  const base = tmp();
  const root = path.join(base, 'ws');
  const a = write(root, 'evidence/a.txt', 'alpha\n');
  mkdirSync(path.join(root, 'reports'));
  const outside = write(base, 'outside.txt', 'secret outside\n');
  const outsideDirFile = write(base, 'outside-dir/secret.txt', 'secret in a folder\n');
  return { base, root, a, outside, outsideDirFile, reportDir: root, reportsDir: path.join(root, 'reports') };
}

const FRONT = ['---', 'audit-format: 1', 'id: EV-TEST', 'title: Evidence test', 'status: draft', 'date: 2024-01-02', 'auditors: [Alice]', '---', '', 'We cite [@E1].', ''].join('\n');

/** A report with one evidence record `E1` (cited, so no PA024). */
function reportWith(file: string, sha?: string, extra: string[] = []): string {
  const lines = ['```evidence', 'id: E1', `file: ${JSON.stringify(file)}`];
  if (sha !== undefined) lines.push(sha === '' ? 'sha256:' : `sha256: ${sha}`);
  lines.push('kind: log', ...extra, '```', '');
  return FRONT + lines.join('\n');
}

const rules = (ds: readonly Diagnostic[]) => ds.map((d) => d.rule);
const evidenceRules = (ds: readonly Diagnostic[]) => rules(ds).filter((r) => /^PA02[0-3]$/.test(r));

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((x, y) => y.span.start - x.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

// ---------------------------------------------------------------- unsafePathReason

describe('unsafePathReason', () => {
  const unsafe: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['evidence/a\u0000.txt', /NUL/],
    ['/etc/passwd', /absolute/],
    ['C:\\evidence\\a.pcap', /drive/],
    ['c:/evidence/a.pcap', /drive/],
    ['C:evidence', /drive/],
    ['\\\\server\\share\\a.pcap', /UNC|network/],
    ['//server/share/a.pcap', /UNC|network/],
    ['evidence%2f..%2f..%2fx', /percent/],
    ['evidence/%2e%2e/x', /percent/],
    ['evidence\\a.txt', /backslash/],
    ['file:///etc/passwd', /URL/],
    ['https://example.com/a.pcap', /URL/],
    ['~/evidence/a.txt', /home/],
  ];
  for (const [p, why] of unsafe) {
    test(`refuses ${JSON.stringify(p)}`, () => {
      const reason = unsafePathReason(p);
      assert.equal(typeof reason, 'string', `${JSON.stringify(p)} must be refused`);
      assert.match(reason!, why);
    });
  }

  const safe = ['evidence/a.txt', 'a.txt', './evidence/a.txt', '../evidence/a.txt', 'evidence/capture 2014-08-06.pcap', 'évidence/données.txt', 'evidence/a%b.txt', 'e/100%.txt', '..notes/a.txt'];
  for (const p of safe) {
    test(`accepts the text of ${JSON.stringify(p)} (containment is judged after resolving)`, () => {
      assert.equal(unsafePathReason(p), undefined);
    });
  }
});

// ---------------------------------------------------------------- EvidenceChecker

describe('EvidenceChecker.check', () => {
  test('an existing file inside the root: ok, with its sha256 and size', async () => {
    const w = workspace();
    const st = await new EvidenceChecker().check('evidence/a.txt', w.reportDir, w.root);
    assert.deepEqual(st, { state: 'ok', path: w.a, sha256: sha256('alpha\n'), size: 6 });
  });

  test('a missing file', async () => {
    const w = workspace();
    const st = await new EvidenceChecker().check('evidence/nope.txt', w.reportDir, w.root);
    assert.deepEqual(st, { state: 'missing', path: path.join(w.root, 'evidence/nope.txt') });
  });

  test('a folder is not a file', async () => {
    const w = workspace();
    const st = await new EvidenceChecker().check('evidence', w.reportDir, w.root);
    assert.equal(st.state, 'not-a-file');
  });

  test('`..` that stays inside the workspace is allowed', async () => {
    const w = workspace();
    const fs = new RecordingFs();
    const st = await new EvidenceChecker(fs).check('../evidence/a.txt', w.reportsDir, w.root);
    assert.equal(st.state, 'ok');
    assert.equal(st.state === 'ok' && st.sha256, sha256('alpha\n'));
    assert.deepEqual(fs.hashed, [w.a]);
  });

  test('a file whose name starts with ".." is inside the workspace', async () => {
    const w = workspace();
    write(w.root, '..notes.txt', 'dots\n');
    write(w.root, '..evidence/b.txt', 'dots\n');
    const checker = new EvidenceChecker();
    for (const p of ['..notes.txt', '..evidence/b.txt']) {
      const st = await checker.check(p, w.reportDir, w.root);
      assert.equal(st.state, 'ok', `${p}: ${JSON.stringify(st)}`);
    }
  });

  const escapes: [string, (w: ReturnType<typeof workspace>) => string][] = [
    ['../outside.txt climbing out of the root', () => '../outside.txt'],
    ['../../outside.txt from reports/', () => '../../outside.txt'],
    ['evidence/../../outside.txt', () => 'evidence/../../outside.txt'],
    ['/etc/passwd', () => '/etc/passwd'],
    ['an absolute path to the outside file', (w) => w.outside],
    ['C:\\evidence\\a.pcap', () => 'C:\\evidence\\a.pcap'],
    ['\\\\server\\share\\a.pcap', () => '\\\\server\\share\\a.pcap'],
    ['evidence%2f..%2f..%2fx', () => 'evidence%2f..%2f..%2fx'],
    ['evidence\\a.txt', () => 'evidence\\a.txt'],
    ['file:///etc/passwd', () => 'file:///etc/passwd'],
    ['~/outside.txt', () => '~/outside.txt'],
  ];
  for (const [name, file] of escapes) {
    test(`escape: ${name} is refused without touching the file system`, async () => {
      const w = workspace();
      const fs = new RecordingFs();
      const reportDir = name.includes('reports/') ? w.reportsDir : w.reportDir;
      const st = await new EvidenceChecker(fs).check(file(w), reportDir, w.root);
      assert.equal(st.state, 'escape', JSON.stringify(st));
      assert.equal(st.state === 'escape' && typeof st.reason, 'string');
      assert.deepEqual(fs.hashed, [], 'never hashed');
      assert.deepEqual(fs.stats, [], 'a path judged unsafe by its text is never even stat()ed');
    });
  }

  test('escape: a symlink inside the workspace pointing to a file outside', async () => {
    const w = workspace();
    symlinkSync(w.outside, path.join(w.root, 'evidence/link.txt'));
    const fs = new RecordingFs();
    const st = await new EvidenceChecker(fs).check('evidence/link.txt', w.reportDir, w.root);
    assert.equal(st.state, 'escape');
    assert.match(st.state === 'escape' ? st.reason : '', /symbolic link/);
    assert.deepEqual(fs.hashed, [], 'the outside file is never hashed');
  });

  test('escape: a path through a symlinked folder that leads outside', async () => {
    const w = workspace();
    symlinkSync(path.dirname(w.outsideDirFile), path.join(w.root, 'evidence/linkdir'));
    const fs = new RecordingFs();
    const st = await new EvidenceChecker(fs).check('evidence/linkdir/secret.txt', w.reportDir, w.root);
    assert.equal(st.state, 'escape');
    assert.deepEqual(fs.hashed, []);
  });

  test('a symlink that stays inside the workspace is fine', async () => {
    const w = workspace();
    symlinkSync(w.a, path.join(w.root, 'evidence/alias.txt'));
    const st = await new EvidenceChecker().check('evidence/alias.txt', w.reportDir, w.root);
    assert.equal(st.state, 'ok');
    assert.equal(st.state === 'ok' && st.sha256, sha256('alpha\n'));
  });

  test('a root reached through a symlink still contains its own files', async () => {
    const w = workspace();
    const linkedRoot = path.join(w.base, 'ws-link');
    symlinkSync(w.root, linkedRoot);
    const st = await new EvidenceChecker().check('evidence/a.txt', linkedRoot, linkedRoot);
    assert.equal(st.state, 'ok', JSON.stringify(st));
  });

  test('hash cache: an unchanged file is hashed once; a change of size or mtime hashes again', async () => {
    const w = workspace();
    const fs = new RecordingFs();
    const checker = new EvidenceChecker(fs);
    const first = await checker.check('evidence/a.txt', w.reportDir, w.root);
    const second = await checker.check('evidence/a.txt', w.reportDir, w.root);
    assert.deepEqual(second, first);
    assert.equal(fs.hashed.length, 1, 'the second check uses the cache');

    // the same file through another path (`..`) is the same real file: still cached
    await checker.check('../evidence/a.txt', w.reportsDir, w.root);
    assert.equal(fs.hashed.length, 1);

    // new content and size
    writeFileSync(w.a, 'alpha, changed\n');
    const third = await checker.check('evidence/a.txt', w.reportDir, w.root);
    assert.equal(fs.hashed.length, 2);
    assert.equal(third.state === 'ok' && third.sha256, sha256('alpha, changed\n'));

    // same size, new content and mtime
    writeFileSync(w.a, 'ALPHA, CHANGED\n');
    const future = new Date(Date.now() + 60_000);
    utimesSync(w.a, future, future);
    const fourth = await checker.check('evidence/a.txt', w.reportDir, w.root);
    assert.equal(fs.hashed.length, 3);
    assert.equal(fourth.state === 'ok' && fourth.sha256, sha256('ALPHA, CHANGED\n'));

    // only the mtime changes
    const later = new Date(Date.now() + 120_000);
    utimesSync(w.a, later, later);
    await checker.check('evidence/a.txt', w.reportDir, w.root);
    assert.equal(fs.hashed.length, 4);

    // unchanged again: cached
    await checker.check('evidence/a.txt', w.reportDir, w.root);
    assert.equal(fs.hashed.length, 4);
  });

  test('invalidate() forgets cached hashes', async () => {
    const w = workspace();
    const fs = new RecordingFs();
    const checker = new EvidenceChecker(fs);
    await checker.check('evidence/a.txt', w.reportDir, w.root);
    checker.invalidate();
    await checker.check('evidence/a.txt', w.reportDir, w.root);
    assert.equal(fs.hashed.length, 2);
  });

  test('a file-system error becomes an `error` status, never a throw', async () => {
    const w = workspace();
    const failing: EvidenceFs = { ...nodeEvidenceFs, sha256: () => Promise.reject(new Error('EACCES: permission denied')) };
    const st = await new EvidenceChecker(failing).check('evidence/a.txt', w.reportDir, w.root);
    assert.equal(st.state, 'error');
    assert.match(st.state === 'error' ? st.message : '', /EACCES/);
  });
});

// ---------------------------------------------------------------- rules PA020–PA023

describe('rules PA020–PA023 through lintText', () => {
  const opts = (w: ReturnType<typeof workspace>, dir = w.reportDir) => ({ filePath: path.join(dir, 'test.audit.md'), root: w.root });

  test('the right hash: no PA02x (and nothing else)', async () => {
    const w = workspace();
    const { diagnostics } = await lintText(reportWith('evidence/a.txt', sha256('alpha\n')), opts(w));
    assert.deepEqual(rules(diagnostics), []);
  });

  test('the right hash in capitals or quotes is still the right hash', async () => {
    const w = workspace();
    for (const sha of [sha256('alpha\n').toUpperCase(), `"${sha256('alpha\n')}"`, `'${sha256('alpha\n')}'`]) {
      const { diagnostics } = await lintText(reportWith('evidence/a.txt', sha), opts(w));
      assert.deepEqual(evidenceRules(diagnostics), [], sha);
    }
  });

  test('a wrong hash: PA021 with a confirmed fix that, applied, removes PA021', async () => {
    const w = workspace();
    const wrong = 'ab'.repeat(32);
    const text = reportWith('evidence/a.txt', wrong);
    const { diagnostics } = await lintText(text, opts(w));
    assert.deepEqual(evidenceRules(diagnostics), ['PA021']);
    const d = diagnostics.find((x) => x.rule === 'PA021')!;
    assert.equal(d.severity, 'error');
    assert.match(d.message, new RegExp(sha256('alpha\n')));
    assert.equal(text.slice(d.span.start, d.span.end), wrong, 'points at the recorded hash');
    assert.equal(d.fixes?.length, 1);
    const fix = d.fixes![0]!;
    assert.ok(typeof fix.requiresConfirmation === 'string' && fix.requiresConfirmation.length > 0, 'accepting changed evidence must ask first');
    assert.notEqual(fix.preferred, true, 'never part of "fix all"');
    const fixed = applyEdits(text, fix.edits);
    assert.match(fixed, new RegExp(`sha256: ${sha256('alpha\n')}\n`));
    const again = await lintText(fixed, opts(w));
    assert.deepEqual(rules(again.diagnostics), []);
  });

  test('a wrong quoted hash: the fix replaces the whole quoted value', async () => {
    const w = workspace();
    const text = reportWith('evidence/a.txt', `"${'cd'.repeat(32)}"`);
    const { diagnostics } = await lintText(text, opts(w));
    const fix = diagnostics.find((x) => x.rule === 'PA021')!.fixes![0]!;
    const again = await lintText(applyEdits(text, fix.edits), opts(w));
    assert.deepEqual(rules(again.diagnostics), []);
  });

  const noHashCases: [string, (sha: string) => string][] = [
    ['no sha256 key', () => reportWith('evidence/a.txt')],
    ['a malformed sha256', () => reportWith('evidence/a.txt', 'not-a-hash')],
    ['an empty sha256 value', () => reportWith('evidence/a.txt', '""')],
    ['`sha256:` with no value', () => reportWith('evidence/a.txt', '')],
    ['`sha256: ` with no value but a trailing space', () => reportWith('evidence/a.txt', '').replace('sha256:\n', 'sha256: \n')],
    ['`sha256:` with no value, last field', () => FRONT + '```evidence\nid: E1\nfile: evidence/a.txt\nsha256:\n```\n'],
    ['a sequence of records', () => FRONT + '```evidence\n- id: E1\n  file: evidence/a.txt\n  kind: log\n- id: E2\n  url: https://example.com/\n  kind: web\n```\n\nAnd [@E2].\n'],
    ['a flow mapping', () => FRONT + '```evidence\n{id: E1, file: evidence/a.txt, kind: log}\n```\n'],
    ['a block inside a quote', () => FRONT + '> ```evidence\n> id: E1\n> file: evidence/a.txt\n> kind: log\n> ```\n'],
    ['CRLF line ends', () => (FRONT + '```evidence\nid: E1\nfile: evidence/a.txt\nkind: log\n```\n').replace(/\n/g, '\r\n')],
  ];
  for (const [name, make] of noHashCases) {
    test(`no usable sha256 (${name}): PA022 with a fix that, applied, lints clean`, async () => {
      const w = workspace();
      const text = make(sha256('alpha\n'));
      const { diagnostics } = await lintText(text, opts(w));
      assert.deepEqual(evidenceRules(diagnostics), ['PA022'], JSON.stringify(diagnostics.map((d) => [d.rule, d.message])));
      const d = diagnostics.find((x) => x.rule === 'PA022')!;
      assert.equal(d.severity, 'warning');
      assert.equal(d.fixes?.length, 1);
      const fixed = applyEdits(text, d.fixes![0]!.edits);
      assert.ok(fixed.includes(sha256('alpha\n')));
      const again = await lintText(fixed, opts(w));
      assert.deepEqual(rules(again.diagnostics), [], `after the fix:\n${fixed}\n${JSON.stringify(again.diagnostics.map((x) => [x.rule, x.message]))}`);
    });
  }

  test('a missing file: PA020 on the file value', async () => {
    const w = workspace();
    const text = reportWith('evidence/missing.pcap', sha256('x'));
    const { diagnostics } = await lintText(text, opts(w));
    assert.deepEqual(evidenceRules(diagnostics), ['PA020']);
    const d = diagnostics.find((x) => x.rule === 'PA020')!;
    assert.equal(d.severity, 'error');
    assert.equal(text.slice(d.span.start, d.span.end), '"evidence/missing.pcap"');
  });

  test('a folder named as evidence: PA020', async () => {
    const w = workspace();
    const { diagnostics } = await lintText(reportWith('evidence', sha256('x')), opts(w));
    assert.deepEqual(evidenceRules(diagnostics), ['PA020']);
  });

  test('`..` that stays inside the workspace (report in root/reports/) is allowed', async () => {
    const w = workspace();
    const { diagnostics } = await lintText(reportWith('../evidence/a.txt', sha256('alpha\n')), opts(w, w.reportsDir));
    assert.deepEqual(rules(diagnostics), []);
  });

  test('a file whose name starts with ".." inside the workspace is not an escape', async () => {
    const w = workspace();
    write(w.root, '..notes.txt', 'dots\n');
    const { diagnostics } = await lintText(reportWith('..notes.txt', sha256('dots\n')), opts(w));
    assert.deepEqual(rules(diagnostics), []);
  });

  const containment: [string, (w: ReturnType<typeof workspace>) => string, boolean?][] = [
    ['../outside.txt climbing out of the root', () => '../outside.txt'],
    ['../../outside.txt from root/reports/', () => '../../outside.txt', true],
    ['/etc/passwd', () => '/etc/passwd'],
    ['the absolute path of the outside file', (w) => w.outside],
    ['C:\\evidence\\a.pcap', () => 'C:\\evidence\\a.pcap'],
    ['\\\\server\\share\\a.pcap', () => '\\\\server\\share\\a.pcap'],
    ['evidence%2f..%2f..%2fx', () => 'evidence%2f..%2f..%2fx'],
    ['evidence\\a.txt', () => 'evidence\\a.txt'],
    ['file:///etc/passwd', () => 'file:///etc/passwd'],
  ];
  for (const [name, file, fromReports] of containment) {
    test(`containment: ${name} → PA023 only, never hashed`, async () => {
      const w = workspace();
      const fs = new RecordingFs();
      const linter = new Linter(new EvidenceChecker(fs));
      // no sha256 recorded: had the file been hashed, PA022 would appear
      const text = reportWith(file(w));
      const { diagnostics } = await linter.lint(text, opts(w, fromReports ? w.reportsDir : w.reportDir));
      assert.deepEqual(evidenceRules(diagnostics), ['PA023'], JSON.stringify(diagnostics.map((d) => [d.rule, d.message])));
      const d = diagnostics.find((x) => x.rule === 'PA023')!;
      assert.equal(d.severity, 'error');
      assert.deepEqual(fs.hashed, []);
      // the same through the plain lintText entry point
      const plain = await lintText(text, opts(w, fromReports ? w.reportsDir : w.reportDir));
      assert.deepEqual(evidenceRules(plain.diagnostics), ['PA023']);
    });
  }

  test('containment: a symlink inside the workspace to a file outside → PA023, never hashed', async () => {
    const w = workspace();
    symlinkSync(w.outside, path.join(w.root, 'evidence/link.txt'));
    const fs = new RecordingFs();
    const { diagnostics } = await new Linter(new EvidenceChecker(fs)).lint(reportWith('evidence/link.txt'), opts(w));
    assert.deepEqual(evidenceRules(diagnostics), ['PA023']);
    assert.deepEqual(fs.hashed, []);
    // and recording the outside file's real hash does not make it acceptable
    const withHash = await lintText(reportWith('evidence/link.txt', sha256('secret outside\n')), opts(w));
    assert.deepEqual(evidenceRules(withHash.diagnostics), ['PA023']);
  });

  test('without filePath no file is checked', async () => {
    const fs = new RecordingFs();
    const { diagnostics } = await new Linter(new EvidenceChecker(fs)).lint(reportWith('/etc/passwd'));
    assert.deepEqual(evidenceRules(diagnostics), []);
    assert.deepEqual([...fs.stats, ...fs.hashed], []);
  });

  test('with PA020–PA023 and the claim rules off, evidence files are not touched at all', async () => {
    const w = workspace();
    const fs = new RecordingFs();
    const text = reportWith('evidence/a.txt', 'ab'.repeat(32)).replace('auditors: [Alice]', 'auditors: [Alice]\nlint: {PA020: off, PA021: off, PA022: off, PA023: off, PA050: off, PA051: off, PA052: off, PA053: off, PA054: off}');
    const { diagnostics } = await new Linter(new EvidenceChecker(fs)).lint(text, opts(w));
    assert.deepEqual(rules(diagnostics), []);
    assert.deepEqual([...fs.stats, ...fs.hashed], []);
  });

  test('a Linter re-linting the same text does not hash the file again', async () => {
    const w = workspace();
    const fs = new RecordingFs();
    const linter = new Linter(new EvidenceChecker(fs));
    const text = reportWith('evidence/a.txt', sha256('alpha\n'));
    await linter.lint(text, opts(w));
    await linter.lint(text + '\nMore prose.\n', opts(w));
    assert.equal(fs.hashed.length, 1);
    writeFileSync(w.a, 'alpha!\n');
    const { diagnostics } = await linter.lint(text, opts(w));
    assert.equal(fs.hashed.length, 2);
    assert.deepEqual(evidenceRules(diagnostics), ['PA021'], 'the changed file is noticed');
  });
});
