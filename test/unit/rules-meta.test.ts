/**
 * The rules against their documentation and their fixtures, as markdownlint
 * checks its own: every rule defined in src/ is registered and has a page;
 * docs/rules/README.md lists every rule once, in catalogue order, with the
 * rule's id, name, default severity and whether it offers fixes; every page's
 * title and first line say the same; no page documents a rule that does not
 * exist; and every rule has a positive case (an `expect:` marker) and a
 * negative one (a `near-miss:` marker) in the fixtures. Whether a rule offers
 * fixes is its `fixable` metadata, and the fixtures must agree: a fixable rule
 * offers a fix somewhere in them, any other never does.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { RULES } from '../../src/core/lint';
import { RULE_IDS } from '../../src/core/lint/ids';
import { Linter } from '../../src/core/lint/linter';
import '../../src/node/evidence-files'; // the evidence files on disk: the core's default file access
import '../../src/node/capture/scan-cache'; // the captures the claim rules read
import type { Diagnostic } from '../../src/core/report/types';
import { expectedOf } from '../support/markers';
import { nearMissesOf } from '../support/near-miss';

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs', 'rules');

function findFiles(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : findFiles(p, keep);
    return keep(name) ? [p] : [];
  });
}

const fixtures = [...findFiles(path.join(ROOT, 'examples'), (n) => n.endsWith('.audit.md')), ...findFiles(path.join(ROOT, 'test', 'fixtures'), (n) => n.endsWith('.audit.md'))];
const readFixture = (file: string) => {
  const latin1 = readFileSync(file, 'latin1');
  return latin1.includes('\u0000') ? latin1 : readFileSync(file, 'utf8');
};
const ruleOf = (marker: string) => marker.slice(0, marker.indexOf('@'));

/** The rows of the table in docs/rules/README.md whose first cell is a rule id. */
function readmeRows(): { id: string; name: string; severity: string; summary: string; fix: string; page: string }[] {
  const text = readFileSync(path.join(DOCS, 'README.md'), 'utf8');
  const header = text.split('\n').find((l) => /^\|\s*id\s*\|/.test(l));
  assert.ok(header, 'docs/rules/README.md has the rule table');
  assert.deepEqual(
    header.split('|').slice(1, -1).map((c) => c.trim()),
    ['id', 'name', 'default', 'summary', 'fix', 'page'],
    'the table\'s columns',
  );
  return text
    .split('\n')
    .filter((l) => /^\|\s*PA\d/.test(l))
    .map((l) => {
      const cells = l.split('|').slice(1, -1).map((c) => c.trim());
      assert.equal(cells.length, 6, `six cells: ${l}`);
      const [id, name, severity, summary, fix, page] = cells as [string, string, string, string, string, string];
      return { id, name, severity, summary, fix, page };
    });
}

