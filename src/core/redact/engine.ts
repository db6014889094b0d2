/**
 * The redactor: finds every secret of a report in a string, however it is
 * spelled, and masks it.
 *
 * - Literal secrets are compared on the `reading` projection (NFC and NFD
 *   alike, case folded, invisible characters ignored, white space runs as
 *   one space).
 * - Identifier-like secrets (eight or more letters and digits) are also
 *   compared on the `tokens` projection, letters and digits only: the
 *   separators people write in an IMEI, a phone number or a MAC address do
 *   not hide it, nor do the characters Markdown leaves when emphasis or a
 *   link splits it.
 * - `/regex/` patterns run on the `source` projection with RE2's
 *   linear-time engine (re2js): a report's pattern cannot make an export
 *   hang. Every match is masked whatever the flags (`g` and `y` change
 *   nothing); backreferences and lookaround are refused (PA001 says so).
 *
 * `maskSegments` masks across several strings read one after the other,
 * e.g. the text nodes of a rendered paragraph, where markup split a value.
 */
import { RE2JS } from 're2js';
import { collectRedaction, MAX_VALUES, type RedactPattern, type RedactRules } from './collect';
import { project, projectText, sourceRange, type Projection } from './project';
import type { Report } from '../report/model';
import type { Span } from '../report/types';

export const REDACTED = '[redacted]';

/** What one report may ask of the pattern engine. */
export const REDACT_LIMITS = {
  /** Characters in one `/regex/`. */
  maxPatternChars: 300,
  /** `/regex/` entries in one report. */
  maxPatterns: 50,
  /** The largest count in a `{n,m}` repetition (RE2's time grows with the size of the compiled pattern). */
  maxRepeat: 100,
  /** Instructions of one compiled pattern. */
  maxProgram: 250,
  /** Time all of a report's patterns may take over one export; past it the export is refused. */
  patternBudgetMs: 10_000,
  /** Letters and digits an identifier needs to be matched whatever its separators. */
  minTokenChars: 8,
};

export interface PatternProblem {
  span: Span;
  message: string;
}

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0, g: 0, y: 0, d: 0 };

