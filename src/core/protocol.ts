/**
 * The one typed message protocol between the extension and its webviews (the
 * preview and the structured editor). Everything a webview sends is checked
 * with `parseWebviewMessage` and dropped when it does not fit: webviews render
 * reports written by strangers, so their messages are untrusted input.
 * Pure: no DOM, no vscode; compiled into both sides.
 */

// This file imports nothing: the webviews compile against it alone (src/webview/tsconfig.json).

/**
 * The record kinds, as report/model.ts lists them: the same list in the same order, restated so
 * that the protocol needs nothing else. edit/intents.ts does not compile when the two differ.
 */
export const RECORD_KINDS = ['device', 'step', 'flow', 'evidence', 'response', 'retest', 'finding'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

// ------------------------------------------------------------ edit intents (webview → extension; edit/ turns them into text edits)

/**
 * A field's new value. Lists hold strings, numbers (a list of ports) or
 * mappings of strings (the auditors: `{name, org, contact}`); a mapping holds
 * strings (a device's identifiers).
 */
export type FieldValue = string | number | boolean | null | ListItem[] | StringMap;

/** An item of a list value. */
export type ListItem = string | number | StringMap;

/** Keys to string values, in order (`{IMEI: "…", phone number: "…"}`). */
export interface StringMap {
  readonly [key: string]: string;
}

/** A record: by id, or by `AuditRecord.index` (for records without an id). */
export type RecordRef = { id: string } | { index: number };

/** What the structured editor asks for; edit/intents.ts turns it into minimal text edits of the report. */
export type Intent =
  /** Set a field of a record; `null` removes the field. */
  | { type: 'setField'; record: RecordRef; field: string; value: FieldValue }
  /**
   * Add a record with the next free id (or `fields.id` when given and free).
   * With `after`: a new item after that record when its block is a sequence
   * of the same kind, otherwise a new fenced block after that record's block.
   * Without: after the last record of the last top-level block of that kind,
   * or a new block at the end of the report.
   */
  | { type: 'addRecord'; kind: RecordKind; after?: RecordRef; fields?: Record<string, FieldValue> }
  /** Set several fields of one record in one edit (`null` removes a field); new fields go where the schema orders them. */
  | { type: 'setFields'; record: RecordRef; fields: Record<string, FieldValue> }
  /**
   * Remove a sequence item's lines, or the whole fenced block (and one adjacent blank line).
   * With `references: 'remove'`, the record's id is also taken out of every record field that names it.
   */
  | { type: 'deleteRecord'; record: RecordRef; references?: 'keep' | 'remove' }
  /**
   * Replace the text of the prose segment (Markdown outside the front matter and the record blocks)
   * that starts on `line` and reads `old` (as `proseSegments` gives it), with a minimal edit.
   */
  | { type: 'setProse'; line: number; old: string; text: string }
  /** Swap with the neighbouring record of the same block. */
  | { type: 'moveRecord'; record: RecordRef; direction: 'up' | 'down' }
  /** Set a front-matter key; `null` removes it. */
  | { type: 'setFrontMatter'; key: string; value: FieldValue };

// ------------------------------------------------------------ extension → webview

export interface ProblemView {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** 0-based line in the report. */
  line: number;
  /** The field (record field or front-matter key) the problem is on, when it is on one. */
  field?: string;
  /** Index of the diagnostic in the lint result of the model's version (for `applyFix`). */
  diagnostic: number;
  /** Titles of the quick fixes the text editor offers for it, in order (for `applyFix`). */
  fixes: string[];
}

export interface RecordView {
  kind: string;
  id: string | undefined;
  index: number;
  /** 0-based line of the record's first field. */
  line: number;
  /** Index of the record's block in the report (records move only within their block). */
  block: number;
  fields: Record<string, unknown>;
  problems: ProblemView[];
  /** Evidence hash status for evidence records with a file. */
  hash?: 'ok' | 'mismatch' | 'missing' | 'unrecorded' | 'blocked';
  /** One line for the card's header: what a reviewer looks for first. */
  summary: string;
  /** The record in a few words, for the record pickers: its id and its title, name, file or host. */
  label: string;
}

export interface FieldSchema {
  name: string;
  type: string;
  values?: readonly string[];
  doc: string;
  /** A record needs it (the form marks it). */
  required?: boolean;
  /** A value as it is written, shown as the empty field's hint. */
  example?: string;
}

export interface EditorModel {
  version: number;
  frontMatter: Record<string, unknown>;
  frontMatterLine: number;
  records: RecordView[];
  /** Problems that belong to no record (front matter, prose). */
  problems: ProblemView[];
  /**
   * The prose segments (Markdown outside the front matter and the record blocks): the text as
   * written (for `setProse`), its first line, and HTML from the core renderer.
   */
  prose: { line: number; text: string; html: string }[];
  /** Reference fields of each record kind and the record kinds each may name (for the id pickers). */
  refKinds: Record<string, Record<string, readonly string[]>>;
  /** The record kinds, in the order of the form's sections, each with its section's heading. */
  kinds: { kind: RecordKind; title: string }[];
  schema: Record<string, FieldSchema[]>;
  frontMatterSchema: FieldSchema[];
  /**
   * The taxonomy: the name the form writes (`name`), the one name the category is shown under
   * everywhere (`label`, the taxonomy's label, as in the rendered report and the diagrams), the
   * sensitivity, and every other name that means the category.
   */
  categories: { name: string; label: string; sensitivity: string; aliases: string[] }[];
  /**
   * The side pane's figures: the data-flow diagram as mermaid text (drawn in the page) with its key,
   * and the timeline as HTML from the core (masked and escaped there; `timeline` is its mermaid text,
   * for a host that sends no HTML).
   */
  diagrams: { dataflow?: string; timeline?: string; timelineHtml?: string; dataflowLegend?: { risk: string; text: string }[] };
  /** False when the YAML of the front matter or a block is broken: forms are read-only until the text is fixed. */
  editable: boolean;
}

export type ToWebview =
  /**
   * The report as keyed parts in order. `html` is sent only for keys the webview does not have yet
   * (it keeps the elements of the previous render); `data-line` values inside a part are relative to `base`.
   */
  | { type: 'render'; version: number; mode: string; parts: { key: string; base: number; html?: string }[]; edgeFlows: string[][]; nodeRecords: Record<string, string> }
  | { type: 'scrollTo'; line: number }
  | { type: 'model'; model: EditorModel }
  /** `newId`: the id given to an added record (the form moves to it). */
  | { type: 'intentResult'; requestId: number; ok: boolean; error?: string; newId?: string };

// ------------------------------------------------------------ webview → extension

export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; line: number }
  | { type: 'revealRecord'; id: string }
  | { type: 'scrolled'; line: number }
  | { type: 'intent'; requestId: number; version: number; intent: Intent }
  /** Add File…: with `record`, fill that evidence record's file; without, fill an empty cited one or add new ones. */
  | { type: 'addEvidence'; record?: string }
  /** Apply the `fix`-th quick fix of diagnostic `diagnostic` of the lint result of `version`; its result comes back as `intentResult` with `requestId`. */
  | { type: 'applyFix'; requestId?: number; version: number; diagnostic: number; fix: number }
  | { type: 'editSource'; line?: number }
  | { type: 'export'; format: 'pdf' | 'html' }
  /** Save the document once the edits sent before this message are made (Ctrl+S in the form). */
  | { type: 'save' }
  /** The preview has shown a render (diagrams drawn). */
  | { type: 'painted'; version: number; ms?: number };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLine = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 10_000_000;
