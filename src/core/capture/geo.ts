/**
 * Where an address is: country and network operator (AS number and
 * organisation) from a compact table built at build time
 * (`scripts/build-geo.mjs` → `dist/geo/ip-geo.bin`), read here without any
 * I/O. Addresses of special purpose (loopback, private, link-local, …) are
 * labelled locally and never looked up.
 *
 * The file, little-endian:
 *
 *     0   8 bytes  magic "PA-GEO\r\n"
 *     8   u32      format version (GEO_FORMAT)
 *     12  u32      header length H (a multiple of 8)
 *     16  u32      body length B
 *     20  u32      checksum of header and body (see `checksum`)
 *     24  H bytes  header: JSON (datasets, country codes, sections), space-padded
 *     24+H B bytes body: the sections, each aligned to 8 bytes
 *
 * A table kind (`country`, `asn`) and family (`v4`, `v6`) is a list of
 * segment starts, ascending, the first one 0, and one value per segment
 * (0 = unknown): a lookup is a binary search for the last start ≤ the
 * address. IPv4 starts are `u32`; IPv6 starts are four `u32` words each
 * (full 128 bits, most significant first). Country values index the
 * header's country codes; ASN values are the AS numbers. Organisation names
 * are one UTF-8 blob with an offset per AS number, decoded only when a
 * lookup needs one.
 *
 * The builder (`GeoTableBuilder`) lives here too, so the one description of
 * the format has its writer next to its reader; bundles that only open
 * tables leave it out (it is never imported by them).
 */

export type GeoScope =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'multicast'
  | 'documentation'
  | 'unspecified'
  | 'reserved';

export interface GeoResult {
  /** ISO 3166-1 alpha-2 of the range's registration (or geofeed) country. */
  country?: string;
  asn?: number;
  org?: string;
  /** Set for an address of special purpose; such an address gets no country or network. */
  scope?: GeoScope;
}

/** One data set a table was built from, with what its licence asks to print. */
export interface GeoDataset {
  /** Short name: `geo-whois-asn-country`, `asn`. */
  id: string;
  /** The package it came from: `@ip-location-db/asn`. */
  name: string;
  version: string;
  /** The data's date, `YYYY-MM-DD`. */
  date: string;
  /** `CC BY 4.0`. */
  licence: string;
  /** Who the licence asks to credit: `NRO`, `RouteViews`, `DB-IP`. */
  sources: string[];
  /** One line of attribution, as the licence asks. */
  attribution: string;
}

export interface GeoTable {
  readonly datasets: readonly GeoDataset[];
  /** Never throws: an invalid address gives `{}`. */
  lookup(address: string): GeoResult;
  /** One line naming the data sets, their dates, sources and licences. */
  describe(): string;
}

export const GEO_FORMAT = 1;
const MAGIC = 'PA-GEO\r\n';
const PREFIX_BYTES = 24;

type Kind = 'country' | 'asn';
type Family = 'v4' | 'v6';
type ElementType = 'u8' | 'u16' | 'u32';
type Section = [type: ElementType, offset: number, length: number];

interface Header {
  datasets: GeoDataset[];
  /** Index 0 is the empty string (unknown). */
  countries: string[];
  sections: Record<string, Section>;
}

/** The section names: `country.v4.starts`, `asn.v6.values`, `org.asns`, `org.offsets`, `org.text`. */
const tableSection = (kind: Kind, family: Family, part: 'starts' | 'values'): string => `${kind}.${family}.${part}`;
const WORDS: Record<Family, number> = { v4: 1, v6: 4 };

/**
 * A 32-bit checksum (FNV-1a over 32-bit words), one multiply per 4 bytes: a
 * few ms for the real file. It turns a damaged file into an error instead
 * of wrong answers.
 */
