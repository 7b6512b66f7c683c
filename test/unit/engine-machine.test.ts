import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  initialState,
  savedProgress,
  update,
  type EngineEffect,
  type EngineEvent,
  type EngineState,
} from '../../src/engine/machine.js';
import type { StepOutcome } from '../../src/engine/outcome.js';
import { handPlan } from './engine-fakes.js';

const ok: StepOutcome = { kind: 'ok', durationMs: 5, exitStatus: 0 };
const bad: StepOutcome = {
  kind: 'failed',
  durationMs: 5,
  exitStatus: 1,
  expectation: 'exit=0',
  reason: 'exited with status 1',
  logTail: [],
};

/** Apply events in turn; collect every effect. */
function play(state: EngineState, events: EngineEvent[]): { state: EngineState; effects: EngineEffect[] } {
  const effects: EngineEffect[] = [];
  for (const event of events) {
    const t = update(state, event);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

/** Drive a run to its end as a perfect loop would: every run-step gets `outcomes(step)`, every reset succeeds. */
function drive(state: EngineState, first: EngineEvent, outcome: (step: number) => StepOutcome = () => ok) {
  const effects: EngineEffect[] = [];
  const ran: { step: number; fast: boolean }[] = [];
  let pending: EngineEffect[] = [];
  let t = update(state, first);
  for (let guard = 0; guard < 1000; guard++) {
    state = t.state;
    effects.push(...t.effects);
    pending = t.effects.filter((e) => e.type === 'run-step' || e.type === 'reset');
    const next = pending[0];
    if (!next) break;
    if (next.type === 'reset') t = update(state, { type: 'reset-finished' });
    else if (next.type === 'run-step') {
      ran.push({ step: next.step, fast: next.fast });
      t = update(state, { type: 'step-finished', step: next.step, outcome: outcome(next.step) });
    }
  }
  return { state, effects, ran };
}

test('a fresh run resets first, then runs every step in order and ends ok', () => {
  const plan = handPlan([2, 1]);
  const { state, effects, ran } = drive(initialState(plan), { type: 'run' });
  assert.equal(effects[0]?.type, 'reset');
  assert.deepEqual(ran, [
    { step: 0, fast: false },
    { step: 1, fast: false },
    { step: 2, fast: false },
  ]);
  assert.deepEqual(state.lastRun, { kind: 'ok' });
  assert.equal(state.run, null);
  assert.equal(state.cursor, 3);
  assert.ok(effects.some((e) => e.type === 'run-ended' && e.result.kind === 'ok'));
  assert.ok(state.steps.every((s) => s.status === 'ok'));
});

test('the run stops at the first failed step and names it', () => {
  const plan = handPlan([3]);
  const { state, ran } = drive(initialState(plan), { type: 'run' }, (s) => (s === 1 ? bad : ok));
  assert.deepEqual(
    ran.map((r) => r.step),
    [0, 1],
  );
  assert.deepEqual(state.lastRun, { kind: 'step-failed', step: 1 });
  assert.equal(state.steps[2]?.status, 'pending');
  assert.equal(state.cursor, 1, 'the cursor stays on the failed step');
});

test('headless runs skip interactive steps; fast-forward skips checks; checks run otherwise', () => {
  const plan = handPlan([3, 2], { 1: { interactive: true }, 2: { check: true }, 4: { check: true } });
  const { state, ran } = drive(initialState(plan), { type: 'run', from: 1, headless: true });
  assert.deepEqual(ran, [
    { step: 0, fast: true },
    { step: 3, fast: false },
    { step: 4, fast: false },
  ]);
  assert.equal(state.steps[1]?.outcome?.kind, 'skipped');
  assert.equal(state.steps[2]?.outcome?.kind, 'skipped');
  assert.equal(state.steps[4]?.status, 'ok');
});

test('a run --from continues without reset when the earlier chapters are done and nothing later ran', () => {
  const plan = handPlan([2, 2]);
  const first = drive(initialState(plan), { type: 'run', to: 0 });
  assert.deepEqual(
    first.ran.map((r) => r.step),
    [0, 1],
  );
  const second = drive(first.state, { type: 'run', from: 1 });
  assert.ok(!second.effects.some((e) => e.type === 'reset'));
  assert.deepEqual(second.ran, [
    { step: 2, fast: false },
    { step: 3, fast: false },
  ]);
  // Running everything again starts over from a reset.
  const third = drive(second.state, { type: 'run' });
  assert.equal(third.effects[0]?.type, 'reset');
  assert.equal(third.ran.length, 4);
});

test('replay-chapter resets, fast-forwards earlier chapters and runs the chapter, not later ones', () => {
  const plan = handPlan([1, 2, 1]);
  const done = drive(initialState(plan), { type: 'run' }).state;
  const { state, effects, ran } = drive(done, { type: 'replay-chapter', chapter: 1 });
  assert.equal(effects[0]?.type, 'reset');
  assert.deepEqual(ran, [
    { step: 0, fast: true },
    { step: 1, fast: false },
    { step: 2, fast: false },
  ]);
  assert.equal(state.steps[3]?.status, 'pending');
  assert.equal(state.cursor, 3);
  const parked = drive(done, { type: 'replay-chapter', chapter: 2, run: false });
  assert.deepEqual(
    parked.ran.map((r) => r.step),
    [0, 1, 2],
  );
  assert.equal(parked.state.cursor, 3);
  assert.equal(parked.state.steps[3]?.status, 'pending');
});

test('a failed reset ends the run with its error', () => {
  const plan = handPlan([1]);
  const { state, effects } = play(initialState(plan), [
    { type: 'run' },
    { type: 'reset-finished', error: 'boom' },
  ]);
  assert.deepEqual(state.lastRun, { kind: 'reset-failed', error: 'boom' });
  assert.ok(effects.some((e) => e.type === 'run-ended'));
});

test('events that come at the wrong time change nothing', () => {
  const plan = handPlan([2]);
  const running = update(initialState(plan), { type: 'run' }).state;
  for (const event of [
    { type: 'run' },
    { type: 'run-step' },
    { type: 'replay-chapter', chapter: 0 },
    { type: 'jump-to-chapter', chapter: 9 },
  ] as EngineEvent[]) {
    const t = update(running, event);
    assert.equal(t.state, running, event.type);
    assert.deepEqual(t.effects, []);
  }
});

test('stop lets the current step end and starts no other', () => {
  const plan = handPlan([3]);
  let state = play(initialState(plan), [{ type: 'run' }, { type: 'reset-finished' }]).state;
  assert.deepEqual(state.activity, { kind: 'step', step: 0 });
  state = update(state, { type: 'stop' }).state;
  const t = update(state, { type: 'step-finished', step: 0, outcome: ok });
  assert.ok(!t.effects.some((e) => e.type === 'run-step'));
  assert.deepEqual(t.state.lastRun, { kind: 'stopped' });
});

test('presenter navigation: next, previous, jump-to-chapter (empty chapters too), run-step', () => {
  const plan = handPlan([2, 0, 2]);
  let state = initialState(plan);
  state = play(state, [{ type: 'next' }, { type: 'next' }, { type: 'next' }]).state;
  assert.equal(state.cursor, 3);
  assert.equal(state.chapter, 2);
  state = play(state, [
    { type: 'previous' },
    { type: 'previous' },
    { type: 'previous' },
    { type: 'previous' },
  ]).state;
  assert.equal(state.cursor, 0);
  state = update(state, { type: 'jump-to-chapter', chapter: 1 }).state;
  assert.equal(state.chapter, 1);
  assert.equal(state.cursor, 2);
  const t = update(state, { type: 'run-step' });
  assert.deepEqual(t.effects, [{ type: 'run-step', step: 2, fast: false }]);
  const after = update(t.state, { type: 'step-finished', step: 2, outcome: ok }).state;
  assert.equal(after.cursor, 3);
  assert.equal(after.run, null);
  // run-step does not skip an interactive step: the presenter asked for it.
  const interactive = handPlan([1], { 0: { interactive: true } });
  assert.deepEqual(update(initialState(interactive), { type: 'run-step' }).effects, [
    { type: 'run-step', step: 0, fast: false },
  ]);
});

test('progress survives a round trip through state.json; a step that was running counts as not run', () => {
  const plan = handPlan([2, 1]);
  const { state } = drive(initialState(plan), { type: 'run', to: 0 });
  const saved = JSON.parse(JSON.stringify(savedProgress(state)));
  saved.steps[1].status = 'running';
  const restored = initialState(plan, saved);
  assert.equal(restored.steps[0]?.status, 'ok');
  assert.equal(restored.steps[1]?.status, 'pending');
  assert.equal(restored.cursor, state.cursor);
});

test('property: whatever the outcomes, one step at a time, in order, and every run ends', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.constantFrom<StepOutcome['kind']>('ok', 'ok', 'ok', 'failed', 'timed-out'), {
        minLength: 12,
        maxLength: 12,
      }),
      fc.nat(4),
      (sizes, kinds, from) => {
        const plan = handPlan(sizes);
        if (plan.steps.length === 0) return;
        const chapter = Math.min(from, sizes.length - 1);
        const outcome = (s: number): StepOutcome => {
          const kind = kinds[s % kinds.length] ?? 'ok';
          if (kind === 'ok') return ok;
          if (kind === 'failed') return bad;
          return { kind: 'timed-out', durationMs: 1, waitingFor: 'x', logTail: [] };
        };
        const { state, effects, ran } = drive(initialState(plan), { type: 'run', from: chapter }, outcome);
        assert.equal(state.run, null);
        assert.deepEqual(state.activity, { kind: 'idle' });
        assert.equal(effects.filter((e) => e.type === 'run-ended').length, 1);
        const order = ran.map((r) => r.step);
        assert.deepEqual(
          order,
          [...order].sort((a, b) => a - b),
        );
        const failed = ran.find((r) => outcome(r.step).kind !== 'ok');
        if (failed) assert.deepEqual(state.lastRun, { kind: 'step-failed', step: failed.step });
        else assert.deepEqual(state.lastRun, { kind: 'ok' });
      },
    ),
  );
});

