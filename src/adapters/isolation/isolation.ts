import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DemystifyError, messageOf } from '../../errors.js';
import { defaultMountOps, unmountBelow, type MountOps } from '../cleanup/mounts.js';
import {
  candidateSlots,
  defaultAddress,
  firstOverlap,
  hostVethName,
  namespaceName,
  parseNodeAddress,
  type NodeAddress,
} from './address.js';
import { hostCommands, type HostCommands } from './host-commands.js';
import { disableNat, enableNat } from './nat.js';
import {
  endProcesses,
  linkedNamespaces,
  namespaceInode,
  processesInNamespace,
} from './namespace-processes.js';
import { isolationFile, isolationLive, readIsolation, writeRecord, type IsolationRecord } from './record.js';

export {
  isolatedNode,
  isolationFile,
  isolationLive,
  isolationPrefix,
  nsenterPrefix,
  readIsolation,
  type IsolationRecord,
} from './record.js';

/**
 * A lesson's own network namespace (see docs/isolation.md): loopback up, a veth pair to the host with the
 * node address inside, optional outbound NAT. Everything created is recorded in `<workdir>/isolation.json`
 * as soon as it exists, so cleanup removes exactly that, even after a crash halfway.
 */

/** What isolation needs from the machine, injectable. */
export interface IsolationDeps {
  host: HostCommands;
  /** Where `ip netns` keeps namespace files (default /run/netns). */
  netnsDir: string;
  /** Unmounting a namespace file `ip netns delete` could not remove (default: mountinfo and umount). */
  mounts?: MountOps;
}

/** How a lesson asks for isolation. */
export interface IsolationRequest {
  /** The node address (`10.200.0.2`, `10.200.0.2/30`); default: a free `10.200.X.2/30`. */
  address?: string;
  /** NAT through the host for chapters that download. */
  outbound?: boolean;
}

/** The node's interface inside the namespace. */
const NODE_INTERFACE = 'eth0';

const defaults = (): IsolationDeps => ({ host: hostCommands(), netnsDir: '/run/netns' });

/**
 * Create the namespace of a work directory, or find it again: a live record with the same address is
 * reused (outbound access is turned on or off to match). Returns the record, complete.
 */
export async function ensureIsolation(
  workdirRoot: string,
  request: IsolationRequest = {},
  deps: IsolationDeps = defaults(),
): Promise<IsolationRecord> {
  const wanted = request.address === undefined ? undefined : parseNodeAddress(request.address);
  const existing = await readIsolation(workdirRoot);
  if (existing && isolationLive(existing) && existing.hostVeth && existing.address) {
    const veth = await deps.host.run(['ip', 'link', 'show', existing.hostVeth]);
    if (veth.exitCode === 0 && (!wanted || wanted.node === existing.address.node)) {
      return syncOutbound(existing, request.outbound === true, deps);
    }
    if (veth.exitCode === 0 && wanted) {
      throw new DemystifyError(
        'ISOLATE_ADDRESS_CHANGED',
        `this work directory is isolated with node address ${existing.address.node}, not ${wanted.node}`,
        { hint: 'run demystify cleanup first to change the address' },
      );
    }
  }
  // A partial or stale record (a crash, a reboot): remove what it names, then start afresh.
  if (existing) await removeIsolation(workdirRoot, deps);
  const namespace = namespaceName(workdirRoot);
  const record: IsolationRecord = {
    schema: 'demystify.isolation/v1',
    workdir: workdirRoot,
    namespace,
    netnsPath: join(deps.netnsDir, namespace),
    nodeInterface: NODE_INTERFACE,
    createdAt: new Date().toISOString(),
  };
  await writeRecord(record);
  if (!existsSync(record.netnsPath)) await deps.host.must(['ip', 'netns', 'add', namespace]);
  await deps.host.must(['ip', '-n', namespace, 'link', 'set', 'lo', 'up']);
  // Left over from an earlier attempt in the same namespace: the node interface is created again.
  await deps.host.run(['ip', '-n', namespace, 'link', 'del', NODE_INTERFACE]);
  const address = await claimAddress(record, wanted, deps);
  await deps.host.must(['ip', 'addr', 'add', `${address.host}/${address.prefix}`, 'dev', record.hostVeth!]);
  await deps.host.must(['ip', 'link', 'set', record.hostVeth!, 'up']);
  const inside = ['ip', '-n', namespace];
  await deps.host.must([
    ...inside,
    'addr',
    'add',
    `${address.node}/${address.prefix}`,
    'dev',
    NODE_INTERFACE,
  ]);
  await deps.host.must([...inside, 'link', 'set', NODE_INTERFACE, 'up']);
  // Components look for a default route to pick their address (kube-apiserver, kubelet): the host's end.
  await deps.host.must([...inside, 'route', 'add', 'default', 'via', address.host]);
  return syncOutbound(record, request.outbound === true, deps);
}

/**
 * Take the first free subnet: the wanted one, or the work directory's default slots in order. A subnet is
 * free when nothing on the host overlaps it and the veth named after it can be created (the atomic claim).
 */
