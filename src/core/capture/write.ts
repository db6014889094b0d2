/**
 * `scan --write` and the results view's *Add as flow*: what a scan found,
 * written into the report as new records through the edit module, so every
 * other byte of the report stays as it was. One flow per (device, host) the
 * captures show a canary going to; one evidence record (with its sha256)
 * per capture the report does not cite yet. Idempotent: a host that a flow
 * of the same device already records gets no second flow, so a second run
 * adds nothing.
 */

import type { FieldValue } from '../protocol';
import { applyEdits } from '../edit/apply-edits';
import { applyIntent } from '../edit/intents';
import { parseFrom } from '../report/refs';
import type { Report } from '../report/model';
import type { CaptureResult, ScanResult } from './result';
import type { CaptureMatch } from './types';

/** A flow the scan proposes: a device sending canaries to one host. */
export interface FlowProposal {
  device: string;
  host: string;
  addresses: string[];
  ports: number[];
  country?: string;
  protocol?: string;
  tls: boolean;
  /** Outside TLS, some canary was readable as text (not only base64, hex, compressed or hashed). */
  clear: boolean;
  /** Categories in the order first seen, as the report writes them. */
  data: string[];
  /** Capture path → locators (`entry=3`), in order. */
  locators: Map<string, string[]>;
  firstSeen?: string;
  /** The flow that already records this device and host. */
  existing?: string;
}

/** At most this many locators of one capture are cited by a written flow. */
const MAX_LOCATORS = 8;

/** Transforms that leave a value readable as text. */
const CLEAR = new Set(['plain', 'url', 'json', 'form']);

const hostKey = (m: CaptureMatch) => (m.host ?? m.address ?? '').toLowerCase();

function protocolOf(ms: readonly CaptureMatch[]): string | undefined {
  const p = ms.find((m) => m.protocol)?.protocol?.toLowerCase();
  if (!p) return undefined;
  if (p.startsWith('http') || p === 'h2' || p === 'h3') return ms.some((m) => m.tls) ? 'https' : 'http';
  if (p === 'websocket') return ms.some((m) => m.tls) ? 'wss' : 'ws';
  return p;
}

/** The device and host a flow record names (its `from` before any `/component`, its `to`). */
function flowKeys(report: Report): Map<string, string> {
  const keys = new Map<string, string>();
  for (const r of report.records) {
    if (r.kind !== 'flow' || !r.id) continue;
    const from = r.fields.get('from')?.value;
    const to = r.fields.get('to')?.value;
    if (from?.type !== 'scalar' || to?.type !== 'scalar' || from.value === null || to.value === null) continue;
    const ref = parseFrom(String(from.value).trim());
    const device = ref.kind === 'text' ? ref.text : ref.device;
    keys.set(`${device}\u0000${String(to.value).trim().toLowerCase()}`, r.id);
  }
  return keys;
}

/** The flows the scan's request-side matches make, grouped by device and host. */
export function proposeFlows(report: Report, scan: ScanResult): FlowProposal[] {
  const existing = flowKeys(report);
  const flows = new Map<string, FlowProposal>();
  for (const cap of scan.captures) {
    for (const m of cap.matches) {
      if (m.direction !== 'request') continue;
      const host = m.host ?? m.address;
      if (!host) continue;
      const key = `${m.device}\u0000${hostKey(m)}`;
      let f = flows.get(key);
      if (!f) {
        f = { device: m.device, host, addresses: [], ports: [], tls: false, clear: false, data: [], locators: new Map() };
        const id = existing.get(key);
        if (id) f.existing = id;
        flows.set(key, f);
      }
      if (m.address && !f.addresses.includes(m.address)) f.addresses.push(m.address);
      if (m.port !== undefined && !f.ports.includes(m.port)) f.ports.push(m.port);
      if (!f.country && m.country) f.country = m.country;
      if (m.tls) f.tls = true;
      else if (m.transforms.every((t) => CLEAR.has(t))) f.clear = true;
      if (!f.data.some((d) => d.toLowerCase() === m.category.toLowerCase())) f.data.push(m.category);
      const locs = f.locators.get(cap.path) ?? [];
      if (!locs.includes(m.locator)) locs.push(m.locator);
      f.locators.set(cap.path, locs);
      if (m.time && (!f.firstSeen || m.time < f.firstSeen)) f.firstSeen = m.time;
    }
  }
  for (const f of flows.values()) {
    const ms = scan.captures.flatMap((c) => c.matches.filter((m) => m.direction === 'request' && m.device === f.device && (m.host ?? m.address) === f.host));
    const p = protocolOf(ms);
    if (p) f.protocol = p;
  }
  return [...flows.values()];
}

/** The fields of a new flow record, in the schema's order. */
export function flowFields(f: FlowProposal, evidenceOf: (path: string) => string | undefined): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = { from: f.device, to: f.host };
  if (f.addresses.length) fields.address = f.addresses.length === 1 ? f.addresses[0]! : f.addresses;
  if (f.ports.length) fields.port = f.ports.length === 1 ? f.ports[0]! : f.ports;
  if (f.country) fields.country = f.country;
  if (f.protocol) fields.protocol = f.protocol;
  // outside TLS: `none` when a value went as text, `encoded` when only base64, hex, compressed or hashed
  fields.encryption = f.tls ? 'tls' : f.clear ? 'none' : 'encoded';
  fields.data = f.data;
  fields.consent = 'unknown';
  if (f.firstSeen) fields['first-seen'] = f.firstSeen.replace(/\.\d+Z$/, 'Z');
  const refs: string[] = [];
  for (const [path, locs] of f.locators) {
    const id = evidenceOf(path);
    if (id) for (const l of locs.slice(0, MAX_LOCATORS)) refs.push(`${id}#${l}`);
  }
  if (refs.length) fields.evidence = refs;
  return fields;
}