test('stop with an interrupt asks the loop to interrupt the running step; the run ends stopped there', () => {
  const plan = handPlan([3]);
  let state = play(initialState(plan), [{ type: 'run' }, { type: 'reset-finished' }]).state;
  const t = update(state, { type: 'stop', interrupt: 'soft' });
  assert.deepEqual(t.effects, [{ type: 'interrupt-step', step: 0, interrupt: 'soft' }]);
  assert.equal(t.state.run?.stopped, true);
  state = update(t.state, { type: 'stop', interrupt: 'hard' }).state;
  const interrupted: StepOutcome = { ...bad, expectation: 'interrupt', reason: 'interrupted' };
  const end = update(state, { type: 'step-finished', step: 0, outcome: interrupted });
  assert.ok(!end.effects.some((e) => e.type === 'run-step'));
  assert.deepEqual(end.state.lastRun, { kind: 'step-failed', step: 0, stopped: true });
  assert.ok(end.effects.some((e) => e.type === 'persist'));
  // Between steps (a reset), an interrupt has no step to interrupt: the run stops after it.
  const resetting = update(initialState(plan), { type: 'run' }).state;
  const stop = update(resetting, { type: 'stop', interrupt: 'soft' });
  assert.deepEqual(stop.effects, []);
  assert.deepEqual(update(stop.state, { type: 'reset-finished' }).state.lastRun, {
    kind: 'stopped',
  });
});

