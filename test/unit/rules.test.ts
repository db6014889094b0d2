/**
 * Fixture tests in markdownlint's style: every `*.audit.md` under
 * examples/ and test/fixtures/ carries its expected diagnostics as markers
 * at the end of lines (`# expect: PA010` in YAML, `<!-- expect: PA005 -->` in
 * prose, `expect@N:` for a diagnostic on line N), and its near misses as
 * `near-miss: PAxxx` markers (that rule must not fire on that line). The
 * linter must report exactly the (rule, line) pairs of the expect markers.
 *
 * Each fixture also has a snapshot, test/snapshots/rules/PATH.json: every
 * diagnostic's rule, line, column, end, severity and message, its fixes,
 * and for each fix the edits it makes and what linting the fixed text again
 * reports (which diagnostics went, which changed their message, which are
 * new), and the same for Fix all. Any difference fails. Regenerate the
 * snapshots only on purpose, and read the diff:
 *
 *     UPDATE_SNAPSHOTS=1 node --import tsx --test test/unit/rules.test.ts
 *
 * Whatever the snapshot says, a fix must remove its own diagnostic at its
 * place (a placeholder must leave it), and must bring no new problem outside
 * the text it writes (PA041's count aside).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { RULES } from '../../src/core/lint';
import { Linter } from '../../src/core/lint/linter';
import '../../src/node/evidence-files'; // the evidence files on disk: the core's default file access
import '../../src/node/capture/scan-cache'; // the captures the claim rules read
import type { Diagnostic, Fix, Range, TextEdit } from '../../src/core/report/types';
import { applyEdits } from '../support/edits';
import { outcome, stillAt, type Outcome } from '../support/fix-outcome';
import { expectedOf } from '../support/markers';
import { nearMissesOf } from '../support/near-miss';

const ROOT = path.resolve(__dirname, '..', '..');
const SNAPSHOTS = path.join(ROOT, 'test', 'snapshots', 'rules');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

function findFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return findFiles(p, suffix);
    return name.endsWith(suffix) ? [p] : [];
  });
}

const files = [...findFiles(path.join(ROOT, 'examples'), '.audit.md'), ...findFiles(path.join(ROOT, 'test', 'fixtures'), '.audit.md')];
const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const snapshotOf = (file: string) => path.join(SNAPSHOTS, `${rel(file)}.json`);

function read(file: string): string {
  const latin1 = readFileSync(file, 'latin1');
  return latin1.includes('\u0000') ? latin1 : readFileSync(file, 'utf8');
}

const lint = async (text: string, file: string) => (await new Linter().lint(text, { filePath: file, root: ROOT })).diagnostics;

const fired = new Set<string>();

describe('rule fixtures (expect and near-miss markers)', () => {
  for (const file of files) {
    test(rel(file), async () => {
      const text = read(file);
      const diagnostics = await lint(text, file);
      const actual = diagnostics.map((d) => `${d.rule}@${d.range.start.line + 1}`).sort();
      for (const d of diagnostics) fired.add(d.rule);
      assert.deepEqual(actual, expectedOf(text), diagnostics.map((d) => `${d.range.start.line + 1}: ${d.rule} ${d.message}`).join('\n'));
      const expected = new Set(expectedOf(text));
      for (const miss of nearMissesOf(text)) {
        assert.ok(!expected.has(miss), `${miss} is marked both expected and a near miss`);
        assert.ok(!actual.includes(miss), `near miss ${miss} fired`);
      }
    });
  }

  test('every rule fires somewhere in the fixtures', () => {
    const missing = RULES.map((r) => r.id).filter((id) => !fired.has(id));
    assert.deepEqual(missing, []);
  });
});

// ---------------------------------------------------------------- snapshots

const pos = (r: Range) => `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
const short = (d: Diagnostic) => `${d.rule} ${pos(d.range)} ${d.message}`;

function fixFlags(f: Fix): Record<string, unknown> {
  return {
    ...(f.preferred ? { preferred: true } : {}),
    ...(f.placeholder ? { placeholder: true } : {}),
    ...(f.requiresConfirmation !== undefined ? { requiresConfirmation: f.requiresConfirmation } : {}),
  };
}

/** What the fixed text's diagnostics are, against the text's: positions of `added` are in the fixed text. */
function summary(o: Outcome): Record<string, string[]> {
  return {
    gone: o.gone.map(short),
    changed: o.changed.map(({ before, after }) => `${before.rule} ${pos(before.range)} ${JSON.stringify(before.message)} → ${JSON.stringify(after.d.message)}`),
    added: o.added.map((m) => `${short(m.d)}${m.written ? ' (in the text the fix writes)' : ''}`),
  };
}

/** A fix's own promise, checked whatever the snapshot says. */
function checkFix(what: string, d: Diagnostic, fix: Pick<Fix, 'placeholder'>, edits: readonly TextEdit[], before: readonly Diagnostic[], after: readonly Diagnostic[], o: Outcome): void {
  const there = stillAt(d, after, edits);
  if (fix.placeholder) assert.ok(there.length > 0, `${what} is a placeholder: "${d.message}" must stay until it is filled in`);
  else assert.deepEqual(there.map((m) => short(m.d)), [], `${what} left ${d.rule} at its place (${pos(d.range)})`);
  const added = o.added.filter((m) => !m.written && m.d.rule !== 'PA041');
  assert.deepEqual(added.map((m) => short(m.d)), [], `${what} brought new problems`);
  assert.equal(after.filter((x) => x.rule === 'PA002').length, before.filter((x) => x.rule === 'PA002').length, `${what} broke the YAML`);
}

