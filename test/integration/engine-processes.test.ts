import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { WorkdirRuntime } from '../../src/adapters/runtime/workdir-runtime.js';
import { MARKER_ENV } from '../../src/adapters/processes/process-kill.js';
import { processInfo, processTable, processesWithEnv } from '../../src/adapters/processes/process-tree.js';
import { createProber } from '../../src/adapters/probes/probes.js';
import type { Probe } from '../../src/lesson/model.js';
import { waitFor } from '../helpers/wait.js';
import { assertNothingLeft, stopWatching, freePort, tempWorkdir } from './engine-helpers.js';

const open = (dir: string, deps = {}) =>
  WorkdirRuntime.open(dir, { lessonId: 'procs', lessonFile: 'none.md', options: {}, reset: ['data'] }, deps);

test('cleanup ends whole trees and re-parented daemons by recorded pid and marker, never a stranger; twice is fine', async (t) => {
  const dir = await tempWorkdir(t, 'dm-procs-');
  // A stranger: same program, same arguments shape, not started by the engine.
  const stranger = spawn('sleep', ['3001'], { stdio: 'ignore', detached: true });
  t.after(() => void stranger.kill('SIGKILL'));
  const m = await open(dir);
  // A tree (bash -> sleep), plus a daemon that leaves the tree (setsid -f: re-parented to init).
  const typed = await m.terminal.type('worker', 'setsid -f sleep 3002; (sleep 3003 & sleep 3004; wait)', {
    typing: 'instant',
    signal: stopWatching(t),
  });
  await typed.started;
  const marker = m.current().marker;
  // All three sleeps are up (the daemon among them) before cleanup is asked to end them.
  const daemon = await waitFor('the three sleeps, one of them re-parented', async () => {
    const table = await processTable();
    const marked = await processesWithEnv(table, MARKER_ENV, marker);
    const sleeps = marked.filter((pid) => table.get(pid)?.comm === 'sleep');
    const outside = sleeps
      .map((pid) => table.get(pid)!)
      .find((p) => p.ppid !== 0 && !marked.includes(p.ppid));
    return sleeps.length === 3 && outside;
  });
  assert.ok(daemon, 'the daemon carries the marker though it left the tree');
  const { ended } = await m.cleanup();
  assert.ok(ended.length >= 6, `ended ${ended.join(' ')}`);
  assert.equal(await processInfo(daemon.pid), undefined, 'the daemon is gone');
  assert.ok(await processInfo(stranger.pid!), 'the stranger still runs');
  assert.deepEqual(await processesWithEnv(await processTable(), MARKER_ENV, marker), []);
  assert.equal(await m.tmux.serverPid(), undefined);
  assert.deepEqual((await m.cleanup()).ended, []);
  await assertNothingLeft(dir);
});

test('reset ends every session process and removes reset paths, but keeps the tmux server', async (t) => {
  const dir = await tempWorkdir(t, 'dm-procs-');
  const m = await open(dir);
  const typed = await m.terminal.type('comp', 'mkdir -p data && sleep 3005', {
    typing: 'instant',
    signal: stopWatching(t),
  });
  await typed.started;
  const server = await m.tmux.serverPid();
  await m.reset();
  assert.equal(await m.tmux.serverPid(), server);
  assert.deepEqual(await m.tmux.sessions(), []);
  assert.deepEqual((await execa('ls', [dir])).stdout.split('\n').includes('data'), false);
  // The shell comes back fresh: a new session works at once.
  const again = await m.terminal.type('shell', 'echo back', { typing: 'instant', signal: stopWatching(t) });
  assert.equal((await again.ended).output, 'back\n');
  await m.cleanup();
  await assertNothingLeft(dir);
});

test('isolation hook: with a prefix the tmux server and the probes live in a network namespace', async (t) => {
  const name = `dm-eng-${randomBytes(3).toString('hex')}`;
  await execa('ip', ['netns', 'add', name]);
  t.after(() => execa('ip', ['netns', 'delete', name], { reject: false }).then(() => undefined));
  await execa('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  const dir = await tempWorkdir(t, 'dm-procs-');
  const prefix = ['nsenter', `--net=/run/netns/${name}`];
  const m = await open(dir, { prefix });
  const port = await freePort();
  const typed = await m.terminal.type('web', `python3 -m http.server ${port} --bind 127.0.0.1`, {
    typing: 'instant',
    signal: stopWatching(t),
  });
  await typed.started;
  const probe: Probe = { kind: 'tcp', host: '127.0.0.1', port, raw: '' };
  const inside = createProber({ workdir: dir, logFile: () => '', path: '', prefix });
  const outside = createProber({ workdir: dir, logFile: () => '', path: '' });
  let ok = false;
  for (let i = 0; i < 50 && !ok; i++) {
    ok = (await inside.probe(probe, { session: 'web', logOffset: 0, signal: AbortSignal.timeout(5000) })).ok;
    if (!ok) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(ok, 'ready inside the namespace');
  assert.equal(
    (await outside.probe(probe, { session: 'web', logOffset: 0, signal: AbortSignal.timeout(5000) })).ok,
    false,
    'not on the host',
  );
  await m.cleanup();
  await assertNothingLeft(dir);
});
