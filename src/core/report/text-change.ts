/** Where two versions of a text differ: the one changed range, found from the common prefix and suffix. */

/** Where `b` differs from `a`: a[start, oldEnd) was replaced by b[start, newEnd). */
export function textChange(a: string, b: string): { start: number; oldEnd: number; newEnd: number; delta: number } {
  const max = Math.min(a.length, b.length);
  const start = commonPrefix(a, b, max);
  const s = commonSuffix(a, b, max - start);
  return { start, oldEnd: a.length - s, newEnd: b.length - s, delta: b.length - a.length };
}

/**
 * Length of the common prefix of a and b (at most max). Compares 4 KiB chunks
 * as strings first (a memory compare in the engine), then characters.
 */
function commonPrefix(a: string, b: string, max: number): number {
  const CHUNK = 4096;
  let p = 0;
  while (p + CHUNK <= max && a.slice(p, p + CHUNK) === b.slice(p, p + CHUNK)) p += CHUNK;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

/** Length of the common suffix of a and b (at most max). */
function commonSuffix(a: string, b: string, max: number): number {
  const CHUNK = 4096;
  let s = 0;
  while (s + CHUNK <= max && a.slice(a.length - s - CHUNK, a.length - s) === b.slice(b.length - s - CHUNK, b.length - s)) s += CHUNK;
  while (s < max && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return s;
}
