/** IP address and network arithmetic shared by the lint rules, the PKI and the isolation (pure, no I/O). */
import { isIP } from 'node:net';

/** An IP network: its first address as a number, prefix length and family width (32 or 128). */
export interface Cidr {
  text: string;
  base: bigint;
  bits: number;
  width: 32 | 128;
}

/** Parse `10.0.0.0/24` or `fd00::/108`; undefined when it is not a network. Host bits are cleared. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, bitsText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address === undefined || bitsText === undefined || !/^\d{1,3}$/.test(bitsText))
    return undefined;
  const family = isIP(address);
  if (family === 0) return undefined;
  const width = family === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (bits > width) return undefined;
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const host = BigInt(width - bits);
  return { text: text.trim(), base: (value >> host) << host, bits, width };
}

/** Whether two networks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.width !== b.width) return false;
  const shift = BigInt(a.width - Math.min(a.bits, b.bits));
  return a.base >> shift === b.base >> shift;
}

/** Whether `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.width === inner.width && outer.bits <= inner.bits && overlaps(outer, inner);
}

/** The first usable address of a network, which Kubernetes gives the `kubernetes` Service. */
export function firstAddress(network: Cidr): string {
  const value = network.base + 1n;
  return network.width === 32 ? bigIntToIpv4(value) : bigIntToIpv6(value);
}

/** Whether two address texts name the same address (`fd00::1` and `fd00:0::1` do). */
export function sameAddress(a: string, b: string): boolean {
  const fa = isIP(a);
  if (fa === 0 || fa !== isIP(b)) return false;
  return fa === 4 ? ipv4ToBigInt(a) === ipv4ToBigInt(b) : ipv6ToBigInt(a) === ipv6ToBigInt(b);
}

/** A dotted IPv4 address (four numbers 0..255) as a number; undefined when it is not one. */
export function parseIpv4(address: string): bigint | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return ipv4ToBigInt(address);
}

/** An IPv4 address as a number. */
function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
}

/** A number as an IPv4 address. */
export function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** An IPv6 address (with an optional IPv4 tail) as a number. */
export function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = ipv4ToBigInt(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [
    ...headGroups,
    ...Array(8 - headGroups.length - tailGroups.length).fill('0'),
    ...tailGroups,
  ];
  return groups.reduce((acc: bigint, g: string) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

/** An IPv6 address as text, RFC 5952: lower case, the longest run of two or more zero groups compressed. */
export function bigIntToIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
