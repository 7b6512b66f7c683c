import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertNoInternalError,
  assertNothingRuns,
  cli,
  faultDir,
  processMatching,
  savedSteps,
  shellLesson,
  startCli,
  waitFor,
} from './faults-helpers.js';

/**
 * Issue 17, item 14: Ctrl-C during `run --headless`, sent as a terminal sends it (SIGINT to the whole
 * foreground process group). The first one interrupts the step at once (Ctrl-C in its session, as its
 * timeout would) and says where the run stopped and what still runs; the second one does not wait for the
 * step's command; the step is saved as interrupted, never left "running".
 */

test('the first Ctrl-C interrupts the step, and the run says where it stopped and what still runs', async (t) => {
  const { dir, workdir } = await faultDir(t);
  // Once skip-nap exists, the step is quick: the run can go on without waiting for it again.
  const lesson = await shellLesson(dir, { nap: '[ -e skip-nap ] || sleep 100', timeout: '120s' });
  const run = startCli(t, ['run', lesson, '--headless', '--workdir', workdir]);
  await waitFor('the step sleep 100', () => processMatching(workdir, /^sleep 100 ?$/));
  const web = await processMatching(workdir, /^sleep 1000/);
  const sent = Date.now();
  run.signal('SIGINT');
  const result = await run.done;
  assertNoInternalError(result);
  assert.ok(
    Date.now() - sent < 10_000,
    `ended ${Date.now() - sent} ms after Ctrl-C, not at the step's timeout`,
  );
  assert.equal(result.code, 130);
  assert.match(result.stdout, /^one\s+nap\s+\S+\s+interrupted$/m);
  assert.ok(!result.stdout.includes('after'), 'no further step ran');
  assert.match(
    result.stderr,
    /^demystify: interrupting step 'nap'; Ctrl-C again to stop without waiting for it$/m,
  );
  assert.match(
    result.stderr,
    /^demystify: interrupted: step 'nap' \(chapter one\) was interrupted: the run stopped there$/m,
  );
  assert.match(result.stderr, new RegExp(`^ {2}still running: web \\(sleep, pid ${web}\\)$`, 'm'));
  assert.match(result.stderr, new RegExp(`hint: demystify run --from one --workdir ${workdir} goes on`));
  // The step's command got Ctrl-C and ended; the component keeps running, as documented.
  assert.equal(await processMatching(workdir, /^sleep 100 ?$/), undefined);
  assert.equal(await processMatching(workdir, /^sleep 1000/), web);
  assert.deepEqual(await savedSteps(workdir), [
    'web:ok',
    'hello:ok',
    'nap:failed:interrupted',
    'after:pending',
    'again:pending',
  ]);
  assert.equal(existsSync(join(workdir, 'demystify.lock')), false, 'the lock is released');
  // The machine is usable at once: the run goes on from that chapter (the shell is back at its prompt).
  await writeFile(join(workdir, 'skip-nap'), '');
  const again = await cli(['run', lesson, '--headless', '--workdir', workdir, '--from', 'one']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^two\s+again\s+\S+\s+ok$/m);
  assert.equal((await cli(['cleanup', '--workdir', workdir])).code, 0);
  await assertNothingRuns(workdir);
});

test('the second Ctrl-C ends the run at once, even when the step ignores Ctrl-C, and saves it as interrupted', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: "trap '' INT; sleep 100", timeout: '120s' });
  const run = startCli(t, ['run', lesson, '--headless', '--workdir', workdir]);
  await waitFor('the step sleep 100', () => processMatching(workdir, /^sleep 100 ?$/));
  run.signal('SIGINT');
  // The first one waits for the command, which ignores it. Two signals sent at once can be merged into
  // one by the kernel: the second is sent once the first was taken.
  await waitFor('the first Ctrl-C to be taken', async () =>
    run.stderrSoFar().includes("demystify: interrupting step 'nap'"),
  );
  const sent = Date.now();
  run.signal('SIGINT');
  const result = await run.done;
  assertNoInternalError(result);
  assert.ok(Date.now() - sent < 3000, `ended ${Date.now() - sent} ms after the second Ctrl-C`);
  assert.equal(result.code, 130);
  assert.match(result.stderr, /^demystify: interrupted: step 'nap' \(chapter one\) was interrupted/m);
  const stubborn = await processMatching(workdir, /^sleep 100 ?$/);
  assert.ok(stubborn, 'the command that ignores Ctrl-C still runs');
  assert.match(result.stderr, new RegExp(`still running: .*shell \\(sleep, pid ${stubborn}\\)`));
  assert.deepEqual((await savedSteps(workdir)).slice(0, 3), ['web:ok', 'hello:ok', 'nap:failed:interrupted']);
  assert.equal(existsSync(join(workdir, 'demystify.lock')), false, 'the lock is released');
  const cleanup = await cli(['cleanup', '--workdir', workdir]);
  assert.equal(cleanup.code, 0, cleanup.stderr);
  await assertNothingRuns(workdir);
});
