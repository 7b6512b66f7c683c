import type { StepOutcome } from './outcome.js';
import type { Plan } from './plan-model.js';

/** The types of the chapter state machine (machine.ts): what clients render from and send. */

/** Where one step stands. */
export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'timed-out' | 'skipped';

/** One step's progress. */
export interface StepState {
  status: StepStatus;
  outcome?: StepOutcome;
  /** Epoch milliseconds when the loop started it. */
  startedAt?: number;
  /** It ran as part of a fast-forward (instant typing, checks skipped). */
  fast?: boolean;
}

/** A range of steps the engine works through on its own, one after the other. */
export interface RunState {
  /** Next step to start. */
  next: number;
  /** Last step to run, inclusive (-1: none). */
  last: number;
  /** Steps before this index are a fast-forward: typed instantly, checks skipped. */
  fastBefore: number;
  /** A headless run skips interactive steps. */
  headless: boolean;
  /** What started it, for the UI. */
  reason: 'run' | 'run-step' | 'replay';
  /** `stop` was asked: no further step starts. */
  stopped?: boolean;
  /** Why the run stops on its own (state.json could not be written). */
  error?: string;
}

/** What the effect loop is busy with. */
export type Activity = { kind: 'idle' } | { kind: 'step'; step: number } | { kind: 'reset' };

/**
 * How the last run ended (null before the first one ends), tagged by `kind`. `error` says why a run
 * stopped on its own (state.json could not be written); `stopped`, that a `stop` was asked while the
 * failed step ran (it was most likely interrupted).
 */
export type RunResult =
  | { kind: 'ok' }
  /** A step failed: the cursor stays on it. */
  | { kind: 'step-failed'; step: number; stopped?: true; error?: string }
  /** The run stopped between two steps (a `stop`, or a failed write of state.json). */
  | { kind: 'stopped'; error?: string }
  /** The machine could not be reset before the run. */
  | { kind: 'reset-failed'; error: string };

/** How hard a `stop` interrupts the step that runs: `soft` sends it Ctrl-C and lets it end, `hard` does not wait. */
export type Interrupt = 'soft' | 'hard';

/** Everything a client renders from. `plan` is the immutable plan the machine was made for. */
export interface EngineState {
  readonly plan: Plan;
  steps: StepState[];
  /** The step the presenter points at: the next one `run-step` runs (steps.length: past the end). */
  cursor: number;
  /** The chapter the presenter shows (a chapter may have no steps). */
  chapter: number;
  activity: Activity;
  run: RunState | null;
  lastRun: RunResult | null;
  /** The last write of state.json that failed, if any (progress is not being kept). */
  persistError?: string;
}

/** What clients and the loop tell the machine. Chapters and steps are 0-based indices into the plan. */
export type EngineEvent =
  /**
   * Run chapters `from`..`to` (default: all). Earlier chapters are fast-forwarded first unless done.
   * `headless` (here and on `replay-chapter`): skip interactive steps; default `HEADLESS_BY_DEFAULT`.
   */
  | { type: 'run'; from?: number; to?: number; headless?: boolean }
  /**
   * Run the step under the cursor (or `step`, where the cursor then goes), up to `to` inclusive (default:
   * that step alone), then move the cursor past it. The chapter shown is the step's, and stays so when
   * the cursor leaves it.
   */
  | { type: 'run-step'; step?: number; to?: number }
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'jump-to-chapter'; chapter: number }
  /** Bring the machine back to the start of a chapter (reset, fast-forward), then run it unless `run: false`. */
  | { type: 'replay-chapter'; chapter: number; run?: boolean; headless?: boolean }
  /**
   * Start no further step; the current one ends on its own, or, with `interrupt`, gets Ctrl-C in its session
   * (Ctrl-C on `run --headless`: `soft` the first time, `hard` the second).
   */
  | { type: 'stop'; interrupt?: Interrupt }
  /** A write of state.json failed: the run stops, and says why. */
  | { type: 'persist-failed'; error: string }
  /** Learner mode: the step is done (`ok`) or was skipped, without the engine running it; the cursor moves past it. */
  | { type: 'mark-step'; step: number; outcome: StepOutcome }
  | { type: 'step-started'; step: number; at: number }
  | { type: 'step-finished'; step: number; outcome: StepOutcome }
  | { type: 'reset-finished'; error?: string };

/** What the loop must do. */
export type EngineEffect =
  | { type: 'run-step'; step: number; fast: boolean }
  /** Stop every component, restore the lesson's `reset` paths, start a fresh shell. */
  | { type: 'reset' }
  /** Save progress (state.json). */
  | { type: 'persist' }
  /** Interrupt the step that runs (Ctrl-C in its session). */
  | { type: 'interrupt-step'; step: number; interrupt: Interrupt }
  /**
   * Nothing to perform: the run decided not to run this step (see the outcome's reason). It is an
   * effect so that clients, which see each transition's effects, are told as they are of a finished step.
   */
  | { type: 'step-skipped'; step: number; outcome: SkippedOutcome }
  | { type: 'run-ended'; result: RunResult };

/** The outcome of a step that did not run. */
export type SkippedOutcome = Extract<StepOutcome, { kind: 'skipped' }>;

/** The machine's answer to an event. */
export interface Transition {
  state: EngineState;
  effects: EngineEffect[];
}

/** The part of the state kept in state.json. */
export interface SavedProgress {
  cursor: number;
  chapter: number;
  steps: { name: string; status: StepStatus; outcome?: StepOutcome }[];
}
