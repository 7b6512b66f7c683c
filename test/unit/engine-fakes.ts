import type { Plan, PlannedStep } from '../../src/engine/plan-model.js';

/** A planned step with defaults, for hand-made plans. */
export function plannedStep(index: number, fields: Partial<PlannedStep> = {}): PlannedStep {
  return {
    index,
    chapterId: 'c1',
    chapterTitle: 'Chapter',
    name: `step-${index}`,
    session: 'shell',
    command: `echo ${index}`,
    ready: [],
    expect: {},
    check: false,
    timeoutMs: 10_000,
    sudo: false,
    interactive: false,
    background: false,
    ...fields,
  };
}

/**
 * A plan from chapter sizes and per-step overrides: `handPlan([2, 0, 3])` has three chapters (the second
 * without steps) and five steps.
 */
export function handPlan(sizes: number[], overrides: Record<number, Partial<PlannedStep>> = {}): Plan {
  const steps: PlannedStep[] = [];
  const chapters = sizes.map((size, c) => {
    const indices: number[] = [];
    for (let k = 0; k < size; k++) {
      const index = steps.length;
      steps.push(
        plannedStep(index, { chapterId: `c${c + 1}`, chapterTitle: `Chapter ${c + 1}`, ...overrides[index] }),
      );
      indices.push(index);
    }
    return { id: `c${c + 1}`, title: `Chapter ${c + 1}`, steps: indices };
  });
  return {
    lessonId: 'hand',
    lessonFile: 'hand.md',
    lang: 'en',
    workdir: '/tmp/hand',
    shellSession: 'shell',
    options: {},
    node: { ip: '127.0.0.1', name: 'node', source: 'loopback' },
    chapters,
    steps,
    excluded: [],
  };
}
