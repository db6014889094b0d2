// A model-based test of the structured editor's form (fast-check commands run
// with asyncModelRun): random sequences of what people do in the form (set a
// text field, add or remove a list item, toggle a data category, add, delete
// or move a record, answer the question a delete asks, undo, redo) and of
// typing a word into the narrative in the text editor beside it. After every
// step the report is saved and read back with the project's own parser: the
// records (ids in order, every field) and the front matter must be what the
// model says, every line the step did not aim at must be as it was, undo and
// redo must give back the exact text, and the form must show what the text
// holds.
//
// FORM_MODEL_STEPS (default 30) sets the number of steps, FORM_MODEL_SEED
// (default 20241205) the seed:
//   FORM_MODEL_STEPS=300 node scripts/test-vscode.mjs --ui-only --grep model
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { REPO_ROOT, extensionUnderTest, poll, retype, saveUntil, typeLikeAPerson, webviewFrame, workbenchSession } from '../harness.mjs';

const require = createRequire(import.meta.url);
const engine = require(path.join(extensionUnderTest(), 'dist', 'engine.js'));

const EXAMPLE = 'examples/xiaomi-redmi-1s/redmi-1s.audit.md';
const PRISTINE = fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
const STEPS = Number(process.env.FORM_MODEL_STEPS || 30);
const SEED = Number(process.env.FORM_MODEL_SEED || 20241205);

const KINDS = ['device', 'step', 'flow', 'evidence', 'response', 'retest', 'finding'];
const PREFIX = { device: 'D', step: 'S', flow: 'F', evidence: 'E', response: 'V', retest: 'R', finding: 'FN' };
/** One-line text fields the steps set, by record kind (`port` is a number). */
const TEXT_FIELDS = {
  device: ['name', 'vendor', 'model', 'os', 'build'],
  flow: ['to', 'protocol', 'port'],
  evidence: ['tool'],
  response: ['by', 'channel', 'fix'],
  retest: ['build'],
  finding: ['title'],
};
/** List fields of text items: their record kind (undefined: the front matter) and the name of an item in the form. */
const TEXT_LISTS = [
  { kind: 'response', field: 'claims', item: 'claim' },
  { kind: 'flow', field: 'address', item: 'address' },
  { kind: undefined, field: 'redact', item: 'value or /pattern/' },
];
/** List fields of references, by record kind. */
const REF_LISTS = { step: ['evidence'], flow: ['evidence'], response: ['addresses', 'evidence'], retest: ['verifies', 'flows', 'evidence'], finding: ['flows', 'evidence'] };
const CATEGORIES = ['IMEI', 'MEID', 'Serial number', 'MAC address', 'Android ID', 'Advertising ID', 'IMSI', 'ICCID', 'phone number', 'carrier name', 'Contacts', 'SMS/MMS content', 'SMS/MMS metadata', 'Call log', 'Precise location', 'Coarse location', 'photos and media', 'Installed apps', 'Browsing history', 'Account identifier', 'Credentials', 'Device model', 'OS version'];
/** The answers to the question before a delete: when records name it, and when only the text cites it (citations are never removed). */
const DELETE_ANSWERS = { named: ['Cancel', 'Delete Only', 'Delete and Remove References'], cited: ['Cancel', 'Delete'] };

// ------------------------------------------------------------ reading a report

function plain(node) {
  if (!node) return null;
  if (node.type === 'scalar') return node.value;
  if (node.type === 'seq') return node.items.map(plain);
  return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
}

/** What the model compares: every record (kind and fields, in the report's order) and the front matter. */
function contents(text) {
  const report = engine.parseReport(text);
  return {
    records: report.records.map((r) => ({ kind: r.kind, fields: plain(r.map) })),
    frontMatter: report.frontMatter?.map ? plain(report.frontMatter.map) : null,
  };
}

const lineOf = (text, offset) => text.slice(0, offset).split('\n').length - 1;
/** The lines [from, to) of record `rec` of `text` (0-based). */
const recordLines = (text, rec) => ({ from: lineOf(text, rec.span.start), to: lineOf(text, Math.max(rec.span.start, rec.span.end - 1)) + 1 });

/**
 * The hunks in which `b` differs from `a`, by lines (a longest common
 * subsequence): each as the lines [from, to) of `a` it replaces (from === to: an insertion before line `from`).
 */
