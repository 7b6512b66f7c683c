import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/engine.js';
import type { CommandResult } from '../../src/engine/outcome.js';
import type { EnginePorts, ProbeResult, TypedCommand } from '../../src/engine/ports.js';
import { executeStep, StepInterruption } from '../../src/engine/step-exec.js';
import type { Probe } from '../../src/lesson/model.js';
import { handPlan, plannedStep } from './engine-fakes.js';

const tcp: Probe = { kind: 'tcp', host: '127.0.0.1', port: 1, raw: 'tcp:127.0.0.1:1' };

/**
 * A virtual clock: `sleep` registers a timer; whenever the program is otherwise idle (after the
 * microtasks, at setImmediate), time jumps to the earliest timer. Aborted sleeps are dropped.
 */
function virtualClock() {
  const clock = { now: 1000 };
  const timers: { at: number; resolve: () => void }[] = [];
  let scheduled = false;
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) return;
      clock.now = Math.max(clock.now, next.at);
      next.resolve();
      schedule();
    });
  };
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = { at: clock.now + ms, resolve };
      timers.push(timer);
      signal?.addEventListener('abort', () => {
        timers.splice(timers.indexOf(timer), 1);
        reject(new Error('aborted'));
      });
      schedule();
    });
  return { clock, sleep };
}

/**
 * Fake ports on a virtual clock. A command's fate is scripted: `result` (it ends, at `endsAt` if given)
 * or nothing (a component that keeps running); `readyAfter` is when probes start to pass.
 */
function fakePorts(script: {
  result?: CommandResult;
  endsAt?: number;
  readyAfter?: number;
  probe?: (p: Probe) => ProbeResult;
}) {
  const { clock, sleep } = virtualClock();
  const typed: string[] = [];
  const probes: number[] = [];
  let interrupted = 0;
  const ready: string[] = [];
  const ports: EnginePorts = {
    typing: 'instant',
    now: () => clock.now,
    sleep,
    terminal: {
      async type(session, command): Promise<TypedCommand> {
        typed.push(`${session}: ${command}`);
        const started = Promise.resolve({ logOffset: 42 });
        let ended: Promise<CommandResult>;
        if (!script.result) ended = new Promise(() => undefined);
        else if (script.endsAt === undefined) ended = Promise.resolve(script.result);
        else ended = sleep(script.endsAt - clock.now).then(() => script.result!);
        return { started, ended };
      },
      interrupt: async () => void interrupted++,
      logTail: async () => ['last line'],
    },
    prober: {
      async probe(probe, context) {
        assert.equal(context.logOffset, 42);
        probes.push(clock.now);
        if (script.probe) return script.probe(probe);
        const ok = script.readyAfter !== undefined && clock.now >= script.readyAfter;
        return { ok, detail: ok ? 'connected' : 'ECONNREFUSED' };
      },
    },
    reset: async () => undefined,
    persist: async () => undefined,
    componentReady: async (step) => void ready.push(step.name),
  };
  return { ports, typed, probes, ready, interrupted: () => interrupted };
}

test('a shell step succeeds when its command ends as expected; its output is judged', async () => {
  const f = fakePorts({ result: { exitStatus: 0, output: 'is healthy' } });
  const step = plannedStep(0, {
    command: 'etcdctl endpoint health',
    expect: { output: { pattern: 'healthy', flags: '' } },
  });
  assert.deepEqual(await executeStep(step, { fast: false }, f.ports), {
    kind: 'ok',
    durationMs: 0,
    exitStatus: 0,
  });
  assert.deepEqual(f.typed, ['shell: etcdctl endpoint health']);
});

test('a failing shell step is data: exit status, the failed expectation, the log tail', async () => {
  const f = fakePorts({ result: { exitStatus: 1, output: '' } });
  const outcome = await executeStep(plannedStep(0), { fast: false }, f.ports);
  assert.deepEqual(outcome, {
    kind: 'failed',
    durationMs: 0,
    exitStatus: 1,
    expectation: 'exit=0',
    reason: 'exited with status 1',
    logTail: ['last line'],
  });
  const expected = await executeStep(plannedStep(0, { expect: { fail: true } }), { fast: false }, f.ports);
  assert.equal(expected.kind, 'ok');
});

