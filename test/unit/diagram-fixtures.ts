/**
 * Reports for the diagram tests (diagram.test.ts, diagram-mermaid.test.ts):
 * a mixed report, a large generated one and a hostile one.
 */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG } from '../../src/core/lint/config';
import { taxonomyFor } from '../../src/core/lint/linter';
import type { Report } from '../../src/core/report/model';
import { parseReport } from '../../src/core/report/parse';
import type { Taxonomy } from '../../src/core/report/taxonomy';

export const REPO = path.resolve(__dirname, '..', '..');
export const EXAMPLE = path.join(REPO, 'examples', 'xiaomi-redmi-1s', 'redmi-1s.audit.md');
export const BROKEN = path.join(REPO, 'examples', 'broken');

export function load(text: string): { report: Report; taxonomy: Taxonomy } {
  const report = parseReport(text);
  return { report, taxonomy: taxonomyFor(report, DEFAULT_CONFIG) };
}

export const exampleText = (): string => readFileSync(EXAMPLE, 'utf8');

const FRONT = (id = 'TEST-1', date = '2020-03-01') => ['---', 'audit-format: 1', `id: ${id}`, 'title: Test report', 'status: draft', `date: ${date}`, 'auditors: [Tester]', '---', ''];

/** A YAML flow sequence item for one record block. */
const block = (kind: string, records: Record<string, unknown>[]) => ['```' + kind, ...records.flatMap((r) => Object.entries(r).map(([k, v], i) => `${i === 0 ? '- ' : '  '}${k}: ${JSON.stringify(v)}`)), '```', ''];

/**
 * Two devices (one with components), a free-text sender, four countries plus
 * a flow without country, one flow verified fixed, one partially fixed, one
 * protected with TLS and opt-in.
 */
export function mixedReportText(records: 'sorted' | 'shuffled' = 'sorted'): string {
  const flows: Record<string, unknown>[] = [
    { id: 'F1', from: 'D1', to: 'api.account.xiaomi.com', address: ['42.62.48.17', '42.62.48.113'], country: 'CN', encryption: 'none', data: ['IMEI', 'phone number'], consent: 'default-on' },
    { id: 'F2', from: 'D1', to: 'api.account.xiaomi.com', address: '42.62.48.17', country: 'CN', encryption: 'tls', data: ['carrier name'], consent: 'opt-in' },
    { id: 'F3', from: 'D1/modem', to: 'sdkconfig.ad.xiaomi.com', address: '42.62.48.20', country: 'CN', encryption: 'encoded', data: ['IMSI', 'ICCID'], consent: 'none' },
    { id: 'F4', from: 'D1/browser', to: 'tracking.example.com', address: '2001:db8::7', country: 'US', encryption: 'tls', data: ['browsing history'], consent: 'opt-in' },
    { id: 'F5', from: 'D2', to: 'push.example.sg', address: '203.0.113.5', country: 'SG', encryption: 'tls', data: ['advertising id', 'os version'], consent: 'opt-out' },
    { id: 'F6', from: 'D2', to: 'logs.example.de', country: 'DE', encryption: 'none', data: ['contacts'], consent: 'default-on' },
    { id: 'F7', from: 'Carrier provisioning app', to: 'unknown.example.net', encryption: 'unknown', data: ['installed apps'], consent: 'unknown' },
    { id: 'F8', from: 'D1', to: 'api.account.xiaomi.com', address: '42.62.48.17', country: 'CN', encryption: 'none', data: ['precise location'], consent: 'default-on' },
  ];
  const devices = [
    { id: 'D1', vendor: 'Xiaomi', model: 'Redmi 1S', build: 'B1' },
    { id: 'D2', name: 'Tablet', build: 'T1' },
  ];
  const retests = [
    { id: 'R1', date: '2020-02-20', flows: ['F6'], result: 'fixed', evidence: 'E1' },
    { id: 'R2', date: '2020-02-21', flows: ['F3#frame=2'], result: 'partially-fixed', evidence: 'E1' },
  ];
  const ordered = records === 'shuffled' ? [...flows].reverse() : flows;
  if (records === 'shuffled') [ordered[2], ordered[5]] = [ordered[5]!, ordered[2]!];
  const parts = [
    ...block('evidence', [{ id: 'E1', url: 'https://example.org/a', kind: 'web', captured: '2020-02-01' }]),
    ...block('device', records === 'shuffled' ? [...devices].reverse() : devices),
    ...block('flow', ordered),
    ...block('retest', records === 'shuffled' ? [...retests].reverse() : retests),
  ];
  return [...FRONT(), '# Mixed', '', ...parts].join('\n');
}

