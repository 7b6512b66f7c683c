import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlan } from '../../src/engine/plan.js';
import { initialState, update, type EngineEvent, type EngineState } from '../../src/engine/machine.js';
import type { StepOutcome } from '../../src/engine/outcome.js';
import { startTalk, enterChapter, type TalkClock } from '../../src/engine/talk-clock.js';
import { parseLesson } from '../../src/lesson/parse.js';
import type { Lesson } from '../../src/lesson/model.js';
import { componentViews, type SessionLiveness } from '../../src/ui/presenter/component-views.js';
import { buildSnapshot, type SpeakerSnapshot } from '../../src/ui/speaker/speaker-snapshot.js';
import { FIXTURES } from '../helpers/snapshot.js';

/** The speaker fixture lesson: four chapters with budgets, a talk budget, chapter and step notes. */
export function talkLesson(): Lesson {
  const source = readFileSync(join(FIXTURES, 'speaker', 'talk.md'), 'utf8');
  const result = parseLesson(source, 'talk.md');
  if (!result.ok) throw new Error(`talk.md does not parse: ${JSON.stringify(result.diagnostics)}`);
  return result.lesson;
}

/** The engine's state for a lesson after some events (the machine alone, no effect performed). */
export function engineAfter(lesson: Lesson, events: EngineEvent[] = []): EngineState {
  let state = initialState(buildPlan(lesson, { workdir: '/work/lesson', asRoot: true }));
  for (const event of events) state = update(state, event).state;
  return state;
}

/** Events that run the step under the cursor, `step`, started at `at`, ending with `outcome`. */
export function runStep(step: number, outcome: StepOutcome, at = 1_000): EngineEvent[] {
  return [{ type: 'run-step' }, { type: 'step-started', step, at }, { type: 'step-finished', step, outcome }];
}

/** A talk started at 0 that entered the given chapters at the given times (epoch ms). */
export function clockThrough(entries: [string, number][]): TalkClock {
  const [first, ...rest] = entries;
  let clock = startTalk(first?.[0] ?? '', first?.[1] ?? 0);
  clock = { ...clock, startedAt: 0 };
  for (const [chapter, at] of rest) clock = enterChapter(clock, chapter, at);
  return clock;
}

/** The snapshot the presenter would publish. */
export function snapshotOf(
  lesson: Lesson,
  engine: EngineState,
  clock: TalkClock,
  options: { live?: Map<string, SessionLiveness>; finished?: number; now?: number } = {},
): SpeakerSnapshot {
  return buildSnapshot({
    lesson,
    engine,
    components: componentViews(lesson, engine, options.live ?? new Map()),
    clock,
    ...(options.finished === undefined ? {} : { finished: options.finished }),
    now: options.now ?? 0,
  });
}
