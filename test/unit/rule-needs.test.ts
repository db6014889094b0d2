/**
 * Rules declare what they need beyond the parsed report (`needs`); the linter
 * checks the evidence files only when an enabled rule needs them.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { EvidenceChecker, type EvidenceFs } from '../../src/core/lint/evidence';
import { RULES } from '../../src/core/lint/index';
import { Linter } from '../../src/core/lint/linter';
import { evidenceReport } from '../support/reports';

const ROOT = path.resolve(__dirname, '..', '..');

const report = (lint: string) => evidenceReport('Needs', lint);

/** An evidence file system that counts the stats and knows no file. */
function counting(): { fs: EvidenceFs; stats: number } {
  const out = {
    stats: 0,
    fs: {
      async stat() {
        out.stats++;
        return undefined;
      },
      realpath: async (p: string) => p,
      sha256: async () => '0'.repeat(64),
    } satisfies EvidenceFs,
  };
  return out;
}

async function lint(lintSection: string) {
  const c = counting();
  const result = await new Linter(new EvidenceChecker(c.fs)).lint(report(lintSection), { filePath: path.join(ROOT, 'test', 'fixtures', 'needs.audit.md'), root: ROOT });
  return { stats: c.stats, rules: new Set(result.diagnostics.map((d) => d.rule)) };
}

describe('rule needs', () => {
  test('PA020–PA023 are the rules that need the evidence files', () => {
    assert.deepEqual(RULES.filter((r) => r.needs?.includes('evidence')).map((r) => r.id), ['PA020', 'PA021', 'PA022', 'PA023']);
  });

  test('the evidence files are checked when a rule that needs them is enabled, and only then', async () => {
    const all = await lint('');
    assert.equal(all.stats, 1);
    assert.ok(all.rules.has('PA020'), [...all.rules].join(' '));
    // the claim rules read the captures, after the evidence check: off too
    const claimsOff = '  PA050: off\n  PA051: off\n  PA052: off\n  PA053: off\n  PA054: off\n';
    const off = await lint('lint:\n  PA020: off\n  PA021: off\n  PA022: off\n  PA023: off\n' + claimsOff);
    assert.equal(off.stats, 0);
    assert.ok(!off.rules.has('PA020'));
    const one = await lint('lint:\n  PA020: off\n  PA021: off\n  PA022: off\n' + claimsOff);
    assert.equal(one.stats, 1);
    const claims = await lint('lint:\n  PA020: off\n  PA021: off\n  PA022: off\n  PA023: off\n  PA050: off\n  PA051: off\n  PA052: off\n  PA054: off\n');
    assert.equal(claims.stats, 1, 'PA053 alone needs the evidence check');
    const retest = await lint('lint:\n  PA020: off\n  PA021: off\n  PA022: off\n  PA023: off\n  PA050: off\n  PA051: off\n  PA052: off\n  PA053: off\n');
    assert.equal(retest.stats, 1, 'PA054 alone needs the evidence check');
  });
});
