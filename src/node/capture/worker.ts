/**
 * The capture scan off the editor's thread: a `worker_threads` worker
 * (bundled as `dist/scanWorker.js`) that runs one job given in `workerData`
 * and posts what it finds. VS Code starts one per scan (and one per *Show in
 * capture* of a HAR entry), so a capture of hundreds of megabytes never
 * blocks the extension host.
 *
 * Cancelling: the host posts `{ type: 'cancel' }`; the job's AbortSignal
 * fires, the readers kill the ripgrep and tshark processes they started,
 * and the worker posts `cancelled`. The host terminates the worker after a
 * short grace period whatever happens (terminating alone would leave those
 * processes running until they next write).
 *
 * No `vscode` here: this file runs in plain Node.
 */
import { setMaxListeners } from 'node:events';
import { createReadStream } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { HarScanner, HarStructureError, type EntryExtent } from '../../core/capture/har/structure';
import type { ScanResult } from '../../core/capture/result';
import type { ProjectConfig } from '../../core/lint/config';
import { taxonomyFor } from '../../core/lint/linter';
import { parseReport } from '../../core/report/parse';
import { scanReport } from './scan';

export interface ScanJob {
  type: 'scan';
  /** The report's text as the editor has it (saved or not). */
  reportText: string;
  reportPath: string;
  /** Absolute paths of the captures to read; none: those the report cites. */
  captures?: string[];
  root: string;
  keylog?: string;
  tshark?: string;
  /** VS Code's install folder (`vscode.env.appRoot`): its ripgrep is used when none is on PATH. */
  vscodeAppRoot?: string;
  /** The project configuration (categories the report's taxonomy adds). */
  config?: ProjectConfig;
}

export interface LocateJob {
  type: 'locate';
  /** A HAR file. */
  file: string;
  /** 1-based position in `log.entries`. */
  entry: number;
}

export type WorkerJob = ScanJob | LocateJob;

/** A place in a text editor: 0-based line and UTF-16 column. */
export interface TextPlace {
  line: number;
  character: number;
}

/** Where a HAR entry is, as an editor counts: the entry, its request and its response. */
export interface EntryPlace {
  entry: { start: TextPlace; end: TextPlace };
  request?: { start: TextPlace; end: TextPlace };
  response?: { start: TextPlace; end: TextPlace };
}

export type FromWorker =
  | { type: 'progress'; capture: string; done: number; total?: number }
  | { type: 'result'; result: ScanResult }
  | { type: 'located'; place: EntryPlace }
  | { type: 'cancelled' }
  | { type: 'error'; message: string };

export type ToWorker = { type: 'cancel' };

/** Runs a scan job; progress at most every `everyMs`. */
export async function runScan(job: ScanJob, post: (m: FromWorker) => void, signal: AbortSignal, everyMs = 150): Promise<ScanResult> {
  const report = parseReport(job.reportText);
  let last = 0;
  return scanReport(report, job.reportPath, job.captures, {
    root: job.root,
    keylog: job.keylog,
    tshark: job.tshark,
    vscodeAppRoot: job.vscodeAppRoot,
    taxonomy: job.config ? taxonomyFor(report, job.config) : undefined,
    signal,
    onProgress: (capture, done, total) => {
      const now = Date.now();
      if (now - last < everyMs && !(total !== undefined && done >= total)) return;
      last = now;
      post({ type: 'progress', capture, done, total });
    },
  });
}

const CHUNK = 1 << 20;

/**
 * The byte extent of entry `index` (1-based) of a HAR's `log.entries`,
 * reading the file from its start only as far as that entry's end.
 */
export async function findEntry(file: string, index: number, signal?: AbortSignal): Promise<EntryExtent> {
  const scanner = HarScanner.full();
  const stream = createReadStream(file, { highWaterMark: CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      scanner.feed(chunk);
      const hit = scanner.take().find((e) => e.index === index);
      if (hit) return hit;
    }
    scanner.end();
    const hit = scanner.take().find((e) => e.index === index);
    if (hit) return hit;
  } catch (err) {
    if (err instanceof HarStructureError) throw new Error(`The HAR file cannot be read at byte ${err.offset}: ${err.message}.`);
    throw err;
  } finally {
    stream.destroy();
  }
  throw new Error(`The HAR file has no entry ${index} (it has ${scanner.entriesSeen}): it changed since the scan; scan it again.`);
}

/**
 * Byte offsets of a UTF-8 file as an editor places them: 0-based line and
 * UTF-16 column (a BOM is not a column; an invalid byte counts as one).
 */
export async function placesOf(file: string, offsets: readonly number[]): Promise<Map<number, TextPlace>> {
  const wanted = [...new Set(offsets)].sort((a, b) => a - b);
  const out = new Map<number, TextPlace>();
  if (!wanted.length) return out;
  const max = wanted[wanted.length - 1]!;
  let next = 0;
  let line = 0;
  let character = 0;
  let abs = 0;
  const stream = createReadStream(file, { highWaterMark: CHUNK, end: max });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let i = 0;
      if (abs === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
      for (; i < chunk.length; i++) {
        while (next < wanted.length && wanted[next] === abs + i) out.set(wanted[next++]!, { line, character });
        if (next === wanted.length) return out;
        const b = chunk[i]!;
        if (b === 10) {
          line++;
          character = 0;
        } else if ((b & 0xc0) !== 0x80) character += b >= 0xf0 && b <= 0xf7 ? 2 : 1;
      }
      abs += chunk.length;
    }
  } finally {
    stream.destroy();
  }
  // offsets at the very end of the file
  while (next < wanted.length) out.set(wanted[next++]!, { line, character });
  return out;
}

/** Where entry `index` of a HAR file is, for an editor. */
export async function locateEntry(file: string, index: number, signal?: AbortSignal): Promise<EntryPlace> {
  const e = await findEntry(file, index, signal);
  const spans: { start: number; end: number }[] = [e, e.request, e.response].filter((s): s is NonNullable<typeof s> => !!s && s.start >= 0);
  const places = await placesOf(
    file,
    spans.flatMap((s) => [s.start, s.end]),
  );
  const at = (s: { start: number; end: number }) => ({ start: places.get(s.start)!, end: places.get(s.end)! });
  const place: EntryPlace = { entry: at(e) };
  if (e.request) place.request = at(e.request);
  if (e.response) place.response = at(e.response);
  return place;
}

async function main(port: NonNullable<typeof parentPort>, job: WorkerJob): Promise<void> {
  const abort = new AbortController();
  // every reader of every capture listens to it
  setMaxListeners(0, abort.signal);
  port.on('message', (m: ToWorker) => {
    if (m?.type === 'cancel') abort.abort();
  });
  // the listener alone does not keep the worker alive: it ends when the job has
  port.unref();
  const post = (m: FromWorker) => port.postMessage(m);
  try {
    if (job.type === 'scan') post({ type: 'result', result: await runScan(job, post, abort.signal) });
    else post({ type: 'located', place: await locateEntry(job.file, job.entry, abort.signal) });
  } catch (err) {
    if (abort.signal.aborted) post({ type: 'cancelled' });
    else post({ type: 'error', message: (err as Error)?.message ?? String(err) });
  }
}

if (!isMainThread && parentPort && (workerData as WorkerJob | undefined)?.type) void main(parentPort, workerData as WorkerJob);