function checksum(bytes: Uint8Array): number {
  const words = bytes.length >>> 2;
  const view = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, words) : new Uint32Array(bytes.slice(0, words * 4).buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < words; i++) h = Math.imul(h ^ view[i]!, 0x01000193);
  for (let i = words * 4; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface OpenGeoOptions {
  /**
   * Also check the order of every segment and the range of every value (about
   * 10 ms for the real file). The checksum already tells a damaged file; this
   * checks what the builder wrote (the build and the tests use it).
   */
  verify?: boolean;
}

/** Opens a table; throws an `Error` saying what is wrong when the bytes are not a complete, intact table. */
export function openGeoTable(bytes: Uint8Array, options: OpenGeoOptions = {}): GeoTable {
  const fail = (why: string): never => {
    throw new Error(`Not a usable geo table: ${why}`);
  };
  if (!LITTLE_ENDIAN) fail('this machine is big-endian, the table is little-endian');
  if (bytes.length < PREFIX_BYTES) fail(`${bytes.length} bytes is too short`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) fail('wrong magic (not a Privacy Audit geo table)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = dv.getUint32(8, true);
  if (format !== GEO_FORMAT) fail(`format ${format}, this version reads format ${GEO_FORMAT} (rebuild it)`);
  const headerLength = dv.getUint32(12, true);
  const bodyLength = dv.getUint32(16, true);
  const expected = PREFIX_BYTES + headerLength + bodyLength;
  if (bytes.length !== expected) fail(`${bytes.length} bytes where the header promises ${expected} (truncated or extended)`);
  if (checksum(bytes.subarray(PREFIX_BYTES)) !== dv.getUint32(20, true)) fail('checksum mismatch (the file is damaged)');
  const bodyStart = PREFIX_BYTES + headerLength;
  // typed-array views need aligned offsets: copy the body once when the caller's bytes are not aligned
  const body = (bytes.byteOffset + bodyStart) % 8 === 0 ? bytes.subarray(bodyStart) : bytes.slice(bodyStart);

  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, bodyStart))) as Header;
  } catch (e) {
    return fail(`unreadable header (${e instanceof Error ? e.message : String(e)})`);
  }
  const problem = headerProblem(header);
  if (problem) fail(`header: ${problem}`);

  const section = (name: string): Uint8Array | Uint16Array | Uint32Array | undefined => {
    const s: unknown = header.sections[name];
    if (s === undefined) return undefined;
    if (!Array.isArray(s) || s.length !== 3) return fail(`section ${name} is not [type, offset, length]`);
    const [type, offset, length] = s as Section;
    const size = type === 'u8' ? 1 : type === 'u16' ? 2 : type === 'u32' ? 4 : fail(`section ${name} has type ${String(type)}`);
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset % 8 !== 0 || offset + length * size > body.length) {
      fail(`section ${name} lies outside the body`);
    }
    const at = body.byteOffset + offset;
    return size === 1 ? new Uint8Array(body.buffer, at, length) : size === 2 ? new Uint16Array(body.buffer, at, length) : new Uint32Array(body.buffer, at, length);
  };

  const ranges = (kind: Kind, family: Family, valueLimit: number): RangeTable | undefined => {
    const starts = section(tableSection(kind, family, 'starts'));
    const values = section(tableSection(kind, family, 'values'));
    if (!starts && !values) return undefined;
    if (!(starts instanceof Uint32Array) || !values) return fail(`${kind} ${family} table is incomplete`);
    const table = new RangeTable(starts, values, WORDS[family]);
    const problem = table.problem(options.verify ? valueLimit : undefined);
    if (problem) fail(`${kind} ${family} table: ${problem}`);
    return table;
  };

  const orgAsns = section('org.asns');
  const orgOffsets = section('org.offsets');
  const orgText = section('org.text');
  let orgs: OrgNames | undefined;
  if (orgAsns || orgOffsets || orgText) {
    if (!(orgAsns instanceof Uint32Array) || !(orgOffsets instanceof Uint32Array) || !(orgText instanceof Uint8Array)) return fail('organisation names are incomplete');
    orgs = new OrgNames(orgAsns, orgOffsets, orgText);
    const problem = orgs.problem(options.verify === true);
    if (problem) fail(`organisation names: ${problem}`);
  }

  return new Table(
    header.datasets,
    header.countries,
    {
      v4: ranges('country', 'v4', header.countries.length),
      v6: ranges('country', 'v6', header.countries.length),
    },
    { v4: ranges('asn', 'v4', 2 ** 32), v6: ranges('asn', 'v6', 2 ** 32) },
    orgs,
  );
}

