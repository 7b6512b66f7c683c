import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadLesson } from '../../src/adapters/lessons/lesson-files.js';
import { openLessonEngine } from '../../src/adapters/runtime/lesson-engine.js';
import { componentStatuses } from '../../src/adapters/runtime/component-status.js';
import { processInfo } from '../../src/adapters/processes/process-tree.js';
import { readState } from '../../src/adapters/workdir/state-store.js';
import { assertNothingLeft, fixtureLesson, tempWorkdir } from './engine-helpers.js';

/** etcdctl against the fixture's etcd, with its certificates. */
function etcdctl(workdir: string, port: string, ...args: string[]) {
  return execa(
    'etcdctl',
    [
      `--endpoints=https://127.0.0.1:${port}`,
      '--cacert=certs/ca.pem',
      '--cert=certs/admin.pem',
      '--key=certs/admin-key.pem',
      ...args,
    ],
    {
      cwd: workdir,
      env: { ETCDCTL_API: '3' },
      reject: false,
    },
  );
}

async function open(lessonFile: string, workdir: string) {
  const lesson = await loadLesson(lessonFile);
  return { lesson, ...(await openLessonEngine(lesson, { workdir, typing: 'instant' })) };
}

test('the fixture lesson runs for real: etcd with TLS, shell state, an expected failure, checks, log probe, containerd; replay of a middle chapter; cleanup', async (t) => {
  const dir = await tempWorkdir(t, 'dm-fixture-');
  const workdir = join(dir, 'work');
  const file = await fixtureLesson(dir);
  const { lesson, engine, runtime, plan } = await open(file, workdir);
  const port = lesson.vars.etcdPort!;
  engine.dispatch({ type: 'run', headless: true });
  assert.deepEqual(await engine.whenIdle(), { kind: 'ok' });
  await engine.flush();
  const byName = (name: string) => engine.getState().steps[plan.steps.findIndex((s) => s.name === name)];
  assert.equal(byName('wave')?.outcome?.kind, 'skipped', 'interactive steps are skipped headless');
  assert.deepEqual(
    ['certs', 'enter', 'carry-over', 'etcd', 'health', 'put', 'containerd', 'ctr-version', 'greeting'].map(
      (n) => byName(n)?.status,
    ),
    Array(9).fill('ok'),
  );
  const missing = byName('missing')?.outcome;
  assert.equal(
    missing?.kind === 'ok' && missing.exitStatus,
    1,
    'the step meant to fail failed, which is a success',
  );
  // state.json: progress, processes, components with the time they got ready.
  const state = await readState(join(workdir, 'state.json'));
  assert.equal(
    state?.progress?.steps.every((s) => s.status === 'ok' || s.status === 'skipped'),
    true,
  );
  assert.ok(state?.processes.some((p) => p.role === 'tmux-server'));
  const etcd = state?.components.etcd;
  assert.ok(
    etcd?.readyAt && etcd.process && (await processInfo(etcd.process.pid)),
    'etcd recorded and alive',
  );
  assert.deepEqual(
    etcd?.ready.map((p) => p.kind),
    ['http', 'log'],
  );
  // status: both components present, alive, ready.
  const status = await componentStatuses(runtime);
  assert.deepEqual(
    status.map((c) => [c.name, c.session_present, c.alive, c.ready]),
    [
      ['etcd', true, true, true],
      ['containerd', true, true, true],
    ],
  );
  assert.ok(existsSync(join(workdir, 'containerd', 'containerd.sock')));
  assert.match(await readFile(join(workdir, 'logs', 'etcd.log'), 'utf8'), /serving client traffic securely/);

  // A key that only this run wrote: gone after the replay, since etcd-data is a reset path.
  assert.equal((await etcdctl(workdir, port, 'put', 'only-before-replay', 'x')).exitCode, 0);
  const containerdPid = state!.components.containerd!.process!.pid;

  // Replay chapter 2 (etcd) from another engine, as `demystify replay` does.
  const replay = await open(file, workdir);
  const fast: boolean[] = [];
  replay.engine.subscribe((s, e) => {
    if (e.type === 'step-finished') fast.push(s.steps[e.step]?.fast === true);
  });
  replay.engine.dispatch({ type: 'replay-chapter', chapter: 1, headless: true });
  assert.deepEqual(await replay.engine.whenIdle(), { kind: 'ok' });
  await replay.engine.flush();
  const after = replay.engine.getState();
  const etcdChapter = plan.chapters[1]!.steps;
  assert.ok(etcdChapter.every((i) => after.steps[i]?.status === 'ok' && !after.steps[i]?.fast));
  assert.ok(
    plan.chapters[0]!.steps.every((i) => after.steps[i]?.fast === true),
    'chapter 1 was fast-forwarded',
  );
  assert.ok(
    [...plan.chapters[2]!.steps, ...plan.chapters[3]!.steps].every(
      (i) => after.steps[i]?.status === 'pending',
    ),
  );
  assert.ok(fast.includes(true) && fast.includes(false));
  assert.equal(await processInfo(containerdPid), undefined, 'containerd (a later chapter) was stopped');
  assert.equal(await runtime.tmux.hasSession('containerd'), false);
  assert.equal((await etcdctl(workdir, port, 'get', 'only-before-replay', '--print-value-only')).stdout, '');
  assert.equal(
    (await etcdctl(workdir, port, 'get', 'greeting', '--print-value-only')).stdout,
    'hello from etcd',
  );

  const { ended } = await runtime.cleanup();
  assert.ok(ended.length > 0);
  await assertNothingLeft(workdir);
  assert.deepEqual((await runtime.cleanup()).ended, [], 'safe to run twice');
});

