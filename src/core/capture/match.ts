/**
 * The matcher: finds a report's canaries in one capture unit (a HAR entry, a
 * pcap frame), in every form of spec §7, and says how each was encoded.
 *
 * Each part of a request (the URL, a query parameter, a header, the body …)
 * is a layer of bytes. A layer is searched for every normal form of every
 * canary and for the hashes of those forms; then it is decoded in every way
 * that could hide a canary — percent-decoding, base64 and base64url at every
 * alignment, hex, gzip/deflate/brotli, JSON strings, form fields, JWT
 * payloads — and each result is a new layer, searched the same way, up to a
 * depth and a byte budget. The path from the part to the layer where a form
 * was found is the match's transform chain, outermost first.
 *
 * A number found only inside a longer run of digits is no match. Response
 * parts are searched too, but what is found there is reported with
 * `direction: 'response'`, never as something the device sent.
 */

import { brotliDecompressSync, constants as zlib, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { formsOf, type Form } from './forms';
import { caseVariants, digest, HASHES, type HashName } from './needles';
import type { Canary, CaptureUnit, Part, Where } from './types';

export interface UnitMatch {
  canary: number;
  direction: 'request' | 'response';
  where: Where;
  /** The header, cookie or query parameter (the part's name; `send`/`receive` for WebSocket messages). */
  name?: string;
  /** The JSON or form field inside it that held the value (the innermost one). */
  field?: string;
  /** Outermost first; `['plain']` when found as written. */
  transforms: string[];
  /** The normal form that matched (`as written`, `E.164` …). */
  form: string;
}

export interface MatchLimits {
  /** Decoding depth (a chain longer than this is not followed). */
  depth: number;
  /** Bytes decoded per unit, all layers together. */
  unitBytes: number;
  /** Bytes one decompression may produce (a bigger body is searched up to here). */
  inflateBytes: number;
  /** Layers decoded per unit. */
  layers: number;
}

export const DEFAULT_LIMITS: MatchLimits = { depth: 6, unitBytes: 64 << 20, inflateBytes: 16 << 20, layers: 20_000 };

interface Target {
  canary: number;
  form: string;
  needle: Buffer;
  /** Search the lower-cased layer. */
  caseless: boolean;
  /** Characters that may not touch the needle on either side. */
  boundary: 'digits' | 'hex' | 'base64' | 'none';
  /** Appended to the chain: a hash name. */
  suffix?: HashName;
}

const isDigit = (b: number | undefined) => b !== undefined && b >= 48 && b <= 57;
const isHex = (b: number | undefined) => b !== undefined && (isDigit(b) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70));
const isB64 = (b: number | undefined) => b !== undefined && (isDigit(b) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 43 || b === 47 || b === 45 || b === 95);

function lowerAscii(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  for (let i = 0; i < out.length; i++) {
    const b = out[i]!;
    if (b >= 65 && b <= 90) out[i] = b + 32;
  }
  return out;
}

function percentDecode(s: string, plusIsSpace: boolean): Buffer {
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length + 0 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out[n++] = parseInt(s.slice(i + 1, i + 3), 16);
      i += 2;
    } else if (c === 43 && plusIsSpace) out[n++] = 32;
    else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

export class Matcher {
  readonly forms: Form[][];
  private readonly targets: Target[] = [];
  private readonly anyCaseless: boolean;

  constructor(
    readonly canaries: readonly Canary[],
    private readonly limits: MatchLimits = DEFAULT_LIMITS,
  ) {
    this.forms = canaries.map((c) => formsOf(c));
    this.forms.forEach((forms, canary) => {
      for (const f of forms) {
        const digitEdge = /^\d|\d$/.test(f.text);
        this.targets.push({ canary, form: f.form, needle: Buffer.from(f.caseless ? f.text.toLowerCase() : f.text, 'utf8'), caseless: !!f.caseless, boundary: digitEdge ? 'digits' : 'none' });
      }
    });
    // hashes after the values: a place that shows the value itself reports it as such first
    this.forms.forEach((forms, canary) => {
      for (const f of forms) {
        if (f.textOnly) continue;
        for (const text of caseVariants(f)) {
          for (const h of HASHES) {
            const d = digest(h, text);
            const form = text === f.text ? f.form : `${f.form}, ${text === text.toLowerCase() ? 'lower' : 'upper'} case`;
            this.targets.push({ canary, form, needle: Buffer.from(d.toString('hex')), caseless: true, boundary: 'hex', suffix: h });
            this.targets.push({ canary, form, needle: Buffer.from(d.toString('base64').replace(/=+$/, '')), caseless: false, boundary: 'base64', suffix: h });
            this.targets.push({ canary, form, needle: Buffer.from(d.toString('base64url')), caseless: false, boundary: 'base64', suffix: h });
          }
        }
      }
    });
    this.anyCaseless = this.targets.some((t) => t.caseless);
  }