/** What is missing or wrong in a parsed header, if anything. */
function headerProblem(header: unknown): string | undefined {
  if (typeof header !== 'object' || header === null) return 'not an object';
  const h = header as Partial<Header>;
  if (!Array.isArray(h.countries) || !h.countries.every((c) => typeof c === 'string')) return 'no list of country codes';
  if (typeof h.sections !== 'object' || h.sections === null) return 'no sections';
  if (!Array.isArray(h.datasets)) return 'no datasets';
  const text = (v: unknown): boolean => typeof v === 'string';
  for (const d of h.datasets as unknown[]) {
    const ds = d as Partial<GeoDataset> | null;
    if (!ds || !text(ds.id) || !text(ds.name) || !text(ds.version) || !text(ds.date) || !text(ds.licence) || !text(ds.attribution) || !Array.isArray(ds.sources) || !ds.sources.every(text)) {
      return 'a dataset lacks its id, name, version, date, licence, sources or attribution';
    }
  }
  return undefined;
}

/** Segment starts (1 or 4 words each) and one value per segment. */
class RangeTable {
  readonly length: number;
  constructor(
    private readonly starts: Uint32Array,
    private readonly values: Uint8Array | Uint16Array | Uint32Array,
    private readonly words: number,
  ) {
    this.length = values.length;
  }

  /** What makes the table unusable, if anything; every segment is checked when a value limit is given. */
  problem(valueLimit: number | undefined): string | undefined {
    const { starts, values, words } = this;
    if (starts.length !== values.length * words) return 'starts and values differ in number';
    if (values.length === 0) return 'no segments';
    for (let w = 0; w < words; w++) if (starts[w] !== 0) return 'does not start at address 0';
    if (valueLimit === undefined) return undefined;
    for (let i = 1; i < values.length; i++) if (compareAt(starts, i - 1, starts, i, words) >= 0) return `segment ${i} is out of order`;
    for (let i = 0; i < values.length; i++) if (values[i]! >= valueLimit) return `segment ${i} has value ${values[i]} out of range`;
    return undefined;
  }

  /** The value of the segment holding the address (given as `words` u32 words). */
  valueAt(address: Uint32Array): number {
    const { starts, words } = this;
    let lo = 0;
    let hi = this.length - 1;
    if (words === 1) {
      const x = address[0]!;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= x) lo = mid;
        else hi = mid - 1;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (compareAt(starts, mid, address, 0, words) <= 0) lo = mid;
        else hi = mid - 1;
      }
    }
    return this.values[lo]!;
  }
}

