/**
 * A worker thread of the capture scan (dist/scanWorker.js) running one job,
 * and how it is cancelled.
 */
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { FromWorker, ToWorker, WorkerJob } from '../node/capture/worker';
import type { ScanResult } from './scanEngine';

/** A finished scan: the report it was for and what it found. */
export interface ScanRun {
  report: vscode.Uri;
  result: ScanResult;
  /** The captures asked for (the Explorer's), or undefined: those the report cites. */
  captures?: vscode.Uri[];
  finished: Date;
}

/** The largest heap a scan's worker may use. */
const HEAP_MB = 2048;

/** A worker thread running one job, with its cancel. */
export class WorkerRun {
  readonly done: Promise<FromWorker>;
  private readonly worker: Worker;
  private ended = false;
  private cancelled = false;

  constructor(script: string, job: WorkerJob, onMessage?: (m: FromWorker) => void) {
    // a hostile capture may cost the scan its thread, never the extension host its memory
    this.worker = new Worker(script, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
    this.done = new Promise((resolve) => {
      let final: FromWorker | undefined;
      this.worker.on('message', (m: FromWorker) => {
        if (m.type === 'progress') onMessage?.(m);
        else final ??= m;
      });
      this.worker.on('error', (err) => {
        const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        final ??= { type: 'error', message: oom ? `the scan needed more than ${HEAP_MB} MB of memory and was stopped` : err.message };
      });
      this.worker.on('exit', (code) => {
        this.ended = true;
        resolve(final ?? (code === 1 && this.cancelled ? { type: 'cancelled' } : { type: 'error', message: `The scan's worker stopped (exit code ${code}).` }));
      });
    });
  }

  /**
   * Asks the job to stop (it kills the ripgrep and tshark processes it
   * started), then ends the thread after `graceMs` whatever happens.
   */
  async cancel(graceMs = 3000): Promise<void> {
    if (this.ended) return;
    this.cancelled = true;
    this.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    await this.done;
    clearTimeout(timer);
  }
}

