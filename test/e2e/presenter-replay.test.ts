import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPresenter, processesMentioning, startPresenter } from './presenter-harness.js';

/** How many replays in a row: a stall seen once in four replays must not hide in twenty. */
const REPLAYS = Number(process.env.DEMYSTIFY_TEST_REPLAYS ?? 20);

/**
 * `R` on stage: the machine is reset and the chapter runs again, typed key by key. The audience must
 * see the command being typed in etcd's own terminal (never a placeholder), and the replay must end
 * with etcd ready, every time.
 */
test(`a replay is typed visibly and never stalls, ${REPLAYS} times in a row`, async (t) => {
  const h = await startPresenter({ width: 120, height: 40, extraArgs: ['--typing', 'human'] });
  t.after(() => h.dispose());
  openPresenter(h);
  await h.waitFor((s) => s.includes('Ch 1/2 Start etcd'), 'the narration');
  for (let i = 1; i <= REPLAYS; i++) {
    h.keys('R');
    let sawTyping = false;
    const screen = await h.waitFor(
      (s) => {
        // The command half typed in etcd's own pane: the first flag is there, the last one not yet.
        if (/┌─ etcd ─/.test(s) && /# etcd --name/.test(s) && !s.includes('--initial-cluster presenter=')) {
          sawTyping = true;
        }
        return (sawTyping && s.includes('● etcd ready')) || /✗|timed out/.test(s);
      },
      `replay ${i} to end`,
      90_000,
    );
    assert.doesNotMatch(screen, /✗|timed out|failed/, `replay ${i} ended well`);
    assert.ok(sawTyping, `replay ${i}: the command was seen typed in etcd's pane`);
  }
  h.keys('Q');
  await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
  h.keys('y');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the clean-up');
  assert.deepEqual(processesMentioning(h.workdir), []);
});
