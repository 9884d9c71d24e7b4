import { BlockList, isIP } from 'node:net';

/** Strips the IPv4-mapped IPv6 prefix (`::ffff:10.0.0.1` → `10.0.0.1`). */
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** A matcher for the configured trusted proxies (IPs or CIDR ranges). */
export function createProxyList(entries: string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(plain(address), family);
    else list.addSubnet(plain(address), Number(bits), family);
  }
  return (address) => {
    const ip = plain(address);
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client's address for throttling: the TCP peer, unless the peer is a
 * trusted proxy; then `X-Forwarded-For` is walked from the right, skipping
 * trusted proxies, and the first other address wins. An untrusted peer's
 * `X-Forwarded-For` is ignored, so clients cannot pick their own bucket.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | null | undefined, isTrusted: (a: string) => boolean): string {
  if (!peer) return 'unknown';
  let address = plain(peer);
  if (!isTrusted(address) || !forwardedFor) return address;
  const hops = forwardedFor.split(',').map((h) => plain(h.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (isIP(hops[i]) === 0) return address;
    address = hops[i];
    if (!isTrusted(address)) return address;
  }
  return address;
}
