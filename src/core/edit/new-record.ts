/**
 * The text of new fields and new records: `key: value` lines with values
 * written by the `yaml` package (serialize.ts), a record's fields as a
 * mapping or as a sequence item, and a whole fenced record block. The
 * structured editor's new records and fields and the skeleton of a new
 * report are written by these.
 */
import type { FieldValue } from '../protocol';
import type { RecordKind } from '../report/model';
import { blockValue, flowValue, isStringMap, wantsBlockList, type BlockValue } from './serialize';

/** A new record's fields in the order they are written. */
export type NewFields = readonly (readonly [string, FieldValue])[];

/** A field value that cannot be written as YAML in that place. */
export interface Unwritable {
  unwritable: FieldValue;
}

/** `prefix` before every line (an empty line gets the prefix without its trailing spaces). */
export function indentLines(lines: string[], prefix: string): string[] {
  return lines.map((l) => (l === '' ? prefix.trimEnd() : prefix + l));
}

/** `key: value` lines for a new field (lists in flow style, a list that holds a mapping in block style), `prefix` before continuation lines. */
export function fieldLines(key: string, value: FieldValue, prefix: string): string[] | undefined {
  let ser: BlockValue | undefined;
  if (wantsBlockList(value)) ser = blockValue(value);
  else if (Array.isArray(value) || isStringMap(value)) {
    const flow = flowValue(value);
    ser = flow === undefined ? undefined : { inline: flow, rest: [] };
  } else ser = blockValue(value);
  if (!ser) return undefined;
  return [`${key}:${ser.inline ? ` ${ser.inline}` : ''}`, ...indentLines(ser.rest, prefix)];
}

/**
 * A record's fields as lines: `lead` before the first one (`- ` for a sequence
 * item), `cont` before every other line (`  `).
 */
export function recordLines(fields: NewFields, lead = '', cont = ''): string[] | Unwritable {
  const lines: string[] = [];
  for (const [k, v] of fields) {
    const fl = fieldLines(k, v, cont);
    if (!fl) return { unwritable: v };
    lines.push(...fl.map((l, i) => (i === 0 ? (lines.length === 0 ? lead : cont) + l : l)));
  }
  return lines;
}

/** A fenced record block that holds one record: a mapping, or with `item` a sequence of one item. */
export function recordBlock(kind: RecordKind, fields: NewFields, { item = false, eol = '\n' } = {}): string | Unwritable {
  const lines = item ? recordLines(fields, '- ', '  ') : recordLines(fields);
  return Array.isArray(lines) ? ['```' + kind, ...lines, '```'].join(eol) : lines;
}
