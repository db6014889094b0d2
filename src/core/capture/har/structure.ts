/**
 * An exact, incremental scanner of a HAR's JSON structure over byte chunks.
 *
 * It does not build values: it tracks strings, escapes and nesting, finds
 * `log.entries` and reports each entry's byte extent, and, inside an entry,
 * the extents of its `request`, `response` and `_webSocketMessages` values
 * (with the offset of each key's opening quote, so a caller can check
 * anchors found elsewhere). Inside a string it jumps from quote to quote
 * with `indexOf` (a native search), so long bodies cost little.
 *
 * Two ways to start:
 * - `HarScanner.full()`: at the start of a file; validates enough to say
 *   where a file that is not JSON, not a HAR, or truncated goes wrong.
 * - `HarScanner.at(...)`: at the opening quote of a key known (from an
 *   anchor) to sit directly in an entry object, or in the `log` object, with
 *   the containers above it given. Used to read a few entries in the middle
 *   of a large file without scanning what comes before them.
 *
 * Pure: bytes in, extents out.
 */

/** A value's byte extent [start, end) and the offset of its key's opening quote. */
export interface ValueExtent {
  key: number;
  start: number;
  end: number;
}

export interface EntryExtent {
  /** 1-based position in `log.entries`. */
  index: number;
  /** Offset of the entry's first byte (`{`), or -1 when the scan started inside the entry. */
  start: number;
  /** Offset just after the entry's last byte. */
  end: number;
  /** False when the element of `log.entries` is not an object (`null`, a number …). */
  object: boolean;
  /** How deep brackets nest inside the entry (its own object counts 1), as far as the scan saw it. */
  depth: number;
  request?: ValueExtent;
  response?: ValueExtent;
  webSocketMessages?: ValueExtent;
}

/** Where a HAR's JSON goes wrong, with the byte offset. */
export class HarStructureError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'HarStructureError';
  }
}

/** The containers a local scan starts inside, outermost first. */
export type StartContext = 'entry' | 'log' | 'entry-in-file';

const enum Role {
  None = 0,
  Root = 1,
  Log = 2,
  Entries = 3,
  Entry = 4,
}

const enum St {
  Value = 0, // a value must follow
  ValueOrEnd = 1, // after '['
  KeyOrEnd = 2, // after '{'
  Key = 3, // after ',' in an object
  Colon = 4,
  After = 5, // after a value
  Str = 6,
  Scalar = 7,
  Done = 8, // the root value is complete
  Stop = 9, // a local scan left its outermost container
}

