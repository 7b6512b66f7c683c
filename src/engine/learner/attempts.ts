import { judge, type CommandResult } from '../outcome.js';
import { normalizeCommand, type LearnerCheck } from './checks.js';

/** A command the learner ran in a session, as the shell integration saw it. */
export interface LearnerCommand extends CommandResult {
  /** The command line as the shell read it. */
  text: string;
}

/** What one command the learner ran means for the current step. */
export type AttemptVerdict = 'done' | 'failed' | 'neutral';

/**
 * Judge one command against a step's learner check. `command` and `output` checks are decided here
 * (`done` or `failed`); for `probes` and `manual` ones a command that ended with a non-zero status is a
 * failed attempt and any other is `neutral` (the probes, polled, decide). Never rejects.
 */
export async function judgeAttempt(check: LearnerCheck, command: LearnerCommand): Promise<AttemptVerdict> {
  switch (check.kind) {
    case 'command': {
      if (normalizeCommand(command.text) !== check.command) return 'failed';
      return (await judge(check.expect, command)).ok ? 'done' : 'failed';
    }
    case 'output':
      return (await judge(check.expect, command)).ok ? 'done' : 'failed';
    case 'probes':
    case 'manual':
      return command.exitStatus === 0 ? 'neutral' : 'failed';
  }
}

/** Where the learner stands on the current step: what the hints and the panel are decided from. */
export interface StepWatch {
  step: number;
  /** Failed attempts so far (commands that did not do the step). */
  attempts: number;
  /** The learner asked for the hints (a key). */
  asked: boolean;
  /** Indices of the step's hints whose `when` probe failed at the last poll. */
  failing: number[];
  /** A `failcheck` probe passed: the machine is beyond repair. */
  broken: boolean;
  /** The learner asked to see the solution. */
  solution: boolean;
}

/** A fresh watch on a step. */
export function watchStep(step: number): StepWatch {
  return { step, attempts: 0, asked: false, failing: [], broken: false, solution: false };
}

/**
 * Which hints to show (indices into the step's hints): a plain hint on request or from the second failed
 * attempt on; a hint tied to a probe (`when=`) only while that probe fails, and only once the learner
 * asked or failed once, since before any attempt the state it checks is not there yet.
 */
export function visibleHints(hints: readonly { when?: unknown }[], watch: StepWatch): number[] {
  const shown: number[] = [];
  hints.forEach((hint, i) => {
    if (hint.when === undefined) {
      if (watch.asked || watch.attempts >= 2) shown.push(i);
    } else if ((watch.asked || watch.attempts >= 1) && watch.failing.includes(i)) shown.push(i);
  });
  return shown;
}
