import { join, resolve } from 'node:path';
import { buildPlan } from '../../engine/plan.js';
import type { Plan } from '../../engine/plan-model.js';
import type { ChapterRef, PlannedStepRef } from '../../engine/rehearsal/run-record.js';
import type { Lesson } from '../../lesson/model.js';
import { parseSetFlags } from '../common.js';

/** The chapters (with their budgets) and the planned steps of chapters `from`..`to` (0-based). */
export function rangeOfPlan(
  lesson: Lesson,
  plan: Plan,
  from: number,
  to: number,
): { chapters: ChapterRef[]; steps: PlannedStepRef[] } {
  const chapters = lesson.chapters.slice(from, to + 1).map((c) => ({
    id: c.id,
    title: c.title,
    ...(c.budgetMs === undefined ? {} : { budgetMs: c.budgetMs }),
  }));
  const ids = new Set(chapters.map((c) => c.id));
  const steps = plan.steps
    .filter((s) => ids.has(s.chapterId))
    .map((s) => ({ index: s.index, chapter: s.chapterId, step: s.name }));
  return { chapters, steps };
}

/** The same, planning the lesson as `run` will (options checked here, before anything runs). */
export function plannedRange(
  lesson: Lesson,
  opts: {
    workdir: string;
    set?: string[] | undefined;
    binDir?: string | undefined;
    from: number;
    to: number;
  },
): { chapters: ChapterRef[]; steps: PlannedStepRef[] } {
  const plan = buildPlan(lesson, {
    workdir: opts.workdir,
    options: parseSetFlags(opts.set),
    ...(opts.binDir ? { binDir: resolve(opts.binDir) } : {}),
    asRoot: process.getuid?.() === 0,
  });
  return rangeOfPlan(lesson, plan, opts.from, opts.to);
}

/** A folder name for a report: `20260314-093005` (local time). */
export function reportStamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** Where a recording goes: `--record-dir DIR`, else `<workdir>/recordings/<date-time>`. */
export function recordingDir(workdir: string, recordDir: string | undefined): string {
  return resolve(recordDir ?? join(workdir, 'recordings', reportStamp(new Date())));
}
