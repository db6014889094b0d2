/**
 * pcap and pcapng captures read through a locally installed `tshark`
 * (Wireshark's dissectors), turned into `CaptureUnit`s for the matcher.
 *
 * One tshark process per capture; its output is read line by line and never
 * held whole. Nothing goes on the network: `-n` turns name resolution off.
 *
 * Output format: `-T ek` with `-e` fields. EK prints one JSON object per
 * packet on one line, every value a JSON string in an array, so a header
 * value holding a comma, a quote or a newline stays unambiguous (the
 * `-T fields` separators do not), and a line is a packet: the reader can
 * stream. Bytes come as hex. tshark 4.0's `http.file_data` is a string that
 * ends at the first NUL byte, so when tshark has Lua (the builds of
 * wireshark.org, Debian, Homebrew do) a small post-dissector (LUA_SCRIPT
 * below) exports the bytes of each HTTP body and WebSocket payload as hex,
 * already de-chunked and, when tshark could, decompressed; without Lua the
 * string is used and the summary says so.
 *
 * Ports: tshark's own tables and heuristics find TLS and HTTP on the usual
 * and on most unusual ports (its TCP heuristics for TLS and HTTP are on by
 * default); `extraPorts` adds decode-as rules for the rest.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFile, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { brotliDecompressSync, constants as zlibConstants, inflateRawSync } from 'node:zlib';
import type { CaptureUnit, Part } from '../../core/capture/types';

// ── finding tshark ─────────────────────────────────────────────────────────

export interface TsharkInfo {
  path: string;
  version: string;
  /** tshark was built with Lua (needed for exact HTTP body bytes). */
  lua: boolean;
}

/** tshark is not installed or not where it was said to be. */
export class TsharkMissing extends Error {
  constructor(detail?: string) {
    super(
      `tshark (Wireshark's command-line tool) was not found${detail ? ` (${detail})` : ''}; ` +
        'it is needed to read pcap and pcapng captures (HAR files are read without it). ' +
        'Install it: Debian/Ubuntu `sudo apt-get install tshark`, macOS `brew install wireshark`, ' +
        'Windows: the Wireshark installer from wireshark.org with "TShark" ticked. ' +
        'Or say where it is: `--tshark PATH` on the command line, the `privacyAudit.tsharkPath` setting in VS Code.',
    );
    this.name = 'TsharkMissing';
  }
}

const found = new Map<string, Promise<TsharkInfo | undefined>>();

/** Places tshark is installed to when it is not on PATH. */
function wellKnownPaths(): string[] {
  if (process.platform === 'win32') {
    const roots = [process.env.ProgramFiles, process.env['ProgramFiles(x86)']].filter((r): r is string => !!r);
    return roots.map((r) => path.join(r, 'Wireshark', 'tshark.exe'));
  }
  if (process.platform === 'darwin') return ['/Applications/Wireshark.app/Contents/MacOS/tshark', '/opt/homebrew/bin/tshark', '/usr/local/bin/tshark'];
  return [];
}

function probe(file: string): Promise<TsharkInfo | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['-v'], { timeout: 15_000, windowsHide: true, maxBuffer: 1 << 20 }, (err, stdout) => {
      const text = String(stdout ?? '');
      const m = /TShark \(Wireshark\) (\d+\.\d+(?:\.\d+)?)/.exec(text);
      if (err || !m) return resolve(undefined);
      resolve({ path: file, version: m[1] ?? '', lua: /with\s+Lua\b/.test(text) });
    });
  });
}

/**
 * Finds tshark: the path given, else `tshark` on PATH, else where the
 * Windows and macOS installers put it. Runs `tshark -v` once per path (cached).
 * Resolves undefined when there is none; an explicit path that is not tshark
 * resolves undefined too (it is never replaced by another one). Only what was
 * found is cached, so a tshark installed meanwhile is found on the next call.
 */
export function findTshark(opts: { path?: string } = {}): Promise<TsharkInfo | undefined> {
  const key = opts.path ?? '';
  let p = found.get(key);
  if (!p) {
    p = (async () => {
      if (opts.path) return probe(opts.path);
      for (const candidate of ['tshark', ...wellKnownPaths()]) {
        const info = await probe(candidate);
        if (info) return info;
      }
      return undefined;
    })();
    found.set(key, p);
    // only a tshark found is remembered: one installed later is found on the next scan
    void p.then((info) => {
      if (!info) found.delete(key);
    });
  }
  return p;
}

// ── reading a capture ──────────────────────────────────────────────────────

export interface PcapSummary {
  /** Frames tshark read. */
  frames: number;
  /** Units yielded. */
  units: number;
  /** TCP streams with TLS in them. */
  tlsStreams: number;
  /** TLS streams whose application data was seen but not decrypted (no keys): not searched. */
  undecryptedStreams: number;
  /** QUIC connections (UDP streams): tshark cannot decrypt them here, not searched. */
  quicStreams: number;
  tsharkVersion: string;
  /** Fields cut at the size limit, a tshark without Lua, tshark's own warnings … */
  warnings: string[];
}

export interface ReadPcapOptions {
  /** tshark's path; default: found by findTshark. */
  tshark?: string;
  /** A TLS key log (NSS format, SSLKEYLOGFILE) → `-o tls.keylog_file:PATH`. A pcapng's Decryption Secrets Block is used anyway. */
  keylog?: string;
  signal?: AbortSignal;
  /** Called with the number of frames read so far, every few thousand frames and at the end. */
  onProgress?: (frames: number) => void;
  /** More decode-as rules: TCP ports that carry TLS, or HTTP in clear. */
  extraPorts?: { tls?: number[]; http?: number[] };
  /** Largest body, payload or header value kept (bytes); longer ones are cut, with a warning. Default 16 MiB. */
  maxField?: number;
  /**
   * tshark is stopped when its memory (resident set) grows past this many bytes: its HTTP/2 dissector
   * inflates compressed bodies without a bound (a 480 KB gzip bomb took 5 GB). Default: 2 GiB or
   * 8 × the capture's size, whichever is larger (tshark needs about 5 × on ordinary captures).
   * Watched on Linux and macOS.
   */
  maxTsharkMemory?: number;
  /** false: do without the Lua post-dissector even when tshark has Lua (as with a tshark built without it; for tests). */
  lua?: boolean;
}

