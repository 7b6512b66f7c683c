import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { assertNothingLeft, BIN, fixtureLesson, tempWorkdir } from '../integration/engine-helpers.js';

/** Run the CLI as a user does; never throws, returns code and output. */
async function demystify(...args: string[]) {
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { DEMYSTIFY_HOME: '/nonexistent' },
  });
  return { code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

test('run --headless --json, status, logs, replay, cleanup --purge (twice) on the fixture lesson', async (t) => {
  const dir = await tempWorkdir(t, 'dm-cli-');
  const workdir = join(dir, 'work');
  const lesson = await fixtureLesson(dir);
  const run = await demystify('run', lesson, '--headless', '--json', '--workdir', workdir);
  assert.equal(run.code, 0, run.stderr);
  const events = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; step?: string; outcome?: { kind: string } });
  assert.equal(events.at(-1)?.event, 'run-ended');
  const finished = events.filter((e) => e.event === 'step-finished');
  assert.equal(finished.length, 13);
  assert.deepEqual(
    finished.filter((e) => e.outcome?.kind !== 'ok').map((e) => `${e.step}:${e.outcome?.kind}`),
    ['wave:skipped'],
  );

  const status = await demystify('status', '--workdir', workdir, '--json');
  assert.equal(status.code, 0, status.stderr);
  const components = (
    JSON.parse(status.stdout) as { components: { name: string; ready: boolean; alive: boolean }[] }
  ).components;
  assert.deepEqual(
    components.map((c) => [c.name, c.alive, c.ready]),
    [
      ['etcd', true, true],
      ['containerd', true, true],
    ],
  );
  const text = await demystify('status', '--workdir', workdir);
  assert.match(text.stdout, /^etcd\s+yes\s+\d+\s+yes\s+/m);

  const logs = await demystify('logs', 'containerd', '--workdir', workdir, '-n', '5');
  assert.equal(logs.code, 0);
  assert.match(logs.stdout, /containerd successfully booted/);
  assert.ok(!logs.stdout.includes('\x1b'), 'escapes removed');

  const replay = await demystify('replay', 'etcd', '--workdir', workdir);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /^reset: machine back to a clean start$/m);
  assert.match(replay.stdout, /^certs\s+certs\s+\d+\.\d\ds\s+ok \(fast-forward\)$/m);
  assert.match(replay.stdout, /^etcd\s+missing\s+\d+\.\d\ds\s+ok$/m);
  assert.ok(!replay.stdout.includes('containerd'), 'later chapters do not run');

  const cleanup = await demystify('cleanup', '--workdir', workdir, '--purge');
  assert.equal(cleanup.code, 0, cleanup.stderr);
  assert.match(cleanup.stdout, /^ended \d+ processes and the tmux server of /);
  assert.equal(existsSync(join(workdir, 'state.json')), false);
  assert.equal(existsSync(join(workdir, 'etcd-data')), false);
  await assertNothingLeft(workdir);
  const again = await demystify('cleanup', '--workdir', workdir, '--purge');
  assert.deepEqual([again.code, again.stdout.trim()], [0, `nothing to clean up in ${workdir}`]);
});

test('a failed step: exit code 1, the step named, its session last log lines; --bin-dir first on PATH', async (t) => {
  const dir = await tempWorkdir(t, 'dm-cli-');
  const workdir = join(dir, 'work');
  const bin = join(dir, 'tools');
  await mkdir(bin);
  await writeFile(join(bin, 'greet'), '#!/bin/sh\necho "hello from tools"\n');
  await chmod(join(bin, 'greet'), 0o755);
  const lesson = join(dir, 'small.md');
  await writeFile(
    lesson,
    [
      '---',
      'id: small',
      'title: Small',
      'components:',
      '  web: { session: web, ready: "log:/never printed/" }',
      '---',
      '## One {#one}',
      '```bash { name=greet expect="output=/hello from tools/" }',
      'greet',
      '```',
      '```bash { name=self expect="output=/[0-9]+[.][0-9]+/" }',
      'demystify --version',
      '```',
      '```bash { name=web session=web timeout=1500ms }',
      'echo "starting web"; sleep 600',
      '```',
      '```bash { name=after }',
      'echo never',
      '```',
      '',
    ].join('\n'),
  );
  const run = await demystify('run', lesson, '--headless', '--workdir', workdir, '--bin-dir', bin);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^one\s+greet\s+\S+\s+ok$/m);
  assert.match(run.stdout, /^one\s+self\s+\S+\s+ok$/m);
  assert.match(run.stdout, /^one\s+web\s+\S+\s+timed out$/m);
  assert.ok(!run.stdout.includes('after'));
  assert.match(
    run.stderr,
    /step 'web' \(chapter one\) failed: timed out waiting for ready: log:\/never printed\//,
  );
  assert.match(run.stderr, /last lines of logs\/web\.log:\n(.*\n)*\s+starting web/);
  assert.equal((await demystify('cleanup', '--workdir', workdir)).code, 0);
  await assertNothingLeft(workdir);
});

test('user mistakes are usage errors without a stack', async () => {
  const unknown = await demystify('replay', 'nowhere', '--workdir', '/tmp/dm-no-such-workdir');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^demystify: nothing has run in \/tmp\/dm-no-such-workdir yet\n {2}hint: /);
  const typing = await demystify('run', 'x.md', '--typing', 'fast');
  assert.equal(typing.code, 2);
  assert.ok(!typing.stderr.includes('    at '), 'no stack trace');
});
