import type { Position, Range, Span } from './types';

/** Maps UTF-16 offsets of a text to 0-based line/column positions and back. Lines end at \n, \r\n or \r. */
export class LineIndex {
  /** Offset of the first character of each line. */
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  /**
   * The index of `text`, made from `prev` (the index of the text before an
   * edit that replaced prev.text[start, oldEnd) and ended at newEnd in
   * `text`): only the edited lines are scanned. Texts with \r are scanned
   * whole, since a \r\n pair may straddle the edit.
   */
  static afterEdit(prev: LineIndex, text: string, start: number, oldEnd: number, newEnd: number): LineIndex {
    if (text.includes('\r') || prev.text.includes('\r')) return new LineIndex(text);
    const idx = Object.create(LineIndex.prototype) as LineIndex;
    const old = prev.lineStarts;
    const first = prev.positionAt(start).line;
    const starts = old.slice(0, first + 1);
    for (let i = old[first]!; i < newEnd; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    const delta = newEnd - oldEnd;
    for (let k = first + 1; k < old.length; k++) if (old[k]! > oldEnd) starts.push(old[k]! + delta);
    (idx as { text: string }).text = text;
    (idx as { lineStarts: number[] }).lineStarts = starts;
    return idx;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo]! };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[Math.max(0, pos.line)]!;
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  /** Offset just past the last character of a line, excluding its line break. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    if (next === undefined) return this.text.length;
    let end = next;
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStarts[line] ?? this.text.length, this.lineEnd(line));
  }

  range(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  /** The line break style of the file, for edits that insert lines. */
  get eol(): string {
    const i = this.text.indexOf('\n');
    return i > 0 && this.text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
  }
}
