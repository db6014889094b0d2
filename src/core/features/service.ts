/**
 * Editor features computed from the report model, independent of any editor:
 * completion, hover, definition, references, rename and symbols. The VS Code
 * extension adapts these to its provider APIs; other hosts can do the same.
 * Offsets are UTF-16 offsets into the report text (as in `Span`).
 *
 * One module per feature; this one gathers them.
 */
export { blockAt, idAt, recordAt, type Target } from './locate';
export { definition, references } from './navigation';
export { prepareRename, rename, type RenameResult } from './rename';
export { documentSymbols, summary, type DocSymbol } from './symbols';
export { hover, recordMarkdown, type HoverContext, type HoverResult } from './hover';
export { completions, shortDescription, writtenName, type CompletionContext, type CompletionItem, type CompletionKind } from './completion';
