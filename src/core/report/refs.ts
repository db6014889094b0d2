/**
 * How references are written in record fields: the one parser of each kind,
 * shared by the report parser (references, PA005, rename), the renderer and
 * the data-flow diagram, so that all three read the same text the same way.
 */
import { kindOfId } from './model';

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