/** A capture tshark could not read (not a capture, truncated, tshark failed), or a read that was cancelled. */
export class PcapReadError extends Error {
  constructor(
    readonly file: string,
    message: string,
    /** Frames read before the failure (their units were yielded). */
    readonly frames = 0,
  ) {
    super(message);
    this.name = 'PcapReadError';
  }
}

export interface PcapRead {
  /**
   * The units, in frame order (a unit's frame is the one tshark shows the
   * message in: the last segment of a reassembled request). Iterate it to the
   * end, or break out of the loop (which stops tshark): tshark waits while
   * nobody reads. Throws what `done` rejects with.
   */
  units: AsyncIterable<CaptureUnit>;
  /** Settles when the units have all been read (rejects on error or abort). */
  done: Promise<PcapSummary>;
}

const MiB = 1 << 20;
/** A line longer than this is skipped (it would be a frame with fields far above maxField). */
const MAX_LINE = 96 * MiB;

/**
 * The post-dissector. It exports as FT_BYTES fields, cut at the limit
 * (`privacyaudit.cut` then holds the full length):
 * - the bytes of each HTTP body (`http.file_data`, de-chunked and
 *   decompressed by tshark when it could) and each WebSocket payload (unmasked);
 * - the TCP or UDP payload of a frame only where the reader may need it as a
 *   raw payload: not when a dissector the reader reads (HTTP, HTTP/2,
 *   WebSocket, TLS, DNS, QUIC) took the frame, nor for the bare segments of a
 *   stream tshark reassembles HTTP or TLS from. Printing `tcp.payload` for
 *   every frame would double the output of a capture full of HTTP or TLS
 *   (measured: about a third of tshark's time on an 84 MB capture).
 * The stream bookkeeping mirrors `PacketReader.tcpPacket`: a stream is HTTP or TLS
 * once tshark shows one of them in it, or when its first bytes look like an
 * HTTP request line, an HTTP status line or a TLS handshake record; from then
 * on none of its frames is read as a raw payload.
 */
function luaScript(limit: number): string {
  return `-- privacy-audit: bytes for the capture scan
local p = Proto("privacyaudit", "Privacy Audit bytes")
local f_body = ProtoField.bytes("privacyaudit.body", "HTTP body")
local f_ws = ProtoField.bytes("privacyaudit.ws", "WebSocket payload")
local f_raw = ProtoField.bytes("privacyaudit.raw", "Raw payload")
local f_cut = ProtoField.uint32("privacyaudit.cut", "Cut from")
p.fields = { f_body, f_ws, f_raw, f_cut }
-- a field this tshark lacks reads as absent instead of failing the whole script
local function field(name)
  local ok, f = pcall(Field.new, name)
  if ok then return f end
  return function() return nil end
end
local file_data = field("http.file_data")
local ws_payload = field("websocket.payload")
local data_data = field("data.data")
local tcp_payload = field("tcp.payload")
local udp_payload = field("udp.payload")
local tcp_stream = field("tcp.stream")
local p_http = field("http")
local p_http2 = field("http2")
local p_ws = field("websocket")
local p_tls = field("tls")
local p_dns = field("dns")
local p_mdns = field("mdns")
local p_llmnr = field("llmnr")
local p_quic = field("quic")
local p_gquic = field("gquic")
local p_dtls = field("dtls")
local LIMIT = ${Math.max(1, Math.floor(limit))}
local known = {}
local function add(t, field, fi)
  local r = fi.range
  if r == nil then return end
  local n = r:len()
  if n > LIMIT then
    t:add(field, r:range(0, LIMIT))
    t:add(f_cut, n)
  elseif n > 0 then
    t:add(field, r)
  end
end
local function looks_known(r)
  local n = r:len()
  if n >= 2 and r:range(0, 1):uint() == 0x16 and r:range(1, 1):uint() == 0x03 then return true end
  local head = r:range(0, math.min(n, 16)):string()
  for _, m in ipairs({ "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "PRI ", "HTTP/1", "HTTP/2" }) do
    if head:sub(1, #m) == m then return true end
  end
  return false
end
function p.dissector(tvb, pinfo, tree)
  local tp = tcp_payload()
  local up = nil
  if tp == nil then
    up = udp_payload()
    if up == nil then return end
  end
  local t = nil
  local bodies = { file_data() }
  if #bodies == 0 and p_http() then
    -- a compressed body (tshark's decompression is off) is handed to the data dissector as sent
    bodies = { data_data() }
  end
  for _, fi in ipairs(bodies) do
    t = t or tree:add(p)
    add(t, f_body, fi)
  end
  for _, fi in ipairs({ ws_payload() }) do
    t = t or tree:add(p)
    add(t, f_ws, fi)
  end
  if tp ~= nil then
    local st = tcp_stream()
    local id = st and st.value or -1
    if known[id] then return end
    if p_http() or p_http2() or p_ws() or p_tls() then
      known[id] = true
    elseif not (p_dns() or p_mdns() or p_llmnr()) then
      if looks_known(tp.range) then known[id] = true else add(t or tree:add(p), f_raw, tp) end
    end
  elseif not (p_dns() or p_mdns() or p_llmnr() or p_quic() or p_gquic() or p_dtls()) then
    add(t or tree:add(p), f_raw, up)
  end
end
register_postdissector(p)
`;
}

const FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.protocols',
  'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
  'tcp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.len',
  'udp.stream', 'udp.srcport', 'udp.dstport',
  'dns.flags.response', 'dns.qry.name', 'dns.a', 'dns.aaaa',
  'tls.handshake.type', 'tls.handshake.extensions_server_name', 'tls.record.content_type', 'tls.record.opaque_type',
  'http.request.method', 'http.request.uri', 'http.request.version', 'http.request.line',
  'http.response.code', 'http.response.phrase', 'http.response.version', 'http.response.line',
  'http.content_type', 'http.content_encoding',
  'http2.type', 'http2.streamid', 'http2.length', 'http2.header.name', 'http2.header.value', 'http2.data.data',
  'websocket.opcode', 'websocket.rsv', 'data.data',
];
const LUA_FIELDS = ['privacyaudit.body', 'privacyaudit.ws', 'privacyaudit.raw', 'privacyaudit.cut'];
const NO_LUA_FIELDS = ['http.file_data', 'websocket.payload.text', 'tcp.payload', 'udp.payload'];

