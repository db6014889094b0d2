/**
 * References in record fields: which fields of each kind are references, how
 * a reference is written (the one parser of each form, shared by the report
 * parser — references, PA005, rename —, the renderer and the data-flow
 * diagram, so that all three read the same text the same way), and the
 * references of a parsed record.
 */
import { kindOfId, listItems, type AuditRecord, type RecordKind, type RefField, type Reference, type Report, type YNode } from './model';

/** An id with an optional `#locator`, as written in reference lists (`E2`, `E2#frame=1`). */
const REF_TEXT = /^([A-Za-z][A-Za-z0-9_-]*)(?:#(.*))?$/;

/** An item of a reference list: the id and the locator after `#` (undefined when none or empty). */
export interface RefText {
  id: string;
  locator: string | undefined;
}

/** Parses a reference list item (`E2`, `E2#frame=1`), already trimmed; undefined when it is not an id. */
export function parseRefText(text: string): RefText | undefined {
  const m = REF_TEXT.exec(text);
  return m ? { id: m[1]!, locator: m[2] || undefined } : undefined;
}

/**
 * A flow's `from:`: a device (`D1`), a component of a device (`D1/modem`;
 * spaces around the slash are allowed: `D1 / modem` is the same reference),
 * or free text (a component of the only device, or an outside sender).
 */
export type FromRef =
  | { kind: 'device'; device: string; component: undefined }
  | { kind: 'component'; device: string; component: string }
  | { kind: 'text'; text: string };

/** `D1`, or `D1` then a slash (spaces around it allowed) and an optional component. */
const FROM_DEVICE = /^(D\d+)(?:\s*\/\s*(.*))?$/s;

/** Parses the text of a flow's `from:`, already trimmed. A device with an empty component (`D1/`) is the device. */
export function parseFrom(text: string): FromRef {
  const m = FROM_DEVICE.exec(text);
  if (!m) return { kind: 'text', text };
  const device = m[1]!;
  const component = m[2]?.trim();
  return component ? { kind: 'component', device, component } : { kind: 'device', device, component: undefined };
}

/** A response's `source:`: a record id (`E2`, `E2#t=3`) when written in an id's style, else undefined (a URL or free text). */
export function parseSource(text: string): RefText | undefined {
  const ref = parseRefText(text);
  return ref && kindOfId(ref.id) ? ref : undefined;
}

/** Reference fields of each record kind and the kinds they may name. */
export const REFERENCE_FIELDS: Record<RecordKind, Partial<Record<RefField, readonly RecordKind[]>>> = {
  device: {},
  step: { device: ['device'], evidence: ['evidence'] },
  flow: { from: ['device'], step: ['step'], evidence: ['evidence'] },
  evidence: {},
  response: { source: ['evidence'], addresses: ['flow', 'finding'], evidence: ['evidence'] },
  retest: { verifies: ['response'], flows: ['flow'], evidence: ['evidence'] },
  finding: { flows: ['flow'], evidence: ['evidence'] },
};

/** Parses `E1`, `E1#frame=3` inside a scalar node into a reference. */
function refFromScalar(node: YNode, from: AuditRecord, field: RefField, expected: readonly RecordKind[]): Reference | undefined {
  if (node.type !== 'scalar' || node.value === null) return undefined;
  const raw = String(node.value);
  const parsed = parseRefText(raw.trim());
  if (!parsed) return undefined;
  const { id, locator } = parsed;
  // place the id span precisely when the scalar is written verbatim (plain or simply quoted)
  const offset = node.quoted ? 1 : 0;
  const lead = raw.length - raw.trimStart().length;
  const start = node.span.start + offset + lead;
  const span = { start, end: Math.max(start, node.span.end - offset) };
  return { id, locator, span, idSpan: { start, end: Math.min(span.end, start + id.length) }, from, field, expected };
}

/** Adds the references that the reference fields of `r` hold to `report.references`. */
export function collectReferences(report: Report, r: AuditRecord): void {
  const spec = REFERENCE_FIELDS[r.kind];
  for (const [field, expected] of Object.entries(spec) as [RefField, readonly RecordKind[]][]) {
    const entry = r.fields.get(field);
    if (!entry) continue;
    for (const item of listItems(entry)) {
      if (item.type !== 'scalar' || item.value === null) continue;
      const text = String(item.value).trim();
      if (field === 'from') {
        // `D1`, `D1/component` or `D1 / component`; free text names a component of the only device
        const sender = parseFrom(text);
        if (sender.kind === 'text') continue;
        const lead = item.quoted ? 1 : 0;
        const start = item.span.start + lead + (String(item.value).length - String(item.value).trimStart().length);
        report.references.push({
          id: sender.device,
          locator: sender.component,
          span: { start, end: start + text.length },
          idSpan: { start, end: start + sender.device.length },
          from: r,
          field,
          expected,
        });
        continue;
      }
      if (field === 'source' && !parseSource(text)) continue; // a URL or free text
      const ref = refFromScalar(item, r, field, expected);
      if (ref) report.references.push(ref);
    }
  }
}