function hunks(a, b) {
  const A = a.split('\n');
  const B = b.split('\n');
  let p = 0;
  while (p < A.length && p < B.length && A[p] === B[p]) p++;
  let s = 0;
  while (s < A.length - p && s < B.length - p && A[A.length - 1 - s] === B[B.length - 1 - s]) s++;
  const x = A.slice(p, A.length - s);
  const y = B.slice(p, B.length - s);
  // LCS table of the middle parts
  const L = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  let open;
  const close = () => {
    if (open) out.push({ from: p + open.i, to: p + i, lines: y.slice(open.j, j) });
    open = undefined;
  };
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      close();
      i++;
      j++;
    } else {
      open ??= { i, j };
      if (j < y.length && (i === x.length || L[i][j + 1] >= L[i + 1][j])) j++;
      else i++;
    }
  }
  close();
  return out;
}

/**
 * Fails unless `next` differs from `prev` only inside the `allowed` line
 * ranges of `prev`: the lines before the first range and after the last are
 * as they were (whatever the change did inside), and, with several ranges,
 * each hunk of a line diff lies in one of them (widened by a line: a line
 * equal to the one at a range's edge, a block's fence, may be matched on either side).
 */
function assertOnlyChanged(prev, next, allowed, what) {
  const A = prev.split('\n');
  const B = next.split('\n');
  const from = Math.min(...allowed.map((r) => r.from));
  const to = Math.max(...allowed.map((r) => r.to));
  const where = allowed.map((r) => `lines ${r.from + 1}-${r.to}`).join(', ');
  assert.deepEqual(B.slice(0, from), A.slice(0, from), `${what}: the text before ${where} as it was`);
  assert.deepEqual(B.slice(Math.max(from, B.length - (A.length - to))), A.slice(to), `${what}: the text after ${where} as it was`);
  if (allowed.length < 2) return;
  const outside = hunks(prev, next).filter((h) => !allowed.some((r) => r.from - 1 <= h.from && h.to <= r.to + 1));
  assert.deepEqual(
    outside.map((h) => `lines ${h.from + 1}-${h.to}: ${JSON.stringify(A.slice(h.from, h.to))} → ${JSON.stringify(h.lines)}`),
    [],
    `${what}: text changed outside ${where}`,
  );
}

// ------------------------------------------------------------ the model

/** Model: the records and front matter the file must hold, and the undo and redo stacks (snapshots with their exact text). */
const clone = (v) => structuredClone(v);
const display = (v) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));
const asList = (v) => (v === null || v === undefined || v === '' ? [] : Array.isArray(v) ? [...v] : [v]);
const idOf = (item) => String(item).split('#')[0];
const same = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();
const TAXONOMY = engine.taxonomyFor(engine.parseReport(''), engine.DEFAULT_CONFIG);
/** True when the written category `a` means the category `b` (a name or an alias, in any case: `sms metadata` is `SMS/MMS metadata`). */
const means = (a, b) => same(a, b) || (TAXONOMY.lookup(String(a))?.id ?? NaN) === TAXONOMY.lookup(String(b))?.id;

/** The model's records of the kinds given, with their place in the list. */
const ofKinds = (m, kinds) => m.records.map((r, i) => ({ r, i })).filter(({ r }) => kinds.includes(r.kind));

/** Records before a step, for undo. */
function pushHistory(m, r) {
  m.history.push({ records: clone(m.records), frontMatter: clone(m.frontMatter), text: r.text });
  m.future = [];
}

/** Takes `deleted` (an id) out of the other records as "Delete and Remove References" does (see src/core/edit/references.ts). */
function removeReferences(m, report, deleted) {
  const named = new Map();
  for (const ref of report.references) {
    if (ref.id !== deleted || !ref.from || ref.from.id === deleted) continue;
    const fields = named.get(ref.from.index) ?? new Set();
    fields.add(ref.field);
    named.set(ref.from.index, fields);
  }
  for (const [index, fields] of named) {
    const rec = m.records[index];
    let left = Object.keys(rec.fields).length;
    for (const field of fields) {
      const v = rec.fields[field];
      if (Array.isArray(v)) {
        const kept = v.filter((item) => idOf(item) !== deleted);
        if (kept.length === v.length) continue;
        if (kept.length) {
          rec.fields[field] = kept;
          continue;
        }
      }
      if (left > 1) {
        delete rec.fields[field];
        left--;
      }
    }
  }
}