/** `flows` flows over `hosts` hosts in a handful of domains and countries. */
export function largeReportText(flows: number, hosts: number): string {
  const countries = ['CN', 'US', 'SG', 'DE', 'IN'];
  const data = [['IMEI', 'phone number'], ['carrier name'], ['advertising id'], ['contacts'], ['os version', 'device model']];
  const recs: Record<string, unknown>[] = [];
  for (let i = 1; i <= flows; i++) {
    const h = i % hosts;
    recs.push({
      id: `F${i}`,
      from: i % 7 === 0 ? 'D1/modem' : 'D1',
      to: `h${h}.svc${h % 9}.example${h % 3}.com`,
      address: `10.${h % 5}.${h}.${i % 250}`,
      country: countries[h % countries.length],
      encryption: i % 3 === 0 ? 'none' : 'tls',
      data: data[i % data.length],
      consent: i % 4 === 0 ? 'opt-in' : 'default-on',
    });
  }
  return [...FRONT('LARGE-1'), ...block('device', [{ id: 'D1', vendor: 'Example', model: 'Phone', build: 'X' }]), ...block('flow', recs)].join('\n');
}

/** Mermaid syntax, a directive, a click handler, HTML, backticks, line breaks and bidi overrides in one value. */
export const HOSTILE =
  '"]; click n1 call alert(1); %%{init: {"securityLevel":"loose"}}%% <img src=x onerror=alert(1)> ' +
  '`x` ``md`` \n n1 --> n2 | end\nsubgraph evil\r\n#quot; #35; &amp; ﬂ°°60¶ß javascript:alert(1) style x:#f00; \u202Egnp.exe\u200B {} () [] ; % | <script>alert(1)</script> ';

/** A report with the hostile string in every field that can reach a diagram. */
export function hostileReportText(): string {
  const H = HOSTILE;
  const parts = [
    '---', 'audit-format: 1', `id: ${JSON.stringify(H)}`, `title: ${JSON.stringify(H)}`, `status: ${JSON.stringify(H)}`, 'date: 2020-03-01', 'auditors: [x]', '---', '',
    ...block('device', [{ id: 'D1', name: H, vendor: H, model: H, build: H }]),
    ...block('step', [
      { id: 'S1', action: H, device: 'D1', date: '2020-02-01', evidence: 'E1' },
      { id: 'S2', action: H, date: H },
    ]),
    ...block('evidence', [{ id: 'E1', url: 'https://example.org', kind: H, captured: '2020-02-01', description: H }]),
    ...block('flow', [
      { id: 'F1', from: H, to: H, address: [H, '1.2.3.4'], country: H, protocol: H, port: H, encryption: H, data: [H, 'IMEI'], consent: H, evidence: 'E1' },
      { id: 'F2', from: `D1/${H}`, to: `${H}.example.com`, address: H, country: 'CN', encryption: 'none', data: ['IMEI', H], consent: 'none', evidence: 'E1' },
      { id: 'F3', from: 'D1', to: H, country: 'US', data: H, evidence: 'E1' },
    ]),
    ...block('response', [{ id: 'V1', date: '2020-02-10', party: H, by: H, verdict: H, fix: H, statement: H, addresses: ['F1'] }]),
    ...block('retest', [{ id: 'R1', date: '2020-02-12', build: H, flows: ['F1', H], result: H, evidence: 'E1' }]),
    ...block('finding', [{ id: 'FN1', title: H, flows: ['F1'], evidence: 'E1' }]),
  ];
  return parts.join('\n');
}
