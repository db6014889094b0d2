/**
 * "The active report" for every command that works on one: the report of the
 * active tab, whether that tab is the structured editor (which has no
 * TextEditor, so `activeTextEditor` is undefined or another file then) or a
 * text editor.
 */
import * as vscode from 'vscode';
import { isReportUri } from './util';

export const EDITOR_VIEW_TYPE = 'privacyAudit.editor';

export interface ActiveReport {
  uri: vscode.Uri;
  /** Where the analyst is: in the structured editor (the form), in a text editor, or elsewhere (the report is only open in some tab). */
  in: 'form' | 'text' | 'tab';
}

/** The report a tab shows, and how, or undefined when the tab shows no report. */
function reportOfTab(tab: vscode.Tab | undefined): ActiveReport | undefined {
  const input = tab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === EDITOR_VIEW_TYPE) return { uri: input.uri, in: 'form' };
  if (input instanceof vscode.TabInputText && isReportUri(input.uri)) return { uri: input.uri, in: 'text' };
  return undefined;
}

/** The report of the active tab (structured or text editor), else of the active text editor. */
export function activeReport(): ActiveReport | undefined {
  const fromTab = reportOfTab(vscode.window.tabGroups.activeTabGroup.activeTab);
  if (fromTab) return fromTab;
  const doc = vscode.window.activeTextEditor?.document;
  return doc && isReportUri(doc.uri) ? { uri: doc.uri, in: 'text' } : undefined;
}

export function activeReportUri(): vscode.Uri | undefined {
  return activeReport()?.uri;
}

/** Every report open in a tab of any group, each once, in tab order. */
export function openReports(): vscode.Uri[] {
  const seen = new Map<string, vscode.Uri>();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const r = reportOfTab(tab);
      if (r && !seen.has(r.uri.toString())) seen.set(r.uri.toString(), r.uri);
    }
  }
  return [...seen.values()];
}

/** The active report, else the only report open in any tab (undefined when none or several are). */
export function activeOrOnlyReport(): ActiveReport | undefined {
  const active = activeReport();
  if (active) return active;
  const open = openReports();
  return open.length === 1 ? { uri: open[0]!, in: 'tab' } : undefined;
}
