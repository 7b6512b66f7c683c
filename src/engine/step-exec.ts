import { messageOf } from '../errors.js';
import { type BackoffSchedule, DEFAULT_BACKOFF } from './backoff.js';
import {
  describeExpectation,
  judge,
  type CommandResult,
  type ComponentExit,
  type StepOutcome,
} from './outcome.js';
import type { PlannedStep } from './plan-model.js';
import type { EnginePorts, TypedCommand } from './ports.js';
import { waitReady } from './readiness.js';

/** Lines of the session's log attached to a failed or timed-out step. */
export const LOG_TAIL_LINES = 20;

/** Sentinel of a deadline that passed. */
const TIMEOUT = Symbol('timeout');
/** Sentinel of an interruption (Ctrl-C on the run). */
const INTERRUPTED = Symbol('interrupted');

/** How long a step interrupted gently waits for its shell to be back at the prompt. */
const INTERRUPT_GRACE_MS = 5000;

/**
 * The handle that interrupts one running step: `soft` (the first Ctrl-C) sends Ctrl-C to its session and
 * lets the command end, waiting a little for the shell's prompt, so the session is free for the next run;
 * `hard` (the second) sends Ctrl-C and ends the step at once.
 */
export class StepInterruption {
  private readonly softController = new AbortController();
  private readonly hardController = new AbortController();

  /** Aborted at the first interruption, soft or hard. */
  get signal(): AbortSignal {
    return this.softController.signal;
  }

  /** Aborted by a hard interruption. */
  get hard(): AbortSignal {
    return this.hardController.signal;
  }

  interrupt(how: 'soft' | 'hard'): void {
    this.softController.abort();
    if (how === 'hard') this.hardController.abort();
  }
}

/**
 * Run one step through the ports and say how it went. A step typed into a component's session (or a
 * `background` step) keeps running: it succeeds when its readiness probes pass, and fails if its
 * command ends first. A shell step succeeds when its command ends as `expect` says, then its probes pass.
 * Never throws for a step that goes wrong: that is an outcome.
 */
