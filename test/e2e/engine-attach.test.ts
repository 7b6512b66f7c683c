import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn as spawnPty } from 'node-pty';
import { WorkdirRuntime } from '../../src/adapters/runtime/workdir-runtime.js';
import { assertNothingLeft, BIN, stopWatching, tempWorkdir } from '../integration/engine-helpers.js';

/** Run the CLI in a pseudo-terminal; resolves with everything it showed once `until` holds, and a handle. */
function inPty(args: string[]) {
  const pty = spawnPty(process.execPath, [BIN, ...args], {
    cols: 100,
    rows: 30,
    env: { ...process.env, TMUX: '' } as Record<string, string>,
  });
  let screen = '';
  pty.onData((d) => (screen += d));
  const exited = new Promise<number>((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
  const until = async (re: RegExp, ms = 10_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!re.test(screen)) {
      if (Date.now() > end) throw new Error(`never saw ${re} in:\n${screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { pty, until, exited, screen: () => screen };
}

test('attach shows a component session on the private server and detaches with C-b d; logs -f follows', async (t) => {
  const dir = await tempWorkdir(t, 'dm-attach-');
  const m = await WorkdirRuntime.open(dir, {
    lessonId: 'attach',
    lessonFile: 'none.md',
    options: {},
    reset: [],
  });
  const typed = await m.terminal.type('web', 'echo "web says hi"; sleep 600', {
    typing: 'instant',
    signal: stopWatching(t),
  });
  await typed.started;

  const attach = inPty(['attach', 'web', '--workdir', dir]);
  await attach.until(/web says hi/);
  assert.equal(await m.tmux.run(['list-clients', '-F', '#{session_name}']).then((s) => s.trim()), 'web');
  attach.pty.write('\x02d'); // C-b d
  assert.equal(await attach.exited, 0);
  assert.match(attach.screen(), /detached/);

  const follow = inPty(['logs', 'web', '--workdir', dir, '-f']);
  await follow.until(/web says hi/);
  await m.terminal.interrupt('web');
  const again = await m.terminal.type('web', 'echo "and again"', {
    typing: 'instant',
    signal: stopWatching(t),
  });
  await again.ended;
  await follow.until(/and again/);
  follow.pty.kill('SIGINT');
  assert.equal(await follow.exited, 0);

  await m.cleanup();
  await assertNothingLeft(dir);
});