/** The EK line of a TCP frame with no payload, no SYN and no other field (tcp.len is the last TCP field asked for). */
const BARE_ACK = /"tcp_flags_syn":\["0"\],"tcp_flags_ack":\["[01]"\],"tcp_len":\["0"\]\}\}$/;

/** tshark's stderr lines that are not errors. */
const HARMLESS_STDERR = [/^Running as user "root"/, /^\s*$/];

/**
 * Reads a pcap or pcapng capture through tshark. See `PcapRead` for how to
 * consume the result; `readPcapAll` collects everything (small captures, tests).
 */
export function readPcap(file: string, opts: ReadPcapOptions = {}): PcapRead {
  let resolveDone!: (s: PcapSummary) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<PcapSummary>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => {}); // the iterator throws the same error; nobody has to await done
  let started = false;
  const units: AsyncIterable<CaptureUnit> = {
    [Symbol.asyncIterator]() {
      if (started) throw new Error('readPcap: the units can be iterated once');
      started = true;
      const gen = run(file, opts);
      return {
        async next() {
          try {
            const r = await gen.next();
            if (r.done) resolveDone(r.value);
            return r.done ? { done: true, value: undefined } : r;
          } catch (err) {
            rejectDone(err);
            throw err;
          }
        },
        async return() {
          await gen.return(undefined as never);
          rejectDone(new PcapReadError(file, `${file}: reading stopped before the end`));
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { units, done };
}

/** Reads a whole capture into memory (small captures and tests). */
export async function readPcapAll(file: string, opts: ReadPcapOptions = {}): Promise<{ units: CaptureUnit[]; summary: PcapSummary }> {
  const r = readPcap(file, opts);
  const units: CaptureUnit[] = [];
  for await (const u of r.units) units.push(u);
  return { units, summary: await r.done };
}

const PCAP_MAGICS = ['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1', '0a0d0d0a'];

/** The first bytes of the file as hex (for the error message when tshark refuses it), or why it cannot be read. */
function magicOf(file: string): { magic: string } | { error: string } {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const b = Buffer.alloc(4);
    const n = readSync(fd, b, 0, 4, 0);
    return { magic: b.subarray(0, n).toString('hex') };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { error: e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'a folder, not a file' : e.message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** One EK packet's `layers`: tshark's field names with `_` for `.`, every value an array of strings. */
export type Layers = Record<string, string[] | undefined>;

async function* run(file: string, opts: ReadPcapOptions): AsyncGenerator<CaptureUnit, PcapSummary, undefined> {
  const signal = opts.signal;
  if (signal?.aborted) throw cancelled(file);
  const head = magicOf(file);
  if ('error' in head) throw new PcapReadError(file, `${file}: cannot be read (${head.error})`);
  const magic = head.magic;
  if (!magic) throw new PcapReadError(file, `${file}: the file is empty, not a capture`);
  const info = await findTshark({ path: opts.tshark });
  if (!info) throw new TsharkMissing(opts.tshark ? `not at ${opts.tshark}` : 'not on PATH');
  if (signal?.aborted) throw cancelled(file);

  const maxField = opts.maxField ?? 16 * MiB;
  const warnings: string[] = [];
  let luaDir: string | undefined;
  const args = ['-n', '-r', file];
  const useLua = info.lua && opts.lua !== false;
  if (useLua) {
    luaDir = mkdtempSync(path.join(tmpdir(), 'privacy-audit-tshark-'));
    const script = path.join(luaDir, 'privacy-audit.lua');
    writeFileSync(script, luaScript(maxField));
    args.push('-X', `lua_script:${script}`);
  } else {
    warnings.push(`tshark ${info.version} is used without Lua: HTTP bodies and WebSocket messages are read as text, cut at their first NUL byte`);
  }
  // tshark inflates compressed bodies without a bound (a 480 KB gzip bomb took 3 GB and two minutes):
  // with Lua the bytes are taken as sent and the matcher inflates them within its limits.
  if (useLua) args.push('-o', 'http.decompress_body:FALSE', '-o', 'mime_multipart.uncompress_data:FALSE', '-o', 'websocket.decompress:FALSE');
  if (opts.keylog) args.push('-o', `tls.keylog_file:${opts.keylog}`);
  for (const port of opts.extraPorts?.tls ?? []) args.push('-d', `tcp.port==${port},tls`);
  for (const port of opts.extraPorts?.http ?? []) args.push('-d', `tcp.port==${port},http`);
  args.push('-T', 'ek');
  let fields = [...FIELDS, ...(useLua ? LUA_FIELDS : NO_LUA_FIELDS)];

  const state = new PacketReader(maxField, warnings);
  try {
    for (let attempt = 1; ; attempt++) {
      const outcome = yield* tsharkRun(file, info, [...args, ...fields.flatMap((f) => ['-e', f])], opts, state);
      // Another tshark version may lack a field: it refuses to start and names them. Once, without them.
      if (outcome.invalidFields.length && state.frames === 0 && attempt === 1) {
        fields = fields.filter((f) => !outcome.invalidFields.includes(f));
        warnings.push(`tshark ${info.version} has no field ${outcome.invalidFields.join(', ')}: read without (what they show is missed)`);
        continue;
      }
      if (outcome.error) throw outcome.error(magic);
      for (const m of outcome.messages) warnings.push(`tshark: ${m}`);
      opts.onProgress?.(state.frames);
      return state.summary(info.version);
    }
  } finally {
    if (luaDir) rmSync(luaDir, { recursive: true, force: true });
  }
}

const cancelled = (file: string) => new PcapReadError(file, `${file}: reading the capture was cancelled`);

interface Outcome {
  /** The error to throw (given the file's first bytes), when tshark failed. */
  error?: (magic: string) => Error;
  /** tshark's stderr lines that are not harmless (warnings when it succeeded). */
  messages: string[];
  /** Fields tshark said it does not have (it then read nothing). */
  invalidFields: string[];
}

/** One tshark process: yields the units of its output; returns how it ended. Stops tshark on every way out. */
async function* tsharkRun(file: string, info: TsharkInfo, args: string[], opts: ReadPcapOptions, state: PacketReader): AsyncGenerator<CaptureUnit, Outcome, undefined> {
  const signal = opts.signal;
  const child = spawn(info.path, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (stderr.length < 16_384) stderr += s;
  });
  const exited = new Promise<{ code: number | null; sig: NodeJS.Signals | null; err?: Error }>((resolve) => {
    child.on('error', (err) => resolve({ code: null, sig: null, err }));
    child.on('close', (code, sig) => resolve({ code, sig }));
  });
  const onAbort = () => stop(child);
  signal?.addEventListener('abort', onAbort, { once: true });
  const memoryLimit = opts.maxTsharkMemory ?? Math.max(2 * 1024 * MiB, 8 * fileSize(file));
  let overMemory: number | undefined;
  const watch = watchMemory(child, memoryLimit, (rss) => {
    overMemory = rss;
    stop(child);
  });
  let finished = false;
  try {
    let nextProgress = state.frames + 5000;
    for await (const batch of lineBatches(child.stdout!, state.warnings)) {
      if (signal?.aborted) throw cancelled(file);
      for (const line of batch) {
        if (line.startsWith('{"index"')) continue;
        // A bare TCP acknowledgement (its last field is tcp.len, 0): nothing to read, only counted.
        if (BARE_ACK.test(line)) {
          state.frames++;
          continue;
        }
        let doc: { layers?: Layers };
        try {
          doc = JSON.parse(line) as { layers?: Layers };
        } catch {
          throw new PcapReadError(file, `${file}: tshark printed something that is not JSON (${line.slice(0, 80)})`, state.frames);
        }
        const out = state.packet(doc.layers ?? {});
        for (const u of out) yield u;
      }
      if (state.frames >= nextProgress) {
        opts.onProgress?.(state.frames);
        nextProgress = state.frames + 5000;
      }
    }
    const end = await exited;
    finished = true;
    if (signal?.aborted) throw cancelled(file);
    if (overMemory !== undefined) throw tooBig(file, overMemory, memoryLimit, state.frames);
    const lines = stderr.split(/\r?\n/).filter((l) => !HARMLESS_STDERR.some((re) => re.test(l)));
    const invalidAt = lines.findIndex((l) => /Some fields aren't valid/.test(l));
    const invalidFields = invalidAt < 0 ? [] : lines.slice(invalidAt + 1).filter((l) => /^\s+\S+$/.test(l)).map((l) => l.trim());
    const messages = lines.map((l) => l.replace(/^tshark: /, '').trim());
    if (end.err) {
      const e = end.err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') throw new TsharkMissing(`${info.path} could not be started`);
      throw new PcapReadError(file, `${file}: tshark could not be started: ${e.message}`);
    }
    if (end.code === 0) return { messages, invalidFields: [] };
    const why = messages.join(' ') || (end.sig ? `tshark was killed (${end.sig})` : `tshark exited with code ${end.code}`);
    const frames = state.frames;
    return {
      messages,
      invalidFields,
      error: (magic) => {
        const said = why.replace(/The file "[^"]*" /, 'the file ');
        let what = 'tshark could not read it';
        if (!PCAP_MAGICS.includes(magic) && /isn't a capture file|unknown format|not a capture/i.test(why))
          what = `not a capture (its first bytes are ${magic}; a pcap starts with d4c3b2a1 or a1b2c3d4, a pcapng with 0a0d0d0a)`;
        else if (/cut short|truncated|damaged|corrupt/i.test(why)) what = `the capture is truncated or damaged; the ${frames} frames before the damage were read`;
        return new PcapReadError(file, `${file}: ${what}. tshark: ${said}`, frames);
      },
    };
  } catch (err) {
    // stopping tshark (abort, memory) closes its output under the loop
    if (signal?.aborted && !(err instanceof PcapReadError)) throw cancelled(file);
    if (overMemory !== undefined && !(err instanceof PcapReadError)) throw tooBig(file, overMemory, memoryLimit, state.frames);
    throw err;
  } finally {
    clearInterval(watch);
    signal?.removeEventListener('abort', onAbort);
    if (!finished) stop(child);
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function tooBig(file: string, rss: number, limit: number, frames: number): PcapReadError {
  return new PcapReadError(
    file,
    `${file}: tshark was stopped after ${frames} frames: it used ${Math.round(rss / MiB)} MiB, more than the limit of ${Math.round(limit / MiB)} MiB ` +
      '(a compressed HTTP/2 body that inflates without end, a "decompression bomb", does this; the limit can be raised)',
    frames,
  );
}

/** The resident set of a process in bytes: /proc on Linux, `ps` elsewhere (not on Windows). */
function rssOf(pid: number, cb: (bytes: number | undefined) => void): void {
  if (process.platform === 'linux') {
    readFile(`/proc/${pid}/status`, 'utf8', (err, text) => {
      const m = err ? null : /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
      cb(m ? Number(m[1]) * 1024 : undefined);
    });
  } else if (process.platform !== 'win32') {
    execFile('ps', ['-o', 'rss=', '-p', String(pid)], { timeout: 2000 }, (err, out) => {
      const kb = err ? NaN : Number(String(out).trim());
      cb(Number.isFinite(kb) ? kb * 1024 : undefined);
    });
  } else cb(undefined);
}

/** Polls the child's memory twice a second; calls `over` once when it passes `limit`. */
function watchMemory(child: ChildProcess, limit: number, over: (rss: number) => void): NodeJS.Timeout {
  let fired = false;
  let busy = false;
  const t = setInterval(() => {
    if (fired || busy || child.pid === undefined || child.exitCode !== null) return;
    busy = true;
    rssOf(child.pid, (rss) => {
      busy = false;
      if (!fired && rss !== undefined && rss > limit) {
        fired = true;
        over(rss);
      }
    });
  }, 500);
  t.unref();
  return t;
}

function stop(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 2000);
  t.unref();
  child.stdout?.destroy();
}

/**
 * The lines of a stream, a chunk's worth at a time (fewer awaits than one per
 * line), never holding more than one unfinished line; a line over MAX_LINE is
 * skipped with a warning.
 */
async function* lineBatches(stream: NodeJS.ReadableStream, warnings: string[]): AsyncGenerator<string[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const batch: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      if (!skipping) {
        if (parts.length) {
          parts.push(chunk.subarray(start, nl));
          batch.push(Buffer.concat(parts).toString('utf8'));
        } else batch.push(chunk.toString('utf8', start, nl));
      }
      parts = [];
      size = 0;
      skipping = false;
      start = nl + 1;
    }
    if (start < chunk.length && !skipping) {
      parts.push(chunk.subarray(start));
      size += chunk.length - start;
      if (size > MAX_LINE) {
        warnings.push(`a frame with more than ${MAX_LINE / MiB} MiB of fields was skipped`);
        parts = [];
        size = 0;
        skipping = true;
      }
    }
    if (batch.length) yield batch;
  }
  if (parts.length && !skipping) yield [Buffer.concat(parts).toString('utf8')];
}

// ── turning packets into units ─────────────────────────────────────────────

interface Endpoint {
  address: string;
  port: number;
}

interface Stream {
  client?: Endpoint;
  server?: Endpoint;
  sni?: string;
  /** The application protocol tshark reassembles on this stream: its bare TCP segments are parts of a later frame. */
  kind?: 'http' | 'tls';
  tls?: boolean;
  appData?: boolean;
  decrypted?: boolean;
  /** Host of the last HTTP request (for the responses). */
  httpHost?: string;
  /** HTTP/2: content-encoding by `${direction}/${stream id}`. */
  h2enc?: Map<string, string>;
  h2type?: Map<string, string>;
  /** HTTP/2: non-empty DATA frames seen by `${direction}/${stream id}`. */
  h2frags?: Map<string, number>;
}

const MAX_STREAMS = 200_000;
const MAX_DNS = 100_000;
/** Subprotocols of a TLS handshake (certificates): not application data. (A frame holding two TLS PDUs lists `tls:tls`.) */
const CERT_PROTOCOLS = /^(x509|pkix|pkcs|ocsp|cms|ber|logotypecertextn|ns_cert_exts|x509af|x509ce|x509if|x509sat)/;
const DNS_PROTOCOLS = new Set(['dns', 'mdns', 'llmnr']);
const HTTP_START = /^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH|CONNECT|TRACE|PRI) |^HTTP\/[12]/;

const first = (l: Layers, k: string): string | undefined => l[k]?.[0];
const all = (l: Layers, k: string): string[] => l[k] ?? [];

/** Hex from tshark (with or without colons) to bytes. */
function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex.includes(':') ? hex.replace(/:/g, '') : hex, 'hex');
}

/** `frame.time_epoch` (`1796460304.754000000`) as ISO 8601 with microseconds. */
export function isoTime(epoch: string | undefined): string | undefined {
  if (!epoch) return undefined;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(epoch.trim());
  if (!m) return undefined;
  const secs = Number(m[1]);
  if (!Number.isFinite(secs)) return undefined;
  const d = new Date(secs * 1000);
  if (Number.isNaN(d.getTime())) return undefined;
  const frac = ((m[2] ?? '') + '000000').slice(0, 6);
  return d.toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/** `api.example.test:8080` → `api.example.test`; `[::1]:80` → `::1`. */
function hostOnly(h: string | undefined): string | undefined {
  if (!h) return undefined;
  const t = h.trim();
  if (t.startsWith('[')) return t.slice(1, t.indexOf(']') > 0 ? t.indexOf(']') : undefined);
  const colon = t.lastIndexOf(':');
  const host = colon > 0 && t.indexOf(':') === colon && /^\d+$/.test(t.slice(colon + 1)) ? t.slice(0, colon) : t;
  return host.toLowerCase() || undefined;
}

/** Query parameters as written (not decoded: the matcher decodes). */
function queryParts(target: string): Part[] {
  const q = target.indexOf('?');
  if (q < 0) return [];
  const hash = target.indexOf('#', q);
  const query = target.slice(q + 1, hash < 0 ? undefined : hash);
  const parts: Part[] = [];
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    parts.push({ where: 'query', name: eq < 0 ? pair : pair.slice(0, eq), text: eq < 0 ? '' : pair.slice(eq + 1) });
  }
  return parts;
}

function cookieParts(value: string): Part[] {
  const parts: Part[] = [];
  for (const c of value.split(';')) {
    const t = c.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    parts.push({ where: 'cookie', name: eq < 0 ? t : t.slice(0, eq), text: eq < 0 ? '' : t.slice(eq + 1) });
  }
  return parts;
}

/** `Name: value\r\n` lines of `http.request.line` / `http.response.line`. */
function headerLines(lines: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of lines) {
    const line = raw.replace(/\r?\n$/, '');
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

/**
 * Is the body still compressed with `encoding`? tshark decompresses what it
 * can, so this is the exception (a truncated body, an encoding this tshark
 * lacks). gzip and zlib have a header; raw deflate and brotli have none, so a
 * small trial decode decides (a body tshark inflated does not decode again).
 */
function stillCompressed(body: Uint8Array, encoding: string | undefined): string | undefined {
  if (!encoding || body.length < 2) return undefined;
  const enc = encoding.trim().toLowerCase();
  const b0 = body[0] ?? 0;
  const b1 = body[1] ?? 0;
  if (enc === 'gzip' || enc === 'x-gzip') return b0 === 0x1f && b1 === 0x8b ? enc : undefined;
  const head = body.subarray(0, 64 * 1024);
  const trial = (f: () => Buffer) => {
    try {
      return f().length > 0;
    } catch {
      return false;
    }
  };
  const limit = { maxOutputLength: 1 << 20 };
  if (enc === 'deflate') {
    const zlibHeader = (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0;
    if (zlibHeader) return enc;
    return !isText(body) && trial(() => inflateRawSync(head, { ...limit, finishFlush: zlibConstants.Z_SYNC_FLUSH })) ? enc : undefined;
  }
  if (enc === 'br')
    return !isText(body) && trial(() => brotliDecompressSync(head, { ...limit, finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH })) ? enc : undefined;
  if (enc === 'zstd') return isText(body) ? undefined : enc;
  return undefined;
}

/** Mostly printable (a body tshark already decompressed, for encodings without a magic number). */
function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 512);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i] ?? 0;
    if (c < 9 || (c > 13 && c < 32) || c === 127) bad++;
  }
  return bad <= n / 20;
}

