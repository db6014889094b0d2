/**
 * Reading a HAR for the capture scan: the entries that may hold one of the
 * needles, as `CaptureUnit`s, in entry order — without reading the file into
 * one string, so captures of any size are streamed.
 *
 * Two paths, one result:
 * - **ripgrep** (when found): ripgrep finds, in one pass per group of at
 *   most 64 fixed strings (run side by side), the byte offsets of every
 *   literal, every decode hint, and the entry-level keys `"request":`,
 *   `"response":`, `"_webSocketMessages":`, `"entries":` (also as `"key" :`).
 *   In valid JSON a `"` that is not escaped is structural, so these are keys;
 *   the n-th `"request":` is entry n. Only around the hits is the JSON scanned
 *   exactly (from the key before the entry), which gives each candidate's
 *   byte extent and checks the anchors there; the file's head, and its tail
 *   from the last entry on, are checked too. When a check fails (or ripgrep
 *   does), the JavaScript path runs instead, with a warning: the result is
 *   the same, only slower. A hint after a `"response":` key and before the
 *   next `"request":` is known to be outside a request without a scan.
 * - **JavaScript**: the exact structural scan over the whole file in chunks,
 *   and all needles searched in one pass over each chunk.
 *
 * A candidate is an entry whose bytes (as written in the file) contain a
 * literal, or whose `request` or `_webSocketMessages` value contains a hint.
 * Literals are searched as given and as JSON writers escape them (JSON
 * escapes, `\uXXXX` for non-ASCII in lower and upper case); hints are
 * searched as given (`ignoreCase` folds ASCII letters only). A literal that
 * contains another one is dropped (it cannot add a candidate). ripgrep
 * reports matches that do not overlap; the JavaScript search every one: they
 * differ only for needles that would match across JSON punctuation.
 *
 * Limits, each with a warning: a candidate larger than `maxEntryBytes`
 * (256 MiB) or nesting more than 10 000 brackets deep is not parsed. Request
 * bodies HTTP Toolkit did not save are counted over the whole file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { entryToUnit } from '../../core/capture/har/entry';
import { HarScanner, HarStructureError, type EntryExtent } from '../../core/capture/har/structure';
import type { CaptureUnit } from '../../core/capture/types';
import { abortError, findRipgrep, runRipgrep, type OnMatch } from './ripgrep';

export interface HarHint {
  literal: string;
  ignoreCase?: boolean;
}

export interface ReadHarOptions {
  /** Needles (case-sensitive): an entry holding one is a candidate. */
  literals: string[];
  /** Decode hints (`H4sI`, `content-encoding` …): an entry whose request holds one is a candidate. */
  hints: HarHint[];
  /** Path to ripgrep, or `false` for the JavaScript path; default: found on PATH or in VS Code. */
  rg?: string | false;
  /** VS Code's application root, where its own ripgrep is (`vscode.env.appRoot`). */
  vscodeAppRoot?: string;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number) => void;
  /** Bytes read at a time (default 1 MiB). */
  chunkSize?: number;
  /** Largest entry that is parsed (default 256 MiB); a larger candidate is skipped with a warning. */
  maxEntryBytes?: number;
  /** Every entry, not only the candidates. */
  all?: boolean;
}

export interface HarSummary {
  entries: number;
  candidates: number;
  engine: 'ripgrep' | 'javascript';
  rgPath?: string;
  bytes: number;
  warnings: string[];
}

/** A file that is not a HAR (not JSON, no log.entries, truncated), with the byte offset. */
export class HarReadError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'HarReadError';
  }
}

const MiB = 1024 * 1024;
/** HAR entries nest a few levels (custom fields a few dozen); JSON.parse of millions of levels would exhaust memory. */
const MAX_DEPTH = 10_000;
/** rg 13 keeps its fast multi-literal search (Teddy) up to 64 patterns; more fall back to a slower automaton. */
const GROUP = 64;
/** HTTP Toolkit's marks of a request body it did not save (`_requestBodyStatus`), counted over the whole file. */
const DROPPED = ['"discarded:too-large"', '"discarded:not-decodable"'];

function droppedWarning(n: number): string | undefined {
  if (!n) return undefined;
  return `${n} request bod${n === 1 ? 'y was' : 'ies were'} not saved in the HAR (HTTP Toolkit: too large or not decodable): not searched`;
}

