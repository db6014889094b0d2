/**
 * The data-category taxonomy (format spec §3) as data, and the matcher that
 * resolves what an analyst wrote (`phone number`, `MSISDN`, `msisdn`) to one
 * category. Extendable from front matter `categories` and the project config.
 */

export type Sensitivity = 'high' | 'medium' | 'low';

export interface Category {
  /** Stable id, lower-case with hyphens, e.g. `phone-number`. */
  readonly id: string;
  /** Human label, e.g. `Phone number (MSISDN)`. */
  readonly label: string;
  /** Other names that resolve to this category (matched case-insensitively). */
  readonly aliases: readonly string[];
  readonly sensitivity: Sensitivity;
  /** Grouping used by hovers and the preview. */
  readonly group: string;
  /** Where the category was defined. */
  readonly source: 'built-in' | 'config' | 'report';
}

type Def = [id: string, label: string, sensitivity: Sensitivity, group: string, aliases: string[]];

const BUILT_IN: Def[] = [
  // Device identifiers
  ['imei', 'IMEI', 'high', 'device identifier', ['international mobile equipment identity', 'imeisv', 'imei sv']],
  ['meid', 'MEID', 'high', 'device identifier', ['mobile equipment identifier']],
  ['serial-number', 'Serial number', 'high', 'device identifier', ['serial', 'hardware serial', 'device serial']],
  ['mac-address', 'MAC address', 'high', 'device identifier', ['mac', 'wifi mac', 'wi-fi mac', 'bluetooth mac']],
  ['android-id', 'Android ID', 'high', 'device identifier', ['ssaid', 'android_id']],
  ['advertising-id', 'Advertising ID', 'medium', 'device identifier', ['aaid', 'gaid', 'idfa', 'google advertising id', 'ad id']],
  // Subscriber identifiers
  ['imsi', 'IMSI', 'high', 'subscriber identifier', ['international mobile subscriber identity']],
  ['iccid', 'ICCID', 'high', 'subscriber identifier', ['sim serial', 'sim serial number', 'integrated circuit card id']],
  ['phone-number', 'Phone number (MSISDN)', 'high', 'subscriber identifier', ['phone number', 'msisdn', 'own phone number', 'mobile number', 'telephone number']],
  ['carrier', 'Carrier name', 'low', 'network', ['carrier name', 'operator', 'operator name', 'network operator', 'telecom operator', 'mobile network operator', 'mcc-mnc']],
  // Personal content
  ['contacts', 'Contacts', 'high', 'personal content', ['contact list', 'address book', 'phone book', 'phonebook', 'contact phone numbers']],
  ['sms-content', 'SMS/MMS content', 'high', 'personal content', ['sms', 'mms', 'sms content', 'mms content', 'message content', 'messages', 'text messages']],
  ['sms-metadata', 'SMS/MMS metadata', 'high', 'personal content', ['sms metadata', 'mms metadata', 'message metadata', 'sms sender', 'sender number']],
  ['call-log', 'Call log', 'high', 'personal content', ['call history', 'call logs', 'call records', 'call metadata']],
  ['precise-location', 'Precise location', 'high', 'location', ['gps', 'gps location', 'fine location', 'location']],
  ['coarse-location', 'Coarse location', 'medium', 'location', ['approximate location', 'cell id', 'cell tower', 'ip geolocation']],
  ['photos', 'Photos and media', 'high', 'personal content', ['photos and media', 'pictures', 'images', 'media', 'videos']],
  ['installed-apps', 'Installed apps', 'medium', 'usage', ['app list', 'installed applications', 'package list', 'installed packages']],
  ['browsing-history', 'Browsing history', 'high', 'usage', ['web history', 'browser history', 'visited urls']],
  // Accounts
  ['account-id', 'Account identifier', 'medium', 'account', ['account identifiers', 'email', 'email address', 'user id', 'userid', 'username', 'account', 'mi account']],
  ['credentials', 'Credentials', 'high', 'account', ['password', 'passwords', 'auth token', 'token', 'session token', 'api key']],
  // Device properties
  ['device-model', 'Device model', 'low', 'device property', ['model', 'phone model', 'hardware model']],
  ['os-version', 'OS version', 'low', 'device property', ['firmware version', 'rom version', 'build number', 'miui version', 'android version']],
];

const norm = (s: string): string => s.trim().toLowerCase().replace(/[\s_]+/g, ' ');

export const BUILT_IN_CATEGORIES: readonly Category[] = BUILT_IN.map(([id, label, sensitivity, group, aliases]) => ({
  id,
  label,
  sensitivity,
  group,
  aliases,
  source: 'built-in' as const,
}));

export interface CategoryInput {
  id: string;
  label?: string;
  sensitivity?: Sensitivity;
  aliases?: string[];
}

/** A taxonomy: the built-in categories plus extensions, with alias-aware lookup. */
export class Taxonomy {
  private readonly byName = new Map<string, Category>();
  readonly categories: readonly Category[];

  constructor(categories: readonly Category[]) {
    this.categories = categories;
    for (const c of categories) {
      for (const name of [c.id, c.label, ...c.aliases]) {
        const key = norm(name);
        if (!this.byName.has(key)) this.byName.set(key, c);
      }
      // `phone-number` also matches `phone number`
      const spaced = norm(c.id.replace(/-/g, ' '));
      if (!this.byName.has(spaced)) this.byName.set(spaced, c);
    }
  }

  static readonly builtIn = new Taxonomy(BUILT_IN_CATEGORIES);

  /** A new taxonomy with extra categories; an extension with a known id overrides it. */
  extend(extra: readonly CategoryInput[], source: 'config' | 'report'): Taxonomy {
    if (extra.length === 0) return this;
    const out = new Map(this.categories.map((c) => [c.id, c] as const));
    for (const e of extra) {
      const prev = out.get(e.id);
      out.set(e.id, {
        id: e.id,
        label: e.label ?? prev?.label ?? e.id,
        sensitivity: e.sensitivity ?? prev?.sensitivity ?? 'medium',
        group: prev?.group ?? 'custom',
        aliases: [...(prev?.aliases ?? []), ...(e.aliases ?? [])],
        source,
      });
    }
    return new Taxonomy([...out.values()]);
  }

  /**
   * The one name a category is shown under — tables, cards, diagrams, hovers,
   * the form's chips and checkboxes: its label (`sms metadata` shows as
   * `SMS/MMS metadata`, `phone number` as `Phone number (MSISDN)`). A name
   * the taxonomy does not know is shown as written. Display only: what a
   * report holds is never rewritten.
   */
  displayName(written: string): string {
    return this.lookup(written)?.label ?? written;
  }

  /** Resolve a name, id or alias, case-insensitively. */
  lookup(name: string): Category | undefined {
    return this.byName.get(norm(name));
  }

  /** The closest known names by edit distance, best first (for "did you mean"). */
  suggest(name: string, max = 3): { name: string; category: Category; distance: number }[] {
    const n = norm(name);
    const limit = Math.max(2, Math.floor(n.length / 3));
    const found: { name: string; category: Category; distance: number }[] = [];
    for (const [key, category] of this.byName) {
      // substring containment is a strong hint ("imei number" → "imei")
      const d = key.includes(n) || n.includes(key) ? Math.abs(key.length - n.length) / 4 : editDistance(n, key, limit);
      if (d <= limit) found.push({ name: key, category, distance: d });
    }
    found.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
    const seen = new Set<string>();
    return found.filter((f) => !seen.has(f.category.id) && seen.add(f.category.id)).slice(0, max);
  }
}

/** Damerau-free Levenshtein distance with an early exit above `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}
