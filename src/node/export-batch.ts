/**
 * The batch scheduler: several reports exported as one job with one print
 * page. While a report is printed the next one is read, linted and its
 * diagrams drawn, never further ahead; a report that fails is settled with
 * its error and the others go on; a browser that failed under a report is
 * started afresh for the rest.
 */
import { isExpectedFailure, plainFailure } from './export-errors';
import type { ExportOptions, ExportResult } from './export-types';

/** A report of a batch: its options, or a function that makes them (reading the report) when its turn comes. */
export type ExportJob = ExportOptions | (() => Promise<ExportOptions>);

/** What the scheduler asks of the exporter, for a prepared report of type `P`. */
export interface BatchSteps<P> {
  /** Checks the options, lints, draws the diagrams and lays out the document. */
  prepare(options: ExportOptions): Promise<P>;
  /** Prints (when a PDF is asked for) and writes the files. */
  finish(prepared: P): Promise<ExportResult>;
  /** The browser the report was prepared with is still there. */
  usable(prepared: P): boolean;
  /** Closes the browser; the next step starts another. */
  reset(): Promise<void>;
}

/**
 * Runs `jobs` in order; `onEach` hears of each report in order, with its
 * result or the error that stopped it. An error thrown by `onEach` is thrown
 * to the caller once the batch is done.
 */
export async function runBatch<P>(jobs: readonly ExportJob[], steps: BatchSteps<P>, onEach?: (index: number, outcome: ExportResult | Error) => void): Promise<(ExportResult | Error)[]> {
  const outcomes: (ExportResult | Error)[] = [];
  let callbackError: unknown;
  const settle = (i: number, o: ExportResult | Error) => {
    outcomes[i] = o;
    try {
      onEach?.(i, o);
    } catch (err) {
      callbackError ??= err; // thrown to the caller once the batch is done
    }
  };
  const asError = plainFailure;
  /** A failure that says nothing about the browser leaves it as it is; anything else starts it afresh. */
  const recover = async (err: unknown) => {
    if (!isExpectedFailure(err)) await steps.reset();
  };
  // one print page: a report is printed while the next one is prepared, never further ahead
  let printing: Promise<void> = Promise.resolve();
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    // reading the report: its failure is the report's own, never the browser's
    let options: ExportOptions | Error;
    try {
      options = typeof job === 'function' ? await job() : job;
    } catch (err) {
      options = asError(err);
    }
    let prepared: P | undefined;
    let failure: unknown;
    if (!(options instanceof Error)) {
      try {
        prepared = await steps.prepare(options);
      } catch (err) {
        failure = err;
      }
    }
    // the report before is printed: only now may the browser be started afresh
    await printing;
    printing = Promise.resolve();
    if (options instanceof Error) {
      settle(i, options);
      continue;
    }
    if (!prepared) {
      if (isExpectedFailure(failure)) {
        settle(i, asError(failure));
        continue;
      }
      // the browser failed under it (perhaps while the last report printed): once more with a new one
      await steps.reset();
      try {
        prepared = await steps.prepare(options);
      } catch (err) {
        await recover(err);
        settle(i, asError(err));
        continue;
      }
    }
    const ready = prepared;
    const again = options;
    printing = (async () => {
      try {
        // the browser this report was prepared with may have gone (the last print crashed it): prepare it again
        const p = steps.usable(ready) ? ready : await steps.prepare(again);
        settle(i, await steps.finish(p));
      } catch (err) {
        await recover(err);
        settle(i, asError(err));
      }
    })();
  }
  await printing;
  if (callbackError !== undefined) throw callbackError;
  return outcomes;
}
