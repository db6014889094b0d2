import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { apply, type Step } from './encodings';
import { formsOf } from '../../src/core/capture/forms';
import { luhnDigit } from '../../src/core/report/luhn';
import { Matcher, type UnitMatch } from '../../src/core/capture/match';
import { base64Core, literalsOf } from '../../src/core/capture/needles';
import type { Canary, CaptureUnit, Part } from '../../src/core/capture/types';

const IMEI: Canary = { device: 'D1', category: 'IMEI', categoryId: 'imei', value: '356721094823151' };
const PHONE: Canary = { device: 'D1', category: 'phone number', categoryId: 'phone-number', value: '+86 138 0013 8000' };
const EMAIL: Canary = { device: 'D1', category: 'email', categoryId: 'account-id', value: 'analyst.test@example.org' };
const ADID: Canary = { device: 'D1', category: 'advertising ID', categoryId: 'advertising-id', value: '38400000-8cf0-11bd-b23e-10b96e40000d' };
const MAC: Canary = { device: 'D1', category: 'MAC address', categoryId: 'mac-address', value: '02:1A:7D:44:90:3C' };
const CANARIES = [IMEI, PHONE, EMAIL, ADID, MAC];
const matcher = new Matcher(CANARIES);

const unit = (request: Part[], response: Part[] = []): CaptureUnit => ({ locator: 'entry=1', request, response });
const body = (text: string | Buffer, contentEncoding?: string): Part => (typeof text === 'string' ? { where: 'body', text, contentEncoding } : { where: 'body', bytes: text, contentEncoding });
const found = (u: CaptureUnit): UnitMatch[] => matcher.matchUnit(u).matches;
const only = (u: CaptureUnit, canary: number) => found(u).filter((m) => m.canary === canary);

test('forms: IMEI with and without its check digit; phone numbers as E.164, with 00, national, spaced or not', () => {
  assert.equal(luhnDigit('35672109482315'), 1);
  const imei = formsOf(IMEI).map((f) => f.text);
  assert.deepEqual(imei, ['356721094823151', '35672109482315']);
  const phone = formsOf(PHONE).map((f) => f.text);
  for (const t of ['+86 138 0013 8000', '8613800138000', '+8613800138000', '008613800138000', '13800138000', '138 0013 8000']) assert.ok(phone.includes(t), t);
  const mac = formsOf(MAC).map((f) => f.text.toLowerCase());
  for (const t of ['02:1a:7d:44:90:3c', '02-1a-7d-44-90-3c', '021a7d44903c', '021a.7d44.903c']) assert.ok(mac.includes(t), t);
  assert.ok(formsOf(ADID).some((f) => f.text === '384000008cf011bdb23e10b96e40000d'));
});

test('needles: base64 cores at each alignment are substrings of any base64 holding the value there', () => {
  const v = Buffer.from(IMEI.value);
  for (let pre = 0; pre < 7; pre++) {
    const enc = Buffer.concat([Buffer.alloc(pre, 0x41), v, Buffer.from('tail')]).toString('base64');
    assert.ok(enc.includes(base64Core(v, pre % 3)), `prefix ${pre}`);
  }
  const lits = literalsOf(formsOf(IMEI));
  assert.ok(lits.includes(createHash('sha256').update(IMEI.value).digest('hex')));
  assert.ok(lits.includes('333536373231303934383233313531'), 'hex of the text');
});

test('every form of spec §7 is found, with its transform chain', () => {
  const cases: [string, CaptureUnit, number, string[], string?][] = [
    ['plain in a query', unit([{ where: 'query', name: 'imei', text: IMEI.value }]), 0, ['plain']],
    ['url-encoded E.164 in a form body', unit([body('phone=%2B8613800138000&x=1')]), 1, ['form']],
    ['url-encoded twice in a URL', unit([{ where: 'url', text: `https://a.test/p?q=${encodeURIComponent(encodeURIComponent('+8613800138000'))}` }]), 1, ['url', 'url']],
    ['json-escaped e-mail', unit([body('{"u":"analyst.test\\u0040example.org"}')]), 2, ['json']],
    ['base64 at an odd alignment in a longer base64 string', unit([body('d=' + Buffer.from('xx' + IMEI.value + 'yyy').toString('base64'))]), 0, ['form', 'base64']],
    ['base64url', unit([{ where: 'header', name: 'x-t', text: Buffer.concat([Buffer.from([0xfb, 0xef, 0xbe]), Buffer.from(ADID.value)]).toString('base64url') }]), 3, ['base64url']],
    ['hex of the text', unit([{ where: 'header', name: 'x-h', text: Buffer.from(IMEI.value).toString('hex') }]), 0, ['hex']],
    ['md5 upper-case hex', unit([{ where: 'header', name: 'x-m', text: createHash('md5').update(IMEI.value).digest('hex').toUpperCase() }]), 0, ['md5']],
    ['sha1 base64', unit([body(`{"h":"${createHash('sha1').update(EMAIL.value).digest('base64')}"}`)]), 2, ['json', 'sha1']],
    ['sha256 of a normal form', unit([{ where: 'header', name: 'x-p', text: createHash('sha256').update('+8613800138000').digest('hex') }]), 1, ['sha256']],
    ['gzip body by Content-Encoding', unit([body(gzipSync(JSON.stringify({ email: EMAIL.value })), 'gzip')]), 2, ['gzip', 'json'], 'email'],
    ['brotli body', unit([body(brotliCompressSync(`imei=${IMEI.value}`), 'br')]), 0, ['brotli', 'form'], 'imei'],
    ['deflate body', unit([body(deflateSync(`mac=${MAC.value.toLowerCase()}`), 'deflate')]), 4, ['deflate', 'form'], 'mac'],
    ['base64 of gzip of JSON (nested)', unit([body(JSON.stringify({ payload: gzipSync(JSON.stringify({ imei: IMEI.value })).toString('base64') }))]), 0, ['json', 'base64', 'gzip', 'json'], 'imei'],
    ['JWT payload', unit([{ where: 'header', name: 'authorization', text: `Bearer eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: EMAIL.value })).toString('base64url')}.c2ln` }]), 2, ['jwt', 'json'], 'sub'],
    ['a WebSocket message under permessage-deflate (raw deflate, no final block)', unit([{ where: 'websocket', name: 'send', bytes: deflateRawSync(JSON.stringify({ imei: IMEI.value }), { finishFlush: zlib.Z_SYNC_FLUSH }).subarray(0, -4), contentEncoding: 'deflate' }]), 0, ['deflate', 'json'], 'imei'],
    ['MAC without separators, lower case', unit([{ where: 'query', name: 'm', text: '021a7d44903c' }]), 4, ['plain']],
  ];
  for (const [what, u, canary, chain, name] of cases) {
    const ms = only(u, canary);
    assert.ok(
      ms.some((m) => m.direction === 'request' && m.transforms.join('>') === chain.join('>') && (name === undefined || m.field === name)),
      `${what}: got ${JSON.stringify(found(u))}`,
    );
  }
});

