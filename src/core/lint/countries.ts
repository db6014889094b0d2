/**
 * ISO 3166 alpha-2 codes by country name (`China` → CN, `Hong Kong` → HK),
 * built once from the runtime's ICU data (`Intl.DisplayNames`, English long
 * and short names): no list of countries is kept here.
 */

/** Regions ICU names that are not countries (or are reserved for private use). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);

/** A name as it is compared: lower case, no accents or punctuation, `&` as `and`, without a leading `the`. */
export function countryKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

let table: { byName: Map<string, string>; names: Map<string, string> } | undefined;

function build(): NonNullable<typeof table> {
  const byName = new Map<string, string>();
  const names = new Map<string, string>();
  let long: Intl.DisplayNames;
  let short: Intl.DisplayNames;
  try {
    long = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    short = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none', style: 'short' });
  } catch {
    // a runtime without ICU region names: no suggestions
    return { byName, names };
  }
  const add = (name: string | undefined, code: string) => {
    if (!name) return;
    // `Myanmar (Burma)` is also `Myanmar` and `Burma`
    const paren = /^(.*?)\s*\((.*)\)$/.exec(name);
    for (const n of paren ? [name, paren[1]!, paren[2]!] : [name]) {
      const k = countryKey(n);
      if (k && !byName.has(k)) byName.set(k, code);
    }
  };
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = long.of(code);
      // a deprecated code (BU, YU) names a country that has another code now
      if (!name || new Intl.Locale(`und-${code}`).region !== code) continue;
      names.set(code, name);
      add(name, code);
      add(short.of(code), code);
    }
  }
  return { byName, names };
}

/** The alpha-2 code a country name (or a code in lower case) stands for, with the country's English name. */
export function countryCode(written: string): { code: string; name: string } | undefined {
  table ??= build();
  const upper = written.trim().toUpperCase();
  const asCode = /^[A-Z]{2}$/.test(upper) ? table.names.get(upper) : undefined;
  if (asCode) return { code: upper, name: asCode };
  const code = table.byName.get(countryKey(written));
  return code ? { code, name: table.names.get(code)! } : undefined;
}
