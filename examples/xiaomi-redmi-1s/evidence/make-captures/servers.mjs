// The "network" of the reconstruction: a DNS resolver, an NTP server and
// plain HTTP/1.1 servers, each bound to an address that make.sh puts on `lo`.
// Every answer is generic; the servers never echo what the phone sent.
// `clock.now` is the reconstructed time (ISO 8601) of the exchange in
// progress: it goes into the HTTP Date header and the NTP timestamps, so the
// payloads agree with the shifted packet times.

import dgram from 'node:dgram';
import net from 'node:net';

/** Seconds between 1900-01-01 (NTP era 0) and 1970-01-01. */
const NTP_EPOCH_OFFSET = 2208988800;

/** `Wed, 06 Aug 2014 09:12:44 GMT` for an ISO time. */
export function httpDate(iso) {
  return new Date(iso).toUTCString();
}

function listenUdp(address, port, onMessage) {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.on('error', reject);
    socket.on('message', (msg, rinfo) => onMessage(socket, msg, rinfo));
    socket.bind({ address, port, exclusive: true }, () => resolve(socket));
  });
}

/** Reads a DNS name at `offset`; returns the name and the offset after it. No compression (queries don't use it). */
function readName(msg, offset) {
  const labels = [];
  for (;;) {
    const len = msg[offset];
    offset += 1;
    if (len === 0) break;
    labels.push(msg.subarray(offset, offset + len).toString('ascii'));
    offset += len;
  }
  return { name: labels.join('.'), offset };
}

/** Writes a DNS name as labels. */
export function encodeName(name) {
  const parts = name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/**
 * A stub resolver answering A queries from `zone` (a Map name -> IPv4),
 * TTL 600 s; anything else gets NXDOMAIN.
 */
export function startDns(address, zone) {
  return listenUdp(address, 53, (socket, msg, rinfo) => {
    if (msg.length < 17) return;
    const { name, offset } = readName(msg, 12);
    const qtype = msg.readUInt16BE(offset);
    const question = msg.subarray(12, offset + 4);
    const ip = qtype === 1 ? zone.get(name.toLowerCase()) : undefined;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0); // same id
    header.writeUInt16BE(ip ? 0x8180 : 0x8183, 2); // response, RD+RA, NOERROR / NXDOMAIN
    header.writeUInt16BE(1, 4); // QDCOUNT
    header.writeUInt16BE(ip ? 1 : 0, 6); // ANCOUNT
    let answer = Buffer.alloc(0);
    if (ip) {
      answer = Buffer.alloc(16);
      answer.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      answer.writeUInt16BE(1, 2); // A
      answer.writeUInt16BE(1, 4); // IN
      answer.writeUInt32BE(600, 6); // TTL
      answer.writeUInt16BE(4, 10);
      ip.split('.').forEach((octet, i) => answer.writeUInt8(Number(octet), 12 + i));
    }
    socket.send(Buffer.concat([header, question, answer]), rinfo.port, rinfo.address);
  });
}

/** 64-bit NTP timestamp of an ISO time plus `extraMs`. */
export function ntpTimestamp(iso, extraMs = 0) {
  const ms = new Date(iso).getTime() + extraMs;
  const buf = Buffer.alloc(8);
  buf.writeUInt32BE(Math.floor(ms / 1000) + NTP_EPOCH_OFFSET, 0);
  buf.writeUInt32BE(Math.floor(((ms % 1000) / 1000) * 2 ** 32), 4);
  return buf;
}

/** An NTPv3 server (stratum 2) whose clock is `clock.now`. */
export function startNtp(address, clock) {
  return listenUdp(address, 123, (socket, msg, rinfo) => {
    if (msg.length < 48) return;
    const reply = Buffer.alloc(48);
    reply[0] = 0x1c; // LI 0, version 3, mode 4 (server)
    reply[1] = 2; // stratum
    reply[2] = msg[2]; // poll, as asked
    reply[3] = 0xec; // precision 2^-20 s
    reply.writeUInt32BE(0x00000100, 4); // root delay
    reply.writeUInt32BE(0x00000200, 8); // root dispersion
    Buffer.from([192, 0, 2, 123]).copy(reply, 12); // reference id: a documentation address
    ntpTimestamp(clock.now, -64000).copy(reply, 16); // reference time
    msg.copy(reply, 24, 40, 48); // originate = the client's transmit time
    ntpTimestamp(clock.now, 1).copy(reply, 32); // receive
    ntpTimestamp(clock.now, 1).copy(reply, 40); // transmit
    socket.send(reply, rinfo.port, rinfo.address);
  });
}

/**
 * A plain HTTP/1.1 server on port 80. `route(method, target)` returns
 * `{ status, type, body }`. Each response closes the connection and is
 * written in one piece (headers and body in one segment).
 */
export function startHttp(address, clock, route) {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const [method, target] = head.split('\r\n')[0].split(' ');
      const { status, type, body } = route(method, target);
      const reason = { 200: 'OK', 404: 'Not Found' }[status] ?? 'OK';
      const payload = Buffer.from(body, 'utf8');
      const response =
        `HTTP/1.1 ${status} ${reason}\r\n` +
        'Server: reconstruction\r\n' +
        `Date: ${httpDate(clock.now)}\r\n` +
        `Content-Type: ${type}\r\n` +
        `Content-Length: ${payload.length}\r\n` +
        'Connection: close\r\n\r\n';
      socket.end(Buffer.concat([Buffer.from(response, 'latin1'), payload]));
      buffered = Buffer.alloc(0);
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen({ host: address, port: 80, exclusive: true }, () => resolve(server));
  });
}

export function closeAll(servers) {
  return Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve()))));
}