/** Compiles a report's `/regex/` with the linear-time engine, or says why it cannot. */
export function compilePattern(source: string, flags: string): RE2JS | string {
  if (source.length > REDACT_LIMITS.maxPatternChars) return `the pattern is longer than ${REDACT_LIMITS.maxPatternChars} characters`;
  for (const m of source.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    if (Math.max(Number(m[1]), Number(m[2] || 0)) > REDACT_LIMITS.maxRepeat) return `a repetition count above ${REDACT_LIMITS.maxRepeat} (\`${m[0]}\`)`;
  }
  let bits = 0;
  for (const f of flags) {
    if (!(f in FLAGS)) return `unknown flag \`${f}\` (use i, m, s or u)`;
    bits |= FLAGS[f]!;
  }
  try {
    const re = RE2JS.compile(RE2JS.translateRegExp(source), bits);
    if (re.matches('')) return 'the pattern matches the empty string, so it would mask nothing';
    const size = (re as unknown as { re2Input?: { prog?: { inst?: unknown[] } } }).re2Input?.prog?.inst?.length ?? source.length * 4;
    if (size > REDACT_LIMITS.maxProgram) return `the pattern is too complex (${size} steps; the limit is ${REDACT_LIMITS.maxProgram})`;
    return re;
  } catch (err) {
    const msg = (err as Error).message.replace(/^error parsing regexp:\s*/, '');
    const hint = /\\[1-9]|\(\?<?[=!]/.test(source) ? ' (backreferences and lookaround are not supported: patterns run in linear time)' : '';
    return `${msg}${hint}`;
  }
}

/** Longest pattern match that is sure to be masked whole; longer ones are masked in pieces. */
const PATTERN_OVERLAP = 1024;
const PATTERN_SLICE = 16 * 1024;

/** A report's patterns took more than their time budget: the export is refused. */
export class RedactionBudgetError extends Error {
  override readonly name = 'RedactionBudgetError';
  constructor(budgetMs: number) {
    super(`the report's \`redact\` patterns took more than ${budgetMs / 1000} s on this report; make them simpler or fewer`);
  }
}

/** A report's patterns compiled, and why those that cannot be used cannot (PA001 reports these without building a whole `Redactor`). */
export function compilePatterns(list: readonly RedactPattern[]): { patterns: RE2JS[]; problems: PatternProblem[] } {
  const patterns: RE2JS[] = [];
  const problems: PatternProblem[] = [];
  list.forEach((p, i) => {
    const re = i < REDACT_LIMITS.maxPatterns ? compilePattern(p.source, p.flags) : `more than ${REDACT_LIMITS.maxPatterns} patterns`;
    if (typeof re === 'string') problems.push({ span: p.span, message: `\`redact\` pattern ${p.written.length > 60 ? p.written.slice(0, 60) + '…' : p.written} cannot be used: ${re}.` });
    else patterns.push(re);
  });
  return { patterns, problems };
}

export class Redactor {
  /** Secrets in the reading projection, longest first. */
  private readonly reading: string[];
  /** Identifier-like secrets in the tokens projection, longest first. */
  private readonly tokens: string[];
  private readonly patterns: RE2JS[];
  /** Projections of values that are part of a longer value. */
  private readonly nested = new Set<string>();
  /** Length of the shortest projected value. */
  private readonly shortest: number;
  /** Patterns that could not be compiled (they mask nothing; PA001 reports them). */
  readonly problems: PatternProblem[];
  /** Why the redaction may be incomplete; exports refuse while this is not empty. */
  readonly uncertain: readonly string[];

  /** Time spent running patterns so far. */
  private patternMs = 0;
  private readonly budgetMs: number;

  constructor(
    readonly rules: RedactRules,
    options: { patternBudgetMs?: number } = {},
  ) {
    this.budgetMs = options.patternBudgetMs ?? REDACT_LIMITS.patternBudgetMs;
    const byLength = (a: string, b: string) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);
    // a value without a letter or a digit ("-", "…") identifies nobody, and would mask every hyphen
    // past the limit the export refuses (collect.ts says why); what is matched stays bounded for the linter
    const literals = rules.literals.slice(0, MAX_VALUES).filter((l) => /[\p{L}\p{N}]/u.test(l));
    this.reading = [...new Set(literals.map((l) => projectText(l, 'reading')).filter((l) => l !== ''))].sort(byLength);
    this.tokens = [...new Set(literals.map((l) => projectText(l, 'tokens')).filter((l) => l.length >= REDACT_LIMITS.minTokenChars))].sort(byLength);
    // a value inside a longer one (`b40e` in a UUID): where it is masked, the rest of the identifier around it goes too,
    // or the longer value, cut by that mask, could no longer be recognised when markup had split it
    const skeletons = literals.map((l) => projectText(l, 'tokens'));
    for (const l of literals) {
      const k = projectText(l, 'tokens');
      if (k && skeletons.some((other) => other.length > k.length && other.includes(k))) this.nested.add(projectText(l, 'reading')).add(k);
    }
    const compiled = compilePatterns(rules.patterns);
    this.patterns = compiled.patterns;
    this.problems = compiled.problems;
    this.uncertain = rules.uncertain;
    this.shortest = Math.min(...this.reading.map((q) => q.length), ...this.tokens.map((q) => q.length));
  }

  /** Why an export must not go ahead: the redaction is uncertain, or a pattern cannot be used (it would mask nothing). */
  get refusals(): string[] {
    return [...this.uncertain, ...this.problems.map((p) => p.message)];
  }

  /** True when there is nothing to mask. */
  get empty(): boolean {
    return this.reading.length === 0 && this.patterns.length === 0;
  }

  /** Source ranges [start, end) of `s` to mask, sorted and merged. */
  ranges(s: string): [number, number][] {
    if (this.empty || s === '') return [];
    // an ASCII string shorter than every value cannot hold one (only NFKC can make a string longer, and only outside ASCII)
    if (!this.patterns.length && s.length < this.shortest && !/[^\x00-\x7f]/.test(s)) return [];
    const found: [number, number][] = [];
    const literal = (p: Projection, secrets: readonly string[]) => {
      for (const q of secrets) {
        const widen = this.nested.has(q);
        for (let at = p.text.indexOf(q); at >= 0; at = p.text.indexOf(q, at + 1)) {
          const r = sourceRange(s, p, at, at + q.length);
          found.push(widen ? identifierAround(s, r) : r);
        }
      }
    };
    literal(project(s, 'reading'), this.reading);
    if (this.tokens.length) literal(project(s, 'tokens'), this.tokens);
    if (this.patterns.length) {
      const p = project(s, 'source');
      // in slices that overlap by the longest match worth masking, with the time spent counted between slices
      for (let at = 0; at < p.text.length; at += PATTERN_SLICE) {
        const slice = p.text.slice(at, at + PATTERN_SLICE + PATTERN_OVERLAP);
        // a slice's edges are not the text's: `^` and `$` (and a match cut there) count only where they are
        const first = at === 0;
        const last = at + slice.length >= p.text.length;
        const t0 = performance.now();
        for (const re of this.patterns) {
          const m = re.matcher(slice);
          while (m.find()) {
            if (m.end() === m.start() || (!first && m.start() === 0) || (!last && m.end() === slice.length)) continue;
            found.push(sourceRange(s, p, at + m.start(), at + m.end()));
          }
        }
        this.patternMs += performance.now() - t0;
        if (this.patternMs > this.budgetMs) throw new RedactionBudgetError(this.budgetMs);
      }
    }
    return merge(found);
  }

  /** `s` with every secret replaced by `[redacted]`. */
  mask(s: string): string {
    const r = this.ranges(s);
    if (!r.length) return s;
    let out = '';
    let last = 0;
    for (const [a, b] of r) {
      out += s.slice(last, a) + REDACTED;
      last = b;
    }
    return out + s.slice(last);
  }

  /**
   * Masks strings that a reader reads as one (text nodes split by markup):
   * a secret spread over several of them is replaced in the first and
   * removed from the others.
   */
  maskSegments(segments: readonly string[]): string[] {
    const joined = segments.join('');
    const r = this.ranges(joined);
    if (!r.length) return [...segments];
    const out: string[] = [];
    let offset = 0;
    let k = 0;
    for (const seg of segments) {
      const end = offset + seg.length;
      let piece = '';
      let pos = offset;
      while (k < r.length && r[k]![0] < end) {
        const [a, b] = r[k]!;
        if (a >= pos) piece += joined.slice(pos, a);
        if (a >= offset) piece += REDACTED;
        pos = Math.max(pos, Math.min(b, end));
        if (b > end) break;
        k++;
      }
      piece += joined.slice(pos, end);
      out.push(piece);
      offset = end;
    }
    return out;
  }

  /** True when `s` holds a secret (`[redacted]` marks themselves are not read). */
  leaks(s: string): boolean {
    return this.ranges(s.split(REDACTED).join(' ')).length > 0;
  }
}

