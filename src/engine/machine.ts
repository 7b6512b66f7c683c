import { isSuccess, type StepOutcome } from './outcome.js';
import { chapterOf, firstStepOf, lastStepOf } from './chapters.js';
import type {
  EngineEffect,
  EngineEvent,
  EngineState,
  RunResult,
  RunState,
  StepState,
  StepStatus,
  Transition,
} from './machine-types.js';

export type * from './machine-types.js';
export { chapterOf, firstStepOf, lastStepOf } from './chapters.js';
export { initialState, savedProgress } from './saved-progress.js';

/**
 * The chapter state machine: `update(state, event) -> { state, effects }`, pure. Clients (the headless
 * runner, the presenter) send events and render from the state; one small loop (engine.ts) performs the
 * effects and feeds their results back as events. Nothing here touches a terminal, a clock or a file.
 * The types live in machine-types.ts.
 */

/**
 * Whether a run or a replay skips interactive steps when its event does not say: no. Only the headless
 * runner (`run`, `replay-chapter` on the command line) skips them, and it says so.
 */
export const HEADLESS_BY_DEFAULT = false;

/**
 * The engine does nothing: no run (not even between two of its steps), no step, no reset. Only then
 * does it take a new run, a replay or a mark; clients ask it to know whether a key may start one.
 */
export function engineIdle(state: EngineState): boolean {
  return state.run === null && state.activity.kind === 'idle';
}

/** The pure transition function. Unknown or untimely events leave the state as it is. */
export function update(state: EngineState, event: EngineEvent): Transition {
  switch (event.type) {
    case 'run':
      return startRun(state, event.from, event.to, event.headless ?? HEADLESS_BY_DEFAULT);
    case 'run-step': {
      const from = event.step ?? state.cursor;
      if (!engineIdle(state) || from < 0 || from >= state.steps.length) return same(state);
      const last = clamp(event.to ?? from, from, state.steps.length - 1);
      const run: RunState = { next: from, last, fastBefore: 0, headless: false, reason: 'run-step' };
      return advance({ ...state, cursor: from, chapter: chapterOf(state.plan, from), run }, []);
    }
    case 'next':
    case 'previous': {
      const cursor = clamp(state.cursor + (event.type === 'next' ? 1 : -1), 0, state.steps.length);
      return {
        state: { ...state, cursor, chapter: chapterOf(state.plan, cursor) },
        effects: [{ type: 'persist' }],
      };
    }
    case 'jump-to-chapter': {
      if (!state.plan.chapters[event.chapter]) return same(state);
      const cursor = firstStepOf(state.plan, event.chapter);
      return { state: { ...state, cursor, chapter: event.chapter }, effects: [{ type: 'persist' }] };
    }
    case 'replay-chapter': {
      if (!engineIdle(state) || !state.plan.chapters[event.chapter]) return same(state);
      const first = firstStepOf(state.plan, event.chapter);
      const last = event.run === false ? first - 1 : lastStepOf(state.plan, event.chapter);
      const run: RunState = {
        next: 0,
        last,
        fastBefore: first,
        headless: event.headless ?? HEADLESS_BY_DEFAULT,
        reason: 'replay',
      };
      const next = {
        ...state,
        run,
        cursor: first,
        chapter: event.chapter,
        activity: { kind: 'reset' } as const,
      };
      return { state: next, effects: [{ type: 'reset' }] };
    }
    case 'stop': {
      if (!state.run) return same(state);
      const stopped: EngineState = { ...state, run: { ...state.run, stopped: true } };
      const { activity } = state;
      if (activity.kind === 'step' && event.interrupt)
        return {
          state: stopped,
          effects: [{ type: 'interrupt-step', step: activity.step, interrupt: event.interrupt }],
        };
      if (activity.kind !== 'idle') return same(stopped);
      return endRun(state, { kind: 'stopped' }, []);
    }
    case 'persist-failed': {
      const next: EngineState = { ...state, persistError: event.error };
      if (!state.run) return same(next);
      const error = `progress could not be saved, so the run stopped: ${event.error}`;
      const run = { ...state.run, stopped: true, error: state.run.error ?? error };
      if (state.activity.kind !== 'idle') return same({ ...next, run });
      return endRun(next, { kind: 'stopped', error: run.error }, []);
    }
    case 'mark-step': {
      if (!engineIdle(state) || !state.steps[event.step]) return same(state);
      const steps = replaceAt(state.steps, event.step, {
        status: statusOf(event.outcome),
        outcome: event.outcome,
      });
      const cursor = state.cursor === event.step ? event.step + 1 : state.cursor;
      const chapter = cursor === state.cursor ? state.chapter : chapterOf(state.plan, cursor);
      return { state: { ...state, steps, cursor, chapter }, effects: [{ type: 'persist' }] };
    }
    case 'step-started': {
      const steps = replaceAt(state.steps, event.step, {
        ...state.steps[event.step],
        status: 'running',
        startedAt: event.at,
      });
      return same({ ...state, steps });
    }
    case 'step-finished': {
      const previous = state.steps[event.step];
      const stepState: StepState = { ...previous, status: statusOf(event.outcome), outcome: event.outcome };
      const steps = replaceAt(state.steps, event.step, stepState);
      const next: EngineState = { ...state, steps, activity: { kind: 'idle' } };
      if (!state.run) return { state: next, effects: [{ type: 'persist' }] };
      // A failed step keeps the cursor: it is the one to run again once the cause is fixed.
      if (!isSuccess(event.outcome))
        return endRun(
          { ...next, cursor: event.step },
          { kind: 'step-failed', step: event.step, ...stopReason(state.run) },
          [],
        );
      const cursor = Math.max(state.cursor, event.step + 1);
      return advance({ ...next, cursor, run: { ...state.run, next: event.step + 1 } }, [{ type: 'persist' }]);
    }
    case 'reset-finished': {
      const steps = state.steps.map((): StepState => ({ status: 'pending' }));
      const next: EngineState = { ...state, steps, activity: { kind: 'idle' } };
      if (event.error !== undefined) return endRun(next, { kind: 'reset-failed', error: event.error }, []);
      return advance(next, [{ type: 'persist' }]);
    }
  }
}

