import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemystifyError } from '../../src/errors.js';
import {
  decodeMountField,
  isAtOrBelow,
  mountsToUnmount,
  parseMountInfo,
  unmountBelow,
  unmountStatus,
  type MountOps,
  type UnmountStatus,
} from '../../src/adapters/cleanup/mounts.js';
import { WorkdirRuntime } from '../../src/adapters/runtime/workdir-runtime.js';
import type { KillDeps } from '../../src/adapters/processes/process-kill.js';
import { newWorkdirState, StateStore } from '../../src/adapters/workdir/state-store.js';

for (const [field, decoded] of [
  ['/var/lib/kubelet', '/var/lib/kubelet'],
  ['/tmp/a\\040b', '/tmp/a b'],
  ['/tmp/tab\\011and\\012newline', '/tmp/tab\tand\nnewline'],
  ['/tmp/back\\134slash', '/tmp/back\\slash'],
  ['/tmp/caf\\303\\251', '/tmp/café'],
  ['/tmp/not\\9octal', '/tmp/not\\9octal'],
] as const) {
  test(`mountinfo field ${field} decodes to ${JSON.stringify(decoded)}`, () => {
    assert.equal(decodeMountField(field), decoded);
  });
}

/** A mountinfo as a node with a kubelet, containerd and a Pod leaves it (abridged). */
const MOUNTINFO = [
  '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '25 22 0:22 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=1632392k',
  '30 22 254:0 /var/lib/kubelet /var/lib/kubelet rw,relatime shared:1 - ext4 /dev/vda rw',
  '31 30 0:50 / /var/lib/kubelet/pods/0a1b/volumes/kubernetes.io~projected/kube-api-access-x rw,relatime shared:40 - tmpfs tmpfs rw,size=180k',
  '32 25 0:4 net:[4026532301] /run/demystify/k8s/containerd/netns/cni-1234 rw shared:41 - nsfs nsfs rw',
  '33 25 0:51 / /run/demystify/k8s/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm rw,nosuid,nodev,noexec shared:42 - tmpfs shm rw,size=65536k',
  '34 25 0:52 / /run/demystify/k8s/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs rw,relatime shared:43 - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w',
  '35 25 0:4 net:[4026532400] /run/netns/cni-5678 rw shared:44 - nsfs nsfs rw',
  '36 25 0:4 net:[4026532500] /run/demystify/k8s2/netns/cni-9 rw shared:45 - nsfs nsfs rw',
  '37 22 0:53 / /home/me/work\\040dir/kubelet rw,relatime - tmpfs tmpfs rw',
  'garbage line',
  '',
].join('\n');

test('parseMountInfo reads id, parent, decoded mount point, type and source; skips lines of another shape', () => {
  const entries = parseMountInfo(MOUNTINFO);
  assert.equal(entries.length, 10);
  assert.deepEqual(entries[3], {
    id: 31,
    parentId: 30,
    mountPoint: '/var/lib/kubelet/pods/0a1b/volumes/kubernetes.io~projected/kube-api-access-x',
    fsType: 'tmpfs',
    source: 'tmpfs',
    order: 3,
  });
  assert.equal(entries[4]?.fsType, 'nsfs');
  assert.equal(entries[9]?.mountPoint, '/home/me/work dir/kubelet');
  // No optional fields at all (a private mount) is read the same.
  assert.deepEqual(parseMountInfo('40 22 0:60 / /mnt/x rw - tmpfs none rw'), [
    { id: 40, parentId: 22, mountPoint: '/mnt/x', fsType: 'tmpfs', source: 'none', order: 0 },
  ]);
});

for (const [path, root, below] of [
  ['/var/lib/kubelet', '/var/lib/kubelet', true],
  ['/var/lib/kubelet/pods/x', '/var/lib/kubelet', true],
  ['/var/lib/kubelet/pods/x', '/var/lib/kubelet/', true],
  ['/var/lib/kubelet-plugins', '/var/lib/kubelet', false],
  ['/var/lib', '/var/lib/kubelet', false],
  ['/run/demystify/k8s2/netns/cni-9', '/run/demystify/k8s', false],
  ['/run/netns/cni-5678', '/run/demystify/k8s', false],
  ['/a/b/../c', '/a/c', true],
  ['/anything', '/', true],
] as const) {
  test(`isAtOrBelow(${path}, ${root}) is ${below}`, () => {
    assert.equal(isAtOrBelow(path, root), below);
  });
}

