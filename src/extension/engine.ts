/**
 * The core, as the extension loads it: bundled separately (dist/engine.js)
 * and required on first use, so that activation stays cheap.
 */
export { CONFIG_FILE, DEFAULT_CONFIG, parseConfig, parseLintSettings, type ProjectConfig } from '../core/lint/config';
export { evidenceBlock, evidenceKindOf, EvidenceChecker, isInside, type EvidenceStatus } from '../core/lint/evidence';
export type { CaptureOutcome } from '../core/lint/captures';
export { nodeEvidenceFs } from '../node/evidence-files';
export { nodeCaptureScans } from '../node/capture/scan-cache';
export { RULES, RULES_BY_ID } from '../core/lint';
export { nextId, nextIdNumber } from '../core/lint/edits';
export { ALL_RULE_IDS } from '../core/lint/ids';
export { docsUrl } from '../core/lint/rule';
export { carryDiagnostics, Linter, type LintResult } from '../core/lint/linter';
export { confirmedFlowIds } from '../core/lint/confirm';
export { RECORD_KINDS, type AuditRecord, type Report } from '../core/report/model';
export { parseReport } from '../core/report/parse';
export { completions, definition, documentSymbols, hover, prepareRename, references, rename, summary, type DocSymbol } from '../core/features/service';
export { locatorTarget, type LocatorTarget } from '../core/features/locators';
export { RECORD_FIELDS } from '../core/report/schema';
export { Taxonomy } from '../core/report/taxonomy';
export { reportSkeleton } from '../core/features/skeleton';
export { taxonomyFor } from '../core/lint/linter';
export { parseWebviewMessage } from '../core/protocol';
export { buildEditorModel, proseSegments } from '../core/edit/viewmodel';
export { renderReport, type RenderOptions, type RenderedReport } from '../core/present/render/html';
export { imageSources, type ImageView } from '../core/present/render/markdown';
export { loadImages } from '../node/images';
export { PartKeys, type KeyedPart } from '../core/present/render/parts';
export { renderProse } from '../core/present/render/prose';
export { dataFlowDiagram, timelineDiagram, timelineHtml, redactionMask, type DataFlowDiagram, type TimelineDiagram } from '../core/present/diagram';
export { applyIntent, type Intent as EditIntent } from '../core/edit';
export { citationsOf, referencesTo } from '../core/edit/references';
export { LIMITS } from '../core/report/yaml';