test('decoys do not match: one digit changed, inside a longer digit run, a neighbour hash', () => {
  const decoys = [
    unit([{ where: 'query', name: 'imei', text: '356721094823152' }]),
    unit([{ where: 'query', name: 'id', text: '9356721094823151' }]),
    unit([{ where: 'query', name: 'id', text: '3567210948231517' }]),
    unit([body(`{"n": 98613800138000}`)]),
    unit([{ where: 'header', name: 'x-h', text: createHash('sha256').update('356721094823152').digest('hex') }]),
    unit([{ where: 'header', name: 'x-h', text: 'ff' + createHash('md5').update(IMEI.value).digest('hex') }]),
  ];
  for (const d of decoys) assert.deepEqual(found(d), [], JSON.stringify(d));
});

test('a value only in the response is reported as response, never as request', () => {
  const ms = found(unit([{ where: 'url', text: 'https://a.test/config' }], [body(`{"imei":"${IMEI.value}"}`)]));
  assert.equal(ms.length, 1);
  assert.equal(ms[0]!.direction, 'response');
});

test('a value in a query is not reported again for the URL that holds it', () => {
  const ms = found(unit([{ where: 'url', text: `https://a.test/p?imei=${IMEI.value}` }, { where: 'query', name: 'imei', text: IMEI.value }]));
  assert.deepEqual(ms.map((m) => m.where), ['query']);
});

test('a gzip bomb is inflated only up to the limit, with a warning, in bounded time', () => {
  const small = new Matcher([IMEI], { depth: 6, unitBytes: 64 << 20, inflateBytes: 1 << 20, layers: 1000 });
  const bomb = gzipSync(Buffer.alloc(64 << 20));
  const t0 = Date.now();
  const r = small.matchUnit(unit([body(bomb, 'gzip')]));
  assert.ok(Date.now() - t0 < 5000);
  assert.deepEqual(r.matches, []);
  assert.ok(r.warnings.some((w) => /inflates past/.test(w)), JSON.stringify(r.warnings));
});

// ---------------------------------------------------------------- properties

const TEXTUAL = new Set<Step>(['base64', 'base64url', 'url', 'hex']);

test('property: a canary through any chain of transforms, at any offset in random bytes, is found', () => {
  const steps = fc.constantFrom<Step>('base64', 'base64url', 'url', 'gzip', 'deflate', 'hex', 'json');
  const filler = fc.stringMatching(/^[ -~]{0,40}$/).map((s) => s.replace(/[\d]/g, 'x'));
  fc.assert(
    fc.property(fc.constantFrom(...CANARIES.keys()), fc.array(steps, { maxLength: 3 }), filler, filler, (canary, chain, pre, post) => {
      let data: Buffer = Buffer.from(`${pre} ${CANARIES[canary]!.value} ${post}`);
      for (const s of chain) data = apply(data, s);
      // a textual outermost encoding may sit inside other text; binary output is the body as sent
      const last = chain.at(-1);
      const sent = last === undefined || TEXTUAL.has(last) ? Buffer.concat([Buffer.from('k='), data, Buffer.from('&z=1')]) : data;
      const ms = only(unit([body(sent)]), canary);
      return ms.some((m) => m.direction === 'request');
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
  );
});

test('property: random bytes without a canary yield nothing', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.stringMatching(/^[A-Za-z0-9+/=%&.-]{0,300}$/), (bytes, text) => {
      return found(unit([body(Buffer.from(bytes)), { where: 'url', text }])).length === 0;
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 400) },
  );
});