/** Turns EK packets, in frame order, into units, and keeps the counts of the summary (exported for tests). */
export class PacketReader {
  frames = 0;
  units = 0;
  private readonly tcp = new Map<string, Stream>();
  private readonly udp = new Map<string, Stream>();
  private readonly dns = new Map<string, string>();
  private readonly quic = new Set<string>();
  private cutWarned = 0;
  private streamsEvicted = false;

  constructor(
    private readonly maxField: number,
    readonly warnings: string[],
  ) {}

  summary(version: string): PcapSummary {
    let tlsStreams = this.tlsCount;
    let undecrypted = this.undecryptedEvicted;
    for (const s of this.tcp.values()) {
      if (s.tls) tlsStreams++;
      if (s.appData && !s.decrypted) undecrypted++;
    }
    if (this.streamsEvicted) this.warnings.push(`more than ${MAX_STREAMS} TCP or UDP streams: the oldest were forgotten (a direction may have been guessed)`);
    return {
      frames: this.frames,
      units: this.units,
      tlsStreams,
      undecryptedStreams: undecrypted,
      quicStreams: this.quic.size,
      tsharkVersion: version,
      warnings: this.warnings,
    };
  }

  private tlsCount = 0;
  private undecryptedEvicted = 0;

  private stream(map: Map<string, Stream>, id: string): Stream {
    let s = map.get(id);
    if (!s) {
      if (map.size >= MAX_STREAMS) {
        const oldest = map.keys().next().value as string;
        const o = map.get(oldest)!;
        if (map === this.tcp) {
          if (o.tls) this.tlsCount++;
          if (o.appData && !o.decrypted) this.undecryptedEvicted++;
        }
        map.delete(oldest);
        this.streamsEvicted = true;
      }
      s = {};
      map.set(id, s);
    }
    return s;
  }