// ------------------------------------------------------------ the steps

/**
 * A step: `plan(m, r, report)` looks at the model and the report as it is
 * (parsed) and returns what to do — `act()` in the workbench, `expect()` on
 * the model, the line ranges it may change — or a reason it does nothing.
 */
class Step {
  constructor(name, args) {
    this.name = name;
    this.args = args;
    this.did = '';
  }

  check() {
    return true;
  }

  async run(m, r) {
    this.exactText = undefined;
    const prev = r.text;
    const report = engine.parseReport(prev);
    const plan = this.plan(m, r, report);
    if (typeof plan === 'string') {
      this.did = `nothing (${plan})`;
      r.log(this);
      return;
    }
    this.did = plan.what;
    r.log(this);
    await plan.act();
    if (plan.unchanged) {
      // a question answered with Cancel, a move the report refuses: nothing changes
      assert.equal(await r.page.locator('.tabs-container .tab.dirty').count(), 0, `${plan.what}: nothing unsaved`);
      assert.equal(r.read(), prev, `${plan.what}: the file as it was`);
      await r.formShows(m);
      return;
    }
    plan.expect();
    // undo, redo and typing in the text: the exact text (set by expect())
    await r.verify(m, plan.what, this.exactText);
    if (plan.allowed) assertOnlyChanged(prev, r.text, plan.allowed, plan.what);
    if (plan.after) await plan.after();
  }

  toString() {
    return `${this.name}(${JSON.stringify(this.args)})${this.did ? ` [${this.did}]` : ''}`;
  }
}

/** Sets a one-line text field of a record: select its text, type the new value, Tab. */
class SetText extends Step {
  plan(m, r, report) {
    const targets = ofKinds(m, Object.keys(TEXT_FIELDS));
    if (!targets.length) return 'no record with a text field';
    const { r: rec, i } = targets[this.args.pick % targets.length];
    const fields = TEXT_FIELDS[rec.kind];
    const field = fields[this.args.field % fields.length];
    const value = field === 'port' ? String(1 + (this.args.pick % 65535)) : this.args.value;
    if (display(rec.fields[field]) === value) return `${rec.fields.id}.${field} is ${value} already`;
    return {
      what: `${rec.fields.id}.${field} := ${JSON.stringify(value)}`,
      act: () => retype(r.form.locator(`[data-key="${rec.fields.id}.${field}"]`), value),
      expect: () => {
        pushHistory(m, r);
        rec.fields[field] = field === 'port' ? Number(value) : value;
      },
      allowed: [recordLines(report.text, report.records[i])],
    };
  }
}

/** Adds an item to a list of text items with its "+" button: type it, Tab. */
class AddItem extends Step {
  plan(m, r, report) {
    const targets = TEXT_LISTS.flatMap((l) => (l.kind ? ofKinds(m, [l.kind]).map((t) => ({ ...t, l })) : [{ r: undefined, i: -1, l }]));
    const { r: rec, i, l } = targets[this.args.pick % targets.length];
    const holder = rec ? rec.fields : m.frontMatter;
    const key = rec ? `${rec.fields.id}.${l.field}` : `fm.${l.field}`;
    const label = rec ? `${rec.fields.id} ${l.field}` : l.field;
    const n = asList(holder[l.field]).length;
    return {
      what: `${key} += ${JSON.stringify(this.args.value)}`,
      act: async () => {
        await r.form.getByRole('button', { name: `Add ${l.item} to ${label}`, exact: true }).click();
        await r.focused(`${key}.${n}`);
        await typeLikeAPerson(r.page, this.args.value);
        await r.page.keyboard.press('Tab');
      },
      expect: () => {
        pushHistory(m, r);
        holder[l.field] = [...asList(holder[l.field]), this.args.value];
      },
      allowed: [rec ? recordLines(report.text, report.records[i]) : frontMatterLines(report)],
    };
  }
}

const frontMatterLines = (report) => ({ from: 0, to: lineOf(report.text, report.frontMatter.span.end - 1) + 1 });

