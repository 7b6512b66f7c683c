import { messageOf } from '../errors.js';
import {
  engineIdle,
  initialState,
  savedProgress,
  update,
  type EngineEffect,
  type EngineEvent,
  type EngineState,
  type RunResult,
  type SavedProgress,
} from './machine.js';
import type { StepOutcome } from './outcome.js';
import type { Plan } from './plan-model.js';
import type { EnginePorts } from './ports.js';
import { executeStep, StepInterruption } from './step-exec.js';

/**
 * Called after every transition with the new state, the event that caused it and the effects the
 * machine asked for (a client learns of a skipped step or of the end of a run from them).
 */
export type EngineListener = (
  state: EngineState,
  event: EngineEvent,
  effects: readonly EngineEffect[],
) => void;

/**
 * The engine as its clients see it (the headless runner, the presenter): read the state, send events,
 * be told about changes. The machine decides; this loop only performs effects through the ports.
 */
export interface Engine {
  getState(): EngineState;
  dispatch(event: EngineEvent): void;
  /** Follow every transition; returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void;
  /** Resolves when the current run ends (at once when none runs), with its result. */
  whenIdle(): Promise<RunResult | null>;
  /** Resolves when pending writes of state.json are done. */
  flush(): Promise<void>;
}

/** Make an engine for a plan; `saved` restores progress from state.json. */
export function createEngine(plan: Plan, ports: EnginePorts, saved?: SavedProgress): Engine {
  let state = initialState(plan, saved);
  const listeners = new Set<EngineListener>();
  const queue: EngineEvent[] = [];
  let draining = false;
  let persisting: Promise<void> = Promise.resolve();
  let idleWaiters: ((result: RunResult | null) => void)[] = [];
  /** The interruption handle of each step running now. */
  const interruptions = new Map<number, StepInterruption>();
  // A component recorded for `status` writes state.json too: a failure there is a failed write as well.
  const stepPorts: EnginePorts = {
    ...ports,
    ...(ports.componentReady
      ? {
          componentReady: (step, readyAt) =>
            ports.componentReady!(step, readyAt).catch((error: unknown) =>
              dispatch({ type: 'persist-failed', error: messageOf(error) }),
            ),
        }
      : {}),
  };

  const perform = (effect: EngineEffect): void => {
    switch (effect.type) {
      case 'run-step': {
        const step = plan.steps[effect.step];
        if (!step) return;
        dispatch({ type: 'step-started', step: effect.step, at: ports.now() });
        const interruption = new StepInterruption();
        interruptions.set(effect.step, interruption);
        void executeStep(step, { fast: effect.fast, interruption }, stepPorts)
          .catch((error: unknown): StepOutcome => ({
            kind: 'failed',
            durationMs: 0,
            expectation: 'run',
            reason: messageOf(error),
            logTail: [],
          }))
          .then((outcome) => {
            interruptions.delete(effect.step);
            dispatch({ type: 'step-finished', step: effect.step, outcome });
          });
        return;
      }
      case 'interrupt-step':
        interruptions.get(effect.step)?.interrupt(effect.interrupt);
        return;
      case 'reset':
        void ports.reset().then(
          () => dispatch({ type: 'reset-finished' }),
          (error: unknown) =>
            dispatch({
              type: 'reset-finished',
              error: messageOf(error),
            }),
        );
        return;
      case 'persist': {
        const progress = savedProgress(state);
        // Writes are chained so that state.json never goes back in time. A failed one stops the run and
        // says why: progress that is not kept would be lost without a word.
        persisting = persisting
          .then(() => ports.persist(progress))
          .catch((error: unknown) => dispatch({ type: 'persist-failed', error: messageOf(error) }));
        return;
      }
      case 'step-skipped':
      case 'run-ended':
        return;
    }
  };

  function dispatch(event: EngineEvent): void {
    queue.push(event);
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0) {
        const next = queue.shift()!;
        const transition = update(state, next);
        state = transition.state;
        for (const listener of listeners) listener(state, next, transition.effects);
        for (const effect of transition.effects) perform(effect);
      }
    } finally {
      draining = false;
    }
    if (engineIdle(state) && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve(state.lastRun);
    }
  }

  return {
    getState: () => state,
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenIdle() {
      if (engineIdle(state)) return Promise.resolve(state.lastRun);
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    flush: () => persisting,
  };
}
