import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StepOutcome } from '../../src/engine/outcome.js';
import { aggregateRehearsal } from '../../src/engine/rehearsal/aggregate.js';
import type { PlannedStepRef, RunRecord, StepRun } from '../../src/engine/rehearsal/run-record.js';
import { runFromNdjson } from '../../src/engine/rehearsal/run-events.js';
import { median } from '../../src/engine/rehearsal/stats.js';

const PLAN: PlannedStepRef[] = [
  { index: 0, chapter: 'setup', step: 'a' },
  { index: 1, chapter: 'setup', step: 'b' },
  { index: 2, chapter: 'etcd', step: 'start' },
  { index: 3, chapter: 'etcd', step: 'check' },
];
const CHAPTERS = [
  { id: 'setup', title: 'Set-up', budgetMs: 500 },
  { id: 'etcd', title: 'etcd', budgetMs: 5000 },
];

const ok = (durationMs: number): StepOutcome => ({ kind: 'ok', durationMs });
const bad = (durationMs: number, reason = 'exited with status 1'): StepOutcome => ({
  kind: 'failed',
  durationMs,
  expectation: 'exit=0',
  reason,
  logTail: [`tail of ${reason}`],
});

/** A run of the plan with these outcomes, in order, stopping where they stop. */
function run(n: number, outcomes: StepOutcome[], components: RunRecord['components'] = []): RunRecord {
  const steps: StepRun[] = outcomes.map((outcome, i) => ({ ...PLAN[i]!, outcome, fast: false }));
  return {
    run: n,
    ok: outcomes.length === PLAN.length && outcomes.every((o) => o.kind !== 'failed'),
    steps,
    components,
  };
}

const tables: {
  name: string;
  runs: RunRecord[];
  want: { passed: number; flaky: string[]; failed: Record<string, number>; reached: Record<string, number> };
}[] = [
  {
    name: 'three clean runs',
    runs: [1, 2, 3].map((n) => run(n, [ok(10), ok(20), ok(300), ok(40)])),
    want: { passed: 3, flaky: [], failed: { a: 0, b: 0, start: 0, check: 0 }, reached: { a: 3, check: 3 } },
  },
  {
    name: 'one step fails in the second run only: flaky; steps after it reached twice',
    runs: [
      run(1, [ok(10), ok(20), ok(300), ok(40)]),
      run(2, [ok(10), bad(25)]),
      run(3, [ok(12), ok(22), ok(310), ok(41)]),
    ],
    want: {
      passed: 2,
      flaky: ['b'],
      failed: { a: 0, b: 1, start: 0 },
      reached: { a: 3, b: 3, start: 2, check: 2 },
    },
  },
  {
    name: 'a step that fails every time it is reached is not flaky',
    runs: [run(1, [ok(10), bad(20)]), run(2, [ok(10), bad(21)])],
    want: { passed: 0, flaky: [], failed: { b: 2 }, reached: { a: 2, b: 2, start: 0, check: 0 } },
  },
];

for (const t of tables) {
  test(`aggregate: ${t.name}`, () => {
    const summary = aggregateRehearsal({ chapters: CHAPTERS, planned: PLAN, runs: t.runs });
    assert.equal(summary.passed, t.want.passed);
    assert.deepEqual(summary.flaky, t.want.flaky);
    const by = new Map(summary.steps.map((s) => [s.step, s]));
    for (const [step, n] of Object.entries(t.want.failed))
      assert.equal(by.get(step)?.failed, n, `${step} failed`);
    for (const [step, n] of Object.entries(t.want.reached))
      assert.equal(by.get(step)?.reached, n, `${step} reached`);
  });
}

test('aggregate: medians, slowest run, first failure and budgets', () => {
  const runs = [
    run(1, [ok(100), ok(200), ok(3000), ok(40)]),
    run(2, [ok(300), bad(250, 'first')]),
    run(
      3,
      [ok(200), ok(700), ok(6000), ok(60)],
      [{ component: 'etcd', session: 'etcd', step: 'start', startupMs: 5000 }],
    ),
    run(4, [ok(100), bad(10, 'second')]),
  ];
  const s = aggregateRehearsal({ chapters: CHAPTERS, planned: PLAN, runs });
  const a = s.steps[0]!;
  assert.equal(a.medianMs, 150);
  assert.equal(a.slowestMs, 300);
  assert.equal(a.slowestRun, 2);
  const b = s.steps[1]!;
  assert.deepEqual(b.firstFailure, { run: 2, kind: 'failed', reason: 'first', logTail: ['tail of first'] });
  assert.equal(b.flaky, true);
  // Set-up went through in runs 1 and 3 only: 300 and 900 ms, median 600, over its 500 ms budget.
  const setup = s.chapters[0]!;
  assert.deepEqual(setup.times, [
    { ms: 300, complete: true },
    { ms: 550, complete: false },
    { ms: 900, complete: true },
    { ms: 110, complete: false },
  ]);
  assert.equal(setup.medianMs, 600);
  assert.equal(setup.overBudget, true);
  const etcd = s.chapters[1]!;
  assert.deepEqual(etcd.times, [
    { ms: 3040, complete: true },
    undefined,
    { ms: 6060, complete: true },
    undefined,
  ]);
  assert.equal(etcd.medianMs, 4550);
  assert.equal(etcd.overBudget, false);
  assert.equal(s.total.budgetMs, 5500);
  assert.equal(s.total.medianMs, (3340 + 6960) / 2);
  assert.equal(s.total.overBudget, false);
  assert.deepEqual(s.components, [
    {
      component: 'etcd',
      session: 'etcd',
      step: 'start',
      startups: [undefined, undefined, 5000, undefined],
      stepDurations: [3000, undefined, 6000, undefined],
      medianStartupMs: 5000,
      medianStepMs: 4500,
      overheadMs: -500,
    },
  ]);
  assert.deepEqual(
    s.runs.map((r) => [r.run, r.ok, r.failedStep]),
    [
      [1, true, undefined],
      [2, false, 'b'],
      [3, true, undefined],
      [4, false, 'b'],
    ],
  );
});

