/**
 * *Open Preview to the Side*: the report rendered by the core renderer, with
 * its diagrams drawn by the bundled mermaid, updated as the text changes,
 * following the editor's scroll; a click on a flow row or an edge reveals the
 * record in the text editor.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ToWebview } from '../core/protocol';
import type * as Engine from './engine';
import { engine } from './lazy';
import { activeReportUri } from './active';
import type { ReportStore } from './store';
import { webviewHtml, webviewRoots } from './webviewHtml';

export const PREVIEW_VIEW_TYPE = 'privacyAudit.preview';
const TRACE = !!process.env.PRIVACY_AUDIT_TRACE;

interface Preview {
  panel: vscode.WebviewPanel;
  doc: vscode.TextDocument;
  ready: boolean;
  /** The version and diagnostics state last sent, so the same content is not sent twice. */
  lastSent: string;
  /** Keys of the parts the webview holds. */
  keys: Set<string>;
  /** Keys of the parts, stable between renders. */
  partKeys?: Engine.PartKeys;
  /** Version and problems of the last render, to skip a render that would show the same. */
  shown: string;
  timer?: ReturnType<typeof setTimeout>;
  /** The diagrams of the last render and what they were made from. */
  diagrams?: { source: string; taxonomy: Engine.Taxonomy; dataflow: Engine.DataFlowDiagram; timeline: string };
  /** When the last change arrived, and when the last quick render started. */
  changedAt?: number;
  quickAt?: number;
  /** The report's images as last read (src/node/images.ts), and what they were read for; `loading`: the key of a read under way. */
  images?: { key: string; map: ReadonlyMap<string, Engine.ImageView> };
  imagesLoading?: string;
}

/** The text the diagrams are made from: the front matter and every record block, in order. */
function diagramSource(report: Engine.Report): string {
  const fm = report.frontMatter;
  const pieces = fm ? [report.text.slice(fm.span.start, fm.span.end)] : [''];
  for (const b of report.blocks) pieces.push(b.kind, report.text.slice(b.contentSpan.start, b.contentSpan.end));
  return pieces.join('\u0000');
}

