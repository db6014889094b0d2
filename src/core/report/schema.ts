/**
 * Fields of each record kind and of the front matter: their types and
 * enumerated values. Used by the linter (PA001, PA003) and by editors
 * (completion, hovers).
 */
import type { RecordKind, YNode } from './model';

export type FieldType =
  | { type: 'id' }
  | { type: 'string' }
  | { type: 'text' }
  | { type: 'date' }
  | { type: 'datetime' }
  /** A date, or a description (`retail, sealed box`): checked as a date only when it starts like one (four digits and a dash). */
  | { type: 'date-or-text' }
  | { type: 'ports' }
  | { type: 'country' }
  | { type: 'url' }
  | { type: 'strings' }
  | { type: 'categories' }
  | { type: 'ref' }
  | { type: 'refs' }
  | { type: 'identifiers' }
  | { type: 'enum'; values: readonly string[] };

export interface FieldSpec {
  name: string;
  t: FieldType;
  doc: string;
  /** A record of this kind is not complete without a value here: PA006 reports the field written empty (`to: ""`). */
  required?: true;
  /** A value as it is written in this field, for hints and placeholders: `[V1]` for a retest's `verifies`, `[E1, E2#frame=3]` for `evidence`. */
  example?: string;
}

const f = (name: string, t: FieldType, doc: string, more: { required?: true; example?: string } = {}): FieldSpec => ({ name, t, doc, ...more });
const en = (...values: string[]): FieldType => ({ type: 'enum', values });

export const ENUMS = {
  status: ['draft', 'review', 'final'],
  classification: ['public', 'internal', 'confidential'],
  encryption: ['none', 'tls', 'encoded', 'custom', 'unknown'],
  consent: ['none', 'default-on', 'opt-in', 'opt-out', 'unknown'],
  evidenceKind: ['pcap', 'har', 'screenshot', 'log', 'video', 'document', 'web'],
  party: ['vendor', 'regulator', 'media', 'auditor', 'other'],
  verdict: ['supported', 'contradicted', 'mixed', 'unverified'],
  result: ['fixed', 'not-fixed', 'partially-fixed', 'inconclusive'],
  severity: ['critical', 'high', 'medium', 'low', 'info'],
  findingStatus: ['open', 'fixed', 'disputed', 'accepted'],
} as const;

const ID = f('id', { type: 'id' }, 'Identifier, unique in the report', { required: true });
const NOTES = f('notes', { type: 'text' }, 'Free notes');
const DESCRIPTION = f('description', { type: 'text' }, 'Description');

export const RECORD_FIELDS: Record<RecordKind, readonly FieldSpec[]> = {
  device: [
    ID,
    f('name', { type: 'string' }, 'Short name of the device'),
    f('vendor', { type: 'string' }, 'Manufacturer or publisher'),
    f('model', { type: 'string' }, 'Model or product name'),
    f('os', { type: 'string' }, 'Operating system and version'),
    f('build', { type: 'string' }, 'Firmware/OS build under test (makes the test reproducible)'),
    f('identifiers', { type: 'identifiers' }, "The test device's own identifier values, keyed by data category; masked in every export"),
    f('acquired', { type: 'date-or-text' }, 'When and how the device was acquired: a date (2014-08-01) or a description (retail, sealed box)', { example: '2014-08-01, retail, sealed box' }),
    NOTES,
  ],
  step: [
    ID,
    f('action', { type: 'text' }, 'What the analyst did', { required: true }),
    f('expected', { type: 'text' }, 'What a privacy-respecting device would do'),
    f('observed', { type: 'text' }, 'What was observed (needs evidence)'),
    f('device', { type: 'ref' }, 'Device id (D…)', { example: 'D1' }),
    f('date', { type: 'datetime' }, 'When the step was performed'),
    f('evidence', { type: 'refs' }, 'Evidence ids (E…), optionally with #locator', { example: '[E1, E2#frame=3]' }),
    NOTES,
  ],
  flow: [
    ID,
    f('from', { type: 'string' }, 'Sending device (D1) or component (D1/component)', { required: true, example: 'D1 or D1/modem' }),
    f('to', { type: 'string' }, 'Receiving host name', { required: true }),
    f('address', { type: 'strings' }, 'IP address or list of addresses'),
    f('port', { type: 'ports' }, 'Destination port or ports', { example: '443 or [80, 443]' }),
    f('country', { type: 'country' }, 'ISO 3166 alpha-2 country of the endpoint', { example: 'CN' }),
    f('protocol', { type: 'string' }, 'Protocol, e.g. https, http, mqtt'),
    f('encryption', en(...ENUMS.encryption), 'Transport protection of the data'),
    f('data', { type: 'categories' }, 'Data categories sent', { required: true }),
    f('consent', en(...ENUMS.consent), 'How the user agreed to the flow'),
    f('step', { type: 'ref' }, 'Test step (S…) during which the flow was seen', { example: 'S1' }),
    f('first-seen', { type: 'datetime' }, 'When the flow was first observed'),
    f('evidence', { type: 'refs' }, 'Evidence ids (E…), optionally with #locator', { example: '[E1, E2#frame=3]' }),
    DESCRIPTION,
    NOTES,
  ],
  evidence: [
    ID,
    f('file', { type: 'string' }, "Path relative to the report's folder, inside the workspace"),
    f('url', { type: 'url' }, 'Web source'),
    f('sha256', { type: 'string' }, 'SHA-256 of the file (64 hex digits)'),
    f('kind', en(...ENUMS.evidenceKind), 'Kind of evidence'),
    f('captured', { type: 'datetime' }, 'When the evidence was captured'),
    f('tool', { type: 'string' }, 'Tool used to capture it'),
    DESCRIPTION,
    NOTES,
  ],
  response: [
    ID,
    f('date', { type: 'datetime' }, 'When the statement was made'),
    f('party', en(...ENUMS.party), 'Who made the statement', { required: true }),
    f('by', { type: 'string' }, 'Person or body'),
    f('channel', { type: 'string' }, 'Where it was said (blog, press, letter)'),
    f('source', { type: 'string' }, 'URL or evidence id (E…) of the statement', { example: 'E5 or https://…' }),
    f('statement', { type: 'text' }, 'What was said, in short', { required: true }),
    f('claims', { type: 'strings' }, 'Short claims made'),
    f('addresses', { type: 'refs' }, 'Flows (F…) or findings (FN…) the statement is about', { example: '[F1, FN1]' }),
    f('fix', { type: 'string' }, 'Build, version or date in which the party says the issue is fixed'),
    f('verdict', en(...ENUMS.verdict), "The auditor's verdict on the claims"),
    f('evidence', { type: 'refs' }, 'Evidence ids (E…) supporting the verdict', { example: '[E5]' }),
    NOTES,
  ],
  retest: [
    ID,
    f('date', { type: 'datetime' }, 'When the retest was run'),
    f('build', { type: 'string' }, 'Build tested'),
    f('verifies', { type: 'refs' }, 'Responses (V…) whose claims the retest checks', { example: '[V1]' }),
    f('flows', { type: 'refs' }, 'Flows (F…) checked again', { example: '[F1, F2]' }),
    f('result', en(...ENUMS.result), 'Outcome', { required: true }),
    f('observed', { type: 'text' }, 'What the retest saw'),
    f('evidence', { type: 'refs' }, 'Evidence ids (E…)', { example: '[E4, E1#entry=3]' }),
    NOTES,
  ],
  finding: [
    ID,
    f('title', { type: 'string' }, 'One-line conclusion', { required: true }),
    f('severity', en(...ENUMS.severity), 'Severity', { required: true }),
    f('flows', { type: 'refs' }, 'Flows (F…) the finding rests on', { example: '[F1, F2]' }),
    f('evidence', { type: 'refs' }, 'Evidence ids (E…)', { example: '[E4, E1#entry=3]' }),
    f('status', en(...ENUMS.findingStatus), 'Status'),
    f('recommendation', { type: 'text' }, 'What should be done'),
    DESCRIPTION,
    NOTES,
  ],
};

