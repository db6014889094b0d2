import { ID_PREFIX, kindOfId, type AuditRecord, type Report, type YEntry, type YNode } from '../../report/model';
import { FRONT_MATTER_FIELDS, isIsoDate, isIsoDateTime, leadingDate, RECORD_FIELDS, type FieldSpec, type FieldType } from '../../report/schema';
import { editDistance } from '../../report/taxonomy';
import type { Fix } from '../../report/types';
import { countryCode } from '../countries';
import { edit, scalarInner } from '../edits';
import { anchor, type Rule, type RuleContext } from '../rule';

const isScalar = (n: YNode) => n.type === 'scalar' && n.value !== null;

/** A message when `node` does not fit `t`, else undefined. */
function typeProblem(name: string, t: FieldType, node: YNode): string | undefined {
  const s = node.type === 'scalar' && node.value !== null ? String(node.value).trim() : undefined;
  switch (t.type) {
    case 'id':
    case 'string':
    case 'text':
    case 'ref':
      return s === undefined ? `\`${name}\` must be ${t.type === 'text' ? 'text' : 'a single value'}, not a ${node.type === 'seq' ? 'list' : 'mapping'}.` : undefined;
    case 'date':
      return s !== undefined && isIsoDate(s) ? undefined : `\`${name}\` must be an ISO date (YYYY-MM-DD).`;
    case 'datetime':
      return s !== undefined && isIsoDateTime(s) ? undefined : `\`${name}\` must be an ISO date or date-time, e.g. 2014-08-06 or 2014-08-06T10:15:00+08:00.`;
    case 'date-or-text': {
      if (s === undefined) return `\`${name}\` must be a date or a description, not a ${node.type === 'seq' ? 'list' : 'mapping'}.`;
      // a description is free text; only a value that starts like a date is checked as one
      const day = leadingDate(s);
      return day === undefined || isIsoDateTime(day) ? undefined : `\`${name}\` starts like a date, but \`${day}\` is not a valid one: write YYYY-MM-DD (e.g. 2014-08-01), or a description such as "retail, sealed box".`;
    }
    case 'country':
      return s !== undefined && /^[A-Z]{2}$/.test(s) ? undefined : `\`${name}\` must be an ISO 3166 alpha-2 country code in capitals, e.g. CN.`;
    case 'url':
      return s !== undefined && /^https?:\/\/\S+$/i.test(s) ? undefined : `\`${name}\` must be an http(s) URL.`;
    case 'ports': {
      const items = node.type === 'seq' ? node.items : [node];
      const ok = items.every((i) => i.type === 'scalar' && typeof i.value === 'number' && Number.isInteger(i.value) && i.value >= 0 && i.value <= 65535);
      return ok ? undefined : `\`${name}\` must be a port number (0–65535) or a list of them.`;
    }
    case 'strings':
    case 'categories':
    case 'refs': {
      const items = node.type === 'seq' ? node.items : [node];
      if (node.type === 'map') return `\`${name}\` must be a list, not a mapping.`;
      return items.every(isScalar) ? undefined : `Every item of \`${name}\` must be a single value.`;
    }
    case 'identifiers':
      // a category's value, or several (a phone with two SIMs: `IMSI: ["…", "…"]`)
      return node.type === 'map' && node.entries.every((e) => e.value && (isScalar(e.value) || (e.value.type === 'seq' && e.value.items.every(isScalar))))
        ? undefined
        : `\`${name}\` must map data categories to the device's values (one, or a list), e.g. {IMEI: "867530912345673"}.`;
    case 'enum':
      return s !== undefined && t.values.includes(s) ? undefined : `\`${name}\` must be one of ${t.values.join(', ')}${s !== undefined ? `, not \`${s}\`` : ''}.`;
  }
}

/** Values of `encryption` that name one of its values in other words (`TLS 1.3`, `SSL`, `plain text`, `base64`). */
const ENCRYPTION_WORDS: [RegExp, string][] = [
  [/^(?:tls|ssl|https|dtls|quic)\b/, 'tls'],
  [/^(?:no|plain ?text|clear ?text|clear|unencrypted|http)$/, 'none'],
  [/^(?:base ?64|xor|obfuscated|gzip)\b/, 'encoded'],
];

/**
 * The value an enumerated field's written value most likely means, and
 * whether that is certain: the same word in other case or spacing (`Opt in`
 * → `opt-in`) is; other words for it (`TLS 1.3` → `tls`), a first word
 * (`high (CVSS 7.5)` → `high`) or a near spelling (`hihg` → `high`) are a guess.
 */
function enumSuggestion(field: string, value: string, values: readonly string[]): { value: string; certain: boolean } | undefined {
  const lower = value.trim().toLowerCase();
  const dashed = lower.replace(/[\s_]+/g, '-');
  const same = values.find((v) => v === lower || v === dashed);
  if (same) return { value: same, certain: true };
  if (field === 'encryption') {
    const word = ENCRYPTION_WORDS.find(([re]) => re.test(lower));
    if (word) return { value: word[1], certain: false };
  }
  const first = /^[a-z-]+/.exec(lower)?.[0];
  if (first && values.includes(first)) return { value: first, certain: false };
  const near = closest(lower, values);
  return near ? { value: near, certain: false } : undefined;
}

/** Fixes for a value that does not fit its type: the enumerated value or the country code it means. */
function valueFixes(report: Report, name: string, t: FieldType, node: YNode): Fix[] | undefined {
  if (node.type !== 'scalar' || node.value === null) return undefined;
  const written = String(node.value).trim();
  const replace = (by: string, title: string, preferred: boolean): Fix[] => [{ title, edits: [edit(report, scalarInner(report, node), by)], ...(preferred ? { preferred: true } : {}) }];
  if (t.type === 'enum') {
    const s = enumSuggestion(name, written, t.values);
    return s ? replace(s.value, `Replace with \`${s.value}\``, s.certain) : undefined;
  }
  if (t.type === 'country') {
    const c = countryCode(written);
    // a country's name, or its code in lower case, means exactly that code
    return c ? replace(c.code, `Replace with \`${c.code}\` (${c.name})`, true) : undefined;
  }
  return undefined;
}