/** One mount per line: `order mountpoint`. */
function entries(lines: string[]): ReturnType<typeof parseMountInfo> {
  return parseMountInfo(lines.map((p, i) => `${100 + i} 1 0:1 / ${p} rw - tmpfs tmpfs rw`).join('\n'));
}

for (const row of [
  {
    name: 'deepest first, whatever the order they were mounted in',
    mounts: ['/w/k', '/w/k/pods/p/vol', '/w/k/pods', '/w/other'],
    root: '/w/k',
    includeRoot: true,
    want: ['/w/k/pods/p/vol', '/w/k/pods', '/w/k'],
  },
  {
    name: 'on one mount point, the one mounted last (on top) first',
    mounts: ['/w/k', '/w/k/a', '/w/k'],
    root: '/w/k',
    includeRoot: true,
    want: ['/w/k/a', '/w/k#2', '/w/k#0'],
  },
  {
    name: 'strictly below: the folder itself stays mounted',
    mounts: ['/w', '/w/logs', '/w/x/y'],
    root: '/w',
    includeRoot: false,
    want: ['/w/x/y', '/w/logs'],
  },
  {
    name: 'neighbours with a common prefix and the machine’s own namespaces are left alone',
    mounts: ['/run/demystify/k8s/netns/cni-1', '/run/demystify/k8s2/netns/cni-2', '/run/netns/cni-3'],
    root: '/run/demystify/k8s',
    includeRoot: true,
    want: ['/run/demystify/k8s/netns/cni-1'],
  },
  { name: 'nothing mounted there', mounts: ['/a', '/b'], root: '/c', includeRoot: true, want: [] },
]) {
  test(`mountsToUnmount: ${row.name}`, () => {
    const all = entries(row.mounts);
    const got = mountsToUnmount(all, row.root, { includeRoot: row.includeRoot });
    const repeated = new Set(row.mounts.filter((p, i) => row.mounts.indexOf(p) !== i));
    assert.deepEqual(
      got.map((e) => (repeated.has(e.mountPoint) ? `${e.mountPoint}#${e.order}` : e.mountPoint)),
      row.want,
    );
  });
}

for (const [code, stderr, status] of [
  [0, '', 'ok'],
  [32, 'umount: /w/k: target is busy.', 'busy'],
  [32, 'umount: /w/x: not mounted.', 'gone'],
  [32, 'umount: /w/y: no mount point specified.', 'gone'],
  [32, 'umount: /w/z: must be superuser to unmount.', 'failed'],
] as const) {
  test(`umount exit ${code} '${stderr}' is ${status}`, () => {
    assert.equal(unmountStatus(code, stderr), status);
  });
}

/**
 * A fake machine's mount table: `umount` takes the top mount off a point, refuses a busy one (or one with
 * mounts below it) unless lazy, and cannot reach a point hidden under a later mount on a parent folder.
 * Every call is logged.
 */
function fakeMounts(
  points: string[],
  rules: { busy?: string[]; stuck?: string[]; whenUnmounted?: (path: string) => void } = {},
) {
  const table = points.map((mountPoint, i) => ({ mountPoint, order: i }));
  const log: string[] = [];
  const ops: MountOps = {
    mountInfo: async () =>
      table.map((m) => `${m.order + 100} 1 0:1 / ${m.mountPoint} rw - tmpfs tmpfs rw`).join('\n'),
    async unmount(path, lazy) {
      log.push(`${lazy ? 'umount -l' : 'umount'} ${path}`);
      const top = table.filter((m) => m.mountPoint === path).at(-1);
      const hidden = table.some(
        (m) => top && m.order > top.order && m.mountPoint !== path && isAtOrBelow(path, m.mountPoint),
      );
      // Mounts made on top of this one, below its mount point, keep it busy; a lazy detach takes them along.
      const children = table.filter(
        (m) => top && m.order > top.order && m.mountPoint !== path && isAtOrBelow(m.mountPoint, path),
      );
      let status: UnmountStatus = 'ok';
      if (!top || hidden) status = 'gone';
      else if (rules.stuck?.includes(path)) status = 'failed';
      else if ((rules.busy?.includes(path) || children.length > 0) && !lazy) status = 'busy';
      if (status === 'ok' && top) {
        rules.whenUnmounted?.(path);
        for (const gone of [top, ...children]) table.splice(table.indexOf(gone), 1);
      }
      return { status, message: status === 'failed' ? `umount: ${path}: permission denied` : '' };
    },
    canonical: async (path) => path,
  };
  return { ops, log, table };
}

