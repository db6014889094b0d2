/**
 * One HAR entry (parsed JSON, trusted in nothing) → a `CaptureUnit`.
 *
 * Producers and their quirks:
 * - mitmproxy (`save.har`, `hardump`): bodies through `get_text(strict=False)`,
 *   so bytes that are not text arrive as lone surrogates `\udc80`–`\udcff`
 *   (Python's surrogateescape) or as latin-1 characters; both are turned
 *   back into the bytes (`Part.bytes`, next to the text as written).
 *   Response bodies that are mostly binary are base64 (`content.encoding`).
 * - HTTP Toolkit: a request body that is not UTF-8 in `request._content`
 *   (base64); a body it dropped is flagged in `_requestBodyStatus` and said
 *   in a warning ("nothing found" is then not "nothing sent").
 * - Charles: `null` where a string, list or object is expected.
 * - Chrome DevTools: HTTP/2 pseudo-headers (`:authority` …),
 *   `_webSocketMessages` ({type: send|receive, opcode, data}), `_resourceType`,
 *   `serverIPAddress` in brackets (`[::1]`), `connection` as an id.
 * - Firefox DevTools: `postData.params`, base64 `content.encoding`,
 *   `connection` as the port.
 * A malformed entry never throws: the unit holds what could be read, and the
 * problems are returned as warnings.
 */
import type { CaptureUnit, Part } from '../types';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A header, cookie or parameter value: strings as they are, numbers and booleans written out. */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

interface NameValue {
  name: string;
  value: string;
}

function nameValues(v: unknown): NameValue[] {
  const out: NameValue[] = [];
  for (const item of list(v)) {
    const o = obj(item);
    if (!o) continue;
    const name = scalar(o.name) ?? '';
    const value = scalar(o.value);
    if (value === undefined && !name) continue;
    out.push({ name, value: value ?? '' });
  }
  return out;
}

/** `HTTP/2.0`, `h2`, `http/2` → `h2`; `HTTP/1.1` → `http/1.1`; `h3`, `h3-29`, `HTTP/3` → `h3`. */
export function normalizeProtocol(v: unknown): string | undefined {
  const s = str(v)?.trim().toLowerCase();
  if (!s || s === 'unknown') return undefined;
  if (/^(http\/2(\.0)?|h2c?|http2)$/.test(s)) return 'h2';
  if (/^(http\/3(\.0)?|h3(-\d+)?|http3|quic)$/.test(s)) return 'h3';
  const m = /^http\/(1\.[01]|0\.9)$/.exec(s);
  if (m) return `http/${m[1]}`;
  return /^[a-z0-9][a-z0-9./_-]{0,19}$/.test(s) ? s : undefined;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Base64 (or base64url) text to bytes; undefined when it is not base64. */
function fromBase64(text: string): Uint8Array | undefined {
  const t = text.replace(/[\r\n\t ]+/g, '');
  if (!BASE64.test(t)) return undefined;
  return new Uint8Array(Buffer.from(t, /[-_]/.test(t) ? 'base64url' : 'base64'));
}

/**
 * The bytes behind a text that is a byte string in disguise: lone surrogates
 * U+DC80–U+DCFF (surrogateescape) stand for the bytes 0x80–0xFF, the rest is
 * UTF-8; or, with no surrogate escape, only characters up to U+00FF with
 * control characters among them (latin-1). Undefined for ordinary text.
 */
export function recoverBytes(text: string): Uint8Array | undefined {
  let escapes = false;
  let latin1 = true;
  let controls = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff) {
      const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
      if (!(prev >= 0xd800 && prev <= 0xdbff)) escapes = true;
    }
    if (c > 0xff) latin1 = false;
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) controls = true;
  }
  if (escapes) {
    const out: number[] = [];
    let run = '';
    const flush = () => {
      if (run) for (const b of Buffer.from(run, 'utf8')) out.push(b);
      run = '';
    };
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
      if (c >= 0xdc80 && c <= 0xdcff && !(prev >= 0xd800 && prev <= 0xdbff)) {
        flush();
        out.push(c - 0xdc00);
      } else run += text[i];
    }
    flush();
    return new Uint8Array(out);
  }
  if (latin1 && controls) return new Uint8Array(Buffer.from(text, 'latin1'));
  return undefined;
}

