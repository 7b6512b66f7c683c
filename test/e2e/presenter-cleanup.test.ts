import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPresenter, processesMentioning, startPresenter } from './presenter-harness.js';
import { BIN } from '../helpers/paths.js';

/** Is this pid alive (and no zombie)? */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Poll until `predicate` holds (every 100 ms, up to `timeoutMs`). */
async function until(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The lesson's last step, `demystify cleanup --purge`, typed in the presenter in the lesson's own shell:
 * the presenter holds the work directory, so `cleanup` asks it (on its speaker channel) to clean up and
 * quit. The presenter ends as its "quit and clean up" does, purged: no process of the work directory is
 * left, its tmux socket and its generated folders are gone, and the presenter's terminal is given back
 * with its message.
 */
test('demystify cleanup --purge typed in the presenter cleans up, purges, and the presenter quits', async (t) => {
  const h = await startPresenter({ width: 120, height: 40, fixture: 'etcd-cleanup.md' });
  t.after(() => h.dispose());
  openPresenter(h);
  await h.waitFor((s) => s.includes('Ch 1/2 Start etcd'), 'the presenter');
  h.keys('r');
  await h.waitFor((s) => s.includes('● etcd ready'), 'etcd ready');
  await h.waitFor((s) => s.includes('chapter done'), 'the chapter done');
  const presenterPid = Number(
    readFileSync(join(h.workdir, 'demystify.lock'), 'utf8').match(/"pid":(\d+)/)?.[1],
  );
  const lessonPids = processesMentioning(h.workdir);
  assert.ok(lessonPids.length > 0, 'the lesson runs (its tmux server, etcd, the presenter)');
  assert.ok(existsSync(join(h.workdir, 'etcd-data')), 'etcd wrote its data');

  h.keys('r');
  await h.waitFor((s) => s.includes('Ch 2/2 Clean up'), 'the clean-up chapter');
  // A step by hand (excludeFromRunAll): the speaker types it in the lesson's shell, as on stage.
  // Keys go to the session the pane shows: its prompt there first, then the command whole before Enter.
  h.keys('0');
  await h.waitFor((s) => /┌─ shell ─/.test(s) && /│wd # +│/.test(s), "the shell's prompt in the pane");
  h.keys('Tab');
  await h.waitFor((s) => s.includes('TYPING IN shell'), 'the shell focused');
  h.keys('-l', 'demystify cleanup --purge');
  await h.waitFor((s) => s.includes('│wd # demystify cleanup --purge'), 'the command typed');
  h.keys('Enter');
  const screen = await h.waitFor((s) => s.includes('EXITED 0'), 'the presenter to end');
  assert.match(screen, /stopped \d+ process\(es\) and the lesson's tmux server/);
  assert.match(screen, /removed the reset paths and the generated state of /);
  // The terminal is given back: the presenter's frame is gone from the pane.
  assert.doesNotMatch(screen, /Ch 2\/2 Clean up/);

  await until(() => !alive(presenterPid), 'the presenter process to end');
  await until(() => lessonPids.every((pid) => !alive(pid)), 'every process of the lesson to end');
  assert.deepEqual(processesMentioning(h.workdir), [], 'nothing of the work directory is left');
  assert.ok(!existsSync(join(h.workdir, 'tmux.sock')), "the lesson's tmux socket is gone");
  for (const purged of ['etcd-data', 'logs', '.demystify', 'state.json', 'demystify.lock'])
    assert.ok(!existsSync(join(h.workdir, purged)), `${purged} is purged`);
});

/**
 * `cleanup --purge` from another terminal while a step runs in the presenter: the presenter takes it the
 * same way, and the step that fails once its shell is gone writes nothing back into the purged work
 * directory (state.json came back before).
 */
test('cleanup --purge from another terminal while a step runs: the presenter quits, nothing is written back', async (t) => {
  const h = await startPresenter({ width: 120, height: 40, fixture: 'busy-step.md' });
  t.after(() => h.dispose());
  openPresenter(h);
  await h.waitFor((s) => s.includes('Ch 1/1 Wait'), 'the presenter');
  h.keys('r');
  await h.waitFor((s) => /✓ 1\. make-data/.test(s), 'make-data done');
  h.keys('r');
  const sleeping = (): boolean =>
    processesMentioning(h.workdir).some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() === 'sleep 100';
      } catch {
        return false;
      }
    });
  await until(sleeping, 'the step running (its sleep in the work directory)');
  assert.ok(existsSync(join(h.workdir, 'data', 'x')));
  const cleanup = spawnSync(process.execPath, [BIN, 'cleanup', '--purge', '--workdir', h.workdir], {
    encoding: 'utf8',
  });
  assert.equal(cleanup.status, 0, cleanup.stderr);
  assert.match(cleanup.stdout, /^asked the presenter of .* to clean up \(purge\) and quit/);
  const screen = await h.waitFor((s) => s.includes('EXITED 0'), 'the presenter to end');
  assert.match(screen, /removed the reset paths and the generated state of /);
  await until(() => processesMentioning(h.workdir).length === 0, 'every process of the lesson to end');
  assert.deepEqual(readdirSync(h.workdir), [], 'the work directory is empty, and stays so');
});
