/**
 * Redaction: what a report asks to mask (`collect.ts`, tolerant of broken
 * YAML), how a secret is found however it is spelled (`project.ts`,
 * `engine.ts`), and the last pass over an exported document (`html.ts`).
 */
export { asPattern, collectRedaction, type RedactPattern, type RedactRules } from './collect';
export { compilePattern, compilePatterns, maskFileName, REDACT_LIMITS, REDACTED, RedactionBudgetError, Redactor, redactorFor, type PatternProblem } from './engine';
export { decodeEntities, maskHtml, verifyHtml } from './html';
export { project, projectText, type Projection, type ProjectionKind } from './project';

import type { Report } from '../report/model';
import { redactorFor } from './engine';

/** A function that masks every secret of the report in a string (identity when there is nothing to mask). */
export function redactionMask(report: Report): (s: string) => string {
  const r = redactorFor(report);
  return r.empty ? (s) => s : (s) => r.mask(s);
}
