/**
 * The **Capture Scan** view: the last scan's captures, then the hosts each
 * capture shows a canary going to, then the matches (category and device,
 * where, and the transform chain). What a capture could not read (TLS
 * without keys, limits, errors) is a warning row of that capture, so
 * "nothing found" is never mistaken for "nothing sent". A host whose values
 * only came back in responses is dimmed; within a host, values seen only in
 * responses are in a group of their own. A host the report does not record
 * as a flow yet offers *Add as Flow*; one that it records names the flow.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CaptureResult, FlowProposal, ScanResult } from './scanEngine';
import type { CaptureMatch } from '../core/capture/types';

interface Run {
  report: vscode.Uri;
  result: ScanResult;
}

export type ScanNode =
  | { kind: 'capture'; id: string; cap: CaptureResult; children: ScanNode[] }
  | { kind: 'host'; id: string; cap: CaptureResult; host: string; sent: CaptureMatch[]; received: CaptureMatch[]; children: ScanNode[] }
  | { kind: 'responses'; id: string; host: string; children: ScanNode[] }
  | { kind: 'match'; id: string; cap: CaptureResult; match: CaptureMatch }
  | { kind: 'note'; id: string; level: 'error' | 'warning' | 'info'; text: string; tooltip?: string };

/** Where a host's state comes from: the flows the scan proposes against the report as it is now. */
type Proposals = () => FlowProposal[] | undefined;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "IMEI (D1)" */
export const matchLabel = (m: CaptureMatch) => `${m.category} (${m.device})`;

/** Where in the unit: `body imei` (the JSON or form field), `header x-data › imei`, `query imei`. */
export function matchWhere(m: CaptureMatch): string {
  // `field` (the innermost JSON or form field) is newer than `name`: read it whatever the shape's version
  const field = (m as CaptureMatch & { field?: string }).field;
  const names = [m.name, field].filter((x): x is string => !!x && x !== '');
  return [m.where, names.join(' › ')].filter(Boolean).join(' ');
}

/** "entry=1 · body imei · json → base64" */
export function matchDescription(m: CaptureMatch): string {
  const where = matchWhere(m);
  const chain = m.transforms.join(' → ') + (m.form ? ` (${m.form})` : '');
  return [m.locator, where, chain, m.tls ? 'TLS' : ''].filter(Boolean).join(' · ');
}

/** "CN · AS4808 China Unicom · 42.62.48.113:80" (with "+1" for more addresses) */
export function hostDescription(ms: readonly CaptureMatch[]): string {
  const first = ms.find((m) => m.address) ?? ms[0];
  if (!first) return '';
  // an address off the public Internet has a scope instead of a country
  const where = first.country ?? (first.scope ? `${first.scope} address` : '');
  const net = first.asn !== undefined ? `AS${first.asn}${first.org ? ` ${first.org}` : ''}` : (first.org ?? '');
  const endpoints = [...new Set(ms.filter((m) => m.address).map((m) => (m.port !== undefined ? `${m.address!.includes(':') ? `[${m.address}]` : m.address}:${m.port}` : m.address!)))];
  const addr = endpoints.length ? endpoints[0] + (endpoints.length > 1 ? ` +${endpoints.length - 1}` : '') : '';
  return [where, net, addr].filter(Boolean).join(' · ');
}

function hostKey(m: CaptureMatch): string {
  return m.host ?? m.address ?? '(unknown host)';
}

