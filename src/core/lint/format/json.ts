import type { FileResult } from './types';
import { escapeJson } from './visible';

/** `--format json`: one JSON document, 1-based lines and columns (format spec §6); no raw control character (see `escapeJson`). */
export function formatJson(files: readonly FileResult[]): string {
  return escapeJson(JSON.stringify({
    version: 1,
    files: files.map((f) => ({
      path: f.path,
      diagnostics: f.diagnostics.map((d) => ({
        rule: d.rule,
        severity: d.severity,
        message: d.message,
        range: {
          start: { line: d.range.start.line + 1, column: d.range.start.character + 1 },
          end: { line: d.range.end.line + 1, column: d.range.end.character + 1 },
        },
      })),
    })),
  }));
}
