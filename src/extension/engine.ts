/**
 * The core, as the extension loads it: bundled separately (dist/engine.js)
 * and required on first use, so that activation stays cheap.
 */
export { CONFIG_FILE, DEFAULT_CONFIG, parseConfig, parseLintSettings, type ProjectConfig } from '../core/config';
export { evidenceBlock, evidenceKindOf, EvidenceChecker, isInside, nodeEvidenceFs, type EvidenceStatus } from '../core/evidence';
export { RULES, RULES_BY_ID } from '../core/lint';
export { nextId, nextIdNumber } from '../core/lint/edits';
export { ALL_RULE_IDS } from '../core/lint/ids';
export { docsUrl } from '../core/lint/rule';
export { carryDiagnostics, Linter, type LintResult } from '../core/linter';
export { RECORD_KINDS, type AuditRecord, type Report } from '../core/model';
export { parseReport } from '../core/parse';
export { completions, definition, documentSymbols, hover, prepareRename, references, rename, summary, type DocSymbol } from '../core/service';
export { RECORD_FIELDS } from '../core/schema';
export { Taxonomy } from '../core/taxonomy';
export { reportSkeleton } from '../core/skeleton';
export { taxonomyFor } from '../core/linter';
export { parseWebviewMessage } from '../core/protocol';
export { buildEditorModel, proseSegments } from '../core/viewmodel';
export { renderReport, type RenderOptions, type RenderedReport } from '../core/render/html';
export { imageSources, type ImageView } from '../core/render/markdown';
export { loadImages } from '../node/images';
export { PartKeys, type KeyedPart } from '../core/render/parts';
export { renderProse } from '../core/render/prose';
export { dataFlowDiagram, timelineDiagram, timelineHtml, redactionMask, type DataFlowDiagram, type TimelineDiagram } from '../core/diagram';
export { applyIntent, type Intent as EditIntent } from '../core/edit';
export { citationsOf, referencesTo } from '../core/edit/references';
export { LIMITS } from '../core/yaml';