  private cut(bytes: Uint8Array, what: string, frame: string): Uint8Array {
    if (bytes.length <= this.maxField) return bytes;
    this.noteCut(what, frame, bytes.length);
    return bytes.subarray(0, this.maxField);
  }

  private noteCut(what: string, frame: string, size: number): void {
    if (this.cutWarned++ < 20)
      this.warnings.push(`frame ${frame}: ${what} of ${size} bytes cut to the first ${this.maxField} (only those are searched)`);
  }

  private text(s: string, what: string, frame: string): string {
    if (s.length <= this.maxField) return s;
    this.noteCut(what, frame, s.length);
    return s.slice(0, this.maxField);
  }

  packet(l: Layers): CaptureUnit[] {
    this.frames++;
    const frame = first(l, 'frame_number') ?? String(this.frames);
    for (const size of all(l, 'privacyaudit_cut')) this.noteCut('a body or payload', frame, Number(size));
    const protocols = (first(l, 'frame_protocols') ?? '').split(':');
    const time = isoTime(first(l, 'frame_time_epoch'));
    const src = first(l, 'ip_src') ?? first(l, 'ipv6_src');
    const dst = first(l, 'ip_dst') ?? first(l, 'ipv6_dst');
    if (!src || !dst) return [];
    const tcpIx = protocols.indexOf('tcp');
    const udpIx = protocols.indexOf('udp');
    // An ICMP error quotes the start of the packet it is about: not a packet of that stream.
    const icmpIx = protocols.findIndex((p) => p === 'icmp' || p === 'icmpv6');
    if (icmpIx >= 0 && (icmpIx < tcpIx || icmpIx < udpIx || (tcpIx < 0 && udpIx < 0))) return [];
    if (tcpIx >= 0) return this.tcpPacket(l, frame, time, protocols.slice(tcpIx + 1), src, dst);
    if (udpIx >= 0) return this.udpPacket(l, frame, time, protocols.slice(udpIx + 1), src, dst);
    return [];
  }

