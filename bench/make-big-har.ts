/**
 * A realistic large HAR (Chrome DevTools shape, 2-space indent: headers,
 * cookies, query strings, JSON and form bodies, HTML/JS/JSON responses,
 * base64 images) with a few canaries planted at known entries, and the
 * HAR reader measured on it next to `rg -F` finding the plain values.
 *
 *   node --import tsx bench/make-big-har.ts [OUT.har] [--mb 100] [--no-measure] [--fallback] [--stand-in]
 *
 * The needles are the scan's own (src/core/capture/needles.ts: about 280 literals for the
 * four canaries) or, with --stand-in, a smaller set of 63. ripgrep's cost grows with their
 * number: one pass over the file per 64 of them.
 *
 * Planted (entry numbers printed): the IMEI plain in a URL query, the
 * e-mail as base64 inside a JSON body, the advertising ID inside a gzip
 * body sent base64 (`postData.encoding`, `Content-Encoding: gzip`), the
 * phone number only in a response (a decoy for `direction`).
 * The reader is timed as a whole process: the runner is bundled with
 * esbuild and run with plain `node` (no TypeScript loader in the time).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export const BENCH_CANARIES = {
  imei: '356721094823151',
  phone: '+86 138 0013 8000',
  email: 'analyst.test@example.org',
  adid: '38400000-8cf0-11bd-b23e-10b96e40000d',
};

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTS = ['api.example.com', 'cdn.static-files.net', 'tracker.ads-network.io', 'www.shop.example', 'img.cdn.example', 'data.metrics.example.cn', 'auth.login.example'];
const WORDS = 'alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega data user item list view page home cart token session render widget module'.split(' ');

interface Planted {
  entry: number;
  what: string;
}

/**
 * Writes the HAR to `out` (about `bytes` long) and returns the planted entries.
 * `literals` lists the needle set a matcher would search for the four canaries.
 */
