import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPresenter, processesMentioning, startPresenter } from './presenter-harness.js';

/**
 * A step that already ran does not run again on a stray key: the presenter asks. For a component that
 * still runs (etcd), the ways on are a clean restart (Ctrl-C in its session, then the step) or a skip;
 * either way etcd ends up ready, never "failed: session still running a command".
 */
test('running a done step again asks first; a running component restarts cleanly', async (t) => {
  const h = await startPresenter({ width: 120, height: 40 });
  t.after(() => h.dispose());
  openPresenter(h);
  await h.waitFor((s) => s.includes('1/2  Start etcd'), 'the narration');
  h.keys('r');
  await h.waitFor((s) => s.includes('● etcd ready') && s.includes('chapter done'), 'etcd ready');
  // On to chapter 2, then back: P lands on the chapter's first step, which is done.
  h.keys('N');
  await h.waitFor((s) => s.includes('Ch 2/2 Write and read · step 2/3'), 'chapter 2');
  h.keys('P');
  await h.waitFor((s) => s.includes('Ch 1/2 Start etcd · step 1/3'), 'back on the done step');

  // A stray r asks; s skips: nothing runs, etcd stays ready.
  h.keys('r');
  let screen = await h.waitFor((s) => s.includes('Step 1 “start-etcd” already ran'), 'the question');
  assert.match(screen, /etcd is running/);
  assert.match(screen, /r restart etcd {3}s skip {3}Esc cancel/);
  h.keys('s');
  screen = await h.waitFor((s) => !s.includes('already ran') && s.includes('step 2/3 put'), 'skipped');
  assert.match(screen, /● etcd ready/);

  // Esc cancels; r restarts etcd cleanly and runs its step again.
  h.keys('p');
  await h.waitFor((s) => s.includes('step 1/3 start-etcd'), 'on the done step again');
  h.keys('r');
  await h.waitFor((s) => s.includes('already ran'), 'the question again');
  h.keys('Escape');
  await h.waitFor((s) => !s.includes('already ran'), 'cancelled');
  h.keys('r');
  await h.waitFor((s) => s.includes('already ran'), 'the question, once more');
  h.keys('r');
  await h.waitFor(
    (s) => s.includes('stopping etcd') || s.includes('◐ etcd starting'),
    'etcd stopped and started again',
  );
  screen = await h.waitFor(
    (s) =>
      s.includes('● etcd ready') && s.includes('chapter done') && /✓ 1\. start-etcd \[etcd\] ─+ ok/.test(s),
    'etcd restarted and ready',
    60_000,
  );
  assert.doesNotMatch(screen, /✗|failed|still running/);
  h.keys('Q');
  await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
  h.keys('y');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the clean-up');
  assert.deepEqual(processesMentioning(h.workdir), []);
});