function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k, 2);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

const byName = new Map<readonly FieldSpec[], Map<string, FieldSpec>>();
function specsByName(specs: readonly FieldSpec[]): Map<string, FieldSpec> {
  let m = byName.get(specs);
  if (!m) byName.set(specs, (m = new Map(specs.map((s) => [s.name, s]))));
  return m;
}

function checkFields(ctx: RuleContext, entries: readonly YEntry[], specs: readonly FieldSpec[], where: string): void {
  const lookup = specsByName(specs);
  for (const e of entries) {
    const spec = lookup.get(e.key);
    if (!spec) {
      const hint = closest(e.key, [...lookup.keys()]);
      ctx.flag(e.keySpan, `Unknown field \`${e.key}\` in ${where}${hint ? `; did you mean \`${hint}\`?` : '.'}`);
      continue;
    }
    if (!e.value || (e.value.type === 'scalar' && (e.value.value === null || e.value.value === ''))) continue;
    const msg = typeProblem(e.key, spec.t, e.value);
    if (msg) ctx.flag(e.value.span, msg, { fixes: valueFixes(ctx.report, e.key, spec.t, e.value) });
  }
}

function checkRecord(ctx: RuleContext, r: AuditRecord): void {
  checkFields(ctx, r.map.entries, RECORD_FIELDS[r.kind], `a ${r.kind} record`);
  if (r.id === undefined) {
    if (!r.fields.has('id')) ctx.flag(anchor(r), `This ${r.kind} record has no \`id\`; give it one such as \`${ID_PREFIX[r.kind]}1\`.`);
  } else if (!r.implicitId && kindOfId(r.id) !== r.kind) {
    ctx.flag(r.idSpan!, `\`${r.id}\` is not a ${r.kind} id: ${r.kind} ids are written ${ID_PREFIX[r.kind]}1, ${ID_PREFIX[r.kind]}2, …`);
  }
}

/** A field of the wrong type, an unknown enumerated value or field name, or an id of the wrong style. */
export const PA003: Rule = {
  id: 'PA003',
  name: 'field-type',
  defaultSeverity: 'warning',
  description: 'A field of the wrong type, an unknown value of an enumerated field, an unknown field, or a missing or ill-styled id.',
  fixable: true,
  check(ctx) {
    const fm = ctx.report.frontMatter;
    // required front-matter keys and their values belong to PA001; here only unknown keys
    if (fm?.map) {
      const known = FRONT_MATTER_FIELDS.map((s) => s.name);
      for (const e of fm.map.entries) {
        if (!known.includes(e.key)) {
          const hint = closest(e.key, known);
          ctx.flag(e.keySpan, `Unknown front matter key \`${e.key}\`${hint ? `; did you mean \`${hint}\`?` : '.'}`);
        }
      }
    }
    for (const r of ctx.report.records) checkRecord(ctx, r);
  },
};