/** Keys as written by JSON writers: `"key":` and, Jackson's pretty printer, `"key" :`. */
const ANCHOR_KEYS = ['request', 'response', '_webSocketMessages', 'entries'] as const;
const ANCHORS = ANCHOR_KEYS.flatMap((k) => [`"${k}":`, `"${k}" :`]);

/**
 * The texts a JSON writer may have put in the file for `value`: as is, JSON-escaped, and
 * with every non-ASCII character as `\uxxxx` (Python's `ensure_ascii`, so mitmproxy) in
 * lower and in upper case.
 */
export function fileForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const u = (upper: boolean) => (c: string) => {
    const h = c.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${upper ? h.toUpperCase() : h}`;
  };
  const forms = new Set<string>([value, json, json.replace(/[\u007f-\uffff]/g, u(false)), json.replace(/[\u007f-\uffff]/g, u(true))]);
  return [...forms].filter((f) => f.length > 0);
}

/** `texts` without those that contain another one (an entry holding the longer one holds the shorter). */
export function withoutSuperstrings(texts: Iterable<string>): string[] {
  const byLength = [...new Set(texts)].sort((a, b) => a.length - b.length);
  const keep: string[] = [];
  for (const t of byLength) if (!keep.some((k) => t.includes(k))) keep.push(t);
  return keep;
}

interface Needles {
  literals: Buffer[];
  /** Case-sensitive hints. */
  hints: Buffer[];
  /** ignoreCase hints, ASCII-lowercased. */
  hintsFolded: Buffer[];
  maxLen: number;
}

/** Raw control characters never occur inside JSON strings: such a needle could only match between tokens. */
const CONTROL = /[\u0000-\u001f]/;

function needles(opts: ReadHarOptions): Needles {
  const lit = new Set<string>();
  for (const l of opts.literals) if (typeof l === 'string' && l) for (const f of fileForms(l)) if (!CONTROL.test(f)) lit.add(f);
  const hints = new Set<string>();
  const folded = new Set<string>();
  for (const h of opts.hints) {
    if (!h || typeof h.literal !== 'string' || !h.literal || CONTROL.test(h.literal)) continue;
    if (h.ignoreCase) folded.add(lowerAscii(h.literal));
    else hints.add(h.literal);
  }
  const n: Needles = {
    literals: withoutSuperstrings(lit).map((l) => Buffer.from(l, 'utf8')),
    hints: [...hints].map((l) => Buffer.from(l, 'utf8')),
    hintsFolded: [...folded].map((l) => Buffer.from(l, 'utf8')),
    maxLen: 1,
  };
  for (const b of [...n.literals, ...n.hints, ...n.hintsFolded]) n.maxLen = Math.max(n.maxLen, b.length);
  return n;
}

function lowerAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Thrown inside the ripgrep path when an anchor does not sit where a HAR's structure says it must. */
class AnchorMismatch extends Error {}

interface Ctx {
  file: string;
  fh: FileHandle;
  size: number;
  opts: ReadHarOptions;
  needles: Needles;
  warnings: string[];
  maxEntry: number;
  chunk: number;
}

/**
 * Reads the HAR at `file`. Iterate `units` to drive the reading; `done` settles when the
 * iteration ends (with the summary) or fails (with the same error).
 */
export function readHar(file: string, opts: ReadHarOptions): { units: AsyncIterable<CaptureUnit>; done: Promise<HarSummary> } {
  let resolveDone!: (s: HarSummary) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<HarSummary>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => {}); // the caller may only iterate; the error reaches it there
  const summary: HarSummary = { entries: 0, candidates: 0, engine: 'javascript', bytes: 0, warnings: [] };
  async function* run(): AsyncGenerator<CaptureUnit> {
    let finished = false;
    try {
      yield* readAll(file, opts, summary);
      finished = true;
      resolveDone(summary);
    } catch (err) {
      finished = true;
      rejectDone(err);
      throw err;
    } finally {
      if (!finished) {
        summary.warnings.push('the reading was stopped before the end');
        resolveDone(summary);
      }
    }
  }
  return { units: run(), done };
}

async function* readAll(file: string, opts: ReadHarOptions, summary: HarSummary): AsyncGenerator<CaptureUnit> {
  const fh = await open(file, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new HarReadError(`${file}: not a file`, file, 0);
    summary.bytes = st.size;
    const ctx: Ctx = {
      file,
      fh,
      size: st.size,
      opts,
      needles: needles(opts),
      warnings: summary.warnings,
      maxEntry: opts.maxEntryBytes ?? 256 * MiB,
      chunk: Math.max(16, opts.chunkSize ?? MiB),
    };
    const rg = opts.all ? undefined : findRipgrep(opts.rg, opts.vscodeAppRoot);
    if (opts.rg && !rg) summary.warnings.push(`ripgrep not found at ${opts.rg}: the slower JavaScript search was used`);
    if (rg) {
      let plan: Plan | undefined;
      try {
        plan = await ripgrepPlan(ctx, rg.path);
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        // an anchor out of place, a broken entry near a hit, ripgrep failing: the exact scan decides
        if ((err as Error).message) summary.warnings.push(`ripgrep path abandoned (${(err as Error).message}): the whole file was scanned in JavaScript`);
      }
      if (plan) {
        summary.engine = 'ripgrep';
        summary.rgPath = rg.path;
        summary.entries = plan.entries;
        summary.candidates = plan.candidates.length;
        for (const ext of plan.candidates) {
          throwIfAborted(opts.signal);
          const unit = await unitOf(ctx, ext);
          if (unit) yield unit;
        }
        const w = droppedWarning(plan.dropped);
        if (w) summary.warnings.push(w);
        opts.onProgress?.(ctx.size, ctx.size);
        return;
      }
    }
    summary.engine = 'javascript';
    try {
      for await (const ext of javascriptScan(ctx, summary)) {
        const unit = await unitOf(ctx, ext);
        if (unit) yield unit;
      }
    } catch (err) {
      throw wrap(err, file);
    }
  } finally {
    await fh.close();
  }
}

function wrap(err: unknown, file: string): unknown {
  if (err instanceof HarStructureError) return new HarReadError(`${file}: ${err.message}`, file, err.offset);
  return err;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

// ---------------------------------------------------------------------------
// the ripgrep path

interface Plan {
  entries: number;
  candidates: EntryExtent[];
  dropped: number;
}

/** A growable list of offsets. */
class Offsets {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  sorted(): Float64Array {
    const v = this.a.subarray(0, this.n);
    for (let i = 1; i < v.length; i++) if (v[i]! < v[i - 1]!) return v.sort();
    return v;
  }
}

/** Number of values in sorted `a` that are <= x. */
function rank(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Values of sorted `a` in [from, to). */
function within(a: Float64Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = rank(a, from - 1); i < a.length && a[i]! < to; i++) out.push(a[i]!);
  return out;
}

async function ripgrepPlan(ctx: Ctx, rgPath: string): Promise<Plan> {
  const { needles: nd, opts } = ctx;
  const req = new Offsets();
  const resp = new Offsets();
  const ws = new Offsets();
  const ent = new Offsets();
  const lits = new Offsets();
  const hints = new Offsets();
  let seen = 0;
  let lastReport = 0;
  const progress = (o: number) => {
    if (o > seen) seen = o;
    if (opts.onProgress && seen - lastReport > 8 * MiB) {
      lastReport = seen;
      opts.onProgress(seen, ctx.size);
    }
  };
  // fixed strings in groups of at most 64: the anchors with the hints, the literals, the ignoreCase hints;
  // the anchors group tells its patterns apart by their bytes; the other groups need no telling
  const anchorGroup: [Buffer, Offsets[]][] = [];
  const lists = { request: req, response: resp, _webSocketMessages: ws, entries: ent };
  for (const text of ANCHORS) {
    const list = lists[/^"(\w+)"/.exec(text)![1] as keyof typeof lists];
    anchorGroup.push([Buffer.from(text), [list, ...(nd.literals.some((l) => l.toString('latin1') === text) ? [lits] : [])]]);
  }
  for (const h of nd.hints) anchorGroup.push([h, [hints, ...(nd.literals.some((l) => l.equals(h)) ? [lits] : [])]]);
  const dropped = new Offsets();
  for (const d of DROPPED) anchorGroup.push([Buffer.from(d), [dropped]]);
  // by length first, then byte by byte: tens of thousands of matches, no allocation per match
  const byLength = new Map<number, [Buffer, Offsets[]][]>();
  for (const a of anchorGroup) {
    const list = byLength.get(a[0].length);
    if (list) list.push(a);
    else byLength.set(a[0].length, [a]);
  }
  const onAnchorGroup: OnMatch = (offset, line, start, end) => {
    progress(offset);
    const same = byLength.get(end - start);
    if (!same) return;
    for (let i = 0; i < same.length; i++) {
      const bytes = same[i]![0];
      let k = 0;
      while (k < bytes.length && line[start + k] === bytes[k]) k++;
      if (k === bytes.length) {
        const lists = same[i]![1];
        for (let j = 0; j < lists.length; j++) lists[j]!.push(offset);
        return;
      }
    }
  };
  const into =
    (list: Offsets): OnMatch =>
    (offset) => {
      progress(offset);
      list.push(offset);
    };
  const runs: Promise<number>[] = [];
  // a HAR written without line breaks is one long line: ripgrep maps it rather than buffer the line
  const mmap = await longLines(ctx);
  const run = (patterns: string[], on: OnMatch, ignoreCase = false) => runs.push(runRipgrep(rgPath, ctx.file, patterns, on, { ignoreCase, signal: opts.signal, mmap }).done);
  // ripgrep 13's multi-literal search picks its strategy by the set: measured on a 100 MB HAR,
  // the anchors alone (all starting with '"') or 5–32 literals scan at ~600 MB/s, while the anchors
  // with one more pattern, and 33–64 literals, scan at ~2 GB/s. Patterns of control bytes (which
  // never occur in JSON text) fill the sets up to those sizes.
  const pad = (n: number) => Array.from({ length: n }, (_, i) => `\x01\x02\x03${i}`);
  const hintStrings = nd.hints.map((b) => b.toString('utf8'));
  run([...ANCHORS, ...DROPPED, ...hintStrings, ...pad(1)], onAnchorGroup);
  const literalStrings = nd.literals.filter((l) => !anchorGroup.some(([b]) => b.equals(l))).map((b) => b.toString('utf8'));
  for (let i = 0; i < literalStrings.length; i += GROUP) {
    const group = literalStrings.slice(i, i + GROUP);
    run(group.length <= 4 ? group : [...group, ...pad(33 - group.length)], into(lits));
  }
  const folded = nd.hintsFolded.map((b) => b.toString('utf8'));
  for (let i = 0; i < folded.length; i += GROUP) run(folded.slice(i, i + GROUP), into(hints), true);
  const results = await Promise.allSettled(runs);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  throwIfAborted(opts.signal);

  const R = req.sorted();
  const S = resp.sorted();
  const W = ws.sorted();
  const E = ent.sorted();
  const L = lits.sorted();
  const H = hints.sorted();
  const N = R.length;
  if (N === 0) throw new AnchorMismatch(''); // no entries, or not a HAR: the exact scan says which
  if (S.length !== N) throw new AnchorMismatch(`${N} "request": keys but ${S.length} "response": keys`);
  await checkHead(ctx);
  const walkers = new Walkers(ctx, R, S, W, E);
  // the tail: from the last entry to the end of the file, exactly
  await walkers.checkTail();

  const candidates = new Map<number, EntryExtent>();
  const addIfIn = (ext: EntryExtent | undefined, h: number, hint: boolean): boolean => {
    if (!ext || ext.start < 0 || h < ext.start || h >= ext.end) return false;
    if (!hint || inSide(ext, h)) candidates.set(ext.index, ext);
    return true;
  };
  // a hit belongs to the entry of the last "request": before it, or to the next one
  const resolve = async (h: number, hint: boolean) => {
    const k = rank(R, h);
    if (k === 0 && (E.length === 0 || h < E[0]!)) return;
    if (k >= 1 && addIfIn(await walkers.entry(k), h, hint)) return;
    if (k + 1 <= N) addIfIn(await walkers.entry(k + 1), h, hint);
  };
  for (const h of L) {
    throwIfAborted(opts.signal);
    await resolve(h, false);
  }
  // a hint counts only inside a request or the WebSocket messages: the last entry-level key before it says
  for (const h of H) {
    const r = rank(R, h);
    const s = rank(S, h);
    const w = rank(W, h);
    const lastR = r ? R[r - 1]! : -1;
    const lastS = s ? S[s - 1]! : -1;
    const lastW = w ? W[w - 1]! : -1;
    if (lastS > lastR && lastS > lastW) continue;
    if (lastR < 0 && lastW < 0) continue;
    throwIfAborted(opts.signal);
    await resolve(h, true);
  }
  return { entries: N, candidates: [...candidates.values()].sort((a, b) => a.index - b.index), dropped: dropped.n };
}

function inSide(ext: EntryExtent, h: number): boolean {
  const inside = (v: { start: number; end: number } | undefined) => !!v && h >= v.start && h < v.end;
  return inside(ext.request) || inside(ext.webSocketMessages);
}

/** True when the first 64 KiB hold fewer than 8 line breaks (or the file is larger than that and holds none). */
async function longLines(ctx: Ctx): Promise<boolean> {
  const buf = Buffer.alloc(Math.min(64 * 1024, ctx.size));
  const { bytesRead } = await ctx.fh.read(buf, 0, buf.length, 0);
  let lines = 0;
  for (let at = buf.indexOf(0x0a); at >= 0 && at < bytesRead && lines < 8; at = buf.indexOf(0x0a, at + 1)) lines++;
  return lines < 8 && ctx.size > 64 * 1024;
}

/** The first non-space byte must open an object. */
async function checkHead(ctx: Ctx): Promise<void> {
  const buf = Buffer.alloc(Math.min(4096, ctx.size));
  const { bytesRead } = await ctx.fh.read(buf, 0, buf.length, 0);
  let i = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
  while (i < bytesRead && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (i >= bytesRead || buf[i] !== 0x7b) throw new AnchorMismatch('the file does not start with a JSON object');
}

/**
 * Local scans: each starts at an anchor (the key before the entries it must read) and reads on
 * as far as asked; a scan that is already past the needed start is reused.
 */
class Walkers {
  private scanner: HarScanner | undefined;
  private scanStart = 0;
  private lastDone = 0;
  private readonly extents = new Map<number, EntryExtent>();
  private readonly buf: Buffer;

  constructor(
    private readonly ctx: Ctx,
    private readonly R: Float64Array,
    private readonly S: Float64Array,
    private readonly W: Float64Array,
    private readonly E: Float64Array,
  ) {
    // entries are a few kB: small reads, so that a scan stops soon after the entry it needs
    this.buf = Buffer.alloc(Math.min(ctx.chunk, 8 * 1024));
  }

  /** The extent of entry `k` (1-based), read exactly; undefined when there is none. */
  async entry(k: number): Promise<EntryExtent | undefined> {
    const have = this.extents.get(k);
    if (have) return have;
    const startAt = k === 1 ? this.entriesKey() : this.R[k - 2]!;
    const s = this.scanner;
    // go on with the current scan when it has passed the key before entry k and not yet finished entry k
    if (!s || s.stopped || this.scanStart > startAt || s.offset < startAt || this.lastDone >= k) {
      this.scanner = k === 1 ? HarScanner.at(startAt, 'log', 0) : HarScanner.at(startAt, 'entry', k - 1);
      this.scanStart = startAt;
      this.lastDone = k - 1;
      this.extents.clear();
    }
    const sc = this.scanner!;
    while (!this.extents.has(k) && !sc.stopped) {
      if (sc.offset >= this.ctx.size) {
        sc.end();
        break;
      }
      const { bytesRead } = await this.ctx.fh.read(this.buf, 0, this.buf.length, sc.offset);
      if (bytesRead === 0) break;
      sc.feed(this.buf.subarray(0, bytesRead));
      for (const ext of sc.take()) {
        this.lastDone = ext.index;
        if (ext.start < 0) continue; // the entry the scan started in: its start was not seen
        this.check(ext);
        this.extents.set(ext.index, ext);
      }
    }
    for (const i of this.extents.keys()) if (i < k - 1) this.extents.delete(i);
    const ext = this.extents.get(k);
    if (!ext && k <= this.R.length) throw new AnchorMismatch(`entry ${k} is not where its "request": key says`);
    return ext;
  }

  /** From the last "request": key to the end of the file: the last entry, the end of log.entries, log and the document. */
  async checkTail(): Promise<void> {
    const N = this.R.length;
    const sc = HarScanner.at(this.R[N - 1]!, 'entry-in-file', N);
    try {
      let pos = sc.offset;
      while (pos < this.ctx.size) {
        const { bytesRead } = await this.ctx.fh.read(this.buf, 0, this.buf.length, pos);
        if (bytesRead === 0) break;
        sc.feed(this.buf.subarray(0, bytesRead));
        pos += bytesRead;
        if (sc.entriesSeen > N) throw new AnchorMismatch(`an entry after the last "request": key`);
      }
      sc.end();
    } catch (err) {
      if (err instanceof HarStructureError) throw new AnchorMismatch(`the end of the file does not read as a HAR: ${err.message}`);
      throw err;
    }
    if (sc.inEntries) throw new AnchorMismatch('log.entries is not closed');
  }

  private entriesKey(): number {
    // the last "entries": key before the first entry's "request": key
    const i = rank(this.E, this.R[0]!);
    if (i === 0) throw new AnchorMismatch('no "entries": key before the first entry');
    return this.E[i - 1]!;
  }

  /** An entry read exactly must hold the anchors found for it, and no others. */
  private check(ext: EntryExtent): void {
    const { R, S, W } = this;
    const r = within(R, ext.start, ext.end);
    if (!ext.object || !ext.request || r.length !== 1 || r[0] !== ext.request.key || R[ext.index - 1] !== ext.request.key) {
      throw new AnchorMismatch(`entry ${ext.index} (bytes ${ext.start}–${ext.end}) does not hold exactly its own "request": key`);
    }
    const s = within(S, ext.start, ext.end);
    if (!ext.response || s.length !== 1 || s[0] !== ext.response.key) {
      throw new AnchorMismatch(`entry ${ext.index} (bytes ${ext.start}–${ext.end}) does not hold exactly its own "response": key`);
    }
    const w = within(W, ext.start, ext.end);
    if (w.length > 1 || (w.length === 1 && w[0] !== ext.webSocketMessages?.key)) {
      throw new AnchorMismatch(`entry ${ext.index}: a "_webSocketMessages": key that is not the entry's own`);
    }
  }
}

