import * as vscode from 'vscode';

export interface Span {
  start: number;
  end: number;
}

export function toRange(doc: { positionAt(offset: number): vscode.Position }, span: Span): vscode.Range {
  return new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end));
}

export function toSpan(doc: vscode.TextDocument, range: vscode.Range): Span {
  return { start: doc.offsetAt(range.start), end: doc.offsetAt(range.end) };
}

/** A WorkspaceEdit from core text edits (offsets into `doc`). */
export function toWorkspaceEdit(doc: vscode.TextDocument, edits: readonly { span: Span; newText: string }[], into = new vscode.WorkspaceEdit()): vscode.WorkspaceEdit {
  for (const e of edits) into.replace(doc.uri, toRange(doc, e.span), e.newText);
  return into;
}