test('a failed write of state.json stops the run with its reason and is remembered', () => {
  const plan = handPlan([3]);
  let state = play(initialState(plan), [{ type: 'run' }, { type: 'reset-finished' }]).state;
  state = update(state, { type: 'persist-failed', error: 'disk full' }).state;
  assert.equal(state.persistError, 'disk full');
  const t = update(state, { type: 'step-finished', step: 0, outcome: ok });
  assert.ok(!t.effects.some((e) => e.type === 'run-step'));
  assert.deepEqual(t.state.lastRun, {
    kind: 'stopped',
    error: 'progress could not be saved, so the run stopped: disk full',
  });
  // Failing again once the run is over changes nothing but the note, and asks for no write.
  const after = update(t.state, { type: 'persist-failed', error: 'disk still full' });
  assert.deepEqual(after.effects, []);
  assert.equal(after.state.persistError, 'disk still full');
});

test('a failed step keeps the cursor: the presenter runs it again, not the next one', () => {
  const plan = handPlan([3]);
  const { state } = drive(initialState(plan), { type: 'run' }, (s) => (s === 1 ? bad : ok));
  assert.equal(state.cursor, 1);
  const t = update(state, { type: 'run-step' });
  assert.deepEqual(t.effects, [{ type: 'run-step', step: 1, fast: false }]);
});

