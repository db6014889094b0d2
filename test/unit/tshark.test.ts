/**
 * The pcap reader (src/node/capture/tshark.ts) on the loopback captures of
 * test/fixtures/captures/pcap (made by make.sh there): every planted value is
 * in the unit and the part its NAME.expected.json names, with the right
 * endpoint; values only in responses stay in `response`; TLS that could not be
 * decrypted is counted; hostile files end in a clear error, fast.
 *
 * tshark is required: when it is missing these tests FAIL (CI installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as zlib from 'node:zlib';
import * as path from 'node:path';
import type { CaptureUnit, Part } from '../../src/core/capture/types';
import { findTshark, isoTime, PacketReader, PcapReadError, readPcap, readPcapAll, TsharkMissing, type Layers, type ReadPcapOptions } from '../../src/node/capture/tshark';

const DIR = path.join(__dirname, '..', 'fixtures', 'captures', 'pcap');
const fx = (name: string) => path.join(DIR, name);
const IMEI = '356721094823151';

interface Expected {
  locator: string;
  direction: 'request' | 'response';
  where: Part['where'];
  name?: string;
  category: string;
  form: string;
  needle: string;
  host: string;
  address: string;
  port?: number;
  tls: boolean;
}

async function tshark(): Promise<string> {
  const info = await findTshark();
  assert.ok(info, 'tshark is not installed: these tests need it (Debian/Ubuntu: apt-get install tshark; .ci/run installs it)');
  return info.path;
}

const partText = (p: Part): string => p.text ?? (p.bytes ? Buffer.from(p.bytes).toString('latin1') : '');
/** The part's text, inflated when the reader says it is still compressed (as the matcher will). */
const plainText = (p: Part): string =>
  p.bytes && p.contentEncoding === 'gzip' ? zlib.gunzipSync(p.bytes).toString('latin1') : partText(p);
const holds = (parts: Part[], needle: string) => parts.some((p) => partText(p).includes(needle));

