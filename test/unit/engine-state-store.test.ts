import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  newWorkdirState,
  readState,
  StateStore,
  writeState,
} from '../../src/adapters/workdir/state-store.js';
import { MAX_SOCKET_PATH, tmuxSocketPath } from '../../src/adapters/workdir/engine-files.js';
import { DemystifyError } from '../../src/errors.js';

async function temp(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const fresh = () =>
  newWorkdirState({ lessonId: 'l', lessonFile: 'l.md', options: {}, reset: [], tmuxSocket: '/tmp/s' });

test('state.json is written atomically and read back; no temporary file is left', async (t) => {
  const dir = await temp(t);
  const file = join(dir, 'state.json');
  assert.equal(await readState(file), undefined);
  const state = fresh();
  await writeState(file, state);
  const back = await readState(file);
  assert.equal(back?.marker, state.marker);
  assert.match(back?.marker ?? '', /^[0-9a-f]{24}$/);
  assert.deepEqual(await readdir(dir), ['state.json']);
});

test('concurrent updates through one store are applied in turn, none lost', async (t) => {
  const dir = await temp(t);
  const store = new StateStore(join(dir, 'state.json'));
  await store.write(fresh());
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      store.update((s) => {
        s.processes.push({ pid: i + 1, startTime: i, role: 'pane' });
      }),
    ),
  );
  const state = await store.read();
  assert.equal(state?.processes.length, 20);
});

test('a state file that is not ours is a user-facing error with a hint', async (t) => {
  const dir = await temp(t);
  const file = join(dir, 'state.json');
  await writeFile(file, '{"version": 7}');
  await assert.rejects(
    readState(file),
    (e: unknown) => e instanceof DemystifyError && e.code === 'STATE_INVALID' && e.hint !== undefined,
  );
});

test('the tmux socket falls back to a short path for a deep work directory, always the same one', () => {
  assert.equal(tmuxSocketPath('/tmp/w'), '/tmp/w/tmux.sock');
  const deep = `/tmp/${'d'.repeat(120)}`;
  const socket = tmuxSocketPath(deep);
  assert.ok(Buffer.byteLength(socket) <= MAX_SOCKET_PATH);
  assert.match(socket, /^\/tmp\/demystify-[0-9a-f]{16}\/tmux\.sock$/);
  assert.equal(tmuxSocketPath(deep), socket);
  assert.notEqual(tmuxSocketPath(`${deep}x`), socket);
});
