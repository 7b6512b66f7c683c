import type { Expectation, Probe } from '../../lesson/model.js';
import type { Plan, PlannedStep } from '../plan-model.js';

/**
 * How learner mode knows a step is done, without typing it (docs/learner.md). Pure.
 * - `probes`: its `verify=` probes, else its `ready=` probes (a component's default ones included), pass;
 * - `output`: a command the learner runs in the step's session ends as its `expect` says (`output=/re/`);
 * - `command`: a shell step with nothing to verify: the learner ran a command equal to it (whitespace
 *   normalised, a leading `sudo` ignored) that ended as its `expect` says;
 * - `manual`: nothing can tell (a component or background step with no probe): a key marks it done.
 */
export type LearnerCheck =
  | { kind: 'probes'; probes: Probe[]; source: 'verify' | 'ready' }
  | { kind: 'output'; expect: Expectation }
  | { kind: 'command'; command: string; expect: Expectation }
  | { kind: 'manual'; reason: string };

/** The check learner mode uses for a step. */
export function learnerCheckOf(step: PlannedStep): LearnerCheck {
  if (step.verify && step.verify.length > 0) return { kind: 'probes', probes: step.verify, source: 'verify' };
  if (step.ready.length > 0) return { kind: 'probes', probes: step.ready, source: 'ready' };
  if (step.component !== undefined || step.background) {
    return {
      kind: 'manual',
      reason: step.component
        ? `it starts ${step.component}, which has no ready= probe`
        : 'it runs in the background and has no ready= or verify= probe',
    };
  }
  if (step.expect.output) return { kind: 'output', expect: step.expect };
  return { kind: 'command', command: normalizeCommand(step.command), expect: step.expect };
}

/** A command as learner mode compares it: a leading `sudo` dropped, runs of white space made one space. */
export function normalizeCommand(text: string): string {
  return text
    .replace(/\\\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^sudo (-\S+ )*/, '');
}

/** The steps of a plan that learner mode cannot verify (a key marks them done), with why. */
export function unverifiableSteps(plan: Plan): { step: PlannedStep; reason: string }[] {
  const out: { step: PlannedStep; reason: string }[] = [];
  for (const step of plan.steps) {
    const check = learnerCheckOf(step);
    if (check.kind === 'manual') out.push({ step, reason: check.reason });
  }
  return out;
}
