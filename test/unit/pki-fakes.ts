import type { NetworkInterfaceInfo } from 'node:os';
import type { HostInfo } from '../../src/adapters/pki/sans.js';

/** A machine with a loopback, one LAN address, a link-local and a global IPv6 address. */
export function fakeHost(hostname = 'Learner-Box', extra: Record<string, string[]> = {}): HostInfo {
  const info = (address: string, internal = false): NetworkInterfaceInfo =>
    ({ address, family: address.includes(':') ? 'IPv6' : 'IPv4', internal }) as NetworkInterfaceInfo;
  return {
    hostname: () => hostname,
    networkInterfaces: () => ({
      lo: [info('127.0.0.1', true), info('::1', true)],
      eth0: [info('192.168.1.20'), info('fe80::1234:5678%eth0'), info('2001:db8:0:0:0:0:0:7')],
      ...Object.fromEntries(Object.entries(extra).map(([name, list]) => [name, list.map((a) => info(a))])),
    }),
  };
}
