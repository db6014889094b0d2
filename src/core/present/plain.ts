/** Values of a report (front matter and record fields) as one line of plain text: not masked, not escaped. */
import { toPlain, type YEntry } from '../report/model';

/** A value as `toPlain` gives it: lists joined with `, `, mappings as `key: value; …`, null and undefined as nothing. */
export function plainText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(plainText).join(', ');
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${plainText(x)}`).join('; ');
  return String(v);
}

/** A field's value as plain text, trimmed; '' when the field is absent. */
export function fieldText(entry: YEntry | undefined): string {
  return plainText(toPlain(entry?.value)).trim();
}
