// Plays the packet-capture scenes of scenes.mjs on loopback and writes the
// pcapng files. Needs root and the addresses of LOOPBACK_ADDRESSES on `lo`
// (make.sh does both). For each exchange: start tcpdump on lo (filtered to
// the scene's addresses), let the "phone" (a socket bound to 192.168.50.23)
// talk to the servers, stop tcpdump, shift the packets with `editcap -t` so
// the exchange starts at its reconstructed time. Then `mergecap` joins the
// pieces in time order, and `editcap` adds the capture comment and a comment
// on every request frame.
//
//   node lab.mjs OUT_DIR WORK_DIR

import { spawn, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PCAPS, PHONE, RESOLVER, SERVERS } from './scenes.mjs';
import { closeAll, encodeName, ntpTimestamp, startDns, startHttp, startNtp } from './servers.mjs';

const [outDir, workDir] = process.argv.slice(2);
if (!outDir || !workDir) {
  console.error('usage: node lab.mjs OUT_DIR WORK_DIR');
  process.exit(2);
}

const FILTER = `host ${PHONE} or host ${RESOLVER} or net 42.62.48.0/24`;

function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts tcpdump on lo and resolves once it is listening. */
function startTcpdump(file) {
  return new Promise((resolve, reject) => {
    const child = spawn('tcpdump', ['-i', 'lo', '-n', '-U', '--immediate-mode', '-w', file, FILTER], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      if (err.includes('listening on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`tcpdump exited early (${code}): ${err}`)));
  });
}

function stopTcpdump(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGINT');
  });
}

/** One UDP request from the phone; resolves with the answer. */
function udpAsk(server, port, localPort, payload) {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer from ${server}:${port}`));
    }, 3000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.bind({ address: PHONE, port: localPort }, () => socket.send(payload, port, server));
  });
}

function dnsQuery(id, name) {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // standard query, recursion desired
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, encodeName(name), Buffer.from([0, 1, 0, 1])]); // A, IN
}

function ntpQuery(at) {
  const msg = Buffer.alloc(48);
  msg[0] = 0x1b; // LI 0, version 3, mode 3 (client)
  ntpTimestamp(at).copy(msg, 40); // transmit time = the phone's (reconstructed) clock
  return msg;
}

/** One HTTP/1.1 request on its own connection, written in a single segment. */
function httpExchange(ex) {
  const body = ex.body === undefined ? undefined : Buffer.from(ex.body, 'utf8');
  let head = `${ex.method} ${ex.target} HTTP/1.1\r\n`;
  if (body) head += `Content-Type: ${ex.type}\r\n`;
  head += `User-Agent: ${ex.ua}\r\nHost: ${ex.host}\r\nConnection: Keep-Alive\r\nAccept-Encoding: gzip\r\n`;
  if (body) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  const request = body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
  return new Promise((resolve, reject) => {
    const chunks = [];
    const socket = net.connect({ host: ex.server, port: 80, localAddress: PHONE, localPort: ex.localPort });
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => {
      socket.end();
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('error', reject);
  });
}

/** First packet time of a capture, in microseconds since 1970 (BigInt). */
function firstPacketMicros(file) {
  const epoch = run('tshark', ['-r', file, '-c', '1', '-T', 'fields', '-e', 'frame.time_epoch']).trim();
  if (!/^\d+(\.\d+)?$/.test(epoch)) throw new Error(`no packet captured in ${file}`);
  const [s, frac = ''] = epoch.split('.');
  return BigInt(s) * 1000000n + BigInt((frac + '000000').slice(0, 6));
}

function micros(iso) {
  return BigInt(new Date(iso).getTime()) * 1000n;
}

function seconds(us) {
  const sign = us < 0n ? '-' : '';
  const abs = us < 0n ? -us : us;
  return `${sign}${abs / 1000000n}.${String(abs % 1000000n).padStart(6, '0')}`;
}

const clock = { now: '2014-08-06T00:00:00Z' };
const zone = new Map();
const route = (replyFor) => (method, target) => replyFor.get(`${method} ${target}`) ?? { status: 404, type: 'text/plain', body: 'not found' };
const replies = new Map();

const servers = [
  await startDns(RESOLVER, zone),
  await startNtp(SERVERS.time, clock),
  ...(await Promise.all([SERVERS.accountFirst, SERVERS.accountSignedIn, SERVERS.update].map((a) => startHttp(a, clock, route(replies))))),
];

try {
  for (const capture of PCAPS) {
    zone.clear();
    for (const [name, ip] of Object.entries(capture.zone)) zone.set(name, ip);
    const stem = path.join(workDir, capture.file.replace(/\.pcapng$/, ''));
    const parts = [];
    for (const [i, ex] of capture.exchanges.entries()) {
      clock.now = ex.at;
      const raw = `${stem}-${String(i).padStart(2, '0')}.pcap`;
      const tcpdump = await startTcpdump(raw);
      if (ex.kind === 'dns') await udpAsk(RESOLVER, 53, ex.localPort, dnsQuery(ex.id, ex.name));
      else if (ex.kind === 'ntp') await udpAsk(ex.server, 123, ex.localPort, ntpQuery(ex.at));
      else {
        replies.set(`${ex.method} ${ex.target}`, ex.reply);
        const answer = await httpExchange(ex);
        if (!answer.startsWith('HTTP/1.1 200')) throw new Error(`unexpected answer to ${ex.target}: ${answer}`);
      }
      await sleep(300); // let the last ACK / FIN reach the capture
      await stopTcpdump(tcpdump);
      const shifted = raw.replace(/\.pcap$/, '.shifted.pcap');
      run('editcap', ['-t', seconds(micros(ex.at) - firstPacketMicros(raw)), raw, shifted]);
      parts.push(shifted);
    }
    const merged = `${stem}.merged.pcapng`;
    run('mergecap', ['-F', 'pcapng', '-w', merged, ...parts]);

    // A comment on every request frame (found with tshark, never assumed).
    const comments = [];
    for (const ex of capture.exchanges.filter((e) => e.label)) {
      const filter =
        ex.kind === 'http' ? `tcp.srcport == ${ex.localPort} && http.request` : `udp.srcport == ${ex.localPort} && ntp`;
      const frames = run('tshark', ['-r', merged, '-Y', filter, '-T', 'fields', '-e', 'frame.number']).trim().split('\n').filter(Boolean);
      if (frames.length !== 1) throw new Error(`expected one request frame for ${filter}, found ${frames.length}`);
      comments.push('-a', `${frames[0]}:${ex.label}`);
    }
    const out = path.join(outDir, capture.file);
    run('editcap', ['--capture-comment', capture.comment, ...comments, merged, out]);
    console.log(`wrote ${out}`);
  }
} finally {
  await closeAll(servers);
}
