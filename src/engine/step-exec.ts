import type { Probe } from '../lesson/model.js';
import { nextDelay, type BackoffSchedule, DEFAULT_BACKOFF } from './backoff.js';
import { describeExpectation, judge, type CommandResult, type StepOutcome } from './outcome.js';
import type { PlannedStep } from './plan-model.js';
import type { EnginePorts, ProbeResult } from './ports.js';

/** Lines of the session's log attached to a failed or timed-out step. */
export const LOG_TAIL_LINES = 20;

/** Sentinel of a deadline that passed. */
const TIMEOUT = Symbol('timeout');

/**
 * Run one step through the ports and say how it went. A step typed into a component's session (or a
 * `background` step) keeps running: it succeeds when its readiness probes pass, and fails if its
 * command ends first. A shell step succeeds when its command ends as `expect` says, then its probes pass.
 * Never throws for a step that goes wrong: that is an outcome.
 */
export async function executeStep(
  step: PlannedStep,
  options: { fast: boolean },
  ports: EnginePorts,
  schedule: BackoffSchedule = DEFAULT_BACKOFF,
): Promise<StepOutcome> {
  const start = ports.now();
  const deadline = start + step.timeoutMs;
  const controller = new AbortController();
  const elapsed = (): number => ports.now() - start;
  const tail = (): Promise<string[]> => ports.terminal.logTail(step.session, LOG_TAIL_LINES).catch(() => []);
  const timedOut = async (waitingFor: string): Promise<StepOutcome> => ({
    kind: 'timed-out',
    durationMs: elapsed(),
    waitingFor,
    logTail: await tail(),
  });
  const failed = async (expectation: string, reason: string, exitStatus?: number): Promise<StepOutcome> => ({
    kind: 'failed',
    durationMs: elapsed(),
    ...(exitStatus === undefined ? {} : { exitStatus }),
    expectation,
    reason,
    logTail: await tail(),
  });
  try {
    const typing = options.fast ? 'instant' : ports.typing;
    const typed = await ports.terminal.type(step.session, step.command, {
      typing,
      signal: controller.signal,
      ...(ports.pace ? { pace: ports.pace } : {}),
    });
    const longRunning = step.component !== undefined || step.background;
    const judgesExit = step.expect.fail === true || step.expect.exit !== undefined;
    let exitStatus: number | undefined;
    if (!longRunning || (judgesExit && step.ready.length === 0)) {
      // The command must end: judge how.
      const result = await until(typed.ended, deadline, ports);
      if (result === TIMEOUT) {
        await ports.terminal.interrupt(step.session).catch(() => undefined);
        return await timedOut('the command to end');
      }
      const verdict = judge(step.expect, result);
      if (!verdict.ok) return await failed(verdict.expectation, verdict.reason, result.exitStatus);
      exitStatus = result.exitStatus;
    }
    if (step.ready.length > 0) {
      const started = await until(typed.started, deadline, ports);
      if (started === TIMEOUT) return await timedOut('the command to start');
      const ended = longRunning ? typed.ended : undefined;
      const ready = await waitReady(
        step.ready,
        { session: step.session, logOffset: started.logOffset, signal: controller.signal },
        deadline,
        ports,
        schedule,
        ended,
      );
      if (ready.kind === 'timeout')
        return await timedOut(`ready: ${ready.probe.raw} (last: ${ready.last.detail})`);
      if (ready.kind === 'exited') {
        const what = step.component ?? 'the command';
        const verdict = judge(step.expect, ready.result);
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
    return await failed('run', error instanceof Error ? error.message : String(error));
  } finally {
    controller.abort();
  }
}

type Readiness =
  | { kind: 'ready' }
  | { kind: 'timeout'; probe: Probe; last: ProbeResult }
  | { kind: 'exited'; result: CommandResult };

/**
 * Poll each probe in turn until it passes (all must), backing off from tens of milliseconds; give up at
 * the deadline, or as soon as the component's command ends (it will never get ready then).
 */
async function waitReady(
  probes: Probe[],
  context: { session: string; logOffset: number; signal: AbortSignal },
  deadline: number,
  ports: EnginePorts,
  schedule: BackoffSchedule,
  ended?: Promise<CommandResult>,
): Promise<Readiness> {
  let exited: CommandResult | undefined;
  const wake = new AbortController();
  void ended?.then(
    (result) => {
      exited = result;
      wake.abort();
    },
    () => undefined,
  );
  for (const probe of probes) {
    let last: ProbeResult = { ok: false, detail: 'not tried' };
    for (let attempt = 0; ; attempt++) {
      if (exited) return { kind: 'exited', result: exited };
      last = await ports.prober
        .probe(probe, context)
        .catch((e: unknown) => ({ ok: false, detail: String(e) }));
      if (last.ok) break;
      if (exited) return { kind: 'exited', result: exited };
      const now = ports.now();
      if (now >= deadline) return { kind: 'timeout', probe, last };
      await ports.sleep(nextDelay(attempt, now, deadline, schedule), wake.signal).catch(() => undefined);
    }
  }
  return { kind: 'ready' };
}

/** Wait for a promise until a deadline on the ports' clock. */
async function until<T>(
  promise: Promise<T>,
  deadline: number,
  ports: EnginePorts,
): Promise<T | typeof TIMEOUT> {
  const stop = new AbortController();
  const timer: Promise<typeof TIMEOUT> = ports
    .sleep(Math.max(0, deadline - ports.now()), stop.signal)
    .then((): typeof TIMEOUT => TIMEOUT)
    .catch((): typeof TIMEOUT => TIMEOUT);
  try {
    return await Promise.race([promise, timer]);
  } finally {
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
