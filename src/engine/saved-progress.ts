/**
 * The machine's state at the start, with the progress kept in state.json restored, and what of a state
 * is kept there. Separate from machine.ts, whose transitions never save or restore: this is the one
 * place where the saved shape and the live one meet.
 */
import type { Plan } from './plan-model.js';
import type { StepOutcome } from './outcome.js';
import { chapterOf } from './chapters.js';
import type { EngineState, SavedProgress, StepState, StepStatus } from './machine-types.js';

/** A fresh state for a plan; `saved` restores progress kept in state.json (matched by step name). */
export function initialState(plan: Plan, saved?: SavedProgress): EngineState {
  const byName = new Map((saved?.steps ?? []).map((s) => [s.name, s]));
  const steps = plan.steps.map((step): StepState => {
    const old = byName.get(step.name);
    // A step that was running when a presenter quit is unknown now: it counts as not run.
    if (!old || old.status === 'running') return { status: 'pending' };
    return { status: old.status, ...(old.outcome ? { outcome: old.outcome } : {}) };
  });
  const cursor = Math.min(Math.max(saved?.cursor ?? 0, 0), steps.length);
  const chapter = Math.min(
    Math.max(saved?.chapter ?? chapterOf(plan, cursor), 0),
    Math.max(plan.chapters.length - 1, 0),
  );
  return { plan, steps, cursor, chapter, activity: { kind: 'idle' }, run: null, lastRun: null };
}

/** Extract what is saved. */
export function savedProgress(state: EngineState): SavedProgress {
  return {
    cursor: state.cursor,
    chapter: state.chapter,
    steps: state.plan.steps.map((step, i) => ({ name: step.name, ...pick(state.steps[i]) })),
  };
}

function pick(step: StepState | undefined): { status: StepStatus; outcome?: StepOutcome } {
  if (!step) return { status: 'pending' };
  return step.outcome ? { status: step.status, outcome: step.outcome } : { status: step.status };
}
