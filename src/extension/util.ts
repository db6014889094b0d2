import * as vscode from 'vscode';

/** A `*.audit.md` report (by name, as everywhere in the extension). */
export const isReportUri = (uri: vscode.Uri) => uri.path.endsWith('.audit.md');

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

/**
 * A report that is not open, read only when it is a regular file of a sane
 * size: a FIFO named `x.audit.md` would otherwise block the extension host,
 * and a huge file fill its memory. Undefined (with the reason in `skipped`)
 * otherwise.
 */
export async function readClosedReport(uri: vscode.Uri, maxChars: number, skipped?: (reason: string) => void): Promise<string | undefined> {
  const st = await vscode.workspace.fs.stat(uri);
  // a FIFO, socket or device is neither File nor Directory here
  if ((st.type & vscode.FileType.File) === 0) {
    skipped?.('it is not a regular file');
    return undefined;
  }
  if (st.size > maxChars * 3) {
    skipped?.(`it is too large (${st.size} bytes; the limit is ${maxChars * 3})`);
    return undefined;
  }
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` after every task queued before it for the same document has
 * settled: the edits of the structured editor, its quick fixes and Add
 * Evidence are made one at a time, each against the document as it is then.
 */
export function inOrder<T>(uri: vscode.Uri, task: () => Promise<T>): Promise<T> {
  const key = uri.toString();
  const run = (queues.get(key) ?? Promise.resolve()).then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}
