/**
 * Every network attempt of a Chromium-family browser process, read from
 * Chromium's NetLog (`--log-net-log`): the network service records each DNS
 * lookup, socket, connection job and request of the whole browser (its own
 * background services as well as the pages), each naming the host.
 *
 * `netLogBrowser` writes a stand-in executable (POSIX sh) to pass as
 * `--browser`: it runs the real browser with the arguments it is given
 * (less any it is told to drop), a NetLog file, and a host resolver that
 * answers nothing but loopback, so that even an attempt the test is meant to
 * catch never resolves a name or reaches a server. A lookup it refused still
 * counts: the NetLog shows it as a lookup of `~notfound`.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface NetLogBrowser {
  /** The stand-in executable. */
  executable: string;
  /** Where the browser writes its NetLog (complete once the browser has closed). */
  netLog: string;
}

/** Single-quoted for sh. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Writes `dir/NAME` (default `browser-with-netlog`): runs `browser` with its
 * arguments, without those that start with one of `drop`, plus the NetLog and
 * the loopback-only resolver (last, so they win over any earlier ones).
 */
export function netLogBrowser(dir: string, browser: string, options: { drop?: readonly string[]; name?: string } = {}): NetLogBrowser {
  const executable = path.join(dir, options.name ?? 'browser-with-netlog');
  const netLog = `${executable}.netlog.json`;
  const drop = options.drop ?? [];
  const lines = ['#!/bin/sh', '# written by test/support/netlog.ts'];
  if (drop.length > 0) {
    lines.push('for a do', '  shift', '  case "$a" in', `    ${drop.map((d) => `${sq(d)}*`).join('|')}) ;;`, '    *) set -- "$@" "$a" ;;', '  esac', 'done');
  }
  lines.push(`exec ${sq(browser)} "$@" ${sq(`--log-net-log=${netLog}`)} ${sq('--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1')}`);
  writeFileSync(executable, `${lines.join('\n')}\n`);
  chmodSync(executable, 0o755);
  return { executable, netLog };
}

export interface NetLogAttempt {
  /** Host name, IP address, or `~notfound` (a lookup the stand-in's resolver refused). */
  host: string;
  /** The NetLog event that names it (`URL_REQUEST_START_JOB`, `HOST_RESOLVER_MANAGER_REQUEST`, `TCP_CONNECT`, …). */
  event: string;
}

export interface NetLogRead {
  /** The browser's command line as it recorded it. */
  commandLine: string;
  /** Number of events. */
  events: number;
  /** Every host named by a lookup, socket, connection job, proxy or request. */
  attempts: NetLogAttempt[];
}

/** Parameters that name where the browser goes: a url, a host, a socket address, a connection group, a proxy. */
const HOST_KEYS = new Set(['url', 'host', 'hostname', 'address', 'address_list', 'group_id', 'origin', 'proxy_chain', 'proxy_server']);
/** Schemes that never reach the network. */
const LOCAL_SCHEMES = new Set(['data', 'about', 'blob', 'file', 'filesystem', 'chrome', 'chrome-extension', 'chrome-untrusted', 'devtools', 'direct', 'javascript']);

/** The host a NetLog value names, if any: `https://h/…`, `pm/https://h <…>`, `[v6]:443`, `1.2.3.4:443`, `h:443`, `h`. */
export function hostOf(value: string): string | undefined {
  const v = value.trim();
  const v6 = /^\[([0-9a-f:.]+)\](?::\d+)?$/i.exec(v);
  if (v6) return v6[1]!.toLowerCase();
  if (/^[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*$/i.test(v)) return v.toLowerCase(); // an IPv6 address without brackets
  const hostPort = /^([^\s:/]+)(?::\d+)?$/.exec(v);
  if (hostPort) return hostPort[1]!.toLowerCase();
  const url = /([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/\s:?#<>\]]*)/i.exec(v);
  if (!url || LOCAL_SCHEMES.has(url[1]!.toLowerCase())) return undefined;
  return url[2]!.toLowerCase().replace(/^\[|\]$/g, '') || undefined;
}

/** localhost, 127.0.0.0/8 and ::1. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || h === '0:0:0:0:0:0:0:1';
}

/** Reads a NetLog file (one cut short by a killed browser too). */
export function readNetLog(file: string): NetLogRead {
  const text = readFileSync(file, 'utf8');
  let log: { constants: { logEventTypes: Record<string, number>; clientInfo?: { command_line?: string } }; events?: { type: number; params?: unknown }[] };
  try {
    log = JSON.parse(text);
  } catch {
    // no closing `]}`: keep the events written so far
    log = JSON.parse(`${text.slice(0, text.lastIndexOf('},\n') + 1)}]}`);
  }
  const typeName = new Map(Object.entries(log.constants.logEventTypes).map(([name, id]) => [id, name]));
  const events = log.events ?? [];
  const attempts: NetLogAttempt[] = [];
  for (const e of events) {
    const event = typeName.get(e.type) ?? String(e.type);
    if (/LOCAL_ADDRESS/.test(event)) continue; // our own end of a socket
    const visit = (value: unknown, key: string | undefined): void => {
      if (typeof value === 'string') {
        const host = key !== undefined && HOST_KEYS.has(key) ? hostOf(value) : undefined;
        if (host) attempts.push({ host, event });
      } else if (Array.isArray(value)) {
        for (const v of value) visit(v, key);
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) visit(v, k);
      }
    };
    visit(e.params, undefined);
  }
  return { commandLine: log.constants.clientInfo?.command_line ?? '', events: events.length, attempts };
}

/** The attempts outside loopback: host → the events that name it. */
export function outsideLoopback(read: NetLogRead): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of read.attempts) {
    if (isLoopback(a.host)) continue;
    const events = out.get(a.host) ?? [];
    if (!events.includes(a.event)) events.push(a.event);
    out.set(a.host, events);
  }
  return out;
}

/** `host (EVENT, EVENT); host (EVENT)` for an assertion message. */
export function describeHosts(hosts: Map<string, string[]>): string {
  return [...hosts].map(([h, ev]) => `${h} (${ev.join(', ')})`).join('; ') || 'none';
}
