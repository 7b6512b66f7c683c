import { test } from 'node:test';
import assert from 'node:assert/strict';
import xterm from '@xterm/headless';
import { stripAnsi } from '../../src/escapes.js';
import { visibleWidth } from '../../src/ui/text/ansi.js';
import { LiveTerminal } from '../../src/ui/terminal/live-terminal.js';
import type { EmulatorLike, LiveTerminalDeps, PtyLike } from '../../src/ui/terminal/terminal-deps.js';
import { waitFor } from '../helpers/wait.js';

/** A pseudo-terminal that records what happens to it and lets the test play the tmux client. */
class FakePty implements PtyLike {
  static next = 100;
  readonly pid = FakePty.next++;
  written: string[] = [];
  sizes: [number, number][] = [];
  paused = 0;
  resumed = 0;
  killed = false;
  private dataListener: (data: string) => void = () => undefined;
  private exitListener: (e: { exitCode: number }) => void = () => undefined;
  constructor(readonly args: string[]) {}
  onData(listener: (data: string) => void) {
    this.dataListener = listener;
  }
  onExit(listener: (e: { exitCode: number }) => void) {
    this.exitListener = listener;
  }
  write(data: string) {
    this.written.push(data);
  }
  resize(cols: number, rows: number) {
    this.sizes.push([cols, rows]);
  }
  kill() {
    this.killed = true;
  }
  pause() {
    this.paused++;
  }
  resume() {
    this.resumed++;
  }
  emit(data: string) {
    this.dataListener(data);
  }
  exit() {
    this.exitListener({ exitCode: 0 });
  }
}

