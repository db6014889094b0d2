/**
 * What the claim rules (PA050–PA053) read: the scan of every capture the
 * report holds as evidence (`kind: har` or `pcap`, a file that checked out),
 * and where an address is located. The core does no I/O: the host supplies a
 * `CaptureScans` (src/node/capture/scan-cache.ts in Node, which caches a scan
 * by the file's path, size, modification time and sha256, so an edit in the
 * prose never reads a capture again).
 */

import type { CaptureResult } from '../capture/result';
import type { Canary } from '../capture/types';

export type CaptureOutcome = { state: 'read'; result: CaptureResult } | { state: 'unreadable'; reason: string };

export interface CaptureScanRequest {
  /** Absolute path of the capture (inside the workspace: the evidence check said so). */
  file: string;
  /** The path as the report writes it (messages name the file so). */
  shown: string;
  /** From the evidence check: what the cache is keyed by, with the path. */
  size: number;
  sha256: string;
  canaries: readonly Canary[];
}

export interface CaptureScans {
  scan(req: CaptureScanRequest): Promise<CaptureOutcome>;
  /** Country (or the scope of a special-purpose address) from the location data; undefined when there is none. */
  locate(address: string): { country?: string; scope?: string } | undefined;
  /** The location data sets, named and dated, for messages; undefined when there is none. */
  geoData(): string | undefined;
}

let defaultScans: CaptureScans | undefined;

/** Sets the capture access the linter uses (loading src/node/capture/scan-cache.ts does, in Node). */
export function setDefaultCaptureScans(scans: CaptureScans | undefined): void {
  defaultScans = scans;
}

/** The capture access set by the host, if any: without one, every capture is reported as not readable here. */
export function defaultCaptureScans(): CaptureScans | undefined {
  return defaultScans;
}

/** The evidence kinds the claim rules read. */
export const CAPTURE_EVIDENCE_KINDS: ReadonlySet<string> = new Set(['har', 'pcap']);
