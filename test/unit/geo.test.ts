import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { GeoTableBuilder, openGeoTable, type GeoDataset, type GeoTable } from '../../src/core/capture/geo';
import { geoDataPath, geoDataProblem, loadGeoTable } from '../../src/node/capture/geo-data';

// Tiny tables built from synthetic "-num" CSV lines by the same builder as dist/geo/ip-geo.bin.

/** 1.2.3.4 → "16909060" (written independently of the code under test). */
function n4(address: string): string {
  return String(address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0));
}
/** A simple IPv6 address (hex groups, at most one ::) → its decimal number. */
function n6(address: string): string {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n).toString();
}
const row4 = (from: string, to: string, value: string): string => `${n4(from)},${n4(to)},${value}`;
const row6 = (from: string, to: string, value: string): string => `${n6(from)},${n6(to)},${value}`;

const DATASETS: GeoDataset[] = [
  { id: 'country-test', name: 'test-country', version: '1.0.20260102', date: '2026-01-02', licence: 'CC BY 4.0', sources: ['NRO'], attribution: 'country by NRO' },
  { id: 'asn-test', name: 'test-asn', version: '1.0.20260103', date: '2026-01-03', licence: 'CC BY 4.0', sources: ['RouteViews', 'DB-IP'], attribution: 'asn by RouteViews and DB-IP' },
];

interface Input {
  country4?: string[];
  country6?: string[];
  asn4?: string[];
  asn6?: string[];
}
async function build(input: Input): Promise<Uint8Array> {
  const b = new GeoTableBuilder();
  if (input.country4) await b.addCsv('country', 'v4', input.country4);
  if (input.country6) await b.addCsv('country', 'v6', input.country6);
  if (input.asn4) await b.addCsv('asn', 'v4', input.asn4);
  if (input.asn6) await b.addCsv('asn', 'v6', input.asn6);
  return b.encode(DATASETS);
}
async function table(input: Input): Promise<GeoTable> {
  return openGeoTable(await build(input), { verify: true });
}

const SAMPLE: Input = {
  country4: [
    row4('1.0.0.0', '1.255.255.255', 'AU'),
    row4('1.2.0.0', '1.2.255.255', 'JP'), // nested in the /8
    row4('1.2.3.0', '1.2.3.255', 'CN'), // nested twice
    row4('1.9.0.0', '1.9.0.255', 'FR'), // then back to the /8
    row4('5.0.0.0', '5.0.0.99', 'FR'), // partial overlap: FR narrower (100) than DE (200)
    row4('5.0.0.50', '5.0.0.249', 'DE'),
    row4('8.8.8.0', '8.8.8.255', 'US'),
    row4('10.0.0.0', '10.255.255.255', 'NL'), // private space: must never be looked up
    row4('255.255.255.0', '255.255.255.255', 'ZW'),
  ],
  country6: [
    row6('2001:420:4000::', '2001:420:7fff:ffff:ffff:ffff:ffff:ffff', 'JP'), // /34
    row6('2001:420:4000::', '2001:420:4fff:ffff:ffff:ffff:ffff:ffff', 'NL'), // /36 inside it
    row6('2001:420:4000::', '2001:420:40ff:ffff:ffff:ffff:ffff:ffff', 'GB'), // /40 inside that
    row6('2a00::10', '2a00::1f', 'IE'), // finer than /64: every bit counts
  ],
  asn4: [
    `${n4('1.0.0.0')},${n4('1.0.0.255')},13335,"Cloudflare, Inc."`,
    `${n4('1.0.1.0')},${n4('1.0.1.255')},201907,"LLC ""SPUTNIK"""`,
    `${n4('1.0.4.0')},${n4('1.0.4.255')},38803,Gtelecom Pty Ltd`,
    `${n4('8.8.8.0')},${n4('8.8.8.255')},15169,Google LLC`,
    `${n4('9.0.0.0')},${n4('9.0.0.255')},0,`, // AS0: no one
  ],
  asn6: [`${n6('2a00:1450::')},${n6('2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff')},15169,Google LLC`],
};

