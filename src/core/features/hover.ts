/** Hovers: a record named by an id, a data category, a field of a record, a rule id. */
import type { EvidenceStatus } from '../lint/evidence';
import type { CaptureOutcome } from '../lint/captures';
import type { CaptureMatch } from '../capture/types';
import { RULES_BY_ID } from '../lint';
import { docsUrl } from '../lint/rule';
import { listItems, RECORD_KINDS, scalarText, type AuditRecord, type RecordKind, type Report } from '../report/model';
import { RECORD_FIELDS, type FieldSpec, type FieldType } from '../report/schema';
import type { Category, Taxonomy } from '../report/taxonomy';
import type { Span } from '../report/types';
import { contains, idAt } from './locate';
import { codeBlock, exhibitAt, exhibitText, locatorRefAt, marker } from './locators';
import { locatorKey } from '../lint/rules/claims';
import { summary } from './symbols';

export interface HoverContext {
  taxonomy: Taxonomy;
  /** Hash status of evidence records, from the last lint. */
  evidence?: ReadonlyMap<AuditRecord, EvidenceStatus>;
  /** What each capture evidence shows, from the last lint (a locator's hover lists it). */
  captures?: ReadonlyMap<AuditRecord, CaptureOutcome>;
}

/**
 * What a capture shows at a locator (`E2#frame=22`): the endpoint (host,
 * address, country, network), the request as the scan's exhibit keeps it
 * (`POST http://…`, the headers and body lines that held a value, each value
 * a marker such as `[IMEI]`), and each identifier the scan found there, by
 * category and device, where, and through which encodings. Never a value:
 * the hover names categories.
 */
export function locatorMarkdown(r: AuditRecord, locator: string, ctx: HoverContext): string | undefined {
  const outcome = ctx.captures?.get(r);
  if (!outcome) return undefined;
  if (outcome.state === 'unreadable') return `The capture could not be read: ${escapeMd(outcome.reason)}`;
  const key = locatorKey(locator) ?? locator.trim();
  const at = outcome.result.matches.filter((m) => (locatorKey(m.locator) ?? m.locator) === key);
  if (!at.length) return `The scan finds no identifier of this report's devices at \`${escapeMd(locator)}\`.`;
  const exhibit = exhibitAt(outcome.result, key);
  const lines: string[] = [];
  const hosts = new Map<string, CaptureMatch[]>();
  for (const m of at) {
    const k = m.host ?? m.address ?? '?';
    hosts.set(k, [...(hosts.get(k) ?? []), m]);
  }
  let shown = false;
  for (const [host, ms] of hosts) {
    const m0 = ms[0]!;
    const where = [m0.address && `${m0.address}${m0.port !== undefined ? `:${m0.port}` : ''}`, m0.scope ?? m0.country, m0.asn !== undefined ? `AS${m0.asn}${m0.org ? ` ${m0.org}` : ''}` : undefined].filter(Boolean).join(' · ');
    lines.push(`**${escapeMd(host)}**${where ? ` — ${escapeMd(where)}` : ''}`);
    // the request itself, once, under the host it went to
    if (exhibit && !shown && ms.some((m) => m.direction === 'request')) {
      shown = true;
      lines.push('', codeBlock(exhibitText(exhibit), 'http'), '');
    }
    for (const m of ms) {
      const place = `${m.where}${m.name !== undefined ? ` ${m.name}` : ''}${m.field !== undefined ? ` › ${m.field}` : ''}`;
      lines.push(`- ${m.direction === 'request' ? 'sent' : 'only in the response'}: ${escapeMd(m.category)} (${m.device}) in ${escapeMd(place)}, ${escapeMd(m.transforms.join(' → '))}${m.tls ? ', inside TLS' : ''}`);
    }
  }
  const markers = exhibit ? [...new Set(exhibit.lines.flatMap((l) => l.segments.flatMap((g) => ('canary' in g ? [marker(g.canary)] : []))))] : [];
  if (shown && markers.length) lines.push('', `${markers.map((m) => `\`${m}\``).join(', ')}: where the request held ${markers.length > 1 ? 'values' : 'a value'} of the test device, masked (a value is never shown).`);
  return lines.join('\n').trim();
}

function hashLine(r: AuditRecord, ctx: HoverContext): string | undefined {
  if (r.kind !== 'evidence' || !r.fields.get('file')) return undefined;
  const st = ctx.evidence?.get(r);
  const recorded = scalarText(r.fields.get('sha256'))?.trim().toLowerCase();
  if (!st) return 'Hash: not checked yet';
  switch (st.state) {
    case 'ok':
      if (!recorded) return `Hash: ✗ not recorded (file sha256 ${st.sha256})`;
      return recorded === st.sha256 ? `Hash: ✓ matches the file` : `Hash: ✗ the file has changed (now ${st.sha256})`;
    case 'missing':
      return 'Hash: ✗ the file does not exist';
    case 'escape':
      return `Hash: ✗ path not allowed (${st.reason})`;
    default:
      return 'Hash: ✗ the file cannot be read';
  }
}

const fieldSpec = (kind: RecordKind, name: string): FieldSpec | undefined => RECORD_FIELDS[kind].find((s) => s.name === name);
/** The fields of a record kind that have a type of the schema (`categories`: a flow's `data`; `identifiers`: a device's). */
const fieldsOfType = (kind: RecordKind, type: FieldType['type']) => RECORD_FIELDS[kind].filter((s) => s.t.type === type);

/**
 * The fields a record's hover lists, in this order: a choice among the fields
 * of report/schema.ts, which has their types and descriptions (a name that is
 * not a field of its kind there fails when this module loads).
 */
const HOVER_FIELDS: Record<RecordKind, readonly string[]> = {
  device: ['vendor', 'model', 'os', 'build'],
  step: ['action', 'observed', 'date'],
  flow: ['from', 'to', 'country', 'encryption', 'consent', 'data'],
  evidence: ['file', 'url', 'kind', 'captured', 'tool', 'description'],
  response: ['date', 'party', 'by', 'statement', 'fix', 'verdict'],
  retest: ['date', 'build', 'verifies', 'result'],
  finding: ['title', 'severity', 'status', 'flows'],
};
for (const kind of RECORD_KINDS) {
  const unknown = HOVER_FIELDS[kind].filter((name) => !fieldSpec(kind, name));
  if (unknown.length) throw new Error(`hover.ts: the schema has no ${kind} field ${unknown.join(', ')}`);
}

/** Markdown describing a record. */
export function recordMarkdown(r: AuditRecord, ctx: HoverContext): string {
  const lines = [`**${r.kind} ${r.id ?? ''}** — ${escapeMd(summary(r))}`, ''];
  for (const k of HOVER_FIELDS[r.kind]) {
    const e = r.fields.get(k);
    if (!e?.value) continue;
    const v = e.value.type === 'scalar' ? String(e.value.value ?? '') : listItems(e).map((n) => (n.type === 'scalar' ? String(n.value) : '…')).join(', ');
    if (v.trim()) lines.push(`- ${k}: ${escapeMd(v.length > 160 ? `${v.slice(0, 157)}…` : v)}`);
  }
  const hash = hashLine(r, ctx);
  if (hash) lines.push(`- ${hash}`);
  return lines.join('\n');
}

function categoryMarkdown(c: Category): string {
  return [`**${escapeMd(c.label)}** (\`${c.id}\`) — ${c.sensitivity} sensitivity, ${escapeMd(c.group)}`, '', c.aliases.length ? `Also written: ${c.aliases.map(escapeMd).join(', ')}` : ''].join('\n').trim();
}

