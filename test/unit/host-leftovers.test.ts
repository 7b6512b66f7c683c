import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  absentFolders,
  leftoverFolders,
  removeEmptyFolders,
  removeHostLeftovers,
  shimSocket,
} from '../../src/adapters/cleanup/host-leftovers.js';

/** A unix socket file at `path`, as a shim leaves one when it is killed (the server is closed at once). */
async function socketFile(path: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  // Closing a listening server removes its file: keep it open until the test removes it by its path.
  after.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
}
const after: (() => Promise<void>)[] = [];

test("only the lesson's Pod logs, CNI cache files and shim sockets are removed", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dm-leftovers-'));
  try {
    const roots = {
      kubeletDefault: join(dir, 'var/lib/kubelet'),
      podLogs: join(dir, 'var/log/pods'),
      containerLogs: join(dir, 'var/log/containers'),
      cniResults: join(dir, 'var/lib/cni/results'),
      shimSockets: join(dir, 'run/containerd/s'),
    };
    const workdir = join(dir, 'work');
    const state = join(dir, 'run/demystify/lesson/containerd');
    const address = join(dir, 'run/demystify/lesson/containerd.sock');
    for (const d of [...Object.values(roots), join(workdir, 'kubelet/pods/uid-ours')])
      await mkdir(d, { recursive: true });
    await mkdir(join(state, 'io.containerd.runtime.v2.task/k8s.io/task-ours'), { recursive: true });
    // Ours: a Pod whose UID is under the kubelet's root, its container log link, a Pod deleted before (its
    // UID noted during the run), a cache file, a shim socket.
    await mkdir(join(roots.podLogs, 'default_web-1_uid-ours/web'), { recursive: true });
    await writeFile(join(roots.podLogs, 'default_web-1_uid-ours/web/0.log'), 'log');
    await symlink(
      join(roots.podLogs, 'default_web-1_uid-ours/web/0.log'),
      join(roots.containerLogs, 'web-1_default_web-abc.log'),
    );
    await mkdir(join(roots.podLogs, 'default_web-2_uid-gone/web'), { recursive: true });
    await writeFile(join(roots.cniResults, 'demystify-task-ours-eth0'), '{}');
    const sandbox = 'a'.repeat(64);
    await mkdir(join(state, 'io.containerd.grpc.v1.cri/sandboxes', sandbox), { recursive: true });
    await writeFile(join(roots.cniResults, `cni-loopback-${sandbox}-lo`), '{}');
    await mkdir(join(roots.kubeletDefault, 'device-plugins'), { recursive: true });
    await socketFile(join(roots.kubeletDefault, 'device-plugins/kubelet.sock'));
    const ours = shimSocket(address, 'k8s.io', 'task-ours', roots.shimSockets);
    await socketFile(ours);
    // Someone else's: another node's Pod, its link, another network's cache, another containerd's shim.
    await mkdir(join(roots.podLogs, 'default_db-1_uid-theirs/db'), { recursive: true });
    await symlink(
      join(roots.podLogs, 'default_db-1_uid-theirs/db/0.log'),
      join(roots.containerLogs, 'db-1_default_db-def.log'),
    );
    await writeFile(join(roots.cniResults, 'cbr0-task-theirs-eth0'), '{}');
    await writeFile(join(roots.cniResults, `cni-loopback-${'b'.repeat(64)}-lo`), '{}');
    const theirs = shimSocket('/run/containerd/containerd.sock', 'k8s.io', 'task-ours', roots.shimSockets);
    await socketFile(theirs);

    const leftovers = { kubelet: 'kubelet', containerd: { address, state }, cniNetwork: 'demystify' };
    const removed = await removeHostLeftovers(
      { leftovers, kubeletPods: ['uid-gone'], absentAtStart: [roots.kubeletDefault] },
      workdir,
      roots,
    );
    assert.equal(removed.length, 7, removed.join('\n'));
    assert.deepEqual(await readdir(roots.podLogs), ['default_db-1_uid-theirs']);
    assert.deepEqual(await readdir(roots.containerLogs), ['db-1_default_db-def.log']);
    assert.deepEqual(await readdir(roots.cniResults), [
      'cbr0-task-theirs-eth0',
      `cni-loopback-${'b'.repeat(64)}-lo`,
    ]);
    assert.deepEqual(await readdir(join(roots.kubeletDefault, 'device-plugins')), []);
    assert.equal(existsSync(ours), false);
    assert.equal(existsSync(theirs), true);
    // Twice is fine: nothing left of the lesson's.
    assert.deepEqual(await removeHostLeftovers({ leftovers }, workdir, roots), []);
  } finally {
    for (const close of after.splice(0)) await close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the shim socket is sha256(address/namespace/id) under /run/containerd/s, as containerd names it', () => {
  // printf '/run/containerd/containerd.sock/k8s.io/abc' | sha256sum
  assert.equal(
    shimSocket('/run/containerd/containerd.sock', 'k8s.io', 'abc'),
    '/run/containerd/s/a99a1752d3a0fadfb1f869026f16760475df03a572e20f4ccea9e6c1e5470b72',
  );
});

test('folders absent at the first run are removed once empty, innermost first; others stay', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dm-absent-'));
  try {
    const a = join(dir, 'a');
    const b = join(dir, 'a/b');
    const c = join(dir, 'c');
    assert.deepEqual(await absentFolders([join(a, 'lesson')], undefined), [a]);
    await mkdir(b, { recursive: true });
    await mkdir(c);
    await writeFile(join(c, 'theirs'), '');
    assert.deepEqual(await removeEmptyFolders([a, b, c]), [b, a]);
    assert.equal(existsSync(c), true);
    assert.deepEqual(leftoverFolders({ cniNetwork: 'x' }), ['/var/lib/cni', '/var/lib/cni/results']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
