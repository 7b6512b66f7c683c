import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN } from './engine-helpers.js';
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
 * Issue 17, items 16 to 18: the work directory's files. A session log removed during a step fails the step
 * at once (not at its timeout, with an empty log); a work directory that cannot be one (/proc, a file, a
 * read-only file system) is refused at once with exit 2; `logs` takes names, never paths; the work
 * directory and what demystify writes in it are the owner's only.
 */

test('rm -rf logs/ during a step: the step fails at once, saying so; the next run works', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'sleep 3; echo woke', timeout: '60s' });
  const run = startCli(t, ['run', lesson, '--headless', '--workdir', workdir]);
  await waitFor('the step sleep 3', () => processMatching(workdir, /^sleep 3 ?$/));
  const removed = Date.now();
  await rm(join(workdir, 'logs'), { recursive: true });
  const result = await run.done;
  assertNoInternalError(result);
  assert.ok(Date.now() - removed < 2500, `failed ${Date.now() - removed} ms after, not at the 60 s timeout`);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^one\s+nap\s+\S+\s+failed$/m);
  assert.match(
    result.stderr,
    /^demystify: step 'nap' \(chapter one\) failed: .*\/logs\/shell\.log was removed while the engine was reading it$/m,
  );
  assert.deepEqual((await savedSteps(workdir)).slice(0, 3), [
    'web:ok',
    'hello:ok',
    `nap:failed:${join(workdir, 'logs/shell.log')} was removed while the engine was reading it`,
  ]);
  // Nothing was lost: the next run resets the machine and goes through.
  const again = await cli(['run', lesson, '--headless', '--workdir', workdir, '--to', 'one']);
  assert.equal(again.code, 0, again.stderr);
  assert.match((await cli(['logs', 'shell', '--workdir', workdir])).stdout, /woke/);
  // Removed between two runs: the sessions still write to the removed files; the run that goes on (no
  // reset) pipes them to new logs.
  await rm(join(workdir, 'logs'), { recursive: true });
  const next = await cli(['run', lesson, '--headless', '--workdir', workdir, '--from', 'two']);
  assert.equal(next.code, 0, next.stderr);
  assert.ok(!next.stdout.includes('reset'), 'it went on without a reset');
  assert.match((await cli(['logs', 'shell', '--workdir', workdir])).stdout, /^again$/m);
  assert.equal((await cli(['cleanup', '--workdir', workdir])).code, 0);
  await assertNothingRuns(workdir);
});

test('a work directory that cannot be one is refused at once, with exit 2', async (t) => {
  const { dir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'true' });
  const file = join(dir, 'a-file');
  await writeFile(file, 'not a folder');
  const readOnly = join(dir, 'read-only');
  await mkdir(readOnly);
  const cases: [string, string[], RegExp][] = [
    ['/proc', ['run', lesson, '--headless', '--workdir', '/proc/x'], /\/proc\/x: no such file or directory/],
    ['a file', ['run', lesson, '--headless', '--workdir', file], /a-file is not a folder/],
    ['below a file', ['run', lesson, '--headless', '--workdir', join(file, 'w')], /a-file is not a folder/],
    [
      '/proc (replay)',
      ['replay', 'one', '--lesson', lesson, '--workdir', '/proc/x'],
      /no such file or directory/,
    ],
  ];
  for (const [what, args, why] of cases) {
    const started = Date.now();
    const result = await cli(args);
    assertNoInternalError(result);
    assert.equal(result.code, 2, `${what}: ${result.stderr}`);
    assert.match(result.stderr, /^demystify: the work directory .* cannot be used: /, what);
    assert.match(result.stderr, why, what);
    assert.match(result.stderr, /hint: give --workdir a folder/, what);
    assert.ok(Date.now() - started < 5000, `${what}: at once`);
  }
  // A read-only file system, in a mount namespace of this test's own (nothing of the machine is mounted).
  for (const workdir of [readOnly, join(readOnly, 'w')]) {
    const result = await execa(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs -o ro tmpfs "$1" && shift && exec "$@"',
        'sh',
        readOnly,
        process.execPath,
        BIN,
        'run',
        lesson,
        '--headless',
        '--workdir',
        workdir,
      ],
      { reject: false, env: { DEMYSTIFY_HOME: '/nonexistent' } },
    );
    assert.equal(result.exitCode, 2, String(result.stderr));
    assert.match(String(result.stderr), /cannot be used: .*read-only file system/);
  }
  assert.deepEqual(await readdir(readOnly), [], 'nothing was written under the mount point');
  assert.equal(existsSync(join(file, 'w')), false);
});

