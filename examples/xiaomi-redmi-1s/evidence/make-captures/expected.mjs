// Writes the ground truth of the reconstructed captures (captures.expected.json)
// by READING the finished files, never by assuming frame numbers: tshark
// lists every frame of the pcapngs, the HAR is parsed as JSON. Each frame or
// entry is searched for every fake value in a handful of forms (as written,
// digits only, without the country code, percent-encoded, base64 of it,
// base64 runs decoded, hex, md5/sha1/sha256). The planted identifiers of
// scenes.mjs must be found in exactly the request they were planted in, and
// nothing anywhere else; otherwise this script fails.
//
//   node expected.mjs EVIDENCE_DIR > captures.expected.json

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { HAR, PCAPS, VALUES } from './scenes.mjs';

const [evidenceDir] = process.argv.slice(2);
if (!evidenceDir) {
  console.error('usage: node expected.mjs EVIDENCE_DIR');
  process.exit(2);
}

const CATEGORY_OF = {
  imei: 'IMEI',
  phone: 'phone number',
  imsi: 'IMSI',
  contact: 'contacts',
  smsSender: 'sms metadata',
  carrier: 'carrier name',
};

const hash = (alg, s) => createHash(alg).update(s).digest('hex');

/** The forms of one value searched for (needle -> name of the form). */
function formsOf(value) {
  const variants = new Set([value]);
  if (/^\+?\d+$/.test(value)) {
    const digits = value.replace(/^\+/, '');
    variants.add(digits);
    if (digits.startsWith('1') && digits.length === 11) variants.add(digits.slice(1)); // NANP national
  }
  const forms = new Map();
  for (const v of variants) {
    forms.set(v, v === value ? 'as written' : 'digits');
    forms.set(encodeURIComponent(v), 'percent-encoded');
    forms.set(Buffer.from(v).toString('base64').replace(/=+$/, ''), 'base64');
    forms.set(Buffer.from(v).toString('hex'), 'hex');
    for (const alg of ['md5', 'sha1', 'sha256']) forms.set(hash(alg, v), alg);
  }
  return forms;
}

const NEEDLES = Object.entries(VALUES).map(([key, value]) => ({ key, value, forms: formsOf(value) }));

/** Which values a piece of request text carries (also inside base64 runs it holds). */
function valuesIn(text) {
  const decoded = [...text.matchAll(/[A-Za-z0-9+/]{12,}={0,2}/g)].map((m) => Buffer.from(m[0], 'base64').toString('latin1'));
  const haystacks = [text, text.toLowerCase(), ...decoded];
  const found = [];
  for (const n of NEEDLES) {
    for (const [needle, form] of n.forms) {
      if (haystacks.some((h) => h.includes(needle) || h.includes(needle.toLowerCase()))) {
        found.push({ key: n.key, form });
        break;
      }
    }
  }
  return found;
}

const sha256 = (file) => hash('sha256', readFileSync(file));
const first = (layers, field) => layers[field]?.[0];
/** ISO 8601 with microseconds, from tshark's `frame.time_epoch` (no floating point). */
const iso = (epoch) => {
  const [s, frac = ''] = epoch.split('.');
  return new Date(Number(s) * 1000).toISOString().replace(/\.\d+Z$/, `.${(frac + '000000').slice(0, 6)}Z`);
};

function fail(message) {
  console.error(`expected.mjs: ${message}`);
  process.exit(1);
}

/** One ground-truth row per identifier planted in a request (plain HTTP/1.1 in every capture here). */
function rows(base, request, endpoint) {
  return (request.planted ?? []).map((p) => ({
    ...base,
    flow: request.flow,
    step: request.step,
    direction: 'request',
    ...endpoint,
    protocol: 'http/1.1',
    tls: false,
    where: p.where,
    name: p.name,
    category: p.category,
    'value-form': p.form,
    planted: p.chain,
    value: p.value,
  }));
}

const captures = [];
const identifiers = [];
const without = [];