  /** Sets the stream's client and server from this packet, if not known yet. */
  private orient(s: Stream, from: Endpoint, to: Endpoint, fromIsClient: boolean | undefined): void {
    if (s.client) return;
    if (fromIsClient === undefined) {
      // No SYN, ClientHello, request or query seen: the side on the well-known (lower) port is the server.
      fromIsClient = from.port > to.port || (from.port === to.port && from.address > to.address);
      if (from.port >= 1024 && to.port >= 1024 && from.port < to.port) fromIsClient = false;
    }
    s.client = fromIsClient ? from : to;
    s.server = fromIsClient ? to : from;
  }

  private isFromClient(s: Stream, from: Endpoint): boolean {
    return s.client!.address === from.address && s.client!.port === from.port;
  }

  private tcpPacket(l: Layers, frame: string, time: string | undefined, app: string[], src: string, dst: string): CaptureUnit[] {
    const id = first(l, 'tcp_stream') ?? `${src}|${dst}`;
    const s = this.stream(this.tcp, id);
    const from = { address: src, port: Number(first(l, 'tcp_srcport')) };
    const to = { address: dst, port: Number(first(l, 'tcp_dstport')) };
    const syn = first(l, 'tcp_flags_syn') === '1' || first(l, 'tcp_flags_syn') === 'True';
    const ack = first(l, 'tcp_flags_ack') === '1' || first(l, 'tcp_flags_ack') === 'True';
    const hsTypes = all(l, 'tls_handshake_type');
    const clientHello = hsTypes.includes('1');
    let hint: boolean | undefined;
    if (syn) hint = !ack;
    else if (clientHello || first(l, 'http_request_method')) hint = true;
    else if (hsTypes.includes('2') || first(l, 'http_response_code')) hint = false;
    this.orient(s, from, to, hint);
    const fromClient = this.isFromClient(s, from);
    const tlsIx = app.indexOf('tls');
    const inner = tlsIx >= 0 ? app.slice(tlsIx + 1).filter((p) => p !== 'tls' && !CERT_PROTOCOLS.test(p)) : [];
    const units: CaptureUnit[] = [];
    const base = (protocol: string, tls: boolean): CaptureUnit => ({
      locator: `frame=${frame}`,
      ...(time ? { time } : {}),
      address: s.server!.address,
      port: s.server!.port,
      protocol,
      tls,
      request: [],
      response: [],
    });

    if (tlsIx >= 0) {
      s.tls = true;
      s.kind ??= 'tls';
      if (all(l, 'tls_record_opaque_type').includes('23') || all(l, 'tls_record_content_type').includes('23')) s.appData = true;
      if (inner.length) s.decrypted = true;
      const sni = first(l, 'tls_handshake_extensions_server_name');
      if (clientHello && sni) {
        s.sni = sni.toLowerCase();
        const u = base('tls', false);
        u.host = s.sni;
        u.request.push({ where: 'sni', text: sni });
        units.push(u);
      }
    }
    const tls = tlsIx >= 0 && inner.length > 0;

    if (app.includes('http') || app.includes('http2') || app.includes('websocket')) s.kind = 'http';
    if (app.includes('http')) {
      const u = this.http1(l, frame, s, fromClient, base(`http/1.1`, tls));
      if (u) units.push(u);
    }
    if (app.includes('http2')) {
      const u = this.http2(l, frame, s, fromClient, base('h2', tls));
      if (u) units.push(u);
    }
    if (app.includes('websocket')) {
      const u = base('websocket', tls);
      u.host = s.httpHost ?? this.hostFor(s);
      const side = fromClient ? u.request : u.response;
      // permessage-deflate (RSV1): tshark's inflating is off with Lua, so the bytes are raw deflate (RFC 7692)
      const payloads = all(l, 'privacyaudit_ws');
      const rsv = all(l, 'websocket_rsv').map((v) => (Number(v) & 4) !== 0);
      payloads.forEach((hex, i) => {
        const deflated = rsv.length === payloads.length ? rsv[i] : rsv.some(Boolean);
        side.push({ where: 'websocket', name: fromClient ? 'sent' : 'received', bytes: this.cut(hexBytes(hex), 'WebSocket message', frame), ...(deflated ? { contentEncoding: 'deflate' } : {}) });
      });
      for (const t of all(l, 'websocket_payload_text')) side.push({ where: 'websocket', name: fromClient ? 'sent' : 'received', text: this.text(t, 'WebSocket message', frame) });
      if (side.length) units.push(u);
    }
    if (app.some((p) => DNS_PROTOCOLS.has(p))) units.push(...this.dnsPacket(l, frame, time, s, fromClient));

    // Raw payloads: bytes no dissector we read took.
    const len = Number(first(l, 'tcp_len') ?? 0);
    const handled = units.length > 0 || app.some((p) => p === 'http' || p === 'http2' || p === 'websocket' || DNS_PROTOCOLS.has(p));
    if (tls && !handled && inner.includes('data')) {
      // decrypted TLS carrying a protocol tshark does not know
      const u = base('tls', true);
      u.host = this.hostFor(s);
      const side = fromClient ? u.request : u.response;
      for (const hex of all(l, 'data_data')) side.push({ where: 'payload', bytes: this.cut(hexBytes(hex), 'payload', frame) });
      if (side.length) units.push(u);
    } else if (tlsIx < 0 && !handled && len > 0) {
      const payload = first(l, 'privacyaudit_raw') ?? first(l, 'tcp_payload');
      if (payload) {
        const bytes = hexBytes(payload);
        if (app.length === 0 && s.kind === undefined) {
          // a bare segment: the start of a message tshark reassembles later (HTTP, TLS), or an unfinished one
          const head = Buffer.from(bytes.subarray(0, 16)).toString('latin1');
          if (HTTP_START.test(head)) s.kind = 'http';
          else if (bytes[0] === 0x16 && bytes[1] === 0x03) s.kind = 'tls';
        }
        if (s.kind === undefined) {
          const u = base(app.find((p) => p !== 'data') ?? 'tcp', false);
          u.host = this.hostFor(s);
          (fromClient ? u.request : u.response).push({ where: 'payload', bytes: this.cut(bytes, 'payload', frame) });
          units.push(u);
        }
      }
    }
    this.units += units.length;
    return units;
  }

