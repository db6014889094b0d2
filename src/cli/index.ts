import pc from 'picocolors';
import { main, unexpectedError } from './main';

const debug = /^(1|true|yes|on)$/i.test(process.env.PRIVACY_AUDIT_DEBUG ?? '');

// a reader that stops early (`privacy-audit lint | head`): the rest of the output is dropped
// quietly and the run still ends with its own exit code
let stdoutClosed = false;
let stderrClosed = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') stdoutClosed = true;
  else fail(err);
});
process.stderr.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') stderrClosed = true;
  else fail(err);
});

function say(s: string): void {
  if (!stderrClosed) process.stderr.write(s);
}

function fail(err: unknown): void {
  say(unexpectedError(err, debug));
  process.exit(2);
}

// nothing unexpected ends in a stack trace (unless PRIVACY_AUDIT_DEBUG=1)
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

let cwd: string | undefined;
try {
  cwd = process.cwd();
} catch {
  say('privacy-audit: the current folder no longer exists (it was deleted or moved); change to an existing folder and run the command again.\n');
  process.exitCode = 2;
}

if (cwd !== undefined) {
  main(process.argv.slice(2), {
    cwd,
    color: pc.isColorSupported && !!process.stdout.isTTY,
    debug,
    out: (s) => {
      if (!stdoutClosed) process.stdout.write(s);
    },
    err: say,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    fail,
  );
}
