import type { Expectation } from '../lesson/model.js';
import { matchOutput } from './output-match.js';

/**
 * A component that exited after it was ready, found when a later step fails or times out: the likely cause,
 * said first ("component etcd exited (signal 9)") with the tail of its own log.
 */
export interface ComponentExit {
  name: string;
  session: string;
  /** `exited (signal 9)`, `exited with status 1`, `exited` (its session is gone). */
  how: string;
  logTail: string[];
}

/**
 * How a step ended. Pure data: a failing step is never an exception, so the headless runner, the
 * presenter and `--json` all render the same value.
 */
export type StepOutcome =
  /** The step did what the lesson says (an `expect=fail` step that failed counts as ok). */
  | { kind: 'ok'; durationMs: number; exitStatus?: number }
  /** The step ended but not as expected: which expectation, why, and the session's last log lines. */
  | {
      kind: 'failed';
      durationMs: number;
      exitStatus?: number;
      /** The expectation that failed, as the lesson would write it (`exit=0`, `fail`, `output=/re/`, `ready`). */
      expectation: string;
      /** One line a person can read: "exited with status 1", "etcd exited before it was ready". */
      reason: string;
      logTail: string[];
      /** Components that exited since they were ready (see ComponentExit). */
      componentExits?: ComponentExit[];
    }
  /** The step's `timeout` passed first: what it was still waiting for. */
  | {
      kind: 'timed-out';
      durationMs: number;
      waitingFor: string;
      logTail: string[];
      componentExits?: ComponentExit[];
    }
  /** The step did not run (interactive in a headless run, a check during fast-forward). */
  | { kind: 'skipped'; reason: string };

/** True when an outcome lets a run go on. */
export function isSuccess(outcome: StepOutcome): boolean {
  return outcome.kind === 'ok' || outcome.kind === 'skipped';
}

/** What the terminal reported about a command that ended. */
export interface CommandResult {
  exitStatus: number;
  /** Everything the command printed (stdout and stderr as the terminal shows them), escapes removed. */
  output: string;
}

/** The verdict on a finished command, before timing and log lines are added. */
export type Verdict = { ok: true } | { ok: false; expectation: string; reason: string };

/** The lesson's way of writing an expectation, for messages. */
export function describeExpectation(expect: Expectation): string {
  const parts: string[] = [];
  if (expect.fail) parts.push('fail');
  if (expect.exit !== undefined) parts.push(`exit=${expect.exit}`);
  if (expect.output) parts.push(`output=/${expect.output.pattern}/${expect.output.flags}`);
  return parts.join(' ') || 'exit=0';
}

/** How long an output match may take when the caller gives no time (a step gives what its timeout leaves). */
const DEFAULT_MATCH_MS = 10_000;

/**
 * Judge a finished command against its expectation. Rules: `exit=N` wants exactly N; `fail` wants any
 * non-zero status; neither wants 0. `output=/re/` must also match what the command printed: the match
 * runs in a worker thread and is given `timeoutMs` (at least `MIN_MATCH_MS`), so an expression that
 * backtracks without end fails the step, with a reason, instead of blocking the process. Never rejects.
 */
export async function judge(
  expect: Expectation,
  result: CommandResult,
  options: { timeoutMs?: number } = {},
): Promise<Verdict> {
  const status = result.exitStatus;
  if (expect.exit !== undefined) {
    if (status !== expect.exit) {
      return {
        ok: false,
        expectation: `exit=${expect.exit}`,
        reason: `exited with status ${status}, expected ${expect.exit}`,
      };
    }
  } else if (expect.fail) {
    if (status === 0)
      return { ok: false, expectation: 'fail', reason: 'succeeded, but the lesson expects it to fail' };
  } else if (status !== 0) {
    return { ok: false, expectation: 'exit=0', reason: `exited with status ${status}` };
  }
  if (expect.output) {
    const expectation = `output=/${expect.output.pattern}/${expect.output.flags}`;
    const match = await matchOutput(
      expect.output.pattern,
      expect.output.flags,
      result.output,
      options.timeoutMs ?? DEFAULT_MATCH_MS,
    );
    switch (match.kind) {
      case 'match':
        break;
      case 'no-match':
        return { ok: false, expectation, reason: `its output does not match ${expectation}` };
      case 'unfinished':
        return {
          ok: false,
          expectation,
          reason: `matching its output (${result.output.length} characters) against ${expectation} did not finish in ${(match.afterMs / 1000).toFixed(1)} s: the expression backtracks too much (nested repetition such as (a+)+); simplify it`,
        };
      case 'error':
        return { ok: false, expectation, reason: `cannot match ${expectation}: ${match.message}` };
    }
  }
  return { ok: true };
}

/** A one-line summary of an outcome: `ok`, `failed (exit 1)`, `timed out`, `skipped`. */
export function outcomeLabel(outcome: StepOutcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'ok';
    case 'failed':
      if (outcome.expectation === 'interrupt') return 'interrupted';
      return outcome.exitStatus === undefined ? 'failed' : `failed (exit ${outcome.exitStatus})`;
    case 'timed-out':
      return 'timed out';
    case 'skipped':
      return 'skipped';
  }
}

/** `exited (signal 9)` for a status above 128 (bash's 128+n), else `exited with status N`. */
export function exitDescription(status: number | undefined): string {
  if (status === undefined) return 'exited';
  if (status > 128 && status <= 128 + 64) return `exited (signal ${status - 128})`;
  return `exited with status ${status}`;
}
