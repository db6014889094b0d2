/**
 * The capture scan of one report: which captures to read (those named, or
 * every `har`/`pcap` evidence of the report), each read by its reader (HAR:
 * har-reader.ts, with ripgrep picking the entries worth decoding; pcap and
 * pcapng: tshark.ts), every unit searched by the core's matcher, every
 * match given its endpoint's country and network from the offline data.
 * The result holds no canary value, and host and field names pass through
 * the report's redaction, so it can be printed, saved or sent on.
 */

import { open } from 'node:fs/promises';
import path from 'node:path';
import { canariesOf } from '../../core/capture/canaries';
import { registrableDomain } from '../../core/capture/domain';
import type { GeoTable } from '../../core/capture/geo';
import { Matcher } from '../../core/capture/match';
import { DECODE_HINTS, needlesOf, type Hint } from '../../core/capture/needles';
import { exhibitOf, newExhibitBudget, type Exhibit } from '../../core/capture/exhibit';
import { endpointOf, MAX_EXHIBITS, MAX_HOSTS, toCaptureMatch, type CaptureFormat, type CaptureResult, type Enricher, type HostSeen, type ScanResult } from '../../core/capture/result';
import type { Canary, CaptureUnit } from '../../core/capture/types';
import { CAPTURE_EVIDENCE_KINDS } from '../../core/lint/captures';
import { EvidenceChecker, isInside } from '../../core/lint/evidence';
import type { Report } from '../../core/report/model';
import type { Taxonomy } from '../../core/report/taxonomy';
import { DEFAULT_CONFIG } from '../../core/lint/config';
import { taxonomyFor } from '../../core/lint/linter';
import { redactionMask } from '../../core/redact';
import '../evidence-files';
import { loadGeoTable, geoDataProblem } from './geo-data';
import { readHar } from './har-reader';
import { readPcap } from './tshark';

export interface ScanOptions {
  /** The workspace: captures must lie inside it. */
  root: string;
  /** TLS key log (NSS format) for pcaps. */
  keylog?: string;
  /** tshark's path (default: found on PATH). */
  tshark?: string;
  /** ripgrep's path, or false to use the JavaScript reader only (default: found). */
  rg?: string | false;
  /** VS Code's install folder: its bundled ripgrep is used when none is on PATH. */
  vscodeAppRoot?: string;
  /** The location data (default: the table built with the tool; null: none). */
  geo?: GeoTable | null;
  taxonomy?: Taxonomy;
  signal?: AbortSignal;
  /** Called as captures are read: the capture's path, and bytes or frames done. */
  onProgress?: (capture: string, done: number, total?: number) => void;
}

/** The format of a capture, from its first bytes (never from its name). */
export async function sniffFormat(file: string): Promise<CaptureFormat | undefined> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    const head = buf.subarray(0, bytesRead);
    const magic = head.length >= 4 ? head.readUInt32BE(0) : 0;
    if (magic === 0x0a0d0d0a) return 'pcapng';
    if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(magic)) return 'pcap';
    const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('{')) return 'har';
    return undefined;
  } finally {
    await fh.close();
  }
}

/** The captures a report cites: evidence of kind har or pcap with a file. */
export function citedCaptures(report: Report): { id: string; file: string }[] {
  const out: { id: string; file: string }[] = [];
  for (const r of report.records) {
    if (r.kind !== 'evidence' || !r.id) continue;
    const kind = r.fields.get('kind')?.value;
    const file = r.fields.get('file')?.value;
    if (kind?.type !== 'scalar' || file?.type !== 'scalar' || typeof file.value !== 'string') continue;
    if (CAPTURE_EVIDENCE_KINDS.has(String(kind.value))) out.push({ id: r.id, file: file.value });
  }
  return out;
}

/** The evidence id of a report whose `file` is `resolved`. */
function evidenceFor(report: Report, reportDir: string, resolved: string): string | undefined {
  for (const r of report.records) {
    if (r.kind !== 'evidence' || !r.id) continue;
    const file = r.fields.get('file')?.value;
    if (file?.type === 'scalar' && typeof file.value === 'string' && path.resolve(reportDir, file.value) === resolved) return r.id;
  }
  return undefined;
}