  /** Every canary found in one unit, request side first, without duplicates. */
  matchUnit(unit: CaptureUnit): { matches: UnitMatch[]; warnings: string[] } {
    const state: State = { bytes: 0, layers: 0, warnings: new Set(), found: new Map() };
    for (const part of unit.request) this.part(part, 'request', state);
    for (const part of unit.response) this.part(part, 'response', state);
    return { matches: prune([...state.found.values()]), warnings: [...state.warnings] };
  }

  private part(part: Part, direction: 'request' | 'response', state: State): void {
    const raw = part.bytes ? Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength) : part.text !== undefined ? Buffer.from(part.text, 'utf8') : undefined;
    if (!raw || raw.length === 0) return;
    const ctx: Ctx = { direction, where: part.where, name: part.name, state };
    // a body, or a WebSocket message under permessage-deflate, as sent
    const enc = part.where === 'body' || part.where === 'websocket' ? part.contentEncoding?.toLowerCase().trim() : undefined;
    if (enc && enc !== 'identity') {
      // the body as sent is compressed: its decoded form is the layer that matters
      const decoded = this.inflate(raw, enc, state);
      if (decoded) {
        this.layer(decoded.bytes, [decoded.kind], 1, ctx, undefined);
        return;
      }
    }
    this.layer(raw, [], 0, ctx, undefined);
  }

  private inflate(buf: Buffer, encoding: string, state: State): { bytes: Buffer; kind: string } | undefined {
    const opts = { maxOutputLength: this.limits.inflateBytes };
    const tries: [string, () => Buffer][] = [];
    if (encoding.includes('br')) tries.push(['brotli', () => brotliDecompressSync(buf, opts)]);
    if (encoding.includes('gzip')) tries.push(['gzip', () => gunzipSync(buf, opts)]);
    // raw deflate may end without a final block (WebSocket permessage-deflate): flush what is there
    if (encoding.includes('deflate')) tries.push(['deflate', () => inflateSync(buf, opts)], ['deflate', () => inflateRawSync(buf, { ...opts, finishFlush: zlib.Z_SYNC_FLUSH })]);
    for (const [kind, run] of tries) {
      try {
        return { bytes: run(), kind };
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
          state.warnings.add(`a ${kind} body inflates past ${this.limits.inflateBytes >> 20} MiB: only its start was searched`);
          return undefined;
        }
      }
    }
    return undefined;
  }

  private search(layer: Buffer, chain: string[], ctx: Ctx, field: string | undefined, skip?: ReadonlySet<number>): void {
    const lower = this.anyCaseless ? lowerAscii(layer) : layer;
    // a digest needs a run of its alphabet as long as the shortest digest (md5: 32 hex, 22 base64)
    const text = layer.length >= 22 ? layer.toString('latin1') : '';
    const hexRun = /[0-9a-fA-F]{32}/.test(text);
    const b64Run = /[A-Za-z0-9+/_-]{22}/.test(text);
    for (const t of this.targets) {
      if (skip?.has(t.canary)) continue;
      if (t.boundary === 'hex' ? !hexRun : t.boundary === 'base64' && !b64Run) continue;
      const hay = t.caseless ? lower : layer;
      let at = hay.indexOf(t.needle);
      while (at >= 0) {
        const before = at > 0 ? hay[at - 1] : undefined;
        const after = hay[at + t.needle.length];
        const ok =
          t.boundary === 'digits'
            ? !(isDigit(t.needle[0]) && isDigit(before)) && !(isDigit(t.needle[t.needle.length - 1]) && isDigit(after))
            : t.boundary === 'hex'
              ? !isHex(before) && !isHex(after)
              : t.boundary === 'base64'
                ? !isB64(before) && !isB64(after)
                : true;
        if (ok) {
          const transforms = [...chain, ...(t.suffix ? [t.suffix] : [])];
          const m: UnitMatch = { canary: t.canary, direction: ctx.direction, where: ctx.where, transforms: transforms.length ? transforms : ['plain'], form: t.form };
          if (ctx.name !== undefined) m.name = ctx.name;
          if (field !== undefined) m.field = field;
          const key = `${m.canary}|${m.direction}|${m.where}|${m.name ?? ''}|${m.field ?? ''}|${m.transforms.join('>')}`;
          if (!ctx.state.found.has(key)) ctx.state.found.set(key, m);
          break;
        }
        at = hay.indexOf(t.needle, at + 1);
      }
    }
  }

  private layer(buf: Buffer, chain: string[], depth: number, ctx: Ctx, field: string | undefined): void {
    const { state } = ctx;
    if (state.layers >= this.limits.layers || state.bytes + buf.length > this.limits.unitBytes) {
      state.warnings.add('decoding budget of one entry reached: some nested encodings were not searched');
      return;
    }
    state.layers++;
    state.bytes += buf.length;
    const next = (bytes: Buffer, kind: string) => {
      if (bytes.length >= 6 && !bytes.equals(buf)) this.layer(bytes, [...chain, kind], depth + 1, ctx, field);
    };
    const deeper = depth < this.limits.depth;
    // compressed bytes: what they hold is the layer that matters
    if (deeper && buf[0] === 0x1f && buf[1] === 0x8b) {
      const d = this.inflate(buf, 'gzip', state);
      if (d) next(d.bytes, 'gzip');
      if (d) return;
    }
    if (deeper && buf[0] === 0x78 && ((buf[0] << 8) | buf[1]!) % 31 === 0) {
      const d = this.inflate(buf, 'deflate', state);
      if (d) {
        next(d.bytes, 'deflate');
        return;
      }
    }

    const s = buf.length >= 8 ? buf.toString('latin1') : '';
    const trimmed = s.trim();
    // A JSON document or a form body is searched field by field, so that
    // each match names its field; the text as a whole is then searched only
    // for what no field showed (a value in a key, or text that only looked
    // like a form: `356721094823151;t=1`).
    const mark = state.found.size;
    const rest = () => {
      const below = new Set([...state.found.values()].slice(mark).map((m) => m.canary));
      this.search(buf, chain, ctx, field, below);
    };
    if (deeper && (trimmed.startsWith('{') || trimmed.startsWith('[')) && buf.length <= this.limits.inflateBytes) {
      const doc = parseJson(buf);
      if (doc !== undefined && typeof doc === 'object' && doc !== null) {
        for (const [key, value] of jsonStrings(doc)) {
          this.layer(Buffer.from(value, 'utf8'), [...chain, 'json'], depth + 1, ctx, key ?? field);
          // binary written as latin-1 characters (as mitmproxy writes bodies): its bytes too
          if (/[\x80-\xff]/.test(value) && !/[^\x00-\xff]/.test(value)) this.layer(Buffer.from(value, 'latin1'), [...chain, 'json'], depth + 1, ctx, key ?? field);
        }
        rest();
        return;
      }
    }
    if (deeper && isForm(trimmed)) {
      for (const pair of trimmed.split('&')) {
        const eq = pair.indexOf('=');
        const value = pair.slice(eq + 1);
        if (!value) continue;
        const key = percentDecode(pair.slice(0, eq), true).toString('utf8');
        this.layer(percentDecode(value, true), [...chain, 'form'], depth + 1, ctx, key);
        // apps often send base64 in a form without escaping its `+`
        if (value.includes('+')) this.layer(percentDecode(value, false), [...chain, 'form'], depth + 1, ctx, key);
      }
      rest();
      return;
    }
    this.search(buf, chain, ctx, field);
    if (!deeper || buf.length < 8) return;

    // percent-encoded text (once, twice: each pass is a layer)
    if (/%[0-9a-fA-F]{2}/.test(s)) next(percentDecode(s, false), 'url');

    let tokens = 0;
    // JWTs: the payload is base64url JSON
    for (const m of s.matchAll(/eyJ[\w-]{4,}\.([\w-]{4,})\.[\w-]*/g)) {
      if (++tokens > 2000) break;
      next(Buffer.from(m[1]!, 'base64url'), 'jwt');
    }
    // base64 and base64url, at every alignment: a token may start anywhere in a longer string
    for (const m of s.matchAll(/[A-Za-z0-9+/_-]{8,}={0,2}/g)) {
      if (++tokens > 2000) break;
      const tok = m[0];
      if (/^\d+$/.test(tok)) continue; // a number, not base64 of anything likely
      const url = /[-_]/.test(tok);
      if (url && /[+/]/.test(tok)) continue;
      if (/^[0-9a-fA-F]+$/.test(tok) && tok.length % 2 === 0) next(Buffer.from(tok, 'hex'), 'hex');
      // from its first character, and, when its length says it starts with stray characters, from where
      // a whole number of base64 quads begins (a value encoded anywhere inside is found either way)
      const kind = url ? 'base64url' : 'base64';
      next(Buffer.from(tok, kind), kind);
      const body = tok.replace(/=+$/, '');
      const skipLead = tok.endsWith('=') ? tok.length % 4 : body.length % 4 === 1 ? 1 : 0;
      if (skipLead && tok.length - skipLead >= 8) next(Buffer.from(tok.slice(skipLead), kind), kind);
    }
    // hex of text, including hex made only of digits (the hex of a number is digits)
    for (const m of s.matchAll(/(?:[0-9a-fA-F]{2}){6,}/g)) {
      if (++tokens > 4000) break;
      const tok = m[0];
      if (!/^\d+$/.test(tok)) continue; // others were decoded as tokens above
      next(Buffer.from(tok, 'hex'), 'hex');
      if (tok.length > 12) next(Buffer.from(tok.slice(1), 'hex'), 'hex');
    }
  }
}