test('a shell command that never ends times out, and is interrupted', async () => {
  const f = fakePorts({});
  const outcome = await executeStep(plannedStep(0, { timeoutMs: 500 }), { fast: false }, f.ports);
  assert.equal(outcome.kind, 'timed-out');
  assert.equal(outcome.kind === 'timed-out' && outcome.waitingFor, 'the command to end');
  assert.equal(f.interrupted(), 1);
});

test('a component is ready when its probes pass; polling starts fast and backs off', async () => {
  const f = fakePorts({ readyAfter: 1400 });
  const step = plannedStep(0, { session: 'etcd', component: 'etcd', ready: [tcp] });
  const outcome = await executeStep(step, { fast: false }, f.ports);
  assert.equal(outcome.kind, 'ok');
  assert.deepEqual(f.ready, ['step-0']);
  const gaps = f.probes.slice(1).map((t, i) => t - f.probes[i]!);
  assert.equal(gaps[0], 10);
  assert.ok(
    gaps.every((g, i) => i === 0 || g >= gaps[i - 1]!),
    `gaps grow: ${gaps.join(' ')}`,
  );
  assert.ok(f.probes.at(-1)! - 1400 <= 50, 'seen ready within one capped delay');
});

test('a component that exits before it is ready fails with its status; a probe that never passes times out', async () => {
  const crash = fakePorts({ result: { exitStatus: 2, output: '' }, endsAt: 1100 });
  const step = plannedStep(0, { session: 'etcd', component: 'etcd', ready: [tcp], timeoutMs: 5000 });
  const outcome = await executeStep(step, { fast: false }, crash.ports);
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.kind === 'failed' && outcome.reason, 'etcd exited with status 2 before it was ready');
  const slow = fakePorts({});
  const late = await executeStep({ ...step, timeoutMs: 800 }, { fast: false }, slow.ports);
  assert.equal(late.kind, 'timed-out');
  assert.match(
    late.kind === 'timed-out' ? late.waitingFor : '',
    /^ready: tcp:127.0.0.1:1 \(last: ECONNREFUSED\)$/,
  );
  assert.ok(slow.probes.at(-1)! <= 1000 + 800);
});

test('every probe must pass, in turn', async () => {
  const log: Probe = { kind: 'log', pattern: 'ready', flags: '', raw: 'log:/ready/' };
  let logTries = 0;
  const f = fakePorts({
    probe: (p) =>
      p.kind === 'tcp' ? { ok: true, detail: 'connected' } : { ok: ++logTries > 3, detail: 'x' },
  });
  const outcome = await executeStep(
    plannedStep(0, { component: 'etcd', session: 'etcd', ready: [tcp, log] }),
    { fast: false },
    f.ports,
  );
  assert.equal(outcome.kind, 'ok');
  assert.equal(logTries, 4);
});

test('the loop: a headless run through fake ports persists progress and resolves whenIdle with the result', async () => {
  const f = fakePorts({ result: { exitStatus: 0, output: '' } });
  const saved: unknown[] = [];
  f.ports.persist = async (p) => void saved.push(p);
  const plan = handPlan([2, 1], { 1: { interactive: true } });
  const engine = createEngine(plan, f.ports);
  const seen: string[] = [];
  engine.subscribe((_, e) => seen.push(e.type));
  engine.dispatch({ type: 'run', headless: true });
  assert.deepEqual(await engine.whenIdle(), { kind: 'ok' });
  await engine.flush();
  assert.deepEqual(f.typed, ['shell: echo 0', 'shell: echo 2']);
  assert.deepEqual(
    engine.getState().steps.map((s) => s.status),
    ['ok', 'skipped', 'ok'],
  );
  assert.ok(saved.length >= 2);
  assert.ok(seen.includes('reset-finished') && seen.includes('step-started'));
});

test('the loop turns a terminal error into a failed step, not an exception', async () => {
  const f = fakePorts({});
  f.ports.terminal.type = async () => {
    throw new Error("session 'shell' is still running a command");
  };
  const engine = createEngine(handPlan([1]), f.ports);
  engine.dispatch({ type: 'run' });
  assert.deepEqual(await engine.whenIdle(), { kind: 'step-failed', step: 0 });
  const outcome = engine.getState().steps[0]?.outcome;
  assert.equal(outcome?.kind === 'failed' && outcome.reason, "session 'shell' is still running a command");
});