test('logs takes a component or session name, never a path', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'true' });
  assert.equal((await cli(['run', lesson, '--headless', '--workdir', workdir, '--to', 'one'])).code, 0);
  for (const name of ['../../../var/log/dpkg', '/etc/passwd', '..', '.hidden', 'web/../../state']) {
    const result = await cli(['logs', name, '--workdir', workdir]);
    assertNoInternalError(result);
    assert.equal(result.code, 2, `${name}: ${result.stderr}`);
    assert.equal(result.stdout, '', `${name}: nothing read`);
    assert.match(
      result.stderr,
      new RegExp(`'${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' is not a component`),
    );
    assert.match(result.stderr, /hint: one of: shell, web$/m);
  }
  // A link planted in logs/ is not followed either.
  await symlink('/etc/hostname', join(workdir, 'logs', 'planted.log'));
  const planted = await cli(['logs', 'planted', '--workdir', workdir]);
  assert.equal(planted.code, 1);
  assert.equal(planted.stdout, '');
  assert.match(planted.stderr, /no log for 'planted'/);
  const web = await cli(['logs', 'web', '--workdir', workdir]);
  assert.equal(web.code, 0);
  assert.match(web.stdout, /web listening/);
  assert.equal((await cli(['cleanup', '--workdir', workdir])).code, 0);
  await assertNothingRuns(workdir);
});

test('the work directory and what demystify writes in it are owner-only (0700, 0600)', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const lesson = await shellLesson(dir, { nap: 'true' });
  // An existing work directory of an earlier version, open to everyone, with a log readable by all.
  await mkdir(join(workdir, 'logs'), { recursive: true, mode: 0o755 });
  await chmod(workdir, 0o755);
  await chmod(join(workdir, 'logs'), 0o755);
  await writeFile(join(workdir, 'logs', 'shell.log'), 'an old log\n', { mode: 0o644 });
  const run = await cli(['run', lesson, '--headless', '--workdir', workdir]);
  assert.equal(run.code, 0, run.stderr);
  const mode = async (path: string): Promise<string> =>
    ((await stat(join(workdir, path))).mode & 0o777).toString(8);
  assert.equal(await mode('.'), '700');
  for (const folder of ['logs', '.demystify', '.demystify/bin'])
    assert.equal(await mode(folder), '700', folder);
  for (const file of [
    'state.json',
    'logs/shell.log',
    'logs/web.log',
    '.demystify/marker',
    '.demystify/tmux.conf',
    '.demystify/shell-rc.bash',
  ])
    assert.equal(await mode(file), '600', file);
  assert.equal(await mode('.demystify/bin/demystify'), '700');
  // A fresh one, several folders deep: the folders above it are ordinary ones, the work directory is not.
  const deep = join(dir, 'a', 'b', 'work');
  const fresh = await cli(['run', lesson, '--headless', '--workdir', deep, '--to', 'one']);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.equal(((await stat(deep)).mode & 0o777).toString(8), '700');
  assert.equal(
    ((await stat(join(dir, 'a', 'b'))).mode & 0o777).toString(8),
    (0o777 & ~process.umask()).toString(8),
  );
  for (const root of [workdir, deep]) assert.equal((await cli(['cleanup', '--workdir', root])).code, 0);
  await assertNothingRuns(dir);
});