/**
 * A run of chapters from..to. When everything before `from` is done and nothing from `from` on has run,
 * it simply continues; otherwise (and always for a run from the first chapter) it resets the machine and
 * fast-forwards the earlier chapters first.
 */
function startRun(
  state: EngineState,
  fromChapter = 0,
  toChapter: number | undefined,
  headless: boolean,
): Transition {
  if (!engineIdle(state)) return same(state);
  const { plan } = state;
  const lastChapter = toChapter ?? plan.chapters.length - 1;
  if (!plan.chapters[fromChapter] || !plan.chapters[lastChapter]) return same(state);
  const first = firstStepOf(plan, fromChapter);
  const last = lastStepOf(plan, lastChapter);
  const before = state.steps.slice(0, first);
  const after = state.steps.slice(first);
  // A run from the very start always resets: stale data from an earlier attempt must not leak in.
  const canContinue =
    first > 0 &&
    before.every((s) => s.status === 'ok' || s.status === 'skipped') &&
    after.every((s) => s.status === 'pending');
  if (canContinue) {
    return advance({ ...state, run: { next: first, last, fastBefore: first, headless, reason: 'run' } }, []);
  }
  const run: RunState = { next: 0, last, fastBefore: first, headless, reason: 'run' };
  return { state: { ...state, run, activity: { kind: 'reset' } }, effects: [{ type: 'reset' }] };
}

/** Start the run's next step, skipping those that must not run, or end the run. */
function advance(state: EngineState, effects: EngineEffect[]): Transition {
  const { run } = state;
  if (!run || state.activity.kind !== 'idle') return { state, effects };
  if (run.stopped)
    return endRun(state, { kind: 'stopped', ...(run.error ? { error: run.error } : {}) }, effects);
  let steps = state.steps;
  const skipped: EngineEffect[] = [];
  for (let i = run.next; i <= run.last; i++) {
    const step = state.plan.steps[i];
    if (!step) break;
    const fast = i < run.fastBefore;
    const skip =
      run.headless && step.interactive
        ? 'interactive step (headless run)'
        : fast && step.check
          ? 'check (fast-forward)'
          : null;
    if (skip) {
      const outcome = { kind: 'skipped', reason: skip } as const;
      steps = replaceAt(steps, i, { status: 'skipped', outcome, fast });
      skipped.push({ type: 'step-skipped', step: i, outcome });
      continue;
    }
    steps = replaceAt(steps, i, { status: 'running', fast });
    const next: EngineState = {
      ...state,
      steps,
      cursor: i,
      run: { ...run, next: i },
      activity: { kind: 'step', step: i },
    };
    return { state: next, effects: [...effects, ...skipped, { type: 'run-step', step: i, fast }] };
  }
  const cursor = Math.max(state.cursor, Math.min(run.last + 1, steps.length));
  // The chapter shown stays the one that ran, even when the cursor is now past its end: the speaker
  // moves on (next-chapter), not the machine. A headless run follows the cursor.
  const chapter = run.headless ? chapterOf(state.plan, cursor) : state.chapter;
  return endRun({ ...state, steps, cursor, chapter }, { kind: 'ok' }, [...effects, ...skipped]);
}

/** What a stopped run says about why it stopped. */
function stopReason(run: RunState): { stopped?: true; error?: string } {
  return { ...(run.stopped ? { stopped: true as const } : {}), ...(run.error ? { error: run.error } : {}) };
}

function endRun(state: EngineState, result: RunResult, effects: EngineEffect[]): Transition {
  const persist = effects.some((e) => e.type === 'persist') ? [] : [{ type: 'persist' } as const];
  return {
    state: { ...state, run: null, lastRun: result },
    effects: [...effects, ...persist, { type: 'run-ended', result }],
  };
}

function statusOf(outcome: StepOutcome): StepStatus {
  return outcome.kind;
}

function same(state: EngineState): Transition {
  return { state, effects: [] };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}

function replaceAt<T>(items: T[], index: number, value: T): T[] {
  if (index < 0 || index >= items.length) return items;
  const copy = items.slice();
  copy[index] = value;
  return copy;
}
