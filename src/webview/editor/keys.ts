/** Keyboard handling of the structured editor's page: Ctrl+S and Ctrl+Z in a field, and what is typed when the webview loses focus. */
import { post } from './state';

/** Sends the text typed into the focused field and not sent yet (as leaving the field would). */
function flushFocused(): void {
  const a = document.activeElement;
  if ((a instanceof HTMLInputElement || a instanceof HTMLTextAreaElement) && a.dataset.unsent) a.dispatchEvent(new Event('change'));
}

export function listenForKeys(): void {
  /**
   * Keys the workbench would handle before the field's text is sent. The webview's host forwards
   * key presses to VS Code from a listener on this window; this one runs first (capture phase):
   * - Ctrl/Cmd+S sends the field, then asks the extension to save after that edit (not before it);
   * - Ctrl/Cmd+Z (and redo) in a field with unsent text undoes the typing in the field, as a text box does.
   */
  window.addEventListener(
    'keydown',
    (e) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 's' && !e.shiftKey) {
        e.preventDefault();
        e.stopPropagation();
        flushFocused();
        post({ type: 'save' });
      } else if ((key === 'z' || key === 'y') && document.activeElement instanceof HTMLElement && document.activeElement.dataset.unsent) {
        e.stopPropagation();
      }
    },
    true,
  );

  /** The webview is losing focus (the analyst went to another editor): send what is typed but not sent. */
  window.addEventListener('blur', flushFocused);
}