// ---------------------------------------------------------------------------
// the JavaScript path

async function* javascriptScan(ctx: Ctx, summary: HarSummary): AsyncGenerator<EntryExtent> {
  const { needles: nd, opts } = ctx;
  const scanner = HarScanner.full();
  const buf = Buffer.alloc(ctx.chunk);
  const keep = Math.max(nd.maxLen, ...DROPPED.map((d) => d.length)) - 1;
  let carry = Buffer.alloc(0);
  let pos = 0;
  const lits: number[] = [];
  const hints: number[] = [];
  let li = 0;
  let hi = 0;
  const pending: EntryExtent[] = [];
  let candidates = 0;
  const search = new NeedleSearch(nd);
  const droppedMarks = DROPPED.map((d) => Buffer.from(d));
  let dropped = 0;
  while (pos < ctx.size) {
    throwIfAborted(opts.signal);
    const { bytesRead } = await ctx.fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    const view = buf.subarray(0, bytesRead);
    scanner.feed(view);
    const win = carry.length ? Buffer.concat([carry, view]) : view;
    const base = pos - carry.length;
    const fresh = carry.length; // a match must end after the carried bytes
    if (!opts.all) search.find(win, fresh, (at, hint) => (hint ? hints : lits).push(base + at));
    for (const d of droppedMarks) for (let at = win.indexOf(d, Math.max(0, fresh - d.length + 1)); at >= 0; at = win.indexOf(d, at + 1)) dropped++;
    carry = Buffer.from(win.subarray(Math.max(0, win.length - keep)));
    pos += bytesRead;
    opts.onProgress?.(pos, ctx.size);
    pending.push(...scanner.take());
    // an entry is decided once every hit that starts inside it has been found
    const safe = pos >= ctx.size ? Infinity : pos - keep;
    while (pending.length && pending[0]!.end <= safe) {
      const ext = pending.shift()!;
      while (li < lits.length && lits[li]! < ext.start) li++;
      while (hi < hints.length && hints[hi]! < ext.start) hi++;
      let hit = !!opts.all && ext.object;
      if (!hit && li < lits.length && lits[li]! < ext.end) hit = true;
      for (let j = hi; !hit && j < hints.length && hints[j]! < ext.end; j++) if (inSide(ext, hints[j]!)) hit = true;
      if (hit) {
        candidates++;
        summary.candidates = candidates;
        yield ext;
      }
    }
    if (li > 4096) {
      lits.splice(0, li);
      li = 0;
    }
    if (hi > 4096) {
      hints.splice(0, hi);
      hi = 0;
    }
  }
  scanner.end();
  summary.entries = scanner.entriesSeen;
  const w = droppedWarning(dropped);
  if (w) summary.warnings.push(w);
}

