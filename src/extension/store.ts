/**
 * Keeps one linter per open report and the latest result of each: lints on
 * open, while typing (debounced; a stale result never overwrites a newer one),
 * on save, when the configuration changes, and when an evidence file a report
 * names changes on disk.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as Engine from './engine';
import { engine } from './lazy';
import { keylogFor } from './scanShow';
import { isReportUri, readClosedReport, toRange } from './util';

export const SOURCE = 'privacy-audit';

export const isReport = (doc: vscode.TextDocument) => isReportUri(doc.uri);

export interface LintEvent {
  uri: vscode.Uri;
  version: number;
  result: Engine.LintResult;
}

interface DocState {
  linter: Engine.Linter;
  result?: Engine.LintResult;
  version?: number;
  timer?: ReturnType<typeof setTimeout>;
}

export class ReportStore implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly docs = new Map<string, DocState>();
  private readonly configs = new Map<string, Promise<Engine.ProjectConfig>>();
  /** Reports linted by *Lint Workspace* keep their problems when closed. */
  private readonly fromWorkspaceLint = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<LintEvent>();
  readonly onDidLint = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {
    this.disposables.push(this.diagnostics, this.emitter);
  }

  enabled(uri: vscode.Uri): boolean {
    return vscode.workspace.getConfiguration('privacyAudit', uri).get<boolean>('enable', true);
  }

  get debounceMs(): number {
    return vscode.workspace.getConfiguration('privacyAudit').get<number>('lint.debounceMs', 200);
  }

  private state(uri: vscode.Uri): DocState {
    const key = uri.toString();
    let s = this.docs.get(key);
    if (!s) this.docs.set(key, (s = { linter: new (engine().Linter)() }));
    return s;
  }

  /** The project configuration for a document: VS Code settings, then `.privacy-audit.yaml`. */
  config(uri: vscode.Uri): Promise<Engine.ProjectConfig> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const key = folder?.uri.toString() ?? '';
    let p = this.configs.get(key);
    if (!p) {
      p = this.loadConfig(folder);
      this.configs.set(key, p);
    }
    return p;
  }

  private async loadConfig(folder: vscode.WorkspaceFolder | undefined): Promise<Engine.ProjectConfig> {
    const e = engine();
    const settings = vscode.workspace.getConfiguration('privacyAudit', folder?.uri);
    const fromSettings = e.parseLintSettings(settings.get('lint.rules', {}), e.ALL_RULE_IDS);
    for (const err of fromSettings.errors) this.output.warn(`Setting privacyAudit.lint.rules: ${err}`);
    const base: Engine.ProjectConfig = { ...e.DEFAULT_CONFIG, lint: fromSettings.settings, evidenceRoot: settings.get('evidenceFolder', 'evidence') };
    if (!folder) return base;
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, e.CONFIG_FILE)));
    } catch {
      return base;
    }
    const { config, errors } = e.parseConfig(text, e.ALL_RULE_IDS);
    for (const err of errors) this.output.warn(`${e.CONFIG_FILE}: ${err}`);
    // the project's file wins over personal settings, so the editor agrees with the command line
    return { ...config, lint: { ...base.lint, ...config.lint }, evidenceRoot: /evidence-root/.test(text) ? config.evidenceRoot : base.evidenceRoot };
  }

  /** Forget cached configuration (settings or `.privacy-audit.yaml` changed, the workspace trusted) and lint everything again. */
  reloadConfig(): void {
    this.configs.clear();
    this.capturesConfigured = false;
    this.lintAllOpen();
  }

  private capturesConfigured = false;

  /**
   * The claim rules read captures as *Scan Captures* does: with the
   * `tsharkPath` setting (a program: only in a trusted workspace) and the
   * `keylogFile` of the capture's workspace folder.
   */
  private configureCaptures(): void {
    if (this.capturesConfigured) return;
    this.capturesConfigured = true;
    const tshark = vscode.workspace.isTrusted ? vscode.workspace.getConfiguration('privacyAudit').get<string>('tsharkPath') || undefined : undefined;
    engine().nodeCaptureScans.configure({ tshark, keylog: keylogOfCapture });
  }

  lintAllOpen(): void {
    for (const d of vscode.workspace.textDocuments) if (isReport(d)) void this.lint(d);
  }

  /** The model of the document's current text (parsed now if the last lint is older). */
  report(doc: vscode.TextDocument): Engine.Report {
    const s = this.state(doc.uri);
    if (s.result && s.version === doc.version) return s.result.report;
    return s.linter.parse(doc.getText());
  }

  /** The latest lint result (possibly of an older version of the text). */
  lastResult(doc: vscode.TextDocument): Engine.LintResult | undefined {
    return this.docs.get(doc.uri.toString())?.result;
  }

  /** The lint result of `version` when that is the document's current version and the last one linted, else undefined. */
  resultOf(doc: vscode.TextDocument, version: number): Engine.LintResult | undefined {
    const s = this.docs.get(doc.uri.toString());
    return s?.result && s.version === version && doc.version === version ? s.result : undefined;
  }

  schedule(doc: vscode.TextDocument): void {
    if (!isReport(doc)) return;
    const s = this.state(doc.uri);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => void this.lint(doc), this.debounceMs);
  }

  async lint(doc: vscode.TextDocument): Promise<Engine.LintResult | undefined> {
    if (!isReport(doc)) return undefined;
    if (!this.enabled(doc.uri)) {
      this.diagnostics.delete(doc.uri);
      return undefined;
    }
    const s = this.state(doc.uri);
    clearTimeout(s.timer);
    const version = doc.version;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    this.configureCaptures();
    try {
      const result = await s.linter.lint(doc.getText(), {
        filePath: doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined,
        root: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
        config: await this.config(doc.uri),
      });
      // a newer edit has been linted or is on its way: drop this stale result
      if (doc.isClosed || doc.version !== version || (s.version !== undefined && s.version > version)) return undefined;
      s.result = result;
      s.version = version;
      this.diagnostics.set(doc.uri, result.diagnostics.map((d) => toDiagnostic(doc, d)));
      this.emitter.fire({ uri: doc.uri, version, result });
      return result;
    } catch (err) {
      this.output.error(`Linting ${doc.uri.fsPath} failed: ${(err as Error).stack ?? String(err)}`);
      return undefined;
    }
  }

  /** Lints a report that is not open (for *Lint Workspace*). */
  async lintFile(uri: vscode.Uri): Promise<number> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return (await this.lint(open))?.diagnostics.length ?? 0;
    let skipped = '';
    const text = await readClosedReport(uri, engine().LIMITS.maxFileChars, (why) => (skipped = why));
    if (text === undefined) {
      // the Problems panel says why, on the file's first line
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `Not read: ${skipped}.`, vscode.DiagnosticSeverity.Error);
      d.source = 'privacy-audit';
      d.code = 'PA000';
      this.diagnostics.set(uri, [d]);
      return 1;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    this.configureCaptures();
    const result = await new (engine().Linter)().lint(text, {
      filePath: uri.scheme === 'file' ? uri.fsPath : undefined,
      root: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
      config: await this.config(uri),
    });
    const doc = { uri, positionAt: (o: number) => positionIn(result.report.lines, o) };
    this.diagnostics.set(uri, result.diagnostics.map((d) => toDiagnostic(doc, d)));
    this.fromWorkspaceLint.add(uri.toString());
    return result.diagnostics.length;
  }

  closed(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const s = this.docs.get(key);
    if (s) clearTimeout(s.timer);
    this.docs.delete(key);
    if (!this.fromWorkspaceLint.has(key)) this.diagnostics.delete(doc.uri);
  }

  /** An evidence file changed on disk: lint the open reports that name it. */
  evidenceChanged(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    const changed = path.resolve(uri.fsPath);
    for (const doc of vscode.workspace.textDocuments) {
      const r = this.docs.get(doc.uri.toString())?.result;
      if (!r) continue;
      for (const st of r.evidence.values()) {
        if ('path' in st && st.path === changed) {
          this.schedule(doc);
          break;
        }
      }
    }
  }

  dispose(): void {
    for (const s of this.docs.values()) clearTimeout(s.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function positionIn(lines: { positionAt(o: number): { line: number; character: number } }, o: number): vscode.Position {
  const p = lines.positionAt(o);
  return new vscode.Position(p.line, p.character);
}

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

/** A core diagnostic as a VS Code diagnostic whose code links to the rule's page. */
export function toDiagnostic(doc: { uri: vscode.Uri; positionAt(offset: number): vscode.Position }, d: Engine.LintResult['diagnostics'][number]): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(doc, d.span), d.message, SEVERITY[d.severity]);
  out.source = SOURCE;
  out.code = { value: d.rule, target: vscode.Uri.parse(engine().docsUrl(d.rule)) };
  if (d.related?.length) {
    out.relatedInformation = d.related.map(
      (r) =>
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(doc.uri, new vscode.Range(r.range.start.line, r.range.start.character, r.range.end.line, r.range.end.character)),
          r.message,
        ),
    );
  }
  return out;
}

/** The key log of a capture: the `keylogFile` setting of its workspace folder. */
const keylogOfCapture = (captureFile: string): string | undefined => keylogFor(vscode.Uri.file(captureFile));
