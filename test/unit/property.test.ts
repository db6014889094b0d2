/**
 * Robustness: `parseReport` and `lintText` never throw and always finish, on
 * arbitrary and on hostile input, and hostile input is refused with the
 * documented diagnostic (PA000 size/binary, PA001 front matter, PA002
 * aliases/nesting).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { EvidenceChecker, type EvidenceFs } from '../../src/core/lint/evidence';
import { nodeEvidenceFs } from '../../src/node/evidence-files';
import { ALL_RULE_IDS } from '../../src/core/lint/ids';
import { Linter, lintText, type LintResult } from '../../src/core/lint/linter';
import { parseReport } from '../../src/core/report/parse';
import type { Diagnostic } from '../../src/core/report/types';

/** Correctness bound for one hostile input (not a benchmark). */
const BOUND_MS = 2000;
const RUNS = 250;

// ---------------------------------------------------------------- helpers

/**
 * Checks what every lint result must satisfy, whatever the input. Span bounds
 * are checked separately (`spans: true`) so that a span bug does not hide the
 * no-throw properties.
 */
function checkResult(input: string, res: LintResult, { spans = false } = {}): void {
  const { report, diagnostics } = res;
  const len = report.text.length;
  assert.equal(report.text, input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  for (const d of diagnostics) {
    assert.ok(ALL_RULE_IDS.has(d.rule), `unknown rule ${d.rule}`);
    assert.ok(['error', 'warning', 'info'].includes(d.severity), d.severity);
    assert.equal(typeof d.message, 'string');
    assert.ok(d.message.length > 0);
    assert.doesNotMatch(d.message, /Internal error/, `a rule crashed: ${d.message}`);
    if (spans) assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= len, `span ${JSON.stringify(d.span)} outside 0..${len} (${d.rule}: ${d.message})`);
    const { start, end } = d.range;
    assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), `range ${JSON.stringify(d.range)}`);
    assert.ok(end.line < report.lines.lineCount, `range beyond the last line (${d.rule})`);
    for (const f of d.fixes ?? []) for (const e of f.edits) assert.ok(e.span.start >= 0 && e.span.start <= e.span.end && e.span.end <= len, `fix edit outside the text (${d.rule})`);
    if (!spans) continue;
  }
}

async function lintChecked(input: string, opts: { spans?: boolean } = {}): Promise<LintResult> {
  const t0 = performance.now();
  const res = await lintText(input);
  const ms = performance.now() - t0;
  assert.ok(ms < BOUND_MS, `lint took ${ms.toFixed(0)} ms on a ${input.length}-char input`);
  checkResult(input, res, opts);
  return res;
}

function parseChecked(input: string, { spans = false } = {}): void {
  const t0 = performance.now();
  const report = parseReport(input);
  assert.ok(performance.now() - t0 < BOUND_MS);
  assert.ok(Array.isArray(report.problems));
  if (spans) for (const p of report.problems) assert.ok(p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= report.text.length, `${p.rule} ${JSON.stringify(p.span)}: ${p.message}`);
}

/** Rule, 1-based line, 1-based column and message of each diagnostic. */
const summary = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.rule} ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

const FM = ['---', 'audit-format: 1', 'id: PROP-1', 'title: Property test', 'status: draft', 'date: 2024-01-02', 'auditors: [Alice]', '---', ''].join('\n');

const fence = (kind: string, body: string) => `\`\`\`${kind}\n${body}\n\`\`\`\n`;

