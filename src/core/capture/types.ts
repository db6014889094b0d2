/**
 * The capture scan's shared shapes. Readers (HAR in `har/`, pcap through
 * tshark in `src/node/capture/`) turn a capture into `CaptureUnit`s; the
 * matcher (`match.ts`) finds the report's canaries in them; enrichment adds
 * where the address is; the shells print or act on the `CaptureMatch`es.
 * Nothing here does I/O.
 */

/** Where in a request (or response) a part was found. */
export type Where =
  | 'url' // the whole URL or request target (path and query as written)
  | 'query' // one query parameter (name in `name`)
  | 'header' // one header (name in `name`); HTTP/2 pseudo-headers too (`:authority`)
  | 'cookie' // one cookie (name in `name`)
  | 'body' // the request body (HTTP/1.1, HTTP/2 DATA)
  | 'websocket' // one WebSocket message (sent or received)
  | 'payload' // a raw TCP or UDP payload of a protocol tshark did not dissect
  | 'dns' // the name asked in a DNS query
  | 'sni'; // the server name of a TLS ClientHello

/** One piece of a request or a response, as text or as bytes. */
export interface Part {
  where: Where;
  /** The header, cookie or query parameter name; the WebSocket direction. */
  name?: string;
  /** Text as the producer recorded it (already JSON-unescaped). */
  text?: string;
  /** Bytes where the producer recorded bytes (base64 bodies, raw payloads). */
  bytes?: Uint8Array;
  /** The request's `Content-Encoding` when the body is still compressed (`gzip`, `deflate`, `br`). */
  contentEncoding?: string;
  /** The body's media type, when known. */
  contentType?: string;
}

/** One HAR entry or one pcap frame (or reassembled message), ready to be searched. */
export interface CaptureUnit {
  /** `entry=12` (1-based, file order of `log.entries`) or `frame=57` (Wireshark's number). */
  locator: string;
  /** Time the request started, ISO 8601, when known. */
  time?: string;
  /** HTTP Host, `:authority`, TLS SNI, or the DNS name that answered with the address. */
  host?: string;
  /** Server address (IPv4 or IPv6, no brackets) and port. */
  address?: string;
  port?: number;
  /** The request method (`GET`, `POST` …) of an HTTP request. */
  method?: string;
  /** `http/1.1`, `h2`, `websocket`, `dns`, `tls`, `tcp`, `udp`, … */
  protocol?: string;
  /** Carried inside TLS (https, or a TLS stream tshark decrypted). */
  tls?: boolean;
  /** What the client sent. */
  request: Part[];
  /** What the server answered; searched only to report `direction: response`. */
  response: Part[];
}

/** A test device's own value, as the report declares it. */
export interface Canary {
  /** Device record id (`D1`). */
  device: string;
  /** The data category as the report writes it (`IMEI`, `phone number`, `contacts`). */
  category: string;
  /** The taxonomy id when the category is known (`imei`, `msisdn`); otherwise undefined. */
  categoryId?: string;
  /** The value as written. */
  value: string;
}

export interface CaptureMatch {
  locator: string;
  direction: 'request' | 'response';
  host?: string;
  /** Registrable domain of `host` (Public Suffix List). */
  domain?: string;
  address?: string;
  port?: number;
  country?: string;
  asn?: number;
  org?: string;
  /** `private`, `loopback` … for an address that is not on the public Internet (it has no country). */
  scope?: string;
  category: string;
  device: string;
  /** Index into the scan's canary list (never the value itself: results may leave the machine). */
  canary: number;
  /** Outermost first: `['base64', 'gzip', 'json']` means base64 of gzip of a JSON document holding the value. */
  transforms: string[];
  /** The normal form that matched when it is not the value as written (`E.164 without +`, `without check digit`). */
  form?: string;
  /** `url`, `query`, `header`, `cookie`, `body`, `websocket`, `payload`, `dns`, `sni`. */
  where: Where;
  /** The header, cookie or query parameter; `send` for a WebSocket message. */
  name?: string;
  /** The JSON or form field that held the value (the innermost one). */
  field?: string;
  time?: string;
  tls: boolean;
  protocol?: string;
}
