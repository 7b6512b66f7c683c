import { DemystifyError } from '../../errors.js';
import type { NodeAddress } from './address.js';
import type { HostCommands } from './host-commands.js';

/**
 * Optional outbound access for an isolated lesson (a chapter that downloads charts or images): the host
 * masquerades the node's subnet. Off by default, because it is the one part of isolation that changes the
 * host's own firewall and `net.ipv4.ip_forward`. Everything added is recorded, one item at a time, so that
 * cleanup removes exactly that and nothing else.
 */

/** One iptables rule demystify added on the host: removed with `iptables -t TABLE -D CHAIN ...spec`. */
export interface AddedRule {
  table: string;
  chain: string;
  spec: string[];
}

/** What outbound access changed on the host. */
export interface NatRecord {
  rules: AddedRule[];
  /** `net.ipv4.ip_forward` before demystify set it to 1 (restored by cleanup when it was 0). */
  ipForwardBefore: string;
  /** iptables tables that did not exist before; nf_tables removes them again when they end up empty. */
  createdTables: string[];
  /** `nf_tables` or `legacy`, from `iptables --version`. */
  backend: string;
}

/**
 * The rules that let the node reach the outside through the host. Their comment names the namespace and
 * the host's `ip_forward` before any isolated lesson turned it on, so that the last lesson to clean up
 * gives it back even when several used outbound access at once.
 */
export function natRules(
  address: NodeAddress,
  hostVeth: string,
  namespace: string,
  forwardBefore: string,
): AddedRule[] {
  const tag = ['-m', 'comment', '--comment', `demystify ${namespace} ip_forward=${forwardBefore}`];
  return [
    {
      table: 'nat',
      chain: 'POSTROUTING',
      spec: ['-s', address.subnet, '!', '-o', hostVeth, ...tag, '-j', 'MASQUERADE'],
    },
    // Inserted first in FORWARD: a host whose policy is DROP (Docker sets it) must still forward the node.
    { table: 'filter', chain: 'FORWARD', spec: ['-i', hostVeth, ...tag, '-j', 'ACCEPT'] },
    {
      table: 'filter',
      chain: 'FORWARD',
      spec: ['-o', hostVeth, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag, '-j', 'ACCEPT'],
    },
  ];
}

/** The tables `iptables-save` lists (plain `iptables-save`: asking for one table would create it). */
export function savedTables(save: string): string[] {
  return [...save.matchAll(/^\*(\S+)$/gm)].map((m) => m[1] ?? '');
}

/** Whether a table holds nothing but its built-in chains with ACCEPT policies. */
export function tableIsEmpty(save: string, table: string): boolean {
  const section = new RegExp(`^\\*${table}$([\\s\\S]*?)^COMMIT$`, 'm').exec(save)?.[1];
  if (section === undefined) return true;
  return section
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .every((line) => /^:\S+ ACCEPT /.test(line));
}

/**
 * Turn outbound access on. `record` is called after every change (so a crash halfway still leaves an
 * exact list of what to undo); returns the final record.
 */
export async function enableNat(
  address: NodeAddress,
  hostVeth: string,
  namespace: string,
  host: HostCommands,
  record: (nat: NatRecord) => Promise<void>,
): Promise<NatRecord> {
  const version = await host.run(['iptables', '--version']);
  if (version.exitCode !== 0) {
    throw new DemystifyError('ISOLATE_NAT', 'outbound access needs iptables, which does not run here', {
      hint: 'install iptables, or isolate without --outbound',
    });
  }
  const before = await host.run(['iptables-save']);
  const tables = savedTables(before.stdout);
  const forward = (await host.must(['sysctl', '-n', 'net.ipv4.ip_forward'])).trim();
  // Another isolated lesson may have turned forwarding on already: its rules say what it was before.
  const inherited = /demystify \S+ ip_forward=(\d)/.exec(before.stdout)?.[1];
  const original = forward === '1' && inherited !== undefined ? inherited : forward;
  const nat: NatRecord = {
    rules: [],
    ipForwardBefore: original,
    createdTables: [],
    backend: /nf_tables/.test(version.stdout) ? 'nf_tables' : 'legacy',
  };
  for (const rule of natRules(address, hostVeth, namespace, original)) {
    const verb = rule.table === 'filter' ? '-I' : '-A';
    await host.must(['iptables', '-t', rule.table, verb, rule.chain, ...rule.spec]);
    nat.rules.push(rule);
    if (!tables.includes(rule.table) && !nat.createdTables.includes(rule.table))
      nat.createdTables.push(rule.table);
    await record(nat);
  }
  if (forward !== '1') await host.must(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
  return nat;
}

/**
 * Undo outbound access: delete each recorded rule (one already gone is fine), give `ip_forward` its value
 * back unless another isolated lesson still forwards, and drop the tables demystify's rules created when nothing else uses them. Returns what it did.
 */
export async function disableNat(nat: NatRecord, host: HostCommands): Promise<string[]> {
  const done: string[] = [];
  for (const rule of [...nat.rules].reverse()) {
    const result = await host.run(['iptables', '-t', rule.table, '-D', rule.chain, ...rule.spec]);
    if (result.exitCode === 0) done.push(`iptables rule ${rule.table}/${rule.chain} ${rule.spec.join(' ')}`);
  }
  const others = /demystify \S+ ip_forward=/.test((await host.run(['iptables-save'])).stdout);
  if (nat.ipForwardBefore !== '1' && !others) {
    await host.run(['sysctl', '-q', '-w', `net.ipv4.ip_forward=${nat.ipForwardBefore}`]);
    done.push(`net.ipv4.ip_forward=${nat.ipForwardBefore}`);
  }
  if (nat.backend === 'nf_tables' && nat.createdTables.length > 0) {
    const save = (await host.run(['iptables-save'])).stdout;
    for (const table of nat.createdTables) {
      if (!savedTables(save).includes(table) || !tableIsEmpty(save, table)) continue;
      const result = await host.run(['nft', 'delete', 'table', 'ip', table]);
      if (result.exitCode === 0) done.push(`empty iptables table ${table}`);
    }
  }
  return done;
}