const VOCAB = [
  '---',
  '...',
  '```flow',
  '```evidence',
  '```device',
  '```finding',
  '```response',
  '```retest',
  '```step',
  '```',
  '````',
  '~~~flow',
  '~~~',
  '- id: F1',
  'id: E1',
  'id: D1',
  'id: FN1',
  '- id: E1',
  'file: evidence/a.txt',
  'file: ../../etc/passwd',
  'file: /etc/passwd',
  'sha256: ',
  'sha256: ' + 'a'.repeat(64),
  'evidence: [E1',
  'evidence: [E1]',
  'evidence: [E1, E2#frame=3]',
  'evidence:',
  '  - E1',
  'from: D1',
  'from: D1/app',
  'to: example.com',
  'data: [IMEI, phone number, nonsense]',
  'encryption: none',
  'flows: [F1]',
  'verifies: [V1]',
  'fix: "2.0"',
  'date: 2014-13-45',
  'captured: 2099-01-01T00:00:00Z',
  'status: final',
  'audit-format: 1',
  'lint: {PA024: off}',
  'lint: {PA999: loud}',
  'categories: [{id: x, sensitivity: high}]',
  'redact: ["/(/"]',
  'a: &a [*a,*a]',
  '&a [*a,*a]',
  'key: *x',
  '<<: *a',
  '? complex',
  ': value',
  '{',
  '}',
  '[',
  ']',
  '{a: [b, {c: d}]}',
  '[@E1#',
  '[@E1]',
  '[@E1#frame=312]',
  '[@',
  '> ',
  '> ```flow',
  '- ',
  '1. ',
  '    indented',
  '|',
  '>-',
  '"',
  "'",
  '#',
  '# Heading',
  '%YAML 1.2',
  '!!binary',
  '!tag x',
  '\t',
  '\r\n',
  '\r',
  '\n',
  '\uFEFF',
  '\u0000',
  '\uFFFD',
  '\u2028',
  '\uD800',
  '😀',
  'é',
  '<!-- comment -->',
  '<div>',
  '',
  ' ',
];

const vocabLines = fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...VOCAB) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { maxLength: 60 });
/** Lines of the vocabulary joined by newlines (sometimes CRLF), or glued together. */
const vocabText = fc.tuple(vocabLines, fc.constantFrom('\n', '\r\n', '', ' ')).map(([ls, sep]) => ls.join(sep));

// ---------------------------------------------------------------- properties