export const FRONT_MATTER_FIELDS: readonly FieldSpec[] = [
  f('audit-format', { type: 'string' }, 'Format version: 1'),
  f('id', { type: 'string' }, 'Report identifier, e.g. FSEC-2014-RM1S'),
  f('title', { type: 'string' }, 'One-line title'),
  f('status', en(...ENUMS.status), 'draft, review or final'),
  f('date', { type: 'date' }, 'ISO date of the report'),
  f('auditors', { type: 'strings' }, 'Names, or {name, org, contact}'),
  f('subject', { type: 'text' }, 'What is audited (vendor, product, version)'),
  f('classification', en(...ENUMS.classification), 'Banner shown in exports'),
  f('redact', { type: 'strings' }, 'Literal strings or /regex/ masked in every export'),
  f('categories', { type: 'strings' }, 'Extra data categories: {id, label, sensitivity, aliases}'),
  f('lint', { type: 'string' }, 'Per-report rule severities, e.g. {PA024: off}'),
];

export const REQUIRED_FRONT_MATTER = ['audit-format', 'id', 'title', 'status', 'date', 'auditors'] as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function validYmd(y: string, m: string, d: string): boolean {
  const dt = new Date(Date.UTC(+y, +m - 1, +d));
  return dt.getUTCFullYear() === +y && dt.getUTCMonth() === +m - 1 && dt.getUTCDate() === +d;
}

export function isIsoDate(s: string): boolean {
  const m = DATE.exec(s);
  return !!m && validYmd(m[1]!, m[2]!, m[3]!);
}

export function isIsoDateTime(s: string): boolean {
  const m = DATETIME.exec(s);
  if (!m || !validYmd(m[1]!, m[2]!, m[3]!)) return false;
  if (m[4] !== undefined && (+m[4] > 23 || +m[5]! > 59 || (m[6] !== undefined && +m[6] > 60))) return false;
  return true;
}

/**
 * The date a `date-or-text` value starts with, when it starts like one (four
 * digits and a dash): `2024-02-27` of `2024-02-27, retail, Manila`. Undefined
 * for a description (`retail, sealed box`), which is not checked as a date.
 */
export function leadingDate(s: string): string | undefined {
  const m = /^\d{4}-[^\s,;]*/.exec(s.trim());
  return m ? m[0].replace(/[.)]+$/, '') : undefined;
}

/** The calendar day (YYYY-MM-DD) of a date or date-time value as written, for ordering checks. */
export function dayOf(node: YNode | null | undefined): string | undefined {
  if (!node || node.type !== 'scalar' || node.value === null) return undefined;
  const s = String(node.value).trim();
  return isIsoDateTime(s) ? s.slice(0, 10) : undefined;
}
