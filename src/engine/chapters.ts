import type { Plan } from './plan-model.js';

/** Index of a chapter's first step; for a chapter without steps, the index of the next step after it. */
export function firstStepOf(plan: Plan, chapter: number): number {
  let count = 0;
  for (let c = 0; c < chapter; c++) count += plan.chapters[c]?.steps.length ?? 0;
  return count;
}

/** Index of a chapter's last step (firstStepOf - 1 when it has none). */
export function lastStepOf(plan: Plan, chapter: number): number {
  return firstStepOf(plan, chapter) + (plan.chapters[chapter]?.steps.length ?? 0) - 1;
}

/** The chapter a step index belongs to (past the end: the last chapter). */
export function chapterOf(plan: Plan, step: number): number {
  const found = plan.chapters.findIndex((c) => c.steps.includes(step));
  return found !== -1 ? found : Math.max(plan.chapters.length - 1, 0);
}
