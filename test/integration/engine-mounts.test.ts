import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { mountsToUnmount, parseMountInfo } from '../../src/adapters/cleanup/mounts.js';
import { alive } from '../../src/adapters/isolation/namespace-processes.js';
import { BIN, tempWorkdir } from './engine-helpers.js';

// `demystify cleanup --purge` against mounts like a cluster's: kubelet's root bound on itself with a tmpfs
// volume below it, containerd's shm, rootfs and a Pod's network namespace under an absolute state folder,
// one of them busy. Everything runs in a private mount namespace the test creates (`unshare --mount
// --propagation private`), so the machine's mount table never changes; the processes left are ended by pid.

/** A lesson that mounts what kubelet and containerd would, and a component whose cwd is in one. */
function lesson(state: string): string {
  return `---
id: mounts-fixture
title: Mounts like a cluster's
reset: ["kube let", ${state}]
components:
  holder: { session: holder }
---

## Mounts {#mounts}

\`\`\`bash { name=kubelet-root }
mkdir -p "kube let/pods/p1/volumes/token" && mount --bind "kube let" "kube let" && mount -t tmpfs token "kube let/pods/p1/volumes/token"
\`\`\`

\`\`\`bash { name=containerd-state }
mkdir -p ${state}/sandboxes/s1/shm ${state}/netns && mount -t tmpfs shm ${state}/sandboxes/s1/shm && touch ${state}/netns/cni-1 && unshare --net=${state}/netns/cni-1 true
\`\`\`

\`\`\`bash { name=holder session=holder ready="log:/holding/" }
cd "kube let/pods/p1/volumes/token" && echo holding && sleep 600
\`\`\`
`;
}

/**
 * Inside the private mount namespace: run the lesson and replay it, add a busy mount the CLI did not make (a process
 * with its cwd in it) and one below the work directory, then cleanup --purge twice; what each printed and
 * the mount table before and after are written to files in OUT.
 */
const SCRIPT = `
W="$1"; A="$2"; NODE="$3"; BIN="$4"; OUT="$5"
"$NODE" "$BIN" run "$OUT/lesson.md" --headless --workdir "$W" >"$OUT/run.out" 2>&1 || exit 3
# A replay resets (ends the holder, unmounts and removes the reset paths) and mounts it all again.
"$NODE" "$BIN" replay mounts --workdir "$W" >"$OUT/replay.out" 2>&1 || exit 5
mkdir -p "$A/task/c1/rootfs" "$W/extra" || exit 4
mount -t tmpfs rootfs "$A/task/c1/rootfs" && mount -t tmpfs extra "$W/extra" || exit 4
(cd "$A/task/c1/rootfs" && exec sleep 300) </dev/null >/dev/null 2>&1 &
echo $! >"$OUT/busy.pid"
until [ "$(readlink /proc/$!/cwd)" = "$A/task/c1/rootfs" ]; do sleep 0.01; done
cat /proc/self/mountinfo >"$OUT/before.mountinfo"
"$NODE" "$BIN" cleanup --purge --workdir "$W" >"$OUT/first.out" 2>&1; echo $? >"$OUT/first.code"
cat /proc/self/mountinfo >"$OUT/after.mountinfo"
"$NODE" "$BIN" cleanup --purge --workdir "$W" >"$OUT/second.out" 2>&1; echo $? >"$OUT/second.code"
`;

/** Wait until a process is gone (polling). */
async function gone(pid: number): Promise<void> {
  if (pid <= 0) return;
  for (let i = 0; i < 200 && (await alive(pid)); i++) await new Promise((r) => setTimeout(r, 25));
}

test('replay and cleanup --purge unmount what a cluster leaves (bind, nested tmpfs, nsfs, a busy mount) and remove it; twice is fine', async (t) => {
  const dir = await tempWorkdir(t, 'dm-mounts-');
  const [work, state, out] = [join(dir, 'work'), join(dir, 'containerd-state'), join(dir, 'out')];
  await mkdir(out);
  await writeFile(join(out, 'lesson.md'), lesson(state));
  let busy = 0;
  t.after(async () => {
    // The busy process is the test's own: ended by its pid, which ends the private mount namespace too.
    if (busy > 0 && (await alive(busy))) process.kill(busy, 'SIGKILL');
    await gone(busy);
  });

  const unshare = ['--mount', '--propagation', 'private', 'sh', '-c', SCRIPT, 'sh'];
  const args = [work, state, process.execPath, BIN, out];
  const result = await execa('unshare', [...unshare, ...args], { reject: false });
  const read = (name: string): Promise<string> => readFile(join(out, name), 'utf8').catch(() => '');
  busy = Number((await read('busy.pid')).trim());
  const logs = `${result.stderr}\n${await read('run.out')}\n${await read('replay.out')}`;
  assert.equal(result.exitCode, 0, logs);
  assert.match(await read('replay.out'), /reset: machine back to a clean start/);

  const below = async (name: string): Promise<string[]> =>
    mountsToUnmount(parseMountInfo(await read(name)), dir)
      .map((m) => `${m.mountPoint} ${m.fsType === 'nsfs' || m.fsType === 'tmpfs' ? m.fsType : 'bind'}`)
      .sort();
  // Each mount once: the replay's reset took the first run's off before the chapter made them again.
  assert.deepEqual(await below('before.mountinfo'), [
    `${state}/netns/cni-1 nsfs`,
    `${state}/sandboxes/s1/shm tmpfs`,
    `${state}/task/c1/rootfs tmpfs`,
    `${work}/extra tmpfs`,
    `${work}/kube let bind`,
    `${work}/kube let/pods/p1/volumes/token tmpfs`,
  ]);

  const first = await read('first.out');
  assert.equal((await read('first.code')).trim(), '0', first);
  assert.match(first, /ended \d+ processes and the tmux server of /);
  // The component whose cwd was in the token volume was ended first, so only the test's own sleeper
  // kept a mount busy.
  assert.match(
    first,
    new RegExp(
      `unmounted 6 mounts the lesson left \\(1 still in use, detached lazily: ${state}/task/c1/rootfs\\)`,
    ),
  );
  assert.deepEqual(await below('after.mountinfo'), [], 'no mount is left below the test folder');
  for (const path of [join(work, 'kube let'), state, join(work, 'state.json'), join(work, 'logs')])
    assert.equal(existsSync(path), false, `${path} is removed`);

  const second = await read('second.out');
  assert.equal((await read('second.code')).trim(), '0', second);
  assert.equal(second, `nothing to clean up in ${work}\n`);
});