describe('never throws, always terminates (fast-check)', () => {
  test('arbitrary code points (binary unit)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), async (s) => {
        parseChecked(s);
        await lintChecked(s);
      }),
      { numRuns: RUNS },
    );
  });

  test('arbitrary ASCII including control characters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary-ascii', maxLength: 400 }), async (s) => {
        parseChecked(s);
        await lintChecked(s);
      }),
      { numRuns: RUNS },
    );
  });

  test('arbitrary graphemes (full Unicode)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (s) => {
        parseChecked(s);
        await lintChecked(s);
      }),
      { numRuns: RUNS },
    );
  });

  test('arbitrary strings inside a front matter and inside record fences', async () => {
    const body = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary-ascii', maxLength: 200 }));
    const kind = fc.constantFrom('flow', 'evidence', 'device', 'step', 'response', 'retest', 'finding');
    await fc.assert(
      fc.asyncProperty(body, body, kind, fc.boolean(), async (fmBody, blockBody, k, closeFence) => {
        const texts = [
          `---\n${fmBody}\n---\n\n${fence(k, blockBody)}`,
          `${FM}\n${fence(k, blockBody)}`,
          `${FM}\n\`\`\`${k}\n${blockBody}${closeFence ? '\n```\n' : ''}`,
          `${FM}\n> \`\`\`${k}\n> ${blockBody.replace(/\n/g, '\n> ')}\n> \`\`\`\n`,
          `${FM}\n- item\n\n  \`\`\`${k}\n  ${blockBody.replace(/\n/g, '\n  ')}\n  \`\`\`\n`,
        ];
        for (const t of texts) {
          parseChecked(t);
          await lintChecked(t);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('random mixes of tricky fragments', async () => {
    await fc.assert(
      fc.asyncProperty(vocabText, async (s) => {
        parseChecked(s);
        await lintChecked(s);
        await lintChecked(FM + s);
        await lintChecked(`${FM}\n${fence('flow', s)}`);
      }),
      { numRuns: RUNS },
    );
  });

  test('diagnostic spans stay inside the text (random mixes)', async () => {
    await fc.assert(
      fc.asyncProperty(vocabText, async (s) => {
        parseChecked(s, { spans: true });
        await lintChecked(s, { spans: true });
        await lintChecked(`${FM}\n${fence('flow', s)}`, { spans: true });
      }),
      { numRuns: RUNS },
    );
  });

  test('diagnostic spans stay inside the text: a YAML error at the very end of the file (unclosed fence)', async () => {
    // the YAML parser reports a missing quote or bracket one character past the end of the region
    for (const t of ["```finding\n'", `${FM}\n\`\`\`flow\nid: "F1`, '```flow\n[a', '```flow\n{a: b']) {
      const res = await lintChecked(t);
      // (an unclosed fence is said first: one diagnostic per block)
      assert.ok(res.diagnostics.some((d) => d.rule === 'PA002' && /quote|not closed|never closed/i.test(d.message)), summary(res.diagnostics).join('\n'));
      checkResult(t, res, { spans: true });
    }
  });

  test('a reused Linter (with its caches) gives the same result as a fresh one', async () => {
    const doc = fc.tuple(vocabLines, vocabLines, fc.constantFrom('flow', 'evidence', 'finding')).map(([a, b, k]) => `${FM}\n${a.join('\n')}\n\n${fence(k, b.join('\n'))}`);
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 2, maxLength: 4 }), async (docs) => {
        const reused = new Linter();
        for (const d of docs) {
          // each document also lints after an edit that moves its blocks down
          for (const t of [d, `Intro line.\n\n${d}`, d.replace('---\n', '---\n\n')]) {
            const a = await reused.lint(t);
            const b = await lintText(t);
            assert.deepEqual(summary(a.diagnostics), summary(b.diagnostics));
            assert.deepEqual(
              a.diagnostics.map((x) => x.span),
              b.diagnostics.map((x) => x.span),
            );
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  test('the same blocks at different places (cache keyed by block text) keep their own positions', async () => {
    const linter = new Linter();
    const block = fence('flow', 'id: F1\nfrom: D9\nevidence: [E9]');
    const one = `${FM}\n${block}`;
    const two = `${FM}\nSome prose.\n\n${block}\n${block}`;
    for (const t of [one, two, one, two]) {
      const fresh = await lintText(t);
      const cached = await linter.lint(t);
      assert.deepEqual(summary(cached.diagnostics), summary(fresh.diagnostics));
    }
    const res = await linter.lint(two);
    const e9 = res.diagnostics.filter((d) => d.rule === 'PA005' && d.message.includes('E9'));
    assert.equal(e9.length, 2);
    for (const d of e9) assert.equal(two.slice(d.span.start, d.span.end), 'E9');
  });
});

// ---------------------------------------------------------------- evidence paths

describe('evidence paths (fast-check): nothing outside the workspace is ever hashed', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('arbitrary paths built from hostile fragments', async () => {
    const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'pa-prop-')));
    dirs.push(base);
    const root = path.join(base, 'ws');
    const put = (p: string, c: string) => {
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, c);
    };
    put(path.join(root, 'evidence/a.txt'), 'a');
    put(path.join(root, 'reports/r.txt'), 'r');
    put(path.join(root, '..dots/d.txt'), 'd');
    put(path.join(base, 'outside.txt'), 'secret');
    put(path.join(base, 'outdir/secret.txt'), 'secret');
    symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'evidence/out-link.txt'));
    symlinkSync(path.join(base, 'outdir'), path.join(root, 'evidence/out-dir'));
    symlinkSync(path.join(root, 'evidence/a.txt'), path.join(root, 'evidence/in-link.txt'));
    const realRoot = realpathSync(root);
    const inside = (p: string) => {
      const rel = path.relative(realRoot, realpathSync(p));
      return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
    };

    const hashed: string[] = [];
    const fsRec: EvidenceFs = {
      stat: (p) => nodeEvidenceFs.stat(p),
      realpath: (p) => nodeEvidenceFs.realpath(p),
      sha256: (p) => {
        hashed.push(p);
        return nodeEvidenceFs.sha256(p);
      },
    };
    const checker = new EvidenceChecker(fsRec);
    const segment = fc.constantFrom('..', '.', '', 'evidence', 'a.txt', 'reports', 'r.txt', 'outside.txt', 'outdir', 'secret.txt', 'out-link.txt', 'out-dir', 'in-link.txt', '..dots', 'd.txt', 'ws', '%2e%2e', '%2f', 'C:', '\\', '~', 'file:', '\u0000', ' ');
    const filePath = fc.tuple(fc.constantFrom('', '/', '//', '\\\\', './', '../'), fc.array(segment, { minLength: 1, maxLength: 6 }), fc.constantFrom('/', '\\')).map(([lead, segs, sep]) => lead + segs.join(sep));
    await fc.assert(
      fc.asyncProperty(filePath, fc.constantFrom('', 'reports', 'evidence'), async (file, sub) => {
        hashed.length = 0;
        const st = await checker.check(file, path.join(root, sub), root);
        for (const h of hashed) assert.ok(inside(h), `hashed ${h} (outside the workspace) for ${JSON.stringify(file)}`);
        if (st.state === 'ok') assert.ok(inside(st.path), `ok for ${JSON.stringify(file)} → ${st.path}`);
        if (st.state === 'escape') assert.equal(hashed.length, 0);
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------- hostile inputs

describe('hostile inputs: bounded time, the documented diagnostic, never a throw', () => {
  async function hostile(text: string): Promise<{ res: LintResult; ms: number }> {
    const { value, ms } = await timed(() => lintText(text));
    assert.ok(ms < BOUND_MS, `took ${ms.toFixed(0)} ms`);
    checkResult(text, value);
    const p = await timed(async () => parseReport(text));
    assert.ok(p.ms < BOUND_MS, `parseReport took ${p.ms.toFixed(0)} ms`);
    return { res: value, ms };
  }

  function billionLaughs(): string {
    const names = 'abcdefghi';
    const lines = [`a: &a [${Array(9).fill('"lol"').join(', ')}]`];
    for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
    return lines.join('\n');
  }

  test('(a) billion laughs in a ```flow block → PA002 about aliases', async () => {
    const text = `${FM}\n${fence('flow', billionLaughs())}`;
    const { res } = await hostile(text);
    const pa002 = res.diagnostics.filter((d) => d.rule === 'PA002');
    assert.ok(pa002.length > 0, summary(res.diagnostics).join('\n'));
    assert.ok(pa002.some((d) => /alias/i.test(d.message)));
    assert.ok(pa002.every((d) => d.range.start.line + 1 > FM.split('\n').length - 1), 'reported inside the block');
  });

  test('(a′) billion laughs in the front matter → PA001 about aliases', async () => {
    const text = `---\n${billionLaughs()}\n---\n`;
    const { res } = await hostile(text);
    assert.ok(res.diagnostics.some((d) => d.rule === 'PA001' && /alias/i.test(d.message)), summary(res.diagnostics).join('\n'));
  });

  test('(a″) a single self-referencing alias and a merge key', async () => {
    for (const body of ['a: &a [*a, *a]', 'base: &b {x: 1}\nother:\n  <<: *b\n  y: 2', '- &x id: F1\n- *x']) {
      const { res } = await hostile(`${FM}\n${fence('flow', body)}`);
      assert.ok(res.diagnostics.some((d) => d.rule === 'PA002'), `${body}: ${summary(res.diagnostics).join('\n')}`);
    }
  });

  test('(b) a 5,000-deep nested flow sequence → PA002 about nesting', async () => {
    const text = `${FM}\n${fence('flow', `id: F1\nx: ${'['.repeat(5000)}${']'.repeat(5000)}`)}`;
    const { res } = await hostile(text);
    assert.ok(res.diagnostics.some((d) => d.rule === 'PA002' && /nest/i.test(d.message)), summary(res.diagnostics).join('\n'));
  });

  test('(b) a 5,000-deep nested flow mapping, and unbalanced brackets', async () => {
    for (const body of [`x: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`, `x: ${'['.repeat(5000)}`, `x: ${'{'.repeat(5000)}`]) {
      const { res } = await hostile(`${FM}\n${fence('flow', body)}`);
      assert.ok(res.diagnostics.some((d) => d.rule === 'PA002' && /nest/i.test(d.message)), summary(res.diagnostics).join('\n'));
    }
  });

  test('(b) a 5,000-deep nested block mapping (explicit keys, `? ? ? … x`) → PA002 about nesting', async () => {
    const text = `${FM}\n${fence('flow', `${'? '.repeat(5000)}x`)}`;
    const { res } = await hostile(text);
    assert.ok(res.diagnostics.some((d) => d.rule === 'PA002' && /nest/i.test(d.message)), summary(res.diagnostics).join('\n'));
  });

  test('(b) a 5,000-deep nested block sequence (`- - - … x`) → PA002 about nesting', async () => {
    const text = `${FM}\n${fence('flow', `${'- '.repeat(5000)}x`)}`;
    const { res } = await hostile(text);
    assert.ok(res.diagnostics.some((d) => d.rule === 'PA002' && /nest/i.test(d.message)), summary(res.diagnostics).join('\n'));
  });

  test('(b) a 1,000-deep indented block mapping → PA002 about nesting', async () => {
    // indentation grows by one column per level, so 1,000 levels already take ~0.5 MB
    let body = '';
    for (let i = 0; i < 1000; i++) body += `${' '.repeat(i)}k${i}:\n`;
    body += `${' '.repeat(1000)}leaf`;
    const { res } = await hostile(`${FM}\n${fence('flow', body)}`);
    assert.ok(res.diagnostics.some((d) => d.rule === 'PA002' && /nest/i.test(d.message)), summary(res.diagnostics).join('\n'));
  });

  test('(b) a 5,000-deep indented block mapping is larger than any report may be → PA000 about size', async () => {
    // 5,000 levels with one more column each need ~12.5 MB of indentation
    const parts: string[] = [];
    for (let i = 0; i < 5000; i++) parts.push(`${' '.repeat(i)}k:\n`);
    const text = `${FM}\n\`\`\`flow\n${parts.join('')}${' '.repeat(5000)}leaf\n\`\`\`\n`;
    const { res } = await hostile(text);
    assert.deepEqual(res.diagnostics.map((d) => d.rule), ['PA000']);
    assert.match(res.diagnostics[0]!.message, /too large/);
  });

  test('(b) 5,000 nested block quotes and list items around a record block', async () => {
    for (const text of [`${FM}\n${'>'.repeat(5000)} \`\`\`flow\nid: F1\n\`\`\`\n`, `${FM}\n${Array.from({ length: 5000 }, (_, i) => `${'  '.repeat(Math.min(i, 200))}- item`).join('\n')}\n`]) {
      await hostile(text);
    }
  });

  test('(c) a report over 10 MB → PA000 about size, and nothing else', async () => {
    const block = fence('flow', 'id: F1\nfrom: D1\nto: api.example.com\ndata: [IMEI]\nevidence: [E1]') + '\n';
    const parts = [FM];
    let size = FM.length;
    while (size <= 10 * 1024 * 1024) {
      parts.push(block);
      size += block.length;
    }
    const text = parts.join('');
    assert.ok(text.length > 10 * 1024 * 1024);
    const { res } = await hostile(text);
    assert.deepEqual(res.diagnostics.map((d) => d.rule), ['PA000']);
    assert.match(res.diagnostics[0]!.message, /too large|size|MB/i);
    assert.equal(res.diagnostics[0]!.severity, 'error');
  });

  test('(d) NUL bytes → PA000 at the first NUL, and nothing else', async () => {
    const text = `${FM}\n# Title\n\nbinary\u0000junk\u0000\n${fence('flow', 'id: F1')}`;
    const { res } = await hostile(text);
    assert.deepEqual(res.diagnostics.map((d) => d.rule), ['PA000']);
    assert.match(res.diagnostics[0]!.message, /NUL|binary/);
    assert.equal(res.diagnostics[0]!.span.start, text.indexOf('\u0000'));
  });

  test('(d′) invalid UTF-8 (replacement characters) → PA000, other rules still run', async () => {
    const text = `${FM}\nbroken \uFFFD text\n${fence('flow', 'id: F1\nfrom: D1')}`;
    const { res } = await hostile(text);
    const ids = new Set(res.diagnostics.map((d) => d.rule));
    assert.ok(ids.has('PA000'));
    assert.ok(ids.has('PA010'), 'not fatal: the flow is still checked');
  });

  test('(e) an empty file → PA001', async () => {
    for (const text of ['', '\uFEFF', '\n', '   \n\n']) {
      const { res } = await hostile(text);
      assert.deepEqual(res.diagnostics.map((d) => d.rule), ['PA001'], JSON.stringify(text));
      assert.deepEqual(res.diagnostics[0]!.range.start, { line: 0, character: 0 });
    }
  });

  test('(e′) an unclosed front matter and an unclosed fence', async () => {
    const a = await hostile('---\naudit-format: 1\nid: X\n');
    assert.ok(a.res.diagnostics.some((d) => d.rule === 'PA001' && /not closed/.test(d.message)));
    const b = await hostile(`${FM}\n\`\`\`flow\nid: F1\n`);
    assert.ok(b.res.diagnostics.some((d) => d.rule === 'PA002' && /never closed/.test(d.message)));
  });

  test('other pathological Markdown finishes in bounded time', async () => {
    const n = 100_000;
    for (const body of ['['.repeat(n), '[@'.repeat(n / 2), '[@E1'.repeat(n / 4), '*'.repeat(n), '`'.repeat(n), '<'.repeat(n), `${'[a]('.repeat(n / 4)}`, `${'- '.repeat(n / 2)}x`, '|a|\n|-|\n'.repeat(n / 8), '```flow\n'.repeat(n / 8)]) {
      await hostile(`${FM}\n${body}\n`);
    }
  });

  test('25,000 citations on one line (150 KB) → no diagnostics, in bounded time', async () => {
    const text = `${FM}\nSee ${'[@E1] '.repeat(25_000)}\n\n${fence('evidence', 'id: E1\nurl: https://example.com/a\nkind: web')}`;
    const { res } = await hostile(text);
    assert.deepEqual(res.diagnostics, []);
    assert.equal(res.report.citations.length, 25_000);
  });

  test('a 100,000-line paragraph citing on every line (1.1 MB) → no diagnostics, in bounded time', async () => {
    const text = `${FM}\n${'See [@E1].\n'.repeat(100_000)}\n${fence('evidence', 'id: E1\nurl: https://example.com/a\nkind: web')}`;
    const { res } = await hostile(text);
    assert.deepEqual(res.diagnostics, []);
    const last = res.report.citations.at(-1)!;
    assert.equal(res.report.lines.positionAt(last.span.start).line, FM.split('\n').length + 100_000 - 1);
  });

  // (f) line ends and byte-order mark
  const MIXED = [
    FM.replace('auditors: [Alice]', 'auditors: [Alice]\nunknown-key: 1'),
    '# Report',
    '',
    'Prose cites [@E1] and [@E7#frame=3].',
    '',
    '```device',
    'id: D1',
    'vendor: Acme',
    '```',
    '',
    '```flow',
    '- id: F1',
    '  from: D1',
    '  to: api.example.com',
    '  country: cn',
    '  encryption: none',
    '  data: [IMEI, phone numbr]',
    '  evidence: [E1]',
    '- id: F2',
    '  from: D1',
    '  to: other.example.com',
    '```',
    '',
    '```evidence',
    'id: E1',
    'url: https://example.com/capture',
    'kind: web',
    'captured: 2099-01-01',
    'description: |',
    '  A block scalar',
    '  over two lines.',
    '```',
    '',
    '```evidence',
    'id: E2',
    'url: https://example.com/other',
    '```',
    '',
    '```finding',
    'id: FN1',
    'title: "Unfinished',
    '```',
    '',
  ].join('\n');

  test('(f) CRLF + BOM gives the same rule ids, lines and columns as LF', async () => {
    const lf = await hostile(MIXED);
    assert.ok(lf.res.diagnostics.length >= 6, `the fixture must exercise several rules: ${summary(lf.res.diagnostics).join('\n')}`);
    const crlfBom = await hostile('\uFEFF' + MIXED.replace(/\n/g, '\r\n'));
    const key = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.rule} ${d.range.start.line}:${d.range.start.character} ${d.message}`);
    assert.deepEqual(key(crlfBom.res.diagnostics), key(lf.res.diagnostics));
    assert.equal(crlfBom.res.report.hadBom, true);
    for (const v of ['\uFEFF' + MIXED, MIXED.replace(/\n/g, '\r\n')]) {
      assert.deepEqual(key((await hostile(v)).res.diagnostics), key(lf.res.diagnostics));
    }
  });

  test('(f) a valid report stays valid with CRLF + BOM', async () => {
    const clean = `${FM}\nSee [@E1].\n\n${fence('evidence', 'id: E1\nurl: https://example.com/a\nkind: web')}`;
    assert.deepEqual((await hostile(clean)).res.diagnostics, []);
    assert.deepEqual((await hostile('\uFEFF' + clean.replace(/\n/g, '\r\n'))).res.diagnostics, []);
  });

  test('(f) old-Mac CR-only line ends give the same rule ids and lines as LF', async () => {
    // LineIndex and markdown-it both treat a lone \r as a line break; the YAML regions must too
    const lf = await hostile(MIXED);
    const cr = await hostile(MIXED.replace(/\n/g, '\r'));
    const key = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.rule} ${d.range.start.line}`);
    assert.deepEqual(key(cr.res.diagnostics), key(lf.res.diagnostics));
  });

  test('(f) CRLF vs LF on random fragment mixes (fast-check): same rules on the same lines', async () => {
    const lfOnly = VOCAB.filter((v) => !/[\r\n\u2028\uFEFF\u0000]/.test(v));
    const doc = fc.array(fc.constantFrom(...lfOnly), { maxLength: 40 }).map((ls) => `${FM}\n${ls.join('\n')}\n`);
    await fc.assert(
      fc.asyncProperty(doc, async (t) => {
        const a = await lintText(t);
        const b = await lintText(t.replace(/\n/g, '\r\n'));
        const key = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.rule} ${d.range.start.line}`);
        assert.deepEqual(key(b.diagnostics), key(a.diagnostics));
      }),
      { numRuns: 200 },
    );
  });
});
