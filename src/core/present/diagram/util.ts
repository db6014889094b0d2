/** Small helpers shared by the diagram generators. */
import { listItems, scalarText, type AuditRecord } from '../../report/model';
import { parseRefText } from '../../report/refs';

/** Trimmed scalar text of a field, or undefined when absent, empty or not a scalar. */
export function field(r: AuditRecord, name: string): string | undefined {
  const v = scalarText(r.fields.get(name))?.trim();
  return v ? v : undefined;
}

/** Scalar items of a list field (a scalar counts as one item), trimmed, empties dropped. */
export function fieldList(r: AuditRecord, name: string): string[] {
  const out: string[] = [];
  for (const n of listItems(r.fields.get(name))) {
    if (n.type !== 'scalar' || n.value === null) continue;
    const s = String(n.value).trim();
    if (s) out.push(s);
  }
  return out;
}

/** Ids of a reference list field, without `#locator`. */
export function refIds(r: AuditRecord, name: string): string[] {
  // read as the parser reads a reference (`E2#frame=1`), so the diagrams name only what the linter checks
  return fieldList(r, name)
    .map((s) => parseRefText(s.trim())?.id)
    .filter((id): id is string => !!id);
}

const ID_PARTS = /^(.*?)(\d+)$/;

/** Compares ids naturally (`F2` before `F10`), then as plain strings; never locale-dependent. */
export function compareIds(a: string, b: string): number {
  const ma = ID_PARTS.exec(a);
  const mb = ID_PARTS.exec(b);
  if (ma && mb && ma[1] === mb[1]) {
    const na = ma[2]!.replace(/^0+(?=\d)/, '');
    const nb = mb[2]!.replace(/^0+(?=\d)/, '');
    if (na.length !== nb.length) return na.length - nb.length;
    if (na !== nb) return na < nb ? -1 : 1;
  }
  return compareStrings(a, b);
}

/** Code-unit order: the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `F1–F4, F7, F9` from a list of ids (consecutive numbers of one prefix as ranges). */
export function idRanges(ids: readonly string[]): string {
  const sorted = [...new Set(ids)].sort(compareIds);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const m = ID_PARTS.exec(sorted[i]!);
    let j = i;
    if (m && !/^0\d/.test(m[2]!)) {
      while (j + 1 < sorted.length) {
        const n = ID_PARTS.exec(sorted[j + 1]!);
        if (!n || n[1] !== m[1] || Number(n[2]) !== Number(m[2]) + (j + 1 - i) || /^0\d/.test(n[2]!)) break;
        j++;
      }
    }
    if (j - i >= 2) parts.push(`${sorted[i]}–${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(sorted[k]!);
    i = j + 1;
  }
  return parts.join(', ');
}

/** The items, or the first `max` and "+N more". */
export function capList(items: readonly string[], max: number, sep = ', '): string {
  if (items.length <= max) return items.join(sep);
  return `${items.slice(0, max).join(sep)} +${items.length - max} more`;
}

/** `1 host`, `3 hosts`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
