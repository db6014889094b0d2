/**
 * The hash check of evidence: the sha256 a report records against the hash
 * the file has. The report's header, the evidence table, an embedded image's
 * caption and the export's appendix all show this one verdict, each in its
 * own words.
 */
import type { EvidenceStatus } from './evidence';
import { writtenText, type AuditRecord } from '../report/model';

/** A recorded hash against a known actual one. */
export type HashMatch = 'verified' | 'differs' | 'unrecorded';

/**
 * The verdict on an evidence file. `actual` is the hash the file has now;
 * the other states say why there is none: the file was not checked (no
 * report path), is not there, is not a regular file, may not be read (its
 * path leaves the workspace) or could not be read.
 */
export type HashVerdict =
  | { state: HashMatch; actual: string }
  | { state: 'unchecked' }
  | { state: 'missing' }
  | { state: 'not-a-file' }
  | { state: 'refused'; reason: string }
  | { state: 'unreadable'; message: string };

/**
 * Compares a recorded hash with the actual one, in any case. A recorded hash
 * that is undefined or empty is none recorded.
 */
export function compareHash(recorded: string | undefined, actual: string): HashMatch {
  if (!recorded) return 'unrecorded';
  return recorded.toLowerCase() === actual.toLowerCase() ? 'verified' : 'differs';
}

/** The verdict on an evidence file from its recorded hash and what the linter found (`LintResult.evidence`). */
export function hashVerdict(recorded: string | undefined, status: EvidenceStatus | undefined): HashVerdict {
  if (!status) return { state: 'unchecked' };
  switch (status.state) {
    case 'ok':
      return { state: compareHash(recorded, status.sha256), actual: status.sha256 };
    case 'missing':
      return { state: 'missing' };
    case 'not-a-file':
      return { state: 'not-a-file' };
    case 'escape':
      return { state: 'refused', reason: status.reason };
    case 'error':
      return { state: 'unreadable', message: status.message };
  }
}

/** The sha256 an evidence record gives, as written (a hash of digits only stays text), trimmed; undefined when absent or not a scalar. */
export function recordedHash(text: string, r: AuditRecord): string | undefined {
  return writtenText(text, r.fields.get('sha256'))?.trim();
}
