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
 * strings or lists of strings (a device's identifiers).
 */
export type FieldValue = string | number | boolean | null | ListItem[] | ValueMap;

/** An item of a list value. */
export type ListItem = string | number | StringMap;

/** Keys to string values, in order (`{name: "…", org: "…"}`, an item of a list). */
export interface StringMap {
  readonly [key: string]: string;
}

/**
 * Keys to a string or a non-empty list of strings, in order: a device's
 * identifiers (`{IMEI: "…", contacts: ["…", "…"]}`, one value or several per
 * data category).
 */
export interface ValueMap {
  readonly [key: string]: string | string[];
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
  /** For a flow citing entries or frames of a capture: whether they confirm it (src/core/lint/confirm.ts), and the badge's words. */
  claim?: { state: 'confirmed' | 'contradicted' | 'unchecked'; label: string };
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

// ------------------------------------------------------------ checking an intent
//
// Once, where an intent comes in: `parseWebviewMessage` for a webview's message, `applyIntent`
// (edit/intents.ts) for any caller. The first check is the intent's type, with the reason when it
// is not one; a webview's message must also keep to the limits (`fits`). What edit/ checks after
// that is about the document: the record named, a key YAML can write, an id in use.

/** The intent of type `T`. */
export type IntentOf<T extends Intent['type']> = Extract<Intent, { type: T }>;

/** A plain object (as JSON.parse gives it) that maps non-empty keys to strings. */
function isPlainStringMap(v: unknown): v is StringMap {
  return isObj(v) && Object.getPrototypeOf(v) === Object.prototype && Object.entries(v).every(([k, x]) => k !== '' && typeof x === 'string');
}

/** What a value a message holds is, for a validation message. */
const kindOf = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'a list' : typeof x === 'object' ? 'a mapping' : typeof x === 'boolean' ? 'true/false' : `a ${typeof x}`);

/** Why the plain object `v` is not a `ValueMap` (keys to a string or a non-empty list of strings), or undefined. */
function valueMapProblem(v: Record<string, unknown>): string | undefined {
  const rule = 'A mapping value must map non-empty keys to strings or lists of strings';
  for (const [k, x] of Object.entries(v)) {
    const key = JSON.stringify(k);
    if (k === '') return `${rule}: a key is empty.`;
    if (typeof x === 'string') continue;
    if (!Array.isArray(x)) return `${rule}: ${key} is ${kindOf(x)}.`;
    if (x.length === 0) return `${rule}: ${key} is an empty list (give it a value, or remove the key).`;
    const bad = x.find((i) => typeof i !== 'string');
    if (bad !== undefined) return `${rule}: the list of ${key} holds ${kindOf(bad)}.`;
  }
  return undefined;
}

/** Why `value` is not a `FieldValue`, or undefined. */
function valueProblem(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'A number value must be finite.';
  if (Array.isArray(value)) {
    const ok = value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || isPlainStringMap(v));
    return ok ? undefined : 'A list value must hold strings or numbers only, or mappings of non-empty keys to strings.';
  }
  if (isObj(value) && Object.getPrototypeOf(value) === Object.prototype) return valueMapProblem(value);
  return 'A value must be a string, a number, true/false, null, a list (of strings, numbers or mappings of strings) or a mapping of strings or lists of strings.';
}

/** The record reference in `v` (by id when it has a string id), or why there is none. */
function refOf(v: unknown): RecordRef | string {
  if (v && typeof v === 'object') {
    const r = v as { id?: unknown; index?: unknown };
    if (typeof r.id === 'string') return { id: r.id };
    if (typeof r.index === 'number') return { index: r.index };
  }
  return 'A record reference must be {id} or {index}.';
}