/** Compares the `words`-word numbers at index i of a and index j of b. */
function compareAt(a: Uint32Array, i: number, b: Uint32Array, j: number, words: number): number {
  for (let w = 0; w < words; w++) {
    const x = a[i * words + w]!;
    const y = b[j * words + w]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** AS numbers (ascending) → organisation name, decoded on first use. */
class OrgNames {
  private readonly decoded = new Map<number, string>();
  private readonly decoder = new TextDecoder();
  constructor(
    private readonly asns: Uint32Array,
    private readonly offsets: Uint32Array,
    private readonly text: Uint8Array,
  ) {}

  problem(everyEntry: boolean): string | undefined {
    const { asns, offsets, text } = this;
    if (offsets.length !== asns.length + 1) return 'offsets and AS numbers differ in number';
    if (offsets[0] !== 0 || offsets[asns.length] !== text.length) return 'offsets do not cover the names';
    if (!everyEntry) return undefined;
    for (let i = 1; i < asns.length; i++) if (asns[i - 1]! >= asns[i]!) return `AS number ${i} is out of order`;
    for (let i = 1; i < offsets.length; i++) if (offsets[i - 1]! > offsets[i]!) return `offset ${i} is out of order`;
    return undefined;
  }

  get(asn: number): string | undefined {
    const cached = this.decoded.get(asn);
    if (cached !== undefined) return cached;
    const { asns } = this;
    let lo = 0;
    let hi = asns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = asns[mid]!;
      if (at === asn) {
        const name = this.decoder.decode(this.text.subarray(this.offsets[mid]!, this.offsets[mid + 1]!));
        this.decoded.set(asn, name);
        return name;
      }
      if (at < asn) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

class Table implements GeoTable {
  private readonly key = { v4: new Uint32Array(1), v6: new Uint32Array(4) };
  constructor(
    readonly datasets: readonly GeoDataset[],
    private readonly countries: readonly string[],
    private readonly country: Record<Family, RangeTable | undefined>,
    private readonly asn: Record<Family, RangeTable | undefined>,
    private readonly orgs: OrgNames | undefined,
  ) {}

  lookup(address: string): GeoResult {
    const parsed = parseAddress(address);
    if (!parsed) return {};
    if (parsed.scope) return { scope: parsed.scope };
    const key = this.key[parsed.family];
    key.set(parsed.words);
    const result: GeoResult = {};
    const country = this.countries[this.country[parsed.family]?.valueAt(key) ?? 0];
    if (country) result.country = country;
    const asn = this.asn[parsed.family]?.valueAt(key) ?? 0;
    if (asn > 0) {
      result.asn = asn;
      const org = this.orgs?.get(asn);
      if (org) result.org = org;
    }
    return result;
  }

  describe(): string {
    return this.datasets.map((d) => `${d.id} ${d.date} (${d.sources.join(', ')}; ${d.licence})`).join('; ');
  }
}

// ---------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------

interface ParsedAddress {
  family: Family;
  /** One word (IPv4) or four (IPv6), most significant first. */
  words: number[];
  scope?: GeoScope;
}

/**
 * Parses an IPv4 or IPv6 address (`[…]`, `[…]:port` and a `%zone` are
 * tolerated) and labels special-purpose space. IPv4-mapped (`::ffff:a.b.c.d`)
 * and NAT64 (`64:ff9b::a.b.c.d`, what a phone on an IPv6-only network talks
 * to) addresses are the IPv4 address they carry.
 */
export function parseAddress(input: string): ParsedAddress | undefined {
  let text = input.trim();
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || !/^(:\d{1,5})?$/.test(text.slice(close + 1))) return undefined;
    text = text.slice(1, close);
  }
  if (!text.includes(':')) {
    const v4 = parseIPv4(text);
    return v4 === undefined ? undefined : { family: 'v4', words: [v4], scope: ipv4Scope(v4) };
  }
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const groups = parseIPv6(text);
  if (!groups) return undefined;
  const words = [0, 2, 4, 6].map((i) => ((groups[i]! << 16) | groups[i + 1]!) >>> 0);
  const [w0, w1, w2, w3] = words as [number, number, number, number];
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return { family: 'v4', words: [w3], scope: ipv4Scope(w3) };
  if (w0 === 0x0064ff9b && w1 === 0 && w2 === 0) return { family: 'v4', words: [w3], scope: ipv4Scope(w3) };
  return { family: 'v6', words, scope: ipv6Scope(w0, w1, w2, w3) };
}

/** Dotted decimal, four parts; no leading zero (`010` is 8 to some parsers and 10 to others). */
function parseIPv4(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e; // a final '.' closes the last part
    if (c === 0x2e) {
      if (digits === 0 || ++parts > 4) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 0x30);
      if (++digits > 3 || octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? value : undefined;
}

/** Eight 16-bit groups, or undefined. */
function parseIPv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string, last: boolean): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (last && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  if (halves.length === 1) {
    const groups = groupsOf(halves[0]!, true);
    return groups && groups.length === 8 ? groups : undefined;
  }
  const head = groupsOf(halves[0]!, false);
  const tail = groupsOf(halves[1]!, true);
  if (!head || !tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** IPv4 special-purpose blocks (RFC 6890 and its updates): [first address, prefix length, scope]. */
const IPV4_SPECIAL: Array<[string, number, GeoScope]> = [
  ['0.0.0.0', 32, 'unspecified'],
  ['0.0.0.0', 8, 'reserved'], // "this network"
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking (and proxies' "fake IP" pools)
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes the broadcast address
];
const IPV4_SPECIAL_NUM = IPV4_SPECIAL.map(([first, bits, scope]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: parseIPv4(first)!, mask, scope };
});

function ipv4Scope(address: number): GeoScope | undefined {
  for (const { base, mask, scope } of IPV4_SPECIAL_NUM) if (((address & mask) >>> 0) === base) return scope;
  return undefined;
}

function ipv6Scope(w0: number, w1: number, w2: number, w3: number): GeoScope | undefined {
  if (w0 === 0 && w1 === 0 && w2 === 0) return w3 === 0 ? 'unspecified' : w3 === 1 ? 'loopback' : 'reserved';
  const top16 = w0 >>> 16;
  if (w0 === 0x20010db8 || w0 >>> 12 === 0x3fff0) return 'documentation'; // 2001:db8::/32, 3fff::/20
  if ((top16 & 0xfe00) === 0xfc00) return 'unique-local'; // fc00::/7
  if ((top16 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((top16 & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
  if ((top16 & 0xe000) !== 0x2000) return 'reserved'; // outside global unicast 2000::/3 (100::/64, fec0::/10, …)
  if (w0 === 0x20010002 && w1 >>> 16 === 0) return 'reserved'; // 2001:2::/48, benchmarking
  return undefined;
}

// ---------------------------------------------------------------------------
// Building (build time only: scripts/build-geo.mjs and the tests)
// ---------------------------------------------------------------------------

/** Rows read and segments written for one table. */
export interface GeoBuildStats {
  rows: number;
  segments: number;
}

/**
 * Turns `@ip-location-db` "-num" CSV lines into a table: `start,end,CC` for
 * country, `start,end,asn,organisation` for ASN (inclusive ranges, bounds as
 * decimal integers, the organisation CSV-quoted when it needs to be). Ranges
 * may nest or overlap: at every address the narrowest range holding it wins
 * (equal widths: the later line); addresses no range holds are unknown.
 */
export class GeoTableBuilder {
  private readonly countryCodes: string[] = [''];
  private readonly countryIndex = new Map<string, number>();
  private readonly orgNames = new Map<number, string>();
  private readonly tables = new Map<string, { starts: Uint32Array; values: number[] }>();

  /** Reads one CSV (country or ASN, IPv4 or IPv6); throws on a malformed line, naming it. */
  async addCsv(kind: Kind, family: Family, lines: Iterable<string> | AsyncIterable<string>): Promise<GeoBuildStats> {
    const rows: RangeRows<number | bigint> = { starts: [], ends: [], values: [] };
    const max = family === 'v4' ? 2 ** 32 - 1 : (1n << 128n) - 1n;
    let lineNumber = 0;
    for await (const raw of lines) {
      lineNumber++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line === '') continue;
      const bad = (why: string): never => {
        throw new Error(`${kind} ${family} CSV, line ${lineNumber}: ${why}: ${line.slice(0, 120)}`);
      };
      const c1 = line.indexOf(',');
      const c2 = line.indexOf(',', c1 + 1);
      if (c1 < 0 || c2 < 0) bad('fewer than three fields');
      const start = parseBound(line.slice(0, c1), family);
      const end = parseBound(line.slice(c1 + 1, c2), family);
      if (start === undefined || end === undefined || end > max) bad('a bound is not an address number');
      if (start! > end!) bad('the range ends before it starts');
      const rest = line.slice(c2 + 1);
      rows.starts.push(start!);
      rows.ends.push(end!);
      rows.values.push(kind === 'country' ? this.country(rest, bad) : this.asn(rest, bad));
    }
    const flat = family === 'v4' ? flatten(rows as RangeRows<number>, NUMBER_BOUNDS) : flatten(rows as RangeRows<bigint>, BIGINT_BOUNDS);
    const words = WORDS[family];
    const starts = new Uint32Array(flat.starts.length * words);
    flat.starts.forEach((s, i) => {
      if (typeof s === 'number') starts[i] = s;
      else for (let w = 0; w < 4; w++) starts[i * 4 + w] = Number((s >> BigInt(96 - 32 * w)) & 0xffffffffn);
    });
    this.tables.set(`${kind}.${family}`, { starts, values: flat.values });
    return { rows: rows.values.length, segments: flat.values.length };
  }

  /** The table's bytes; `datasets` go into its header as they are. */
  encode(datasets: GeoDataset[]): Uint8Array {
    const sections: Array<[string, ElementType, ArrayLike<number>]> = [];
    for (const [key, table] of this.tables) {
      const [kind, family] = key.split('.') as [Kind, Family];
      const type: ElementType = kind === 'asn' ? 'u32' : this.countryCodes.length <= 256 ? 'u8' : 'u16';
      sections.push([tableSection(kind, family, 'starts'), 'u32', table.starts], [tableSection(kind, family, 'values'), type, table.values]);
    }
    if (this.orgNames.size > 0) {
      const asns = [...this.orgNames.keys()].sort((a, b) => a - b);
      const encoder = new TextEncoder();
      const names = asns.map((asn) => encoder.encode(this.orgNames.get(asn)));
      const offsets = new Uint32Array(asns.length + 1);
      names.forEach((n, i) => (offsets[i + 1] = offsets[i]! + n.length));
      const text = new Uint8Array(offsets[asns.length]!);
      names.forEach((n, i) => text.set(n, offsets[i]));
      sections.push(['org.asns', 'u32', asns], ['org.offsets', 'u32', offsets], ['org.text', 'u8', text]);
    }

    const header: Header = { datasets, countries: this.countryCodes, sections: {} };
    let bodyLength = 0;
    for (const [name, type, data] of sections) {
      header.sections[name] = [type, bodyLength, data.length];
      bodyLength += align8(data.length * (type === 'u8' ? 1 : type === 'u16' ? 2 : 4));
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const headerLength = align8(json.length);
    const out = new Uint8Array(PREFIX_BYTES + headerLength + bodyLength);
    for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
    out.set(json, PREFIX_BYTES);
    out.fill(0x20, PREFIX_BYTES + json.length, PREFIX_BYTES + headerLength);
    const body = out.subarray(PREFIX_BYTES + headerLength);
    for (const [name, type, data] of sections) {
      const offset = header.sections[name]![1];
      const view = type === 'u8' ? new Uint8Array(body.buffer, body.byteOffset + offset, data.length) : type === 'u16' ? new Uint16Array(body.buffer, body.byteOffset + offset, data.length) : new Uint32Array(body.buffer, body.byteOffset + offset, data.length);
      view.set(data);
    }
    const dv = new DataView(out.buffer);
    dv.setUint32(8, GEO_FORMAT, true);
    dv.setUint32(12, headerLength, true);
    dv.setUint32(16, bodyLength, true);
    dv.setUint32(20, checksum(out.subarray(PREFIX_BYTES)), true);
    return out;
  }

  private country(field: string, bad: (why: string) => never): number {
    if (!/^[A-Z]{2}$/.test(field)) bad('the country is not two capital letters');
    let index = this.countryIndex.get(field);
    if (index === undefined) {
      index = this.countryCodes.length;
      if (index > 0xffff) bad('too many country codes');
      this.countryCodes.push(field);
      this.countryIndex.set(field, index);
    }
    return index;
  }

  private asn(rest: string, bad: (why: string) => never): number {
    const comma = rest.indexOf(',');
    const number = comma < 0 ? rest : rest.slice(0, comma);
    if (!/^\d{1,10}$/.test(number) || Number(number) > 0xffffffff) bad('the AS number is not a 32-bit number');
    const asn = Number(number);
    if (asn === 0) return 0; // AS0: announced by no one
    const org = comma < 0 ? '' : unquoteCsv(rest.slice(comma + 1));
    if (org === undefined) bad('the organisation is badly quoted');
    // the first name seen for a number stays (the data gives one per number, almost always)
    if (org && !this.orgNames.has(asn)) this.orgNames.set(asn, org);
    return asn;
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function parseBound(text: string, family: Family): number | bigint | undefined {
  if (!/^\d{1,39}$/.test(text)) return undefined;
  if (family === 'v6') return BigInt(text);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** One CSV field: plain, or quoted with `""` for a quote. */
function unquoteCsv(field: string): string | undefined {
  if (!field.startsWith('"')) return field;
  if (field.length < 2 || !field.endsWith('"')) return undefined;
  const inner = field.slice(1, -1);
  if (inner.replace(/""/g, '').includes('"')) return undefined;
  return inner.replace(/""/g, '"');
}

interface RangeRows<B> {
  starts: B[];
  ends: B[];
  values: number[];
}

interface Bounds<B> {
  /** The next address, or undefined after the last one. */
  next(b: B): B | undefined;
  width(start: B, end: B): B;
  zero: B;
}
const NUMBER_BOUNDS: Bounds<number> = {
  next: (b) => (b >= 2 ** 32 - 1 ? undefined : b + 1),
  width: (s, e) => e - s,
  zero: 0,
};
const BIGINT_BOUNDS: Bounds<bigint> = {
  next: (b) => (b >= (1n << 128n) - 1n ? undefined : b + 1n),
  width: (s, e) => e - s,
  zero: 0n,
};

/**
 * Flattens inclusive ranges into segments (start, value), first start 0,
 * adjacent equal values merged, 0 where no range holds the address.
 *
 * A sweep over the ranges sorted by start, with the ranges open at the
 * current address in a heap ordered narrowest first (equal widths: later
 * line first): the value changes only where a range starts or where the
 * heap's top ends, so the work is O(n log n) whatever the nesting. For
 * properly nested ranges the heap behaves as a stack.
 */
export function flatten<B extends number | bigint>(rows: RangeRows<B>, bounds: Bounds<B>): { starts: B[]; values: number[] } {
  const n = rows.values.length;
  const { starts: rs, ends: re, values: rv } = rows;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (rs[a]! < rs[b]! ? -1 : rs[a]! > rs[b]! ? 1 : a - b));
  const widths = rs.map((s, i) => bounds.width(s, re[i]!));
  // heap "a before b": narrower, or as wide and later
  const before = (a: number, b: number): boolean => widths[a]! < widths[b]! || (widths[a] === widths[b] && a > b);
  const heap = new IndexHeap(before);

  const outStarts: B[] = [];
  const outValues: number[] = [];
  const emit = (at: B, value: number): void => {
    const last = outValues.length - 1;
    if (last >= 0 && outStarts[last] === at) {
      // a later event at the same address decides it
      if (last >= 1 && outValues[last - 1] === value) {
        outStarts.pop();
        outValues.pop();
      } else {
        outValues[last] = value;
      }
      return;
    }
    if (last >= 0 && outValues[last] === value) return;
    outStarts.push(at);
    outValues.push(value);
  };
  const dropEnded = (at: B): void => {
    while (heap.size > 0 && re[heap.top()]! < at) heap.pop();
  };
  const current = (): number => (heap.size > 0 ? rv[heap.top()]! : 0);

  emit(bounds.zero, 0);
  let i = 0;
  for (;;) {
    const nextStart = i < n ? rs[order[i]!]! : undefined;
    const topEnd = heap.size > 0 ? bounds.next(re[heap.top()]!) : undefined;
    if (topEnd !== undefined && (nextStart === undefined || topEnd <= nextStart)) {
      dropEnded(topEnd);
      emit(topEnd, current());
    } else if (nextStart !== undefined) {
      while (i < n && rs[order[i]!] === nextStart) heap.push(order[i++]!);
      dropEnded(nextStart);
      emit(nextStart, current());
    } else {
      break; // no more starts, and what is open runs to the last address
    }
  }
  return { starts: outStarts, values: outValues };
}

/** A binary heap of row indexes. */
class IndexHeap {
  private readonly items: number[] = [];
  constructor(private readonly before: (a: number, b: number) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  top(): number {
    return this.items[0]!;
  }
  push(x: number): void {
    const { items, before } = this;
    let i = items.push(x) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): void {
    const { items, before } = this;
    const last = items.pop()!;
    if (items.length === 0) return;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && before(items[l]!, items[best]!)) best = l;
      if (r < items.length && before(items[r]!, items[best]!)) best = r;
      if (best === i) return;
      [items[i], items[best]] = [items[best]!, items[i]!];
      i = best;
    }
  }
}
