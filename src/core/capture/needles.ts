/**
 * The needle set of a report: every literal string a canary can show as in
 * a capture's raw bytes without decompression, built once per report. A
 * capture reader hands these to a fast multi-pattern search (ripgrep) to pick
 * the few entries worth decoding; `match.ts` then decides, on the decoded
 * entry, what really matched. The set is a superset: a literal hit proves
 * nothing by itself (boundaries and direction are checked later).
 *
 * Forms that hide every literal — a body compressed, or compressed and then
 * base64-encoded — are caught by `DECODE_HINTS` instead: a request that
 * carries one of them is always decoded.
 */

import { createHash } from 'node:crypto';
import type { Form } from './forms';

export interface Hint {
  literal: string;
  ignoreCase?: boolean;
}

/** Literals shorter than this would flood the candidate list. */
const MIN_LITERAL = 6;

/** Marks of a body that must be decoded to be searched. */
export const DECODE_HINTS: readonly Hint[] = [
  { literal: 'content-encoding', ignoreCase: true }, // a compressed request body
  { literal: 'H4sI' }, // gzip, base64-encoded (1f 8b 08)
  { literal: '\\u001f\\u008b', ignoreCase: true }, // gzip bytes in a JSON string: latin-1 bodies
  { literal: '\\u001f\\udc8b', ignoreCase: true }, // … and mitmproxy's surrogate escapes
  { literal: '\u001f\u008b' },
  // zlib streams (78 9c, 78 da) as latin-1 or surrogate-escaped text
  ...['x\\u009c', 'x\\u00da', 'x\\udc9c', 'x\\udcda'].map((literal) => ({ literal, ignoreCase: true })),
  // zlib streams, base64-encoded: 78 9c, 78 da, 78 01
  ...['eJw', 'eJx', 'eJy', 'eJz', 'eNo', 'eNp', 'eNq', 'eNr', 'eAE', 'eAF', 'eAG', 'eAH'].map((literal) => ({ literal })),
];

/** The base64 characters of `bytes` placed at byte offset `align` (0–2) that do not depend on what surrounds them. */
export function base64Core(bytes: Uint8Array, align: number, url = false): string {
  const padded = Buffer.concat([Buffer.alloc(align), Buffer.from(bytes)]);
  const enc = padded.toString(url ? 'base64url' : 'base64');
  const from = Math.ceil((8 * align) / 6);
  const to = Math.floor((8 * (align + bytes.length)) / 6);
  return enc.slice(from, to);
}

export const HASHES = ['md5', 'sha1', 'sha256'] as const;
export type HashName = (typeof HASHES)[number];

export function digest(name: HashName, text: string): Buffer {
  return createHash(name).update(text, 'utf8').digest();
}

/** The texts a caseless form is also written as. */
export function caseVariants(f: Form): string[] {
  return f.caseless ? [...new Set([f.text, f.text.toLowerCase(), f.text.toUpperCase()])] : [f.text];
}

const jsonEscaped = (s: string) => JSON.stringify(s).slice(1, -1);
const unicodeEscaped = (s: string, upper: boolean) =>
  s.replace(/[^\x20-\x7e]/g, (c) => {
    const h = c.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${upper ? h.toUpperCase() : h}`;
  });

/**
 * Every literal a form can appear as (see the module comment), in two sets:
 * `exact`, searched as written, and `caseless`, hex (of the text, of a
 * digest) searched without regard to case, so each is one needle, not two.
 */
export function literalsOfForm(f: Form): { exact: string[]; caseless: string[] } {
  const exact = new Set<string>();
  const caseless = new Set<string>();
  const add = (s: string) => {
    if (s.length >= MIN_LITERAL) exact.add(s);
  };
  for (const text of caseVariants(f)) {
    add(text);
    const once = encodeURIComponent(text);
    add(once);
    add(encodeURIComponent(once));
    add(once.replace(/%20/g, '+'));
    add(jsonEscaped(text));
    add(jsonEscaped(text).replace(/\//g, '\\/'));
    add(unicodeEscaped(jsonEscaped(text), false));
    add(unicodeEscaped(jsonEscaped(text), true));
    if (f.textOnly) continue;
    const bytes = Buffer.from(text, 'utf8');
    for (let align = 0; align < 3; align++) {
      const std = base64Core(bytes, align);
      add(std);
      add(encodeURIComponent(std));
      add(base64Core(bytes, align, true));
    }
    caseless.add(bytes.toString('hex'));
    for (const h of HASHES) {
      const d = digest(h, text);
      caseless.add(d.toString('hex'));
      add(d.toString('base64').replace(/=+$/, ''));
      add(d.toString('base64url'));
    }
  }
  return { exact: [...exact], caseless: [...caseless].filter((s) => s.length >= MIN_LITERAL) };
}

const byLength = (a: string, b: string) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);

/** The needle set for a list of forms: unique literals, longest first (`caseless`: hex, either case). */
export function needlesOf(forms: readonly Form[]): { exact: string[]; caseless: string[] } {
  const exact = new Set<string>();
  const caseless = new Set<string>();
  for (const f of forms) {
    const l = literalsOfForm(f);
    for (const x of l.exact) exact.add(x);
    for (const x of l.caseless) caseless.add(x.toLowerCase());
  }
  return { exact: [...exact].sort(byLength), caseless: [...caseless].sort(byLength) };
}

/** Every needle as a case-sensitive literal (hex in both cases): what a reader without case folding searches. */
export function literalsOf(forms: readonly Form[]): string[] {
  const n = needlesOf(forms);
  return [...new Set([...n.exact, ...n.caseless, ...n.caseless.map((x) => x.toUpperCase())])].sort(byLength);
}