describe('geo table: ranges', () => {
  test('nested ranges: the narrowest holding the address wins, the wider one resumes after it', async () => {
    const t = await table(SAMPLE);
    const country = (a: string): string | undefined => t.lookup(a).country;
    assert.equal(country('1.0.0.1'), 'AU');
    assert.equal(country('1.1.255.255'), 'AU');
    assert.equal(country('1.2.0.0'), 'JP');
    assert.equal(country('1.2.3.0'), 'CN');
    assert.equal(country('1.2.3.255'), 'CN');
    assert.equal(country('1.2.4.0'), 'JP');
    assert.equal(country('1.3.0.0'), 'AU');
    assert.equal(country('1.9.0.7'), 'FR');
    assert.equal(country('1.9.1.0'), 'AU');
    assert.equal(country('1.255.255.255'), 'AU');
  });

  test('partial overlap: where both hold the address, the narrower wins', async () => {
    const t = await table(SAMPLE);
    assert.equal(t.lookup('5.0.0.49').country, 'FR');
    assert.equal(t.lookup('5.0.0.60').country, 'FR');
    assert.equal(t.lookup('5.0.0.99').country, 'FR');
    assert.equal(t.lookup('5.0.0.100').country, 'DE');
    assert.equal(t.lookup('5.0.0.249').country, 'DE');
  });

  test('gaps are unknown, not the previous range', async () => {
    const t = await table(SAMPLE);
    assert.deepEqual(t.lookup('2.0.0.0'), {});
    assert.deepEqual(t.lookup('5.0.0.250'), {});
    assert.deepEqual(t.lookup('1.0.2.0'), { country: 'AU' }); // between two ASN ranges
    assert.deepEqual(t.lookup('9.0.0.1'), {}); // AS0
    assert.deepEqual(t.lookup('2a00:1451::1'), {});
    assert.equal(t.lookup('255.255.255.255').country, undefined); // reserved, whatever the data says
  });

  test('IPv6 keeps all 128 bits, and nests', async () => {
    const t = await table(SAMPLE);
    assert.equal(t.lookup('2001:420:4000::1').country, 'GB');
    assert.equal(t.lookup('2001:420:4100::').country, 'NL');
    assert.equal(t.lookup('2001:420:5000::').country, 'JP');
    assert.equal(t.lookup('2001:420:8000::').country, undefined);
    assert.equal(t.lookup('2a00::f').country, undefined);
    assert.equal(t.lookup('2a00::10').country, 'IE');
    assert.equal(t.lookup('2a00::1f').country, 'IE');
    assert.equal(t.lookup('2a00::20').country, undefined);
    assert.deepEqual(t.lookup('2a00:1450:4001:80b::200e'), { asn: 15169, org: 'Google LLC' });
  });

  test('ASN and organisation, CSV quoting undone', async () => {
    const t = await table(SAMPLE);
    assert.deepEqual(t.lookup('1.0.0.1'), { country: 'AU', asn: 13335, org: 'Cloudflare, Inc.' });
    assert.deepEqual(t.lookup('1.0.1.1'), { country: 'AU', asn: 201907, org: 'LLC "SPUTNIK"' });
    assert.deepEqual(t.lookup('1.0.4.4'), { country: 'AU', asn: 38803, org: 'Gtelecom Pty Ltd' });
    assert.deepEqual(t.lookup('8.8.8.8'), { country: 'US', asn: 15169, org: 'Google LLC' });
  });

  test('the sweep agrees with painting address by address, on random nested and overlapping ranges', async () => {
    let seed = 12345;
    const random = (n: number): number => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const codes = ['AA', 'BB', 'CC', 'DD', 'EE', 'FF'];
    const base4 = Number(n4('5.1.0.0'));
    const base6 = BigInt(n6('2a01::'));
    for (let round = 0; round < 60; round++) {
      const ranges = Array.from({ length: 1 + random(12) }, () => {
        const start = random(300);
        return { start, end: start + random(80), code: codes[random(codes.length)]! };
      });
      const t = await table({
        country4: ranges.map((r) => `${base4 + r.start},${base4 + r.end},${r.code}`),
        country6: ranges.map((r) => `${base6 + BigInt(r.start)},${base6 + BigInt(r.end)},${r.code}`),
      });
      for (let x = 0; x < 400; x++) {
        // reference: the narrowest range holding x, the later one on a tie
        let best: (typeof ranges)[number] | undefined;
        for (const r of ranges) if (r.start <= x && x <= r.end && (!best || r.end - r.start <= best.end - best.start)) best = r;
        const v4 = [base4 + x].map((v) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.'))[0]!;
        const v6 = `2a01::${x.toString(16)}`;
        assert.equal(t.lookup(v4).country, best?.code, `round ${round}, v4 offset ${x}, ranges ${JSON.stringify(ranges)}`);
        assert.equal(t.lookup(v6).country, best?.code, `round ${round}, v6 offset ${x}`);
      }
    }
  });
});

describe('geo table: addresses', () => {
  test('special-purpose addresses are labelled, never looked up', async () => {
    const t = await table(SAMPLE);
    const cases: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'],
      ['::1', 'loopback'],
      ['10.1.2.3', 'private'], // the data says NL: ignored
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.10.1', 'link-local'],
      ['fe80::1', 'link-local'],
      ['100.64.0.1', 'cgnat'],
      ['100.127.255.255', 'cgnat'],
      ['fd12:3456::1', 'unique-local'],
      ['fc00::1', 'unique-local'],
      ['224.0.0.251', 'multicast'],
      ['ff02::fb', 'multicast'],
      ['192.0.2.1', 'documentation'],
      ['198.51.100.7', 'documentation'],
      ['203.0.113.9', 'documentation'],
      ['2001:db8::1', 'documentation'],
      ['3fff::1', 'documentation'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['240.0.0.1', 'reserved'],
      ['255.255.255.255', 'reserved'],
      ['198.18.0.1', 'reserved'],
      ['100::1', 'reserved'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:10.0.0.1', 'private'],
    ];
    for (const [address, scope] of cases) assert.deepEqual(t.lookup(address), { scope }, address);
    // just outside the blocks: looked up as usual
    for (const address of ['172.32.0.1', '100.128.0.1', '11.0.0.1', '2a00::1']) assert.equal(t.lookup(address).scope, undefined, address);
  });

  test('IPv4-mapped and NAT64 IPv6 addresses are the IPv4 address they carry', async () => {
    const t = await table(SAMPLE);
    const expected = { country: 'US', asn: 15169, org: 'Google LLC' };
    assert.deepEqual(t.lookup('::ffff:8.8.8.8'), expected);
    assert.deepEqual(t.lookup('::FFFF:0808:0808'), expected);
    assert.deepEqual(t.lookup('0:0:0:0:0:ffff:8.8.8.8'), expected);
    assert.deepEqual(t.lookup('64:ff9b::8.8.8.8'), expected);
  });

  test('brackets, a port after them, a zone id and spaces are tolerated', async () => {
    const t = await table(SAMPLE);
    assert.equal(t.lookup('[2a00::10]').country, 'IE');
    assert.equal(t.lookup('[2a00::10]:443').country, 'IE');
    assert.equal(t.lookup(' 2A00::10 ').country, 'IE');
    assert.equal(t.lookup('[8.8.8.8]').country, 'US');
    assert.deepEqual(t.lookup('fe80::1%wlan0'), { scope: 'link-local' });
    assert.deepEqual(t.lookup('[fe80::1%25en0]:80'), { scope: 'link-local' });
  });

  test('random strings of address characters never throw, and give {} or a well-formed answer', async () => {
    const t = await table(SAMPLE);
    const alphabet = '0123456789abcdefABCDEF:.[]%/ ';
    let seed = 99;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: random(45) }, () => alphabet[random(alphabet.length)]).join('');
      const result = t.lookup(text);
      for (const key of Object.keys(result)) assert.ok(['country', 'asn', 'org', 'scope'].includes(key), `${JSON.stringify(text)} gave ${key}`);
      if (result.country !== undefined) assert.match(result.country, /^[A-Z]{2}$/);
    }
  });

  test('anything that is not an address gives {} and never throws', async () => {
    const t = await table(SAMPLE);
    const invalid = ['', ' ', 'garbage', 'example.com', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', '8.8.8.8:53', '1::2::3',
      ':::', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '::1.2.3', '[::1', '[::1]x', '::ffff:1.2.3.256', '1.2.3.4.', '1.2.3.00', '.1.2.3', '\u0000', '٨.٨.٨.٨'];
    for (const address of invalid) assert.deepEqual(t.lookup(address), {}, JSON.stringify(address));
  });
});

