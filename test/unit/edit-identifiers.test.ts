/**
 * A device's identifiers whose value is a list (`contacts: [a, b]`, two SIMs'
 * `IMSI`) in the structured editor: the form's model shows each item as
 * written, the protocol accepts a list of strings for a category, and the
 * planner changes only the entries (and items) that changed. A model-based
 * property test makes random row edits, as the form makes them, on random
 * identifiers written in random styles.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyIntent, type Intent } from '../../src/core/edit';
import { buildEditorModel, identifierShown } from '../../src/core/edit/viewmodel';
import { Linter } from '../../src/core/lint/linter';
import { checkIntent, parseWebviewMessage, type ValueMap } from '../../src/core/protocol';
import type { Report, YEntry } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import { applyEdits } from '../support/edits';

const FM = '---\naudit-format: 1\nid: T\ntitle: T\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n---\n';
const device = (ids: string) => `${FM}\n\`\`\`device\nid: D1\n${ids}\`\`\`\n`;

/** What the form shows for D1's identifiers (and sends back for the rows it did not change). */
async function shown(text: string): Promise<Record<string, unknown>> {
  const m = buildEditorModel(await new Linter().lint(text), 1);
  return m.records.find((r) => r.id === 'D1')!.fields.identifiers as Record<string, unknown>;
}

/** The same, from a parse alone (viewmodel's `identifierShown` for each entry). */
function shownNow(r: Report): Record<string, string | string[]> {
  const v = r.byId.get('D1')!.fields.get('identifiers')!.value;
  assert.equal(v?.type, 'map');
  return Object.fromEntries(v!.type === 'map' ? v!.entries.map((e) => [e.key, identifierShown(r.text, e.value)]) : []);
}

function setIds(text: string, value: unknown): string {
  const res = applyIntent(parseReport(text), { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value } as Intent);
  if (!('edits' in res)) assert.fail(`refused: ${res.error}`);
  return applyEdits(text, res.edits);
}

/** `setIds` with the form's current value of the identifiers patched by `change`. */
function edit(text: string, change: (ids: Record<string, string | string[]>) => void): string {
  const ids = shownNow(parseReport(text));
  change(ids);
  return setIds(text, ids);
}

const BLOCK = device('identifiers:\n  IMEI: 869999012345677\n  contacts: ["+86 139 1234 5678", "+86 139 8765 4321"] # two\n  IMSI:\n    - 001010000012345\n    - "001010000012346"\n');
const FLOW = device('identifiers: {IMEI: 869999012345677, contacts: [a, \'b c\'], phone number: +12025550101}\n');

describe('identifiers whose value is a list: an edit of another row', () => {
  test('the IMEI row changed, the form sending back what it shows: the lists stay byte for byte', async () => {
    const sent = { ...(await shown(BLOCK)), IMEI: '869999012345678' };
    assert.equal(setIds(BLOCK, sent), BLOCK.replace('IMEI: 869999012345677', 'IMEI: "869999012345678"'));
    // in a flow mapping too
    const sentFlow = { ...(await shown(FLOW)), IMEI: '869999012345678' };
    assert.equal(setIds(FLOW, sentFlow), FLOW.replace('IMEI: 869999012345677', 'IMEI: "869999012345678"'));
  });

  test('a form that sends a list as "" (as before lists were shown) changes nothing either', () => {
    assert.equal(setIds(BLOCK, { IMEI: '869999012345678', contacts: '', IMSI: '' }), BLOCK.replace('IMEI: 869999012345677', 'IMEI: "869999012345678"'));
  });
});

describe('the form’s model', () => {
  test('each item of a list as written (001010… stays as typed)', async () => {
    assert.deepEqual(await shown(BLOCK), {
      IMEI: '869999012345677',
      contacts: ['+86 139 1234 5678', '+86 139 8765 4321'],
      IMSI: ['001010000012345', '001010000012346'],
    });
    assert.deepEqual(await shown(FLOW), { IMEI: '869999012345677', contacts: ['a', 'b c'], 'phone number': '+12025550101' });
  });

  test('an empty item as "", a mapping inside a list as its JSON, a list of one as a list', async () => {
    assert.deepEqual(await shown(device('identifiers:\n  email: [x@example.org]\n  IMSI:\n    - 0x1F\n    -\n    - {a: b}\n  MEID:\n')), { email: ['x@example.org'], IMSI: ['0x1F', '', '{"a":"b"}'], MEID: '' });
  });
});

