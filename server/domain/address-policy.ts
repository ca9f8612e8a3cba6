// Where the server may send requests to addresses someone else typed in (push endpoints, the chat webhook): only to
// the public internet, so a subscription cannot make the server POST into the desk's own network (SSRF). The rules
// are checked on the URL when it is saved and again on every address its host resolves to when it is used.
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail becomes the last two). */
function groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((part) => parseInt(part, 16));
}

/** The IPv4 address carried by an IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96) or NAT64 (64:ff9b::/96) one. */
function embeddedIpv4(address: string): string | null {
  const g = groups(address);
  const zeroHead = g.slice(0, 5).every((part) => part === 0);
  const mapped = zeroHead && (g[5] === 0xffff || g[5] === 0);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((part) => part === 0);
  if (!mapped && !nat64) return null;
  return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
}

/** Whether an IP address is on the public internet (not loopback, private, link-local, CGNAT, multicast, …). */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return !blocked.check(bare, 'ipv4');
  if (family !== 6) return false;
  const mapped = embeddedIpv4(bare);
  if (mapped) return !blocked.check(mapped, 'ipv4');
  return !blocked.check(bare, 'ipv6');
}

export interface AddressRules {
  /** Tests and the demo: loopback and private addresses (and, for webhooks, plain http) are allowed. */
  allowLocal: boolean;
  /** Plain http is accepted with allowLocal for a receiver that is not a push service (push always uses TLS). */
  httpWhenLocal?: boolean;
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** The checks that need no DNS: scheme, credentials, a literal IP or a local name. */
export function checkUrl(raw: string, rules: AddressRules): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  const httpAllowed = rules.allowLocal && rules.httpWhenLocal === true && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !httpAllowed) return { ok: false, reason: 'only https: addresses are accepted' };
  if (url.username || url.password) return { ok: false, reason: 'the address may not carry credentials' };
  if (rules.allowLocal) return { ok: true, url };
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (isIP(host))
    return isPublicAddress(host)
      ? { ok: true, url }
      : { ok: false, reason: 'the address is not on the public internet' };
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    !host.includes('.') ||
    /\.(local|internal|home\.arpa|lan)$/.test(host)
  ) {
    return { ok: false, reason: 'the host is a local name' };
  }
  return { ok: true, url };
}

/** Of the addresses a host resolved to, whether every one may be used (one private answer refuses the host). */
export function resolvedAllowed(addresses: readonly string[], rules: AddressRules): boolean {
  return addresses.length > 0 && (rules.allowLocal || addresses.every(isPublicAddress));
}