export interface WriteOutcome {
  text: string;
  /** `E15: evidence/run.har`, `F5: D1 → api.example.test (IMEI, email)`. */
  added: string[];
  /** Flows not written because a flow already records the host. */
  kept: string[];
  errors: string[];
}

/**
 * Apply the scan to the report text: evidence records first (so flows can
 * cite them), then flows. `parse` reads a text into a report (the core's
 * `parse`, passed in so the caller's options apply). `only` limits the
 * flows written to those of the given (device, host) keys.
 */
export function writeScan(text: string, parse: (text: string) => Report, scan: ScanResult, only?: (f: FlowProposal) => boolean): WriteOutcome {
  const { edits: _edits, ...out } = scanEdits(text, parse, scan, only);
  return out;
}

/** A replacement of `span` (offsets into the original text) by `newText`. */
export interface OffsetEdit {
  span: { start: number; end: number };
  newText: string;
}

/**
 * What `writeScan` does, also as edits of the ORIGINAL text (sorted,
 * non-overlapping; `applyEdits(text, edits)` is `text` of the outcome), so
 * an editor can apply them as one undoable change that touches only the
 * places where records are added.
 */
export function scanEdits(text: string, parse: (text: string) => Report, scan: ScanResult, only?: (f: FlowProposal) => boolean, options: { verify?: boolean } = {}): WriteOutcome & { edits: OffsetEdit[] } {
  const out: WriteOutcome & { edits: OffsetEdit[] } = { text, added: [], kept: [], errors: [], edits: [] };
  let report = parse(text);
  // the edited text is parsed again only when another record is to be added to it
  let stale = false;
  const evidence = new Map<string, string>();
  const apply = (intent: Parameters<typeof applyIntent>[1]): string | undefined => {
    if (stale) {
      report = parse(out.text);
      stale = false;
    }
    const res = applyIntent(report, intent, { verify: options.verify });
    if ('error' in res) {
      out.errors.push(res.error);
      return undefined;
    }
    // one by one from the end, each against the text the ones before it made
    for (const e of [...res.edits].sort((a, b) => b.span.start - a.span.start)) {
      out.edits = composeEdit(out.edits, out.text, e);
      out.text = applyEdits(out.text, [e]);
    }
    stale = true;
    return res.newId;
  };
  const proposals = proposeFlows(report, scan).filter((f) => !only || only(f));
  const wanted = new Set(proposals.filter((f) => !f.existing).flatMap((f) => [...f.locators.keys()]));
  for (const cap of scan.captures) {
    if (cap.evidence) evidence.set(cap.path, cap.evidence);
    else if (wanted.has(cap.path) && cap.sha256) {
      const id = apply({ type: 'addRecord', kind: 'evidence', fields: evidenceFields(cap) });
      if (id) {
        evidence.set(cap.path, id);
        out.added.push(`${id}: ${cap.path}`);
      }
    }
  }
  for (const f of proposals) {
    if (f.existing) {
      out.kept.push(`${f.existing} already records ${f.device} → ${f.host}`);
      continue;
    }
    const id = apply({ type: 'addRecord', kind: 'flow', fields: flowFields(f, (p) => evidence.get(p)) });
    if (id) out.added.push(`${id}: ${f.device} → ${f.host} (${f.data.join(', ')})`);
  }
  return out;
}

/**
 * Adds `next` (offsets into `current`, the text after `edits`) to `edits`
 * (offsets into the original text). An edit that touches or overlaps the
 * text an earlier edit wrote is merged with it.
 */
export function composeEdit(edits: readonly OffsetEdit[], current: string, next: OffsetEdit): OffsetEdit[] {
  const { start: a, end: b } = next.span;
  let shift = 0; // current offset − original offset, before the edit being looked at
  const before: OffsetEdit[] = [];
  const touched: { edit: OffsetEdit; cs: number; ce: number; shift: number }[] = [];
  const after: OffsetEdit[] = [];
  let shiftBefore = 0; // the shift in force just before `next`
  for (const e of edits) {
    const cs = e.span.start + shift;
    const ce = cs + e.newText.length;
    if (ce < a) {
      before.push(e);
      shift += e.newText.length - (e.span.end - e.span.start);
      shiftBefore = shift;
    } else if (cs > b) after.push(e);
    else {
      touched.push({ edit: e, cs, ce, shift });
      shift += e.newText.length - (e.span.end - e.span.start);
    }
  }
  if (!touched.length) return [...before, { span: { start: a - shiftBefore, end: b - shiftBefore }, newText: next.newText }, ...after];
  const first = touched[0]!;
  const last = touched[touched.length - 1]!;
  const from = Math.min(a, first.cs);
  const to = Math.max(b, last.ce);
  const start = a < first.cs ? a - first.shift : first.edit.span.start;
  const end = b > last.ce ? last.edit.span.end + (b - last.ce) : last.edit.span.end;
  const newText = current.slice(from, a) + next.newText + current.slice(b, to);
  return [...before, { span: { start, end }, newText }, ...after];
}

function evidenceFields(cap: CaptureResult): Record<string, FieldValue> {
  return {
    file: cap.path,
    sha256: cap.sha256!,
    kind: cap.format === 'har' ? 'har' : 'pcap',
    description: `Capture read by privacy-audit scan${cap.units !== undefined ? ` (${cap.units} ${cap.format === 'har' ? 'entries' : 'frames'})` : ''}.`,
  };
}