describe('the protocol', () => {
  const msg = (value: unknown) => parseWebviewMessage({ type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value } });
  const why = (value: unknown) => {
    const r = checkIntent({ type: 'setField', record: { id: 'D1' }, field: 'identifiers', value });
    return 'error' in r ? r.error : assert.fail(`accepted ${JSON.stringify(value)}`);
  };

  test('accepts a string or a list of strings per category', () => {
    const value = { IMEI: '867530912345678', contacts: ['+86 139 1234 5678', '+86 139 8765 4321'], IMSI: ['001010000012345'] };
    assert.deepEqual(msg(value), { type: 'intent', requestId: 1, version: 1, intent: { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value } });
    assert.ok(msg(JSON.parse('{"contacts": ["a", "b"]}')));
    assert.ok(parseWebviewMessage({ type: 'intent', requestId: 1, version: 1, intent: { type: 'setFields', record: { id: 'D1' }, fields: { identifiers: { IMSI: ['a', 'b'] } } } }));
    // the limits: a list of 100 values of 10,000 characters
    assert.ok(msg({ contacts: Array.from({ length: 100 }, () => 'x'.repeat(10_000)) }));
  });

  test('rejects anything else, and says why', () => {
    assert.match(why({ IMEI: 867530912345678 }), /"IMEI" is a number/);
    assert.match(why({ IMEI: null }), /"IMEI" is null/);
    assert.match(why({ IMEI: { a: 'b' } }), /"IMEI" is a mapping/);
    assert.match(why({ IMSI: [] }), /"IMSI" is an empty list/);
    assert.match(why({ IMSI: ['a', 2] }), /the list of "IMSI" holds a number/);
    assert.match(why({ IMSI: ['a', ['b']] }), /the list of "IMSI" holds a list/);
    assert.match(why({ IMSI: ['a', null] }), /the list of "IMSI" holds null/);
    assert.match(why({ '': 'x' }), /a key is empty/);
    for (const v of [{ IMEI: 1 }, { IMSI: [] }, { IMSI: ['a', true] }, { IMSI: [{ a: 'b' }] }]) assert.equal(msg(v), undefined, JSON.stringify(v));
    // over the limits: 101 values, a value of 10,001 characters
    assert.equal(msg({ contacts: Array.from({ length: 101 }, () => 'x') }), undefined);
    assert.equal(msg({ contacts: ['a', 'x'.repeat(10_001)] }), undefined);
    // a list of strings is an identifier's value, not an item of a list (the auditors)
    assert.equal(parseWebviewMessage({ type: 'intent', requestId: 1, version: 1, intent: { type: 'setFrontMatter', key: 'auditors', value: [{ name: ['a'] }] } }), undefined);
  });
});