const ID_CHAR = /[\p{L}\p{N}\p{M}\p{Cf}\-.:_]/u;

/** The whole run of identifier characters (letters, digits, `-`, `.`, `:`, `_`) around a range. */
function identifierAround(s: string, [a, b]: [number, number]): [number, number] {
  while (a > 0 && ID_CHAR.test(s[a - 1]!)) a--;
  while (b < s.length && ID_CHAR.test(s[b]!)) b++;
  return [a, b];
}

function merge(r: [number, number][]): [number, number][] {
  if (r.length < 2) return r;
  r.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [r[0]!];
  for (let i = 1; i < r.length; i++) {
    const last = out[out.length - 1]!;
    const cur = r[i]!;
    if (cur[0] <= last[1]) last[1] = Math.max(last[1], cur[1]);
    else out.push(cur);
  }
  return out;
}

/** The redaction a report asks for (front matter `redact`, device `identifiers`), read tolerantly. */
export function redactorFor(report: Report): Redactor {
  return new Redactor(collectRedaction(report));
}

/**
 * An output file name free of secrets: a report named after the phone's
 * IMEI must not leave that name on the PDF beside it. `[redacted]` becomes
 * `redacted`, so the name needs no quoting in a shell.
 */
export function maskFileName(name: string, redactor: Redactor): string {
  return redactor.mask(name).split(REDACTED).join('redacted');
}