/** The nodes of one scan. */
export function buildNodes(result: ScanResult): ScanNode[] {
  return result.captures.map((cap, ci) => {
    const id = `c${ci}`;
    const children: ScanNode[] = [];
    const note = (level: 'error' | 'warning' | 'info', text: string, tooltip?: string) => children.push({ kind: 'note', id: `${id}/n${children.length}`, level, text, tooltip });
    if (cap.error) note('error', cap.error);
    if (cap.undecrypted) note('warning', `${plural(cap.undecrypted, 'TLS stream')} not decrypted: not searched`, 'Without the TLS keys their content could not be read: nothing found there does not mean nothing was sent. Give a key log (the privacyAudit.keylogFile setting) or a pcapng with its Decryption Secrets Block.');
    if (cap.quic) note('warning', `${plural(cap.quic, 'QUIC connection')} not decrypted: not searched`);
    for (const w of cap.warnings) note('warning', w);
    const hosts = new Map<string, CaptureMatch[]>();
    for (const m of cap.matches) {
      const k = hostKey(m);
      const g = hosts.get(k);
      if (g) g.push(m);
      else hosts.set(k, [m]);
    }
    const sentFirst = [...hosts].sort(([, a], [, b]) => Number(!a.some((m) => m.direction === 'request')) - Number(!b.some((m) => m.direction === 'request')));
    sentFirst.forEach(([host, ms], hi) => {
      const hid = `${id}/h${hi}`;
      const sent = ms.filter((m) => m.direction === 'request');
      const received = ms.filter((m) => m.direction === 'response');
      const matchNodes = (list: CaptureMatch[], prefix: string): ScanNode[] => list.map((match, mi) => ({ kind: 'match', id: `${prefix}/m${mi}`, cap, match }));
      const hostChildren: ScanNode[] = matchNodes(sent, hid);
      if (received.length && sent.length) hostChildren.push({ kind: 'responses', id: `${hid}/r`, host, children: matchNodes(received, `${hid}/r`) });
      else hostChildren.push(...matchNodes(received, `${hid}/r`));
      children.push({ kind: 'host', id: hid, cap, host, sent, received, children: hostChildren });
    });
    if (!cap.error && !cap.matches.length) note('info', cap.undecrypted || cap.quic ? 'Nothing found in what could be read' : 'Nothing found');
    return { kind: 'capture', id, cap, children };
  });
}