test('unmountBelow: deepest first, a busy mount detached lazily, nothing outside the folder touched', async () => {
  const fake = fakeMounts(['/w/k', '/w/k/pods/p/vol', '/w/k/pods/q/vol', '/run/netns/cni-1'], {
    busy: ['/w/k/pods/q/vol'],
  });
  const result = await unmountBelow('/w/k', {}, fake.ops);
  assert.deepEqual(fake.log, [
    'umount /w/k/pods/q/vol',
    'umount -l /w/k/pods/q/vol',
    'umount /w/k/pods/p/vol',
    'umount /w/k',
  ]);
  assert.deepEqual(result, {
    unmounted: ['/w/k/pods/q/vol', '/w/k/pods/p/vol', '/w/k'],
    detached: ['/w/k/pods/q/vol'],
  });
  assert.deepEqual(
    fake.table.map((m) => m.mountPoint),
    ['/run/netns/cni-1'],
  );
});

test('unmountBelow: a mount hidden under a later one on its parent comes off in a second pass', async () => {
  // /w/k/a was mounted, then /w/k bound on itself over it (as kubelet does when it starts again).
  const fake = fakeMounts(['/w/k/a', '/w/k']);
  const result = await unmountBelow('/w/k', {}, fake.ops);
  assert.deepEqual(fake.log, ['umount /w/k/a', 'umount /w/k', 'umount /w/k/a']);
  assert.deepEqual(result.unmounted, ['/w/k', '/w/k/a']);
  assert.equal(fake.table.length, 0);
});

test('unmountBelow: nothing mounted means no umount at all; what stays mounted is an error with a hint', async () => {
  const empty = fakeMounts(['/elsewhere']);
  assert.deepEqual(await unmountBelow('/w/k', {}, empty.ops), { unmounted: [], detached: [] });
  assert.deepEqual(empty.log, []);

  // A mount that will not come off alone goes with its parent's lazy detach.
  const child = fakeMounts(['/w/k', '/w/k/x'], { stuck: ['/w/k/x'] });
  assert.deepEqual(await unmountBelow('/w/k', {}, child.ops), { unmounted: ['/w/k'], detached: ['/w/k'] });
  assert.deepEqual(child.log, ['umount /w/k/x', 'umount /w/k', 'umount -l /w/k']);

  const stuck = fakeMounts(['/w/k', '/w/k/x'], { stuck: ['/w/k/x', '/w/k'] });
  await assert.rejects(unmountBelow('/w/k', {}, stuck.ops), (error: unknown) => {
    assert.ok(error instanceof DemystifyError);
    assert.equal(error.code, 'UNMOUNT_FAILED');
    assert.match(error.message, /cannot unmount \/w\/k\/x, \/w\/k \(.*\/w\/k\/x: permission denied/);
    assert.match(error.hint ?? '', /umount -l/);
    return true;
  });
  await assert.rejects(unmountBelow('/', {}, empty.ops), /refusing to unmount everything below \//);
});

/** Mount ops forwarding to a fake made later, once the temporary folders it names are known. */
function lateMounts(): {
  ops: MountOps;
  use: (...args: Parameters<typeof fakeMounts>) => ReturnType<typeof fakeMounts>;
} {
  let fake = fakeMounts([]);
  return {
    ops: {
      mountInfo: () => fake.ops.mountInfo(),
      unmount: (path, lazy) => fake.ops.unmount(path, lazy),
      canonical: async (path) => path,
    },
    use: (...args) => (fake = fakeMounts(...args)),
  };
}

/** A work directory with a state.json naming reset paths; nothing runs in it. */
async function runtimeIn(
  t: { after: (fn: () => Promise<void>) => void },
  reset: (dir: string) => string[],
  mounts: MountOps,
): Promise<{ dir: string; work: string; runtime: WorkdirRuntime }> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-mounts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const work = join(dir, 'work');
  await mkdir(join(work, 'logs'), { recursive: true });
  await mkdir(join(work, '.demystify'), { recursive: true });
  const state = newWorkdirState({
    lessonId: 'mounts',
    lessonFile: join(dir, 'lesson.md'),
    options: {},
    tmuxSocket: join(work, 'tmux.sock'),
    reset: reset(dir),
  });
  await new StateStore(join(work, 'state.json')).write(state);
  const kill: KillDeps = {
    table: async () => new Map(),
    kill: () => undefined,
    sudoKill: async () => undefined,
    sleep: async () => undefined,
  };
  return { dir, work, runtime: await WorkdirRuntime.open(work, undefined, { kill, mounts }) };
}

test('reset unmounts every reset path deepest first, and only then removes it; a path already gone is fine', async (t) => {
  const removedBeforeUnmount: string[] = [];
  const late = lateMounts();
  const ops = late.ops;
  const { dir, work, runtime } = await runtimeIn(t, (d) => ['kubelet', join(d, 'state'), 'never-made'], ops);
  const fake = late.use(
    [join(work, 'kubelet'), join(work, 'kubelet/pods/p/vol'), join(dir, 'state/sandboxes/s/shm')],
    {
      busy: [join(dir, 'state/sandboxes/s/shm')],
      whenUnmounted: (path) => void (existsSync(path) || removedBeforeUnmount.push(path)),
    },
  );
  for (const folder of [join(work, 'kubelet/pods/p/vol'), join(dir, 'state/sandboxes/s/shm')]) {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'token'), 'x');
  }
  await runtime.reset();
  assert.deepEqual(fake.log, [
    `umount ${join(work, 'kubelet/pods/p/vol')}`,
    `umount ${join(work, 'kubelet')}`,
    `umount ${join(dir, 'state/sandboxes/s/shm')}`,
    `umount -l ${join(dir, 'state/sandboxes/s/shm')}`,
  ]);
  assert.deepEqual(removedBeforeUnmount, [], 'no folder is removed before what is mounted in it');
  assert.equal(existsSync(join(work, 'kubelet')), false);
  assert.equal(existsSync(join(dir, 'state')), false);
  assert.ok(existsSync(join(work, 'state.json')), 'a reset keeps the state');
});

