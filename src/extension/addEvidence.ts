/**
 * Add Evidence File…: files copied into the report's evidence folder (never
 * overwriting), hashed, and recorded in one edit: the first into the
 * evidence record that waits for it, the others as new records.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeOrOnlyReport } from './active';
import { filesGlob } from './commands';
import type * as Engine from './engine';
import { engine } from './lazy';
import { chooseFiles } from './prompts';
import type { ReportStore } from './store';
import { inOrder, toWorkspaceEdit } from './util';

export interface AddEvidenceArgs {
  report?: vscode.Uri;
  files?: vscode.Uri[];
  /** The evidence record whose file is chosen (Add File… on a record of the structured editor). */
  record?: string;
}

/** A file ready to be recorded: its path relative to the report, its hash, its modification time. */
interface NewFile {
  file: string;
  sha256: string;
  captured: string;
}

/**
 * Adds evidence files to a report: files outside the report's evidence folder
 * are copied in (never overwriting) and each is hashed. The first file fills
 * an evidence record that waits for one (`record`, else the first record
 * without file and url that something cites already); the others get
 * records with the next free ids, in an evidence block after the report's
 * last one. Resolves to the ids of the records filled or added.
 */
export async function addEvidence(store: ReportStore, a?: vscode.Uri | AddEvidenceArgs, b?: vscode.Uri[]): Promise<string[] | undefined> {
  const e = engine();
  const args: AddEvidenceArgs = a instanceof vscode.Uri ? { files: b?.length ? b : [a] } : (a ?? {});
  // which report: the one named, else the active form's or text editor's, else the only one open
  const active = args.report ? undefined : activeOrOnlyReport();
  let reportUri = args.report ?? active?.uri;
  if (!reportUri) {
    const reports = await vscode.workspace.findFiles(filesGlob(), '{**/node_modules/**,**/.git/**}', 200);
    const pick = await vscode.window.showQuickPick(
      reports.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { title: 'Add evidence to which report?' },
    );
    if (!pick) return undefined;
    reportUri = pick.uri;
  }
  const doc = await vscode.workspace.openTextDocument(reportUri);
  if (args.record !== undefined) {
    const problem = fillable(store.report(doc), args.record);
    if (typeof problem === 'string') return void vscode.window.showErrorMessage(problem);
  }
  // which files
  let files = args.files;
  if (!files?.length) {
    files = await chooseFiles(args.record ? `Add Evidence File… (${args.record})` : 'Add Evidence File…', 'Add as evidence');
    if (!files?.length) return undefined;
  }
  const reportDir = path.dirname(reportUri.fsPath);
  const config = await store.config(reportUri);
  const evidenceDir = path.resolve(reportDir, config.evidenceRoot);
  const folder = vscode.workspace.getWorkspaceFolder(reportUri);
  if (folder && !e.isInside(folder.uri.fsPath, evidenceDir)) {
    void vscode.window.showErrorMessage(`The evidence folder ${evidenceDir} is outside the workspace; check privacyAudit.evidenceFolder.`);
    return undefined;
  }
  const added: NewFile[] = [];
  for (const f of files) {
    const source = f.fsPath;
    const stat = await fsp.stat(source);
    if (!stat.isFile()) continue;
    let dest = source;
    if (!e.isInside(evidenceDir, source)) {
      await fsp.mkdir(evidenceDir, { recursive: true });
      dest = await freeName(evidenceDir, path.basename(source), source);
      if (dest !== source) await fsp.copyFile(source, dest);
    }
    const sha256 = await e.nodeEvidenceFs.sha256(dest);
    added.push({ file: path.relative(reportDir, dest).split(path.sep).join('/'), sha256, captured: new Date(stat.mtimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z') });
  }
  if (!added.length) return undefined;
  // the records are written against the document as it is once the files are hashed, after any edit queued before
  const done = await inOrder(doc.uri, () => recordEvidence(store, doc, added, args.record));
  if (typeof done === 'string') return void vscode.window.showErrorMessage(done);
  // from a text editor, show where the records are; from the structured editor, stay in it
  if (active?.in === 'text') {
    const pos = new vscode.Position(done.line, 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
  }
  return done.ids;
}

/** Why `id` cannot take a file, or its record. */
function fillable(report: Engine.Report, id: string): Engine.AuditRecord | string {
  const rec = report.byId.get(id);
  if (!rec) return `No record has the id ${id}.`;
  if (rec.kind !== 'evidence') return `${id} is a ${rec.kind} record, not an evidence record.`;
  return rec;
}

/** True when the record has no value for `field` (absent, empty or null). */
function lacks(rec: Engine.AuditRecord, field: string): boolean {
  const v = rec.fields.get(field)?.value;
  return !v || (v.type === 'scalar' && (v.value === null || String(v.value).trim() === ''));
}

/** The first evidence record without file and url that a reference field or a prose citation names already. */
function waitingForFile(report: Engine.Report): Engine.AuditRecord | undefined {
  const e = engine();
  return report.records.find(
    (r) => r.kind === 'evidence' && r.id !== undefined && lacks(r, 'file') && lacks(r, 'url') && (e.referencesTo(report, r.id).length > 0 || e.citationsOf(report, r.id) > 0),
  );
}

/**
 * One edit: the first file into the record that waits for it (one `setFields`
 * intent), the others as new records. Resolves to the ids and the first line
 * changed, or an error.
 */
async function recordEvidence(store: ReportStore, doc: vscode.TextDocument, files: NewFile[], record: string | undefined): Promise<{ ids: string[]; line: number } | string> {
  const e = engine();
  const report = store.report(doc);
  const target = record !== undefined ? fillable(report, record) : waitingForFile(report);
  if (typeof target === 'string') return target;
  const edit = new vscode.WorkspaceEdit();
  const ids: string[] = [];
  let line: number | undefined;
  let rest = files;
  if (target?.id !== undefined) {
    const [first] = files;
    const fields: Record<string, string> = { file: first!.file, sha256: first!.sha256 };
    // a capture time the analyst wrote for the file still to come is kept; a replaced file's is not
    if (lacks(target, 'captured') || !lacks(target, 'file')) fields.captured = first!.captured;
    if (lacks(target, 'kind')) fields.kind = e.evidenceKindOf(first!.file);
    const result = e.applyIntent(report, { type: 'setFields', record: { id: target.id }, fields });
    if ('error' in result) return `${target.id}: ${result.error}`;
    toWorkspaceEdit(doc, result.edits, edit);
    ids.push(target.id);
    line = doc.positionAt(target.span.start).line;
    rest = files.slice(1);
  }
  if (rest.length) {
    let n = e.nextIdNumber(report, 'evidence');
    const records = rest.map((f) => ({ id: `E${n++}`, ...f }));
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const block = e.evidenceBlock(records, eol);
    // after the last evidence block, or at the end of the report
    const lastBlock = [...report.blocks].reverse().find((bl) => bl.kind === 'evidence' && bl.closeLine >= 0);
    if (lastBlock) {
      edit.insert(doc.uri, new vscode.Position(lastBlock.closeLine + 1, 0), `${eol}${block}`);
      line ??= lastBlock.closeLine + 2;
    } else {
      const end = doc.lineAt(doc.lineCount - 1);
      const lead = end.text.trim() ? eol + eol : doc.lineCount > 1 ? eol : '';
      edit.insert(doc.uri, end.range.end, `${lead}${block}`);
      line ??= end.lineNumber + (lead === eol + eol ? 2 : lead ? 1 : 0);
    }
    ids.push(...records.map((r) => r.id));
  }
  if (!(await vscode.workspace.applyEdit(edit))) return 'The report could not be edited.';
  return { ids, line: line ?? 0 };
}

/** `name` in `dir`, or `name-1`, `name-2`, … when a different file already has that name; the existing path when it is the same file. */
async function freeName(dir: string, name: string, source: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = path.join(dir, i ? `${stem}-${i}${ext}` : name);
    try {
      const st = await fsp.stat(candidate);
      const src = await fsp.stat(source);
      if (st.ino === src.ino && st.dev === src.dev) return candidate;
    } catch {
      return candidate;
    }
  }
}
