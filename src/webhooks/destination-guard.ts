import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { promisify } from 'node:util';

const ALLOW_PRIVATE_VARIABLE = 'ROSTER_WEBHOOK_ALLOW_PRIVATE';

/** `ROSTER_WEBHOOK_ALLOW_PRIVATE=1` (or `true`) lets webhooks reach private, loopback and link-local addresses. */
export function allowPrivateFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'yes'].includes((env[ALLOW_PRIVATE_VARIABLE] ?? '').toLowerCase());
}

/**
 * Addresses a webhook must not reach: a customer's admin who can add an endpoint must not be able to make Roster
 * call the services beside it (the database, a cloud's metadata service at 169.254.169.254 or fd00:ec2::254, an
 * admin port on loopback). IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) match the IPv4 rules.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (and some clouds' metadata, 100.100.100.200)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some)
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits, and reaches whatever that address does. */
const NAT64 = /^64:ff9b::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const nat64 = NAT64.exec(address);
  if (nat64) {
    const [high, low] = [nat64[1]!, nat64[2]!].map((group) => Number.parseInt(group, 16));
    return isPublicAddress([high! >> 8, high! & 0xff, low! >> 8, low! & 0xff].join('.'));
  }
  return !NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class DestinationRefused extends Error {}

function refuseUnlessPublic(host: string, addresses: readonly string[]): void {
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (refused !== undefined) {
    const via = refused === host ? '' : ` (${host} resolves to it)`;
    throw new DestinationRefused(
      `${refused}${via} is a private, loopback or link-local address: webhooks go to public addresses only, unless ${ALLOW_PRIVATE_VARIABLE}=1`,
    );
  }
}

/** The host of a URL as DNS and `net.isIP` read it: IPv6 literals without their brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

const lookupAll = promisify((host: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) =>
  dnsLookup(host, { all: true }, callback),
);

/**
 * Checks a webhook URL when it is added: http or https, and every address its host resolves to is public (unless
 * allowed). Sending checks again, at connect time (guardedLookup), because DNS may answer differently by then.
 */
export async function checkDestination(url: URL, allowPrivate: boolean): Promise<void> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DestinationRefused(`a webhook URL is http:// or https://, not ${url.protocol}`);
  if (url.username || url.password) throw new DestinationRefused('a webhook URL carries no user name or password: the signature authenticates Roster');
  if (allowPrivate) return;
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookupAll(host)).map((a) => a.address);
  } catch (error) {
    throw new DestinationRefused(`${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  refuseUnlessPublic(host, addresses);
}

/**
 * Refuses a literal IP at send time: Node skips the lookup for those. Names are checked by guardedLookup as the socket
 * connects, on the very addresses it connects to, so DNS that changes its answer after the check (DNS rebinding)
 * gains nothing.
 */
export function refuseLiteralUnlessPublic(url: URL): void {
  const host = hostOf(url);
  if (isIP(host)) refuseUnlessPublic(host, [host]);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for node:http that resolves like dns.lookup and fails when any address is not public. */
export function guardedLookup(host: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(host, { ...options, all: true } as LookupAllOptions, (error, addresses) => {
    if (error) return callback(error, []);
    try {
      refuseUnlessPublic(host, addresses.map((a) => a.address));
    } catch (refused) {
      return callback(refused as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}
