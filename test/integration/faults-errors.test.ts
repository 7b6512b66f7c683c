import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { namespaceName } from '../../src/adapters/isolation/address.js';
import { Tmux } from '../../src/adapters/tmux/tmux.js';
import { DemystifyError } from '../../src/errors.js';
import {
  assertNoInternalError,
  assertNothingRuns,
  cli,
  faultDir,
  shellLesson,
  writeLesson,
} from './faults-helpers.js';

/**
 * Issue 17, item 5: errors are reported, not caught and thrown away. A damaged isolation.json is not
 * "not isolated"; a failed write of state.json stops the run and says so; a missing tmux is not
 * "not started"; a missing nsenter does not say "install tmux".
 */

test('a damaged isolation.json is reported by status, logs and replay, never read as "not isolated"', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'true' });
  assert.equal((await cli(['run', lesson, '--headless', '--workdir', workdir, '--to', 'one'])).code, 0);
  for (const text of ['{"schema":', '{"schema":"demystify.isolation/v1"}', '[]']) {
    await writeFile(join(workdir, 'isolation.json'), text);
    for (const args of [
      ['status', '--workdir', workdir],
      ['logs', 'shell', '--workdir', workdir],
      ['replay', 'one', '--workdir', workdir],
      ['run', lesson, '--headless', '--workdir', workdir],
    ]) {
      const result = await cli(args);
      assertNoInternalError(result);
      assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
      assert.match(result.stderr, /^demystify: .*\/isolation\.json is damaged: /m, args[0]);
      assert.match(result.stderr, new RegExp(`hint: .*ip netns pids ${namespaceName(workdir)}`));
      assert.ok(!result.stdout.includes('not isolated'), args[0]);
    }
  }
  // Cleanup still ends the lesson's processes, then reports the record it cannot follow.
  const cleanup = await cli(['cleanup', '--workdir', workdir]);
  assertNoInternalError(cleanup);
  assert.equal(cleanup.code, 1);
  assert.match(cleanup.stdout, /^ended \d+ processes and the tmux server of /m);
  assert.match(cleanup.stderr, /isolation\.json is damaged/);
  await assertNothingRuns(workdir);
});

test('a failed write of state.json stops the run and says why', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await writeLesson(dir, 'sabotage', [
    '---',
    'id: faults-sabotage',
    'title: Sabotage',
    '---',
    '## One {#one}',
    '```bash { name=sabotage }',
    'rm -f state.json && mkdir state.json',
    '```',
    '```bash { name=after }',
    'echo after',
    '```',
    '```bash { name=never }',
    'echo never',
    '```',
  ]);
  const run = await cli(['run', lesson, '--headless', '--workdir', workdir]);
  assertNoInternalError(run);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^demystify: progress could not be saved, so the run stopped: cannot read .*\/state\.json: EISDIR/m,
  );
  // The write after `sabotage` fails while `after` runs: nothing starts after it.
  assert.match(run.stdout, /^one\s+sabotage\s+\S+\s+ok$/m);
  assert.ok(!run.stdout.includes('never'), run.stdout);
  const cleanup = await cli(['cleanup', '--workdir', workdir]);
  assertNoInternalError(cleanup);
  assert.equal(cleanup.code, 0, cleanup.stderr);
  assert.match(cleanup.stdout, /^moved the damaged state file to /m);
  await assertNothingRuns(workdir);
});

test('a missing tmux is said as such, not "not started"; cleanup still ends everything', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'true' });
  assert.equal((await cli(['run', lesson, '--headless', '--workdir', workdir, '--to', 'one'])).code, 0);
  const empty = join(dir, 'empty-path');
  await mkdir(empty);
  const status = await cli(['status', '--workdir', workdir], { PATH: empty });
  assertNoInternalError(status);
  assert.equal(status.code, 1);
  assert.match(
    status.stderr,
    /^demystify: tmux is not installed \(or not on PATH\)\n {2}hint: install it: apt-get install tmux$/m,
  );
  assert.ok(!status.stdout.includes('not started'), status.stdout);
  const cleanup = await cli(['cleanup', '--workdir', workdir], { PATH: empty });
  assertNoInternalError(cleanup);
  assert.equal(cleanup.code, 0, cleanup.stderr);
  assert.match(cleanup.stdout, /^ended \d+ processes/m);
  await assertNothingRuns(workdir);
});

test('a missing nsenter is named, with where it comes from (not "install tmux")', async (t) => {
  const { dir, workdir } = await faultDir(t);
  // PATH with tmux and nothing else: the server is started through the namespace prefix, which is missing.
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await symlink('/usr/bin/tmux', join(bin, 'tmux'));
  await mkdir(workdir);
  const saved = process.env.PATH;
  process.env.PATH = bin;
  t.after(() => {
    process.env.PATH = saved;
  });
  const tmux = new Tmux({ socket: join(workdir, 'tmux.sock'), prefix: ['nsenter', '--net=/run/netns/none'] });
  await assert.rejects(
    tmux.newSession({ name: 'shell', cwd: workdir, command: ['true'], logFile: join(workdir, 'shell.log') }),
    (error: unknown) =>
      error instanceof DemystifyError &&
      error.message === 'nsenter is not installed (or not on PATH)' &&
      /util-linux/.test(error.hint ?? '') &&
      !/tmux/.test(error.hint ?? ''),
  );
  // Nothing was started.
  assert.equal(existsSync(join(workdir, 'shell.log')), false);
  assert.equal(await tmux.serverPid(), undefined);
});
