/**
 * Redaction fuzzing: generated reports hide the test phone's identifiers in
 * every way a hostile or careless author could (as written, NFD, upper
 * case, separators, zero-width characters, fullwidth digits, split by
 * emphasis, code or a link, broken over a line, in headings, tables, lists,
 * quotes, image texts, record fields, the title, the file name), declared
 * every way the format allows (device identifiers as a value, a list, a
 * mapping; `redact`; with duplicate keys), and export them through the real
 * pipeline. An independent oracle then reads every output: the HTML's text
 * and attributes, and for some cases the PDF's text (pdftotext), metadata
 * (pdfinfo) and bookmarks (pdftohtml), looking for each identifier's letters
 * and digits in order, whatever lies between them.
 *
 *   npm run fuzz:redaction                      # 10,000 reports, a PDF every 50
 *   npm run fuzz:redaction -- --runs 200 --pdf-every 40 --seed 7
 *
 * Prints counts: reports, exported, refused (with the reason), leaks,
 * crashes, hangs; exits 1 when any of the last three is not zero.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ExportInputError, Exporter } from '../src/node/export';

export interface FuzzCase {
  /** The report's file name (it may hold a secret too). */
  name: string;
  text: string;
  /** Every value the report asks to mask. */
  secrets: string[];
}

const NAMES = ['José Müller', 'Zoë Ångström', 'Łukasz Dębski', 'Renée Faßbender'];
const WORDS = ['the', 'phone', 'sent', 'data', 'to', 'server', 'after', 'boot', 'and', 'again', 'when', 'idle', 'vendor', 'said'];
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const secretArb = fc.oneof(
  digits(15), // IMEI
  digits(10).map((d) => `+1${d}`), // phone number
  digits(19), // ICCID
  fc.constantFrom(...NAMES),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16).padStart(2, '0')).join(':')), // MAC
  fc.uuid(), // advertising id
  digits(10).map((d) => `user${d}@example.org`),
);

/** One spelling of a secret as an author might write it in Markdown. */
function spell(secret: string, how: number, cut: number): string {
  const at = 1 + (cut % Math.max(1, secret.length - 2));
  const a = secret.slice(0, at);
  const b = secret.slice(at);
  switch (how) {
    case 0: return secret;
    case 1: return secret.normalize('NFD');
    case 2: return secret.toUpperCase();
    case 3: return `${a}**${b}**`;
    case 4: return `_${a}_${b}`;
    case 5: return `\`${a}\`${b}`;
    case 6: return `[${a}](https://example.com/)${b}`;
    case 7: return [...secret].join('\u200b');
    case 8: return [...secret].map((c, i) => (i % 3 === 2 ? `${c} ` : c)).join('');
    case 9: return [...secret].map((c, i) => (i % 4 === 3 ? `${c}-` : c)).join('');
    case 10: return secret.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    case 11: return `${a}\n${b}`;
    case 12: return [...secret].join('\u00ad');
    default: return `*${a}*\u2060${b}`;
  }
}

/** One place in a report for a spelled secret. */
function place(s: string, where: number): string[] {
  const oneLine = s.replace(/\n/g, ' ');
  switch (where) {
    case 0: return [`The ${s} was sent to the server.`, ''];
    case 1: return [`## Seen: ${oneLine}`, ''];
    case 2: return ['| what | value |', '| --- | --- |', `| id | ${oneLine} |`, ''];
    case 3: return [`- item with ${s}`, ''];
    case 4: return [`> quoted ${s}`, ''];
    case 5: return [`![photo of ${oneLine}](https://example.com/x.png)`, ''];
    case 6: return ['```', oneLine, '```', ''];
    case 7: return ['```flow', `id: F${(where * 7) % 90 + 1}`, 'from: D1', `to: api.example.com`, `data: [IMEI]`, `notes: "${oneLine.replace(/["\\]/g, '')}"`, '```', ''];
    case 8: return ['```step', `id: S${(where * 3) % 90 + 1}`, `action: "Typed ${oneLine.replace(/["\\]/g, '')} into the dialer"`, '```', ''];
    default: return [`<b>${oneLine}</b> in raw HTML`, ''];
  }
}