test('cleanup --purge unmounts the reset paths and below the work directory, then removes them; twice is fine', async (t) => {
  const late = lateMounts();
  const ops = late.ops;
  const { dir, work, runtime } = await runtimeIn(t, (d) => [join(d, 'state')], ops);
  let fake = late.use([dir, work, join(dir, 'state/netns/cni-1'), join(work, 'bin/x'), '/run/netns/cni-2']);
  await mkdir(join(dir, 'state/netns'), { recursive: true });
  const first = await runtime.cleanup({ purge: true });
  assert.deepEqual(first.unmounted, [join(dir, 'state/netns/cni-1'), join(work, 'bin/x')]);
  assert.equal(first.server, false);
  assert.deepEqual(
    fake.table.map((m) => m.mountPoint),
    [dir, work, '/run/netns/cni-2'],
    'the work directory itself, its parent and the machine’s namespaces stay mounted',
  );
  for (const gone of ['state', 'work/state.json', 'work/logs', 'work/.demystify'])
    assert.equal(existsSync(join(dir, gone)), false, `${gone} is removed`);

  const again = await runtimeIn(t, (d) => [join(d, 'state')], ops);
  fake = late.use([]);
  const second = await again.runtime.cleanup({ purge: true });
  assert.deepEqual([second.ended, second.unmounted], [[], []]);
  assert.equal((await again.runtime.cleanup({ purge: true })).unmounted.length, 0);
});

test('a reset path containing the work directory is refused before anything is unmounted or removed', async (t) => {
  const fake = fakeMounts([]);
  const { work, runtime } = await runtimeIn(t, () => ['etcd-data', '..'], fake.ops);
  await mkdir(join(work, 'etcd-data'));
  await assert.rejects(runtime.reset(), (error: unknown) => {
    assert.ok(error instanceof DemystifyError);
    assert.equal(error.code, 'RESET_PATH');
    return true;
  });
  assert.ok(existsSync(join(work, 'etcd-data')), 'the good path is not removed either');
  assert.deepEqual(fake.log, []);
});

test('a reset path that is a symbolic link is removed as a link: nothing is unmounted in its target', async (t) => {
  const late = lateMounts();
  const { dir, work, runtime } = await runtimeIn(t, () => ['link'], {
    ...late.ops,
    canonical: (path) => realpath(path).catch(() => path),
  });
  await mkdir(join(dir, 'outside/m'), { recursive: true });
  await symlink(join(dir, 'outside'), join(work, 'link'));
  const fake = late.use([join(dir, 'outside/m')]);
  await runtime.reset();
  assert.deepEqual(fake.log, []);
  assert.equal(existsSync(join(work, 'link')), false);
  assert.ok(existsSync(join(dir, 'outside/m')), 'the target stays');
});