export async function executeStep(
  step: PlannedStep,
  options: { fast: boolean; interruption?: StepInterruption },
  ports: EnginePorts,
  schedule: BackoffSchedule = DEFAULT_BACKOFF,
): Promise<StepOutcome> {
  const start = ports.now();
  const deadline = start + step.timeoutMs;
  const controller = new AbortController();
  const interruption = options.interruption ?? new StepInterruption();
  // Interrupted: Ctrl-C into the step's session (as a timeout does), then, unless hard, a moment for the
  // command to end and the shell to show its prompt again.
  const interrupted = async (ended?: Promise<CommandResult>): Promise<StepOutcome> => {
    await ports.terminal.interrupt(step.session).catch(() => undefined);
    let exitStatus: number | undefined;
    if (ended && !interruption.hard.aborted) {
      const grace = Math.min(deadline, ports.now() + INTERRUPT_GRACE_MS);
      const result = await until(
        ended.catch(() => TIMEOUT),
        grace,
        ports,
        interruption.hard,
      );
      if (typeof result === 'object') exitStatus = result.exitStatus;
    }
    return {
      kind: 'failed',
      durationMs: elapsed(),
      ...(exitStatus === undefined ? {} : { exitStatus }),
      expectation: 'interrupt',
      reason: 'interrupted',
      logTail: await tail(),
    };
  };
  const elapsed = (): number => ports.now() - start;
  const tail = (): Promise<string[]> => ports.terminal.logTail(step.session, LOG_TAIL_LINES).catch(() => []);
  // A component that died since it was ready is the likely cause of a failure: said with the failure.
  const exits = async (): Promise<{ componentExits?: ComponentExit[] }> => {
    const found = (await ports.componentExits?.().catch(() => [])) ?? [];
    return found.length > 0 ? { componentExits: found } : {};
  };
  const timedOut = async (waitingFor: string): Promise<StepOutcome> => ({
    kind: 'timed-out',
    durationMs: elapsed(),
    waitingFor,
    logTail: await tail(),
    ...(await exits()),
  });
  const failed = async (expectation: string, reason: string, exitStatus?: number): Promise<StepOutcome> => ({
    kind: 'failed',
    durationMs: elapsed(),
    ...(exitStatus === undefined ? {} : { exitStatus }),
    expectation,
    reason,
    logTail: await tail(),
    ...(await exits()),
  });
  let typed: TypedCommand | undefined;
  try {
    const typing = options.fast ? 'instant' : ports.typing;
    typed = await ports.terminal.type(step.session, step.command, {
      typing,
      signal: controller.signal,
      interrupt: interruption.signal,
      ...(ports.pace ? { pace: ports.pace } : {}),
    });
    if (interruption.signal.aborted) return await interrupted(typed.ended);
    const longRunning = step.component !== undefined || step.background;
    const judgesExit = step.expect.fail === true || step.expect.exit !== undefined;
    let exitStatus: number | undefined;
    if (!longRunning || (judgesExit && step.ready.length === 0)) {
      // The command must end: judge how.
      const result = await until(typed.ended, deadline, ports, interruption.signal);
      if (result === INTERRUPTED) return await interrupted(typed.ended);
      if (result === TIMEOUT) {
        await ports.terminal.interrupt(step.session).catch(() => undefined);
        return await timedOut('the command to end');
      }
      const verdict = await judge(step.expect, result, { timeoutMs: deadline - ports.now() });
      if (!verdict.ok) return await failed(verdict.expectation, verdict.reason, result.exitStatus);
      exitStatus = result.exitStatus;
    }
    if (step.ready.length > 0) {
      const started = await until(typed.started, deadline, ports, interruption.signal);
      if (started === INTERRUPTED) return await interrupted(typed.ended);
      if (started === TIMEOUT) return await timedOut('the command to start');
      const ended = longRunning ? typed.ended : undefined;
      const ready = await waitReady(
        step.ready,
        { session: step.session, logOffset: started.logOffset, signal: controller.signal },
        deadline,
        ports,
        schedule,
        ended,
        interruption.signal,
      );
      if (ready.kind === 'interrupted') return await interrupted(typed.ended);
      if (ready.kind === 'timeout')
        return await timedOut(`ready: ${ready.probe.raw} (last: ${ready.last.detail})`);
      if (ready.kind === 'exited') {
        const what = step.component ?? 'the command';
        const verdict = await judge(step.expect, ready.result, { timeoutMs: deadline - ports.now() });
        if (verdict.ok && judgesExit)
          return { kind: 'ok', durationMs: elapsed(), exitStatus: ready.result.exitStatus };
        return await failed(
          'ready',
          `${what} exited with status ${ready.result.exitStatus} before it was ready`,
          ready.result.exitStatus,
        );
      }
      if (judgesExit && longRunning) {
        return await failed(
          describeExpectation(step.expect),
          `${step.component ?? 'the command'} became ready, but the lesson expects it to fail`,
        );
      }
      recordReady(step, ports);
    } else if (longRunning) {
      recordReady(step, ports);
    }
    return { kind: 'ok', durationMs: elapsed(), ...(exitStatus === undefined ? {} : { exitStatus }) };
  } catch (error) {
    // Ctrl-C reaches the tmux clients of this process group too: a command cut short is the interruption.
    if (interruption.signal.aborted) return await interrupted(typed?.ended);
    return await failed('run', messageOf(error));
  } finally {
    controller.abort();
  }
}

/** Wait for a promise until a deadline on the ports' clock, or until `interrupt` aborts. */
async function until<T>(
  promise: Promise<T>,
  deadline: number,
  ports: EnginePorts,
  interrupt?: AbortSignal,
): Promise<T | typeof TIMEOUT | typeof INTERRUPTED> {
  if (interrupt?.aborted) return INTERRUPTED;
  const stop = new AbortController();
  const timer: Promise<typeof TIMEOUT> = ports
    .sleep(Math.max(0, deadline - ports.now()), stop.signal)
    .then((): typeof TIMEOUT => TIMEOUT)
    .catch((): typeof TIMEOUT => TIMEOUT);
  let onInterrupt: () => void = () => undefined;
  const interrupted = new Promise<typeof INTERRUPTED>((resolve) => {
    onInterrupt = () => resolve(INTERRUPTED);
    interrupt?.addEventListener('abort', onInterrupt, { once: true });
  });
  try {
    return await Promise.race([promise, timer, interrupted]);
  } finally {
    interrupt?.removeEventListener('abort', onInterrupt);
    stop.abort();
  }
}

/**
 * Tell the ports a component is ready without waiting: recording it (its pid, state.json) must not
 * delay the next step, which is what the audience waits for.
 */
function recordReady(step: PlannedStep, ports: EnginePorts): void {
  void ports.componentReady?.(step, ports.now()).catch(() => undefined);
}
