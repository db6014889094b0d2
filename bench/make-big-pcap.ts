/**
 * A large synthetic pcap (Ethernet / IPv4 / TCP, one short HTTP/1.1
 * connection per request: handshake, request, response, close) with the
 * bench canaries planted in a few requests, for `bench:scan`.
 *
 *   node --import tsx bench/make-big-pcap.ts OUT.pcap [--mb 100]
 */
import * as fs from 'node:fs';
import { BENCH_CANARIES, rng } from './make-big-har';

const ip = (s: string) => Buffer.from(s.split('.').map(Number));

function frame(src: string, dst: string, sport: number, dport: number, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
  const eth = Buffer.alloc(14);
  eth.write('0200000000010200000000020800', 'hex');
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(sport, 0);
  tcp.writeUInt16BE(dport, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14);
  const iph = Buffer.alloc(20);
  iph[0] = 0x45;
  iph.writeUInt16BE(20 + 20 + payload.length, 2);
  iph[8] = 64;
  iph[9] = 6;
  ip(src).copy(iph, 12);
  ip(dst).copy(iph, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += iph.readUInt16BE(i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  iph.writeUInt16BE(~sum & 0xffff, 10);
  return Buffer.concat([eth, iph, tcp, payload]);
}

/** Writes the pcap; returns the number of frames and the requests that carry a canary. */
export function makeBigPcap(out: string, bytes: number, seed = 7): { frames: number; planted: string[] } {
  const r = rng(seed);
  const fd = fs.openSync(out, 'w');
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16);
  head.writeUInt32LE(1, 20);
  fs.writeSync(fd, head);
  let size = 24;
  let frames = 0;
  let t = 1_700_000_000;
  const planted: string[] = [];
  const write = (f: Buffer) => {
    const rec = Buffer.alloc(16);
    t += 0.001;
    rec.writeUInt32LE(Math.floor(t), 0);
    rec.writeUInt32LE(Math.floor((t % 1) * 1e6), 4);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    fs.writeSync(fd, rec);
    fs.writeSync(fd, f);
    size += 16 + f.length;
    frames++;
  };
  const client = '192.168.50.23';
  let n = 0;
  while (size < bytes) {
    n++;
    const server = `203.0.113.${1 + (n % 200)}`;
    const sport = 20000 + (n % 40000);
    let query = `id=${Math.floor(r() * 1e9)}&v=${r().toString(36).slice(2)}`;
    if (n === 100) {
      query += `&imei=${BENCH_CANARIES.imei}`;
      planted.push(`connection ${n}: IMEI in the query`);
    }
    let body = JSON.stringify({ t: n, items: Array.from({ length: 8 }, () => r().toString(36).slice(2)) });
    if (n === 5000) {
      body = JSON.stringify({ u: Buffer.from(BENCH_CANARIES.email).toString('base64') });
      planted.push(`connection ${n}: e-mail base64 in a JSON body`);
    }
    const req = Buffer.from(`POST /api/v1/event?${query} HTTP/1.1\r\nHost: api${n % 7}.example.com\r\nUser-Agent: Dalvik/1.6.0\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const resBody = 'x'.repeat(200 + Math.floor(r() * 1200));
    const res = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${resBody.length}\r\n\r\n${resBody}`);
    const cs = Math.floor(r() * 2 ** 31);
    const ss = Math.floor(r() * 2 ** 31);
    write(frame(client, server, sport, 80, cs, 0, 0x02, Buffer.alloc(0)));
    write(frame(server, client, 80, sport, ss, cs + 1, 0x12, Buffer.alloc(0)));
    write(frame(client, server, sport, 80, cs + 1, ss + 1, 0x10, Buffer.alloc(0)));
    write(frame(client, server, sport, 80, cs + 1, ss + 1, 0x18, req));
    write(frame(server, client, 80, sport, ss + 1, cs + 1 + req.length, 0x18, res));
    write(frame(client, server, sport, 80, cs + 1 + req.length, ss + 1 + res.length, 0x11, Buffer.alloc(0)));
  }
  fs.closeSync(fd);
  return { frames, planted };
}

if (process.argv[1] && /make-big-pcap/.test(process.argv[1])) {
  const out = process.argv[2] ?? '/tmp/big.pcap';
  const mbAt = process.argv.indexOf('--mb');
  const mb = mbAt > 0 ? Number(process.argv[mbAt + 1]) : 100;
  const r = makeBigPcap(out, mb * 1e6);
  console.log(`${out}: ${r.frames} frames; ${r.planted.join('; ')}`);
}