test('aggregate: fast-forwarded steps are left out; an unplanned step still gets its row', () => {
  const steps: StepRun[] = [
    { index: 0, chapter: 'setup', step: 'a', outcome: ok(5), fast: true },
    { index: 2, chapter: 'etcd', step: 'start', outcome: ok(50), fast: false },
    {
      index: 9,
      chapter: 'etcd',
      step: 'extra',
      outcome: { kind: 'skipped', reason: 'interactive' },
      fast: false,
    },
  ];
  const s = aggregateRehearsal({
    chapters: [CHAPTERS[1]!],
    runs: [{ run: 1, ok: true, steps, components: [] }],
  });
  assert.deepEqual(
    s.steps.map((x) => [x.step, x.reached, x.skipped, x.medianMs]),
    [
      ['start', 1, 0, 50],
      ['extra', 1, 1, undefined],
    ],
  );
  assert.equal(s.total.budgetMs, 5000);
});

test('runFromNdjson: what `run --json` prints', () => {
  const lines = [
    'not json',
    JSON.stringify({ event: 'reset', at: 1000 }),
    JSON.stringify({ event: 'step-started', at: 1000, index: 0, chapter: 'setup', step: 'a', fast: false }),
    JSON.stringify({
      event: 'step-finished',
      at: 1010,
      index: 0,
      chapter: 'setup',
      step: 'a',
      fast: false,
      outcome: ok(10),
    }),
    JSON.stringify({ event: 'step-started', at: 1010, index: 1, chapter: 'setup', step: 'b', fast: false }),
    JSON.stringify({
      event: 'step-finished',
      at: 1040,
      index: 1,
      chapter: 'setup',
      step: 'b',
      fast: false,
      outcome: bad(30),
    }),
    JSON.stringify({ event: 'run-ended', at: 1041, ok: false, failedStep: 'b', chapter: 'setup' }),
  ];
  const r = runFromNdjson(lines.join('\n'), 2);
  assert.equal(r.run, 2);
  assert.equal(r.ok, false);
  assert.equal(r.error, undefined);
  assert.equal(r.wallMs, 41);
  assert.deepEqual(
    r.steps.map((s) => [s.step, s.outcome.kind]),
    [
      ['a', 'ok'],
      ['b', 'failed'],
    ],
  );
  const crashed = runFromNdjson(lines.slice(0, 5).join('\n'), 1);
  assert.equal(crashed.ok, false);
  assert.match(crashed.error ?? '', /without reporting/);
  assert.equal(crashed.steps[1]?.outcome.kind, 'failed');
  assert.equal(runFromNdjson('', 1).steps.length, 0);
});

test('median', () => {
  assert.equal(median([]), undefined);
  assert.equal(median([3]), 3);
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('property: every step once; failed <= reached <= runs; flaky iff 0 < failed < reached', () => {
  const outcome = fc.oneof(
    fc.integer({ min: 0, max: 5000 }).map(ok),
    fc.integer({ min: 0, max: 5000 }).map((d) => bad(d)),
    fc.constant<StepOutcome>({ kind: 'skipped', reason: 'interactive' }),
  );
  // A run goes step by step and stops at the first failure, as the engine does.
  const aRun = fc.array(outcome, { maxLength: PLAN.length }).map((outcomes) => {
    const stop = outcomes.findIndex((o) => o.kind === 'failed');
    return stop === -1 ? outcomes : outcomes.slice(0, stop + 1);
  });
  fc.assert(
    fc.property(fc.array(aRun, { minLength: 1, maxLength: 6 }), fc.boolean(), (runs, withPlan) => {
      const records = runs.map((o, i) => run(i + 1, o));
      const s = aggregateRehearsal({
        chapters: CHAPTERS,
        ...(withPlan ? { planned: PLAN } : {}),
        runs: records,
      });
      const names = s.steps.map((x) => x.step);
      assert.equal(new Set(names).size, names.length, 'every step appears once');
      const reported = new Set(records.flatMap((r) => r.steps.map((x) => x.step)));
      for (const name of reported) assert.ok(names.includes(name), `${name} has a row`);
      if (withPlan)
        assert.deepEqual(
          names,
          PLAN.map((p) => p.step),
        );
      for (const x of s.steps) {
        assert.ok(x.failed <= x.reached && x.reached <= records.length);
        assert.equal(x.durations.length, records.length);
        assert.equal(x.flaky, x.failed > 0 && x.failed < x.reached);
        const d = x.durations.filter((v): v is number => v !== undefined);
        if (x.medianMs !== undefined) assert.ok(x.medianMs >= Math.min(...d) && x.medianMs <= Math.max(...d));
        assert.equal(x.slowestMs, d.length > 0 ? Math.max(...d) : undefined);
      }
      assert.equal(s.passed, records.filter((r) => r.ok).length);
      assert.equal(s.runs.length, records.length);
      for (const c of s.chapters) {
        assert.equal(c.times.length, records.length);
        assert.equal(c.overBudget, c.medianMs !== undefined && c.medianMs > (c.budgetMs ?? Infinity));
      }
      s.total.times.forEach((t, i) => assert.ok(!t.complete || records[i]!.ok));
    }),
  );
});
