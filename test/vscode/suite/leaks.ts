/**
 * An oracle for redaction that shares no code with the redactor: which
 * values a report asks to mask (read with the `yaml` package), the text a
 * reader gets out of a PDF (poppler's `pdftotext` and `pdfinfo`, which CI
 * installs), and whether a value is in a text in any form the redaction
 * covers: as written, or its letters and digits in order with anything else
 * between them (spaces, hyphens, dots, brackets, line breaks), fullwidth and
 * other compatibility forms and case aside. No vscode here: a script can
 * check it against a PDF of its own.
 */
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';

/** Every scalar inside a YAML value, as text. */
function scalars(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap(scalars);
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).flatMap(scalars);
  return [String(v)];
}

/** The literal values a report asks every export to mask: its front matter's `redact` entries (not `/patterns/`) and every device's `identifiers`. */
export function maskedValues(report: string): string[] {
  const out: string[] = [];
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(report);
  if (fm) {
    const redact = (parse(fm[1]!, { intAsBigInt: true }) as { redact?: unknown } | null)?.redact;
    out.push(...scalars(redact).filter((s) => !/^\/.*\/[a-z]*$/.test(s)));
  }
  for (const m of report.matchAll(/^```device[^\n]*\n([\s\S]*?)^```/gm)) {
    const block = parse(m[1]!, { intAsBigInt: true }) as unknown;
    for (const device of Array.isArray(block) ? block : [block]) out.push(...scalars((device as { identifiers?: unknown } | null)?.identifiers));
  }
  return [...new Set(out.map((s) => s.trim()).filter((s) => /[\p{L}\p{N}]/u.test(s)))];
}

/** Letters and digits only, compatibility forms folded, lower case: `+1 (202) 555-0101` → `12025550101`. */
export function skeleton(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** How each value shows in `text`: `VALUE as written`, `VALUE with separators`; empty when none does. */
export function leaks(text: string, values: readonly string[]): string[] {
  const plain = text.normalize('NFKC').toLowerCase();
  const bare = skeleton(text);
  const found: string[] = [];
  for (const v of values) {
    if (plain.includes(v.normalize('NFKC').toLowerCase())) found.push(`${v} as written`);
    else if (skeleton(v).length >= 6 && bare.includes(skeleton(v))) found.push(`${v} with separators`);
  }
  return found;
}

/** What a reader gets out of a PDF: its text, page by page, and its document information (title, subject, keywords…). */
export function pdfText(file: string): { text: string; info: string } {
  const run = (tool: string, args: string[]) => {
    try {
      return execFileSync(tool, args, { maxBuffer: 64 << 20 }).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${tool} not found: install poppler-utils (CI does) to check what the PDF shows`);
      throw err;
    }
  };
  return { text: run('pdftotext', ['-enc', 'UTF-8', file, '-']), info: run('pdfinfo', ['-enc', 'UTF-8', file]) };
}