describe('rules against their documentation', () => {
  test('the registry and ids.ts list the same rules, each id and name once', () => {
    assert.deepEqual(RULES.map((r) => r.id), [...RULE_IDS]);
    assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length, 'names are unique');
    for (const r of RULES) {
      assert.match(r.id, /^PA\d{3}$/);
      assert.match(r.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${r.id}'s name is kebab-case`);
      assert.ok(['error', 'warning', 'info'].includes(r.defaultSeverity), `${r.id}'s default severity`);
      assert.equal(typeof r.fixable, 'boolean', `${r.id} says whether it offers fixes`);
      assert.ok(r.description.length > 10, `${r.id} has a description`);
    }
  });

  test('every rule defined in src/ is registered (and so documented)', () => {
    // a rule module is an object with `id: 'PAxxx'` (nothing else in src/ writes an id so)
    const defined = new Set<string>();
    for (const file of findFiles(path.join(ROOT, 'src'), (n) => n.endsWith('.ts'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bid:\s*['"](PA\d{3})['"]/g)) defined.add(m[1]!);
    }
    assert.ok(defined.size >= RULES.length, `rule definitions found in src/: ${[...defined].join(', ')}`);
    assert.deepEqual([...defined].sort(), RULES.map((r) => r.id).sort());
  });

  test('docs/rules/README.md lists every rule, in catalogue order, with its id, name, default severity, fix and page', () => {
    const rows = readmeRows();
    assert.deepEqual(rows.map((r) => r.id), RULES.map((r) => r.id), 'one row per rule, in catalogue order, and no other');
    for (const rule of RULES) {
      const row = rows.find((r) => r.id === rule.id)!;
      assert.equal(row.name, rule.name, `${rule.id}: name`);
      assert.equal(row.severity, rule.defaultSeverity, `${rule.id}: default severity`);
      assert.equal(row.fix, rule.fixable ? 'yes' : 'no', `${rule.id}: the fix column says whether the rule offers fixes`);
      assert.equal(row.page, `[${rule.id}](${rule.id}.md)`, `${rule.id}: page link`);
      assert.ok(row.summary.length > 10, `${rule.id}: summary`);
    }
  });

  for (const rule of RULES) {
    test(`${rule.id}: its page's title, default severity and fix`, () => {
      const lines = readFileSync(path.join(DOCS, `${rule.id}.md`), 'utf8').split('\n');
      assert.equal(lines[0], `# ${rule.id} — ${rule.name}`, 'title');
      const first = lines.find((l, i) => i > 0 && l.trim() !== '') ?? '';
      const m = /^Default severity: \*\*(\w+)\*\* · Fix: (yes|no)\b/.exec(first);
      assert.ok(m, `the line after the title gives the default severity and the fix: ${first}`);
      assert.equal(m[1], rule.defaultSeverity, 'default severity');
      assert.equal(m[2], rule.fixable ? 'yes' : 'no', 'fix');
    });
  }

  test('no page for a rule that does not exist', () => {
    const pages = readdirSync(DOCS).filter((n) => n.endsWith('.md') && n !== 'README.md');
    const ids = new Set(RULES.map((r) => r.id));
    assert.deepEqual(pages.filter((n) => !ids.has(n.slice(0, -3))), []);
    // and every page is linked from the list
    const linked = new Set(readmeRows().map((r) => /\(([^)]+)\)/.exec(r.page)?.[1]));
    assert.deepEqual(pages.filter((n) => !linked.has(n)), []);
  });
});

describe('rules against their fixtures', () => {
  const positive = new Set<string>();
  const negative = new Set<string>();
  for (const file of fixtures) {
    const text = readFixture(file);
    for (const m of expectedOf(text)) positive.add(ruleOf(m));
    for (const m of nearMissesOf(text)) negative.add(ruleOf(m));
  }

  for (const rule of RULES) {
    test(`${rule.id} has a positive and a negative fixture case`, () => {
      assert.ok(positive.has(rule.id), `an \`expect: ${rule.id}\` marker in examples/ or test/fixtures/`);
      assert.ok(negative.has(rule.id), `a \`near-miss: ${rule.id}\` marker in examples/ or test/fixtures/`);
    });
  }

  test('markers name only rules that exist', () => {
    const ids = new Set(RULES.map((r) => r.id));
    assert.deepEqual([...positive, ...negative].filter((id) => !ids.has(id)), []);
  });

  test('a rule offers fixes in the fixtures exactly when its metadata says it is fixable', async () => {
    const all: Diagnostic[] = [];
    for (const file of fixtures) all.push(...(await new Linter().lint(readFixture(file), { filePath: file, root: ROOT })).diagnostics);
    const offering = new Set(all.filter((d) => (d.fixes ?? []).length > 0).map((d) => d.rule));
    assert.deepEqual(RULES.filter((r) => r.fixable && !offering.has(r.id)).map((r) => r.id), [], 'fixable rules that offer no fix anywhere in the fixtures');
    assert.deepEqual(RULES.filter((r) => !r.fixable && offering.has(r.id)).map((r) => r.id), [], 'rules that offer fixes but say they are not fixable');
  });
});