test('run --from a later chapter on a fresh machine fast-forwards the earlier ones (their checks skipped)', async (t) => {
  const dir = await tempWorkdir(t, 'dm-fixture-');
  const workdir = join(dir, 'work');
  const { engine, runtime, plan } = await open(await fixtureLesson(dir), workdir);
  engine.dispatch({ type: 'run', from: 2, to: 2, headless: true });
  assert.deepEqual(await engine.whenIdle(), { kind: 'ok' });
  const state = engine.getState();
  const health = plan.steps.findIndex((s) => s.name === 'health');
  assert.equal(
    state.steps[health]?.outcome?.kind === 'skipped' && state.steps[health]?.outcome?.reason,
    'check (fast-forward)',
  );
  assert.ok(plan.chapters[2]!.steps.every((i) => state.steps[i]?.status === 'ok' && !state.steps[i]?.fast));
  assert.ok(
    plan.chapters[3]!.steps.every((i) => state.steps[i]?.status === 'pending'),
    '--to stops after the chapter',
  );
  await engine.flush();
  await runtime.cleanup({ purge: true });
  assert.equal(existsSync(join(workdir, 'state.json')), false);
  assert.equal(existsSync(join(workdir, 'etcd-data')), false);
  await assertNothingLeft(workdir);
});

test('a component that exits before it is ready fails the run with its exit status and last log lines', async (t) => {
  const dir = await tempWorkdir(t, 'dm-fixture-');
  const workdir = join(dir, 'work');
  const file = await fixtureLesson(dir, (text) =>
    text.replace('etcd --name fixture', 'etcd --no-such-flag --name fixture'),
  );
  const { engine, runtime, plan } = await open(file, workdir);
  engine.dispatch({ type: 'run', headless: true });
  const result = await engine.whenIdle();
  const etcdStep = plan.steps.findIndex((s) => s.name === 'etcd');
  assert.deepEqual(result, { kind: 'step-failed', step: etcdStep });
  const outcome = engine.getState().steps[etcdStep]?.outcome;
  assert.equal(outcome?.kind, 'failed');
  if (outcome?.kind !== 'failed') return;
  assert.equal(outcome.expectation, 'ready');
  assert.match(outcome.reason, /^etcd exited with status \d+ before it was ready$/);
  assert.ok(
    outcome.logTail.some((l) => l.includes('no-such-flag')),
    outcome.logTail.join('\n'),
  );
  assert.ok(outcome.durationMs < 10_000, 'no waiting for the timeout');
  await engine.flush();
  await runtime.cleanup();
  await assertNothingLeft(workdir);
});