export class ScanTree implements vscode.TreeDataProvider<ScanNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ScanNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private run: Run | undefined;
  private roots: ScanNode[] = [];
  /** host (lower case) → what the report records about it, for the current text of the report. */
  private state: Map<string, { addable: boolean; flows: string[] }> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly proposals: Proposals) {}

  show(run: Run | undefined): void {
    this.run = run;
    this.roots = run ? buildNodes(run.result) : [];
    this.state = undefined;
    this.changed.fire(undefined);
  }

  /** The report changed: recompute which hosts still lack a flow (debounced). */
  refreshSoon(delayMs = 300): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.state = undefined;
      this.changed.fire(undefined);
    }, delayMs);
  }

  private hostState(host: string): { addable: boolean; flows: string[] } {
    if (!this.state) {
      const proposals = this.proposals();
      // the report is not loaded: every host may still be added (adding twice adds nothing)
      if (!proposals) return { addable: true, flows: [] };
      this.state = new Map();
      for (const f of proposals) {
        const k = f.host.toLowerCase();
        const s = this.state.get(k) ?? { addable: false, flows: [] };
        if (f.existing) s.flows.push(f.existing);
        else s.addable = true;
        this.state.set(k, s);
      }
    }
    return this.state.get(host.toLowerCase()) ?? { addable: false, flows: [] };
  }

  getChildren(node?: ScanNode): ScanNode[] {
    if (!node) return this.roots;
    return 'children' in node ? node.children : [];
  }

  getTreeItem(node: ScanNode): vscode.TreeItem {
    switch (node.kind) {
      case 'capture':
        return this.captureItem(node.cap, node.id);
      case 'host':
        return this.hostItem(node);
      case 'responses': {
        const item = new vscode.TreeItem(`Only in responses (${node.children.length})`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('arrow-down', new vscode.ThemeColor('disabledForeground'));
        item.tooltip = 'Values the server sent back. A value seen only in a response is not something the device sent, and never becomes a flow.';
        return item;
      }
      case 'match':
        return this.matchItem(node);
      case 'note': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.level === 'info' ? 'info' : node.level, node.level === 'info' ? undefined : new vscode.ThemeColor(node.level === 'error' ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'));
        item.tooltip = node.tooltip ?? node.text;
        item.contextValue = 'scanNote';
        return item;
      }
    }
  }

  private captureItem(cap: CaptureResult, id: string): vscode.TreeItem {
    const item = new vscode.TreeItem(path.basename(cap.path), vscode.TreeItemCollapsibleState.Expanded);
    item.id = id;
    const units = cap.units === undefined ? '' : cap.format === 'har' ? plural(cap.units, 'entry', 'entries') : plural(cap.units, 'frame');
    item.description = [cap.format, units, cap.evidence, cap.engine].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(cap.error ? 'error' : cap.format === 'har' ? 'json' : 'file-binary');
    const tip = new vscode.MarkdownString();
    tip.appendText(cap.path);
    if (cap.sha256) tip.appendMarkdown(`\n\nsha256 \`${cap.sha256}\``);
    if (this.run?.result.data.geo) tip.appendText(`\n\nCountry and network: ${this.run.result.data.geo}`);
    item.tooltip = tip;
    if (this.run) item.resourceUri = vscode.Uri.file(path.resolve(path.dirname(this.run.report.fsPath), cap.path));
    item.contextValue = 'scanCapture';
    return item;
  }

  private hostItem(node: Extract<ScanNode, { kind: 'host' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(node.host, vscode.TreeItemCollapsibleState.Expanded);
    item.id = node.id;
    const state = node.sent.length ? this.hostState(node.host) : { addable: false, flows: [] };
    const onlyBack = !node.sent.length;
    item.description = (onlyBack ? 'only in responses · ' : state.flows.length ? `${state.flows.join(', ')} · ` : '') + hostDescription([...node.sent, ...node.received]);
    item.iconPath = onlyBack ? new vscode.ThemeIcon('globe', new vscode.ThemeColor('disabledForeground')) : state.addable ? new vscode.ThemeIcon('globe') : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    const first = node.sent[0] ?? node.received[0];
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escapeMd(node.host)}**`);
    if (first?.domain) tip.appendText(`\n\ndomain: ${first.domain}`);
    const desc = hostDescription([...node.sent, ...node.received]);
    if (desc) tip.appendText(`\n\n${desc}`);
    const cats = [...new Set(node.sent.map(matchLabel))];
    tip.appendText(onlyBack ? '\n\nOnly seen in responses: no flow.' : `\n\nSent: ${cats.join(', ')}`);
    if (!onlyBack) tip.appendText(state.addable ? '\n\nNot recorded as a flow yet: Add as Flow.' : `\n\nRecorded as ${state.flows.join(', ') || 'a flow'}.`);
    if (this.run?.result.data.geo) tip.appendText(`\n\nCountry and network: ${this.run.result.data.geo}`);
    item.tooltip = tip;
    item.contextValue = onlyBack ? 'scanHostReceived' : state.addable ? 'scanHostAddable' : 'scanHostRecorded';
    return item;
  }

  private matchItem(node: Extract<ScanNode, { kind: 'match' }>): vscode.TreeItem {
    const m = node.match;
    const item = new vscode.TreeItem(matchLabel(m), vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = matchDescription(m);
    item.iconPath = m.direction === 'request' ? new vscode.ThemeIcon('arrow-up') : new vscode.ThemeIcon('arrow-down', new vscode.ThemeColor('disabledForeground'));
    const lines = [
      `${m.direction === 'request' ? 'Sent' : 'Received (response only)'}: ${matchLabel(m)}`,
      `${m.locator} · ${matchWhere(m)}`,
      `Encoding, outermost first: ${m.transforms.join(' → ')}${m.form ? ` (form: ${m.form})` : ''}`,
      [m.protocol, m.tls ? 'inside TLS' : 'not inside TLS', m.time].filter(Boolean).join(' · '),
    ];
    item.tooltip = lines.join('\n');
    const showable = /^(entry|frame)=\d+$/.test(m.locator) && (node.cap.format === 'har') === m.locator.startsWith('entry=');
    if (showable) {
      item.command = { command: 'privacyAudit.scanShowInCapture', title: 'Show in Capture', arguments: [node] };
      item.contextValue = 'scanMatch';
    }
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
