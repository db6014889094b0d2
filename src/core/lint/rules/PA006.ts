import type { AuditRecord, Report, YEntry, YMap, YNode } from '../../report/model';
import { FRONT_MATTER_FIELDS, RECORD_FIELDS, type FieldSpec } from '../../report/schema';
import { SKELETON_INSTRUCTIONS } from '../../features/skeleton';
import type { Fix, Span } from '../../report/types';
import { edit, removeEntry } from '../edits';
import { recordLabel, type Rule, type RuleContext } from '../rule';

/** `""`, `key:` with nothing after it, `[]`, `{}`. */
export function isEmptyValue(v: YNode | null): boolean {
  if (!v) return true;
  if (v.type === 'scalar') return v.value === null || (typeof v.value === 'string' && v.value.trim() === '');
  return v.type === 'seq' ? v.items.length === 0 : v.entries.length === 0;
}

const blank = (e: YEntry | undefined) => !e || isEmptyValue(e.value);

/** Empty fields another rule reports already (with its own message and fixes). */
function reportedElsewhere(r: AuditRecord, e: YEntry): boolean {
  switch (e.key) {
    case 'evidence':
      return true; // PA010–PA013
    case 'identifiers':
      return true; // `{}`: a device (or an app) without identifier values
    case 'id':
      return e.value?.type === 'scalar' && e.value.value !== null; // `id: ""` is PA003's
    case 'build':
      return r.kind === 'device'; // PA040
    case 'source':
    case 'date':
      return r.kind === 'response'; // PA014
    case 'file':
    case 'url':
      // PA020 when the record names neither
      return r.kind === 'evidence' && blank(r.fields.get('file')) && blank(r.fields.get('url'));
    default:
      return false;
  }
}

/** A field's description after a dash (` — receiving host name`), or nothing when it only repeats the name. */
function what(spec: FieldSpec): string {
  const doc = /^[A-Z][a-z]/.test(spec.doc) ? spec.doc[0]!.toLowerCase() + spec.doc.slice(1) : spec.doc;
  return doc === spec.name ? '' : ` — ${doc}`;
}

function emptyField(ctx: RuleContext, map: YMap, e: YEntry, spec: FieldSpec, owner: string): void {
  if (spec.required) {
    ctx.flag(e.span, `\`${e.key}\` is empty, and ${owner} needs it${what(spec)}. Fill it in.`);
    return;
  }
  const del = removeEntry(ctx.report, map, e);
  const fixes: Fix[] | undefined = del ? [{ title: `Delete the empty \`${e.key}\``, edits: [del] }] : undefined;
  ctx.flag(e.span, `\`${e.key}\` is empty${what(spec)}. Fill it in, or delete it.`, { fixes });
}

/** A regular expression for a template sentence as it may be found again: spaces and line breaks may differ, emphasis may be gone, `…` may be `...`. */
function sentencePattern(sentence: string): RegExp {
  let src = '';
  for (const part of sentence.split(/(\s+)/)) {
    if (/^\s+$/.test(part)) {
      src += '\\s+';
      continue;
    }
    for (const ch of part) {
      if (ch === '*' || ch === '_') src += `\\${ch}?`;
      else if (ch === '…') src += '(?:…|\\.\\.\\.)';
      else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(src, 'g');
}

const LEFTOVERS = SKELETON_INSTRUCTIONS.map(sentencePattern);

/** What removes a leftover: its paragraph (and one blank line after it) when it stands alone, else the sentence and a space. */
function leftoverRemoval(report: Report, span: Span): Span {
  const { lines, text } = report;
  const first = lines.positionAt(span.start).line;
  const last = lines.positionAt(span.end).line;
  const start = lines.lineStarts[first]!;
  const end = lines.lineEnd(last);
  const alone = /^[ \t]*$/.test(text.slice(start, span.start)) && /^[ \t]*$/.test(text.slice(span.end, end));
  const blankLine = (l: number) => l < 0 || l >= lines.lineCount || lines.lineText(l).trim() === '';
  if (alone && blankLine(first - 1) && blankLine(last + 1)) {
    // the paragraph's lines and the blank line after it
    const through = Math.min(last + 1, lines.lineCount - 1);
    return { start, end: lines.lineStarts[through + 1] ?? text.length };
  }
  return text[span.end] === ' ' ? { start: span.start, end: span.end + 1 } : span;
}

/** A field left empty, or an instruction of the New Audit Report template left in the report. */
export const PA006: Rule = {
  id: 'PA006',
  name: 'unfilled',
  defaultSeverity: 'warning',
  description: 'A field written with an empty value (`to: ""`, `data: []`), or an instruction sentence of the New Audit Report template left in the report.',
  fixable: true,
  check(ctx) {
    const { report } = ctx;
    for (const r of report.records) {
      for (const e of r.map.entries) {
        if (!isEmptyValue(e.value)) continue;
        const spec = RECORD_FIELDS[r.kind].find((s) => s.name === e.key);
        if (spec && !reportedElsewhere(r, e)) emptyField(ctx, r.map, e, spec, `a ${r.kind}`);
      }
      // identifiers written with no value: `{IMEI: ""}`
      const ids = r.kind === 'device' ? r.fields.get('identifiers')?.value : undefined;
      if (ids?.type === 'map') {
        for (const e of ids.entries) {
          if (!isEmptyValue(e.value)) continue;
          const del = removeEntry(report, ids, e);
          ctx.flag(e.span, `The identifier \`${e.key}\` of the ${recordLabel(r)} has no value: write the test device's value, or delete the entry.`, {
            fixes: del ? [{ title: `Delete the empty identifier \`${e.key}\``, edits: [del] }] : undefined,
          });
        }
      }
    }
    // the front matter's optional text (its required keys are PA001's)
    const fm = report.frontMatter?.map;
    const subject = fm?.entries.find((e) => e.key === 'subject');
    if (fm && subject && isEmptyValue(subject.value)) emptyField(ctx, fm, subject, FRONT_MATTER_FIELDS.find((s) => s.name === 'subject')!, 'the report');
    for (const pattern of LEFTOVERS) {
      for (const m of report.text.matchAll(pattern)) {
        const span = { start: m.index, end: m.index + m[0].length };
        ctx.flag(span, 'This is an instruction of the New Audit Report template, not part of the report: replace it with your own text, or delete it.', {
          fixes: [{ title: "Delete the template's instruction", edits: [edit(report, leftoverRemoval(report, span), '')] }],
        });
      }
    }
  },
};