export const caseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    secrets: fc.uniqueArray(secretArb, { minLength: 1, maxLength: 4 }),
    declare: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
    uses: fc.array(fc.record({ which: fc.nat(), how: fc.integer({ min: 0, max: 13 }), where: fc.integer({ min: 0, max: 9 }), cut: fc.nat(40) }), { minLength: 1, maxLength: 8 }),
    words: fc.array(fc.constantFrom(...WORDS), { minLength: 3, maxLength: 30 }),
    titleSecret: fc.boolean(),
    nameSecret: fc.boolean(),
    slip: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ secrets, declare, uses, words, titleSecret, nameSecret, slip }) => {
    const device: string[] = [];
    const redact: string[] = [];
    secrets.forEach((s, i) => {
      const q = JSON.stringify(s);
      switch (declare[i] ?? 0) {
        case 0: device.push(`  k${i}: ${q}`); break;
        case 1: device.push(`  k${i}: [${q}, "x-${i}"]`); break;
        case 2: device.push(`  k${i}: {slot1: ${q}}`); break;
        case 3: device.push(`  k${i}:`, `    - {v: ${q}}`); break;
        default: redact.push(q);
      }
    });
    const fm = ['---', 'audit-format: 1', 'id: FUZZ-1', `title: ${JSON.stringify(`Audit ${titleSecret ? secrets[0] : 'of a phone'}`)}`, 'status: final', 'date: 2024-01-01', 'auditors: [A]'];
    if (redact.length) fm.push(`redact: [${redact.join(', ')}]`);
    if (slip === 1) fm.push('status: draft'); // a duplicate key
    fm.push('---', '', `# Report ${words.slice(0, 3).join(' ')}`, '', words.join(' '), '');
    const dev = ['```device', 'id: D1', 'vendor: Example'];
    if (slip === 2) dev.push('vendor: Again'); // a duplicate key
    dev.push('identifiers:', ...(device.length ? device : ['  none: "-"']), '```', '');
    const body: string[] = [];
    for (const u of uses) body.push(...place(spell(secrets[u.which % secrets.length]!, u.how, u.cut), u.where));
    const name = nameSecret ? `${secrets[0]!.replace(/[^A-Za-z0-9@.+-]/g, '_')}.audit.md` : 'fuzz.audit.md';
    return { name, text: [...fm, ...dev, ...body].join('\n'), secrets };
  });

// ------------------------------------------------------------------ oracle

/** Letters and digits only, NFKC, lower case: what is left of a value whatever surrounds or splits it. */
const skeleton = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITY[e.toLowerCase()] ?? all),
  );

/** The secrets whose letters and digits appear, in order, in `hay` (a short secret must appear as written, case and form aside). */
export function leaked(hay: string, secrets: readonly string[]): string[] {
  const sk = skeleton(hay);
  const flat = hay.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
  return secrets.filter((s) => (skeleton(s).length >= 8 ? sk.includes(skeleton(s)) : flat.includes(s.normalize('NFKC').toLowerCase())));
}

/** Where the exported HTML shows a secret: its text read across tags, and each attribute value. */
export function htmlLeaks(html: string, secrets: readonly string[]): string[] {
  const out: string[] = [];
  const text = decode(html.replace(/<[^>]*>/g, ''));
  for (const s of leaked(text, secrets)) out.push(`${s} in the HTML text`);
  for (const m of html.matchAll(/=\s*"([^"]*)"/g)) for (const s of leaked(decode(m[1]!), secrets)) out.push(`${s} in an HTML attribute`);
  return out;
}

/** Where the PDF shows a secret: its text, its metadata, its bookmarks. */
export function pdfLeaks(file: string, secrets: readonly string[]): string[] {
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { maxBuffer: 64 << 20 }).toString('utf8');
  const out: string[] = [];
  for (const s of leaked(run('pdftotext', ['-enc', 'UTF-8', file, '-']), secrets)) out.push(`${s} in the PDF text`);
  for (const s of leaked(run('pdfinfo', [file]), secrets)) out.push(`${s} in the PDF metadata`);
  const outline = [...run('pdftohtml', ['-xml', '-i', '-q', '-stdout', file]).matchAll(/<item page="\d+">([^<]*)<\/item>/g)].map((m) => decode(m[1]!)).join('\n');
  for (const s of leaked(outline, secrets)) out.push(`${s} in the PDF bookmarks`);
  return out;
}