/** Removes an item of a list (text items or references) with its ✕, when the list keeps at least one. */
class RemoveItem extends Step {
  plan(m, r, report) {
    const targets = [];
    for (const l of TEXT_LISTS) {
      if (!l.kind) targets.push({ i: -1, holder: m.frontMatter, field: l.field, key: `fm.${l.field}` });
      else for (const t of ofKinds(m, [l.kind])) targets.push({ i: t.i, holder: t.r.fields, field: l.field, key: `${t.r.fields.id}.${l.field}` });
    }
    for (const [kind, fields] of Object.entries(REF_LISTS)) for (const t of ofKinds(m, [kind])) for (const field of fields) targets.push({ i: t.i, holder: t.r.fields, field, key: `${t.r.fields.id}.${field}` });
    const usable = targets.filter((t) => Array.isArray(t.holder[t.field]) && t.holder[t.field].length >= 2);
    if (!usable.length) return 'no list with two items';
    const t = usable[this.args.pick % usable.length];
    const list = t.holder[t.field];
    const at = this.args.item % list.length;
    return {
      what: `${t.key} -= #${at} ${JSON.stringify(list[at])}`,
      act: () => r.form.locator('.list-row', { has: r.form.locator(`[data-key="${t.key}.${at}"]`) }).locator('.list-remove').click(),
      expect: () => {
        pushHistory(m, r);
        t.holder[t.field] = list.filter((_, k) => k !== at);
      },
      allowed: [t.i >= 0 ? recordLines(report.text, report.records[t.i]) : frontMatterLines(report)],
    };
  }
}

/** A click on a category's checkbox in a flow's data: adds it, or removes it when it is there (unless it is the only one). */
class ToggleCategory extends Step {
  plan(m, r, report) {
    const flows = ofKinds(m, ['flow']);
    if (!flows.length) return 'no flow';
    const { r: rec, i } = flows[this.args.pick % flows.length];
    const name = CATEGORIES[this.args.category % CATEGORIES.length];
    const list = asList(rec.fields.data);
    // the box is checked when any item means the category; unchecking takes out every item that means it
    const has = list.some((x) => means(x, name));
    if (has && list.every((x) => means(x, name))) return `${name} is ${rec.fields.id}'s only category`;
    return {
      what: `${rec.fields.id}.data ${has ? '-' : '+'}= ${name}`,
      act: () => r.form.locator(`[data-key="${rec.fields.id}.data.cat.${name}"]`).click(),
      expect: () => {
        pushHistory(m, r);
        rec.fields.data = has ? list.filter((x) => !means(x, name)) : [...list, name];
      },
      allowed: [recordLines(report.text, report.records[i])],
    };
  }
}

/** "+ Add KIND": a record with the next id after the last one of its kind. */
class AddRecord extends Step {
  plan(m, r, report) {
    const kind = KINDS[this.args.kind % KINDS.length];
    const prefix = PREFIX[kind];
    // ids still named by a reference or citation of a deleted record are not given again
    const named = [...m.records.map((x) => String(x.fields.id)), ...report.references.map((x) => x.id), ...report.citations.map((x) => x.id)];
    const numbers = named.map((x) => new RegExp(`^${prefix}(\\d+)$`).exec(x)?.[1]).filter(Boolean).map(Number);
    const id = `${prefix}${Math.max(0, ...numbers) + 1}`;
    const mine = ofKinds(m, [kind]);
    const last = mine[mine.length - 1];
    const lastRec = last ? report.records[last.i] : undefined;
    return {
      what: `add ${kind} ${id}${last ? ` after ${last.r.fields.id}` : ''}`,
      act: () => r.form.getByRole('button', { name: `Add ${kind}`, exact: true }).click(),
      expect: () => {
        pushHistory(m, r);
        const rec = { kind, fields: { id } };
        if (last) m.records.splice(last.i + 1, 0, rec);
        else r.placeAnywhere = rec; // no record of the kind: wherever the report puts it
      },
      // the record's lines to the end of its block, and a new block after it
      allowed: lastRec ? [{ from: recordLines(report.text, lastRec).from, to: lastRec.block.closeLine + 2 }] : undefined,
      after: () => r.formShows(m),
    };
  }
}

