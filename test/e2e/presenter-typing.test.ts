import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  // Typing can be hurried: slowest pace, then `.` finishes the command at once.
  h.keys('N');
  await h.waitFor((s) => s.includes('step 2/3 put'), 'chapter 2');
  for (let i = 0; i < 5; i++) h.keys('-');
  await h.waitFor((s) => s.includes('typing 12 keys/s'), 'the slowest pace');
  h.keys('r');
  // The terminal pane is right of the narration's border: the value is not typed there yet.
  const typedInPane = (s: string): boolean =>
    s.split('\n').some((l) => (l.split('││')[1] ?? '').includes('presenter"'));
  await h.waitFor((s) => /# ETCDCTL_API=3 etcdctl/.test(s) && !typedInPane(s), 'typing slowly');
  const t0 = Date.now();
  h.keys('.');
  await h.waitFor((s) => /✓ 2\. put/.test(s), 'the step done at once', 10_000);
  assert.ok(Date.now() - t0 < 5_000, `finished in ${Date.now() - t0} ms, not at 12 keys/s`);
  // The pace is kept for the next opening.
  h.keys('q');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the presenter to end');
  const settings = JSON.parse(readFileSync(join(h.workdir, '.demystify', 'presenter.json'), 'utf8'));
  assert.equal(settings.keysPerSecond, 12);
  openPresenter(h);
  await h.waitFor((s) => s.includes('Meet etcd'), 'reopened');
  h.keys('Q');
  await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
  h.keys('y');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the clean-up');
  assert.deepEqual(processesMentioning(h.workdir), []);
});