/** One `name=value` pair of a form body, printable ASCII (a URL has `?`, `/` or `:` before its first `=`: not a form). */
const FORM = /^[\x21-\x7e]{1,256}=[\x21-\x7e]*$/;

function isForm(s: string): boolean {
  if (!s.includes('=') || PADDED_BASE64.test(s) || s.length > (16 << 20)) return false;
  return s.split('&').every((pair) => FORM.test(pair) && !/^[^=]*[?/:{[]/.test(pair));
}

/** A base64 token ending in padding reads like `name=` but is not a form. */
const PADDED_BASE64 = /^[A-Za-z0-9+/_-]+={1,2}$/;

interface State {
  bytes: number;
  layers: number;
  warnings: Set<string>;
  found: Map<string, UnitMatch>;
}

interface Ctx {
  direction: 'request' | 'response';
  where: Where;
  name?: string;
  state: State;
}

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The string values of a JSON document with the name of the field holding each (bounded walk, no recursion). */
function* jsonStrings(doc: unknown): Generator<[string | undefined, string]> {
  const stack: [unknown, string | undefined][] = [[doc, undefined]];
  let n = 0;
  while (stack.length) {
    if (++n > 200_000) return;
    const [v, field] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.length >= 6) yield [field, v];
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      // a number field: searched as its text, so its name is known
      const t = String(v);
      if (t.length >= 6) yield [field, t];
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], field]);
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], entries[i]![0]]);
    }
  }
}

/**
 * The matches worth reporting: a value found in a query parameter is not
 * reported again for the URL that holds it, nor a header's for the
 * `cookie` header that holds a cookie.
 */
function prune(matches: UnitMatch[]): UnitMatch[] {
  const has = (m: UnitMatch, where: Where) => matches.some((o) => o.canary === m.canary && o.direction === m.direction && o.where === where);
  return matches.filter((m) => {
    if (m.where === 'url' && has(m, 'query')) return false;
    if (m.where === 'header' && /^cookie$/i.test(m.name ?? '') && has(m, 'cookie')) return false;
    return true;
  });
}