test('a step whose output match cannot finish fails at its timeout, with the reason', async () => {
  const f = fakePorts({ result: { exitStatus: 0, output: `${'a'.repeat(40)}b` } });
  const step = plannedStep(0, {
    command: 'printf aaaa',
    timeoutMs: 1500,
    expect: { output: { pattern: '^(a+)+$', flags: '' } },
  });
  const start = Date.now();
  const outcome = await executeStep(step, { fast: false }, f.ports);
  assert.ok(Date.now() - start < 5000);
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.kind === 'failed' && outcome.expectation, 'output=/^(a+)+$/');
  assert.match(outcome.kind === 'failed' ? outcome.reason : '', /did not finish in 1\.\d s/);
  assert.deepEqual(outcome.kind === 'failed' && outcome.logTail, ['last line']);
});

test('an interrupted shell step gets Ctrl-C and is saved as interrupted, with its status once it ended', async () => {
  const f = fakePorts({ result: { exitStatus: 130, output: '' }, endsAt: 1000 + 60_000 });
  let interrupt: () => void = () => undefined;
  f.ports.terminal.interrupt = async () => void interrupt();
  const interruption = new StepInterruption();
  // The command ends as soon as it gets Ctrl-C.
  const ended = new Promise<CommandResult>(
    (resolve) => (interrupt = () => resolve({ exitStatus: 130, output: '' })),
  );
  f.ports.terminal.type = async () => ({ started: Promise.resolve({ logOffset: 42 }), ended });
  const running = executeStep(plannedStep(0, { timeoutMs: 120_000 }), { fast: false, interruption }, f.ports);
  setImmediate(() => interruption.interrupt('soft'));
  const outcome = await running;
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.kind === 'failed' && outcome.expectation, 'interrupt');
  assert.equal(outcome.kind === 'failed' && outcome.exitStatus, 130);
  assert.ok(outcome.durationMs < 10_000);
});

test('a hard interruption does not wait for a command that ignores Ctrl-C; a component step is interrupted too', async () => {
  const f = fakePorts({});
  const interruption = new StepInterruption();
  const running = executeStep(plannedStep(0, { timeoutMs: 120_000 }), { fast: false, interruption }, f.ports);
  setImmediate(() => interruption.interrupt('hard'));
  const outcome = await running;
  assert.equal(outcome.kind === 'failed' && outcome.reason, 'interrupted');
  assert.equal(f.interrupted(), 1);
  const g = fakePorts({});
  const component = new StepInterruption();
  const waiting = executeStep(
    plannedStep(0, { session: 'etcd', component: 'etcd', ready: [tcp], timeoutMs: 60_000 }),
    { fast: false, interruption: component },
    g.ports,
  );
  setTimeout(() => component.interrupt('hard'), 5);
  assert.equal(((await waiting) as { reason?: string }).reason, 'interrupted');
  assert.equal(g.interrupted(), 1);
});

test('a failed step names the components that exited since they were ready', async () => {
  const f = fakePorts({ result: { exitStatus: 1, output: '' } });
  f.ports.componentExits = async () => [
    { name: 'etcd', session: 'etcd', how: 'exited (signal 9)', logTail: ['Killed'] },
  ];
  const outcome = await executeStep(plannedStep(0), { fast: false }, f.ports);
  assert.deepEqual(outcome.kind === 'failed' && outcome.componentExits, [
    { name: 'etcd', session: 'etcd', how: 'exited (signal 9)', logTail: ['Killed'] },
  ]);
  const good = fakePorts({ result: { exitStatus: 0, output: '' } });
  good.ports.componentExits = f.ports.componentExits;
  assert.deepEqual(await executeStep(plannedStep(0), { fast: false }, good.ports), {
    kind: 'ok',
    durationMs: 0,
    exitStatus: 0,
  });
});

test('the loop: a failed write of state.json stops the run and says why', async () => {
  const f = fakePorts({ result: { exitStatus: 0, output: '' } });
  f.ports.persist = async () => {
    throw new Error('EISDIR');
  };
  const engine = createEngine(handPlan([3]), f.ports);
  engine.dispatch({ type: 'run' });
  const result = await engine.whenIdle();
  assert.equal(result?.kind, 'stopped');
  assert.match(
    result?.kind === 'stopped' ? (result.error ?? '') : '',
    /progress could not be saved, so the run stopped: EISDIR/,
  );
  assert.ok(f.typed.length < 3, 'the run stopped before its end');
});
