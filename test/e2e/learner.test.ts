import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openPresenter, startPresenter } from './presenter-harness.js';
import { BIN } from '../helpers/paths.js';

/**
 * Learner mode (`demystify learn LESSON`) for real: a private tmux server runs it on a pty, the lesson
 * starts Debian's etcd on free ports, keys go in with send-keys and the screen is read with capture-pane.
 * Every wait polls the screen for text; nothing sleeps for a fixed time.
 */
test('a learner fails twice, gets the hint, does the step, skips the next, and finds it all again', async (t) => {
  const h = await startPresenter({ width: 160, height: 50, fixture: 'etcd-learner.md', learn: true });
  t.after(() => h.dispose());
  const { client, peer } = h.ports;
  const etcd =
    `etcd --name presenter --data-dir etcd-data --listen-client-urls http://127.0.0.1:${client} ` +
    `--advertise-client-urls http://127.0.0.1:${client} --listen-peer-urls http://127.0.0.1:${peer} ` +
    `--initial-advertise-peer-urls http://127.0.0.1:${peer} --initial-cluster presenter=http://127.0.0.1:${peer}`;
  const type = (line: string): void => {
    h.keys('-l', line);
    h.keys('Enter');
  };

  openPresenter(h);
  // The panel, and the session's prompt in the terminal pane: keys typed before it is live would be lost.
  let screen = await h.waitFor(
    (s) => s.includes('Your turn · step 1/3 start-etcd') && /│wd [#$] +│/.test(s),
    'the learner panel and the etcd session',
  );
  assert.match(screen, /TYPING IN etcd/, 'the terminal pane has the focus, on the step’s session');
  assert.match(screen, /checked by ready: http:\/\/127\.0\.0\.1/);
  assert.doesNotMatch(screen, /Hint:/);

  // A wrong command, twice: the hint tied to a probe says what is wrong from the first failure, the plain
  // hint comes with the second.
  type('etcd --no-such-flag');
  screen = await h.waitFor((s) => s.includes('1 failed attempt'), 'the first failed attempt');
  await h.waitFor((s) => s.includes('Hint: etcd has not written etcd-data yet'), 'the hint tied to a probe');
  assert.doesNotMatch(screen, /Hint: etcd wants/);
  type('etcd --no-such-flag');
  await h.waitFor(
    (s) => s.includes('2 failed attempts') && s.includes('Hint: etcd wants --name'),
    'the hint after the second failed attempt',
  );

  // The right command: the step turns done by itself once etcd is ready, no key pressed.
  type(etcd);
  screen = await h.waitFor(
    (s) => s.includes('✓ start-etcd done') && s.includes('Your turn · step 2/3 put'),
    'start-etcd done, with no key pressed',
  );
  await h.waitFor((s) => s.includes('TYPING IN shell'), 'the terminal on the shell, for the next step');

  // The next step, skipped: the solution key runs it, and it counts as skipped.
  h.keys('F5');
  screen = await h.waitFor(
    (s) => s.includes('put skipped (the solution ran)') && s.includes('Your turn · step 3/3 get'),
    'put skipped',
  );
  assert.match(screen, /– 2\. put/, 'the narration marks put skipped');

  // Quit (the presenter's keys are behind C-g), and come back: everything is where it was.
  h.keys('C-g');
  h.keys('q');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the learner quits');
  const status = execFileSync(process.execPath, [BIN, 'status', '--workdir', h.workdir], {
    encoding: 'utf8',
  });
  assert.match(
    status,
    /LEARNER\n {2}start: done, \d+ min\n {2}write-read: 1\/2 steps, skipped: put, \d+ min/,
  );
  openPresenter(h);
  screen = await h.waitFor((s) => s.includes('Your turn · step 3/3 get'), 'the learner back at step 3');
  await h.waitFor(
    (s) => /– 2\. put/.test(s) && s.includes('● etcd ready'),
    'put still skipped, etcd still up',
  );
  h.keys('C-g');
  h.keys('q');
  await h.waitFor((s) => (s.match(/EXITED 0/g) ?? []).length >= 1 && !s.includes('Your turn'), 'quit again');
});