function header(headers: NameValue[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]!.name.toLowerCase() === lower) return headers[i]!.value;
  return undefined;
}

/**
 * A body part from the text a producer wrote and its encoding. A compressed body
 * can only be bytes, so `contentEncoding` is kept only when there are bytes.
 */
function body(where: 'body', text: string, encoding: string | undefined, contentType: string | undefined, contentEncoding: string | undefined, warn: (m: string) => void, what: string): Part {
  const part: Part = { where };
  if (encoding && encoding.toLowerCase() === 'base64') {
    const bytes = fromBase64(text);
    if (bytes) part.bytes = bytes;
    else {
      warn(`${what} says base64 but is not: read as text`);
      part.text = text;
    }
  } else {
    if (encoding) warn(`${what} has an unknown encoding "${encoding.slice(0, 40)}": read as text`);
    part.text = text;
    const bytes = recoverBytes(text);
    if (bytes) part.bytes = bytes;
  }
  if (part.bytes) {
    const ce = contentEncoding?.trim().toLowerCase();
    if (ce && ce !== 'identity') part.contentEncoding = ce;
  }
  if (contentType) part.contentType = contentType;
  return part;
}

/** `a=1; b=2` → cookies. */
function parseCookieHeader(v: string): NameValue[] {
  const out: NameValue[] = [];
  for (const piece of v.split(';')) {
    const eq = piece.indexOf('=');
    const name = (eq < 0 ? '' : piece.slice(0, eq)).trim();
    const value = (eq < 0 ? piece : piece.slice(eq + 1)).trim();
    if (name || value) out.push({ name, value });
  }
  return out;
}

function hostOf(authority: string): string | undefined {
  const a = authority.trim().toLowerCase();
  if (!a) return undefined;
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return end > 0 ? a.slice(1, end) : undefined;
  }
  const colon = a.lastIndexOf(':');
  return colon > 0 && a.indexOf(':') === colon ? a.slice(0, colon) : a;
}

function portOf(authority: string): number | undefined {
  const m = /:(\d{1,5})$/.exec(authority.trim());
  return m ? validPort(Number(m[1])) : undefined;
}

