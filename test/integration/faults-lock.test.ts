import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
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
 * Issue 17, item 2: two commands on one work directory. The second is refused, naming the first (pid,
 * command line), and touches nothing; `--wait` waits its turn; `cleanup` refuses a live holder unless
 * `--force`, which ends it first; a lock whose holder is dead is taken over.
 */

test('a second run on a busy work directory is refused and changes nothing; --wait waits its turn', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'sleep 8' });
  const a = startCli(t, ['run', lesson, '--headless', '--workdir', workdir]);
  const nap = await waitFor('the first run to be in its sleep 8', () =>
    processMatching(workdir, /^sleep 8 ?$/),
  );
  const web = await processMatching(workdir, /^sleep 1000/);
  assert.ok(web, "the first run's component runs");

  for (const args of [
    ['run', lesson, '--headless', '--workdir', workdir],
    ['replay', 'one', '--workdir', workdir],
    ['cleanup', '--workdir', workdir],
  ]) {
    const b = await cli(args);
    assertNoInternalError(b);
    assert.equal(b.code, 1, `${args[0]}: ${b.stderr}`);
    assert.match(
      b.stderr,
      new RegExp(
        `^demystify: the work directory ${workdir} is in use by pid ${a.pid} \\(demystify run \\S+ --headless --workdir ${workdir}, since `,
      ),
    );
    assert.match(
      b.stderr,
      args[0] === 'cleanup' ? /hint: .*cleanup --force ends it first/ : /hint: .*--wait/,
    );
    assert.equal(b.stdout, '', `${args[0]} printed nothing on stdout`);
  }
  // Nothing of the first run was touched: its component and its step's command are the same processes.
  assert.equal(await processMatching(workdir, /^sleep 1000/), web);
  assert.equal(await processMatching(workdir, /^sleep 8 ?$/), nap);

  const c = startCli(t, ['run', lesson, '--headless', '--workdir', workdir, '--wait']);
  const first = await a.done;
  assert.equal(first.code, 0, first.stderr);
  // The nap really took its 8 seconds: no keystroke of another run ended it early.
  const napLine = /^one\s+nap\s+(\d+\.\d\d)s\s+ok$/m.exec(first.stdout);
  assert.ok(napLine && Number(napLine[1]) >= 7.9, first.stdout);
  const waited = await c.done;
  assert.equal(waited.code, 0, waited.stderr);
  assert.match(
    waited.stderr,
    new RegExp(
      `^demystify: waiting for pid ${a.pid} \\(demystify run .*\\) to be done with ${workdir}$`,
      'm',
    ),
  );
  assert.match(waited.stdout, /^reset: machine back to a clean start$/m);
  assert.deepEqual(await savedSteps(workdir), ['web:ok', 'hello:ok', 'nap:ok', 'after:ok', 'again:ok']);
  assert.equal(existsSync(join(workdir, 'demystify.lock')), false, 'the lock is released');

  assert.equal((await cli(['cleanup', '--workdir', workdir])).code, 0);
  await assertNothingRuns(workdir);
});

test('cleanup --force ends the run that holds the work directory, then everything it started', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'sleep 100', timeout: '120s' });
  const a = startCli(t, ['run', lesson, '--headless', '--workdir', workdir]);
  await waitFor('the run to be in its sleep 100', () => processMatching(workdir, /^sleep 100 ?$/));
  const cleanup = await cli(['cleanup', '--workdir', workdir, '--force']);
  assertNoInternalError(cleanup);
  assert.equal(cleanup.code, 0, cleanup.stderr);
  assert.match(
    cleanup.stderr,
    new RegExp(`^demystify: ending pid ${a.pid} \\(demystify run .*\\), which holds ${workdir}$`, 'm'),
  );
  assert.match(cleanup.stdout, /^ended \d+ processes and the tmux server of /m);
  const run = await a.done;
  assert.equal(run.code, 143, 'the run ended on SIGTERM, cleanly');
  assert.match(run.stderr, /^demystify: stopped by SIGTERM: step 'nap' \(chapter one\) was interrupted/m);
  assert.ok(run.ms < 30_000, 'well before the step timeout');
  // Its progress was saved before it ended, then cleanup forgot the run's progress as it always does.
  assert.equal(existsSync(join(workdir, 'demystify.lock')), false);
  await assertNothingRuns(workdir);
});

test('a lock left by a process that is gone is taken over', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'true' });
  const first = await cli(['run', lesson, '--headless', '--workdir', workdir, '--to', 'one']);
  assert.equal(first.code, 0, first.stderr);
  // A holder that crashed: its pid is gone (a short-lived process of ours), or the pid is another process now.
  const child = execa('true');
  const gonePid = child.pid!;
  await child;
  for (const holder of [
    {
      pid: gonePid,
      startTime: 1,
      command: 'run',
      argv: 'demystify run crashed.md',
      since: new Date().toISOString(),
    },
    { pid: process.pid, startTime: 1, command: 'run', argv: 'demystify run reused-pid.md', since: '' },
    'garbage',
  ]) {
    await writeFile(
      join(workdir, 'demystify.lock'),
      typeof holder === 'string' ? holder : JSON.stringify(holder),
    );
    const run = await cli(['run', lesson, '--headless', '--workdir', workdir, '--from', 'two']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^two\s+again\s+\S+\s+ok$/m);
    assert.equal(existsSync(join(workdir, 'demystify.lock')), false);
  }
  assert.ok(!(await readFile(join(workdir, 'state.json'), 'utf8')).includes('crashed'));
  assert.equal((await cli(['cleanup', '--workdir', workdir])).code, 0);
  await assertNothingRuns(workdir);
});
