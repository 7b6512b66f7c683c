import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { candidateSlots, namespaceName } from '../../src/adapters/isolation/address.js';
import { ensureIsolation, isolationFile, removeIsolation } from '../../src/adapters/isolation/isolation.js';
import { waitFor } from '../helpers/wait.js';
import { hostDeps, isolatedWorkdirs, removeNamespace, suffix, TestHost, track } from './isolation-helpers.js';

// The adapter against the real kernel, as root, inside a namespace that plays the host.

const workdir = isolatedWorkdirs('dm-iso-');

/** Run a command inside a namespace file. */
function inside(path: string, argv: string[]): Promise<{ exitCode?: number; stdout: string }> {
  return execa('nsenter', [`--net=${path}`, ...argv], { reject: false }) as never;
}

test('a namespace with loopback up and the node address on a veth pair, removed exactly', async (t) => {
  const host = await TestHost.create(t);
  const dir = await workdir();
  const before = await host.snapshot();
  const record = await ensureIsolation(dir, {}, hostDeps(host));
  assert.equal(record.namespace, namespaceName(dir));
  assert.ok(existsSync(record.netnsPath));
  assert.match(record.address!.node, /^10\.200\.\d+\.2$/);
  const addrs = (await inside(record.netnsPath, ['ip', '-4', '-o', 'addr', 'show'])).stdout;
  assert.match(addrs, /lo\s+inet 127\.0\.0\.1\/8/);
  assert.match(addrs, new RegExp(`eth0\\s+inet ${record.address!.node.replace(/\./g, '\\.')}/30`));
  const route = (await inside(record.netnsPath, ['ip', 'route'])).stdout;
  assert.match(route, new RegExp(`default via ${record.address!.host.replace(/\./g, '\\.')} dev eth0`));
  // The host (here: the test's namespace) reaches the node over the veth pair; the machine never sees it.
  assert.match(
    (await host.run(['ip', '-o', 'link', 'show', record.hostVeth!])).stdout,
    /link-netns demystify-/,
  );
  assert.equal((await host.run(['busybox', 'ping', '-c', '1', '-W', '2', record.address!.node])).exitCode, 0);
  assert.doesNotMatch((await execa('ip', ['-o', 'link'])).stdout, new RegExp(record.hostVeth!));
  // The record says what exists; asking again finds it.
  assert.deepEqual(JSON.parse(await readFile(isolationFile(dir), 'utf8')), record);
  assert.deepEqual(await ensureIsolation(dir, {}, hostDeps(host)), record);

  const removed = await removeIsolation(dir, hostDeps(host));
  assert.deepEqual(removed, [
    `veth pair ${record.hostVeth} (${record.address!.subnet})`,
    `namespace ${record.namespace}`,
  ]);
  assert.equal(existsSync(record.netnsPath), false);
  assert.equal(existsSync(isolationFile(dir)), false);
  assert.deepEqual(await host.snapshot(), before);
  assert.deepEqual(await removeIsolation(dir, hostDeps(host)), [], 'a second cleanup has nothing to do');
});

test('work directories started at the same moment never share a subnet, even when their hashes agree', async (t) => {
  const host = await TestHost.create(t);
  // Find two folders whose preferred slot is the same: the second must move on to the next free one.
  const base = join(tmpdir(), `dm-iso-same-${suffix()}`);
  const dirs: string[] = [];
  const first = new Map<number, string>();
  for (let i = 0; dirs.length < 2; i++) {
    const dir = `${base}-${i}`;
    const slot = candidateSlots(dir)[0]!;
    const seen = first.get(slot);
    if (seen) dirs.push(seen, dir);
    first.set(slot, dir);
  }
  const others = await Promise.all([workdir(), workdir(), workdir()]);
  for (const dir of dirs) await workdir(dir);
  const records = await Promise.all(
    [...dirs, ...others].map((dir) => ensureIsolation(dir, {}, hostDeps(host))),
  );
  const subnets = records.map((r) => r.address!.subnet);
  assert.equal(new Set(subnets).size, subnets.length, subnets.join(' '));
  for (const dir of [...dirs, ...others]) await removeIsolation(dir, hostDeps(host));
  assert.equal((await host.run(['ip', '-o', 'link', 'show', 'type', 'veth'])).stdout, '');
});

test('a named address is used as given, and one already on the host is refused with a hint', async (t) => {
  const host = await TestHost.create(t);
  const [a, b] = [await workdir(), await workdir()];
  const record = await ensureIsolation(a, { address: '10.211.7.10/29' }, hostDeps(host));
  assert.deepEqual(record.address, {
    node: '10.211.7.10',
    host: '10.211.7.9',
    prefix: 29,
    subnet: '10.211.7.8/29',
  });
  await assert.rejects(ensureIsolation(b, { address: '10.211.7.13' }, hostDeps(host)), (error: Error) => {
    assert.match(error.message, /10\.211\.7\.13 .* overlaps 10\.211\.7\.9\/29/);
    return true;
  });
  await assert.rejects(
    ensureIsolation(a, { address: '10.211.8.2' }, hostDeps(host)),
    /isolated with node address 10\.211\.7\.10/,
  );
  await removeIsolation(b, hostDeps(host));
  await removeIsolation(a, hostDeps(host));
  assert.equal(existsSync(join('/run/netns', namespaceName(b))), false);
});

