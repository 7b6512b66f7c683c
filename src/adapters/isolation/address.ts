import { createHash } from 'node:crypto';
import { UsageError } from '../../errors.js';
import { bigIntToIpv4, overlaps as networksOverlap, parseCidr, parseIpv4 } from '../../ip-address.js';

/**
 * Names and addresses of an isolated lesson, pure. A namespace is named after its work directory, so the
 * same folder always finds its own namespace again; the node address is a /30 of 10.200.0.0/16 whose third
 * octet is derived from the same hash, moved on to the next free one when another lesson (or anything else
 * on the host) already uses it, so two work directories never collide.
 */

/** The node side of a lesson's link: the node's address, the host's end, and their subnet. */
export interface NodeAddress {
  /** The node's address inside the namespace (`${node.ip}`), e.g. `10.200.37.2`. */
  node: string;
  /** The host's end of the veth pair, the namespace's default gateway, e.g. `10.200.37.1`. */
  host: string;
  prefix: number;
  /** The subnet in CIDR form, e.g. `10.200.37.0/30`. */
  subnet: string;
}

/** The default node subnets: `10.200.X.0/30`, node `10.200.X.2`, host `10.200.X.1`, X in 1..254. */
const DEFAULT_SLOTS = 254;

/** The hex digest naming everything of a work directory (8 characters). */
function workdirHash(workdirRoot: string): string {
  return createHash('sha256').update(workdirRoot).digest('hex').slice(0, 8);
}

/** The namespace of a work directory: `demystify-<hash>` (a file under /run/netns). */
export function namespaceName(workdirRoot: string): string {
  return `demystify-${workdirHash(workdirRoot)}`;
}

/**
 * The host's end of the veth pair, named after its subnet (`dm` + the network address in hex, 10
 * characters): creating it is the atomic claim of the subnet, so two lessons starting at the same moment
 * cannot both take it.
 */
export function hostVethName(address: NodeAddress): string {
  const network = parseIpv4(address.subnet.split('/')[0] ?? '') ?? 0n;
  return `dm${network.toString(16).padStart(8, '0')}`;
}

/** The default address of slot X (1..254): `10.200.X.2/30`. */
export function defaultAddress(slot: number): NodeAddress {
  return {
    node: `10.200.${slot}.2`,
    host: `10.200.${slot}.1`,
    prefix: 30,
    subnet: `10.200.${slot}.0/30`,
  };
}

/** The default slots of a work directory, the preferred one (from its hash) first, then the others in order. */
export function candidateSlots(workdirRoot: string): number[] {
  const first = (parseInt(workdirHash(workdirRoot), 16) % DEFAULT_SLOTS) + 1;
  return Array.from({ length: DEFAULT_SLOTS }, (_, i) => ((first - 1 + i) % DEFAULT_SLOTS) + 1);
}

/**
 * An address the lesson or the command line names: `10.200.0.2` (a /30) or `A.B.C.D/P` with P from 8 to 31.
 * The host's end is the first other usable address of the subnet. A UsageError says what is wrong.
 */
export function parseNodeAddress(text: string): NodeAddress {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  const value = m ? parseIpv4(m[1] ?? '') : undefined;
  const prefix = m?.[2] === undefined ? 30 : Number(m[2]);
  if (!m || value === undefined || prefix < 8 || prefix > 31) {
    throw new UsageError(`'${text}' is not a node address`, {
      hint: 'give an IPv4 address such as 10.200.0.2, optionally with a prefix from /8 to /31 (default /30)',
    });
  }
  const size = 1n << BigInt(32 - prefix);
  const network = (value / size) * size;
  const broadcast = network + size - 1n;
  if (prefix < 31 && (value === network || value === broadcast)) {
    throw new UsageError(
      `'${text}' is the ${value === network ? 'network' : 'broadcast'} address of its subnet`,
      {
        hint: `use an address between ${bigIntToIpv4(network + 1n)} and ${bigIntToIpv4(broadcast - 1n)}`,
      },
    );
  }
  const first = prefix === 31 ? network : network + 1n;
  const host = value === first ? first + 1n : first;
  return {
    node: bigIntToIpv4(value),
    host: bigIntToIpv4(host),
    prefix,
    subnet: `${bigIntToIpv4(network)}/${prefix}`,
  };
}

/** Whether two CIDR ranges (a bare address is a /32) share any address. */
export function overlaps(a: string, b: string): boolean {
  const ca = parseCidr(a.includes('/') ? a : `${a}/32`);
  const cb = parseCidr(b.includes('/') ? b : `${b}/32`);
  return ca !== undefined && cb !== undefined && networksOverlap(ca, cb);
}

/** The first of `ranges` (CIDR, or a bare address) that overlaps `subnet`, if any. */
export function firstOverlap(subnet: string, ranges: string[]): string | undefined {
  return ranges.find((r) => overlaps(subnet, r));
}