const isId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(v);
const isKey = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(v);
const KINDS: ReadonlySet<string> = new Set(RECORD_KINDS);

/** A mapping of strings (a device's identifiers, an auditor): a plain object, never one with a prototype of its own. */
function isStringMapValue(v: unknown): boolean {
  if (!isObj(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const entries = Object.entries(v);
  return entries.length <= 200 && entries.every(([k, x]) => k.length > 0 && k.length <= 200 && !/[\u0000-\u001f]/.test(k) && !['__proto__', 'constructor', 'prototype'].includes(k) && typeof x === 'string' && x.length <= 10_000);
}

function isValue(v: unknown): v is FieldValue {
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return v.length <= 100_000;
  if (isObj(v)) return isStringMapValue(v);
  // a list of strings, numbers or mappings of strings (the auditors: `{name, org, contact}`)
  return Array.isArray(v) && v.length <= 1000 && v.every((x) => (typeof x === 'string' && x.length <= 10_000) || (typeof x === 'number' && Number.isFinite(x)) || isStringMapValue(x));
}

function isRef(v: unknown): v is RecordRef {
  if (!isObj(v)) return false;
  if ('id' in v) return Object.keys(v).length === 1 && isId(v.id);
  return Object.keys(v).length === 1 && isLine(v.index);
}

function parseIntent(v: unknown): Intent | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'setField':
      return isRef(v.record) && isKey(v.field) && isValue(v.value) ? { type: 'setField', record: v.record, field: v.field, value: v.value } : undefined;
    case 'setFields': {
      if (!isRef(v.record) || !isObj(v.fields) || Object.getPrototypeOf(v.fields) !== Object.prototype) return undefined;
      const entries = Object.entries(v.fields);
      return entries.length > 0 && entries.length <= 50 && entries.every(([k, x]) => isKey(k) && isValue(x)) ? { type: 'setFields', record: v.record, fields: v.fields as Record<string, FieldValue> } : undefined;
    }
    case 'setProse':
      return isLine(v.line) && typeof v.old === 'string' && v.old.length <= 2_000_000 && typeof v.text === 'string' && v.text.length <= 2_000_000 ? { type: 'setProse', line: v.line, old: v.old, text: v.text } : undefined;
    case 'addRecord': {
      if (typeof v.kind !== 'string' || !KINDS.has(v.kind)) return undefined;
      if (v.after !== undefined && !isRef(v.after)) return undefined;
      if (v.fields !== undefined && !(isObj(v.fields) && Object.entries(v.fields).every(([k, x]) => isKey(k) && isValue(x)))) return undefined;
      return { type: 'addRecord', kind: v.kind as RecordKind, after: v.after as RecordRef | undefined, fields: v.fields as Record<string, FieldValue> | undefined };
    }
    case 'deleteRecord':
      if (!isRef(v.record) || (v.references !== undefined && v.references !== 'keep' && v.references !== 'remove')) return undefined;
      return { type: 'deleteRecord', record: v.record, ...(v.references ? { references: v.references as 'keep' | 'remove' } : {}) };
    case 'moveRecord':
      return isRef(v.record) && (v.direction === 'up' || v.direction === 'down') ? { type: 'moveRecord', record: v.record, direction: v.direction } : undefined;
    case 'setFrontMatter':
      return isKey(v.key) && isValue(v.value) ? { type: 'setFrontMatter', key: v.key, value: v.value } : undefined;
    default:
      return undefined;
  }
}

