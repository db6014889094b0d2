/**
 * What the structured editor shows of records besides their fields: the
 * headings of its sections, a card's one-line summary and a record's label in
 * the pickers. Made here from the plain field values the form gets, so that
 * the browser code names no record kind and no field.
 */
import type { RecordKind } from '../report/model';

/** The heading of the form's section of each record kind. */
export const KIND_TITLES: Record<RecordKind, string> = {
  device: 'Devices',
  step: 'Test steps',
  flow: 'Data flows',
  evidence: 'Evidence',
  response: 'Responses',
  retest: 'Retests',
  finding: 'Findings',
};

type Fields = Record<string, unknown>;

/** A one-line summary in the card header: what a reviewer looks for first. */
export function cardSummary(kind: string, f: Fields): string {
  const s = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : Array.isArray(v) ? v.join(', ') : '');
  switch (kind) {
    case 'flow':
      return `${s(f.from) || '?'} → ${s(f.to) || '?'}${f.country ? ` (${s(f.country)})` : ''}${f.data ? ` · ${s(f.data)}` : ''}`;
    case 'device':
      return [s(f.vendor), s(f.model), s(f.build)].filter(Boolean).join(' ');
    case 'evidence':
      return s(f.file) || s(f.url);
    case 'finding':
      return s(f.title);
    case 'response':
      return [s(f.by), s(f.date)].filter(Boolean).join(', ');
    case 'retest':
      return [s(f.build), s(f.result)].filter(Boolean).join(' · ');
    default:
      return s(f.action).split('\n')[0] ?? '';
  }
}

/** A short description of a record for pickers: its id and title, file, name or host. */
export function pickerLabel(id: string | undefined, kind: string, f: Fields): string {
  const what = [f.title, f.name, f.file, f.url, f.to, f.action, f.by, f.description, f.statement].find((x) => typeof x === 'string' && x.trim() !== '') as string | undefined;
  const short = what ? (what.length > 60 ? `${what.slice(0, 57)}…` : what) : kind;
  return `${id ?? '?'} — ${short}`;
}
