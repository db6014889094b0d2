/**
 * The export's errors and how they are told apart: what the user did (bad
 * input, cancelling), what the machine lacks (no browser, a file error), and
 * the browser failing under an export, which starts it afresh.
 */
import { BrowserNotFoundError } from './browser';
import { PdfStructureError } from './pdf-structure';

/** The options cannot be exported as given (no output, a missing folder, the report as its own output). */
export class ExportInputError extends Error {
  override readonly name = 'ExportInputError';
}

/** The export was cancelled through its `signal`. */
export class ExportCancelledError extends Error {
  override readonly name = 'ExportCancelledError';
  constructor() {
    super('The export was cancelled.');
  }
}

/**
 * The error to show: ours as they are; the browser driver's reduced to their
 * first line (without its call log and the browser's own log), and a browser
 * that closed or crashed said so plainly.
 */
export function plainFailure(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  if (isExpectedFailure(err)) return err;
  const first = err.message.split('\n')[0]!.trim();
  if (/has been closed|crashed|Target closed|browser has disconnected/i.test(first)) {
    return new Error(`The browser stopped while exporting (${first}); the next export starts it again.`);
  }
  return first === err.message ? err : new Error(first);
}

/** Cancelling, bad input, no browser or a file error leave the browser as it is; anything else starts it afresh. */
export function isExpectedFailure(err: unknown): boolean {
  // a PDF whose structure the metadata update cannot read is the file's problem, not the browser's: keep the browser
  return err instanceof ExportCancelledError || err instanceof ExportInputError || err instanceof BrowserNotFoundError || err instanceof PdfStructureError || typeof (err as NodeJS.ErrnoException)?.code === 'string';
}

/**
 * A failure to find the browser as the host says it: the search's message
 * speaks to the command line (`--browser`); in the editor (`vscode`) the path
 * comes from the setting privacyAudit.export.browserPath. Anything else is
 * returned as it is.
 */
export function forHost(err: unknown, host: 'cli' | 'vscode' | undefined): unknown {
  if (!(err instanceof BrowserNotFoundError) || host !== 'vscode') return err;
  return new BrowserNotFoundError(err.message.replace(/\(given with --browser\)/, '(the setting privacyAudit.export.browserPath)').replace(/ with --browser PATH/, ' in the setting privacyAudit.export.browserPath'));
}