const enum Key {
  Other = 0,
  Log = 1,
  Entries = 2,
  Request = 3,
  Response = 4,
  WebSocket = 5,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OBJ = 0;
const ARR = 1;

/** Bytes allowed in numbers and the literals true, false, null. */
const SCALAR = new Uint8Array(256);
for (const c of '0123456789+-.eEtrufalsn') SCALAR[c.charCodeAt(0)] = 1;
const WS = new Uint8Array(256);
for (const c of ' \t\r\n') WS[c.charCodeAt(0)] = 1;

const KEY_NAMES: Record<string, Key> = { log: Key.Log, entries: Key.Entries, request: Key.Request, response: Key.Response, _webSocketMessages: Key.WebSocket };
/** Longest key text (escapes included) worth decoding: `_webSocketMessages` fully \u-escaped is 108 bytes. */
const KEY_CAP = 128;

function show(b: number): string {
  if (b >= 0x20 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  return `byte 0x${b.toString(16).padStart(2, '0')}`;
}

export class HarScanner {
  private st: St;
  private kinds = new Uint8Array(64);
  private roles = new Uint8Array(64);
  private depth = 0;
  /** Absolute offset of the next byte to be fed. */
  private pos = 0;
  private readonly full: boolean;
  // strings
  private strStart = 0;
  private strIsKey = false;
  private captureKey = false;
  private keyBytes: number[] = [];
  private keyOverflow = false;
  /** The previous chunk ended with a backslash that escapes the first byte of this one. */
  private escPending = false;
  private lastKey: Key = Key.Other;
  private lastKeyAt = 0;
  // entries
  private entryIndex = 0;
  private entry: EntryExtent | undefined;
  /** Stack depth outside the current entry. */
  private entryBase = 0;
  private sideKey: Key = Key.Other;
  private sideKeyAt = 0;
  private sideStart = -1;
  private sawLog = false;
  private sawEntries = false;
  private entriesOpen = false;
  private scalarStart = 0;
  private readonly out: EntryExtent[] = [];
  private bomChecked = false;

  private constructor(full: boolean) {
    this.full = full;
    this.st = St.Value;
  }

  /** A scan from the first byte of a file. */
  static full(): HarScanner {
    return new HarScanner(true);
  }

  /**
   * A scan that starts at `offset`, the opening quote of a key that sits directly in
   * - `'entry'`: an entry object (the entry is number `index`); it stops when `log.entries` closes;
   * - `'entry-in-file'`: the same, but it goes on to the end of the file and checks the file ends as a HAR should;
   * - `'log'`: the `log` object (`index` is then the number of entries before it, 0); it stops when `log` closes.
   */
  static at(offset: number, context: StartContext, index: number): HarScanner {
    const s = new HarScanner(context === 'entry-in-file');
    s.bomChecked = true;
    s.pos = offset;
    const stack: [number, Role][] =
      context === 'log'
        ? [[OBJ, Role.Log]]
        : context === 'entry'
          ? [
              [ARR, Role.Entries],
              [OBJ, Role.Entry],
            ]
          : [
              [OBJ, Role.Root],
              [OBJ, Role.Log],
              [ARR, Role.Entries],
              [OBJ, Role.Entry],
            ];
    for (const [k, r] of stack) s.push(k, r);
    s.st = St.Key;
    s.sawLog = true;
    if (context === 'log') {
      s.sawEntries = false;
    } else {
      s.sawEntries = true;
      s.entriesOpen = true;
      s.entryIndex = index;
      s.entry = { index, start: -1, end: -1, object: true, depth: 1 };
      s.entryBase = s.depth - 1;
    }
    return s;
  }

  /** Absolute offset of the next byte expected. */
  get offset(): number {
    return this.pos;
  }

  /** True once a local scan has left its outermost container (the rest of the input is not read). */
  get stopped(): boolean {
    return this.st === St.Stop;
  }

  /** Entries completed since the last call. */
  take(): EntryExtent[] {
    return this.out.splice(0, this.out.length);
  }

  /** Entries completed so far are only handed out by `take`; this is the number of entries begun. */
  get entriesSeen(): number {
    return this.entryIndex;
  }

  /** True while the scan is inside `log.entries`. */
  get inEntries(): boolean {
    return this.entriesOpen;
  }

  private push(kind: number, role: Role): void {
    if (this.depth === this.kinds.length) {
      const k = new Uint8Array(this.kinds.length * 2);
      k.set(this.kinds);
      this.kinds = k;
      const r = new Uint8Array(this.roles.length * 2);
      r.set(this.roles);
      this.roles = r;
    }
    this.kinds[this.depth] = kind;
    this.roles[this.depth] = role;
    this.depth++;
    if (this.entry && this.depth - this.entryBase > this.entry.depth) this.entry.depth = this.depth - this.entryBase;
  }

  private fail(msg: string, at: number): never {
    throw new HarStructureError(msg, at);
  }

  /** Feeds the next bytes (they must follow the previous ones). Throws HarStructureError. */
  feed(chunk: Uint8Array): void {
    const base = this.pos;
    const n = chunk.length;
    let i = 0;
    if (!this.bomChecked) {
      if (n === 0) return;
      this.bomChecked = true;
      if (chunk[0] === 0xef) {
        if (n < 3) this.fail('the file is too short to be a HAR', base);
        if (chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
      } else if (chunk[0] === 0xff || chunk[0] === 0xfe || (n > 1 && chunk[1] === 0)) {
        this.fail('not UTF-8 JSON (UTF-16?): a HAR is read as UTF-8', base);
      } else if (n > 1 && ((chunk[0] === 0x1f && chunk[1] === 0x8b) || (chunk[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(chunk[1]!)))) {
        this.fail(`a compressed file (${chunk[0] === 0x1f ? 'gzip' : "zlib, as mitmproxy's .zhar"}): decompress it first`, base);
      }
    }
    let st = this.st;
    while (i < n) {
      if (st === St.Str) {
        // short strings byte by byte; long ones by jumping from quote to quote (a native search)
        let j = i;
        if (this.escPending) {
          j++;
          this.escPending = false;
        }
        let q = -1;
        const lim = j + 48 < n ? j + 48 : n;
        while (j < lim) {
          const c = chunk[j]!;
          if (c === QUOTE) {
            q = j;
            break;
          }
          j += c === BACKSLASH ? 2 : 1;
        }
        if (q < 0 && j < n) {
          // j is a clean position (not after an escaping backslash): the parity of a run of
          // backslashes that starts at or after it tells whether the byte after the run is escaped
          const clean = j;
          q = chunk.indexOf(QUOTE, j);
          while (q >= 0) {
            let k = q - 1;
            while (k >= clean && chunk[k] === BACKSLASH) k--;
            if (((q - 1 - k) & 1) === 0) break;
            q = chunk.indexOf(QUOTE, q + 1);
          }
          if (q < 0) {
            let k = n - 1;
            while (k >= clean && chunk[k] === BACKSLASH) k--;
            this.escPending = ((n - 1 - k) & 1) === 1;
          }
        } else if (q < 0) {
          this.escPending = j > n;
        }
        if (q < 0) {
          if (this.captureKey) this.keepKeyBytes(chunk, i, n);
          i = n;
          break;
        }
        if (this.captureKey) this.keepKeyBytes(chunk, i, q);
        i = q + 1;
        if (this.strIsKey) {
          this.lastKey = this.captureKey ? this.keyName() : Key.Other;
          this.lastKeyAt = this.strStart;
          st = St.Colon;
        } else {
          this.st = st;
          this.valueEnd(base + i);
          st = this.st;
        }
        continue;
      }
      const b = chunk[i]!;
      if (st === St.Scalar) {
        if (SCALAR[b]) {
          i++;
          continue;
        }
        this.st = st;
        this.valueEnd(base + i);
        st = this.st;
        continue; // the byte is read again in the After state
      }
      if (WS[b]) {
        i++;
        continue;
      }
      const at = base + i;
      switch (st) {
        case St.Value:
        case St.ValueOrEnd:
          if (b === 0x5d && st === St.ValueOrEnd) {
            this.st = st;
            this.close(ARR, at);
            st = this.st;
            break;
          }
          this.st = st;
          this.valueStart(b, at);
          st = this.st;
          break;
        case St.KeyOrEnd:
        case St.Key:
          if (b === QUOTE) {
            this.strStart = at;
            this.strIsKey = true;
            const role = this.roles[this.depth - 1];
            this.captureKey = role === Role.Root || role === Role.Log || role === Role.Entry;
            if (this.captureKey) {
              this.keyBytes.length = 0;
              this.keyOverflow = false;
            }
            st = St.Str;
          } else if (b === 0x7d && st === St.KeyOrEnd) {
            this.st = st;
            this.close(OBJ, at);
            st = this.st;
          } else {
            this.fail(`expected a key (a string in double quotes), found ${show(b)} at byte ${at}`, at);
          }
          break;
        case St.Colon:
          if (b !== 0x3a) this.fail(`expected ':' after a key, found ${show(b)} at byte ${at}`, at);
          st = St.Value;
          break;
        case St.After:
          if (b === 0x2c) {
            if (this.depth === 0) this.fail(`unexpected ',' at byte ${at}`, at);
            st = this.kinds[this.depth - 1] === OBJ ? St.Key : St.Value;
          } else if (b === 0x7d || b === 0x5d) {
            this.st = st;
            this.close(b === 0x7d ? OBJ : ARR, at);
            st = this.st;
          } else {
            this.fail(`expected ',' or a closing bracket, found ${show(b)} at byte ${at}`, at);
          }
          break;
        case St.Done:
          this.fail(`unexpected ${show(b)} at byte ${at} after the end of the JSON document`, at);
          break;
        case St.Stop:
          i = n;
          continue;
      }
      i++;
    }
    this.st = st;
    this.pos = base + n;
  }

  /** Call at the end of the input: throws when the document is truncated or is not a HAR. */
  end(): void {
    const at = this.pos;
    if (this.st === St.Stop) return;
    if (!this.bomChecked) this.fail('the file is empty', 0);
    if (this.st === St.Str) this.fail(`truncated: the file ends inside a string that starts at byte ${this.strStart}`, at);
    if (this.st === St.Scalar && this.depth === 0) {
      this.valueEnd(at);
    }
    if (this.st !== St.Done) {
      if (this.depth === 0 && (this.st === St.Value || this.st === St.ValueOrEnd)) this.fail('the file holds no JSON value', at);
      this.fail(`truncated: the file ends at byte ${at} with ${this.depth} bracket${this.depth === 1 ? '' : 's'} still open${this.entriesOpen ? ` (inside log.entries, after entry ${this.entryIndex})` : ''}`, at);
    }
    if (!this.sawEntries) this.fail(this.sawLog ? 'not a HAR: log has no entries array' : 'not a HAR: no log object at the top level', at);
  }

  private keepKeyBytes(chunk: Uint8Array, from: number, to: number): void {
    if (this.keyOverflow) return;
    if (this.keyBytes.length + (to - from) > KEY_CAP) {
      this.keyOverflow = true;
      return;
    }
    for (let k = from; k < to; k++) this.keyBytes.push(chunk[k]!);
  }

  private keyName(): Key {
    if (this.keyOverflow) return Key.Other;
    const bytes = this.keyBytes;
    let s = '';
    let escaped = false;
    for (const b of bytes) {
      if (b >= 0x80) return Key.Other; // none of the names has non-ASCII characters (and \u escapes of them are ASCII)
      if (b === BACKSLASH) escaped = true;
      s += String.fromCharCode(b);
    }
    if (escaped) {
      try {
        s = JSON.parse(`"${s}"`) as string;
      } catch {
        return Key.Other;
      }
    }
    return Object.prototype.hasOwnProperty.call(KEY_NAMES, s) ? KEY_NAMES[s]! : Key.Other;
  }

  /** A value begins at `at` with byte `b` (state is Value or ValueOrEnd). */
  private valueStart(b: number, at: number): void {
    const parentRole = this.depth ? (this.roles[this.depth - 1] as Role) : Role.None;
    const parentKind = this.depth ? this.kinds[this.depth - 1] : -1;
    const key = parentKind === OBJ ? this.lastKey : Key.Other;
    if (this.depth === 0 && this.full && b !== 0x7b) {
      this.fail(`not a HAR: a HAR is a JSON object, but the file starts with ${show(b)} at byte ${at}`, at);
    }
    if (parentRole === Role.Entries) {
      this.entryIndex++;
      this.entry = { index: this.entryIndex, start: at, end: -1, object: b === 0x7b, depth: 0 };
      this.entryBase = this.depth;
    } else if (parentRole === Role.Entry && (key === Key.Request || key === Key.Response || key === Key.WebSocket)) {
      this.sideKey = key;
      this.sideKeyAt = this.lastKeyAt;
      this.sideStart = at;
    }
    if (b === 0x7b || b === 0x5b) {
      let role = Role.None;
      if (this.depth === 0) role = Role.Root;
      else if (parentRole === Role.Root && key === Key.Log && b === 0x7b) {
        if (this.sawLog) this.fail(`not a HAR: a second "log" at byte ${at}`, at);
        this.sawLog = true;
        role = Role.Log;
      } else if (parentRole === Role.Log && key === Key.Entries) {
        if (b !== 0x5b) this.fail(`not a HAR: log.entries is not an array (byte ${at})`, at);
        if (this.sawEntries) this.fail(`not a HAR: a second log.entries at byte ${at}`, at);
        this.sawEntries = true;
        this.entriesOpen = true;
        role = Role.Entries;
      } else if (parentRole === Role.Entries && b === 0x7b) role = Role.Entry;
      this.push(b === 0x7b ? OBJ : ARR, role);
      this.st = b === 0x7b ? St.KeyOrEnd : St.ValueOrEnd;
    } else if (b === QUOTE) {
      this.strStart = at;
      this.strIsKey = false;
      this.captureKey = false;
      this.st = St.Str;
    } else if (SCALAR[b]) {
      this.scalarStart = at;
      this.st = St.Scalar;
    } else {
      this.fail(`expected a JSON value, found ${show(b)} at byte ${at}`, at);
    }
  }

  /** Closes the innermost container at `at` (its closing byte). */
  private close(kind: number, at: number): void {
    if (this.depth === 0 || this.kinds[this.depth - 1] !== kind) {
      this.fail(`unexpected '${kind === OBJ ? '}' : ']'}' at byte ${at}`, at);
    }
    const role = this.roles[this.depth - 1] as Role;
    this.depth--;
    if (role === Role.Entries) this.entriesOpen = false;
    if (this.depth === 0 && !this.full) {
      // a local scan left its outermost container
      this.st = St.Stop;
      return;
    }
    this.valueEnd(at + 1);
  }

  /** The value that began last at the current depth ended just before `end`. */
  private valueEnd(end: number): void {
    if (this.st === St.Scalar && end === this.scalarStart) this.fail(`expected a JSON value at byte ${end}`, end);
    if (this.depth === 0) {
      this.st = St.Done;
      return;
    }
    this.st = St.After;
    const parentRole = this.roles[this.depth - 1] as Role;
    if (parentRole === Role.Entries && this.entry) {
      const e = this.entry;
      e.end = end;
      this.out.push(e);
      this.entry = undefined;
    } else if (parentRole === Role.Entry && this.sideStart >= 0 && this.entry) {
      const ext: ValueExtent = { key: this.sideKeyAt, start: this.sideStart, end };
      if (this.sideKey === Key.Request) this.entry.request = ext;
      else if (this.sideKey === Key.Response) this.entry.response = ext;
      else this.entry.webSocketMessages = ext;
      this.sideStart = -1;
    }
  }
}
