import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { execa } from 'execa';
import { namespaceName } from '../../src/adapters/isolation/address.js';
import type { IsolationDeps } from '../../src/adapters/isolation/isolation.js';
import { hostCommands, type HostCommands } from '../../src/adapters/isolation/host-commands.js';
import {
  endProcesses,
  namespaceInode,
  processesInNamespace,
} from '../../src/adapters/isolation/namespace-processes.js';

/**
 * Helpers of the isolation tests. A test never touches the machine's own network: it creates a network
 * namespace to play "the host" and runs demystify (or the adapter's host commands) inside it with
 * `nsenter --net=`. Every namespace is removed by name, and every process inside it ended by pid.
 */

/** What the machine's own network looks like: compared before and after a test file. */
export interface MachineNetwork {
  netns: string[];
  link: string;
  iptables: string;
}

/** The machine's named namespaces (`ip netns list`), links (`ip link`) and firewall (`iptables-save`). */
export async function machineNetwork(): Promise<MachineNetwork> {
  return {
    netns: existsSync('/run/netns') ? (await readdir('/run/netns')).sort() : [],
    link: await text(['ip', '-o', 'link', 'show']),
    iptables: withoutComments(await text(['iptables-save'])),
  };
}

/** Every namespace name a test of this process created or made demystify create (see `track`). */
const ours = new Set<string>();

/** Remember a namespace name this test file is responsible for. */
export function track(name: string): string {
  ours.add(name);
  return name;
}

/**
 * The machine's links and firewall are exactly as before, and no namespace this file is responsible for
 * is left. (Other engineers' tests may add and remove namespaces of their own meanwhile, so the rest of
 * `ip netns list` is compared only when nothing else ran: a name that appeared and is not ours is theirs.)
 */
export async function assertMachineUnchanged(before: MachineNetwork): Promise<void> {
  const now = await machineNetwork();
  assert.equal(now.link, before.link, "the machine's ip link changed");
  assert.equal(now.iptables, before.iptables, "the machine's iptables-save changed");
  const left = now.netns.filter((name) => !before.netns.includes(name) && ours.has(name));
  assert.deepEqual(left, [], 'namespaces of this test file are left on the machine');
  const missing = before.netns.filter((name) => !now.netns.includes(name) && ours.has(name));
  assert.deepEqual(missing, [], 'a namespace that was there before is gone');
}

/** A random suffix for names (namespaces, interfaces). */
export function suffix(): string {
  return randomBytes(3).toString('hex');
}

/** End every process inside a namespace file, by pid, then delete the namespace by name (both if present). */
export async function removeNamespace(name: string): Promise<void> {
  const inode = await namespaceInode(`/run/netns/${name}`);
  if (inode !== undefined) await endProcesses(await processesInNamespace(inode), 1000);
  if (existsSync(`/run/netns/${name}`)) await execa('ip', ['netns', 'delete', name], { reject: false });
}

/** A network namespace playing the host: demystify runs inside it, so its network is what "the host" is. */
export class TestHost {
  readonly name: string;
  readonly path: string;
  readonly commands: HostCommands;

  private constructor(name: string) {
    this.name = name;
    this.path = `/run/netns/${name}`;
    this.commands = hostCommands({ prefix: this.prefix });
  }

  /** Create one with loopback up; `t.after` removes it. */
  static async create(t: { after: (fn: () => Promise<void>) => void }): Promise<TestHost> {
    const host = new TestHost(track(`dmt-host-${suffix()}`));
    t.after(() => removeNamespace(host.name));
    await execa('ip', ['netns', 'add', host.name]);
    await execa('ip', ['-n', host.name, 'link', 'set', 'lo', 'up']);
    return host;
  }

  /** The prefix that runs a command in it. */
  get prefix(): string[] {
    return ['nsenter', `--net=${this.path}`];
  }

  /** Run a command in it (never rejects). */
  run(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return this.commands.run(argv);
  }

  /** Its firewall, routes and links, as `iptables-save`, `ip route` and `ip link` print them. */
  async snapshot(): Promise<{ iptables: string; route: string; link: string; forward: string }> {
    const out = async (argv: string[]): Promise<string> => (await this.run(argv)).stdout;
    return {
      // Plain iptables-save: asking for one table (-t) would create it with iptables-nft.
      iptables: withoutComments(await out(['iptables-save'])),
      route: await out(['ip', 'route', 'show', 'table', 'all']),
      link: await out(['ip', '-o', 'link', 'show']),
      forward: await out(['sysctl', '-n', 'net.ipv4.ip_forward']),
    };
  }
}

/** iptables-save without its dated comment lines. */
export function withoutComments(save: string): string {
  return save
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
}

async function text(argv: string[]): Promise<string> {
  const [file, ...args] = argv;
  return String((await execa(file!, args, { reject: false })).stdout);
}

/**
 * Work directories of an isolation test file: the machine's network is read before the file, and after it
 * each directory's namespace and folder are removed (whatever a failing test left) and the network is
 * checked unchanged. Returns the function that makes one (`prefix` names the temporary folder), or takes
 * charge of a path the test chose.
 */
export function isolatedWorkdirs(prefix: string): (existing?: string) => Promise<string> {
  let machineBefore: MachineNetwork;
  const workdirs: string[] = [];
  before(async () => {
    machineBefore = await machineNetwork();
  });
  after(async () => {
    for (const dir of workdirs) {
      await removeNamespace(namespaceName(dir));
      await rm(dir, { recursive: true, force: true });
    }
    await assertMachineUnchanged(machineBefore);
  });
  return async (existing?: string) => {
    const dir = existing ?? (await mkdtemp(join(tmpdir(), prefix)));
    workdirs.push(dir);
    track(namespaceName(dir));
    return dir;
  };
}

/** The isolation adapter's dependencies acting on a test host. */
export function hostDeps(host: TestHost): IsolationDeps {
  return { host: host.commands, netnsDir: '/run/netns' };
}
