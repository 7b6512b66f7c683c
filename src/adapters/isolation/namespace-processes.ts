import { readFile, readdir, readlink, stat } from 'node:fs/promises';
import type { HostCommands } from './host-commands.js';

/**
 * What lives in a lesson's namespace: the processes still inside it, and the pod namespaces linked to it
 * (containerd's `cni-…`, or any a lesson created with `ip netns add` and wired with a veth pair).
 */

/** The inode of a network namespace file (`/run/netns/NAME`), or undefined when it is not there. */
export async function namespaceInode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).ino;
  } catch {
    return undefined;
  }
}

/** Process ids whose network namespace is the one with this inode (demystify's own pid excluded). */
export async function processesInNamespace(inode: number, proc = '/proc'): Promise<number[]> {
  const wanted = `net:[${inode}]`;
  const pids: number[] = [];
  for (const entry of await readdir(proc).catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const link = await readlink(`${proc}/${entry}/ns/net`).catch(() => '');
    if (link === wanted) pids.push(Number(entry));
  }
  return pids;
}

/** Whether a process still exists (and is not a zombie waiting for its parent). */
export async function alive(pid: number, proc = '/proc'): Promise<boolean> {
  try {
    const status = await readFile(`${proc}/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(status);
  } catch {
    return false;
  }
}

/**
 * End processes by pid: SIGTERM, then SIGKILL to those still there after `graceMs`. Returns the pids that
 * were signalled. A pid that is already gone is skipped.
 */
export async function endProcesses(pids: number[], graceMs = 2000): Promise<number[]> {
  const signalled: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
      signalled.push(pid);
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + graceMs;
  let left = signalled;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = (await Promise.all(left.map(async (pid) => ((await alive(pid)) ? pid : 0)))).filter(
      (pid) => pid > 0,
    );
  }
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Ended meanwhile.
    }
  }
  return signalled;
}

/**
 * Named namespaces wired to the lesson's namespace by a veth pair: the other end of every veth inside it
 * except the node's own interface (whose other end is the host). `ip` prints `link-netns NAME` when the
 * peer's namespace has a name under /run/netns; unnamed ones end with their last process.
 */
export async function linkedNamespaces(
  namespace: string,
  nodeInterface: string,
  host: HostCommands,
): Promise<string[]> {
  const result = await host.run(['ip', '-n', namespace, '-o', 'link', 'show', 'type', 'veth']);
  if (result.exitCode !== 0) return [];
  const names = new Set<string>();
  for (const line of result.stdout.split('\n')) {
    const ifname = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
    const peer = /\slink-netns\s+(\S+)/.exec(line)?.[1];
    if (!ifname || !peer || ifname === nodeInterface) continue;
    // Another lesson's namespace is never a pod of this one.
    if (peer === namespace || peer.startsWith('demystify-')) continue;
    names.add(peer);
  }
  return [...names];
}