async function claimAddress(
  record: IsolationRecord,
  wanted: NodeAddress | undefined,
  deps: IsolationDeps,
): Promise<NodeAddress> {
  const used = await hostRanges(deps.host);
  const candidates = wanted ? [wanted] : candidateSlots(record.workdir).map(defaultAddress);
  for (const address of candidates) {
    const clash = firstOverlap(address.subnet, used);
    const veth = hostVethName(address);
    if (!clash) {
      const add = ['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', NODE_INTERFACE];
      const result = await deps.host.run([...add, 'netns', record.namespace]);
      if (result.exitCode === 0) {
        record.hostVeth = veth;
        record.address = address;
        await writeRecord(record);
        return address;
      }
      if (!/exists/i.test(result.stderr)) {
        throw new DemystifyError('ISOLATE_COMMAND', `cannot create the veth pair: ${result.stderr.trim()}`, {
          hint: 'isolation needs root (or CAP_NET_ADMIN) and iproute2',
        });
      }
    }
    if (wanted) {
      throw new DemystifyError(
        'ISOLATE_ADDRESS_IN_USE',
        `node address ${address.node} (${address.subnet}) overlaps ${clash ?? 'a subnet'} already on this machine`,
        {
          hint: 'choose another one with --address (or isolate.address), or leave it out for a free 10.200.X.2',
        },
      );
    }
  }
  throw new DemystifyError('ISOLATE_NO_ADDRESS', 'every 10.200.X.0/30 subnet is in use on this machine', {
    hint: 'clean up other isolated lessons, or give an address with --address',
  });
}

/** Every IPv4 range the host uses: its addresses' subnets and its routes (the default route aside). */
async function hostRanges(host: HostCommands): Promise<string[]> {
  const addrs = (await host.run(['ip', '-4', '-o', 'addr', 'show'])).stdout;
  const routes = (await host.run(['ip', '-4', 'route', 'show', 'table', 'all'])).stdout;
  const ranges = [...addrs.matchAll(/\sinet\s+(\S+)/g)].map((m) => m[1] ?? '');
  for (const line of routes.split('\n')) {
    const first = line.trim().split(/\s+/)[0] ?? '';
    const dest = ['local', 'broadcast', 'unicast'].includes(first) ? line.trim().split(/\s+/)[1] : first;
    if (dest && /^\d/.test(dest) && !dest.startsWith('127.')) ranges.push(dest);
  }
  return ranges.filter((r) => r.length > 0);
}

async function syncOutbound(
  record: IsolationRecord,
  outbound: boolean,
  deps: IsolationDeps,
): Promise<IsolationRecord> {
  if (outbound && !record.nat && record.address && record.hostVeth) {
    record.nat = await enableNat(
      record.address,
      record.hostVeth,
      record.namespace,
      deps.host,
      async (nat) => {
        record.nat = nat;
        await writeRecord(record);
      },
    );
    await writeRecord(record);
  } else if (!outbound && record.nat) {
    await disableNat(record.nat, deps.host);
    delete record.nat;
    await writeRecord(record);
  }
  return record;
}

/**
 * Remove what a work directory's record names and nothing else: processes still inside its namespace and
 * its pod namespaces (ended by pid), those pod namespaces, the NAT rules, the veth pair, the namespace, the
 * record. Returns one line per thing removed ([] when the work directory was not isolated).
 */
export async function removeIsolation(
  workdirRoot: string,
  deps: IsolationDeps = defaults(),
): Promise<string[]> {
  const record = await readIsolation(workdirRoot);
  if (!record) return [];
  const removed: string[] = [];
  const pods = isolationLive(record)
    ? await linkedNamespaces(record.namespace, record.nodeInterface, deps.host)
    : [];
  for (const path of [...pods.map((p) => join(deps.netnsDir, p)), record.netnsPath]) {
    const inode = await namespaceInode(path);
    const pids = inode === undefined ? [] : await processesInNamespace(inode);
    if (pids.length > 0) removed.push(`processes ${(await endProcesses(pids)).join(' ')} (in ${path})`);
  }
  for (const pod of pods) {
    if (await deleteNamespace(pod, deps)) removed.push(`pod namespace ${pod}`);
  }
  if (record.nat) removed.push(...(await disableNat(record.nat, deps.host)));
  if (record.hostVeth && (await deps.host.run(['ip', 'link', 'del', record.hostVeth])).exitCode === 0) {
    removed.push(`veth pair ${record.hostVeth} (${record.address?.subnet ?? 'no address'})`);
  }
  if (await deleteNamespace(record.namespace, deps, record.netnsPath))
    removed.push(`namespace ${record.namespace}`);
  await rm(isolationFile(workdirRoot), { force: true });
  return removed;
}

/**
 * Delete a named network namespace; false when it is already gone. `ip netns delete` detaches the mount
 * of `/run/netns/NAME` lazily (so processes still inside never block it) and unlinks the file; it fails
 * when the file is mounted more than once (peer copies of /run/netns stack their mounts) or vanishes
 * meanwhile. Then every mount on the file is detached (umount, `-l` when busy) and the file removed.
 */
async function deleteNamespace(
  name: string,
  deps: IsolationDeps,
  path = join(deps.netnsDir, name),
): Promise<boolean> {
  if (!existsSync(path)) return false;
  const result = await deps.host.run(['ip', 'netns', 'delete', name]);
  if (!existsSync(path)) return true;
  try {
    await unmountBelow(path, { includeRoot: true }, deps.mounts ?? defaultMountOps);
    await rm(path, { force: true });
    return true;
  } catch (error) {
    const why = result.exitCode === 0 ? '' : `${(result.stderr || result.stdout).trim()}; `;
    throw new DemystifyError('ISOLATE_NETNS', `cannot remove namespace ${name}: ${why}${messageOf(error)}`, {
      cause: error,
      hint: `see findmnt ${path}; unmount it (umount -l ${path}), remove the file and run demystify cleanup again`,
    });
  }
}