/** What reading one capture needs: the matcher and its needles, enrichment, the redaction, the options. */
export interface CaptureReading {
  matcher: Matcher;
  canaries: readonly Canary[];
  literals: string[];
  hints: Hint[];
  enrich: Enricher;
  mask: (s: string) => string;
  opts: Pick<ScanOptions, 'rg' | 'vscodeAppRoot' | 'signal' | 'onProgress' | 'tshark' | 'keylog'>;
}

/** The matcher, its needles and the enrichment for a list of canaries (built once per report). */
export function captureReading(canaries: readonly Canary[], opts: CaptureReading['opts'] & { geo?: GeoTable | null }, mask: (s: string) => string = (s) => s): CaptureReading {
  const matcher = new Matcher(canaries);
  // hex (of the text, of digests) in either case is one case-folded needle; like the decode
  // hints, it makes an entry a candidate when its request holds it
  const needles = needlesOf(matcher.forms.flat());
  const hints = [...DECODE_HINTS, ...needles.caseless.map((literal) => ({ literal, ignoreCase: true }))];
  const geo = opts.geo === undefined ? defaultGeo() : opts.geo;
  const enrich: Enricher = { locate: geo ? (a) => geo.lookup(a) : undefined, domain: registrableDomain };
  return { matcher, canaries, literals: needles.exact, hints, enrich, mask, opts };
}

/**
 * Reads one capture (format sniffed from its first bytes) into `res`: its
 * format, units, matches, undecrypted streams, warnings, or the error that
 * stopped it. `abs` must already be known to lie inside the workspace.
 */
export async function readCapture(abs: string, res: CaptureResult, { matcher, canaries, literals, hints, enrich, mask, opts }: CaptureReading): Promise<void> {
  try {
    const format = await sniffFormat(abs);
    if (!format) {
      res.error = 'It is neither a HAR file (JSON) nor a pcap or pcapng capture (its first bytes say so, whatever its name).';
      return;
    }
    res.format = format;
    const hosts = new Map<string, HostSeen>();
    const exhibits: Exhibit[] = [];
    const budget = newExhibitBudget();
    let moreExhibits = 0;
    const onUnit = (unit: CaptureUnit) => {
      const { matches, warnings } = matcher.matchUnit(unit);
      for (const w of warnings) if (!res.warnings.includes(w)) res.warnings.push(w);
      noteHost(hosts, unit, enrich, mask);
      if (matches.some((m) => m.direction === 'request')) {
        const ex = exhibits.length < MAX_EXHIBITS ? exhibitOf(unit, matches, matcher, canaries, budget) : undefined;
        if (ex) exhibits.push(maskExhibit(ex, mask));
        else moreExhibits++;
      }
      for (const m of matches) {
        const cm = toCaptureMatch(unit, m, canaries, enrich);
        if (cm.host) cm.host = mask(cm.host);
        if (cm.domain) cm.domain = mask(cm.domain);
        if (cm.name) cm.name = mask(cm.name);
        if (cm.field) cm.field = mask(cm.field);
        res.matches.push(cm);
      }
    };
    if (format === 'har') {
      const reader = readHar(abs, {
        literals,
        hints,
        rg: opts.rg,
        vscodeAppRoot: opts.vscodeAppRoot,
        signal: opts.signal,
        onProgress: (done, total) => opts.onProgress?.(res.path, done, total),
      });
      for await (const unit of reader.units) onUnit(unit);
      const sum = await reader.done;
      res.units = sum.entries;
      res.engine = sum.engine === 'ripgrep' ? 'ripgrep prefilter' : 'JavaScript reader';
      for (const w of sum.warnings) res.warnings.push(mask(w.split(abs).join(res.path)));
    } else {
      const reader = readPcap(abs, { tshark: opts.tshark, keylog: opts.keylog, signal: opts.signal, onProgress: (frames) => opts.onProgress?.(res.path, frames) });
      for await (const unit of reader.units) onUnit(unit);
      const sum = await reader.done;
      res.units = sum.frames;
      res.undecrypted = sum.undecryptedStreams;
      if (sum.quicStreams) res.quic = sum.quicStreams;
      res.engine = `tshark ${sum.tsharkVersion}`;
      for (const w of sum.warnings) res.warnings.push(mask(w.split(abs).join(res.path)));
    }
    res.hosts = [...hosts.values()];
    res.exhibits = exhibits;
    if (moreExhibits) res.warnings.push(`${moreExhibits} more requests carried a declared value than the ${MAX_EXHIBITS} kept as exhibits`);
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    // the message says which file by the path the report uses, never the analyst's absolute one
    res.error = mask((err as Error).message.split(abs).join(res.path));
  }

}