/** The record's ✕; when other records name it or the text cites it, the question is answered. */
class DeleteRecord extends Step {
  plan(m, r, report) {
    if (!m.records.length) return 'no record';
    const i = this.args.pick % m.records.length;
    const rec = m.records[i];
    const id = rec.fields.id;
    const named = report.references.filter((x) => x.id === id && x.from && x.from.id !== id);
    const answers = named.length ? DELETE_ANSWERS.named : report.citations.some((c) => c.id === id) ? DELETE_ANSWERS.cited : [];
    const answer = answers.length ? answers[this.args.answer % answers.length] : undefined;
    const dialog = r.page.locator('.monaco-dialog-box');
    const block = report.records[i].block;
    const plan = {
      what: `delete ${id}${answer ? `, answering "${answer}"` : ''}`,
      act: async () => {
        await r.form.locator(`[data-key="${id}.actions.delete"]`).click();
        if (!answer) return;
        await dialog.getByRole('button', { name: answer, exact: true }).click({ timeout: 15_000 });
        await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      },
      unchanged: answer === 'Cancel',
      expect: () => {
        pushHistory(m, r);
        if (answer === 'Delete and Remove References') removeReferences(m, report, id);
        m.records.splice(i, 1);
      },
      allowed: [
        { from: Math.max(0, block.openLine - 1), to: block.closeLine + 2 },
        ...(answer === 'Delete and Remove References' ? named.map((x) => recordLines(report.text, x.from)) : []),
      ],
      after: async () => assert.equal(await dialog.count(), 0, 'no question left open'),
    };
    return plan;
  }
}

/** ↑ or ↓ of a record: swaps it with its neighbour in its block; the report refuses a move out of the block. */
class MoveRecord extends Step {
  plan(m, r, report) {
    if (!m.records.length) return 'no record';
    const i = this.args.pick % m.records.length;
    const rec = m.records[i];
    const dir = this.args.up ? 'up' : 'down';
    const mine = ofKinds(m, [rec.kind]);
    const k = mine.findIndex((x) => x.i === i);
    if ((dir === 'up' && k === 0) || (dir === 'down' && k === mine.length - 1)) return `${rec.fields.id} is the ${dir === 'up' ? 'first' : 'last'} ${rec.kind}: its ${dir} button is disabled`;
    const other = mine[dir === 'up' ? k - 1 : k + 1];
    const a = report.records[i];
    const b = report.records[other.i];
    const what = `move ${rec.fields.id} ${dir}`;
    const act = () => r.form.locator(`[data-key="${rec.fields.id}.actions.${dir}"]`).click();
    // records move within their block: at the end of its block the button is disabled
    if (a.block !== b.block) return `${rec.fields.id} is at the ${dir === 'up' ? 'start' : 'end'} of its block: its ${dir} button is disabled`;
    return {
      what,
      act,
      expect: () => {
        pushHistory(m, r);
        [m.records[i], m.records[other.i]] = [m.records[other.i], m.records[i]];
      },
      allowed: [{ from: Math.min(recordLines(report.text, a).from, recordLines(report.text, b).from), to: Math.max(recordLines(report.text, a).to, recordLines(report.text, b).to) }],
    };
  }
}

/**
 * Ctrl+Z (undo), or Ctrl+Y / Ctrl+Shift+Z (redo), in the form or in the text
 * editor: exactly the text before the last change, or after the change undone last.
 */
class UndoRedo extends Step {
  check(m) {
    return (this.args.redo ? m.future : m.history).length > 0;
  }

  /** An undo with `thenRedo` is followed by a redo (else a redo would seldom find anything to redo). */
  async run(m, r) {
    await super.run(m, r);
    if (this.args.thenRedo) await new UndoRedo('redo', { inText: !this.args.inText, shiftZ: this.args.shiftZ, redo: true }).run(m, r);
  }

  plan(m, r) {
    const key = !this.args.redo ? 'Control+Z' : this.args.shiftZ ? 'Control+Shift+Z' : 'Control+Y';
    const [from, to] = this.args.redo ? [m.future, m.history] : [m.history, m.future];
    return {
      what: `${this.args.redo ? 'redo' : 'undo'} with ${key} (${this.args.inText ? 'in the text editor' : 'in the form'})`,
      act: async () => {
        await (this.args.inText ? r.focusText() : r.focusForm());
        await r.page.keyboard.press(key);
      },
      expect: () => {
        const snapshot = from.pop();
        to.push({ records: clone(m.records), frontMatter: clone(m.frontMatter), text: r.text });
        Object.assign(m, { records: snapshot.records, frontMatter: snapshot.frontMatter });
        this.exactText = snapshot.text;
      },
    };
  }
}

