/**
 * The scan worker (src/node/capture/worker.ts): where a HAR entry is for an
 * editor (line and UTF-16 column, BOM and multi-byte text included), and a
 * whole scan job run in a real worker thread, with progress, result and
 * cancellation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { findEntry, locateEntry, placesOf, type FromWorker, type WorkerJob } from '../../src/node/capture/worker';

const dir = mkdtempSync(path.join(tmpdir(), 'scan-worker-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The editor's place of a UTF-16 offset in a string. */
function placeIn(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const entry = (i: number, note: string) =>
  `    {\n      "startedDateTime": "2026-12-05T10:00:0${i}Z",\n      "request": {"method": "GET", "url": "http://h${i}.test/?q=${note}", "headers": []},\n      "response": {"status": 200, "content": {"text": "${note}"}}\n    }`;

test('locateEntry: the entry, its request and its response as an editor places them (BOM, emoji, CJK before it)', async () => {
  const text = `{"log": {"version": "1.2", "creator": {"name": "t😀st 中文"},\n  "entries": [\n${[entry(1, 'ä😀'), entry(2, '中文中文'), entry(3, 'plain')].join(',\n')}\n]}}\n`;
  const file = path.join(dir, 'bom.har');
  writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
  for (const n of [1, 2, 3]) {
    const place = await locateEntry(file, n);
    // in the text (no BOM): entry n starts at the n-th '    {' line
    let at = -1;
    for (let k = 0; k < n; k++) at = text.indexOf('    {\n      "startedDateTime"', at + 1);
    assert.deepEqual(place.entry.start, placeIn(text, at + 4), `entry ${n} start`);
    const req = text.indexOf('{"method"', at);
    assert.deepEqual(place.request?.start, placeIn(text, req), `entry ${n} request`);
    const res = text.indexOf('{"status"', at);
    assert.deepEqual(place.response?.start, placeIn(text, res), `entry ${n} response`);
    const end = text.indexOf('\n    }', at) + '\n    }'.length;
    assert.deepEqual(place.entry.end, placeIn(text, end), `entry ${n} end`);
  }
});

test('findEntry: a missing entry and a broken file say so', async () => {
  const file = path.join(dir, 'two.har');
  writeFileSync(file, `{"log": {"entries": [${entry(1, 'a')}, ${entry(2, 'b')}]}}`);
  assert.equal((await findEntry(file, 2)).index, 2);
  await assert.rejects(findEntry(file, 3), /no entry 3 \(it has 2\)/);
  const broken = path.join(dir, 'broken.har');
  writeFileSync(broken, `{"log": {"entries": [${entry(1, 'a')}, {"request": `);
  await assert.rejects(findEntry(broken, 2), /cannot be read/);
});

test('placesOf: offsets past the last newline and at the end of the file', async () => {
  const file = path.join(dir, 'lines.txt');
  const text = 'ab\n😀x\nlast';
  writeFileSync(file, text);
  const bytes = Buffer.from(text);
  const offsets = [0, 3, 7, bytes.length];
  const places = await placesOf(file, offsets);
  const utf16 = (byteOffset: number) => bytes.subarray(0, byteOffset).toString('utf8').length;
  for (const o of offsets) assert.deepEqual(places.get(o), placeIn(text, utf16(o)), `byte ${o}`);
});

function runWorker(job: WorkerJob, onMessage?: (m: FromWorker, w: Worker) => void, onStart?: (w: Worker) => void): Promise<FromWorker[]> {
  // the TypeScript entry, compiled on the fly by tsx inside the worker
  const boot = `require('tsx/cjs'); require(${JSON.stringify(path.resolve('src/node/capture/worker.ts'))});`;
  const w = new Worker(boot, { eval: true, workerData: job });
  const seen: FromWorker[] = [];
  onStart?.(w);
  return new Promise((resolve, reject) => {
    w.on('message', (m: FromWorker) => {
      seen.push(m);
      onMessage?.(m, w);
    });
    w.on('error', reject);
    w.on('exit', () => resolve(seen));
  });
}

const REPORT = `---
audit-format: 1
id: W-1
title: Worker test
status: draft
date: 2026-12-05
auditors: [A. Analyst]
---

\`\`\`device
id: D1
identifiers:
  IMEI: "356721094823151"
\`\`\`
`;

test('a scan job in a worker thread: progress, then the result; it ends by itself', async () => {
  const har = path.join(dir, 'leak.har');
  writeFileSync(har, `{"log": {"version": "1.2", "entries": [${entry(1, 'nothing')}, ${entry(2, '356721094823151')}]}}`);
  const reportPath = path.join(dir, 'w.audit.md');
  const seen = await runWorker({ type: 'scan', reportText: REPORT, reportPath, captures: [har], root: dir, config: { lint: {}, categories: [], evidenceRoot: 'evidence' } });
  const last = seen[seen.length - 1]!;
  assert.equal(last.type, 'result', JSON.stringify(last));
  assert.ok(seen.some((m) => m.type === 'progress' && m.capture === 'leak.har'), 'progress came before the result');
  assert.equal(last.type === 'result' && last.result.captures[0]!.error, undefined);
  if (last.type !== 'result') return;
  const matches = last.result.captures[0]!.matches;
  // entry 2 has the IMEI in its query (request) and in its response body
  assert.deepEqual(
    matches.map((m) => `${m.locator} ${m.direction} ${m.category}`).sort(),
    ['entry=2 request IMEI', 'entry=2 response IMEI'],
  );
  assert.ok(!JSON.stringify(last.result).includes('356721094823151'), 'no canary value in the result');
});

test('a cancelled scan job posts cancelled and ends', async () => {
  const har = path.join(dir, 'big.har');
  // big enough that the reader is still busy when the cancel arrives (it is posted at once)
  const entries = Array.from({ length: 40_000 }, (_, i) => entry(i % 10, `v${i}-356721094823151`));
  writeFileSync(har, `{"log": {"version": "1.2", "entries": [${entries.join(',')}]}}`);
  const started = Date.now();
  const seen = await runWorker({ type: 'scan', reportText: REPORT, reportPath: path.join(dir, 'w.audit.md'), captures: [har], root: dir }, undefined, (w) => w.postMessage({ type: 'cancel' }));
  assert.equal(seen[seen.length - 1]!.type, 'cancelled', JSON.stringify(seen[seen.length - 1]).slice(0, 300));
  assert.ok(!seen.some((m) => m.type === 'result'));
  assert.ok(Date.now() - started < 10_000, 'it ended soon');
});
