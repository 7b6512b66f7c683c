import type { Engine } from '../../engine/engine.js';
import type { EngineEffect, EngineEvent, EngineState, RunResult } from '../../engine/machine.js';
import { outcomeLabel, type ComponentExit, type StepOutcome } from '../../engine/outcome.js';
import type { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import type { Plan } from '../../engine/plan-model.js';
import type { WorkdirState } from '../../adapters/workdir/state-store.js';
import type { CliIo } from '../context.js';
import { pinsLine } from './in-effect.js';

/**
 * The run's header, when it uses versions other than the lesson's (`--pin`, or the pins state.json
 * records): `versions: kubernetes 1.28.7 (pinned 1.36.0)`, or an NDJSON `versions` event, so that a
 * stand-in version is never taken for the one the lesson pins.
 */
export function reportPins(plan: Plan, io: CliIo, options: { json: boolean }): void {
  if (!plan.pins || Object.keys(plan.pins).length === 0) return;
  io.stdout(
    options.json
      ? `${JSON.stringify({ event: 'versions', at: Date.now(), pins: plan.pins })}\n`
      : pinsLine(plan.pins),
  );
}

/** Seconds with two decimals: `0.42s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/**
 * Follow an engine and print one line per finished or skipped step (chapter, step, duration, outcome),
 * or, with `json`, one NDJSON object per event (a skipped step is a `step-finished` one, its outcome
 * `skipped`). Returns the unsubscribe function.
 */
export function reportProgress(engine: Engine, io: CliIo, options: { json: boolean }): () => void {
  const { plan } = engine.getState();
  return engine.subscribe((state, event, effects) => {
    const skipped = effects.filter((e): e is StepSkipped => e.type === 'step-skipped');
    for (const e of [event, ...skipped]) {
      const line = options.json ? jsonLine(plan, state, e) : textLine(plan, state, e);
      if (line) io.stdout(`${line}\n`);
    }
  });
}

/** A step the run did not run: reported as one that finished, its outcome `skipped`. */
type StepSkipped = Extract<EngineEffect, { type: 'step-skipped' }>;

function textLine(plan: Plan, state: EngineState, event: EngineEvent | StepSkipped): string | undefined {
  if (event.type === 'reset-finished')
    return event.error ? `reset failed: ${event.error}` : 'reset: machine back to a clean start';
  if (event.type !== 'step-finished' && event.type !== 'step-skipped') return undefined;
  const step = plan.steps[event.step];
  if (!step) return undefined;
  return stepLine(step.chapterId, step.name, event.outcome, state.steps[event.step]?.fast === true);
}

/** A finished step as `run` and `rehearse` print it: chapter, step, seconds, outcome, fast-forward. */
export function stepLine(chapter: string, step: string, outcome: StepOutcome, fast: boolean): string {
  const duration = outcome.kind === 'skipped' ? '-' : seconds(outcome.durationMs);
  return `${chapter.padEnd(16)} ${step.padEnd(24)} ${duration.padStart(7)}  ${outcomeLabel(outcome)}${fast ? ' (fast-forward)' : ''}`;
}

function jsonLine(plan: Plan, state: EngineState, event: EngineEvent | StepSkipped): string | undefined {
  const at = Date.now();
  switch (event.type) {
    case 'step-started':
    case 'step-finished':
    case 'step-skipped': {
      const step = plan.steps[event.step];
      const base = {
        event: event.type === 'step-started' ? event.type : 'step-finished',
        at,
        index: event.step,
        chapter: step?.chapterId,
        step: step?.name,
        fast: state.steps[event.step]?.fast ?? false,
      };
      return JSON.stringify(event.type === 'step-started' ? base : { ...base, outcome: event.outcome });
    }
    case 'reset-finished':
      return JSON.stringify({ event: 'reset', at, ...(event.error ? { error: event.error } : {}) });
    default:
      return undefined;
  }
}

/** Exit code of a run interrupted by Ctrl-C (128 + SIGINT), as a shell reports it. */
const INTERRUPTED_EXIT = 130;

/** The NDJSON `run-ended` event of a run: how it ended, the failed step, why it stopped. */
export function runEndedEvent(state: EngineState): Record<string, unknown> {
  const result = state.lastRun;
  const step = result?.kind === 'step-failed' ? state.plan.steps[result.step] : undefined;
  const error = runError(result);
  return {
    event: 'run-ended',
    at: Date.now(),
    ok: result?.kind === 'ok',
    ...(step ? { failedStep: step.name, chapter: step.chapterId } : {}),
    ...(runStopped(result) ? { stopped: true } : {}),
    ...(error ? { error } : {}),
  };
}

/**
 * Print how a run ended and return the exit code: 0 when it went through, 1 naming the failed step with
 * its session's last log lines (and first, a component that exited meanwhile, with its own log's tail).
 */
function reportEnd(engine: Engine, io: CliIo, options: { json: boolean }): number {
  const state = engine.getState();
  const result = state.lastRun;
  const failedStep = result?.kind === 'step-failed' ? result.step : undefined;
  const step = failedStep === undefined ? undefined : state.plan.steps[failedStep];
  const outcome = failedStep === undefined ? undefined : state.steps[failedStep]?.outcome;
  const error = runError(result);
  if (options.json) io.stdout(`${JSON.stringify(runEndedEvent(state))}\n`);
  if (result?.kind === 'ok') return 0;
  if (!result) io.stderr('demystify: nothing ran (the lesson has no chapter to run)\n');
  if (error) io.stderr(`demystify: ${error}\n`);
  if (outcome && (outcome.kind === 'failed' || outcome.kind === 'timed-out'))
    for (const exit of outcome.componentExits ?? []) io.stderr(componentExitText(exit, step?.name ?? ''));
  if (step && outcome && !isInterrupted(outcome))
    io.stderr(failureText(step.name, step.chapterId, step.session, outcome));
  return 1;
}

/** Why a run stopped or could not start, if it says. */
export function runError(result: RunResult | null): string | undefined {
  switch (result?.kind) {
    case 'step-failed':
    case 'stopped':
    case 'reset-failed':
      return result.error;
    default:
      return undefined;
  }
}

/** The run ended because a `stop` was asked (Ctrl-C, or state.json could not be written). */
function runStopped(result: RunResult | null): boolean {
  return result?.kind === 'stopped' || (result?.kind === 'step-failed' && result.stopped === true);
}

function componentExitText(exit: ComponentExit, stepName: string): string {
  const tail = exit.logTail.map((l) => `    ${l}`).join('\n');
  return `demystify: component ${exit.name} ${exit.how}, which is likely why step '${stepName}' failed\n  last lines of logs/${exit.session}.log:\n${tail}\n`;
}

function isInterrupted(outcome: StepOutcome): boolean {
  return outcome.kind === 'failed' && outcome.expectation === 'interrupt';
}

function failureText(name: string, chapter: string, session: string, outcome: StepOutcome): string {
  if (outcome.kind === 'ok' || outcome.kind === 'skipped') return '';
  // `run`: the step could not be run (an error of the machine, not an expectation of the lesson).
  const why =
    outcome.kind === 'failed'
      ? outcome.expectation === 'run'
        ? outcome.reason
        : `${outcome.reason} (expected ${outcome.expectation})`
      : `timed out waiting for ${outcome.waitingFor}`;
  const head = `demystify: step '${name}' (chapter ${chapter}) failed: ${why}\n`;
  if (outcome.logTail.length === 0) return head;
  const tail = outcome.logTail.map((l) => `    ${l}`).join('\n');
  return `${head}  last lines of logs/${session}.log:\n${tail}\n`;
}

/** The session of a component (a session's own name, e.g. `shell`, is accepted too). */
export function sessionOf(state: WorkdirState, component: string): string {
  return state.components[component]?.session ?? component;
}

/**
 * Send one event that starts a run, print its progress (lines or NDJSON) until the engine is idle, and
 * return the exit code. The first Ctrl-C interrupts the step that runs (Ctrl-C in its session, as its
 * timeout would) and starts no further one; the second one (or SIGTERM, SIGHUP) does not wait for the
 * step's command to end. Either way the step is saved as interrupted, and the run ends saying where it
 * stopped and what still runs (components keep running in tmux: `demystify cleanup` ends them). A third
 * Ctrl-C is left to Node: it ends the process at once.
 */
export async function driveEngine(
  engine: Engine,
  event: EngineEvent,
  io: CliIo,
  options: { json: boolean; runtime?: WorkdirRuntime },
): Promise<number> {
  const stop = reportProgress(engine, io, options);
  let signalled: NodeJS.Signals | undefined;
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled ??= signal;
    interrupts += signal === 'SIGINT' ? 1 : 2;
    const hard = interrupts >= 2;
    const running = runningStep(engine);
    if (!hard)
      io.stderr(
        `\ndemystify: interrupting${running ? ` step '${running.name}'` : ''}; Ctrl-C again to stop without waiting for it\n`,
      );
    // Past the second one, Ctrl-C is Node's again (it ends the process).
    if (hard) process.off('SIGINT', onSignal);
    engine.dispatch({ type: 'stop', interrupt: hard ? 'hard' : 'soft' });
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  try {
    engine.dispatch(event);
    await engine.whenIdle();
    await engine.flush();
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    stop();
  }
  const code = reportEnd(engine, io, options);
  if (signalled === undefined) return code;
  await reportStopped(engine, io, options.runtime, signalled);
  return signalled === 'SIGINT' ? INTERRUPTED_EXIT : 128 + (signalled === 'SIGTERM' ? 15 : 1);
}

/** The step running now, if any. */
function runningStep(engine: Engine): { name: string; chapterId: string } | undefined {
  const state = engine.getState();
  return state.activity.kind === 'step' ? state.plan.steps[state.activity.step] : undefined;
}

/** Where an interrupted run stopped, what still runs, and how to go on or end it. */
async function reportStopped(
  engine: Engine,
  io: CliIo,
  runtime: WorkdirRuntime | undefined,
  signal: NodeJS.Signals,
): Promise<void> {
  const state = engine.getState();
  const result = state.lastRun;
  const index = result?.kind === 'step-failed' ? result.step : undefined;
  const step = index === undefined ? undefined : state.plan.steps[index];
  const where = step
    ? `step '${step.name}' (chapter ${step.chapterId}) was interrupted: the run stopped there`
    : 'the run stopped before its next step';
  io.stderr(`demystify: ${signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`}: ${where}\n`);
  const running = runtime ? await runtime.running().catch(() => []) : [];
  const root = runtime?.files.layout.root;
  if (running.length > 0) {
    const list = running.map((r) => `${r.name} (${r.comm}, pid ${r.pid})`).join(', ');
    io.stderr(`  still running: ${list}\n`);
  } else {
    io.stderr('  nothing is running in its sessions\n');
  }
  if (root) {
    const chapter = step ? ` --from ${step.chapterId}` : '';
    io.stderr(
      `  hint: demystify run${chapter} --workdir ${root} goes on (from that chapter); demystify cleanup --workdir ${root} ends everything\n`,
    );
  }
}
