/**
 * Benchmark (not a test): time to generate the data-flow and timeline
 * diagrams of a parsed report with 2,000 flows (goal for the data flow:
 * under 50 ms). Two reports: lint-bench's (97 hosts of one domain, one
 * country) and a spread one (2,000 hosts, 500 domains, 40 countries, 20
 * components), which makes the collapse work hardest. Prints medians.
 * `node --import tsx bench/diagram-bench.ts`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG } from '../src/core/lint/config';
import { dataFlowDiagram, timelineDiagram } from '../src/core/present/diagram';
import { taxonomyFor } from '../src/core/lint/linter';
import { parseReport } from '../src/core/report/parse';
import { generate } from './lint-bench';

const FLOWS = 2000;
const RUNS = 31;

/** 2,000 flows over 2,000 hosts in 500 domains and 40 countries, from a device and 20 of its components. */
function spread(): string {
  const countries = Array.from({ length: 40 }, (_, i) => String.fromCharCode(65 + (i % 26)) + String.fromCharCode(65 + ((i * 7 + 3) % 26)));
  const data = ['[IMEI, phone number]', '[carrier name]', '[advertising id, installed apps]', '[contacts]', '[precise location]'];
  const out = ['---', 'audit-format: 1', 'id: BENCH-SPREAD', 'title: Spread', 'status: draft', 'date: 2020-06-01', 'auditors: [Bench]', '---', '',
    '```device', 'id: D1', 'vendor: Example', 'model: Phone', 'build: X', '```', '', '```retest', 'id: R1', 'date: 2020-05-01', `flows: [${Array.from({ length: 200 }, (_, i) => `F${i * 10 + 1}`).join(', ')}]`, 'result: fixed', '```', '', '```flow'];
  for (let i = 1; i <= FLOWS; i++) {
    out.push(
      `- id: F${i}`, `  from: ${i % 3 ? 'D1' : `D1/c${i % 20}`}`, `  to: h${i}.d${i % 500}.example.com`, `  address: 10.${i % 200}.${i % 250}.${i % 7}`,
      `  country: ${countries[i % countries.length]}`, `  encryption: ${i % 4 ? 'tls' : 'none'}`, `  data: ${data[i % data.length]}`, `  consent: ${i % 5 ? 'default-on' : 'opt-in'}`,
      `  first-seen: 2020-0${1 + (i % 4)}-1${i % 10}`,
    );
  }
  out.push('```', '');
  return out.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(n: number, fn: () => unknown): number {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

function bench(name: string, text: string): void {
  const report = parseReport(text);
  const taxonomy = taxonomyFor(report, DEFAULT_CONFIG);
  const flows = report.records.filter((r) => r.kind === 'flow').length;
  // warm up the JIT
  for (let i = 0; i < 5; i++) {
    dataFlowDiagram(report, taxonomy);
    timelineDiagram(report);
  }
  const d = dataFlowDiagram(report, taxonomy);
  const t = timelineDiagram(report);
  const df = time(RUNS, () => dataFlowDiagram(report, taxonomy));
  const tl = time(RUNS, () => timelineDiagram(report));
  const fmt = (ms: number) => `${ms.toFixed(1).padStart(6)} ms`;
  console.log(`${name}: ${flows} flows, ${report.records.length} records`);
  console.log(`  data flow (median of ${RUNS})  ${fmt(df)}   goal < 50 ms ${df < 50 ? '✓' : '✗'}   → ${d.edges} edges, ${d.nodes} nodes, collapsed: ${d.collapsed}, ${d.text.length} characters`);
  console.log(`  timeline  (median of ${RUNS})  ${fmt(tl)}                  → ${t.events} events, ${t.text.length} characters`);
}

function main(): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-diagram-bench-'));
  try {
    bench('lint-bench report', generate(dir));
    bench('spread report', spread());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