  private hostFor(s: Stream): string | undefined {
    return s.sni ?? (s.server ? this.dns.get(s.server.address) : undefined);
  }

  private http1(l: Layers, frame: string, s: Stream, fromClient: boolean, u: CaptureUnit): CaptureUnit | undefined {
    const bodies: Part[] = [];
    const contentType = first(l, 'http_content_type');
    const encoding = first(l, 'http_content_encoding');
    for (const hex of all(l, 'privacyaudit_body')) {
      const bytes = hexBytes(hex);
      const enc = stillCompressed(bytes, encoding);
      bodies.push({ where: 'body', bytes, ...(enc ? { contentEncoding: enc } : {}), ...(contentType ? { contentType } : {}) });
    }
    for (const t of all(l, 'http_file_data')) if (t) bodies.push({ where: 'body', text: this.text(t, 'HTTP body', frame), ...(contentType ? { contentType } : {}) });

    if (fromClient) {
      const method = first(l, 'http_request_method');
      if (!method) return undefined; // a continuation tshark shows as HTTP
      u.method = method;
      const target = first(l, 'http_request_uri') ?? '';
      const version = first(l, 'http_request_version');
      if (version) u.protocol = version.toLowerCase();
      const headers = headerLines(all(l, 'http_request_line'));
      const host = headers.find(([n]) => n.toLowerCase() === 'host')?.[1];
      u.host = hostOnly(host) ?? this.hostFor(s);
      s.httpHost = u.host;
      u.request.push({ where: 'url', text: this.text(target, 'request target', frame) }, ...queryParts(target));
      for (const [name, value] of headers) {
        u.request.push({ where: 'header', name, text: this.text(value, `header ${name}`, frame) });
        if (name.toLowerCase() === 'cookie') u.request.push(...cookieParts(value));
      }
      u.request.push(...bodies);
      return u;
    }
    const code = first(l, 'http_response_code');
    if (!code) return undefined;
    const version = first(l, 'http_response_version');
    if (version) u.protocol = version.toLowerCase();
    u.host = s.httpHost ?? this.hostFor(s);
    const phrase = first(l, 'http_response_phrase');
    u.response.push({ where: 'header', name: ':status', text: phrase ? `${code} ${phrase}` : code });
    for (const [name, value] of headerLines(all(l, 'http_response_line'))) u.response.push({ where: 'header', name, text: this.text(value, `header ${name}`, frame) });
    u.response.push(...bodies);
    return u;
  }

