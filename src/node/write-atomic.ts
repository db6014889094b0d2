/**
 * Atomic file writes: a file is either replaced whole or left as it was.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Writes `data` to `target` atomically: a temporary file in the same folder
 * (so the rename stays on one file system), flushed to disk, then renamed
 * over the target. The temporary file is removed when anything fails.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(tmp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(tmp, target);
  } catch (err) {
    await handle?.close().catch(() => {});
    await fsp.rm(tmp, { force: true }).catch(() => {});
    // name the file asked for, not the temporary one; keep the code (EACCES, EISDIR, …)
    const e = err as NodeJS.ErrnoException;
    throw Object.assign(new Error(`Cannot write ${target}: ${e.code ? `${e.code} (${describeCode(e.code)})` : e.message}`), { code: e.code ?? 'EIO' });
  }
}

function describeCode(code: string): string {
  const known: Record<string, string> = { EACCES: 'permission denied', EPERM: 'not permitted', EISDIR: 'a folder is in its place', ENOSPC: 'no space left on the device', EROFS: 'read-only file system', ENOENT: 'the folder does not exist' };
  return known[code] ?? 'the file could not be written';
}
