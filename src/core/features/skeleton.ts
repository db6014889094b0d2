/** The text of a new report: every section and one record of each kind, ready to fill in. */
import type { RecordKind } from '../report/model';
import { recordBlock, type NewFields } from '../edit/new-record';

export interface SkeletonOptions {
  id: string;
  title: string;
  /** ISO date of the report. */
  date: string;
  auditor: string;
}

/**
 * The template's instructions to the analyst: prose to be replaced. PA006
 * reports one left in a report (they would otherwise go into the export).
 */
export const SKELETON_INSTRUCTIONS: readonly string[] = [
  'What was tested, what left the device, and what the vendor said.',
  'Add capture files with *Privacy Audit: Add Evidence File…*; each gets its sha256.',
];
const [SUMMARY_HINT, EVIDENCE_HINT] = SKELETON_INSTRUCTIONS;

/** A record block of the skeleton (a sequence of one item unless `item` is false), written as the structured editor writes new records. */
function block(kind: RecordKind, fields: NewFields, { item = true } = {}): string {
  const text = recordBlock(kind, fields, { item });
  // the skeleton's values are plain strings and lists, which are always written
  if (typeof text !== 'string') throw new Error(`The skeleton's ${kind} record cannot be written.`);
  return text;
}

export function reportSkeleton(o: SkeletonOptions): string {
  const q = (s: string) => JSON.stringify(s);
  return `---
audit-format: 1
id: ${q(o.id)}
title: ${q(o.title)}
status: draft
date: ${o.date}
auditors:
  - name: ${q(o.auditor)}
subject: ""
classification: internal
redact: []
---

# ${o.title.replace(/[\r\n]+/g, ' ')}

## Summary

${SUMMARY_HINT}

## Device

${block('device', [['id', 'D1'], ['vendor', ''], ['model', ''], ['os', ''], ['build', ''], ['identifiers', {}]], { item: false })}

## Method

${block('step', [['id', 'S1'], ['action', ''], ['expected', ''], ['observed', ''], ['device', 'D1'], ['date', o.date], ['evidence', ['E1']]])}

## Observed data flows

${block('flow', [['id', 'F1'], ['from', 'D1'], ['to', ''], ['country', ''], ['protocol', 'https'], ['encryption', 'unknown'], ['data', []], ['consent', 'unknown'], ['step', 'S1'], ['evidence', ['E1']]])}

## Evidence

${EVIDENCE_HINT}

${block('evidence', [['id', 'E1'], ['file', ''], ['kind', 'pcap'], ['captured', o.date], ['description', '']])}

## Responses

${block('response', [['id', 'V1'], ['date', o.date], ['party', 'vendor'], ['by', ''], ['source', ''], ['statement', ''], ['addresses', ['F1']], ['verdict', 'unverified']])}

## Findings

${block('finding', [['id', 'FN1'], ['title', ''], ['severity', 'medium'], ['flows', ['F1']], ['evidence', ['E1']], ['status', 'open'], ['recommendation', '']])}
`;
}
