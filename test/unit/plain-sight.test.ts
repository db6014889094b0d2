/**
 * Hidden in plain sight: the reports everybody reads first must not be
 * flagged by the checks that judge values and structure. Every example in
 * the README and under docs/ (Markdown examples, record blocks, front matter)
 * and the bundled example report are linted; the rules below may fire only
 * where a page shows on purpose what triggers its own rule ("Example that
 * triggers it" on docs/rules/PAxxx.md).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Linter } from '../../src/core/lint/linter';
import '../../src/node/evidence-files'; // the evidence files on disk: the core's default file access
import '../../src/node/capture/scan-cache'; // the captures the claim rules read
import { RECORD_KINDS } from '../../src/core/report/model';

const ROOT = path.resolve(__dirname, '..', '..');
/** Rules that judge what is written (a false alarm here is a wrong claim about a correct report). */
const CHECKED = ['PA002', 'PA003', 'PA006', 'PA007', 'PA033'];
const FRONT_MATTER = '---\naudit-format: 1\nid: EXAMPLE\ntitle: Example\nstatus: draft\ndate: 2024-05-10\nauditors: [Example Analyst]\n---\n';

interface Example {
  where: string;
  text: string;
  /** The rule a page's "Example that triggers it" shows on purpose. */
  allowed?: string;
}

/** The examples of one Markdown page: ````-fenced documents, record blocks, YAML front matter. */
function examplesOf(file: string): Example[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const rel = path.relative(ROOT, file);
  const ownRule = /^(PA\d{3})\.md$/.exec(path.basename(file))?.[1];
  const out: Example[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6} /.test(line)) heading = line;
    const open = /^(`{3,})\s*(\S*)/.exec(line);
    if (!open) continue;
    const fence = open[1]!;
    const info = open[2]!;
    let j = i + 1;
    while (j < lines.length && !(lines[j]!.startsWith(fence) && lines[j]!.slice(fence.length).trim() === '')) j++;
    const body = lines.slice(i + 1, j).join('\n') + '\n';
    const where = `${rel}:${i + 1}`;
    const allowed = ownRule && /Example that triggers it/i.test(heading) ? ownRule : undefined;
    if (fence.length > 3 && /^```/m.test(body)) out.push({ where, text: body.startsWith('---\n') ? body : FRONT_MATTER + body, allowed });
    else if ((RECORD_KINDS as readonly string[]).includes(info)) out.push({ where, text: `${FRONT_MATTER}${line}\n${body}${fence}\n`, allowed });
    else if (info === 'yaml' && body.startsWith('---\n')) out.push({ where, text: body, allowed });
    i = j;
  }
  return out;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? markdownFiles(p) : name.endsWith('.md') ? [p] : [];
  });
}

const examples = [path.join(ROOT, 'README.md'), ...markdownFiles(path.join(ROOT, 'docs'))].flatMap(examplesOf);

describe('hidden in plain sight: no false alarm on the examples everybody reads', () => {
  test('the examples are found (README sample, format guide, rule pages)', () => {
    assert.ok(examples.some((e) => e.where.startsWith('README.md')), 'README sample');
    assert.ok(examples.filter((e) => e.where.startsWith(path.join('docs', 'format.md'))).length >= 8, 'format guide');
    assert.ok(examples.filter((e) => e.where.startsWith(path.join('docs', 'rules'))).length >= 40, 'rule pages');
  });

  for (const e of examples) {
    test(e.where, async () => {
      const { diagnostics } = await new Linter().lint(e.text);
      const alarms = diagnostics.filter((d) => CHECKED.includes(d.rule) && d.rule !== e.allowed);
      assert.deepEqual(alarms.map((d) => `${d.range.start.line + 1}: ${d.rule} ${d.message}`), []);
    });
  }

  test('the bundled example report is clean, evidence files included', async () => {
    const file = path.join(ROOT, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
    const { diagnostics } = await new Linter().lint(readFileSync(file, 'utf8'), { filePath: file, root: ROOT });
    assert.deepEqual(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.rule} ${d.message}`), []);
  });
});
