import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openPresenter, processesMentioning, startPresenter } from './presenter-harness.js';

/**
 * The real presenter (`node dist/src/cli/bin.js LESSON`) on a real pty: a pane of a private tmux
 * server, driven with send-keys and read with capture-pane. The lesson starts Debian's etcd on free
 * ports. Every wait is on text appearing, with a generous deadline; nothing is asserted on timing.
 */
test('the presenter runs a lesson from the keyboard, follows etcd, resizes, quits and continues', async (t) => {
  const h = await startPresenter({ width: 120, height: 40 });
  t.after(() => h.dispose());
  const lessonTmux = (...args: string[]): string =>
    execFileSync('tmux', ['-S', join(h.workdir, 'tmux.sock'), ...args], { encoding: 'utf8' });

  openPresenter(h);
  // The narration of the first chapter, and the status line.
  let screen = await h.waitFor(
    (s) => s.includes('1/2  Start etcd') && s.includes('etcd not started'),
    'the narration',
  );
  assert.match(screen, /A one-chapter tour of etcd, the store where/);
  assert.match(screen, /▶ ○ 1\. start-etcd \[etcd\]/);
  assert.match(screen, /Ch 1\/2 Start etcd · step 1\/3 start-etcd/);

  // A step run from the keyboard: etcd starts in its session, the status line turns it ready, and the
  // terminal pane shows etcd's own output.
  h.keys('r');
  screen = await h.waitFor((s) => s.includes('● etcd ready'), 'etcd ready in the status line');
  screen = await h.waitFor(
    (s) => /ready to serve client requests/.test(s),
    "etcd's output in the terminal pane",
  );
  assert.match(screen, /┌─ etcd ─/, 'the terminal pane shows the etcd session');
  // The chapter's last step is done: the view stays on it (its notes too) until the speaker moves on.
  screen = await h.waitFor((s) => s.includes('chapter done · N → next'), 'the chapter done');
  assert.match(screen, /1\/2 {2}Start etcd/);
  assert.match(screen, /✓ chapter done · N → next: 2\/2 Write and read/);
  h.keys('o');
  await h.waitFor((s) => s.includes('point at the status line'), "the chapter's notes, still there");
  h.keys('o');
  // r moves on (it runs nothing); the next step runs in the lesson's shell: the terminal follows it.
  h.keys('r');
  screen = await h.waitFor((s) => s.includes('step 2/3 put'), 'the next chapter');
  assert.match(screen, /2\/2 {2}Write and read/);
  h.keys('r');
  screen = await h.waitFor((s) => /✓ 2\. put/.test(s) && s.includes('step 3/3 get'), 'put done');
  screen = await h.waitFor((s) => /┌─ shell ─/.test(s) && /│OK +│/.test(s), 'the shell with its output');

  // Keys go to the terminal pane once it has the focus, all but the one that leaves it.
  h.keys('Tab');
  await h.waitFor((s) => s.includes('TYPING IN shell'), 'the terminal focused');
  h.keys('-l', 'echo typed-$((40+2))');
  h.keys('Enter');
  await h.waitFor((s) => /│typed-42 +│/.test(s), 'what was typed, run by the shell');
  h.keys('C-g');
  await h.waitFor((s) => !s.includes('TYPING IN'), 'the focus back on the narration');

  // Sessions switch by number; ? shows the keys; g jumps to a chapter by name.
  h.keys('1');
  await h.waitFor(
    (s) => /┌─ etcd ─/.test(s) && /ready to serve client requests/.test(s),
    'the etcd session again',
  );
  h.keys('0');
  await h.waitFor((s) => /┌─ shell ─/.test(s) && /│typed-42 +│/.test(s), 'the shell again');
  h.keys('?');
  await h.waitFor(
    (s) => s.includes('Keys (any key closes)') && s.includes('run the step (or retry)'),
    'the keys',
  );
  h.keys('Escape');
  await h.waitFor((s) => !s.includes('Keys (any key closes)'), 'the keys closed');
  h.keys('g');
  await h.waitFor((s) => s.includes('Jump to chapter'), 'the jump prompt');
  h.keys('-l', 'start');
  h.keys('Enter');
  await h.waitFor(
    (s) => s.includes('Ch 1/2 Start etcd · step 1/3') && s.includes('✓ 1. start-etcd'),
    'chapter 1',
  );
  h.keys('N');
  await h.waitFor((s) => s.includes('Ch 2/2 Write and read · step 2/3'), 'chapter 2 again');
  h.keys('n');
  await h.waitFor((s) => s.includes('step 3/3 get'), 'the step after put');

  // Resize to 80×24: the panes stack, the lesson's tmux window follows the terminal pane.
  h.tmux('resize-window', '-t', 'main', '-x', '80', '-y', '24');
  screen = await h.waitFor(
    (s) => s.split('\n').some((l) => /^┌─ shell ─+┐$/.test(l) && l.length === 80),
    'the stacked layout',
  );
  assert.match(screen, /● etcd ready/);
  await h.waitFor(
    () => lessonTmux('display-message', '-p', '-t', '=shell:', '#{window_width}').trim() === '78',
    'the shell window at 78 columns',
  );

  // Quit: the components keep running, progress is saved, and so is the talk's clock.
  const clockOf = (s: string): number => {
    const m = /(\d\d):(\d\d)\s*$/m.exec(s.trimEnd());
    return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
  };
  const clockAtQuit = clockOf(await h.waitFor((s) => clockOf(s) >= 2, 'the clock past 2 s'));
  h.keys('q');
  screen = await h.waitFor((s) => s.includes('EXITED 0'), 'the presenter to end');
  assert.match(screen, /the components keep running/);
  assert.match(
    lessonTmux('list-panes', '-a', '-F', '#{session_name} #{pane_current_command}'),
    /^etcd etcd$/m,
  );

  // Reopen (on a larger screen again): it continues at the same step, and the next one runs.
  h.tmux('resize-window', '-t', 'main', '-x', '120', '-y', '40');
  openPresenter(h);
  screen = await h.waitFor(
    (s) => s.includes('step 3/3 get') && s.includes('● etcd ready') && clockOf(s) >= 0,
    'the presenter reopened where it was',
  );
  assert.match(screen, /✓ 2\. put/);
  assert.ok(clockOf(screen) >= clockAtQuit, `the clock goes on: ${clockOf(screen)} s, was ${clockAtQuit} s`);
  h.keys('r');
  screen = await h.waitFor((s) => /✓ 3\. get/.test(s), 'get done');
  await h.waitFor((s) => s.includes('hello from the presenter'), 'the value read back, in the shell');

  // Quit and clean up asks first; no keeps everything, yes stops everything.
  h.keys('Q');
  await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
  h.keys('n');
  await h.waitFor((s) => s.includes('nothing was cleaned up'), 'the answer no');
  h.keys('Q');
  await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question again');
  h.keys('y');
  screen = await h.waitFor(
    (s) => (s.match(/EXITED 0/g) ?? []).length >= 1 && s.includes('tmux server'),
    'the clean-up',
  );
  assert.match(screen, /stopped \d+ process\(es\) and the lesson's tmux server/);
  assert.deepEqual(processesMentioning(h.workdir), [], 'nothing of the lesson is left');
  const outer = h.serverPid();
  h.dispose();
  assert.ok(outer !== undefined);
  assert.deepEqual(processesMentioning(h.dir), [], 'nothing of the test is left');
});
