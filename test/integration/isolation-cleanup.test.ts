import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ensureIsolation, isolationFile } from '../../src/adapters/isolation/isolation.js';
import { namespaceInode, processesInNamespace } from '../../src/adapters/isolation/namespace-processes.js';
import { newWorkdirState, StateStore } from '../../src/adapters/workdir/state-store.js';
import { BIN } from './engine-helpers.js';
import { hostDeps, isolatedWorkdirs, TestHost } from './isolation-helpers.js';

// `demystify cleanup` of an isolated work directory when something goes wrong on the way: the namespace
// and its veth pair are removed all the same. demystify runs inside a namespace playing the host.

const workdir = isolatedWorkdirs('dm-iso-clean-');

/** Wait (polling) until a namespace has a process inside. */
async function occupied(path: string): Promise<void> {
  const inode = await namespaceInode(path);
  for (let i = 0; i < 200; i++) {
    if (inode !== undefined && (await processesInNamespace(inode)).length > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`nothing started in ${path}`);
}

test('cleanup removes the namespace and its veth pair even when ending the lesson failed first, and says why', async (t) => {
  const host = await TestHost.create(t);
  const dir = await workdir();
  const hostBefore = await host.snapshot();
  const record = await ensureIsolation(dir, {}, hostDeps(host));
  // A lesson whose reset list names a parent of its work directory: the purge refuses to go on.
  await mkdir(join(dir, 'etcd-data'));
  const state = newWorkdirState({
    lessonId: 'broken',
    lessonFile: join(dir, 'broken.md'),
    options: {},
    tmuxSocket: join(dir, 'tmux.sock'),
    reset: ['etcd-data', '..'],
  });
  await new StateStore(join(dir, 'state.json')).write(state);
  const sleeper = execa('nsenter', [`--net=${record.netnsPath}`, 'sleep', '300'], { reject: false });
  t.after(() => void sleeper.kill('SIGKILL'));
  await occupied(record.netnsPath);

  const cleanup = await execa(
    host.prefix[0]!,
    [...host.prefix.slice(1), process.execPath, BIN, 'cleanup', '--purge', '--workdir', dir],
    { reject: false },
  );
  assert.equal(cleanup.exitCode, 1, `${cleanup.stdout}\n${cleanup.stderr}`);
  assert.match(
    cleanup.stderr,
    /demystify: refusing to remove '\.\.': it contains the work directory\n {2}hint: /,
  );
  assert.doesNotMatch(cleanup.stderr, /internal error/);
  assert.match(cleanup.stdout, new RegExp(`removed veth pair ${record.hostVeth}`));
  assert.match(cleanup.stdout, new RegExp(`removed namespace ${record.namespace}`));
  assert.equal((await sleeper).signal, 'SIGTERM', 'what still ran inside was ended');
  assert.equal(existsSync(record.netnsPath), false);
  assert.equal(existsSync(isolationFile(dir)), false);
  assert.deepEqual(await host.snapshot(), hostBefore, 'the host as before: no veth, no route');
  // Nothing of the lesson's own files went: the purge stopped at the bad path.
  assert.ok(existsSync(join(dir, 'etcd-data')));
  assert.ok(existsSync(join(dir, 'state.json')));
});

test('a namespace file mounted twice (ip netns delete: busy) is still removed, and a second cleanup finds nothing', async (t) => {
  const host = await TestHost.create(t);
  const dir = await workdir();
  const record = await ensureIsolation(dir, {}, hostDeps(host));
  // In a private mount namespace, the namespace file is mounted once more on itself: `ip netns delete`
  // takes one mount off, cannot unlink the file (EBUSY) and fails.
  const script = 'mount --bind "$1" "$1" && exec nsenter --net="$2" "$3" "$4" cleanup --workdir "$5"';
  const args = [record.netnsPath, host.path, process.execPath, BIN, dir];
  const cleanup = await execa(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...args],
    { reject: false },
  );
  assert.equal(cleanup.exitCode, 0, `${cleanup.stdout}\n${cleanup.stderr}`);
  assert.match(cleanup.stdout, new RegExp(`removed namespace ${record.namespace}`));
  assert.equal(existsSync(record.netnsPath), false);
  assert.equal((await host.run(['ip', '-o', 'link', 'show', 'type', 'veth'])).stdout, '');

  const again = await execa(
    host.prefix[0]!,
    [...host.prefix.slice(1), process.execPath, BIN, 'cleanup', '--workdir', dir],
    { reject: false },
  );
  assert.equal(again.exitCode, 0, again.stderr);
  assert.equal(again.stdout, `nothing to clean up in ${dir}`);
});
