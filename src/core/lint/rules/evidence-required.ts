import { listItems, type AuditRecord, type RecordKind } from '../../report/model';
import { anchor, recordLabel, type Rule, type RuleContext } from '../rule';

/** True when the record cites at least one evidence id. */
export function hasEvidence(r: AuditRecord): boolean {
  return listItems(r.fields.get('evidence')).some((n) => n.type === 'scalar' && n.value !== null && String(n.value).trim() !== '');
}

/** Reports every record of `kind` (that passes `applies`) without evidence. */
export function requireEvidence(ctx: RuleContext, kind: RecordKind, message: (r: AuditRecord) => string, applies: (r: AuditRecord) => boolean = () => true): void {
  for (const r of ctx.report.records) {
    if (r.kind !== kind || !applies(r) || hasEvidence(r)) continue;
    const e = r.fields.get('evidence');
    ctx.flag(e?.keySpan ?? anchor(r), message(r));
  }
}

export const PA011: Rule = {
  id: 'PA011',
  name: 'step-evidence',
  defaultSeverity: 'warning',
  description: 'A step that records an observed outcome has no evidence.',
  fixable: false,
  check(ctx) {
    requireEvidence(
      ctx,
      'step',
      (r) => `The ${recordLabel(r)} records what was observed but cites no evidence.`,
      (r) => {
        const o = r.fields.get('observed')?.value;
        return !!o && !(o.type === 'scalar' && (o.value === null || String(o.value).trim() === ''));
      },
    );
  },
};

export const PA012: Rule = {
  id: 'PA012',
  name: 'finding-evidence',
  defaultSeverity: 'error',
  description: 'A finding without evidence.',
  fixable: false,
  check(ctx) {
    requireEvidence(ctx, 'finding', (r) => `The ${recordLabel(r)} cites no evidence: a conclusion needs evidence that a reader can check.`);
  },
};

export const PA013: Rule = {
  id: 'PA013',
  name: 'retest-evidence',
  defaultSeverity: 'error',
  description: 'A retest without evidence.',
  fixable: false,
  check(ctx) {
    requireEvidence(ctx, 'retest', (r) => `The ${recordLabel(r)} cites no evidence of what the re-run showed.`);
  },
};