describe('geo table: the file', () => {
  test('datasets and the one-line description come from the header', async () => {
    const t = await table(SAMPLE);
    assert.deepEqual(t.datasets, DATASETS);
    assert.equal(t.describe(), 'country-test 2026-01-02 (NRO; CC BY 4.0); asn-test 2026-01-03 (RouteViews, DB-IP; CC BY 4.0)');
  });

  test('a table with only some kinds answers what it has', async () => {
    const t = await table({ country4: SAMPLE.country4 });
    assert.deepEqual(t.lookup('8.8.8.8'), { country: 'US' });
    assert.deepEqual(t.lookup('2a00::10'), {});
  });

  test('an unaligned copy of the bytes opens too', async () => {
    const bytes = await build(SAMPLE);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    assert.equal(openGeoTable(shifted.subarray(3)).lookup('1.2.3.4').country, 'CN');
  });

  test('truncated, extended, damaged or foreign bytes give a clear error', async () => {
    const bytes = await build(SAMPLE);
    const damaged = (edit: (b: Uint8Array) => void): Uint8Array => {
      const copy = bytes.slice();
      edit(copy);
      return copy;
    };
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['empty', new Uint8Array(0), /too short/],
      ['truncated', bytes.subarray(0, bytes.length - 1), /truncated/],
      ['cut inside the header', bytes.subarray(0, 40), /truncated/],
      ['extended', new Uint8Array([...bytes, 0]), /truncated or extended/],
      ['wrong magic', damaged((b) => (b[0] = 0x51)), /magic/],
      ['a pcap', new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, ...new Array<number>(40).fill(0)]), /magic/],
      ['other format version', damaged((b) => (b[8] = 9)), /format 9/],
      ['a byte of the body flipped', damaged((b) => (b[b.length - 5] = b[b.length - 5]! ^ 0x40)), /checksum/],
      ['a byte of the header flipped', damaged((b) => (b[30] = 0x7b)), /checksum/],
      ['a letter of a dataset name changed', damaged((b) => (b[new TextDecoder().decode(b.subarray(0, 400)).indexOf('RouteViews')] = 0x72)), /checksum/],
    ];
    for (const [name, input, message] of cases) {
      assert.throws(() => openGeoTable(input), (e: unknown) => e instanceof Error && /^Not a usable geo table: /.test(e.message) && message.test(e.message), name);
    }
  });

  test('any single damaged byte or cut is refused with our error, never a wrong answer or another exception', async () => {
    const bytes = await build(SAMPLE);
    let seed = 4242;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let i = 0; i < 300; i++) {
      const copy = bytes.slice();
      const at = random(copy.length);
      copy[at] = copy[at]! ^ (1 + random(255));
      const cut = i % 3 === 0 ? copy.subarray(0, random(copy.length)) : copy;
      assert.throws(() => openGeoTable(cut), /^Error: Not a usable geo table: /, `byte ${at}${cut === copy ? '' : `, cut at ${cut.length}`}`);
    }
  });

  test('a malformed CSV line stops the build, naming the line', async () => {
    const cases: Array<[Input, RegExp]> = [
      [{ country4: [row4('1.0.0.0', '1.0.0.255', 'AU'), '16777472,16777471,AU'] }, /country v4 CSV, line 2: the range ends before it starts/],
      [{ country4: ['1,2'] }, /line 1: fewer than three fields/],
      [{ country4: ['1,2,Australia'] }, /two capital letters/],
      [{ country4: ['1,4294967296,AU'] }, /not an address number/],
      [{ country6: ['1,340282366920938463463374607431768211456,AU'] }, /country v6 CSV, line 1: a bound is not an address number/],
      [{ asn4: ['1,2,x,Org'] }, /AS number/],
      [{ asn4: ['1,2,3,"bad "quote"'] }, /badly quoted/],
    ];
    for (const [input, message] of cases) await assert.rejects(build(input), message);
  });
});