/** `v` as field names to values, or why it is not. */
function fieldsOf(v: unknown): Record<string, FieldValue> | string {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'fields must be an object of field names to values.';
  for (const [k, x] of Object.entries(v)) {
    const bad = valueProblem(x);
    if (bad) return `${k}: ${bad}`;
  }
  return v as Record<string, FieldValue>;
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** A string of a mapping or list within the limits of a message. */
const itemFits = (x: string) => x.length <= 10_000;

/**
 * A mapping within the limits of a message: a key a webview sends is never a
 * prototype's name or a control character; a value is a string or a list of
 * at most 100 strings.
 */
const mapFits = (m: ValueMap) => {
  const entries = Object.entries(m);
  return entries.length <= 200 && entries.every(([k, x]) => k.length <= 200 && !/[\u0000-\u001f]/.test(k) && !PROTO_KEYS.includes(k) && (typeof x === 'string' ? itemFits(x) : x.length <= 100 && x.every(itemFits)));
};

/** A `FieldValue` within the limits of a message. */
function valueFits(v: FieldValue): boolean {
  if (typeof v === 'string') return v.length <= 100_000;
  if (Array.isArray(v)) return v.length <= 1000 && v.every((x) => (typeof x === 'string' ? itemFits(x) : typeof x === 'number' || mapFits(x)));
  return isObj(v) ? mapFits(v) : true;
}

/** A record reference as a message writes it: exactly one member, a well-formed id or a line-sized index. */
function refFits(v: unknown): boolean {
  if (!isObj(v) || Object.keys(v).length !== 1) return false;
  return 'id' in v ? isId(v.id) : isLine(v.index);
}

const fieldsFit = (fields: unknown) => isObj(fields) && Object.entries(fields).every(([k, x]) => isKey(k) && valueFits(x as FieldValue));

interface IntentShape<T extends Intent['type']> {
  /** The intent made of `v` (its own members only), or why `v` is not one. */
  check(v: Record<string, unknown>): IntentOf<T> | string;
  /** Whether `v`, an intent of this type, keeps to the limits of a webview's message. */
  fits(v: Record<string, unknown>): boolean;
}

/** Every intent's type check and limits. */
const SHAPES: { [T in Intent['type']]: IntentShape<T> } = {
  setField: {
    check: (v) => {
      const record = refOf(v.record);
      if (typeof record === 'string') return record;
      if (typeof v.field !== 'string') return `${JSON.stringify(v.field)} is not a valid field name.`;
      return valueProblem(v.value) ?? { type: 'setField', record, field: v.field, value: v.value as FieldValue };
    },
    fits: (v) => refFits(v.record) && isKey(v.field) && valueFits(v.value as FieldValue),
  },
  setFields: {
    check: (v) => {
      const record = refOf(v.record);
      if (typeof record === 'string') return record;
      const fields = fieldsOf(v.fields);
      return typeof fields === 'string' ? fields : { type: 'setFields', record, fields };
    },
    fits: (v) => {
      if (!refFits(v.record) || !isObj(v.fields) || Object.getPrototypeOf(v.fields) !== Object.prototype) return false;
      const n = Object.keys(v.fields).length;
      return n > 0 && n <= 50 && fieldsFit(v.fields);
    },
  },
  setProse: {
    check: (v) =>
      typeof v.line === 'number' && Number.isInteger(v.line) && v.line >= 0 && typeof v.old === 'string' && typeof v.text === 'string'
        ? { type: 'setProse', line: v.line, old: v.old, text: v.text }
        : 'setProse needs a line number, the old text and the new text.',
    fits: (v) => isLine(v.line) && (v.old as string).length <= 2_000_000 && (v.text as string).length <= 2_000_000,
  },
  addRecord: {
    check: (v) => {
      if (typeof v.kind !== 'string' || !KINDS.has(v.kind)) return `${JSON.stringify(v.kind)} is not a record kind.`;
      // no fields: undefined or null
      const fields = v.fields === undefined || v.fields === null ? undefined : fieldsOf(v.fields);
      if (typeof fields === 'string') return fields;
      const after = v.after === undefined ? undefined : refOf(v.after);
      if (typeof after === 'string') return after;
      return { type: 'addRecord', kind: v.kind as RecordKind, after, fields };
    },
    fits: (v) => (v.after === undefined || refFits(v.after)) && (v.fields === undefined || fieldsFit(v.fields)),
  },
  deleteRecord: {
    check: (v) => {
      const record = refOf(v.record);
      if (typeof record === 'string') return record;
      if (v.references !== undefined && v.references !== 'keep' && v.references !== 'remove') return 'references must be "keep" or "remove".';
      return { type: 'deleteRecord', record, ...(v.references ? { references: v.references } : {}) };
    },
    fits: (v) => refFits(v.record),
  },
  moveRecord: {
    check: (v) => {
      const record = refOf(v.record);
      if (typeof record === 'string') return record;
      return v.direction === 'up' || v.direction === 'down' ? { type: 'moveRecord', record, direction: v.direction } : 'direction must be "up" or "down".';
    },
    fits: (v) => refFits(v.record),
  },
  setFrontMatter: {
    check: (v) => {
      if (typeof v.key !== 'string') return `${JSON.stringify(v.key)} is not a valid front-matter key.`;
      return valueProblem(v.value) ?? { type: 'setFrontMatter', key: v.key, value: v.value as FieldValue };
    },
    fits: (v) => isKey(v.key) && valueFits(v.value as FieldValue),
  },
};

function shapeOf(v: unknown): IntentShape<Intent['type']> | string {
  if (!v || typeof v !== 'object') return 'The intent must be an object.';
  const type = (v as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(SHAPES, type)) return `Unknown intent type ${JSON.stringify(type)}.`;
  return SHAPES[type as Intent['type']] as IntentShape<Intent['type']>;
}

/** `v` as an intent (a copy of its own members), or why it is not one. Does not apply a webview's limits (`parseWebviewMessage` does). */
export function checkIntent(v: unknown): { intent: Intent } | { error: string } {
  const shape = shapeOf(v);
  if (typeof shape === 'string') return { error: shape };
  const intent = shape.check(v as Record<string, unknown>);
  return typeof intent === 'string' ? { error: intent } : { intent };
}

/** An intent a webview sent: of its type and within the limits, else undefined. */
function parseIntent(v: unknown): Intent | undefined {
  const shape = shapeOf(v);
  if (typeof shape === 'string' || !isObj(v)) return undefined;
  const intent = shape.check(v);
  return typeof intent !== 'string' && shape.fits(v) ? intent : undefined;
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
