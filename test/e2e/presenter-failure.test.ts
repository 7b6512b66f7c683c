import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { openPresenter, processesMentioning, startPresenter } from './presenter-harness.js';

/**
 * A step that fails, shown to an audience: etcd cannot bind its port (the test holds it), so the
 * presenter says which step failed, what was expected, why, the last lines of etcd's log, and the
 * keys to go on. Once the port is free, `r` runs the failed step again and it succeeds.
 */
test('a failed step says what failed and what to do; r retries it', async (t) => {
  const h = await startPresenter({ width: 120, height: 40 });
  t.after(() => h.dispose());
  // It answers nobody (the engine's probes connect to it too): every connection is closed at once.
  const squatter = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(h.ports.client, '127.0.0.1', resolve));
  t.after(() => squatter.close());

  openPresenter(h);
  await h.waitFor((s) => s.includes('1/2  Start etcd'), 'the narration');
  h.keys('r');
  let screen = await h.waitFor((s) => s.includes('✗ Step 1 “start-etcd” failed'), 'the failure panel');
  assert.match(screen, /Expected: ready/);
  assert.match(screen, /etcd exited with status \d+ before it was ready/);
  assert.match(screen, /bind: address/, 'the last lines of the log say why');
  assert.match(screen, /already in use/);
  for (const way of ['r/Enter retry', 'l show logs', 'R replay chapter', 'Esc close'])
    assert.ok(screen.includes(way), way);
  assert.match(screen, /✗ etcd failed/);

  // l: the failed step's session, full screen; Esc closes the zoom.
  h.keys('l');
  screen = await h.waitFor((s) => s.includes('etcd (zoomed)'), 'the logs of etcd');
  h.keys('Escape');
  screen = await h.waitFor((s) => !s.includes('etcd (zoomed)'), 'back to both panes');
  assert.match(screen, /✗ Step 1 “start-etcd” failed/, 'the panel is back after the zoom');

  // Esc closes the panel itself, and it stays closed.
  h.keys('Escape');
  screen = await h.waitFor((s) => !s.includes('✗ Step 1 “start-etcd” failed'), 'the panel closed');
  assert.match(screen, /▶ ✗ 1\. start-etcd/, 'the cursor is still on the failed step');
  assert.match(screen, /step 1\/3 start-etcd/);

  // The port is free again: r runs the failed step again (not the next one).
  await new Promise<void>((resolve) => squatter.close(() => resolve()));
  h.keys('r');
  screen = await h.waitFor(
    (s) => s.includes('● etcd ready') && s.includes('chapter done'),
    'the retry to succeed',
  );
  assert.match(screen, /✓ 1\. start-etcd/);
  assert.doesNotMatch(screen, /✓ 2\. put/, 'the next step did not run');
  assert.doesNotMatch(screen, /failed/);
  h.keys('Q');
  await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
  h.keys('y');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the clean-up');
  assert.deepEqual(processesMentioning(h.workdir), []);
});
