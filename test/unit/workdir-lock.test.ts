import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWorkdir } from '../../src/adapters/workdir/workdir-setup.js';
import { lockFile, lockHolder, lockWorkdir } from '../../src/adapters/workdir/workdir-lock.js';
import { DemystifyError } from '../../src/errors.js';

async function temp(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('one lock at a time: the second taker is refused with the holder; release lets the next one in', async (t) => {
  const dir = await temp(t);
  const lock = await lockWorkdir(dir, { command: 'run' });
  const holder = JSON.parse(await readFile(lockFile(dir), 'utf8')) as { pid: number; command: string };
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.command, 'run');
  assert.equal((await stat(lockFile(dir))).mode & 0o777, 0o600);
  assert.equal((await lockHolder(dir))?.pid, process.pid);
  await assert.rejects(
    lockWorkdir(dir, { command: 'cleanup' }),
    (e: unknown) =>
      e instanceof DemystifyError && e.code === 'WORKDIR_BUSY' && e.message.includes(`pid ${process.pid}`),
  );
  await lock.release();
  await lock.release();
  assert.equal(existsSync(lockFile(dir)), false);
  const next = await lockWorkdir(dir, { command: 'cleanup' });
  await next.release();
  assert.deepEqual(await readdir(dir), [], 'no temporary file is left');
});

test('--wait waits for the holder to release', async (t) => {
  const dir = await temp(t);
  const lock = await lockWorkdir(dir, { command: 'run' });
  let told = 0;
  const waiting = lockWorkdir(dir, {
    command: 'run',
    wait: true,
    onWait: () => told++,
    pollMs: { first: 5, max: 20 },
  });
  setTimeout(() => void lock.release(), 60);
  const second = await waiting;
  assert.equal(told, 1);
  await second.release();
});

test('a stale lock (dead pid, reused pid, garbage) is taken over; many takers at once: exactly one wins', async (t) => {
  const dir = await temp(t);
  for (const text of [
    '{"pid":999999999,"startTime":5}',
    `{"pid":${process.pid},"startTime":1}`,
    'garbage',
    '',
  ]) {
    await writeFile(lockFile(dir), text);
    const takers = await Promise.allSettled(
      Array.from({ length: 8 }, () => lockWorkdir(dir, { command: 'run' })),
    );
    const won = takers.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, text);
    for (const r of takers)
      if (r.status === 'rejected') assert.equal((r.reason as DemystifyError).code, 'WORKDIR_BUSY');
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  }
  assert.deepEqual(await readdir(dir), []);
});

test('ensureWorkdir creates the work directory owner-only, refuses a file and /proc at once (exit 2)', async (t) => {
  const dir = await temp(t);
  await ensureWorkdir(join(dir, 'a', 'b'));
  assert.equal((await stat(join(dir, 'a', 'b'))).mode & 0o777, 0o700);
  await writeFile(join(dir, 'f'), '');
  for (const path of [join(dir, 'f'), join(dir, 'f', 'x'), '/proc/dm-no-such', '/proc/self/dm'])
    await assert.rejects(
      ensureWorkdir(path),
      (e: unknown) => e instanceof DemystifyError && e.code === 'WORKDIR_INVALID' && e.exitCode === 2,
      path,
    );
});
