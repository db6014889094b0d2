/** The text of a new report: every section and one record of each kind, ready to fill in. */
export interface SkeletonOptions {
  id: string;
  title: string;
  /** ISO date of the report. */
  date: string;
  auditor: string;
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

What was tested, what left the device, and what the vendor said.

## Device

\`\`\`device
id: D1
vendor: ""
model: ""
os: ""
build: ""
identifiers: {}
\`\`\`

## Method

\`\`\`step
- id: S1
  action: ""
  expected: ""
  observed: ""
  device: D1
  date: ${o.date}
  evidence: [E1]
\`\`\`

## Observed data flows

\`\`\`flow
- id: F1
  from: D1
  to: ""
  country: ""
  protocol: https
  encryption: unknown
  data: []
  consent: unknown
  step: S1
  evidence: [E1]
\`\`\`

## Evidence

Add capture files with *Privacy Audit: Add Evidence File…*; each gets its sha256.

\`\`\`evidence
- id: E1
  file: ""
  kind: pcap
  captured: ${o.date}
  description: ""
\`\`\`

## Responses

\`\`\`response
- id: V1
  date: ${o.date}
  party: vendor
  by: ""
  source: ""
  statement: ""
  addresses: [F1]
  verdict: unverified
\`\`\`

## Findings

\`\`\`finding
- id: FN1
  title: ""
  severity: medium
  flows: [F1]
  evidence: [E1]
  status: open
  recommendation: ""
\`\`\`
`;
}
