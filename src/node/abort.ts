/**
 * Cancelling an export: its `AbortSignal` checked between the steps, and a
 * step under way given up (its page closed) when the signal aborts.
 */
import { ExportCancelledError } from './export-errors';

/** Throws ExportCancelledError when `signal` has aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExportCancelledError();
}

/** Resolves `p`, or rejects with ExportCancelledError when `signal` aborts first (after running `onAbort`). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    onAbort?.();
    p.catch(() => {}); // settles after the page is closed; nobody waits for it
    return Promise.reject(new ExportCancelledError());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(new ExportCancelledError());
    };
    signal.addEventListener('abort', abort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (err) => {
        signal.removeEventListener('abort', abort);
        reject(signal.aborted ? new ExportCancelledError() : err);
      },
    );
  });
}
