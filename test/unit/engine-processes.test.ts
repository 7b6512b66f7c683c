import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descendants, isAlive, parseStat, type ProcInfo } from '../../src/adapters/processes/process-tree.js';
import { signalAll, stopOwned, type KillDeps } from '../../src/adapters/processes/process-kill.js';

test('parseStat reads pid, ppid, start time, terminal and a command name with spaces and parentheses', () => {
  const stat = '4242 (tmux: server (x)) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 10';
  assert.deepEqual(parseStat(stat), {
    pid: 4242,
    ppid: 1,
    startTime: 987654,
    comm: 'tmux: server (x)',
    state: 'S',
    tty: 0,
  });
  assert.equal(parseStat('garbage'), undefined);
});

function table(entries: [number, number, number?][]): Map<number, ProcInfo> {
  return new Map(
    entries.map(([pid, ppid, start]) => [
      pid,
      { pid, ppid, startTime: start ?? pid * 10, comm: `p${pid}`, state: 'S' },
    ]),
  );
}

test('descendants walks whole trees, parents first, from several roots', () => {
  const t = table([
    [1, 0],
    [10, 1],
    [11, 10],
    [12, 11],
    [13, 10],
    [20, 1],
    [21, 20],
  ]);
  assert.deepEqual(descendants(t, [10, 20]), [10, 20, 11, 13, 21, 12]);
  assert.deepEqual(descendants(t, [99]), []);
});

test('a recorded process is alive only with the same start time (pid reuse is not ours)', () => {
  const t = table([[10, 1, 500]]);
  assert.equal(isAlive({ pid: 10, startTime: 500, role: 'pane' }, t), true);
  assert.equal(isAlive({ pid: 10, startTime: 499, role: 'pane' }, t), false);
  assert.equal(isAlive({ pid: 11, startTime: 500, role: 'pane' }, t), false);
});

/** A fake machine: processes die when signalled, except those that ignore SIGTERM or need sudo. */
function fakeMachine(entries: [number, number][], rules: { ignoreTerm?: number[]; root?: number[] } = {}) {
  const live = table(entries);
  const log: string[] = [];
  const deps: KillDeps = {
    table: async () => new Map(live),
    kill: (pid, signal) => {
      if (rules.root?.includes(pid)) throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
      log.push(`${signal} ${pid}`);
      if (signal === 'SIGTERM' && rules.ignoreTerm?.includes(pid)) return;
      live.delete(pid);
    },
    sudoKill: async (pids, signal) => {
      log.push(`sudo ${signal} ${pids.join(',')}`);
      for (const pid of pids) live.delete(pid);
    },
    sleep: async () => undefined,
  };
  return { live, log, deps };
}

test('stopOwned: SIGTERM to programs, shells (which ignore it) get SIGKILL, strangers untouched; twice is a no-op', async () => {
  // 100 tmux server, 101 pane shell, 102 component, 103 its child; 200 is someone else's.
  const m = fakeMachine(
    [
      [1, 0],
      [100, 1],
      [101, 100],
      [102, 101],
      [103, 102],
      [200, 1],
    ],
    { ignoreTerm: [101] },
  );
  const records = [
    { pid: 100, startTime: 1000, role: 'tmux-server' },
    { pid: 101, startTime: 1010, role: 'pane', session: 'etcd' },
  ];
  const result = await stopOwned({ records, graceMs: 10 }, m.deps);
  assert.deepEqual(result.survivors, []);
  assert.deepEqual([...m.live.keys()].sort(), [1, 200]);
  assert.ok(m.log.includes('SIGTERM 102') && m.log.includes('SIGTERM 103'));
  assert.ok(!m.log.includes('SIGTERM 101'), 'the shell is not sent SIGTERM');
  assert.ok(m.log.includes('SIGKILL 101'));
  assert.ok(!m.log.some((l) => l.endsWith(' 200')));
  const again = await stopOwned({ records, graceMs: 10 }, m.deps);
  assert.deepEqual(again, { ended: [], survivors: [] });
});

test('a process started through sudo is signalled through sudo -n kill', async () => {
  const m = fakeMachine(
    [
      [1, 0],
      [300, 1],
    ],
    { root: [300] },
  );
  await signalAll([{ pid: 300, startTime: 3000 }], 'SIGTERM', m.deps);
  assert.deepEqual(m.log, ['sudo SIGTERM 300']);
  assert.equal(m.live.has(300), false);
});

test('keep spares the tmux server during a reset but not its sessions', async () => {
  const m = fakeMachine([
    [1, 0],
    [100, 1],
    [101, 100],
    [102, 101],
  ]);
  const records = [{ pid: 100, startTime: 1000, role: 'tmux-server' }];
  await stopOwned({ records, keep: [100], graceMs: 10 }, m.deps);
  assert.deepEqual([...m.live.keys()].sort(), [1, 100]);
});