const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);

/**
 * Every occurrence of many needles in one pass: the first two bytes of each position are
 * looked up in a table of the needles' first two bytes, and only the needles filed there are
 * compared. Needles of one byte are found with `indexOf`.
 */
export class NeedleSearch {
  private readonly table = new Uint8Array(65536);
  private readonly buckets = new Map<number, { bytes: Buffer; folded: boolean; hint: boolean }[]>();
  private readonly single: { bytes: Buffer; hint: boolean }[] = [];

  constructor(nd: { literals: Buffer[]; hints: Buffer[]; hintsFolded: Buffer[] }) {
    const add = (bytes: Buffer, folded: boolean, hint: boolean) => {
      const firsts = (b: number) => (folded && b >= 0x61 && b <= 0x7a ? [b, b - 0x20] : [b]);
      if (bytes.length === 1) {
        for (const b of firsts(bytes[0]!)) this.single.push({ bytes: Buffer.from([b]), hint });
        return;
      }
      for (const a of firsts(bytes[0]!))
        for (const b of firsts(bytes[1]!)) {
          const key = (a << 8) | b;
          this.table[key] = 1;
          let list = this.buckets.get(key);
          if (!list) this.buckets.set(key, (list = []));
          list.push({ bytes, folded, hint });
        }
    };
    for (const b of nd.literals) add(b, false, false);
    for (const b of nd.hints) add(b, false, true);
    for (const b of nd.hintsFolded) add(b, true, true);
  }

