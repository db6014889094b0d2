import type { Colors } from 'picocolors/types';
import { countBySeverity, type FileResult } from './types';
import { visible } from './visible';

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/**
 * Human output grouped by file, with a summary line (coloured when `colors`
 * is enabled). File names and messages come from the reports: control
 * characters in them are shown as escapes, never sent to the terminal.
 */
export function formatStylish(files: readonly FileResult[], c: Colors): string {
  const out: string[] = [];
  for (const f of files) {
    if (!f.diagnostics.length) continue;
    out.push('', c.underline(visible(f.path)));
    const rows = f.diagnostics.map((d) => [`${d.range.start.line + 1}:${d.range.start.character + 1}`, d.severity, visible(d.message), d.rule] as const);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const [pos, sev, msg, rule] of rows) {
      const color = sev === 'error' ? c.red : sev === 'warning' ? c.yellow : c.blue;
      out.push(`  ${c.dim(pos.padEnd(w0))}  ${color(sev.padEnd(w1))}  ${msg}  ${c.dim(rule)}`);
    }
  }
  const { errors, warnings, infos, fixable } = countBySeverity(files);
  const total = errors + warnings + infos;
  out.push('');
  if (total === 0) {
    out.push(c.green(`✔ ${plural(files.length, 'report')} checked, no problems`));
  } else {
    const mark = errors ? c.red(c.bold('✖')) : warnings ? c.yellow(c.bold('⚠')) : c.blue('ℹ');
    const summary = `${mark} ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info) in ${plural(files.length, 'report')}`;
    out.push(errors ? c.bold(summary) : summary);
    if (fixable) out.push(c.dim(`  ${plural(fixable, 'problem')} can be fixed with a quick fix in VS Code.`));
  }
  out.push('');
  return out.join('\n');
}
