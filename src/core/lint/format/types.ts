import type { Diagnostic } from '../../report/types';

/** The lint result of one file, as the formatters see it. */
export interface FileResult {
  /** Path shown to the user, relative to the workspace root with `/` separators. */
  path: string;
  diagnostics: Diagnostic[];
}

export function countBySeverity(files: readonly FileResult[]): { errors: number; warnings: number; infos: number; fixable: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let fixable = 0;
  for (const f of files)
    for (const d of f.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      else infos++;
      if (d.fixes?.length) fixable++;
    }
  return { errors, warnings, infos, fixable };
}
