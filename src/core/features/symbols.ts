/** The outline of a report (headings and records) and the one-line summary of a record. */
import { listItems, scalarText, type AuditRecord, type RecordKind, type Report } from '../report/model';
import type { Span } from '../report/types';

export interface DocSymbol {
  name: string;
  detail: string;
  kind: 'section' | RecordKind;
  span: Span;
  selection: Span;
  children: DocSymbol[];
}

/** One line of what a record is about, for symbols, completion and hovers. */
export function summary(r: AuditRecord): string {
  const f = (k: string) => scalarText(r.fields.get(k))?.trim();
  const list = (k: string) => listItems(r.fields.get(k)).map((n) => (n.type === 'scalar' ? String(n.value ?? '') : '…')).join(', ');
  switch (r.kind) {
    case 'device':
      return [f('vendor'), f('model'), f('build') && `build ${f('build')}`].filter(Boolean).join(' ');
    case 'step':
      return f('action') ?? '';
    case 'flow':
      return `${f('from') ?? '?'} → ${f('to') ?? '?'}${f('country') ? ` (${f('country')})` : ''}${list('data') ? `: ${list('data')}` : ''}`;
    case 'evidence':
      return f('file') ?? f('url') ?? f('description') ?? '';
    case 'response':
      return [f('date'), f('party'), f('by')].filter(Boolean).join(' · ') + (f('verdict') ? ` — ${f('verdict')}` : '');
    case 'retest':
      return [f('date'), f('result')].filter(Boolean).join(' · ');
    case 'finding':
      return [f('severity'), f('title')].filter(Boolean).join(': ');
  }
}

/** The outline: headings as sections, records under the section they appear in. */
export function documentSymbols(report: Report): DocSymbol[] {
  const root: DocSymbol[] = [];
  const stack: { level: number; sym: DocSymbol }[] = [];
  const end = report.text.length;
  type Item = { at: number; heading?: (typeof report.headings)[number]; record?: AuditRecord };
  const items: Item[] = [
    ...report.headings.map((h) => ({ at: h.span.start, heading: h })),
    ...report.records.map((r) => ({ at: r.span.start, record: r })),
  ].sort((a, b) => a.at - b.at);
  for (const it of items) {
    if (it.heading) {
      const h = it.heading;
      while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
      const sym: DocSymbol = { name: h.text || '(untitled)', detail: '', kind: 'section', span: { start: h.span.start, end }, selection: h.span, children: [] };
      (stack.length ? stack[stack.length - 1]!.sym.children : root).push(sym);
      stack.push({ level: h.level, sym });
    } else if (it.record) {
      const r = it.record;
      const sym: DocSymbol = { name: r.id ?? `(${r.kind} without id)`, detail: summary(r), kind: r.kind, span: r.span, selection: r.idSpan ?? r.span, children: [] };
      (stack.length ? stack[stack.length - 1]!.sym.children : root).push(sym);
    }
  }
  // a section ends where the next section of the same or a higher level starts
  const close = (list: DocSymbol[], limit: number) => {
    const sections = list.filter((s) => s.kind === 'section');
    sections.forEach((s, i) => {
      const next = sections[i + 1];
      s.span = { start: s.span.start, end: next ? Math.max(s.span.start, next.span.start - 1) : limit };
      close(s.children, s.span.end);
    });
  };
  close(root, end);
  return root;
}
