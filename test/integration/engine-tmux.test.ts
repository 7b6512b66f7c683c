import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkdirRuntime } from '../../src/adapters/runtime/workdir-runtime.js';
import { DemystifyError } from '../../src/errors.js';
import type { Typing } from '../../src/engine/ports.js';
import { waitFor } from '../helpers/wait.js';
import { assertNothingLeft, stopWatching, tempWorkdir } from './engine-helpers.js';

const signals = new WeakMap<WorkdirRuntime, AbortSignal>();

async function runtime(t: Parameters<typeof tempWorkdir>[0]): Promise<{ dir: string; m: WorkdirRuntime }> {
  const dir = await tempWorkdir(t, 'dm-tmux-');
  const m = await WorkdirRuntime.open(dir, {
    lessonId: 'tmux-test',
    lessonFile: 'none.md',
    options: {},
    reset: [],
  });
  signals.set(m, stopWatching(t));
  return { dir, m };
}

async function run(m: WorkdirRuntime, session: string, command: string, typing: Typing = 'instant') {
  const typed = await m.terminal.type(session, command, { typing, signal: signals.get(m)! });
  return typed.ended;
}

test('commands are typed exactly as written; status and output come from the prompt marks', async (t) => {
  const { dir, m } = await runtime(t);
  const tricky = `printf '%s|' "a;b" 'it''s' "\\$HOME" "tab\there" "été ✓" hello! ; echo`;
  const result = await run(m, 'shell', tricky);
  assert.equal(result.exitStatus, 0);
  assert.equal(result.output, 'a;b|its|$HOME|tab\there|été ✓|hello!|\n');
  assert.deepEqual(await run(m, 'shell', 'exit_status_of() { return $1; }; exit_status_of 7'), {
    exitStatus: 7,
    output: '',
  });
  // The screen shows the command as written and nothing appended to it.
  const screen = await m.tmux.run(['capture-pane', '-p', '-t', '=shell:']);
  assert.ok(screen.includes('exit_status_of() { return $1; }; exit_status_of 7\n'), screen);
  assert.ok(!/wait-for|133;|__demystify/.test(screen), 'no engine text on screen');
  // pipe-pane logs the session.
  assert.match(await readFile(join(dir, 'logs', 'shell.log'), 'utf8'), /été ✓/);
  await m.cleanup();
  await assertNothingLeft(dir);
});

test('state carries over between commands (cd, export), as in a person terminal', async (t) => {
  const { dir, m } = await runtime(t);
  await run(m, 'shell', 'mkdir -p sub && cd sub');
  await run(m, 'shell', 'export GREETING=bonjour');
  assert.deepEqual(await run(m, 'shell', 'echo "$GREETING from $(basename "$PWD")"'), {
    exitStatus: 0,
    output: 'bonjour from sub\n',
  });
  // PATH: the lesson's bin/ first, then demystify's own launcher.
  const path = (await run(m, 'shell', 'echo $PATH')).output.trim().split(':');
  assert.deepEqual(path.slice(0, 2), [join(dir, 'bin'), join(dir, '.demystify', 'bin')]);
  assert.equal(
    (await run(m, 'shell', 'type -P demystify')).output.trim(),
    join(dir, '.demystify', 'bin', 'demystify'),
  );
  await m.cleanup();
  await assertNothingLeft(dir);
});

test('several lines: a heredoc and a continuation each make one command; the first failing line stops the step', async (t) => {
  const { dir, m } = await runtime(t);
  const heredoc = await run(m, 'shell', 'cat > conf.toml <<EOF\n[grpc]\n\taddress = "x"\nEOF\ncat conf.toml');
  assert.deepEqual(heredoc, { exitStatus: 0, output: '[grpc]\n\taddress = "x"\n' });
  const continued = await run(m, 'shell', 'echo one \\\n  two \\\n  three');
  assert.equal(continued.output, 'one two three\n');
  const stopped = await run(m, 'shell', 'true\nfalse\ntouch should-not-exist');
  assert.equal(stopped.exitStatus, 1);
  assert.equal(existsSync(join(dir, 'should-not-exist')), false);
  const comment = await run(m, 'shell', '# a comment\n\necho after');
  assert.deepEqual(comment, { exitStatus: 0, output: 'after\n' });
  await m.cleanup();
  await assertNothingLeft(dir);
});

test('human-like typing gives the same result, key by key', async (t) => {
  const { dir, m } = await runtime(t);
  const start = Date.now();
  const result = await run(m, 'shell', 'echo "x;y"\t# typed', 'human');
  assert.deepEqual(result, { exitStatus: 0, output: 'x;y\n' });
  assert.ok(Date.now() - start > 15 * 17, 'about 35 ms per key');
  await m.cleanup();
  await assertNothingLeft(dir);
});

test('a component session: its command keeps running, the session is busy, the log has its output', async (t) => {
  const { dir, m } = await runtime(t);
  const typed = await m.terminal.type('web', 'echo started; sleep 600', {
    typing: 'instant',
    signal: stopWatching(t),
  });
  const { logOffset } = await typed.started;
  const log = join(dir, 'logs', 'web.log');
  // Until sleep is the pane's foreground process, a Ctrl-C could reach bash between its two commands
  // and be lost, leaving sleep to run its 600 s: wait for that, then for the first command's output.
  await waitFor(
    'sleep in the foreground',
    async () =>
      (await m.tmux.run(['display-message', '-p', '-t', '=web:', '#{pane_current_command}'])).trim() ===
      'sleep',
  );
  const output = await waitFor('the command output in the log', async () => {
    const text = (await readFile(log)).subarray(logOffset).toString();
    return /\bstarted\b/.test(text) && text;
  });
  assert.match(output, /^\s*started/);
  await assert.rejects(
    m.terminal.type('web', 'echo again', { typing: 'instant', signal: stopWatching(t) }),
    (e: unknown) => e instanceof DemystifyError && e.code === 'SESSION_BUSY',
  );
  // Ctrl-C ends it: the prompt comes back with the status of an interrupted command.
  await m.terminal.interrupt('web');
  assert.equal((await typed.ended).exitStatus, 130);
  const state = await m.refresh();
  assert.deepEqual(state.processes.map((p) => `${p.role}:${p.session ?? ''}`).sort(), [
    'pane:web',
    'tmux-server:',
  ]);
  await m.cleanup();
  assert.equal(await m.tmux.serverPid(), undefined);
  await assertNothingLeft(dir);
});