export class PreviewManager implements vscode.Disposable {
  private readonly previews = new Map<string, Preview>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<{ uri: vscode.Uri; version: number; html: string }>();
  /** Fires after a render message was posted (tests and the benchmark wait on it). */
  readonly onDidRender = this.emitter.event;
  private readonly painted = new vscode.EventEmitter<{ uri: vscode.Uri; version: number; webviewMs?: number }>();
  /** Fires when the webview reports that it has shown a version (diagrams drawn). */
  readonly onDidPaint = this.painted.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly store: ReportStore) {
    this.disposables.push(
      this.emitter,
      this.painted,
      store.onDidLint((e) => {
        const p = this.previews.get(e.uri.toString());
        if (p) this.post(p, e.result, e.version);
      }),
      // while typing, show the text at once (with the latest problems that still fit) rather than after the lint
      vscode.workspace.onDidChangeTextDocument((e) => {
        const p = this.previews.get(e.document.uri.toString());
        if (!p || !e.contentChanges.length) return;
        clearTimeout(p.timer);
        p.changedAt = performance.now();
        // the first change after a pause is shown at once; while typing goes on, changes are gathered for 40 ms
        const idle = p.changedAt - (p.quickAt ?? -Infinity) > 150;
        p.timer = setTimeout(() => {
          p.quickAt = performance.now();
          this.postQuick(p);
        }, idle ? 0 : 40);
      }),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        const p = this.previews.get(e.textEditor.document.uri.toString());
        const top = e.visibleRanges[0]?.start.line;
        if (p?.ready && top !== undefined) void p.panel.webview.postMessage({ type: 'scrollTo', line: top } satisfies ToWebview);
      }),
    );
  }

  /** Opens (or reveals) the preview of `doc` beside its editor. */
  async open(doc: vscode.TextDocument): Promise<vscode.WebviewPanel> {
    const key = doc.uri.toString();
    const existing = this.previews.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(PREVIEW_VIEW_TYPE, `Preview ${doc.uri.path.split('/').pop()}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: webviewRoots(this.extensionUri),
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'preview.svg');
    const p: Preview = { panel, doc, ready: false, lastSent: '', keys: new Set(), shown: '' };
    this.previews.set(key, p);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { script: 'preview.js', title: 'Privacy Audit preview', bodyClass: 'pa-preview' });
    panel.onDidDispose(() => {
      clearTimeout(p.timer);
      this.previews.delete(key);
    }, undefined, this.disposables);
    panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(p, raw), undefined, this.disposables);
    return panel;
  }

  private async receive(p: Preview, raw: unknown): Promise<void> {
    const msg = engine().parseWebviewMessage(raw);
    if (!msg) return; // not part of the protocol: dropped
    if (msg.type === 'ready') {
      p.ready = true;
      const result = (await this.store.lint(p.doc)) ?? this.store.lastResult(p.doc);
      if (result) this.post(p, result, p.doc.version, true);
      // start where the editor is
      const top = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === p.doc.uri.toString())?.visibleRanges[0]?.start.line;
      if (top) void p.panel.webview.postMessage({ type: 'scrollTo', line: top } satisfies ToWebview);
    } else if (msg.type === 'painted') {
      this.painted.fire({ uri: p.doc.uri, version: msg.version, webviewMs: msg.ms });
    } else if (msg.type === 'reveal') {
      await revealLine(p.doc, msg.line);
    } else if (msg.type === 'revealRecord') {
      const r = this.store.report(p.doc).byId.get(msg.id);
      if (r) await revealLine(p.doc, p.doc.positionAt(r.idSpan?.start ?? r.span.start).line);
    }
  }

  /** Renders the current text with the last lint's problems when they still belong to it. */
  private postQuick(p: Preview): void {
    if (!p.ready || p.doc.isClosed) return;
    const last = this.store.lastResult(p.doc);
    const t = performance.now();
    const report = this.store.report(p.doc);
    if (TRACE) console.log(`BENCH trace quick parse ${(performance.now() - t).toFixed(0)} ms, ${(t - (p.changedAt ?? t)).toFixed(0)} ms after the change event`);
    if (last && last.report === report) return this.post(p, last, p.doc.version);
    const evidence = new Map<Engine.AuditRecord, Engine.EvidenceStatus>();
    if (last) for (const [r, st] of last.evidence) if (r.id) { const now = report.byId.get(r.id); if (now) evidence.set(now, st); }
    const captures = new Map<Engine.AuditRecord, Engine.CaptureOutcome>();
    if (last) for (const [r, c] of last.captures) if (r.id) { const now = report.byId.get(r.id); if (now) captures.set(now, c); }
    const e = engine();
    const taxonomy = last?.taxonomy ?? e.Taxonomy.builtIn;
    const diagnostics = last ? e.carryDiagnostics(last.report, report, last.diagnostics) : [];
    this.post(p, { report, diagnostics, taxonomy, evidence, captures, canaries: last?.canaries ?? [], ...(last?.geoData ? { geoData: last.geoData } : {}) }, p.doc.version, false, 'quick');
  }

  private post(p: Preview, result: Engine.LintResult, version: number, force = false, stage = 'linted'): void {
    const stamp = `${version}:${stage}`;
    if (!p.ready || (!force && (stamp === p.lastSent || p.lastSent === `${version}:linted`))) return;
    p.lastSent = stamp;
    // the lint found what the quick render already showed (often: no problems): nothing to redraw
    const shown = `${version}:${result.diagnostics.map((d) => `${d.rule}${d.span.start}:${d.message}`).join('|')}:${[...result.evidence.values()].map((st) => st.state).join()}:${[...result.captures.values()].map((c) => (c.state === 'read' ? (c.result.sha256 ?? c.result.path) : 'unread')).join()}`;
    if (TRACE) console.log(`BENCH trace ${stage} v${version}: ${result.diagnostics.length} diagnostics${result.diagnostics.length ? ` (${result.diagnostics.slice(0, 3).map((d) => `${d.rule} ${d.message.slice(0, 60)}`).join('; ')})` : ''}, ${result.evidence.size} evidence, same as shown: ${shown === p.shown}`);
    const images = this.imagesFor(p, result);
    if (!force && `${shown}:${p.images?.key ?? ''}` === p.shown) return;
    p.shown = `${shown}:${p.images?.key ?? ''}`;
    const e = engine();
    const t0 = performance.now();
    // the diagrams come from the front matter and the record blocks only: a prose edit reuses them
    // (and from which flows the captures confirm)
    const confirmed = e.confirmedFlowIds(result);
    const source = `${diagramSource(result.report)}\u0000${[...confirmed].join()}`;
    if (p.diagrams?.source !== source || p.diagrams.taxonomy !== result.taxonomy) {
      p.diagrams = { source, taxonomy: result.taxonomy, dataflow: e.dataFlowDiagram(result.report, result.taxonomy, { legend: false, palette: 'theme', confirmed }), timeline: e.timelineHtml(result.report).html };
    }
    const { dataflow, timeline } = p.diagrams;
    const t1 = performance.now();
    const rendered = e.renderReport(result, {
      mode: 'preview',
      ...(images ? { images } : {}),
      diagrams: { dataflow: dataflow.text, timelineHtml: timeline, dataflowLegend: dataflow.legendItems, ...(dataflow.note ? { dataflowNote: dataflow.note } : {}) },
    });
    const t2 = performance.now();
    const parts = (p.partKeys ??= new e.PartKeys()).key(rendered.parts);
    if (TRACE) console.log(`BENCH trace ${stage} v${version}: diagrams ${(t1 - t0).toFixed(0)} ms, render ${(t2 - t1).toFixed(0)} ms, keys ${(performance.now() - t2).toFixed(0)} ms`);
    // send the HTML only of the parts the webview does not hold
    const msg: ToWebview = {
      type: 'render',
      version,
      mode: rendered.mode,
      parts: parts.map((x) => (p.keys.has(x.key) && !force ? { key: x.key, base: x.base } : x)),
      edgeFlows: dataflow.edgeFlows,
      nodeRecords: dataflow.nodeRecords,
    };
    p.keys = new Set(parts.map((x) => x.key));
    if (TRACE) console.log(`BENCH trace ${stage} v${version}: posting ${(performance.now() - (p.changedAt ?? 0)).toFixed(0)} ms after the change event, ${msg.parts.filter((x) => 'html' in x).length} of ${msg.parts.length} parts with HTML`);
    void p.panel.webview.postMessage(msg).then(() => this.emitter.fire({ uri: p.doc.uri, version, html: rendered.html }));
  }

  /**
   * The report's images as last read. When the images the report names, or
   * their evidence hashes, differ from those of the last read, they are read
   * again in the background and the preview is rendered again when they are
   * there (until then: the last images, or placeholders).
   */
  private imagesFor(p: Preview, result: Engine.LintResult): ReadonlyMap<string, Engine.ImageView> | undefined {
    const e = engine();
    const sources = e.imageSources(result.report);
    if (!sources.length || p.doc.uri.scheme !== 'file') return undefined;
    const hashes = [...result.evidence.values()].map((st) => (st.state === 'ok' ? st.sha256 : st.state)).join();
    const key = `${sources.join('\u0000')}\u0001${hashes}`;
    if (p.images?.key !== key && p.imagesLoading !== key) {
      p.imagesLoading = key;
      const folder = vscode.workspace.getWorkspaceFolder(p.doc.uri);
      const filePath = p.doc.uri.fsPath;
      void e.loadImages(sources, { filePath, root: folder?.uri.scheme === 'file' ? folder.uri.fsPath : path.dirname(filePath) }).then(
        (map) => {
          if (p.imagesLoading !== key || this.previews.get(p.doc.uri.toString()) !== p) return;
          p.imagesLoading = undefined;
          p.images = { key, map };
          const last = this.store.lastResult(p.doc);
          if (last && !p.doc.isClosed) this.post(p, last, p.doc.version, true);
        },
        () => {
          if (p.imagesLoading === key) p.imagesLoading = undefined;
        },
      );
    }
    return p.images?.map;
  }

  dispose(): void {
    for (const p of this.previews.values()) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Shows the text editor of `doc` with the cursor on `line`. */
export async function revealLine(doc: vscode.TextDocument, line: number): Promise<void> {
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString());
  const pos = new vscode.Position(Math.min(line, doc.lineCount - 1), 0);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, selection: new vscode.Range(pos, pos) });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The report to preview: `uri` (the explorer's or an editor title's), else the active report (form or text editor). */
export async function previewTarget(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  const target = uri ?? activeReportUri();
  return target ? vscode.workspace.openTextDocument(target) : undefined;
}
