import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoInternalError,
  assertNothingRuns,
  cli,
  etcdLesson,
  faultDir,
  listening,
  processMatching,
  savedSteps,
  waitFor,
} from './faults-helpers.js';

/**
 * Issue 17, item 15: a component killed mid-run (`kill -9` etcd) is named as the likely cause of the next
 * step's failure, with how it ended and the tail of its own log, before the step's own failure.
 */

test('a component killed with kill -9 is named, with its signal and the tail of its log', async (t) => {
  const { dir, workdir } = await faultDir(t);
  const { file, port } = await etcdLesson(dir);
  const first = await cli(['run', file, '--headless', '--workdir', workdir, '--to', 'etcd']);
  assert.equal(first.code, 0, first.stderr);
  const etcd = await processMatching(workdir, /^etcd --name faults/);
  assert.ok(etcd, 'etcd runs');
  process.kill(etcd, 'SIGKILL');
  // status says how it ended, too.
  await waitFor('status to see etcd gone', async () =>
    /^etcd\s+yes\s+-\s+no\s+exited \(signal 9\)$/m.test((await cli(['status', '--workdir', workdir])).stdout),
  );

  const run = await cli(['run', file, '--headless', '--workdir', workdir, '--from', 'use']);
  assertNoInternalError(run);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^use\s+put\s+\S+\s+failed \(exit 1\)$/m);
  // First the cause, with etcd's own log (its last lines before it was killed), then the step.
  assert.match(
    run.stderr,
    /^demystify: component etcd exited \(signal 9\), which is likely why step 'put' failed\n {2}last lines of logs\/etcd\.log:\n(?: {4}.*\n)*? {4}.*(serving|ready to serve)/m,
  );
  assert.match(
    run.stderr,
    /^demystify: step 'put' \(chapter use\) failed: exited with status 1 \(expected exit=0\)$/m,
  );
  assert.ok(
    run.stderr.indexOf('component etcd exited') < run.stderr.indexOf("step 'put' (chapter use) failed"),
    'the cause comes first',
  );
  assert.deepEqual((await savedSteps(workdir)).slice(-1), ['put:failed:exited with status 1']);

  // --json carries it in the step's outcome.
  const again = await cli(['run', file, '--headless', '--workdir', workdir, '--to', 'etcd']);
  assert.equal(again.code, 0, again.stderr);
  process.kill((await processMatching(workdir, /^etcd --name faults/))!, 'SIGKILL');
  const json = await cli(['run', file, '--headless', '--workdir', workdir, '--from', 'use', '--json']);
  assert.equal(json.code, 1, json.stderr);
  type Event = {
    event: string;
    outcome?: { componentExits?: { name: string; how: string; logTail: string[] }[] };
  };
  const events = json.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Event);
  const exits = events.find((e) => e.event === 'step-finished')?.outcome?.componentExits ?? [];
  assert.deepEqual(
    exits.map((e) => [e.name, e.how]),
    [['etcd', 'exited (signal 9)']],
  );
  assert.ok((exits[0]?.logTail.length ?? 0) > 0);

  assert.equal((await cli(['cleanup', '--workdir', workdir])).code, 0);
  assert.equal(await listening(port), false);
  await assertNothingRuns(workdir);
});
