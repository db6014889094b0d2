/**
 * Hosts and their registrable domain ("eTLD+1"), from the Public Suffix
 * List that `tldts` compiles in (offline; a newer list comes with a newer
 * tldts).
 *
 * Only the list's ICANN section is used (tldts' default), not its PRIVATE
 * section: `foo.s3.amazonaws.com` → `amazonaws.com`, `d1.cloudfront.net` →
 * `cloudfront.net`, `app.firebaseio.com` → `firebaseio.com`. The domain is
 * the coarse grouping of a scan's results and names the party that operates
 * the service receiving the bytes, which is what the ASN column also shows;
 * the tenant (the bucket, the distribution, the project) is never lost,
 * since every match keeps its full host. With the PRIVATE section every
 * tenant would be a "domain" of its own, and hosts of one operator would
 * scatter over as many groups.
 */
import { parse } from 'tldts';

/**
 * The host of a URL or of a host with an optional port, lower case, without
 * brackets or a trailing dot; undefined when there is none or it is not a
 * valid host name (spaces, empty labels, a label starting with `-`;
 * underscores are accepted, as real hosts use them).
 */
export function hostOf(urlOrHost: string): string | undefined {
  const text = urlOrHost.trim();
  if (text === '') return undefined;
  const { hostname } = parse(text);
  if (!hostname) return undefined;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === '' ? undefined : host;
}

/**
 * The registrable domain of a host (or URL): `a.b.api2.branch.io` →
 * `branch.io`, `x.foo.com.cn` → `foo.com.cn`. Undefined for an IP address,
 * a public suffix itself (`co.uk`) and a single label (`localhost`).
 */
export function registrableDomain(host: string): string | undefined {
  const h = hostOf(host);
  if (h === undefined) return undefined;
  const parsed = parse(h, { allowPrivateDomains: false });
  if (parsed.isIp) return undefined;
  return parsed.domain ?? undefined;
}
