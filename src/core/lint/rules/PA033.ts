import { listItems, writtenScalar, type YNode } from '../../report/model';
import { luhnDigit, luhnValid } from '../../report/luhn';
import { recordLabel, type Rule } from '../rule';

/** A scalar as written, without quotes: YAML reads `+12025550101` and `0917…` as numbers, and long digit runs lose digits. */
const written = (text: string, node: YNode): string | undefined => writtenScalar(text, node)?.trim();


const digitCount = (n: number) => `${n} digit${n === 1 ? '' : 's'}`;
/** Digits with the usual separators (spaces, hyphens) taken out, or undefined when anything else is in it. */
const digitsOf = (v: string) => {
  const d = v.replace(/[\s-]/g, '');
  return /^\d+$/.test(d) ? d : undefined;
};

/** What is wrong with `v` as a value of a category (by the category's id), or undefined when it is plausible or the category is not checked. */
type Check = (v: string, key: string) => string | undefined;

const CHECKS: Record<string, Check> = {
  imei(v, key) {
    const d = digitsOf(v);
    const sv = /sv$/i.test(key.replace(/[\s_-]+/g, ''));
    if (d === undefined) return `an ${sv ? 'IMEISV' : 'IMEI'} is made of digits only`;
    if (sv) return d.length === 16 ? undefined : `an IMEISV has 16 digits, this has ${d.length}`;
    // an IMEISV (16 digits, no check digit) is also an IMEI's kind of value
    if (d.length === 16) return undefined;
    if (d.length !== 15) return `an IMEI has 15 digits (14 and a check digit; an IMEISV has 16), this has ${digitCount(d.length)}`;
    return luhnValid(d) ? undefined : `the last digit of an IMEI is a Luhn check digit, which for ${d.slice(0, 14)} is ${luhnDigit(d.slice(0, 14))}, not ${d[14]}`;
  },
  imsi(v) {
    const d = digitsOf(v);
    if (d === undefined) return 'an IMSI is made of digits only';
    return d.length === 14 || d.length === 15 ? undefined : `an IMSI has 14 or 15 digits, this has ${digitCount(d.length)}`;
  },
  iccid(v) {
    const d = digitsOf(v);
    if (d === undefined) return 'an ICCID is made of digits only';
    if (d.length < 18 || d.length > 22) return `an ICCID has 18 to 22 digits, this has ${digitCount(d.length)}`;
    return d.startsWith('89') ? undefined : 'an ICCID starts with 89 (the telecom industry prefix)';
  },
  'mac-address'(v) {
    const ok = /^[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}$/i.test(v) || /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(v) || /^[0-9a-f]{12}$/i.test(v);
    return ok ? undefined : 'a MAC address is six pairs of hexadecimal digits, written 02:1a:7d:44:90:3c, 02-1a-7d-44-90-3c, 021a.7d44.903c or 021a7d44903c';
  },
  'phone-number'(v) {
    const s = v.replace(/^tel:/i, '').replace(/[\s().\-/]/g, '');
    const intl = /^(?:\+|00)(.*)$/.exec(s);
    if (intl) {
      const d = intl[1]!;
      if (!/^\d+$/.test(d)) return 'a phone number is digits after the + (spaces, hyphens, dots and brackets aside)';
      if (d.startsWith('0')) return 'a country code never starts with 0';
      return d.length >= 8 && d.length <= 15 ? undefined : `an international (E.164) number has 8 to 15 digits after the +, this has ${digitCount(d.length)}`;
    }
    if (!/^\d+$/.test(s)) return 'a phone number is digits, with an optional leading + (spaces, hyphens, dots and brackets aside)';
    return s.length >= 6 && s.length <= 15 ? undefined : `a national number has 6 to 15 digits, this has ${digitCount(s.length)}`;
  },
  'advertising-id'(v) {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? undefined : 'an advertising ID (AAID, IDFA) is a UUID such as 38400000-8cf0-11bd-b23e-10b96e40000d';
  },
};

/** Ids of the categories whose values are checked. */
export const CHECKED_CATEGORIES: readonly string[] = Object.keys(CHECKS);

/** A device identifier whose value cannot be of its category. */
export const PA033: Rule = {
  id: 'PA033',
  name: 'identifier-value',
  defaultSeverity: 'warning',
  description: 'A device identifier value that cannot be what its category says: IMEI length or check digit, IMSI, ICCID, MAC address, phone number, advertising ID.',
  fixable: false,
  check(ctx) {
    const { report, taxonomy } = ctx;
    for (const r of report.records) {
      if (r.kind !== 'device') continue;
      const ids = r.fields.get('identifiers')?.value;
      if (ids?.type !== 'map') continue;
      for (const e of ids.entries) {
        const category = taxonomy.lookup(e.key);
        const check = category && Object.prototype.hasOwnProperty.call(CHECKS, category.id) ? CHECKS[category.id] : undefined;
        if (!check) continue;
        // one value, or a list of them
        for (const node of listItems(e)) {
          const v = written(report.text, node);
          if (!v) continue;
          const why = check(v, e.key);
          if (why) ctx.flag(node.span, `\`${v}\` cannot be the ${e.key} of the ${recordLabel(r)}: ${why}. (A made-up test value on purpose? Set PA033 to info or off.)`);
        }
      }
    }
  },
};