function setup(sessions: string[], options: { maxFps?: number } = {}) {
  const ptys: FakePty[] = [];
  const commands: string[][] = [];
  let frames = 0;
  const deps: LiveTerminalDeps = {
    spawnPty: (_file, args) => {
      const pty = new FakePty(args);
      ptys.push(pty);
      return pty;
    },
    createEmulator: (cols, rows) =>
      new xterm.Terminal({ cols, rows, scrollback: 0, allowProposedApi: true }) as unknown as EmulatorLike,
    tmux: async (args) => {
      commands.push(args);
      if (args[0] === 'has-session' && !sessions.includes(String(args[2]).slice(1)))
        throw new Error('no session');
      if (args[0] === 'list-clients') return ptys.map((p) => `${p.pid} /dev/pts/${p.pid}`).join('\n');
      return '';
    },
  };
  const terminal = new LiveTerminal(
    { socket: '/tmp/x/tmux.sock', cols: 40, rows: 5, onFrame: () => frames++, ...options },
    deps,
  );
  return { terminal, ptys, commands, sessions, frames: () => frames };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('it attaches a tmux client of the lesson’s socket, then switches that same client', async () => {
  const t = setup(['etcd', 'shell']);
  await t.terminal.show('etcd');
  assert.equal(t.ptys.length, 1);
  assert.deepEqual(t.ptys[0]?.args, ['-S', '/tmp/x/tmux.sock', 'attach-session', '-t', '=etcd']);
  assert.equal(t.terminal.session, 'etcd');
  await t.terminal.show('shell');
  assert.equal(t.ptys.length, 1, 'no second client');
  assert.ok(t.commands.some((c) => c.join(' ') === `switch-client -c /dev/pts/${t.ptys[0]?.pid} -t =shell`));
  assert.equal(t.terminal.session, 'shell');
  t.terminal.close();
  assert.equal(t.ptys[0]?.killed, true);
});

test('a session that does not exist yet is attached once it does; a client that ends is replaced', async () => {
  const t = setup([]);
  await t.terminal.show('etcd');
  assert.equal(t.ptys.length, 0);
  assert.equal(t.terminal.session, null);
  t.sessions.push('etcd');
  await t.terminal.show('etcd');
  assert.equal(t.ptys.length, 1);
  t.ptys[0]?.exit();
  assert.equal(t.terminal.session, null, 'the session ended (a reset)');
  await t.terminal.show('etcd');
  assert.equal(t.ptys.length, 2);
  t.terminal.close();
});

test('output is emulated and drawn; resize reaches the pty; keys go to it', async () => {
  const t = setup(['etcd']);
  await t.terminal.show('etcd');
  const pty = t.ptys[0]!;
  pty.emit('\x1b[32mready to serve\x1b[0m\r\n$ ');
  await waitFor('a frame', () => t.frames() >= 1, 5000);
  const [first] = t.terminal.lines(false);
  assert.equal(stripAnsi(first ?? '').trimEnd(), 'ready to serve');
  assert.match(first ?? '', /^\x1b\[[0-9;]*32m/, 'the colour the program chose is kept');
  assert.equal(visibleWidth(first ?? ''), 40, 'a line is as wide as the terminal');
  t.terminal.resize(60, 10);
  assert.deepEqual(pty.sizes, [[60, 10]]);
  assert.equal(t.terminal.lines(false).length, 10);
  t.terminal.write('ls\r');
  assert.deepEqual(pty.written, ['ls\r']);
  t.terminal.close();
});

test('keys typed while the client switches session wait for the switch, in order', async () => {
  const t = setup(['etcd', 'shell']);
  await t.terminal.show('etcd');
  const pty = t.ptys[0]!;
  const switching = t.terminal.show('shell');
  t.terminal.write('ec');
  t.terminal.write('ho\r');
  assert.deepEqual(pty.written, [], 'nothing reaches the session shown before');
  await switching;
  await waitFor('the held keys', () => pty.written.length > 0, 5000);
  const switched = t.commands.findIndex((c) => c[0] === 'switch-client');
  assert.ok(switched >= 0, 'the client switched');
  assert.deepEqual(pty.written, ['echo\r']);
  // One turn of the event loop: the queue's bookkeeping after its last task.
  await tick();
  t.terminal.write('ls\r');
  assert.deepEqual(pty.written, ['echo\r', 'ls\r'], 'once settled, keys go straight through');
  t.terminal.close();
});

test('a flood of output costs at most maxFps redraws a second, and pauses the pty when parsing lags', async () => {
  const t = setup(['etcd'], { maxFps: 20 });
  await t.terminal.show('etcd');
  const pty = t.ptys[0]!;
  const chunk = 'x'.repeat(4096) + '\r\n';
  const start = Date.now();
  // 4 MB at once: far more than the emulator parses in one go.
  for (let i = 0; i < 1000; i++) pty.emit(chunk);
  assert.ok(pty.paused >= 1, 'paused');
  while (pty.resumed < pty.paused && Date.now() - start < 20_000) await tick(20);
  assert.equal(pty.resumed, pty.paused, 'resumed once the emulator caught up');
  await tick(100);
  const seconds = (Date.now() - start) / 1000;
  assert.ok(t.frames() <= Math.ceil(seconds * 20) + 1, `${t.frames()} frames in ${seconds}s`);
  assert.ok(t.frames() >= 1);
  t.terminal.close();
});

test('one read a frame: the pty waits for the next frame after each read, and a dry bucket waits longer', async () => {
  const t = setup(['etcd'], { maxFps: 20 });
  await t.terminal.show('etcd');
  const pty = t.ptys[0]!;
  pty.emit('y\r\n'.repeat(100));
  assert.equal(pty.paused, 1, 'paused after the read');
  let start = Date.now();
  while (pty.resumed < 1 && Date.now() - start < 5_000) await tick(10);
  assert.equal(pty.resumed, 1, 'resumed by the next frame');
  // Far past the bucket: still resumed by later frames, whether data comes or not.
  for (let i = 0; i < 40; i++) pty.emit('y\r\n'.repeat(1000));
  start = Date.now();
  while (pty.resumed < 2 && Date.now() - start < 10_000) await tick(20);
  assert.equal(pty.resumed, 2);
  t.terminal.close();
});
