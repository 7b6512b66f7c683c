import type { StepOutcome } from '../outcome.js';

/**
 * One run of a lesson as a rehearsal sees it: the outcome of each step it reached, and its components'
 * own start-up. Pure data, made from `demystify run --json`'s NDJSON (run-events.ts) or from an engine.
 */

/** One step's outcome in one run. */
export interface StepRun {
  /** Position in the whole plan, 0-based. */
  index: number;
  chapter: string;
  step: string;
  outcome: StepOutcome;
  /** It ran as part of a fast-forward (before `--from`): not counted in the rehearsal's times. */
  fast: boolean;
}

/** A component's own start-up in a run: from its process's start to its readiness (the floor). */
export interface ComponentStartup {
  component: string;
  session: string;
  /** The step that started it. */
  step: string;
  startupMs: number;
}

/** One run. */
export interface RunRecord {
  /** 1-based. */
  run: number;
  ok: boolean;
  /** Why it failed when no step says so (the reset failed, the run process died, nothing ran). */
  error?: string;
  /** Steps in the order they finished, each at most once. */
  steps: StepRun[];
  components: ComponentStartup[];
  /** Wall-clock milliseconds of the whole run (reset and fast-forward included), when known. */
  wallMs?: number;
}

/** A step the rehearsal expects (from the plan), in plan order. */
export interface PlannedStepRef {
  index: number;
  chapter: string;
  step: string;
}

/** A chapter in the rehearsed range, with its budget. */
export interface ChapterRef {
  id: string;
  title: string;
  budgetMs?: number;
}
