/**
 * The typed model of an audit report. Every node keeps its exact source span
 * (UTF-16 offsets into the BOM-less text); `Report.lines` turns spans into
 * line/column ranges as VS Code counts them.
 */
import type { LineIndex } from './text';
import type { Span } from './types';

export const RECORD_KINDS = ['device', 'step', 'flow', 'evidence', 'response', 'retest', 'finding'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export function isRecordKind(s: string): s is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(s);
}

/** Id prefix of each record kind (`FN` must be tried before `F`). */
export const ID_PREFIX: Record<RecordKind, string> = {
  device: 'D',
  step: 'S',
  flow: 'F',
  evidence: 'E',
  response: 'V',
  retest: 'R',
  finding: 'FN',
};

const ID_PATTERN = /^(FN|D|S|F|E|V|R)(\d+)$/;
const PREFIX_KIND: Record<string, RecordKind> = Object.fromEntries(
  Object.entries(ID_PREFIX).map(([k, p]) => [p, k as RecordKind]),
);

/** The kind an id's style names (`FN2` → finding), or undefined for another style. */
export function kindOfId(id: string): RecordKind | undefined {
  const m = ID_PATTERN.exec(id);
  return m ? PREFIX_KIND[m[1]!] : undefined;
}

export type ScalarValue = string | number | boolean | null;

export type YNode = YScalar | YSeq | YMap;

export interface YScalar {
  type: 'scalar';
  value: ScalarValue;
  span: Span;
  /** True when written in quotes or as a block scalar. */
  quoted: boolean;
}

export interface YSeq {
  type: 'seq';
  items: YNode[];
  span: Span;
  flow: boolean;
}

export interface YMap {
  type: 'map';
  entries: YEntry[];
  span: Span;
  flow: boolean;
}

export interface YEntry {
  key: string;
  keySpan: Span;
  /** Null when the key has no value (`evidence:`). */
  value: YNode | null;
  /** From the key to the end of the value. */
  span: Span;
}

/** A problem found while parsing, reported by rules PA000–PA002. */
export interface ParseProblem {
  rule: 'PA000' | 'PA001' | 'PA002';
  message: string;
  span: Span;
  /** The file cannot be read as a report at all (too large, binary, no Markdown parse): no other rule runs, and nothing of it is rendered. */
  fatal?: true;
}

export interface AuditRecord {
  kind: RecordKind;
  /** The record's id; a single device without id is known as `D1`. */
  id: string | undefined;
  idSpan: Span | undefined;
  /** True when the id was implied rather than written. */
  implicitId: boolean;
  map: YMap;
  span: Span;
  block: RecordBlock;
  /** Position of the record in the report, counting all kinds. */
  index: number;
  /** Field lookup by name (first occurrence). */
  fields: ReadonlyMap<string, YEntry>;
}

export interface RecordBlock {
  kind: RecordKind;
  /** The whole fence, from the opening to the closing marker line. */
  span: Span;
  /** The YAML text between the fences. */
  contentSpan: Span;
  /** 0-based line of the opening fence. */
  openLine: number;
  /** 0-based line of the closing fence, or -1 when the fence is never closed. */
  closeLine: number;
  /** Indentation prefix of the fence lines (non-empty for blocks in lists or quotes). */
  indent: string;
  /** The opening fence marker, e.g. ``` or ~~~~. */
  marker: string;
  shape: 'mapping' | 'sequence' | 'empty' | 'invalid';
  records: AuditRecord[];
}

export type RefField =
  | 'evidence'
  | 'step'
  | 'device'
  | 'from'
  | 'addresses'
  | 'verifies'
  | 'flows'
  | 'source'
  | 'citation';

export interface Reference {
  id: string;
  locator: string | undefined;
  /** The id and locator as written. */
  span: Span;
  idSpan: Span;
  /** The record holding the reference, or undefined for a prose citation. */
  from: AuditRecord | undefined;
  field: RefField;
  /** Kinds the reference may point to. */
  expected: readonly RecordKind[];
}

export interface Heading {
  level: number;
  text: string;
  line: number;
  span: Span;
}

export interface FrontMatter {
  /** The `---` … `---` region, markers included. */
  span: Span;
  contentSpan: Span;
  closed: boolean;
  map: YMap | undefined;
  fields: ReadonlyMap<string, YEntry>;
}

export interface Report {
  text: string;
  lines: LineIndex;
  /** True when a byte-order mark was stripped from the start. */
  hadBom: boolean;
  frontMatter: FrontMatter | undefined;
  blocks: RecordBlock[];
  records: AuditRecord[];
  /** Record lookup by id (first definition). */
  byId: ReadonlyMap<string, AuditRecord>;
  references: Reference[];
  citations: Reference[];
  headings: Heading[];
  problems: ParseProblem[];
  /**
   * The Markdown link reference definitions (`[label]: url`) of the text, as
   * markdown-it collected them: a re-scan of part of the text after a prose
   * edit reads citations with them (src/core/report/incremental.ts).
   */
  linkReferences?: Readonly<Record<string, unknown>>;
}

/** Plain JavaScript value of a node (for formatting and simple checks). */
export function toPlain(node: YNode | null | undefined): unknown {
  if (!node) return null;
  if (node.type === 'scalar') return node.value;
  if (node.type === 'seq') return node.items.map(toPlain);
  const o: Record<string, unknown> = {};
  for (const e of node.entries) o[e.key] = toPlain(e.value);
  return o;
}

/** The scalar text of a field, or undefined when absent or not a scalar. */
export function scalarText(entry: YEntry | undefined): string | undefined {
  const v = entry?.value;
  if (!v || v.type !== 'scalar' || v.value === null) return undefined;
  return String(v.value);
}

/** Items of a list field; a scalar counts as a one-item list. */
export function listItems(entry: YEntry | undefined): YNode[] {
  const v = entry?.value;
  if (!v) return [];
  if (v.type === 'seq') return v.items;
  if (v.type === 'scalar' && v.value === null) return [];
  return [v];
}

/**
 * The scalar as written in the source, without quotes. Used where YAML's typing
 * would change the text: a sha256 of digits only would otherwise read as a number.
 */
export function writtenText(text: string, entry: YEntry | undefined): string | undefined {
  return entry?.value ? writtenScalar(text, entry.value) : undefined;
}

/** A scalar node as written (see `writtenText`); undefined for null, a list or a mapping. */
export function writtenScalar(text: string, v: YNode): string | undefined {
  if (v.type !== 'scalar' || v.value === null) return undefined;
  if (typeof v.value === 'string') return v.value;
  return text.slice(v.span.start, v.span.end).trim();
}