const fixesApplied = new Set<string>();

async function snapshot(file: string): Promise<unknown> {
  const text = read(file);
  const before = await lint(text, file);
  const diagnostics = [];
  for (const d of before) {
    const fixes = [];
    for (const f of d.fixes ?? []) {
      const fixed = applyEdits(text, f.edits);
      assert.notEqual(fixed, text, `"${f.title}" changes nothing`);
      const after = await lint(fixed, file);
      const o = outcome(before, after, f.edits);
      checkFix(`"${f.title}" (${d.rule} ${pos(d.range)})`, d, f, f.edits, before, after, o);
      fixesApplied.add(`${d.rule}: ${f.title.replace(/`[^`]*`/g, '…')}`);
      fixes.push({
        title: f.title,
        ...fixFlags(f),
        edits: [...f.edits].sort((a, b) => a.span.start - b.span.start).map((e) => `${pos(e.range)} ${JSON.stringify(e.newText)}`),
        after: summary(o),
      });
    }
    diagnostics.push({
      rule: d.rule,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      end: `${d.range.end.line + 1}:${d.range.end.character + 1}`,
      severity: d.severity,
      message: d.message,
      ...(d.related?.length ? { related: d.related.map((r) => `${pos(r.range)} ${r.message}`) } : {}),
      ...(fixes.length ? { fixes } : {}),
    });
  }
  // Fix all: the first safe (preferred, not a placeholder, no question) fix of each diagnostic, as the editor applies them
  const chosen: { d: Diagnostic; f: Fix }[] = [];
  for (const d of before) {
    const f = d.fixes?.find((x) => x.preferred && !x.placeholder && x.requiresConfirmation === undefined);
    if (!f || f.edits.some((e) => chosen.some((c) => c.f.edits.some((t) => e.span.start < t.span.end && t.span.start < e.span.end)))) continue;
    chosen.push({ d, f });
  }
  let fixAll: unknown;
  if (chosen.length) {
    const edits = chosen.flatMap((c) => c.f.edits);
    const after = await lint(applyEdits(text, edits), file);
    const o = outcome(before, after, edits);
    for (const { d } of chosen) checkFix(`Fix all (for ${d.rule} ${pos(d.range)})`, d, {}, edits, before, after, o);
    fixAll = { applied: chosen.map(({ d, f }) => `${d.rule} ${pos(d.range)} ${f.title}`), after: summary(o) };
  }
  return { file: rel(file), diagnostics, ...(fixAll ? { fixAll } : {}) };
}

describe('rule fixtures (snapshots of diagnostics and fixes)', () => {
  for (const file of files) {
    test(rel(file), async () => {
      const actual = await snapshot(file);
      const where = snapshotOf(file);
      const json = `${JSON.stringify(actual, null, 2)}\n`;
      if (UPDATE) {
        mkdirSync(path.dirname(where), { recursive: true });
        writeFileSync(where, json);
        return;
      }
      let stored: string;
      try {
        stored = readFileSync(where, 'utf8');
      } catch {
        assert.fail(`no snapshot ${path.relative(ROOT, where)}: write it with UPDATE_SNAPSHOTS=1 and read it before committing`);
      }
      assert.deepEqual(actual, JSON.parse(stored), `differs from ${path.relative(ROOT, where)} (UPDATE_SNAPSHOTS=1 rewrites it: only when the change is meant)`);
    });
  }

  test('every snapshot belongs to a fixture', () => {
    const wanted = new Set(files.map(snapshotOf));
    let stored: string[] = [];
    try {
      stored = findFiles(SNAPSHOTS, '.json');
    } catch {
      // no folder yet: the tests above say so
    }
    assert.deepEqual(stored.filter((s) => !wanted.has(s)).map((s) => path.relative(ROOT, s)), []);
  });

  test('fixes were applied', () => assert.ok(fixesApplied.size >= 8, [...fixesApplied].join('\n')));
});

describe('PA041 counts every other rule', () => {
  test('the numbers in its message equal the other errors and warnings', async () => {
    const file = path.join(ROOT, 'examples', 'broken', 'records.audit.md');
    const diagnostics = await lint(readFileSync(file, 'utf8'), file);
    const others = diagnostics.filter((d) => d.rule !== 'PA041');
    const pa041 = diagnostics.find((d) => d.rule === 'PA041')!;
    const errors = others.filter((d) => d.severity === 'error').length;
    const warnings = others.filter((d) => d.severity === 'warning').length;
    assert.ok(others.some((d) => d.rule === 'PA042'), 'a rule after PA041 in the catalogue fires');
    assert.match(pa041.message, new RegExp(`but ${errors} errors and ${warnings} warnings remain`));
  });
});