test('cleanup ends what still runs inside, removes the pod namespaces wired to it, and nothing else', async (t) => {
  const host = await TestHost.create(t);
  const dir = await workdir();
  const record = await ensureIsolation(dir, {}, hostDeps(host));
  const pod = track(`dmt-pod-${suffix()}`);
  const unrelated = track(`dmt-other-${suffix()}`);
  t.after(() => removeNamespace(pod));
  t.after(() => removeNamespace(unrelated));
  // As a CNI plugin does: a namespace per pod, its eth0 the peer of a veth in the node's namespace.
  const node = ['nsenter', `--net=${record.netnsPath}`];
  await execa(node[0]!, [...node.slice(1), 'ip', 'netns', 'add', pod]);
  await execa(node[0]!, [
    ...node.slice(1),
    'ip',
    'link',
    'add',
    'vethpod',
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    pod,
  ]);
  await execa('ip', ['netns', 'add', unrelated]);
  // A process left in the pod (a container whose shim is gone) and one in the node (a component).
  const sleepers = [
    execa('nsenter', [`--net=/run/netns/${pod}`, 'sleep', '300'], { reject: false }),
    execa('nsenter', [`--net=${record.netnsPath}`, 'sleep', '300'], { reject: false }),
  ];
  // nsenter enters the namespace, then becomes sleep: once it is sleep, it runs inside.
  await waitFor('both sleepers inside their namespaces', async () => {
    const comms = await Promise.all(
      sleepers.map((s) => readFile(`/proc/${s.pid}/comm`, 'utf8').catch(() => '')),
    );
    return comms.every((c) => c.trim() === 'sleep');
  });
  const removed = await removeIsolation(dir, hostDeps(host));
  const results = await Promise.all(sleepers);
  assert.deepEqual(
    results.map((r) => r.signal),
    ['SIGTERM', 'SIGTERM'],
  );
  assert.ok(removed.includes(`pod namespace ${pod}`), removed.join('\n'));
  assert.equal(existsSync(`/run/netns/${pod}`), false);
  assert.equal(existsSync(record.netnsPath), false);
  assert.equal(existsSync(`/run/netns/${unrelated}`), true, 'a namespace not wired to the lesson stays');
});

test('a record whose namespace vanished (a reboot) is cleaned up and made afresh', async (t) => {
  const host = await TestHost.create(t);
  const dir = await workdir();
  const first = await ensureIsolation(dir, {}, hostDeps(host));
  await execa('ip', ['netns', 'delete', first.namespace]);
  const second = await ensureIsolation(dir, {}, hostDeps(host));
  assert.equal(second.namespace, first.namespace);
  assert.ok(existsSync(second.netnsPath));
  assert.equal((await host.run(['busybox', 'ping', '-c', '1', '-W', '2', second.address!.node])).exitCode, 0);
  await removeIsolation(dir, hostDeps(host));
  assert.equal((await host.run(['ip', '-o', 'link', 'show', 'type', 'veth'])).stdout, '');
});

test('outbound access: off by default, NAT through the host when asked, and undone exactly', async (t) => {
  const host = await TestHost.create(t);
  // "The internet": another namespace behind the host, with no route back to the lesson's subnet.
  const outside = track(`dmt-out-${suffix()}`);
  t.after(() => removeNamespace(outside));
  await execa('ip', ['netns', 'add', outside]);
  await host.run(['ip', 'link', 'add', 'dmtup', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside]);
  // No IPv6 on the test's own link: its link-local address settling later would change the snapshot.
  await host.run(['sysctl', '-q', '-w', 'net.ipv6.conf.dmtup.disable_ipv6=1']);
  await host.run(['ip', 'addr', 'add', '192.0.2.1/24', 'dev', 'dmtup']);
  await host.run(['ip', 'link', 'set', 'dmtup', 'up']);
  for (const args of [
    ['addr', 'add', '192.0.2.2/24', 'dev', 'eth0'],
    ['link', 'set', 'eth0', 'up'],
    ['link', 'set', 'lo', 'up'],
  ])
    await execa('ip', ['-n', outside, ...args]);
  const before = await host.snapshot();
  const server = execa(
    'nsenter',
    [`--net=/run/netns/${outside}`, 'busybox', 'nc', '-ll', '-p', '8080', '-e', 'echo', 'hello-outside'],
    {
      reject: false,
    },
  );
  t.after(() => void server.kill());
  const dir = await workdir();
  const reach = async (path: string): Promise<string> =>
    (await inside(path, ['busybox', 'nc', '-w', '2', '192.0.2.2', '8080'])).stdout.trim();

  const closed = await ensureIsolation(dir, {}, hostDeps(host));
  assert.equal(closed.nat, undefined);
  // The server answers the host: so nothing from the lesson's namespace means no way out, not no server yet.
  await waitFor(
    'the outside server to answer the host',
    async () =>
      (await host.run(['busybox', 'nc', '-w', '2', '192.0.2.2', '8080'])).stdout.trim() === 'hello-outside',
  );
  assert.equal(await reach(closed.netnsPath), '', 'no way out without outbound access');

  const open = await ensureIsolation(dir, { outbound: true }, hostDeps(host));
  assert.equal(open.nat?.rules.length, 3);
  assert.equal(await reach(open.netnsPath), 'hello-outside');
  assert.equal((await host.snapshot()).forward.trim(), '1');

  await removeIsolation(dir, hostDeps(host));
  assert.deepEqual(await host.snapshot(), before, 'rules, tables, ip_forward, links and routes as they were');
});
