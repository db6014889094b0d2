/** Shared types of the core: positions, ranges, diagnostics and fixes. */

/** A position as VS Code counts it: 0-based line, 0-based UTF-16 column. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A half-open span of UTF-16 offsets into the (BOM-less) file text. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/** A plain text edit that any host can apply: replace `span` of the file text with `newText`. */
export interface TextEdit {
  span: Span;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /**
   * Hosts must ask the user before applying a fix that accepts changed
   * evidence (PA021) or otherwise weakens what the report proves.
   */
  requiresConfirmation?: string;
  /** Safe to include in "fix all". */
  preferred?: boolean;
  /** Inserts a placeholder for the user to fill in; the diagnostic stays until they do. */
  placeholder?: boolean;
}

export interface Diagnostic {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  span: Span;
  fixes?: Fix[];
  /** Ranges elsewhere in the file that explain the problem (e.g. the first definition of a duplicate id). */
  related?: { message: string; range: Range }[];
}