describe('the planner: lists item by item', () => {
  /** Each case: the text, the list changed as the form changes it, and the text before and after in the result. */
  type Case = [text: string, key: string, change: (items: string[]) => unknown, from: string, to: string];
  const check = (cases: Case[]) => {
    for (const [text, key, change, from, to] of cases) {
      assert.ok(text.includes(from), from);
      assert.equal(edit(text, (ids) => change(ids[key] as string[])), text.replace(from, to));
    }
  };

  test('a flow list: one item changed, one added, one removed; quoting and the comment kept', () => {
    check([
      [BLOCK, 'contacts', (l) => (l[1] = '+86 139 0000 0000'), '"+86 139 8765 4321"] # two', '"+86 139 0000 0000"] # two'],
      [BLOCK, 'contacts', (l) => l.push('+86 139 1111 2222'), '"+86 139 8765 4321"] # two', '"+86 139 8765 4321", "+86 139 1111 2222"] # two'],
      [BLOCK, 'contacts', (l) => l.shift(), '["+86 139 1234 5678", "+86 139 8765 4321"]', '["+86 139 8765 4321"]'],
      [FLOW, 'contacts', (l) => l.pop(), "[a, 'b c']", '[a]'],
      [device('identifiers: {contacts: [a, b, c]}\n'), 'contacts', (l) => l.splice(1, 1), '[a, b, c]', '[a, c]'],
    ]);
  });

  test('a block list: items changed, added and removed line by line; 001010… kept as written', () => {
    check([
      [BLOCK, 'IMSI', (l) => (l[1] = '001010000012347'), '    - "001010000012346"', '    - "001010000012347"'],
      [BLOCK, 'IMSI', (l) => l.push('001010000012348'), '    - "001010000012346"\n', '    - "001010000012346"\n    - "001010000012348"\n'],
      [BLOCK, 'IMSI', (l) => l.shift(), '    - 001010000012345\n', ''],
    ]);
    assert.deepEqual(shownNow(parseReport(BLOCK.replace('    - 001010000012345\n', ''))).IMSI, ['001010000012346']);
  });

  test('a second value for a category: a flow list, or a block list when the lists beside it are block lists', () => {
    const flow = device('identifiers:\n  IMEI: 869999012345677 # the first SIM slot\n  IMSI: "001010000012345"\n');
    assert.equal(setIds(flow, { IMEI: '869999012345677', IMSI: ['001010000012345', '001010000012346'] }), flow.replace('IMSI: "001010000012345"', 'IMSI: ["001010000012345", "001010000012346"]'));
    // a plain value that YAML reads as a number is written as the text the form showed; in the style of the first list
    assert.equal(setIds(BLOCK, { ...shownNow(parseReport(BLOCK)), IMEI: ['869999012345677', '869999012345685'] }), BLOCK.replace('  IMEI: 869999012345677\n', '  IMEI: ["869999012345677", "869999012345685"]\n'));
    // the block list's indentation as beside it
    const flush = device('identifiers:\n  IMSI:\n  - "001010000012345"\n  - "001010000012346"\n  email: a@example.org\n');
    assert.equal(setIds(flush, { IMSI: ['001010000012345', '001010000012346'], email: ['a@example.org', 'b@example.org'] }), flush.replace('  email: a@example.org\n', '  email:\n  - a@example.org\n  - b@example.org\n'));
    // a new category with several values, in a block mapping and a flow mapping
    assert.equal(setIds(flush, { IMSI: ['001010000012345', '001010000012346'], email: 'a@example.org', contacts: ['a', 'b'] }), flush.replace('  email: a@example.org\n', '  email: a@example.org\n  contacts:\n  - a\n  - b\n'));
    assert.equal(setIds(FLOW, { ...shownNow(parseReport(FLOW)), email: ['x@example.org', 'y@example.org'] }), FLOW.replace('+12025550101}', '+12025550101, email: [x@example.org, y@example.org]}'));
  });

  test('a list of one stays a list of one; a list of one sent as its value is no change', () => {
    const one = device('identifiers:\n  contacts: [a] # one\n  IMEI: "1"\n');
    assert.equal(setIds(one, { contacts: 'b', IMEI: '1' }), one.replace('[a]', '[b]'));
    assert.equal(setIds(one, { contacts: ['b'], IMEI: '1' }), one.replace('[a]', '[b]'));
    assert.equal(setIds(one, { contacts: 'a', IMEI: '2' }), one.replace('IMEI: "1"', 'IMEI: "2"'));
    // and a value sent as a list of one (a form that always sends lists)
    assert.equal(setIds(one, { contacts: ['a'], IMEI: ['2'] }), one.replace('IMEI: "1"', 'IMEI: ["2"]'));
    assert.equal(setIds(one, { contacts: ['a'], IMEI: ['1'] }), one);
  });

  test('a category removed, renamed; new identifiers with lists where there were none', () => {
    assert.equal(edit(BLOCK, (ids) => delete ids.contacts), BLOCK.replace('  contacts: ["+86 139 1234 5678", "+86 139 8765 4321"] # two\n', ''));
    const none = device('vendor: X\n');
    assert.equal(setIds(none, { IMEI: '1', contacts: ['a', 'b'] }), device('vendor: X\nidentifiers: {IMEI: "1", contacts: [a, b]}\n'));
    const empty = device('identifiers: {}\n');
    assert.equal(setIds(empty, { contacts: ['a', 'b'] }), device('identifiers: {contacts: [a, b]}\n'));
    const added = applyIntent(parseReport(none), { type: 'addRecord', kind: 'device', fields: { identifiers: { contacts: ['a', '+1 202'] } } });
    assert.ok('edits' in added, JSON.stringify(added));
    assert.match(applyEdits(none, added.edits), /identifiers: \{contacts: \[a, \+1 202\]\}/);
  });

  test('a mapping inside a list (not an identifier the format allows) is kept when another item changes', () => {
    const odd = device('identifiers:\n  IMSI: [x, {a: b}]\n');
    assert.equal(edit(odd, (ids) => ((ids.IMSI as string[])[0] = 'y')), odd.replace('[x,', '[y,'));
  });
});

// ---------------------------------------------------------------- property

