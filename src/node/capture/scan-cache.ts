/**
 * The capture access the linter's claim rules use in Node (`CaptureScans`,
 * src/core/lint/captures.ts): each capture read once per content and canary
 * set, the scan kept by its path, size and sha256 (which the evidence check
 * already computed, cached by size and mtime), so an edit in the prose never
 * reads a capture again. Loading this module makes it the core's default.
 */
import { setDefaultCaptureScans, type CaptureOutcome, type CaptureScanRequest, type CaptureScans } from '../../core/lint/captures';
import type { CaptureResult } from '../../core/capture/result';
import type { Canary } from '../../core/capture/types';
import { captureReading, defaultGeo, readCapture, type CaptureReading } from './scan';

/** Scans kept (the newest); a report rarely cites more captures. */
const MAX_SCANS = 64;

export class CaptureScanCache implements CaptureScans {
  private readonly scans = new Map<string, Promise<CaptureOutcome>>();
  private readonly readings = new Map<string, CaptureReading>();
  /** Captures read so far (a cache hit reads nothing). */
  reads = 0;

  /** The TLS key log for a capture (VS Code's `keylogFile` setting, relative to the capture's workspace folder). */
  private keylogFor: ((captureFile: string) => string | undefined) | undefined;

  constructor(private opts: CaptureReading['opts'] = {}) {}

  /**
   * How captures are read from now on: tshark's path (VS Code's `tsharkPath`
   * setting, in a trusted workspace), the key log per capture. A change
   * forgets every scan, so the next lint reads them again.
   */
  configure(settings: { tshark?: string; keylog?: (captureFile: string) => string | undefined }): void {
    if (settings.tshark !== this.opts.tshark || settings.keylog !== this.keylogFor) this.clear();
    this.opts = { ...this.opts, tshark: settings.tshark };
    this.keylogFor = settings.keylog;
  }

  scan(req: CaptureScanRequest): Promise<CaptureOutcome> {
    const canaryKey = canaryKeyOf(req.canaries);
    const keylog = this.keylogFor?.(req.file);
    const key = `${req.file}\u0000${req.size}\u0000${req.sha256}\u0000${canaryKey}\u0000${this.opts.tshark ?? ''}\u0000${keylog ?? ''}`;
    const hit = this.scans.get(key);
    if (hit) {
      // most recently used last
      this.scans.delete(key);
      this.scans.set(key, hit);
      return hit;
    }
    const run = this.run(req, canaryKey, keylog);
    this.scans.set(key, run);
    while (this.scans.size > MAX_SCANS) this.scans.delete(this.scans.keys().next().value!);
    return run;
  }

  private async run(req: CaptureScanRequest, canaryKey: string, keylog: string | undefined): Promise<CaptureOutcome> {
    let reading = this.readings.get(canaryKey);
    if (!reading) {
      reading = captureReading(req.canaries, this.opts);
      this.readings.clear();
      this.readings.set(canaryKey, reading);
    }
    this.reads++;
    const res: CaptureResult = { path: req.shown, sha256: req.sha256, matches: [], undecrypted: 0, warnings: [] };
    await readCapture(req.file, res, { ...reading, opts: { ...reading.opts, tshark: this.opts.tshark, keylog } });
    return res.error !== undefined ? { state: 'unreadable', reason: res.error } : { state: 'read', result: res };
  }

  /** Addresses located so far (a re-lint asks again for every flow's), at most `LOCATED_MAX`. */
  private readonly located = new Map<string, { country?: string; scope?: string }>();
  private described: string | undefined;

  locate(address: string): { country?: string; scope?: string } | undefined {
    const known = this.located.get(address);
    if (known) return known;
    const geo = defaultGeo();
    if (!geo) return undefined;
    const r = geo.lookup(address);
    const out = r.scope ? { scope: r.scope } : r.country ? { country: r.country } : {};
    if (this.located.size >= LOCATED_MAX) this.located.clear();
    this.located.set(address, out);
    return out;
  }

  geoData(): string | undefined {
    return (this.described ??= defaultGeo()?.describe());
  }

  /** Forget every scan (a capture replaced on disk keeps its key only if its size and hash stay: they do not). */
  clear(): void {
    this.scans.clear();
    this.readings.clear();
  }
}

/** Located addresses kept between lints. */
const LOCATED_MAX = 50_000;

function canaryKeyOf(canaries: readonly Canary[]): string {
  return JSON.stringify(canaries.map((c) => [c.device, c.category, c.categoryId ?? '', c.value]));
}

export const nodeCaptureScans = new CaptureScanCache();
setDefaultCaptureScans(nodeCaptureScans);