/** Types a word at the end of a line of the narrative in the text editor beside the form. */
class TypeInText extends Step {
  plan(m, r, report) {
    const lines = report.text.split('\n');
    const inBlock = (n) => (report.frontMatter && n <= lineOf(report.text, report.frontMatter.span.end - 1)) || report.blocks.some((b) => n >= b.openLine && n <= (b.closeLine >= 0 ? b.closeLine : lines.length));
    const prose = lines.map((l, n) => n).filter((n) => /^[A-Za-z]/.test(lines[n]) && !inBlock(n));
    if (!prose.length) return 'no line of narrative';
    const n = prose[this.args.line % prose.length];
    const word = this.args.word;
    return {
      what: `type "${word}" at the end of line ${n + 1} in the text editor`,
      act: async () => {
        await r.focusText();
        await r.wb.goToLine(n + 1, lines[n].length + 1);
        await typeLikeAPerson(r.page, word);
      },
      expect: () => {
        pushHistory(m, r);
        this.exactText = lines.map((l, k) => (k === n ? l + word : l)).join('\n');
      },
    };
  }
}

const word = fc.stringMatching(/^[a-z][a-z0-9.-]{1,9}$/);
const tricky = fc.constantFrom('123', 'yes', 'a: b', 'x #y', 'null', '[q]', "it's", '@home', 'ünï', '- dash', '{x}', 'a, b', '"q"', 'true');
const value = fc.oneof({ weight: 4, arbitrary: word }, { weight: 1, arbitrary: tricky });
const nat = fc.nat({ max: 10_000 });
const stepArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ pick: nat, field: nat, value }).map((a) => new SetText('setText', a)) },
  { weight: 3, arbitrary: fc.record({ pick: nat, value }).map((a) => new AddItem('addItem', a)) },
  { weight: 3, arbitrary: fc.record({ pick: nat, item: nat }).map((a) => new RemoveItem('removeItem', a)) },
  { weight: 3, arbitrary: fc.record({ pick: nat, category: nat }).map((a) => new ToggleCategory('toggleCategory', a)) },
  { weight: 2, arbitrary: fc.record({ kind: nat }).map((a) => new AddRecord('addRecord', a)) },
  { weight: 2, arbitrary: fc.record({ pick: nat, answer: nat }).map((a) => new DeleteRecord('deleteRecord', a)) },
  { weight: 2, arbitrary: fc.record({ pick: nat, up: fc.boolean() }).map((a) => new MoveRecord('moveRecord', a)) },
  { weight: 4, arbitrary: fc.record({ inText: fc.boolean(), thenRedo: fc.boolean(), shiftZ: fc.boolean() }).map((a) => new UndoRedo('undo', a)) },
  { weight: 2, arbitrary: fc.record({ inText: fc.boolean(), shiftZ: fc.boolean() }).map((a) => new UndoRedo('redo', { ...a, redo: true })) },
  { weight: 2, arbitrary: fc.record({ line: nat, word: fc.stringMatching(/^[a-z]{3,8}$/) }).map((a) => new TypeInText('typeInText', a)) },
);

// ------------------------------------------------------------ the test

