/**
 * The fixtures' expect markers (markdownlint style): `# expect: PA010` in
 * YAML, `<!-- expect: PA005 -->` in prose; `# expect@N: PA001` (or `<!-- expect@N: … -->`) for line N.
 */
export const MARKER = /(?:#|<!--)\s*expect(?:@(\d+))?:\s*(PA\d{3}(?:\s*,\s*PA\d{3})*)/g;

/** `RULE@LINE` (1-based) for every expect marker of a text, sorted. */
export function expectedOf(text: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const m of line.matchAll(MARKER)) {
      const at = m[1] ? Number(m[1]) : i + 1;
      for (const rule of m[2]!.split(/\s*,\s*/)) out.push(`${rule}@${at}`);
    }
  });
  return out.sort();
}