/** The message if it is one the protocol allows, else undefined (the caller drops it). */
export function parseWebviewMessage(v: unknown): FromWebview | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'save':
      return { type: v.type };
    case 'addEvidence':
      if (v.record === undefined) return { type: 'addEvidence' };
      return isId(v.record) ? { type: 'addEvidence', record: v.record } : undefined;
    case 'applyFix':
      if (!(isLine(v.version) && isLine(v.diagnostic) && isLine(v.fix) && v.fix < 100) || (v.requestId !== undefined && !isLine(v.requestId))) return undefined;
      return { type: 'applyFix', ...(v.requestId !== undefined ? { requestId: v.requestId as number } : {}), version: v.version, diagnostic: v.diagnostic, fix: v.fix };
    case 'reveal':
    case 'scrolled':
      return isLine(v.line) ? { type: v.type, line: v.line } : undefined;
    case 'revealRecord':
      return isId(v.id) ? { type: 'revealRecord', id: v.id } : undefined;
    case 'export':
      return v.format === 'pdf' || v.format === 'html' ? { type: 'export', format: v.format } : undefined;
    case 'painted':
      return isLine(v.version) ? { type: 'painted', version: v.version, ...(typeof v.ms === 'number' && Number.isFinite(v.ms) ? { ms: v.ms } : {}) } : undefined;
    case 'editSource':
      return v.line === undefined || isLine(v.line) ? { type: 'editSource', line: v.line as number | undefined } : undefined;
    case 'intent': {
      if (!isLine(v.requestId) || !isLine(v.version)) return undefined;
      const intent = parseIntent(v.intent);
      return intent ? { type: 'intent', requestId: v.requestId, version: v.version, intent } : undefined;
    }
    default:
      return undefined;
  }
}