describe('property: random row edits on random identifiers', () => {
  const CATS = ['IMEI', 'IMSI', 'contacts', 'phone number', 'email', 'MAC address'];
  // values as written: some read as numbers (shown as written), some need quotes
  const VALUES = ['869999012345677', '001010000012345', '+12025550101', '+86 139 1234 5678', 'a@example.org', '02:00:00:00:00:01', 'a, b', 'x: y', '# c', "it's", '"q"', 'null', 'true', '0x1F', '1e3', 'é', '[a]', ' spaced '];
  const value = fc.oneof(fc.constantFrom(...VALUES), fc.string({ minLength: 1, maxLength: 6 }));
  type Written = { v: string; style: 'plain' | 'double' | 'single' };
  const written = fc.record({ v: fc.constantFrom(...VALUES), style: fc.constantFrom('plain' as const, 'double' as const, 'single' as const) });
  const entry = fc.record({ list: fc.boolean(), items: fc.array(written, { minLength: 1, maxLength: 3 }), block: fc.boolean(), comment: fc.boolean() });
  const start = fc.record({ flowMap: fc.boolean(), entries: fc.uniqueArray(fc.tuple(fc.constantFrom(...CATS), entry), { minLength: 1, maxLength: 4, selector: ([k]) => k }) });

  /** A scalar in its style, or undefined when the style cannot write it. */
  const scalar = ({ v, style }: Written, flow: boolean): string | undefined => {
    if (style === 'double') return JSON.stringify(v);
    if (style === 'single') return `'${v.replace(/'/g, "''")}'`;
    // plain only where YAML reads it back as the same text or as a number/bool/null written so
    return /^[A-Za-z0-9+@.][A-Za-z0-9+@. :-]*[A-Za-z0-9]$/.test(v) && !/: |:$/.test(v) && !(flow && /[,[\]{}]/.test(v)) ? v : undefined;
  };

  type Start = { flowMap: boolean; entries: [string, { list: boolean; items: Written[]; block: boolean; comment: boolean }][] };
  function writeStart(s: Start): string {
    const lines: string[] = [];
    if (s.flowMap) {
      const parts = s.entries.map(([k, e]) => {
        const items = e.items.map((w) => scalar(w, true) ?? JSON.stringify(w.v));
        return `${k}: ${e.list ? `[${items.join(', ')}]` : items[0]}`;
      });
      lines.push(`identifiers: {${parts.join(', ')}}`);
    } else {
      lines.push('identifiers:');
      for (const [k, e] of s.entries) {
        const c = e.comment ? ' # note' : '';
        if (e.list && e.block) {
          lines.push(`  ${k}:${c}`, ...e.items.map((w) => `    - ${scalar(w, false) ?? JSON.stringify(w.v)}`));
        } else if (e.list) lines.push(`  ${k}: [${e.items.map((w) => scalar(w, true) ?? JSON.stringify(w.v)).join(', ')}]${c}`);
        else lines.push(`  ${k}: ${scalar(e.items[0]!, false) ?? JSON.stringify(e.items[0]!.v)}${c}`);
      }
    }
    return device(`${lines.join('\n')}\nvendor: V # kept\n`);
  }

  // a row edit as the form makes it: a value changed, a value added to a category (new row, same category), a new category, a value removed
  const op = fc.oneof(
    fc.record({ t: fc.constant('set' as const), row: fc.nat(), v: value }),
    fc.record({ t: fc.constant('add' as const), row: fc.nat(), v: value }),
    fc.record({ t: fc.constant('new' as const), k: fc.constantFrom(...CATS, 'advertising ID'), v: value }),
    fc.record({ t: fc.constant('remove' as const), row: fc.nat() }),
    // a row's category changed: its value moves to that category (the last of its values), or renames a category of one value
    fc.record({ t: fc.constant('move' as const), row: fc.nat(), k: fc.constantFrom(...CATS) }),
  );

  type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
  type Ids = Record<string, string | string[]>;
  /**
   * A row edit as the form's identifiers rows make it (rows.ts, restated): the
   * value sent, the categories it touches, and the items of a list it leaves
   * alone; undefined when the form cannot make it.
   */
  function rowEdit(model: Ids, o: Op): { next: Ids; touched: Set<string>; kept?: { key: string; items: number[] } } | undefined {
    const entries = Object.entries(model).map(([key, v]) => ({ key, values: Array.isArray(v) ? [...v] : [v], list: Array.isArray(v) }));
    type E = (typeof entries)[number];
    const put = (k: string, v: string) => {
      const e = entries.find((x) => x.key === k);
      if (!e) return void entries.push({ key: k, values: [v], list: false });
      e.values.push(v);
      e.list = true;
    };
    const take = (e: E, i: number) => {
      e.values.splice(i, 1);
      if (!e.values.length) entries.splice(entries.indexOf(e), 1);
    };
    const touched = new Set<string>();
    let kept: { key: string; items: number[] } | undefined;
    if (o.t === 'new') {
      if (o.k in model) return undefined;
      put(o.k, o.v);
      touched.add(o.k);
    } else {
      const rows = entries.flatMap((e) => e.values.map((x, i) => ({ e, i, x })));
      const { e, i, x } = rows[o.row % rows.length]!;
      touched.add(e.key);
      const all = e.values.map((_, j) => j);
      if (o.t === 'set') {
        if (e.list) kept = { key: e.key, items: all.filter((j) => j !== i) };
        e.values[i] = o.v;
      } else if (o.t === 'add') {
        if (e.list) kept = { key: e.key, items: all };
        put(e.key, o.v);
      } else if (o.t === 'remove') {
        if (entries.length === 1 && e.values.length === 1) return undefined; // (the last row: `identifiers: {}`, not followed here)
        take(e, i);
      } else {
        if (o.k === e.key) return undefined;
        touched.add(o.k);
        if (e.values.length === 1 && !(o.k in model)) e.key = o.k; // a category's only value: renamed in its place
        else {
          take(e, i);
          put(o.k, x);
        }
      }
    }
    return { next: Object.fromEntries(entries.map((e) => [e.key, e.list ? e.values : e.values[0]!])), touched, ...(kept ? { kept } : {}) };
  }

  /** The entries' texts (key to the end of the value, and a comment after it), by key. */
  const entryTexts = (r: Report): Map<string, string> => {
    const v = r.byId.get('D1')!.fields.get('identifiers')!.value;
    const line = (e: YEntry) => {
      const end = e.value ? Math.max(e.value.span.end, e.keySpan.end) : e.keySpan.end;
      // (a comment after a block mapping's value: the rest of its last line)
      const tail = /^[^\n]*/.exec(r.text.slice(end))![0];
      return r.text.slice(e.keySpan.start, end).trimEnd() + (/^[ \t]+#/.test(tail) ? tail.trimEnd() : '');
    };
    return new Map(v?.type === 'map' ? v.entries.map((e) => [e.key, line(e)]) : []);
  };

  test('the text reads as the rows, and entries not edited keep their text', () => {
    fc.assert(
      fc.property(start, fc.array(op, { minLength: 1, maxLength: 5 }), (s, ops) => {
        let text = writeStart(s);
        let report = parseReport(text);
        assert.deepEqual(report.problems, [], text);
        const vendor = (r: Report) => r.text.slice(r.byId.get('D1')!.fields.get('vendor')!.span.start).split('\n')[0];
        for (const o of ops) {
          const step = rowEdit(shownNow(report), o);
          if (!step) continue;
          const { next, touched, kept } = step;
          const before = entryTexts(report);
          const itemTexts = (r: Report) => {
            const v = r.byId.get('D1')!.fields.get('identifiers')!.value;
            const e = v?.type === 'map' && kept ? v.entries.find((x) => x.key === kept.key)?.value : undefined;
            return e?.type === 'seq' ? e.items.map((n) => r.text.slice(n.span.start, n.span.end).trimEnd()) : [];
          };
          const itemsBefore = itemTexts(report);
          const res = applyIntent(report, { type: 'setField', record: { id: 'D1' }, field: 'identifiers', value: next as ValueMap });
          if ('error' in res) assert.fail(`${JSON.stringify(next)} on\n${text}\n${res.error}`);
          text = applyEdits(text, res.edits);
          report = parseReport(text);
          assert.deepEqual(report.problems, [], text);
          // the rows as the form now shows them: what was sent (a value written again reads the same)
          assert.deepEqual(shownNow(report), next, text);
          const after = entryTexts(report);
          for (const [k, t] of before) if (!touched.has(k) && after.has(k)) assert.equal(after.get(k), t, `${k} kept its text in\n${text}`);
          assert.equal(vendor(report), 'vendor: V # kept');
          const itemsAfter = itemTexts(report);
          for (const j of kept?.items ?? []) assert.equal(itemsAfter[j], itemsBefore[j], `${kept!.key} item ${j} kept its text in\n${text}`);
        }
      }),
      { numRuns: Number(process.env.EDIT_RUNS ?? 200) },
    );
  });
});
