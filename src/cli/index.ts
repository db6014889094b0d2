import pc from 'picocolors';
import { main } from './main';

main(process.argv.slice(2), {
  cwd: process.cwd(),
  color: pc.isColorSupported && !!process.stdout.isTTY,
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`privacy-audit: ${String(err)}\n`);
    process.exitCode = 2;
  },
);