describe('geo data file (src/node)', () => {
  test('a missing or unusable file gives no table and a reason, never an exception', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'geo-test-'));
    try {
      assert.equal(loadGeoTable({ path: path.join(dir, 'none.bin') }), undefined);
      assert.match(geoDataProblem() ?? '', /does not exist/);
      const bad = path.join(dir, 'bad.bin');
      fs.writeFileSync(bad, 'PA-GEO\r\nnot really');
      assert.equal(loadGeoTable({ path: bad }), undefined);
      assert.match(geoDataProblem() ?? '', /cannot be used: Not a usable geo table/);
      assert.equal(loadGeoTable({ path: dir }), undefined);
      assert.match(geoDataProblem() ?? '', /is not a file/);
      const good = path.join(dir, 'good.bin');
      fs.writeFileSync(good, await build(SAMPLE));
      const t = loadGeoTable({ path: good });
      assert.equal(t?.lookup('1.2.3.4').country, 'CN');
      assert.equal(geoDataProblem(), undefined);
      assert.equal(loadGeoTable({ path: good }), t, 'loaded once, then cached');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const REAL = path.resolve(__dirname, '../../dist/geo/ip-geo.bin');

test('the table is PRIVACY_AUDIT_GEO_DATA when set, else dist/geo/ip-geo.bin of the repository when run from source', () => {
  const saved = process.env.PRIVACY_AUDIT_GEO_DATA;
  try {
    delete process.env.PRIVACY_AUDIT_GEO_DATA;
    assert.equal(geoDataPath(), REAL);
    process.env.PRIVACY_AUDIT_GEO_DATA = 'some/where.bin';
    assert.equal(geoDataPath(), path.resolve('some/where.bin'));
  } finally {
    if (saved === undefined) delete process.env.PRIVACY_AUDIT_GEO_DATA;
    else process.env.PRIVACY_AUDIT_GEO_DATA = saved;
  }
});

describe('geo table: the real data (dist/geo/ip-geo.bin)', { skip: fs.existsSync(REAL) ? false : 'not built (npm run build)' }, () => {
  const real = (): GeoTable => {
    const t = loadGeoTable({ path: REAL });
    assert.ok(t, geoDataProblem());
    return t;
  };

  test('well-known addresses', () => {
    const t = real();
    assert.deepEqual(t.lookup('8.8.8.8'), { country: 'US', asn: 15169, org: 'Google LLC' });
    // the Xiaomi example's Beijing address
    assert.deepEqual(t.lookup('42.62.48.113'), { country: 'CN', asn: 23724, org: 'IDC, China Telecommunications Corporation' });
    const google6 = t.lookup('2a00:1450:4001:80b::200e');
    assert.equal(google6.asn, 15169);
    assert.equal(google6.country, 'IE');
    // registration country, not where an anycast address answers
    assert.equal(t.lookup('1.1.1.1').country, 'AU');
    assert.deepEqual(t.lookup('::ffff:8.8.8.8'), t.lookup('8.8.8.8'));
    assert.deepEqual(t.lookup('192.168.0.1'), { scope: 'private' });
  });

  test('names and dates the data sets, as their licences ask', () => {
    const t = real();
    assert.deepEqual(
      t.datasets.map((d) => [d.name, d.licence]),
      [
        ['@ip-location-db/geo-whois-asn-country', 'CC BY 4.0'],
        ['@ip-location-db/asn', 'CC BY 4.0'],
      ],
    );
    assert.match(t.describe(), /^geo-whois-asn-country \d{4}-\d{2}-\d{2} \(NRO; CC BY 4\.0\); asn \d{4}-\d{2}-\d{2} \(RouteViews, DB-IP, NRO; CC BY 4\.0\)$/);
  });

  test('verifies: every segment in order, every value in range', () => {
    assert.doesNotThrow(() => openGeoTable(fs.readFileSync(REAL), { verify: true }));
  });
});