  /** Calls `hit` (in offset order) for each occurrence in `hay` that ends at or after `fresh`. */
  find(hay: Buffer, fresh: number, hit: (at: number, hint: boolean) => void): void {
    const n = hay.length;
    const table = this.table;
    const found: number[] = [];
    const kinds: boolean[] = [];
    for (let i = 0; i + 1 < n; i++) {
      const key = (hay[i]! << 8) | hay[i + 1]!;
      if (table[key] === 0) continue;
      for (const nd of this.buckets.get(key)!) {
        const len = nd.bytes.length;
        if (i + len > n || i + len <= fresh) continue;
        let k = 2;
        if (nd.folded) while (k < len && lower(hay[i + k]!) === nd.bytes[k]) k++;
        else while (k < len && hay[i + k] === nd.bytes[k]) k++;
        if (k === len) {
          found.push(i);
          kinds.push(nd.hint);
        }
      }
    }
    for (const s of this.single) {
      for (let at = hay.indexOf(s.bytes[0]!, fresh); at >= 0; at = hay.indexOf(s.bytes[0]!, at + 1)) {
        found.push(at);
        kinds.push(s.hint);
      }
    }
    if (this.single.length) {
      const order = found.map((_, j) => j).sort((a, b) => found[a]! - found[b]!);
      for (const j of order) hit(found[j]!, kinds[j]!);
    } else for (let j = 0; j < found.length; j++) hit(found[j]!, kinds[j]!);
  }
}

