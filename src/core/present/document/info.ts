/** The PDF's document information (title, author, subject, keywords, creator, producer), as plain text. */
import type { AuditRecord } from '../../report/model';
import { fieldList } from '../diagram/util';
import { fieldText } from '../plain';
import { visibleText } from '../render/escape';
import { oneLine, type ExportDocumentInput, type Facts } from './facts';

/** The PDF's document information: plain text, masked as the document is. */
export interface DocumentInfo {
  title: string;
  /** The auditors, `Name (Org)`, separated by `; `. */
  author: string;
  subject: string;
  /** The report id, devices, data categories (display names) and `privacy audit`, separated by `; `. */
  keywords: string;
  creator: string;
  producer: string;
  /** When the document was made (`exportedAt`). */
  date: Date;
}

const MAX_KEYWORDS = 40;

/** Title, author, subject and keywords for the PDF, from the facts (already masked) and the report's devices and data categories (masked here). */
export function documentInfo(input: ExportDocumentInput, f: Facts): DocumentInfo {
  const { result, mask } = input;
  const line = (s: string, max = 300) => oneLine(visibleText(s), max);
  const generator = line(input.generator ?? 'Privacy Audit', 120);
  const keywords: string[] = [];
  const seen = new Set<string>();
  const add = (s: string) => {
    const k = line(mask(s), 120);
    if (k && !seen.has(k.toLowerCase()) && keywords.length < MAX_KEYWORDS) seen.add(k.toLowerCase()), keywords.push(k);
  };
  if (f.id) add(f.id);
  const field = (r: AuditRecord, k: string) => fieldText(r.fields.get(k));
  for (const r of result.report.records) {
    if (r.kind !== 'device') continue;
    const product = [field(r, 'vendor'), field(r, 'model')].filter(Boolean).join(' ');
    add(product || field(r, 'name'));
  }
  for (const r of result.report.records) {
    if (r.kind === 'flow') for (const name of fieldList(r, 'data')) add(result.taxonomy.displayName(name));
  }
  add('privacy audit');
  return {
    title: line(f.title, 1000),
    author: f.auditors.map((a) => (a.org ? `${line(a.name)} (${line(a.org)})` : line(a.name))).join('; '),
    subject: f.subject ? line(f.subject, 1000) : f.id ? `Privacy audit report ${line(f.id)}` : 'Privacy audit report',
    keywords: keywords.join('; '),
    creator: generator,
    producer: input.printer ? `${generator} (${line(input.printer, 120)})` : generator,
    date: input.exportedAt,
  };
}