/** frame.time_epoch of a frame, read by tshark directly. */
function epochOf(bin: string, file: string, frame: string): string {
  return execFileSync(bin, ['-n', '-r', file, '-Y', `frame.number == ${frame}`, '-T', 'fields', '-e', 'frame.time_epoch'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

async function checkExpected(capture: string, expectedFile: string, opts: ReadPcapOptions = {}) {
  const bin = await tshark();
  const expected = JSON.parse(readFileSync(fx(expectedFile), 'utf8')) as Expected[];
  const { units, summary } = await readPcapAll(fx(capture), opts);
  assert.equal(summary.units, units.length);
  assert.ok(summary.frames > 0);
  for (const e of expected) {
    const here = units.filter((u) => u.locator === e.locator);
    assert.ok(here.length, `${capture}: no unit at ${e.locator} (${e.category} ${e.form})`);
    const side = (u: CaptureUnit) => (e.direction === 'request' ? u.request : u.response);
    const other = (u: CaptureUnit) => (e.direction === 'request' ? u.response : u.request);
    const unit = here.find((u) =>
      side(u).some((p) => p.where === e.where && (e.name === undefined || p.name?.toLowerCase() === e.name.toLowerCase()) && plainText(p).includes(e.needle)),
    );
    assert.ok(unit, `${capture} ${e.locator}: ${e.needle} not in a ${e.direction} ${e.where}${e.name ? ` ${e.name}` : ''} part: ${JSON.stringify(here.map((u) => [u.request.map(partText), u.response.map(partText)]))}`);
    assert.ok(!holds(other(unit), e.needle), `${capture} ${e.locator}: ${e.needle} is on the other side too`);
    assert.equal(unit.host, e.host, `${capture} ${e.locator}: host`);
    assert.equal(unit.address, e.address, `${capture} ${e.locator}: address`);
    if (e.port !== undefined) assert.equal(unit.port, e.port, `${capture} ${e.locator}: port`);
    assert.equal(unit.tls, e.tls, `${capture} ${e.locator}: tls`);
    assert.equal(unit.time, isoTime(epochOf(bin, fx(capture), e.locator.slice('frame='.length))), `${capture} ${e.locator}: time`);
    assert.match(unit.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  }
  return { units, summary };
}

test('tshark is installed (the pcap tests need it)', async () => {
  const info = await findTshark();
  assert.ok(info, 'tshark is not installed: Debian/Ubuntu `apt-get install tshark` (.ci/run does)');
  assert.match(info.version, /^\d+\.\d+/);
});

test('http1.pcap: query, form body, gzip JSON body, header, WebSocket; the IMEI only in a response stays in the response', async () => {
  const { units, summary } = await checkExpected('http1.pcap', 'http1.expected.json');
  assert.equal(summary.undecryptedStreams, 0);
  assert.equal(summary.tlsStreams, 0);
  // the gzip body comes as sent (tshark's unbounded decompression is off), marked gzip: not searchable as it is
  const profile = units.find((u) => u.request.some((p) => p.where === 'url' && p.text === '/v1/profile'));
  assert.ok(profile);
  const body = profile.request.find((p) => p.where === 'body');
  assert.ok(body?.bytes && body.contentEncoding === 'gzip' && body.contentType === 'application/json');
  assert.ok(!partText(body).includes('analyst.test@example.org'));
  assert.ok(profile.request.some((p) => p.where === 'header' && p.name === 'Content-Encoding' && p.text === 'gzip'));
  // /v1/config: the request holds no IMEI; its response does, and only there
  const config = units.find((u) => u.request.some((p) => p.where === 'url' && p.text === '/v1/config'));
  assert.ok(config && !holds(config.request, IMEI));
  const withImei = units.filter((u) => holds(u.request, IMEI));
  assert.deepEqual(
    withImei.map((u) => u.locator),
    [JSON.parse(readFileSync(fx('http1.expected.json'), 'utf8'))[0].locator, units.find((u) => holds(u.request, `n=99${IMEI}07`))!.locator],
    'the IMEI is in the request of the query and of the longer-digit-run decoy only',
  );
  // query and cookie parts as written
  const ad = units.find((u) => u.request.some((p) => p.where === 'url' && p.text === '/v1/ad'))!;
  assert.deepEqual(
    ad.request.filter((p) => p.where === 'cookie').map((p) => [p.name, p.text]),
    [['session', '7f3a9c'], ['theme', 'dark']],
  );
  const register = units.find((u) => u.request.some((p) => p.where === 'url' && p.text === '/v1/register'))!;
  assert.equal(register.request.find((p) => p.where === 'body')?.contentType, 'application/x-www-form-urlencoded');
  // every unit has a single direction's parts (a frame goes one way)
  for (const u of units) assert.ok(!(u.request.length && u.response.length), `${u.locator} has both sides`);
  assert.ok(units.every((u) => u.protocol && u.address === '127.13.0.2' && u.port === 80));
});

test('tls-keylog.pcapng: the Decryption Secrets Block decrypts one connection; the other counts as undecrypted', async () => {
  const { units, summary } = await checkExpected('tls-keylog.pcapng', 'tls-keylog.expected.json');
  assert.equal(summary.tlsStreams, 2);
  assert.equal(summary.undecryptedStreams, 1);
  assert.ok(!units.some((u) => holds(u.request, `imei=${IMEI}`)), 'the connection without keys was not read');
  const snis = units.flatMap((u) => u.request.filter((p) => p.where === 'sni').map((p) => p.text));
  assert.deepEqual(snis, ['api.example.test', 'other.example.test']);
});

test('tls-keylog.pcap with --keylog decrypts the same connection; without it nothing is decrypted', async () => {
  await tshark();
  const withKeys = await checkExpected('tls-keylog.pcap', 'tls-keylog.expected.json', { keylog: fx('tls-keylog.keys.log') });
  assert.equal(withKeys.summary.undecryptedStreams, 1);
  const without = await readPcapAll(fx('tls-keylog.pcap'));
  assert.equal(without.summary.undecryptedStreams, 2);
  assert.ok(!without.units.some((u) => u.tls), 'no unit inside TLS without keys');
  assert.deepEqual(without.units.map((u) => u.protocol), ['tls', 'tls']);
});

test('h2.pcapng: HTTP/2 headers (pseudo-headers too) and DATA, over decrypted TLS', async () => {
  const { units, summary } = await checkExpected('h2.pcapng', 'h2.expected.json');
  assert.equal(summary.undecryptedStreams, 0);
  const req = units.find((u) => u.protocol === 'h2' && u.request.length)!;
  const names = req.request.filter((p) => p.where === 'header').map((p) => p.name);
  assert.ok([':method', ':path', ':authority', ':scheme', 'x-imei'].every((n) => names.includes(n)), names.join());
  assert.ok(req.request.some((p) => p.where === 'url' && p.text === '/v2/events'));
  assert.equal(req.request.find((p) => p.where === 'body')?.contentType, 'application/json');
  // the response body is read once (the empty DATA frame that ends the stream repeats it)
  const responseBodies = units.flatMap((u) => u.response.filter((p) => p.where === 'body'));
  assert.equal(responseBodies.length, 1);
});

test('dns-raw.pcap: DNS query names, raw TCP on 5222 and raw UDP (IPv4, IPv6), hosts from earlier DNS answers, QUIC counted', async () => {
  const { units, summary } = await checkExpected('dns-raw.pcap', 'dns-raw.expected.json');
  assert.equal(summary.quicStreams, 1);
  assert.ok(!units.some((u) => u.port === 443), 'the QUIC packet is counted, not read as a raw payload');
  const dns = units.filter((u) => u.protocol === 'dns');
  assert.deepEqual(dns.map((u) => u.request[0]?.text), [`${IMEI}.t.example.test`, 'push.example.test']);
  // the server's answer on 5222 is a response payload
  const answer = units.find((u) => u.port === 5222 && u.response.length);
  assert.ok(answer && partText(answer.response[0]!) === 'ok\n' && answer.request.length === 0);
});

test('tls-nokeys.pcap: only the SNI is read, one undecrypted stream', async () => {
  await tshark();
  const { units, summary } = await readPcapAll(fx('tls-nokeys.pcap'));
  assert.equal(summary.undecryptedStreams, 1);
  assert.equal(summary.tlsStreams, 1);
  assert.equal(units.length, 1);
  assert.deepEqual(units[0]!.request, [{ where: 'sni', text: 'nokeys.example.test' }]);
  assert.equal(units[0]!.host, 'nokeys.example.test');
  assert.equal(units[0]!.address, '127.13.0.7');
  assert.equal(units[0]!.port, 443);
});

async function rejectsFast(p: Promise<unknown>, ms: number): Promise<Error> {
  const t0 = Date.now();
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.ok(err, 'expected an error');
  assert.ok(Date.now() - t0 < ms, `took ${Date.now() - t0} ms`);
  return err;
}

test('a text file named .pcap: a clear error naming the file, within seconds', async () => {
  await tshark();
  const file = fx('not-a-capture.pcap');
  const err = await rejectsFast(readPcapAll(file), 5000);
  assert.ok(err instanceof PcapReadError, String(err));
  assert.ok(err.message.includes(file));
  assert.match(err.message, /not a capture/);
  assert.match(err.message, /first bytes are 54686973/);
});

test('an empty file, a missing file, a folder: clear errors naming them', async () => {
  await tshark();
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-tshark-'));
  try {
    const empty = path.join(dir, 'empty.pcap');
    writeFileSync(empty, '');
    const cases: Array<[string, RegExp]> = [
      [empty, /empty, not a capture/],
      [path.join(dir, 'missing.pcapng'), /no such file/],
      [dir, /folder/],
    ];
    for (const [file, re] of cases) {
      const err = await rejectsFast(readPcapAll(file), 5000);
      assert.ok(err instanceof PcapReadError);
      assert.ok(err.message.startsWith(`${file}: `), err.message);
      assert.match(err.message, re);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated pcapng: a clear error naming the file, the frames before it read', async () => {
  await tshark();
  const file = fx('truncated.pcapng');
  const r = readPcap(file);
  const seen: CaptureUnit[] = [];
  const err = await rejectsFast(
    (async () => {
      for await (const u of r.units) seen.push(u);
    })(),
    5000,
  );
  assert.ok(err instanceof PcapReadError);
  assert.ok(err.message.includes(file), err.message);
  assert.match(err.message, /truncated|cut short/);
  assert.ok(err.frames > 0);
  assert.ok(seen.some((u) => u.request.some((p) => p.where === 'sni')), 'the ClientHello before the cut was read');
  await assert.rejects(r.done, PcapReadError);
});

test('a missing tshark: TsharkMissing says how to install it and how to point at it', async () => {
  const err = await rejectsFast(readPcapAll(fx('http1.pcap'), { tshark: path.join(DIR, 'no-such-tshark') }), 5000);
  assert.ok(err instanceof TsharkMissing, String(err));
  assert.match(err.message, /apt-get install tshark/);
  assert.match(err.message, /brew install wireshark/);
  assert.match(err.message, /--tshark PATH/);
  assert.match(err.message, /privacyAudit\.tsharkPath/);
  assert.equal(await findTshark({ path: '/bin/true' }), undefined, 'a program that is not tshark is not taken for it');
});

test('cancelling stops tshark and rejects; breaking out of the loop stops it too', async () => {
  await tshark();
  const ac = new AbortController();
  const r = readPcap(fx('http1.pcap'), { signal: ac.signal });
  const err = await rejectsFast(
    (async () => {
      for await (const _ of r.units) ac.abort();
    })(),
    5000,
  );
  assert.match(err.message, /cancelled/);
  await assert.rejects(r.done, /cancelled/);

  const r2 = readPcap(fx('http1.pcap'));
  for await (const _ of r2.units) break;
  await assert.rejects(r2.done, /stopped before the end/);
});

test('fields above the limit are cut, with a warning; progress reports the frames', async () => {
  await tshark();
  const progress: number[] = [];
  const { units, summary } = await readPcapAll(fx('http1.pcap'), { maxField: 8, onProgress: (n) => progress.push(n) });
  const bodies = units.flatMap((u) => [...u.request, ...u.response]).filter((p) => p.where === 'body');
  assert.ok(bodies.length > 0);
  assert.ok(bodies.every((p) => (p.bytes?.length ?? 0) <= 8));
  assert.ok(summary.warnings.some((w) => /cut to the first 8/.test(w)), summary.warnings.join('\n'));
  assert.equal(progress.at(-1), summary.frames);
});

test('isoTime keeps microseconds', () => {
  assert.equal(isoTime('1796460304.754446123'), '2026-12-05T08:45:04.754446Z');
  assert.equal(isoTime('0'), '1970-01-01T00:00:00.000000Z');
  assert.equal(isoTime('x'), undefined);
});

test('without the Lua post-dissector (a tshark built without Lua) the planted text values are still found', async () => {
  await tshark();
  for (const name of ['http1', 'h2', 'dns-raw']) {
    const capture = readdirSync(DIR).find((f) => f.startsWith(`${name}.pcap`))!;
    const { summary } = await checkExpected(capture, `${name}.expected.json`, { lua: false });
    assert.ok(summary.warnings.some((w) => /without Lua/.test(w)));
  }
});

test('extraPorts adds decode-as rules: TLS forced on 5222 makes that stream a TLS stream', async () => {
  await tshark();
  const plain = await readPcapAll(fx('dns-raw.pcap'));
  assert.equal(plain.summary.tlsStreams, 0);
  assert.ok(plain.units.some((u) => u.port === 5222 && u.response.some((p) => p.where === 'payload')));
  const forced = await readPcapAll(fx('dns-raw.pcap'), { extraPorts: { tls: [5222] } });
  assert.equal(forced.summary.tlsStreams, 1);
  assert.ok(!forced.units.some((u) => u.port === 5222 && u.response.length), 'the server side now reads as TLS, not as a raw payload');
});

// ── the packet logic on hand-written EK packets (no tshark needed) ──────────

let frameNo = 0;
function pkt(protocols: string, fields: Record<string, string | string[]>): Layers {
  const l: Layers = { frame_number: [String(++frameNo)], frame_time_epoch: ['1700000000.5'], frame_protocols: [`eth:ethertype:ip:${protocols}`] };
  for (const [k, v] of Object.entries(fields)) l[k] = Array.isArray(v) ? v : [v];
  return l;
}
const tcp = (src: string, sport: number, dst: string, dport: number, extra: Record<string, string | string[]> = {}) => ({
  ip_src: src, ip_dst: dst, tcp_stream: '0', tcp_srcport: String(sport), tcp_dstport: String(dport), tcp_flags_syn: '0', tcp_flags_ack: '1', ...extra,
});

test('PacketReader: a frame listing tls:tls is no decrypted data; the stream still counts as undecrypted', () => {
  const r = new PacketReader(1 << 20, []);
  r.packet(pkt('tcp', tcp('10.0.0.2', 40000, '93.184.216.34', 443, { tcp_flags_syn: '1', tcp_flags_ack: '0' })));
  r.packet(pkt('tcp:tls', tcp('10.0.0.2', 40000, '93.184.216.34', 443, { tls_handshake_type: '1', tls_handshake_extensions_server_name: 'x.example', tcp_len: '500' })));
  r.packet(pkt('tcp:tls:tls', tcp('93.184.216.34', 443, '10.0.0.2', 40000, { tls_record_opaque_type: ['23', '23'], tcp_len: '900' })));
  const s = r.summary('test');
  assert.equal(s.tlsStreams, 1);
  assert.equal(s.undecryptedStreams, 1);
});

test('PacketReader: without a SYN, a request or a ClientHello the side on the lower port is the server', () => {
  const r = new PacketReader(1 << 20, []);
  const units = r.packet(pkt('tcp:data', tcp('93.184.216.34', 5228, '10.0.0.2', 51000, { tcp_len: '3', privacyaudit_raw: '6f6b0a' })));
  assert.equal(units.length, 1);
  assert.equal(units[0]!.address, '93.184.216.34');
  assert.equal(units[0]!.port, 5228);
  assert.equal(units[0]!.request.length, 0);
  assert.equal(partText(units[0]!.response[0]!), 'ok\n');
});

test('PacketReader: an ICMP error quoting a UDP packet is not read as that packet', () => {
  const r = new PacketReader(1 << 20, []);
  const units = r.packet(pkt('icmp:ip:udp:data', { ip_src: '10.0.0.1', ip_dst: '10.0.0.2', udp_stream: '0', udp_srcport: '40000', udp_dstport: '53000', privacyaudit_raw: '41' }));
  assert.deepEqual(units, []);
});

test('PacketReader: DNS answers name the addresses that later connections go to; a gzip body tshark could not inflate keeps its encoding', () => {
  const r = new PacketReader(1 << 20, []);
  r.packet(pkt('udp:dns', { ip_src: '10.0.0.2', ip_dst: '10.0.0.1', udp_stream: '0', udp_srcport: '5353', udp_dstport: '53', dns_flags_response: '0', dns_qry_name: 'T.Example.com' }));
  r.packet(pkt('udp:dns', { ip_src: '10.0.0.1', ip_dst: '10.0.0.2', udp_stream: '0', udp_srcport: '53', udp_dstport: '5353', dns_flags_response: '1', dns_qry_name: 'T.Example.com', dns_a: ['198.51.100.7'] }));
  const gz = '1f8b0800000000000003cbcc4dcdb43536373432b4303431b5303236343634040058a0e51d13000000';
  const units = r.packet(
    pkt('tcp:http', {
      ...tcp('10.0.0.2', 41000, '198.51.100.7', 8080, { tcp_stream: '1', tcp_len: '200' }),
      http_request_method: 'POST', http_request_uri: '/c?a=1&b', http_request_version: 'HTTP/1.1',
      http_request_line: ['Content-Encoding: gzip\r\n', 'Cookie: a=1; b\r\n'], http_content_encoding: 'gzip', privacyaudit_body: gz,
    }),
  );
  assert.equal(units.length, 1);
  const u = units[0]!;
  assert.equal(u.host, 't.example.com', 'no Host header: the DNS name that answered with the address');
  assert.equal(u.protocol, 'http/1.1');
  assert.equal(u.time, '2023-11-14T22:13:20.500000Z');
  assert.deepEqual(u.request.filter((p) => p.where === 'query').map((p) => [p.name, p.text]), [['a', '1'], ['b', '']]);
  assert.deepEqual(u.request.filter((p) => p.where === 'cookie').map((p) => [p.name, p.text]), [['a', '1'], ['b', '']]);
  assert.equal(u.request.find((p) => p.where === 'body')?.contentEncoding, 'gzip');
});

test('PacketReader: HTTP/2 DATA read per frame, and whole once more when tshark reassembled several frames', () => {
  const r = new PacketReader(1 << 20, []);
  const c = (extra: Record<string, string | string[]>) => pkt('tcp:tls:http2', tcp('10.0.0.2', 42000, '203.0.113.9', 443, { tcp_stream: '7', tcp_len: '100', ...extra }));
  const s = (extra: Record<string, string | string[]>) => pkt('tcp:tls:http2', tcp('203.0.113.9', 443, '10.0.0.2', 42000, { tcp_stream: '7', tcp_len: '100', ...extra }));
  const hex = (t: string) => Buffer.from(t).toString('hex');
  r.packet(pkt('tcp', tcp('10.0.0.2', 42000, '203.0.113.9', 443, { tcp_stream: '7', tcp_flags_syn: '1', tcp_flags_ack: '0' })));
  const bodies: string[] = [];
  const collect = (units: CaptureUnit[]) => units.forEach((u) => [...u.request, ...u.response].forEach((p) => p.where === 'body' && bodies.push(partText(p))));
  collect(r.packet(c({ http2_type: ['1', '0'], http2_streamid: ['1', '1'], http2_length: ['20', '4'], http2_header_name: [':authority', ':path'], http2_header_value: ['a.example:443', '/x?id=1'], http2_data_data: hex('AAAA') })));
  collect(r.packet(c({ http2_type: '0', http2_streamid: '1', http2_length: '4', http2_data_data: hex('BBBB') })));
  collect(r.packet(c({ http2_type: '0', http2_streamid: '1', http2_length: '0', http2_data_data: hex('AAAABBBB') })));
  // the server: one DATA frame, then an empty one repeating it
  collect(r.packet(s({ http2_type: ['1', '0'], http2_streamid: ['1', '1'], http2_length: ['9', '2'], http2_header_name: [':status'], http2_header_value: ['200'], http2_data_data: hex('ok') })));
  collect(r.packet(s({ http2_type: '0', http2_streamid: '1', http2_length: '0', http2_data_data: hex('ok') })));
  assert.deepEqual(bodies, ['AAAA', 'BBBB', 'AAAABBBB', 'ok']);
});

test('PacketReader: contentEncoding only on bodies still compressed (deflate, raw deflate, br), not on ones tshark inflated', () => {
  const r = new PacketReader(1 << 20, []);
  const json = Buffer.from(JSON.stringify({ imei: IMEI, pad: 'x'.repeat(200) }));
  const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)); // an inflated binary body (protobuf-like)
  const cases: Array<[string, Buffer, string | undefined]> = [
    ['deflate', zlib.deflateSync(json), 'deflate'],
    ['deflate', zlib.deflateRawSync(json), 'deflate'],
    ['deflate', binary, undefined],
    ['br', zlib.brotliCompressSync(json), 'br'],
    ['br', json, undefined],
    ['br', binary, undefined],
    ['gzip', json, undefined],
  ];
  cases.forEach(([enc, body, want], i) => {
    const units = r.packet(
      pkt('tcp:http', {
        ...tcp('10.0.0.2', 43000 + i, '198.51.100.8', 80, { tcp_stream: String(100 + i), tcp_len: '400' }),
        http_request_method: 'POST', http_request_uri: '/', http_request_line: [`Content-Encoding: ${enc}\r\n`], http_content_encoding: enc,
        privacyaudit_body: body.toString('hex'),
      }),
    );
    assert.equal(units[0]?.request.find((p) => p.where === 'body')?.contentEncoding, want, `case ${i} (${enc})`);
  });
});

test('a gzip bomb over HTTP/2 (tshark inflates it whole): tshark is stopped at the memory limit, with a clear error', { skip: process.platform === 'win32' ? 'tshark memory is not watched on Windows' : false }, async () => {
  await tshark();
  const file = fx('h2-bomb.pcapng');
  const err = await rejectsFast(readPcapAll(file, { maxTsharkMemory: 200 * 1024 * 1024 }), 30_000);
  assert.ok(err instanceof PcapReadError, String(err));
  assert.ok(err.message.startsWith(`${file}: tshark was stopped`), err.message);
  assert.match(err.message, /more than the limit of 200 MiB/);
});

test('PacketReader: a WebSocket message compressed with permessage-deflate (RSV1) is marked deflate', () => {
  const r = new PacketReader(1 << 20, []);
  const deflated = zlib.deflateRawSync(Buffer.from(`{"imei":"${IMEI}"}`), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4);
  const units = r.packet(
    pkt('tcp:http:websocket', {
      ...tcp('10.0.0.2', 44000, '198.51.100.9', 80, { tcp_stream: '300', tcp_len: '40' }),
      websocket_opcode: ['1', '1'], websocket_rsv: ['0x04', '0x00'], privacyaudit_ws: [deflated.toString('hex'), Buffer.from('plain').toString('hex')],
    }),
  );
  const parts = units[0]!.request;
  assert.deepEqual(parts.map((p) => [p.where, p.name, p.contentEncoding]), [['websocket', 'sent', 'deflate'], ['websocket', 'sent', undefined]]);
  assert.match(zlib.inflateRawSync(parts[0]!.bytes!, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString(), new RegExp(IMEI));
});

test('findTshark remembers only what it found: a tshark installed after a failed look is found', { skip: process.platform === 'win32' ? 'uses a shell script as a fake tshark' : false }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-tshark-'));
  try {
    const fake = path.join(dir, 'tshark');
    assert.equal(await findTshark({ path: fake }), undefined);
    writeFileSync(fake, '#!/bin/sh\necho "TShark (Wireshark) 9.8.7 (test)."\necho "Compiled with Lua 5.4.6"\n', { mode: 0o755 });
    assert.deepEqual(await findTshark({ path: fake }), { path: fake, version: '9.8.7', lua: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tshark lacking a field (an other version): read again once without it, with a warning', { skip: process.platform === 'win32' ? 'uses a shell script around tshark' : false }, async () => {
  const real = await tshark();
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-tshark-'));
  try {
    const wrapper = path.join(dir, 'tshark');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = "tls.record.opaque_type" ]; then printf "tshark: Some fields aren't valid:\\n\\ttls.record.opaque_type\\n" >&2; exit 1; fi\ndone\nexec '${real}' "$@"\n`,
      { mode: 0o755 },
    );
    const { units, summary } = await readPcapAll(fx('tls-nokeys.pcap'), { tshark: wrapper });
    assert.ok(summary.warnings.some((w) => /has no field tls\.record\.opaque_type/.test(w)), summary.warnings.join('\n'));
    assert.deepEqual(units.map((u) => u.request[0]?.text), ['nokeys.example.test']);
    // without that field TLS 1.3 application data is not seen: this is what the warning is about
    assert.equal(summary.undecryptedStreams, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