  private http2(l: Layers, frame: string, s: Stream, fromClient: boolean, u: CaptureUnit): CaptureUnit | undefined {
    const side = fromClient ? u.request : u.response;
    const dir = fromClient ? 'c' : 's';
    const names = all(l, 'http2_header_name');
    const values = all(l, 'http2_header_value');
    const types = all(l, 'http2_type');
    const ids = all(l, 'http2_streamid');
    s.h2enc ??= new Map();
    s.h2type ??= new Map();
    s.h2frags ??= new Map();
    // The stream a HEADERS frame belongs to: types and ids are listed per HTTP/2 frame.
    const headerStream = ids[types.findIndex((t) => t === '1')];
    for (let i = 0; i < names.length; i++) {
      const name = names[i] ?? '';
      const value = values[i] ?? '';
      side.push({ where: 'header', name, text: this.text(value, `header ${name}`, frame) });
      const lower = name.toLowerCase();
      if (lower === ':authority' || (lower === 'host' && !u.host)) u.host = hostOnly(value);
      else if (lower === ':path') side.push({ where: 'url', text: value }, ...queryParts(value));
      else if (lower === ':method' && fromClient) u.method = value;
      else if (lower === 'cookie') side.push(...cookieParts(value));
      else if (lower === 'content-encoding' && headerStream) s.h2enc.set(`${dir}/${headerStream}`, value);
      else if (lower === 'content-type' && headerStream) s.h2type.set(`${dir}/${headerStream}`, value);
    }
    if (fromClient && u.host) s.httpHost = u.host;
    u.host ??= s.httpHost ?? this.hostFor(s);
    const dataIds = ids.filter((_, i) => types[i] === '0');
    const lengths = all(l, 'http2_length');
    const dataLengths = lengths.length === types.length ? lengths.filter((_, i) => types[i] === '0') : [];
    const data = all(l, 'http2_data_data');
    for (let i = 0; i < data.length; i++) {
      const key = `${dir}/${dataIds[i] ?? ''}`;
      const fragments = s.h2frags.get(key) ?? 0;
      // An empty DATA frame that ends a stream shows the body reassembled from the frames before: a repeat
      // when there was one, the whole body (worth reading: a value may straddle two frames) when there were more.
      if (data.length === dataLengths.length && dataLengths[i] === '0') {
        if (fragments < 2) continue;
      } else s.h2frags.set(key, fragments + 1);
      const bytes = this.cut(hexBytes(data[i] ?? ''), 'HTTP/2 DATA', frame);
      if (!bytes.length) continue;
      const enc = stillCompressed(bytes, s.h2enc.get(key));
      const contentType = s.h2type.get(key);
      side.push({ where: 'body', bytes, ...(enc ? { contentEncoding: enc } : {}), ...(contentType ? { contentType } : {}) });
    }
    return side.length ? u : undefined;
  }

  private dnsPacket(l: Layers, frame: string, time: string | undefined, s: Stream, fromClient: boolean): CaptureUnit[] {
    const isResponse = first(l, 'dns_flags_response') === '1' || first(l, 'dns_flags_response') === 'True';
    const names = all(l, 'dns_qry_name');
    if (isResponse) {
      const name = names[0]?.toLowerCase();
      if (name)
        for (const a of [...all(l, 'dns_a'), ...all(l, 'dns_aaaa')]) {
          if (this.dns.size >= MAX_DNS && !this.dns.has(a)) this.dns.delete(this.dns.keys().next().value as string);
          this.dns.set(a, name);
        }
      return [];
    }
    const qname = names[0];
    if (qname === undefined || !fromClient) return [];
    return [
      {
        locator: `frame=${frame}`,
        ...(time ? { time } : {}),
        host: qname.toLowerCase(),
        address: s.server!.address,
        port: s.server!.port,
        protocol: 'dns',
        tls: false,
        request: names.map((n) => ({ where: 'dns' as const, text: n })),
        response: [],
      },
    ];
  }

  private udpPacket(l: Layers, frame: string, time: string | undefined, app: string[], src: string, dst: string): CaptureUnit[] {
    const id = first(l, 'udp_stream') ?? `${src}|${dst}`;
    const s = this.stream(this.udp, id);
    const from = { address: src, port: Number(first(l, 'udp_srcport')) };
    const to = { address: dst, port: Number(first(l, 'udp_dstport')) };
    const isDns = app.some((p) => DNS_PROTOCOLS.has(p));
    let hint: boolean | undefined;
    if (isDns) hint = !(first(l, 'dns_flags_response') === '1' || first(l, 'dns_flags_response') === 'True');
    else if (!s.client && !(from.port < 1024 && to.port >= 1024)) hint = true; // the first sender is the client
    this.orient(s, from, to, hint);
    const fromClient = this.isFromClient(s, from);
    let units: CaptureUnit[] = [];
    if (isDns) units = this.dnsPacket(l, frame, time, s, fromClient);
    else if (app.includes('quic') || app.includes('gquic')) this.quic.add(id);
    else if (!app.includes('dtls')) {
      const payload = first(l, 'privacyaudit_raw') ?? first(l, 'udp_payload');
      if (payload) {
        const u: CaptureUnit = {
          locator: `frame=${frame}`,
          ...(time ? { time } : {}),
          host: this.hostFor(s),
          address: s.server!.address,
          port: s.server!.port,
          protocol: app.find((p) => p !== 'data') ?? 'udp',
          tls: false,
          request: [],
          response: [],
        };
        if (!u.host) delete u.host;
        (fromClient ? u.request : u.response).push({ where: 'payload', bytes: this.cut(hexBytes(payload), 'payload', frame) });
        units.push(u);
      }
    }
    this.units += units.length;
    return units;
  }
}
