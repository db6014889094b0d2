/**
 * The timeline as HTML (src/core/present/diagram/timeline-html.ts): every event of
 * the bundled example with its date, lane, text and verdict; order; masking
 * before escaping (titles included); hostile text; no styles or handlers;
 * long texts; the bound on a huge report.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectTimeline, redactionMask, timelineDiagram, timelineHtml, DEFAULT_MAX_TIMELINE_EVENTS, type TimelineEvent } from '../../src/core/present/diagram';
import { elementAt } from '../../src/core/present/document';
import { visibleText } from '../../src/core/present/render/escape';
import { exampleText, HOSTILE, hostileReportText, load } from './diagram-fixtures';

// ---------------------------------------------------------------- helpers

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#61': '=' };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|#61);/g, (_, e: string) => ENTITIES[e]!);
/** The text a reader sees: tags dropped, entities decoded, spaces collapsed. */
const textOf = (html: string) => decode(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Every element whose start tag carries `data-record="id"`. */
function recordElements(html: string, id: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<li [^>]*data-record="${id}"`, 'g');
  for (let m = re.exec(html); m; m = re.exec(html)) out.push(elementAt(html, m.index)!);
  return out;
}

/** The days of a timeline: the ISO date shown, and the records of its events in document order. */
function days(html: string): { iso: string; long: string; records: string[] }[] {
  const out: { iso: string; long: string; records: string[] }[] = [];
  const re = /<li class="tl-day">/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const day = elementAt(html, m.index)!;
    out.push({
      iso: /<span class="tl-iso">([^<]*)<\/span>/.exec(day)?.[1] ?? '',
      long: /<span class="tl-date-long">([^<]*)<\/span>/.exec(day)![1]!,
      records: [...day.matchAll(/data-record="([^"]*)"/g)].map((r) => r[1]!),
    });
  }
  return out;
}

/** Tags the fragment may hold: the ones the report renderer writes. */
const TAGS = new Set(['div', 'p', 'ol', 'li', 'span']);
const ATTRS = new Set(['class', 'title', 'aria-label', 'data-record']);

/** Every tag well formed, from the allowlists, with double-quoted values; no stray `<` or `>` in the text. */
function assertInert(html: string): void {
  assert.doesNotMatch(html, /<script|<img|<svg|<style|<iframe|<a\s/i);
  assert.doesNotMatch(html, /<[^>]*\s(?:style|on[a-z]+)\s*=/i, 'a style attribute or an event handler');
  assert.doesNotMatch(html, /[\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'a control character or bidi override');
  const TAG = /<(\/?)([a-z]+)((?:\s+[a-z-]+="[^"<>]*")*)>/g;
  let rest = '';
  let last = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    rest += html.slice(last, m.index);
    last = m.index + m[0].length;
    assert.ok(TAGS.has(m[2]!), `tag <${m[2]}>`);
    for (const a of m[3]!.matchAll(/\s+([a-z-]+)="([^"]*)"/g)) {
      assert.ok(ATTRS.has(a[1]!), `attribute ${a[1]} on <${m[2]}>`);
      assert.doesNotMatch(a[2]!, /[&](?!(?:amp|lt|gt|quot|#39|#61);)/, `an unescaped & in ${a[1]}`);
    }
  }
  rest += html.slice(last);
  assert.doesNotMatch(rest, /[<>]/, `a stray < or > outside tags: ${/.{0,40}[<>].{0,40}/s.exec(rest)?.[0]}`);
  assert.doesNotMatch(rest, /["]/, 'a raw double quote in text');
}

const FRONT = (extra: string[] = []) => ['---', 'audit-format: 1', 'id: T-1', 'title: T', 'status: draft', 'date: 2020-03-01', 'auditors: [x]', ...extra, '---', ''];

// ---------------------------------------------------------------- the example

describe('timeline HTML of the example report', () => {
  const { report } = load(exampleText());
  const mask = redactionMask(report);
  const t = timelineHtml(report, { mask });
  const events = collectTimeline(report);

  test('one root element, every dated event counted', () => {
    assert.match(t.html, /^<div class="pa-timeline">/);
    assert.equal(elementAt(t.html, 0), t.html, 'the fragment is one element');
    assert.ok(t.events >= 33, `${t.events} events`);
    assert.equal(t.events, timelineDiagram(report).events);
    assert.equal(t.events, events.length);
    assert.equal(t.shown, t.events);
    assert.match(textOf(t.html), new RegExp(`^${t.events} dated events, from 6 August 2014 to 24 October 2014`));
    assertInert(t.html);
  });

  test('days once each, in date order, with the events of that date', () => {
    const ds = days(t.html);
    assert.deepEqual(ds.map((d) => d.iso), ['2014-08-06', '2014-08-10', '2014-08-14', '2014-10-09', '2014-10-19', '2014-10-22', '2014-10-23', '2014-10-24']);
    assert.deepEqual(ds.map((d) => d.long).slice(0, 2), ['6 August 2014', '10 August 2014']);
    for (const e of events) {
      if (!e.recordId) continue;
      const day = ds.find((d) => d.records.includes(e.recordId!));
      assert.equal(day?.iso, e.date, `${e.recordId} (${e.kind}) under its date`);
    }
    // the report's own date is the last day
    assert.match(textOf(elementAt(t.html, t.html.lastIndexOf('<li class="tl-day">'))!), /^24 October 2014 2014-10-24 · 1 event Report Report date status final$/);
  });

  test('events in the order of collectTimeline (date, then kind, then time)', () => {
    const written = [...t.html.matchAll(/data-record="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(written, events.filter((e) => e.recordId).map((e) => e.recordId));
    assert.deepEqual(written.slice(0, 8), ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'E2']);
    assert.ok(written.indexOf('E3') < written.indexOf('V1') && written.indexOf('V1') < written.indexOf('S8'));
  });

  test('every event shows its whole text, lane and verdict or result', () => {
    const LANE: Record<string, string> = { vendor: 'Vendor', regulator: 'Regulator', media: 'Media', auditor: 'Auditor', other: 'Other' };
    for (const e of events) {
      if (!e.recordId) continue;
      const els = recordElements(t.html, e.recordId);
      assert.ok(els.length > 0, `no element for ${e.recordId}`);
      const el = els.find((x) => x.includes(`tl-kind-${e.kind}`)) ?? els.find((x) => x.startsWith('<li class="tl-sub"'));
      assert.ok(el, `${e.recordId}: no ${e.kind} element`);
      const seen = textOf(el);
      if (e.detail.text) assert.ok(seen.includes(squash(e.detail.text)), `${e.recordId} ${e.kind}: whole text ${JSON.stringify(e.detail.text)} in ${JSON.stringify(seen)}`);
      if (e.kind === 'response' || e.kind === 'fix') {
        assert.match(el, new RegExp(`tl-party-${e.detail.party}`));
        assert.ok(seen.startsWith(`${LANE[e.detail.party!]} ${e.kind === 'fix' ? 'Fix claimed' : 'Statement'} ${e.recordId}`), seen);
        if (e.detail.by) assert.ok(seen.includes(e.detail.by), `${e.recordId}: by`);
      }
      if (e.kind === 'response') assert.match(el, new RegExp(`<span class="tl-badge tl-verdict-${e.detail.verdict}">${e.detail.verdict}</span>`));
    }
    const v1 = recordElements(t.html, 'V1')[0]!;
    assert.match(textOf(v1), /^Vendor Statement V1 verdict mixed Hugo Barra, Vice President, Xiaomi Global Google\+ post The reported concerns/);
    const r1 = recordElements(t.html, 'R1')[0]!;
    assert.match(r1, /class="tl-event tl-kind-retest tl-party-analyst"/);
    assert.match(r1, /<span class="tl-badge tl-result-partially-fixed">partially fixed<\/span>/);
    assert.match(textOf(r1), /build MIUI V5 JHCCNBH \(post-OTA 2014-08-10\) verifies V1 flows F1–F4/);
    assert.match(textOf(recordElements(t.html, 'V3')[0]!), /^Regulator Statement V3 verdict unverified National Communications Commission/);
    assert.match(textOf(recordElements(t.html, 'V7')[0]!), /^Media Statement V7/);
    assert.match(recordElements(t.html, 'V2')[0]!, /tl-party-auditor/);
  });

  test('same-day steps and captures are one event listing each record; times as written', () => {
    const first = elementAt(t.html, t.html.indexOf('<li class="tl-event tl-group tl-kind-step'))!;
    assert.match(textOf(first), /^Analyst Test steps \(7\) S1–S7 S1 on D1 Take a new Redmi 1S/);
    assert.equal([...first.matchAll(/data-record=/g)].length, 7);
    const e2 = recordElements(t.html, 'E2')[0]!;
    assert.match(e2, /<span class="tl-time" title="2014-08-06T09:30:00Z">09:30 UTC<\/span>/);
    // the retest's notes and capture, the same day: one event
    assert.match(recordElements(t.html, 'E4')[0]!, /^<li class="tl-sub" data-record="E4">/);
    assert.match(recordElements(t.html, 'E15')[0]!, /^<li class="tl-sub" data-record="E15">/);
    // a lone capture is an event of its own
    const lone = timelineHtml(load([...FRONT(), '```evidence', 'id: E1', 'file: a.pcap', 'kind: pcap', 'captured: 2020-01-01T10:00:00Z', '```', ''].join('\n')).report, { mask }).html;
    assert.match(recordElements(lone, 'E1')[0]!, /^<li class="tl-event tl-kind-evidence tl-party-analyst" data-record="E1">/);
  });

  test('deterministic', () => {
    assert.equal(timelineHtml(load(exampleText()).report, { mask }).html, t.html);
  });
});

// ---------------------------------------------------------------- masking and hostile text

describe('timeline HTML: masking and escaping', () => {
  const SECRET = '869999012345677';
  const long = `Start ${SECRET} ${'word '.repeat(150)}end ${SECRET} tail`;
  const text = [
    ...FRONT(['redact:', `  - "${SECRET}"`]),
    '```step',
    `- id: S1`,
    `  action: "Dial ${SECRET}"`,
    `  date: 2020-02-01T10:00:00+02:00`,
    '```',
    '```evidence',
    `- id: E1`,
    `  url: https://example.org`,
    `  captured: 2020-02-01`,
    `  description: "${long}"`,
    '```',
    '```response',
    `- id: V1`,
    `  date: 2020-02-02`,
    `  party: "press ${SECRET}"`,
    `  by: "Agent ${SECRET}"`,
    `  channel: "line ${SECRET}"`,
    `  statement: "We never saw ${SECRET}"`,
    `  fix: "build ${SECRET}"`,
    `  verdict: contradicted`,
    '```',
    '```retest',
    `- id: R1`,
    `  date: 2020-02-03`,
    `  build: "B-${SECRET}"`,
    `  result: not-fixed`,
    `  observed: "still ${SECRET}"`,
    '```',
    '',
  ].join('\n');
  const { report } = load(text);

  test('a redacted value never appears, in text or in titles', () => {
    const plain = timelineHtml(report).html;
    assert.ok(plain.includes(SECRET), 'the test report does carry the value unmasked');
    const { html } = timelineHtml(report, { mask: redactionMask(report) });
    assert.ok(!html.includes(SECRET), 'the value is masked');
    assert.ok(!html.includes('86999901'), 'no part of the value either');
    assert.ok(html.split('[redacted]').length - 1 >= 9, 'each place shows the mask');
    const title = /class="tl-text tl-text-cut" title="([^"]*)"/.exec(html);
    assert.ok(title, 'the long description is cut, with a title');
    assert.match(decode(title[1]!), /^Start \[redacted\] word .* end \[redacted\] tail$/);
    assertInert(html);
  });

  test('a party the schema does not know is its own lane, shown as written (masked)', () => {
    const { html } = timelineHtml(report, { mask: redactionMask(report) });
    const v1 = recordElements(html, 'V1')[0]!;
    assert.match(v1, /^<li class="tl-event tl-kind-response tl-party-unknown" data-record="V1">/);
    assert.match(textOf(v1), /^press \[redacted\] Statement V1 verdict contradicted Agent \[redacted\] line \[redacted\] We never saw \[redacted\]$/);
    assert.match(recordElements(html, 'R1')[0]!, /<span class="tl-badge tl-result-not-fixed">not fixed<\/span>/);
    assert.match(recordElements(html, 'S1')[0]!, /<span class="tl-time" title="2020-02-01T10:00:00\+02:00">10:00 \+02:00<\/span>/);
  });

  test('a party left out says so', () => {
    const r = load([...FRONT(), '```response', '- id: V1', '  date: 2020-02-02', '  statement: x', '```', ''].join('\n')).report;
    assert.match(textOf(recordElements(timelineHtml(r).html, 'V1')[0]!), /^Party not given Statement V1 x$/);
  });

  test('the mask runs before the cut: a value across the cut is masked whole', () => {
    const at = 480 - 5;
    const s = `${'a'.repeat(at)} ${SECRET} after`;
    const r = load([...FRONT(['redact:', `  - "${SECRET}"`]), '```step', '- id: S1', `  action: "${s}"`, '  date: 2020-02-01', '```', ''].join('\n')).report;
    const { html } = timelineHtml(r, { mask: redactionMask(r) });
    assert.ok(!html.includes(SECRET.slice(0, 4)), html.slice(-300));
  });

  test('hostile text is inert: tags, quotes, handlers and bidi overrides escaped', () => {
    const { report: hostile } = load(hostileReportText());
    const { html, events } = timelineHtml(hostile);
    assert.ok(events >= 5);
    assertInert(html);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&lt;img src&#61;x onerror&#61;alert(1)&gt;') || html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('&quot;]; click n1 call alert(1)'));
    // the whole statement is there, as a reader sees it (overrides as spaces)
    const v1 = textOf(recordElements(html, 'V1')[0]!);
    assert.ok(v1.includes(squash(visibleText(HOSTILE))), v1);
  });
});

