/**
 * The questions the extension asks in dialogs (modal warnings, the open-file
 * dialog). Tests cannot click a modal dialog, so they can answer through
 * hooks instead (`setPromptHooks` in the extension's test API).
 */
import * as vscode from 'vscode';

export interface Question {
  message: string;
  detail?: string;
  /** The buttons besides Cancel, in order. */
  buttons: string[];
}

export interface PromptHooks {
  /** Answers a modal question: a button's title, or undefined for Cancel. */
  ask?(question: Question): string | undefined | Promise<string | undefined>;
  /** Chooses files instead of the open dialog: undefined or [] for Cancel. */
  openFiles?(title: string): vscode.Uri[] | undefined | Promise<vscode.Uri[] | undefined>;
  /** Chooses in a quick pick instead of a person: the label of the item chosen, or undefined (Escape). */
  pick?(title: string, items: readonly vscode.QuickPickItem[]): string | undefined | Promise<string | undefined>;
}

let hooks: PromptHooks = {};

/** Replaces the hooks (undefined: dialogs again). */
export function setPromptHooks(next: PromptHooks | undefined): void {
  hooks = { ...next };
}

/** A modal warning with the buttons; resolves to the chosen button, or undefined (Cancel). */
export async function askModal(question: Question): Promise<string | undefined> {
  if (hooks.ask) return hooks.ask(question);
  return vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, ...question.buttons);
}

/** Files chosen in the open dialog (several allowed), or undefined. */
export async function chooseFiles(title: string, openLabel: string): Promise<vscode.Uri[] | undefined> {
  if (hooks.openFiles) return hooks.openFiles(title);
  return vscode.window.showOpenDialog({ canSelectMany: true, title, openLabel });
}

/** One item of a quick pick, or undefined (Escape). */
export async function pickOne<T extends vscode.QuickPickItem>(title: string, items: readonly T[], placeHolder?: string): Promise<T | undefined> {
  if (hooks.pick) {
    const label = await hooks.pick(title, items);
    return items.find((i) => i.label === label);
  }
  return vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
}