function validPort(n: number): number | undefined {
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** Converts `entry` (the `index`-th of `log.entries`, 1-based) into a unit; never throws. */
export function entryToUnit(entry: unknown, index: number): { unit: CaptureUnit; warnings: string[] } {
  const locator = `entry=${index}`;
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(`${locator}: ${m}`);
  const unit: CaptureUnit = { locator, request: [], response: [] };
  const e = obj(entry);
  if (!e) {
    warn(`not an object (${entry === null ? 'null' : Array.isArray(entry) ? 'a list' : typeof entry})`);
    return { unit, warnings };
  }
  const req = obj(e.request);
  const res = obj(e.response);
  if (!req) warn('no request');
  const time = str(e.startedDateTime);
  if (time) unit.time = time;

  // --- the request
  const r = req ?? {};
  const url = str(r.url);
  const method = str(r.method);
  if (method) unit.method = method;
  const headers = nameValues(r.headers);
  let parsed: URL | undefined;
  if (url !== undefined) {
    unit.request.push({ where: 'url', text: url });
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
  }
  const queryItems = nameValues(r.queryString);
  if (queryItems.length) {
    for (const q of queryItems) unit.request.push({ where: 'query', name: q.name, text: q.value });
  } else if (url !== undefined) {
    const qi = url.indexOf('?');
    if (qi >= 0) {
      const hash = url.indexOf('#', qi);
      const search = url.slice(qi + 1, hash < 0 ? undefined : hash);
      for (const [name, value] of new URLSearchParams(search)) unit.request.push({ where: 'query', name, text: value });
    }
  }
  for (const h of headers) unit.request.push({ where: 'header', name: h.name, text: h.value });
  let cookies = nameValues(r.cookies);
  if (!cookies.length) {
    for (const h of headers) if (h.name.toLowerCase() === 'cookie') cookies = cookies.concat(parseCookieHeader(h.value));
  }
  for (const c of cookies) unit.request.push({ where: 'cookie', name: c.name, text: c.value });

  const reqContentEncoding = header(headers, 'content-encoding');
  const reqContentType = header(headers, 'content-type');
  const post = obj(r.postData);
  let hasBody = false;
  if (post) {
    const text = str(post.text);
    const mime = str(post.mimeType) || reqContentType;
    const enc = str(post.encoding) ?? str(post._encoding);
    if (text !== undefined && text !== '') {
      unit.request.push(body('body', text, enc, mime, reqContentEncoding, warn, 'the request body'));
      hasBody = true;
    } else {
      for (const p of nameValues(post.params)) {
        unit.request.push({ where: 'body', name: p.name, text: p.value, ...(mime ? { contentType: mime } : {}) });
        hasBody = true;
      }
    }
  }
  // HTTP Toolkit: a body that is not UTF-8, as base64 beside the request
  const htkContent = obj(r._content);
  if (!hasBody && htkContent) {
    const text = str(htkContent.text);
    if (text) {
      unit.request.push(body('body', text, str(htkContent.encoding), reqContentType, reqContentEncoding, warn, 'the request body (_content)'));
      hasBody = true;
    }
  }
  const status = str(r._requestBodyStatus);
  if (status && status.startsWith('discarded') && !hasBody) warn(`the request body was not saved in the HAR (${status.slice(0, 60)}): it was not searched`);
  else if (!hasBody && typeof r.bodySize === 'number' && r.bodySize > 0) warn(`the request had a body of ${r.bodySize} bytes that is not in the HAR: it was not searched`);

  // --- the response
  if (res) {
    for (const h of nameValues(res.headers)) unit.response.push({ where: 'header', name: h.name, text: h.value });
    for (const c of nameValues(res.cookies)) unit.response.push({ where: 'cookie', name: c.name, text: c.value });
    const content = obj(res.content);
    const text = content ? str(content.text) : undefined;
    if (content && text) {
      unit.response.push(body('body', text, str(content.encoding), str(content.mimeType) || undefined, undefined, warn, 'the response body'));
    }
  }

  // --- WebSocket messages (Chrome, mitmproxy, HTTP Toolkit)
  const messages = list(e._webSocketMessages);
  for (const m of messages) {
    const o = obj(m);
    if (!o) continue;
    const type = str(o.type);
    const data = str(o.data);
    if (data === undefined || (type !== 'send' && type !== 'receive')) continue;
    const part: Part = { where: 'websocket', name: type };
    if (o.opcode === 2) {
      const bytes = fromBase64(data);
      if (bytes) part.bytes = bytes;
      else part.text = data;
    } else {
      part.text = data;
    }
    (type === 'send' ? unit.request : unit.response).push(part);
  }

  // --- the endpoint
  const authority = header(headers, ':authority') ?? header(headers, 'host');
  if (parsed && parsed.hostname) {
    unit.host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  } else if (authority) {
    const h = hostOf(authority);
    if (h) unit.host = h;
  }
  const ip = str(e.serverIPAddress)?.trim().replace(/^\[(.*)\]$/, '$1');
  if (ip) {
    if (/^[0-9A-Fa-f:.]+(%[\w.-]+)?$/.test(ip) && /[.:]/.test(ip)) unit.address = ip;
    else warn(`serverIPAddress "${ip.slice(0, 60)}" is not an IP address`);
  }
  if (parsed && DEFAULT_PORT[parsed.protocol] !== undefined) {
    unit.port = parsed.port ? Number(parsed.port) : DEFAULT_PORT[parsed.protocol];
    unit.tls = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
  } else {
    const fromAuthority = authority ? portOf(authority) : undefined;
    const conn = str(e.connection) ?? scalar(e.connection);
    const port = fromAuthority ?? (conn && /^\d{1,5}$/.test(conn) ? validPort(Number(conn)) : undefined);
    if (port !== undefined) unit.port = port;
    const scheme = header(headers, ':scheme');
    if (scheme) unit.tls = scheme.toLowerCase() === 'https' || scheme.toLowerCase() === 'wss';
    if (url !== undefined && !parsed) warn(`the URL "${url.slice(0, 80)}" could not be parsed`);
  }
  const isWebSocket = e._resourceType === 'websocket' || Array.isArray(e._webSocketMessages) || parsed?.protocol === 'ws:' || parsed?.protocol === 'wss:';
  const protocol = isWebSocket ? 'websocket' : (normalizeProtocol(r.httpVersion) ?? normalizeProtocol(res?.httpVersion));
  if (protocol) unit.protocol = protocol;
  return { unit, warnings };
}