// ---------------------------------------------------------------------------
// an entry's bytes to a unit

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

async function unitOf(ctx: Ctx, ext: EntryExtent): Promise<CaptureUnit | undefined> {
  const locator = `entry=${ext.index}`;
  const len = ext.end - ext.start;
  if (ext.depth > MAX_DEPTH) {
    ctx.warnings.push(`${locator}: brackets nest ${ext.depth} deep (more than ${MAX_DEPTH}): not searched`);
    return undefined;
  }
  if (len > ctx.maxEntry) {
    ctx.warnings.push(`${locator}: ${(len / MiB).toFixed(0)} MiB is larger than the ${(ctx.maxEntry / MiB).toFixed(0)} MiB an entry may have: not searched`);
    return undefined;
  }
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await ctx.fh.read(buf, got, len - got, ext.start + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  let text: string;
  try {
    text = utf8.decode(buf.subarray(0, got));
  } catch {
    text = utf8Lenient.decode(buf.subarray(0, got));
    ctx.warnings.push(`${locator}: invalid UTF-8 at byte ${ext.start + firstInvalidUtf8(buf.subarray(0, got))}, read with replacement characters`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    ctx.warnings.push(`${locator} (bytes ${ext.start}–${ext.end}): not valid JSON (${(err as Error).message})`);
    return { locator, request: [], response: [] };
  }
  const { unit, warnings } = entryToUnit(value, ext.index);
  for (const w of warnings) ctx.warnings.push(w);
  return unit;
}

/** Offset of the first byte that breaks UTF-8 in `b`. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    if (i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}