/** Counts a unit under the host (or address) its request went to. */
function noteHost(hosts: Map<string, HostSeen>, unit: CaptureUnit, enrich: Enricher, mask: (s: string) => string): void {
  // a DNS query goes to the resolver, not to the host it names
  if ((!unit.host && !unit.address) || unit.protocol === 'dns') return;
  const key = `${unit.host ?? ''}|${unit.address ?? ''}`;
  const seen = hosts.get(key);
  if (seen) {
    seen.units++;
    if (unit.tls) seen.tls = true;
    return;
  }
  if (hosts.size >= MAX_HOSTS) return;
  const h: HostSeen = { ...endpointOf(unit, enrich, mask), units: 1, tls: !!unit.tls };
  hosts.set(key, h);
}

/** An exhibit with the report's own redaction applied on top (host, names, text). */
function maskExhibit(ex: Exhibit, mask: (s: string) => string): Exhibit {
  const out: Exhibit = { ...ex, lines: ex.lines.map((l) => ({ ...l, ...(l.name !== undefined ? { name: mask(l.name) } : {}), segments: l.segments.map((s) => ('text' in s ? { text: mask(s.text) } : s)) })) };
  if (ex.host !== undefined) out.host = mask(ex.host);
  return out;
}

let geoCache: GeoTable | undefined | null;

/** The default location table (loaded once), or null with the reason in `geoDataProblem()`. */
export function defaultGeo(): GeoTable | null {
  if (geoCache === undefined) geoCache = loadGeoTable() ?? null;
  return geoCache;
}

export { geoDataProblem };

/**
 * Scan the captures of a report. `captures`: paths as the user gave them
 * (relative to the current folder); none: every capture the report cites.
 */
export async function scanReport(report: Report, reportPath: string, captures: readonly string[] | undefined, opts: ScanOptions): Promise<ScanResult> {
  const reportDir = path.dirname(path.resolve(reportPath));
  const root = path.resolve(opts.root);
  const taxonomy = opts.taxonomy ?? taxonomyFor(report, DEFAULT_CONFIG);
  const canaries = canariesOf(report, taxonomy);
  const mask = redactionMask(report);
  const { matcher, literals, hints, enrich } = captureReading(canaries, opts, mask);
  const checker = new EvidenceChecker();

  const targets: { shown: string; file: string; evidence?: string }[] = [];
  if (captures && captures.length) {
    for (const c of captures) {
      const resolved = path.resolve(c);
      const rel = path.relative(reportDir, resolved).split(path.sep).join('/');
      targets.push({ shown: rel, file: rel, evidence: evidenceFor(report, reportDir, resolved) });
    }
  } else {
    for (const c of citedCaptures(report)) targets.push({ shown: c.file, file: c.file, evidence: c.id });
  }

  const results: CaptureResult[] = [];
  for (const t of targets) {
    opts.signal?.throwIfAborted();
    const res: CaptureResult = { path: mask(t.shown), matches: [], undecrypted: 0, warnings: [] };
    if (t.evidence) res.evidence = t.evidence;
    results.push(res);
    const abs = path.resolve(reportDir, t.file);
    if (!isInside(root, abs)) {
      res.error = 'The capture lies outside the workspace; move it inside, or scan with --root set to a folder holding both.';
      continue;
    }
    const status = await checker.check(path.relative(reportDir, abs).split(path.sep).join('/') || t.file, reportDir, root);
    if (status.state !== 'ok') {
      res.error = status.state === 'missing' ? 'The file does not exist.' : status.state === 'escape' ? `The file cannot be read: ${status.reason}.` : status.state === 'not-a-file' ? 'It is a folder, not a capture.' : status.message;
      continue;
    }
    res.sha256 = status.sha256;
    await readCapture(abs, res, { matcher, canaries, literals, hints, enrich, mask, opts });
  }
  const data: ScanResult['data'] = { domains: 'Public Suffix List (tldts)' };
  const geo = opts.geo === undefined ? defaultGeo() : opts.geo;
  if (geo) data.geo = geo.describe();
  return { version: 1, captures: results, canaries: canaries.map((c) => ({ device: c.device, category: c.category })), data };
}