const escapeMd = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);

export interface HoverResult {
  markdown: string;
  span: Span;
}

export function hover(report: Report, offset: number, ctx: HoverContext): HoverResult | undefined {
  // a locator (`E3#entry=1`, on its id or after the `#`): what the capture shows there, then the evidence record
  const lref = locatorRefAt(report, offset);
  if (lref?.locator !== undefined) {
    const r = report.byId.get(lref.id);
    if (!r) return { markdown: `\`${lref.id}\` is not defined in this report.`, span: lref.idSpan };
    const shows = locatorMarkdown(r, lref.locator, ctx);
    return { markdown: `Locator: \`${lref.locator}\` of ${lref.id}${shows ? `\n\n${shows}` : ''}\n\n---\n\n${recordMarkdown(r, ctx)}`, span: lref.span };
  }
  const t = idAt(report, offset);
  if (t) {
    const r = report.byId.get(t.id);
    if (!r) return { markdown: `\`${t.id}\` is not defined in this report.`, span: t.span };
    return { markdown: recordMarkdown(r, ctx), span: t.span };
  }
  // data categories: the items of a categories field (a flow's `data`) and the keys of an identifiers field (a device's)
  for (const r of report.records) {
    if (!contains(r.span, offset)) continue;
    for (const spec of fieldsOfType(r.kind, 'categories')) {
      for (const n of listItems(r.fields.get(spec.name))) {
        if (n.type === 'scalar' && n.value !== null && contains(n.span, offset)) {
          const c = ctx.taxonomy.lookup(String(n.value));
          return { markdown: c ? categoryMarkdown(c) : `Unknown data category \`${String(n.value)}\``, span: n.span };
        }
      }
    }
    for (const spec of fieldsOfType(r.kind, 'identifiers')) {
      const ids = r.fields.get(spec.name)?.value;
      if (ids?.type !== 'map') continue;
      for (const e of ids.entries) {
        if (contains(e.keySpan, offset)) {
          const c = ctx.taxonomy.lookup(e.key);
          return { markdown: c ? categoryMarkdown(c) : `Unknown data category \`${e.key}\``, span: e.keySpan };
        }
      }
    }
    const field = r.map.entries.find((e) => contains(e.keySpan, offset));
    if (field) {
      const spec = fieldSpec(r.kind, field.key);
      if (spec) return { markdown: fieldMarkdown(spec), span: field.keySpan };
    }
  }
  // rule ids anywhere (front matter `lint:` keys, prose)
  const word = wordAt(report.text, offset, /[A-Za-z0-9]/);
  if (word && /^PA\d{3}$/i.test(word.text)) {
    const rule = RULES_BY_ID.get(word.text.toUpperCase());
    if (rule) return { markdown: `**${rule.id} — ${rule.name}** (default: ${rule.defaultSeverity})\n\n${escapeMd(rule.description)}\n\n[Rule documentation](${docsUrl(rule.id)})`, span: word.span };
  }
  return undefined;
}

function fieldMarkdown(spec: FieldSpec): string {
  const values = spec.t.type === 'enum' ? `\n\nValues: ${spec.t.values.map((v) => `\`${v}\``).join(', ')}` : '';
  return `**${spec.name}** — ${escapeMd(spec.doc)}${values}`;
}

function wordAt(text: string, offset: number, re: RegExp): { text: string; span: Span } | undefined {
  let s = offset;
  let e = offset;
  while (s > 0 && re.test(text[s - 1]!)) s--;
  while (e < text.length && re.test(text[e]!)) e++;
  return e > s ? { text: text.slice(s, e), span: { start: s, end: e } } : undefined;
}
