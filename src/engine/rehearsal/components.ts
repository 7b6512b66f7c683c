import type { RunRecord, StepRun } from './run-record.js';
import { defined, median } from './stats.js';

/**
 * The components' own start-up over the runs: for each component, the time from its process's start to
 * its readiness (the floor no lesson can go below) against the duration of the step that started it
 * (typing, the shell, the probes' polling on top).
 */
export interface ComponentStats {
  component: string;
  session: string;
  step: string;
  /** Per run, in run order (undefined: not started in that run, or its process was not recorded). */
  startups: (number | undefined)[];
  /** The starting step's duration per run, when it went well. */
  stepDurations: (number | undefined)[];
  medianStartupMs?: number;
  medianStepMs?: number;
  /** medianStepMs - medianStartupMs: what the engine adds to the component's own start-up. */
  overheadMs?: number;
}

/** Aggregate the components' start-up; `byRun` maps step names to their outcome in each run. */
export function aggregateComponents(runs: RunRecord[], byRun: Map<string, StepRun>[]): ComponentStats[] {
  const names = new Map<string, { session: string; step: string }>();
  for (const run of runs)
    for (const c of run.components)
      if (!names.has(c.component)) names.set(c.component, { session: c.session, step: c.step });
  return [...names].map(([component, { session, step }]) => {
    const startups = runs.map((run) => run.components.find((c) => c.component === component)?.startupMs);
    const stepDurations = byRun.map((m) => {
      const outcome = m.get(step)?.outcome;
      return outcome?.kind === 'ok' ? outcome.durationMs : undefined;
    });
    const medianStartupMs = median(defined(startups));
    const medianStepMs = median(defined(stepDurations));
    return {
      component,
      session,
      step,
      startups,
      stepDurations,
      ...(medianStartupMs === undefined ? {} : { medianStartupMs }),
      ...(medianStepMs === undefined ? {} : { medianStepMs }),
      ...(medianStartupMs !== undefined && medianStepMs !== undefined
        ? { overheadMs: medianStepMs - medianStartupMs }
        : {}),
    };
  });
}