// ---------------------------------------------------------------- long text, size

describe('timeline HTML: long texts and large reports', () => {
  test('a text up to the limit is whole; a longer one is cut at a word and kept whole in its title', () => {
    const ok = `${'word '.repeat(95)}ends`; // 479 characters
    const cut = `${'word '.repeat(150)}ends`;
    const r = load([...FRONT(), '```step', '- id: S1', `  action: "${ok}"`, '  date: 2020-02-01', '- id: S2', `  action: "${cut}"`, '  date: 2020-02-02', '```', ''].join('\n')).report;
    const { html } = timelineHtml(r);
    const s1 = recordElements(html, 'S1')[0]!;
    assert.ok(textOf(s1).endsWith(ok));
    assert.doesNotMatch(s1, /title=/);
    const s2 = recordElements(html, 'S2')[0]!;
    const m = /<p class="tl-text tl-text-cut" title="([^"]*)">([^<]*)<\/p>/.exec(s2);
    assert.ok(m, s2);
    assert.equal(decode(m[1]!), cut);
    assert.match(m[2]!, /^(word ){20,}word…$/);
    assert.ok(m[2]!.length <= 481);
  });

  function huge(n: number): string {
    const lines: string[] = [];
    for (let i = 1; i <= n; i++) {
      const d = new Date(Date.UTC(2000, 0, 1 + Math.floor(i / 3))).toISOString().slice(0, 10);
      lines.push(`- id: V${i}`, `  date: ${d}`, `  party: ${['vendor', 'media', 'regulator'][i % 3]}`, `  statement: Statement number ${i} ${'x'.repeat(i % 50)}`, '  verdict: mixed');
    }
    return [...FRONT(), '```response', ...lines, '```', ''].join('\n');
  }

  test('thousands of events: at most maxEvents written, the rest counted', () => {
    const { report } = load(huge(6000));
    const started = performance.now();
    const t = timelineHtml(report);
    const ms = performance.now() - started;
    assert.equal(t.events, 6001);
    assert.equal(t.shown, DEFAULT_MAX_TIMELINE_EVENTS);
    assert.equal([...t.html.matchAll(/data-record=/g)].length, DEFAULT_MAX_TIMELINE_EVENTS);
    assert.match(textOf(t.html), /\+5601 more events not shown, up to 1 March 2020: the timeline shows the first 400 of 6001/);
    assert.match(textOf(t.html), /^6001 dated events, from 1 January 2000 to 1 March 2020/);
    assert.ok(t.html.length < 400 * 1000, `${t.html.length} characters`);
    assert.ok(ms < 1500, `${ms} ms`);
    assertInert(t.html);
    const ten = timelineHtml(report, { maxEvents: 10 });
    assert.equal(ten.shown, 10);
    assert.deepEqual([...ten.html.matchAll(/data-record="([^"]*)"/g)].map((m) => m[1]), ['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', 'V8', 'V9', 'V10']);
  });

  test('time grows about linearly with the report', () => {
    const small = load(huge(2000)).report;
    const big = load(huge(16000)).report;
    const time = (r: typeof small) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const s = performance.now();
        timelineHtml(r, { maxEvents: 1e9 });
        best = Math.min(best, performance.now() - s);
      }
      return best;
    };
    time(small);
    const a = time(small);
    const b = time(big);
    assert.ok(b < a * 8 * 3 + 50, `2000 events: ${a.toFixed(1)} ms, 16000: ${b.toFixed(1)} ms`);
  });

  test('a report without dated events', () => {
    const t = timelineHtml(load('---\naudit-format: 1\n---\n').report);
    assert.deepEqual(t, { html: '<div class="pa-timeline pa-timeline-empty"><p class="tl-summary">No dated events.</p></div>', events: 0, shown: 0 });
  });

  test('all dated events as TimelineEvent: details are the raw record values', () => {
    const e = collectTimeline(load(exampleText()).report).find((x) => x.recordId === 'V1' && x.kind === 'response') as TimelineEvent;
    assert.deepEqual(Object.keys(e.detail).sort(), ['by', 'channel', 'party', 'text', 'verdict']);
    assert.equal(e.detail.party, 'vendor');
  });
});
