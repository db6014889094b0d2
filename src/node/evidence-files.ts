/**
 * The evidence checks' file access in Node (`EvidenceFs` over node:fs and
 * node:crypto). Loading this module makes it the core's default
 * (`setDefaultEvidenceFs`), so every program and bundle that holds Node file
 * code (the command line, the extension's engine and export bundles, the
 * export pipeline) lints with the files on disk without wiring it up; tests
 * may still pass their own `EvidenceFs`.
 */
import { createHash } from 'node:crypto';
import { constants, promises as fsp, realpathSync, statSync } from 'node:fs';
import { fileTypeOf, notARegularFile, setDefaultEvidenceFs, tooLargeToHash, type EvidenceFs } from '../core/lint/evidence';

/** The O_NONBLOCK flag where the platform has one: opening a FIFO that slipped in after a stat then cannot hang. */
export const OPEN_NONBLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export const nodeEvidenceFs: EvidenceFs = {
  // stat and realpath are synchronous on purpose: one quick syscall each,
  // cheaper than a round trip through libuv's thread pool; hashing streams
  async stat(p) {
    try {
      const s = statSync(p);
      return { isFile: s.isFile(), size: s.size, mtimeMs: s.mtimeMs, type: fileTypeOf(s) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
  },
  realpath: async (p) => realpathSync.native(p),
  async sha256(p, maxBytes = Infinity) {
    // non-blocking: a FIFO put in the file's place after the stat cannot hang the open
    const handle = await fsp.open(p, OPEN_NONBLOCKING);
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new Error(notARegularFile(fileTypeOf(st)));
      if (st.size > maxBytes) throw new Error(tooLargeToHash(st.size, maxBytes));
      const h = createHash('sha256');
      const buf = Buffer.allocUnsafe(1024 * 1024);
      let total = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        total += bytesRead;
        // the file grew since its stat
        if (total > maxBytes) throw new Error(tooLargeToHash(total, maxBytes));
        h.update(buf.subarray(0, bytesRead));
      }
      return h.digest('hex');
    } finally {
      await handle.close();
    }
  },
};

setDefaultEvidenceFs(nodeEvidenceFs);
