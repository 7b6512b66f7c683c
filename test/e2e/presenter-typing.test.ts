import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPresenter, processesMentioning, startPresenter } from './presenter-harness.js';

/**
 * On stage (`--typing human`) the terminal pane follows the session a step types into, so the audience
 * watches the command being typed key by key in the component's own terminal, then its first lines.
 */
test('with human typing, the command is seen typed in the component’s terminal', async (t) => {
  const h = await startPresenter({ width: 120, height: 40, extraArgs: ['--typing', 'human'] });
  t.after(() => h.dispose());
  openPresenter(h);
  await h.waitFor((s) => s.includes('Ch 1/2 Start etcd'), 'the narration');
  h.keys('0');
  await h.waitFor((s) => /┌─ shell ─/.test(s), 'the shell shown first');
  h.keys('r');
  // Part of the command, before the rest of it: it is being typed, in etcd's pane.
  const typing = await h.waitFor(
    (s) => /┌─ etcd ─/.test(s) && /│wd # etcd --name/.test(s) && !s.includes('--initial-cluster presenter='),
    'the command half typed in the etcd pane',
  );
  assert.match(typing, /◐ etcd starting/);
  await h.waitFor((s) => s.includes('● etcd ready'), 'etcd ready', 60_000);
  await h.waitFor((s) => /ready to serve client requests/.test(s), "etcd's own output");
  h.keys('Q');
  await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
  h.keys('y');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the clean-up');
  assert.deepEqual(processesMentioning(h.workdir), []);
});
