import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { UsageError } from '../../errors.js';
import { bigIntToIpv6, firstAddress, ipv6ToBigInt, parseCidr, type Cidr } from '../../ip-address.js';

/** What SAN discovery needs to know about this machine (os.hostname / os.networkInterfaces in production). */
export interface HostInfo {
  hostname(): string;
  networkInterfaces(): NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** Subject alternative names of one certificate: DNS names and IP addresses, deduplicated, in order. */
export interface SanSet {
  dns: string[];
  ips: string[];
}

/** Names a serving certificate must carry, split by where they come from. */
export interface SanPlan {
  /** Every name of the machine: localhost, 127.0.0.1, hostname, its addresses, and every --hostname/--ip. */
  machine: SanSet;
  /** The machine's names plus the API server's in-cluster names and the first service address. */
  apiserver: SanSet;
  /**
   * Names the user asked for or that are fixed (everything but discovered addresses). A kept certificate
   * lacking one of these is an error; lacking a discovered address (an interface came up later) is a note.
   */
  required: SanSet;
}

/** The DNS names a Pod uses to reach the API server through the `kubernetes` Service. */
const KUBERNETES_SERVICE_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

/** The default service CIDR of the lesson; its first address is the `kubernetes` Service's ClusterIP. */
export const DEFAULT_SERVICE_CIDR = '10.0.0.0/24';

const DNS_NAME =
  /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Lower-case and validate a DNS name given by the user; throws a UsageError naming the bad value. */
export function normalizeDnsName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  if (!DNS_NAME.test(lower)) throw new UsageError(`not a valid host name for a certificate: '${name}'`);
  return lower;
}

/** Validate an IP address given by the user and return it in canonical form. */
export function normalizeIp(address: string): string {
  const trimmed = address.trim();
  if (isIP(trimmed) === 0) throw new UsageError(`not a valid IP address: '${address}'`);
  return isIP(trimmed) === 6 ? bigIntToIpv6(ipv6ToBigInt(trimmed)) : trimmed;
}

/** The first usable address of a CIDR (`10.0.0.0/24` -> `10.0.0.1`), which Kubernetes gives the API Service. */
export function firstServiceAddress(cidr: string): string {
  const [base, bitsText, ...rest] = cidr.trim().split('/');
  const family = base === undefined ? 0 : isIP(base);
  const bits = Number(bitsText);
  const width = family === 6 ? 128 : 32;
  if (rest.length > 0 || family === 0 || !Number.isInteger(bits) || bits < 0 || bits > width - 2) {
    throw new UsageError(`not a valid service CIDR: '${cidr}'`, { hint: 'write it like 10.0.0.0/24' });
  }
  return firstAddress(parseCidr(cidr) as Cidr);
}

/**
 * The machine's own addresses worth a SAN: every non-internal address, except IPv6 link-local ones
 * (they only mean something together with an interface name, which a certificate cannot carry).
 */
export function discoverAddresses(host: HostInfo): string[] {
  const found: string[] = [];
  for (const infos of Object.values(host.networkInterfaces())) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv6' && /^fe[89ab]/i.test(info.address)) continue;
      found.push(normalizeIp(info.address.replace(/%.*$/, '')));
    }
  }
  return found;
}

/** The name Kubernetes gives this node by default: the hostname, lower-cased (what kubelet registers). */
export function defaultNodeName(host: HostInfo): string {
  return host.hostname().trim().toLowerCase();
}

/** Options of SAN planning, already the user's words (not yet validated). */
export interface SanOptions {
  hostnames?: string[];
  ips?: string[];
  serviceCidr?: string;
}

/**
 * Every SAN the serving certificates need, so that a learner never has to rename the machine: the
 * machine's hostname and addresses are discovered, the in-cluster names are fixed.
 */
export function planSans(options: SanOptions, host: HostInfo): SanPlan {
  const extraDns = (options.hostnames ?? []).map(normalizeDnsName);
  const extraIps = (options.ips ?? []).map(normalizeIp);
  const serviceIp = firstServiceAddress(options.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  const hostname = host.hostname().trim().toLowerCase();
  // A hostname Node reports but a certificate cannot carry (rare) is left out rather than failing the run.
  const hostDns = DNS_NAME.test(hostname) ? [hostname] : [];
  const discovered = discoverAddresses(host);
  const machine: SanSet = {
    dns: unique(['localhost', ...hostDns, ...extraDns]),
    ips: unique(['127.0.0.1', ...discovered, ...extraIps]),
  };
  const apiserver: SanSet = {
    dns: unique([...machine.dns, ...KUBERNETES_SERVICE_NAMES]),
    ips: unique([...machine.ips, serviceIp]),
  };
  const required: SanSet = {
    dns: unique(['localhost', ...extraDns, ...KUBERNETES_SERVICE_NAMES]),
    ips: unique(['127.0.0.1', ...extraIps, serviceIp]),
  };
  return { machine, apiserver, required };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