// ------------------------------------------------------------------ runner

export interface FuzzCounts {
  reports: number;
  exported: number;
  pdfs: number;
  refused: number;
  /** Why exports were refused, with how often. */
  reasons: Map<string, number>;
  leaks: string[];
  crashes: string[];
  hangs: number;
  maxMs: number;
}

export async function fuzzRedaction(options: { runs: number; seed: number; pdfEvery: number; deadlineMs?: number; browserPath?: string }): Promise<FuzzCounts> {
  const counts: FuzzCounts = { reports: 0, exported: 0, pdfs: 0, refused: 0, reasons: new Map(), leaks: [], crashes: [], hangs: 0, maxMs: 0 };
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-fuzz-redaction-'));
  const exporter = new Exporter({ browserPath: options.browserPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const deadline = options.deadlineMs ?? 60_000;
  try {
    await exporter.start();
    const cases = fc.sample(caseArb, { numRuns: options.runs, seed: options.seed });
    for (const [i, c] of cases.entries()) {
      counts.reports++;
      const folder = path.join(dir, String(i));
      mkdirSync(folder);
      const file = path.join(folder, c.name);
      writeFileSync(file, c.text);
      const pdf = options.pdfEvery > 0 && i % options.pdfEvery === 0;
      const t0 = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), deadline)));
      try {
        const job = pdf
          ? exporter.export({ text: c.text, filePath: file, root: folder, pdf: path.join(folder, 'out.pdf'), html: path.join(folder, 'out.html') }).then((r) => ({ html: undefined as string | undefined, r }))
          : exporter.document({ text: c.text, filePath: file, root: folder }).then((d) => ({ html: d.doc.html as string | undefined, r: undefined }));
        const done = await Promise.race([job, late]);
        if (done === 'hang') {
          counts.hangs++;
          console.error(`hang (over ${deadline} ms): case ${i}\n${c.text}`);
          break; // the exporter is still busy with it
        }
        counts.exported++;
        const html = done.html ?? (await import('node:fs')).readFileSync(path.join(folder, 'out.html'), 'utf8');
        const found = htmlLeaks(html, c.secrets);
        if (pdf) {
          counts.pdfs++;
          found.push(...pdfLeaks(path.join(folder, 'out.pdf'), c.secrets));
        }
        for (const f of found) counts.leaks.push(`case ${i}: ${f}`);
        if (found.length) console.error(`LEAK case ${i}: ${found.join('; ')}\n${c.text}\n`);
      } catch (err) {
        if (err instanceof ExportInputError && /^Not (exported|printed)/.test(err.message)) {
          counts.refused++;
          const why = err.message.replace(/line \d+/g, 'line N').replace(/\(line N: .*?\)/, '(…)');
          counts.reasons.set(why, (counts.reasons.get(why) ?? 0) + 1);
        }
        else {
          counts.crashes.push(`case ${i}: ${(err as Error).stack ?? String(err)}`);
          console.error(`CRASH case ${i}: ${(err as Error).stack}\n${c.text}\n`);
        }
      } finally {
        clearTimeout(timer);
        counts.maxMs = Math.max(counts.maxMs, performance.now() - t0);
        rmSync(folder, { recursive: true, force: true });
      }
    }
  } finally {
    await exporter.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  return counts;
}

export function summary(c: FuzzCounts): string {
  return `redaction fuzz: ${c.reports} reports, ${c.exported} exported (${c.pdfs} as PDF), ${c.refused} refused, ${c.leaks.length} leaks, ${c.crashes.length} crashes, ${c.hangs} hangs; slowest ${Math.round(c.maxMs)} ms${[...c.reasons].map(([why, n]) => `\n  refused ${n}×: ${why}`).join('')}`;
}

if (require.main === module) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  void fuzzRedaction({ runs: arg('--runs', 10_000), seed: arg('--seed', Date.now() % 100_000), pdfEvery: arg('--pdf-every', 50) }).then((c) => {
    console.log(summary(c));
    process.exitCode = c.leaks.length || c.crashes.length || c.hangs ? 1 : 0;
  });
}