describe('the structured editor\'s form against a model (fast-check commands, code-server 4.100.3 + Chromium)', function () {
  this.timeout(120_000 + STEPS * 40_000);
  const session = workbenchSession({ prefix: 'privacy-audit-model-', shots: 'form-model' });

  it(`keeps the report as the model says through ${STEPS} random steps (seed ${SEED})`, async function () {
    const { page, wb } = session;
    const file = path.join(session.workspace, EXAMPLE);
    const read = () => fs.readFileSync(file, 'utf8');
    console.log(`      seed ${SEED}, ${STEPS} steps (FORM_MODEL_SEED, FORM_MODEL_STEPS)`);
    const started = Date.now();
    const done = [];
    let run = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: STEPS, maxLength: STEPS }), async (steps) => {
        if (run++) await wb.reset({ theme: 'light' });
        done.length = 0;
        // the form, and the text editor beside it ("Edit Source")
        await wb.quickOpen(EXAMPLE);
        const form = await webviewFrame(page, '.record-card[data-record="F2"]', 'the form of the example');
        await form.getByRole('button', { name: 'Edit Source' }).click();
        const textEditor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
        await textEditor.waitFor({ timeout: 20_000 });
        assert.equal(read(), PRISTINE);

        const real = {
          page,
          wb,
          form,
          read,
          text: PRISTINE,
          placeAnywhere: undefined,
          log(step) {
            done.push(step);
            console.log(`      ${String(done.length).padStart(3)}. ${step}`);
          },
          async focused(key) {
            await poll(async () => (await form.evaluate(() => document.activeElement?.dataset?.key)) === key, `the focus in ${key}`, { timeoutMs: 10_000, intervalMs: 100 });
          },
          async focusForm() {
            // where a person clicks when the focus is elsewhere: the form's toolbar (no field)
            const inForm = await form.evaluate(() => document.hasFocus()).catch(() => false);
            if (!inForm) await form.locator('.toolbar .status').click();
          },
          async focusText() {
            // the text editor is the second editor group's (View: Focus Second Editor Group); where its lines
            // are drawn depends on how far it is scrolled, so it is not clicked
            const focused = page.locator('.editor-group-container.active .monaco-editor.focused');
            await poll(async () => {
              if (await focused.count()) return true;
              await page.keyboard.press('Control+2');
              return false;
            }, 'the text editor focused', { timeoutMs: 10_000, intervalMs: 250 });
          },
          /** Saves until the file holds what the model says (or `exact`); fails with the difference. */
          async verify(m, what, exact) {
            const matches = (t) => {
              if (exact !== undefined) return t === exact;
              const c = contents(t);
              if (this.placeAnywhere) c.records = c.records.filter((x) => x.fields.id !== this.placeAnywhere.fields.id);
              return isDeepStrictEqual(c, { records: m.records, frontMatter: m.frontMatter });
            };
            await saveUntil(page, read, matches, what).catch(() => {});
            const text = read();
            if (exact !== undefined) assert.equal(text, exact, `${what}: the exact text`);
            const c = contents(text);
            if (this.placeAnywhere) {
              // a record of a kind the report had none of: wherever the report put it, the others in order
              const at = c.records.findIndex((x) => x.fields.id === this.placeAnywhere.fields.id);
              assert.ok(at >= 0, `${what}: ${this.placeAnywhere.fields.id} added`);
              m.records.splice(at, 0, c.records[at]);
              this.placeAnywhere = undefined;
            }
            assert.deepEqual(c.records, m.records, `${what}: the records`);
            assert.deepEqual(c.frontMatter, m.frontMatter, `${what}: the front matter`);
            this.text = text;
            await this.formShows(m);
          },
          /** Waits until the form shows the model: its cards in order, and each text field's value (but in the widget being typed in). */
          async formShows(m) {
            const want = {
              cards: KINDS.flatMap((k) => m.records.filter((x) => x.kind === k).map((x) => String(x.fields.id))),
              fields: Object.fromEntries(m.records.flatMap((x) => (TEXT_FIELDS[x.kind] ?? []).map((f) => [`${x.fields.id}.${f}`, display(x.fields[f])]))),
            };
            let shown;
            try {
              await poll(async () => {
                shown = await form.evaluate((keys) => {
                  const busy = document.activeElement?.closest('.widget');
                  const fields = {};
                  for (const k of keys) {
                    const e = document.querySelector(`[data-key="${CSS.escape(k)}"]`);
                    fields[k] = e && busy?.contains(e) ? '(being edited)' : e ? e.value : '(missing)';
                  }
                  return { cards: [...document.querySelectorAll('.record-card')].map((c) => c.dataset.record), fields };
                }, Object.keys(want.fields));
                for (const [k, v] of Object.entries(shown.fields)) if (v === '(being edited)') shown.fields[k] = want.fields[k];
                return JSON.stringify(shown) === JSON.stringify(want);
              }, 'the form showing the report', { timeoutMs: 15_000, intervalMs: 250 });
            } catch {
              assert.deepEqual(shown, want, 'the form shows what the text holds');
            }
          },
        };
        const model = { records: contents(PRISTINE).records, frontMatter: contents(PRISTINE).frontMatter, history: [], future: [] };
        try {
          await fc.asyncModelRun(() => ({ model, real }), steps);
        } catch (err) {
          err.message += `\n      after these steps (seed ${SEED}):\n${done.map((s, k) => `        ${k + 1}. ${s}`).join('\n')}`;
          throw err;
        }
      }),
      { seed: SEED, numRuns: 1, endOnFailure: true },
    );
    const skipped = done.filter((s) => s.did.startsWith('nothing')).length;
    console.log(`      ${done.length} steps run (${skipped} did nothing) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
});