test('run-step runs a given step, or a range of steps, without a reset', () => {
  const plan = handPlan([3, 2]);
  const done = drive(initialState(plan), { type: 'run', to: 0 }).state;
  // The cursor is past the chapter; step 0 is run again on purpose.
  const again = drive(done, { type: 'run-step', step: 0 });
  assert.deepEqual(again.ran, [{ step: 0, fast: false }]);
  assert.equal(again.state.cursor, 1, 'the cursor goes past the step that ran');
  assert.ok(!again.effects.some((e) => e.type === 'reset'));
  // The rest of a chapter: from the cursor to its last step, one after the other.
  const fresh = update(initialState(plan), { type: 'next' }).state;
  const rest = drive(fresh, { type: 'run-step', to: 2 });
  assert.deepEqual(
    rest.ran.map((r) => r.step),
    [1, 2],
  );
  assert.ok(!rest.effects.some((e) => e.type === 'reset'));
  assert.deepEqual(update(fresh, { type: 'run-step', step: 9 }).effects, [], 'no such step');
});

test('the chapter shown stays when its last step ends; a headless run follows the cursor', () => {
  const plan = handPlan([2, 2]);
  const atLast = update(initialState(plan), { type: 'next' }).state;
  const { state } = drive(atLast, { type: 'run-step' });
  assert.equal(state.cursor, 2, 'the cursor is on the next chapter’s first step');
  assert.equal(state.chapter, 0, 'the finished chapter is still shown');
  const replayed = drive(state, { type: 'replay-chapter', chapter: 0 }).state;
  assert.equal(replayed.chapter, 0, 'a replay ends on the chapter it replayed');
  const headless = drive(initialState(plan), { type: 'run', to: 0, headless: true }).state;
  assert.equal(headless.chapter, 1);
});

test('a step the run does not run is told as a step-skipped effect, in order, before what follows it', () => {
  const plan = handPlan([3, 2], { 1: { interactive: true }, 2: { check: true }, 4: { interactive: true } });
  const skipped = (effects: EngineEffect[]) =>
    effects.flatMap((e) => (e.type === 'step-skipped' ? [[e.step, e.outcome.reason]] : []));
  const cases: { name: string; event: EngineEvent; skips: (number | string)[][] }[] = [
    {
      name: 'headless run',
      event: { type: 'run', headless: true },
      skips: [
        [1, 'interactive step (headless run)'],
        [4, 'interactive step (headless run)'],
      ],
    },
    {
      name: 'headless run from chapter 1 (fast-forward)',
      event: { type: 'run', from: 1, headless: true },
      skips: [
        [1, 'interactive step (headless run)'],
        [2, 'check (fast-forward)'],
        [4, 'interactive step (headless run)'],
      ],
    },
    { name: 'run (not headless)', event: { type: 'run' }, skips: [] },
    {
      name: 'replay of chapter 1',
      event: { type: 'replay-chapter', chapter: 1 },
      skips: [[2, 'check (fast-forward)']],
    },
  ];
  for (const c of cases) {
    const { state, effects } = drive(initialState(plan), c.event);
    assert.deepEqual(skipped(effects), c.skips, c.name);
    for (const [step] of c.skips) assert.equal(state.steps[step as number]?.status, 'skipped', c.name);
    // Told once, where it was decided: after the step before it finished, before the next one starts.
    for (const [step] of c.skips) {
      const at = effects.findIndex((e) => e.type === 'step-skipped' && e.step === step);
      const next = effects.findIndex((e) => e.type === 'run-step' && e.step > (step as number));
      const end = effects.findIndex((e) => e.type === 'run-ended');
      assert.ok(at < (next === -1 ? end : next), `${c.name}: step ${step}`);
    }
  }
});

test('run and replay-chapter share one headless default: interactive steps run unless headless is said', () => {
  const plan = handPlan([1, 1], { 0: { interactive: true }, 1: { interactive: true } });
  const cases: { event: EngineEvent; ran: number[] }[] = [
    { event: { type: 'run' }, ran: [0, 1] },
    { event: { type: 'run', headless: true }, ran: [] },
    { event: { type: 'replay-chapter', chapter: 1 }, ran: [0, 1] },
    { event: { type: 'replay-chapter', chapter: 1, headless: true }, ran: [] },
  ];
  for (const c of cases) {
    const { ran } = drive(initialState(plan), c.event);
    assert.deepEqual(
      ran.map((r) => r.step),
      c.ran,
      JSON.stringify(c.event),
    );
  }
});
