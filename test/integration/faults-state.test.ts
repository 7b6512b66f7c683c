import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertNoInternalError,
  assertNothingRuns,
  cli,
  etcdLesson,
  faultDir,
  listening,
  processMatching,
} from './faults-helpers.js';

/**
 * Issue 17, item 3: a damaged or missing state.json never strands the components. Every command that
 * needs it says what is wrong and names `cleanup`, which ends what the work directory started without it:
 * the tmux server on its socket, the processes carrying the marker (`.demystify/marker`), the daemons
 * working in it (a `setsid` one, and one started with `env -i`, which carries no marker at all).
 */

/** Start etcd and the two daemons; returns the lesson and etcd's port. */
async function started(dir: string, workdir: string): Promise<{ lesson: string; port: number }> {
  const { file, port } = await etcdLesson(dir);
  const run = await cli(['run', file, '--headless', '--workdir', workdir, '--to', 'etcd']);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(await listening(port), 'etcd listens');
  assert.ok(await processMatching(workdir, /^sleep 7771/), 'the setsid daemon runs');
  assert.ok(await processMatching(workdir, /^sleep 7772/), 'the env -i daemon runs');
  return { lesson: file, port };
}

/** etcd and both daemons are gone, and nothing else works in the work directory. */
async function allEnded(workdir: string, port: number): Promise<void> {
  assert.equal(await listening(port), false, 'etcd no longer listens');
  await assertNothingRuns(workdir);
}

for (const [what, damage, problem] of [
  ['truncated', (text: string) => text.slice(0, 100), /is not a demystify state file: it is not JSON/],
  ['garbage', () => '\u0000\u0001garbage', /is not a demystify state file: it is not JSON/],
  [
    '{"version":1}',
    () => '{"version":1}',
    /is not a demystify state file: lessonId is missing or not a string/,
  ],
] as const) {
  test(`a ${what} state.json: status and replay say so and name cleanup, which ends everything`, async (t) => {
    const { dir, workdir } = await faultDir(t);
    const { lesson, port } = await started(dir, workdir);
    const stateFile = join(workdir, 'state.json');
    await writeFile(stateFile, damage(await readFile(stateFile, 'utf8')));
    for (const args of [
      ['status', '--workdir', workdir],
      ['logs', 'etcd', '--workdir', workdir],
      ['replay', 'use', '--workdir', workdir],
      ['run', lesson, '--headless', '--workdir', workdir],
    ]) {
      const result = await cli(args);
      assertNoInternalError(result);
      assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
      assert.match(result.stderr, problem, args[0]);
      assert.match(
        result.stderr,
        new RegExp(`hint: demystify cleanup --workdir ${workdir} ends what`),
        args[0],
      );
    }
    assert.ok(await listening(port), 'nothing was ended by the commands that refused');

    const cleanup = await cli(['cleanup', '--workdir', workdir]);
    assertNoInternalError(cleanup);
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.match(cleanup.stdout, problem);
    assert.match(
      cleanup.stdout,
      /looked for what .* started by its marker file, its tmux socket and the daemons working in it/,
    );
    assert.match(cleanup.stdout, /^moved the damaged state file to .*state\.json\.damaged$/m);
    assert.match(cleanup.stdout, /^ended \d+ processes and the tmux server of /m);
    await allEnded(workdir, port);
    assert.ok(existsSync(`${stateFile}.damaged`), 'kept for a look');
    // The next run starts afresh.
    const next = await cli(['run', lesson, '--headless', '--workdir', workdir]);
    assert.equal(next.code, 0, next.stderr);
    const purge = await cli(['cleanup', '--workdir', workdir, '--purge']);
    assert.equal(purge.code, 0, purge.stderr);
    await allEnded(workdir, port);
  });
}

test('a damaged state.json: cleanup --purge does not refuse, and ends everything', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const { port } = await started(dir, workdir);
  await writeFile(join(workdir, 'state.json'), '{"version":1,"lessonId":');
  const purge = await cli(['cleanup', '--workdir', workdir, '--purge']);
  assertNoInternalError(purge);
  assert.equal(purge.code, 0, purge.stderr);
  assert.match(purge.stdout, /^removed the generated state of .*reset paths are unknown\)$/m);
  await allEnded(workdir, port);
  for (const name of ['state.json', 'logs', '.demystify', 'tmux.sock'])
    assert.equal(existsSync(join(workdir, name)), false, `${name} removed`);
  const again = await cli(['cleanup', '--workdir', workdir, '--purge']);
  assert.deepEqual([again.code, again.stdout.trim()], [0, `nothing to clean up in ${workdir}`]);
});

test('a deleted state.json: status says the server still runs, cleanup ends everything, the next run works', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const { lesson, port } = await started(dir, workdir);
  await rm(join(workdir, 'state.json'));
  const status = await cli(['status', '--workdir', workdir]);
  assertNoInternalError(status);
  assert.equal(status.code, 1);
  assert.match(status.stderr, /state\.json is missing, but the lesson's tmux server \(pid \d+\) still runs/);
  assert.match(status.stderr, new RegExp(`hint: demystify cleanup --workdir ${workdir} ends it`));

  const cleanup = await cli(['cleanup', '--workdir', workdir]);
  assertNoInternalError(cleanup);
  assert.equal(cleanup.code, 0, cleanup.stderr);
  assert.match(cleanup.stdout, /^state\.json is missing: looked for what /m);
  assert.match(cleanup.stdout, /^ended \d+ processes and the tmux server of /m);
  await allEnded(workdir, port);

  const next = await cli(['run', lesson, '--headless', '--workdir', workdir]);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stdout, /^use\s+put\s+\S+\s+ok$/m);
  // Deleted again while it all runs: the next run itself ends the old machine (its reset), then works.
  await rm(join(workdir, 'state.json'));
  const over = await cli(['run', lesson, '--headless', '--workdir', workdir]);
  assert.equal(over.code, 0, over.stderr);
  assert.equal((await cli(['cleanup', '--workdir', workdir])).code, 0);
  await allEnded(workdir, port);
});