export function makeBigHar(out: string, bytes: number, seed = 1): { entries: number; planted: Planted[] } {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const word = () => pick(WORDS);
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
    return s;
  };
  const text = (n: number) => {
    const parts: string[] = [];
    let len = 0;
    while (len < n) {
      const w = word();
      parts.push(w);
      len += w.length + 1;
    }
    return parts.join(' ');
  };
  const fd = fs.openSync(out, 'w');
  const head = '{\n  "log": {\n    "version": "1.2",\n    "creator": {\n      "name": "WebInspector",\n      "version": "537.36"\n    },\n    "pages": [\n      {\n        "startedDateTime": "2026-03-01T10:00:00.000Z",\n        "id": "page_1",\n        "title": "https://www.shop.example/",\n        "pageTimings": {\n          "onContentLoad": 512.2,\n          "onLoad": 910.4\n        }\n      }\n    ],\n    "entries": [';
  fs.writeSync(fd, head);
  let written = head.length;
  let n = 0;
  const planted: Planted[] = [];
  let pending = '';
  const start = Date.parse('2026-03-01T10:00:00.000Z');
  while (written < bytes - 200) {
    n++;
    const host = pick(HOSTS);
    const pathName = `/${word()}/${word()}/${hex(8)}`;
    const query: { name: string; value: string }[] = [];
    const nq = Math.floor(r() * 5);
    for (let i = 0; i < nq; i++) query.push({ name: word(), value: r() < 0.5 ? hex(12) : word() });
    let post: Record<string, unknown> | undefined;
    const reqHeaders: { name: string; value: string }[] = [
      { name: ':authority', value: host },
      { name: ':method', value: 'GET' },
      { name: ':path', value: pathName },
      { name: ':scheme', value: 'https' },
      { name: 'accept', value: 'application/json, text/plain, */*' },
      { name: 'accept-encoding', value: 'gzip, deflate, br' },
      { name: 'accept-language', value: 'en-US,en;q=0.9' },
      { name: 'cookie', value: `sid=${hex(32)}; _ga=GA1.2.${Math.floor(r() * 1e9)}.${Math.floor(r() * 1e9)}` },
      { name: 'referer', value: 'https://www.shop.example/' },
      { name: 'sec-ch-ua', value: '"Chromium";v="124", "Not-A.Brand";v="99"' },
      { name: 'sec-fetch-dest', value: 'empty' },
      { name: 'sec-fetch-mode', value: 'cors' },
      { name: 'user-agent', value: 'Mozilla/5.0 (Linux; Android 14; 23049PCD8G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36' },
      { name: 'x-request-id', value: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}` },
    ];
    const kind = r();
    if (kind < 0.25) {
      reqHeaders[1]!.value = 'POST';
      reqHeaders.push({ name: 'content-type', value: 'application/json' });
      post = { mimeType: 'application/json', text: JSON.stringify({ event: word(), ts: start + n * 37, props: { a: text(60), b: hex(24), n: Math.floor(r() * 1e6) } }) };
    } else if (kind < 0.3) {
      reqHeaders[1]!.value = 'POST';
      reqHeaders.push({ name: 'content-type', value: 'application/x-www-form-urlencoded' });
      const params = [{ name: word(), value: hex(10) }, { name: word(), value: word() }];
      post = { mimeType: 'application/x-www-form-urlencoded', text: params.map((p) => `${p.name}=${p.value}`).join('&'), params };
    }
    // planted canaries at fixed fractions of the file
    const frac = written / bytes;
    let respExtra = '';
    if (frac > 0.31 && !planted.some((p) => p.what === 'imei plain in query')) {
      query.push({ name: 'imei', value: BENCH_CANARIES.imei });
      planted.push({ entry: n, what: 'imei plain in query' });
    } else if (frac > 0.52 && !planted.some((p) => p.what.startsWith('email'))) {
      reqHeaders[1]!.value = 'POST';
      post = { mimeType: 'application/json', text: JSON.stringify({ u: Buffer.from(JSON.stringify({ email: BENCH_CANARIES.email })).toString('base64') }) };
      planted.push({ entry: n, what: 'email base64 in a JSON body' });
    } else if (frac > 0.73 && !planted.some((p) => p.what.startsWith('adid'))) {
      reqHeaders[1]!.value = 'POST';
      reqHeaders.push({ name: 'content-encoding', value: 'gzip' });
      post = { mimeType: 'application/json', encoding: 'base64', text: gzipSync(JSON.stringify({ adid: BENCH_CANARIES.adid, t: n })).toString('base64') };
      planted.push({ entry: n, what: 'adid gzip base64 body' });
    } else if (frac > 0.9 && !planted.some((p) => p.what.startsWith('phone'))) {
      respExtra = BENCH_CANARIES.phone;
      planted.push({ entry: n, what: 'phone only in a response (direction: response)' });
    }
    const qs = query.map((q) => `${q.name}=${encodeURIComponent(q.value)}`).join('&');
    const url = `https://${host}${pathName}${qs ? `?${qs}` : ''}`;
    const rk = r();
    let content: Record<string, unknown>;
    if (rk < 0.15) {
      const img = Buffer.alloc(600 + Math.floor(r() * 3000));
      for (let i = 0; i < img.length; i++) img[i] = Math.floor(r() * 256);
      content = { size: img.length, mimeType: 'image/png', text: img.toString('base64'), encoding: 'base64' };
    } else if (rk < 0.45) {
      const body = `<!doctype html><html><head><title>${text(30)}</title></head><body><p>${text(1500 + Math.floor(r() * 3000))}</p>${respExtra}</body></html>`;
      content = { size: body.length, mimeType: 'text/html', text: body };
    } else if (rk < 0.7) {
      const body = `!function(){var ${word()}=${Math.floor(r() * 1e6)};function ${word()}(e,t){return "${text(400)}"+e+t}window.${word()}=${word()}}();`.repeat(3);
      content = { size: body.length, mimeType: 'application/javascript', text: body + respExtra };
    } else {
      const body = JSON.stringify({ ok: true, items: Array.from({ length: 8 }, () => ({ id: hex(16), name: text(20), score: r() })), note: respExtra });
      content = { size: body.length, mimeType: 'application/json', text: body };
    }
    const entry: Record<string, unknown> = {
      _initiator: { type: 'script', stack: { callFrames: [{ functionName: word(), scriptId: String(Math.floor(r() * 900)), url: `https://www.shop.example/static/${word()}.js`, lineNumber: 1, columnNumber: Math.floor(r() * 5000) }] } },
      _priority: 'High',
      _resourceType: pick(['fetch', 'xhr', 'script', 'document', 'image']),
      cache: {},
      connection: String(100000 + Math.floor(r() * 900000)),
      pageref: 'page_1',
      request: {
        method: reqHeaders[1]!.value,
        url,
        httpVersion: 'http/2.0',
        headers: reqHeaders,
        queryString: query,
        cookies: [{ name: 'sid', value: hex(32), path: '/', domain: `.${host}`, expires: '2027-01-01T00:00:00.000Z', httpOnly: true, secure: true }],
        headersSize: -1,
        bodySize: post ? String((post as { text: string }).text).length : 0,
        ...(post ? { postData: post } : {}),
      },
      response: {
        status: 200,
        statusText: '',
        httpVersion: 'http/2.0',
        headers: [
          { name: 'cache-control', value: 'max-age=3600' },
          { name: 'content-encoding', value: 'br' },
          { name: 'content-type', value: String(content.mimeType) },
          { name: 'date', value: 'Sun, 01 Mar 2026 10:00:00 GMT' },
          { name: 'server', value: 'nginx' },
          { name: 'strict-transport-security', value: 'max-age=31536000' },
          { name: 'vary', value: 'Accept-Encoding' },
          { name: 'x-cache', value: 'Hit from cloudfront' },
        ],
        cookies: [],
        content,
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
        _transferSize: 1000 + Math.floor(r() * 9000),
        _error: null,
      },
      serverIPAddress: `${Math.floor(r() * 223) + 1}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
      startedDateTime: new Date(start + n * 37).toISOString(),
      time: r() * 300,
      timings: { blocked: r() * 3, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: r() * 200, receive: r() * 20, _blocked_queueing: r() },
    };
    const s = `${n > 1 ? ',' : ''}\n      ${JSON.stringify(entry, null, 2).replace(/\n/g, '\n      ')}`;
    pending += s;
    written += Buffer.byteLength(s);
    if (pending.length > 1 << 20) {
      fs.writeSync(fd, pending);
      pending = '';
    }
  }
  pending += '\n    ]\n  }\n}\n';
  fs.writeSync(fd, pending);
  fs.closeSync(fd);
  return { entries: n, planted };
}

/** The needles a matcher would search for `value`: plain, URL-encoded, base64 at three alignments (and base64url), hex, hashes. */
export function benchLiterals(values: string[]): string[] {
  const out = new Set<string>();
  const b64Core = (s: string) => {
    // the base64 characters that do not depend on the neighbouring bytes, at each of three alignments
    const res: string[] = [];
    for (let pad = 0; pad < 3; pad++) {
      const enc = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(s)]).toString('base64');
      const skipStart = pad === 0 ? 0 : Math.ceil((pad * 4) / 3) + 1;
      const total = pad + Buffer.byteLength(s);
      const stable = Math.floor(total / 3) * 4;
      const core = enc.slice(skipStart, stable);
      if (core.length >= 8) res.push(core);
    }
    return res;
  };
  for (const v of values) {
    out.add(v);
    out.add(encodeURIComponent(v));
    out.add(encodeURIComponent(encodeURIComponent(v)));
    for (const c of b64Core(v)) {
      out.add(c);
      out.add(c.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    out.add(Buffer.from(v).toString('hex'));
    out.add(Buffer.from(v).toString('hex').toUpperCase());
    for (const alg of ['md5', 'sha1', 'sha256']) {
      const d = createHash(alg).update(v).digest();
      out.add(d.toString('hex'));
      out.add(d.toString('hex').toUpperCase());
      out.add(d.toString('base64').replace(/=+$/, ''));
    }
  }
  return [...out].filter((s) => s.length > 0);
}

interface Run {
  ms: number;
  /** user + system CPU time of the process and its children (ripgrep), when /usr/bin/time is there */
  cpuMs?: number;
  rssKb?: number;
  out: string;
}

function timeRun(cmd: string, args: string[]): Run {
  const hasTime = fs.existsSync('/usr/bin/time');
  const t = performance.now();
  const res = hasTime ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 }) : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t;
  let rssKb: number | undefined;
  let cpuMs: number | undefined;
  if (hasTime) {
    const m = /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(res.stderr);
    if (m) {
      rssKb = Number(m[1]);
      cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
    }
  }
  if (res.status !== 0 && res.status !== 1) throw new Error(`${cmd} failed (${res.status}): ${res.stderr}`);
  return { ms, cpuMs, rssKb, out: res.stdout };
}

const best = (runs: Run[]) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
const cpu = (r: Run) => (r.cpuMs === undefined ? '' : `, CPU ${r.cpuMs.toFixed(0)} ms`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mbIdx = args.indexOf('--mb');
  const mb = mbIdx >= 0 ? Number(args[mbIdx + 1]) : 100;
  const out = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--mb') ?? path.join(os.tmpdir(), `big-${mb}mb.har`);
  const t = performance.now();
  const { entries, planted } = makeBigHar(out, mb * 1e6);
  const size = fs.statSync(out).size;
  console.log(`wrote ${out}: ${(size / 1e6).toFixed(1)} MB, ${entries} entries, in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  for (const p of planted) console.log(`  entry=${p.entry}: ${p.what}`);
  if (args.includes('--no-measure')) return;

  const values = Object.values(BENCH_CANARIES);
  // the scan's own needle set (src/core/capture/needles.ts) when it is there, else a stand-in
  let literals = benchLiterals(values);
  let hints: { literal: string; ignoreCase?: boolean }[] = [{ literal: 'H4sI' }, { literal: '\\u001f\\u008b', ignoreCase: true }, { literal: 'content-encoding', ignoreCase: true }];
  let needleSource = 'a stand-in needle set (bench/make-big-har.ts)';
  try {
    if (args.includes('--stand-in')) throw new Error('the stand-in set was asked for');
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { formsOf } = require('../src/core/capture/forms') as typeof import('../src/core/capture/forms');
    const { literalsOf, DECODE_HINTS } = require('../src/core/capture/needles') as typeof import('../src/core/capture/needles');
    const ids: Record<string, string> = { imei: 'imei', phone: 'phone-number', email: 'email', adid: 'advertising-id' };
    literals = Object.entries(BENCH_CANARIES).flatMap(([k, v]) => literalsOf(formsOf({ value: v, categoryId: ids[k] })));
    hints = [...DECODE_HINTS];
    needleSource = "the scan's needle set (src/core/capture/needles.ts)";
  } catch {
    // not there yet
  }
  // rg -F with only the plain values: the baseline
  const rgArgs = ['--no-config', '-F', '-a', '-c', ...values.flatMap((v) => ['-e', v]), out];
  timeRun('rg', rgArgs); // warm the page cache
  const rg = best([0, 1, 2, 3, 4].map(() => timeRun('rg', rgArgs)));

  // the reader as a whole process: bundle a small runner and run it with node
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'har-bench-'));
  const runner = path.join(dir, 'runner.ts');
  fs.writeFileSync(
    runner,
    `import { readHar } from ${JSON.stringify(path.resolve(__dirname, '../src/node/capture/har-reader'))};
const [file, opts] = [process.argv[2]!, JSON.parse(process.argv[3]!)];
(async () => {
  const { units, done } = readHar(file, opts);
  const found: string[] = [];
  for await (const u of units) found.push(u.locator);
  const s = await done;
  console.log(JSON.stringify({ found, entries: s.entries, candidates: s.candidates, engine: s.engine, warnings: s.warnings.length }));
})().catch((e) => { console.error(e); process.exit(2); });
`,
  );
  const bundle = path.join(dir, 'runner.js');
  execFileSync(path.resolve(__dirname, '../node_modules/.bin/esbuild'), [runner, '--bundle', '--platform=node', '--target=node20', `--outfile=${bundle}`, '--log-level=warning']);
  const optsFast = JSON.stringify({ literals, hints });
  const fast = best([0, 1, 2, 3, 4].map(() => timeRun(process.execPath, [bundle, out, optsFast])));
  const nodeEmpty = best([0, 1, 2].map(() => timeRun(process.execPath, ['-e', '0'])));
  console.log(`\n${literals.length} literals + ${hints.length} hints for ${values.length} canaries, from ${needleSource}; best of 5 runs, wall time`);
  console.log(`rg -F (plain values only)   ${rg.ms.toFixed(0).padStart(6)} ms  peak RSS ${rg.rssKb ?? '?'} kB${cpu(rg)}`);
  console.log(`readHar, ripgrep path       ${fast.ms.toFixed(0).padStart(6)} ms  peak RSS ${fast.rssKb ?? '?'} kB${cpu(fast)}  (${(fast.ms / rg.ms).toFixed(1)}× rg; node startup alone ${nodeEmpty.ms.toFixed(0)} ms)`);
  console.log(`  → ${fast.out.trim()}`);
  if (args.includes('--fallback')) {
    const slow = timeRun(process.execPath, [bundle, out, JSON.stringify({ literals, hints, rg: false })]);
    console.log(`readHar, JavaScript path    ${slow.ms.toFixed(0).padStart(6)} ms  peak RSS ${slow.rssKb ?? '?'} kB${cpu(slow)}  (${(size / 1e6 / (slow.ms / 1000)).toFixed(0)} MB/s)`);
    console.log(`  → ${slow.out.trim()}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