for (const capture of PCAPS) {
  const file = path.join(evidenceDir, capture.file);
  const fields = ['frame.number', 'frame.time_epoch', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport',
    'udp.dstport', 'tcp.payload', 'udp.payload', 'http.host', 'http.request.method', 'http.request.uri',
    'http.response.code', 'dns.qry.name', 'dns.flags.response', 'dns.a', 'ntp.flags.mode'];
  const json = execFileSync('tshark', ['-r', file, '-T', 'json', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const frames = JSON.parse(json).map((p) => p._source.layers);
  captures.push({ capture: capture.file, format: 'pcapng', bytes: statSync(file).size, sha256: sha256(file), frames: frames.length });

  const planted = new Map(); // frame number -> exchange
  for (const ex of capture.exchanges.filter((e) => e.kind === 'http')) {
    const hits = frames.filter((l) => first(l, 'tcp.srcport') === String(ex.localPort) && first(l, 'http.request.method'));
    if (hits.length !== 1) fail(`${capture.file}: ${hits.length} request frames from port ${ex.localPort}`);
    planted.set(first(hits[0], 'frame.number'), ex);
  }

  for (const l of frames) {
    const n = first(l, 'frame.number');
    const hex = (first(l, 'tcp.payload') ?? first(l, 'udp.payload') ?? '').replace(/:/g, '');
    const text = Buffer.from(hex, 'hex').toString('latin1');
    const found = valuesIn(text);
    const ex = planted.get(n);
    const expected = ex?.planted ?? [];
    const got = found.map((f) => CATEGORY_OF[f.key]).sort();
    const want = expected.map((p) => p.category).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${capture.file} frame ${n}: found [${got}] but planted [${want}]`);
    const base = {
      capture: capture.file,
      locator: `frame=${n}`,
      time: iso(first(l, 'frame.time_epoch')),
    };
    if (expected.length) {
      const endpoint = { host: first(l, 'http.host'), address: first(l, 'ip.dst'), port: Number(first(l, 'tcp.dstport')) };
      identifiers.push(...rows(base, ex, endpoint));
      continue;
    }
    let what;
    if (ex) what = `${first(l, 'http.request.method')} http://${first(l, 'http.host')}${first(l, 'http.request.uri')}${ex.placeholder ? ' (body: the base64 PLACEHOLDER, decodes to a sentence saying so)' : ''}`;
    else if (l['dns.qry.name'] && ['0', 'False'].includes(first(l, 'dns.flags.response'))) what = `DNS query A ${first(l, 'dns.qry.name')}`;
    else if (l['dns.qry.name']) what = `DNS answer ${first(l, 'dns.qry.name')} A ${first(l, 'dns.a')}`;
    else if (first(l, 'ntp.flags.mode') === '3') what = 'NTP client request (time)';
    else if (first(l, 'ntp.flags.mode') === '4') what = 'NTP server answer (time)';
    else if (first(l, 'http.response.code')) what = `HTTP ${first(l, 'http.response.code')} response`;
    else what = 'TCP control segment (no payload)';
    without.push({ ...base, src: first(l, 'ip.src'), dst: first(l, 'ip.dst'), what });
  }
}

{
  const file = path.join(evidenceDir, HAR.file);
  const har = JSON.parse(readFileSync(file, 'utf8'));
  const entries = har.log.entries;
  captures.push({ capture: HAR.file, format: 'har', bytes: statSync(file).size, sha256: sha256(file), entries: entries.length });
  entries.forEach((e, i) => {
    const url = new URL(e.request.url);
    const spec = HAR.requests.find((r) => r.method === e.request.method && r.target === url.pathname + url.search);
    if (!spec) fail(`${HAR.file} entry ${i + 1}: not a request of scenes.mjs`);
    const parts = [e.request.url, ...e.request.headers.map((h) => `${h.name}: ${h.value}`), e.request.postData?.text ?? ''];
    const got = valuesIn(parts.join('\n')).map((f) => CATEGORY_OF[f.key]).sort();
    const want = (spec.planted ?? []).map((p) => p.category).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${HAR.file} entry ${i + 1}: found [${got}] but planted [${want}]`);
    const base = { capture: HAR.file, locator: `entry=${i + 1}`, time: e.startedDateTime };
    identifiers.push(...rows(base, spec, { host: url.hostname, address: e.serverIPAddress, port: e._serverPort ?? 80 }));
    if (!spec.planted) without.push({ ...base, what: `${e.request.method} ${e.request.url}` });
  });
}

const doc = {
  note:
    'Ground truth of the reconstructed captures, written by make-captures/expected.mjs from the files themselves ' +
    '(tshark for the pcapngs). "identifiers": every fake identifier planted, one row per (request, identifier); ' +
    '"planted" is the encoding chain as planted, outermost first, in the scan\'s transform names (the scan may name ' +
    'an equivalent chain differently, e.g. a form field\'s percent-decoding). "without": every frame or entry that ' +
    'carries no identifier in any searched form. Values are the FAKE test values of device D1.',
  captures,
  identifiers,
  without,
};
process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
console.error(`expected.mjs: ${identifiers.length} planted identifiers confirmed, ${without.length} frames/entries without any`);
