import type { Plan } from '../plan-model.js';
import { own } from '../../lesson/own.js';

/** One chapter's learner progress. */
export interface ChapterProgress {
  /** Steps the learner did (their checks passed, or a key marked them). */
  done: string[];
  /** Steps whose solution was run for the learner. */
  skipped: string[];
  /** Time spent with this chapter on screen in learner mode, over every session. */
  msSpent: number;
  /** Epoch ms when its last step was done or skipped. */
  completedAt?: number;
}

/** A learner's progress in a lesson, kept across sessions (WORKDIR/learner.json). */
export interface LearnerProgress {
  version: 1;
  lessonId: string;
  chapters: Record<string, ChapterProgress>;
}

/** An empty record. */
export function emptyProgress(lessonId: string): LearnerProgress {
  return { version: 1, lessonId, chapters: {} };
}

function chapterOf(progress: LearnerProgress, id: string): ChapterProgress {
  return own(progress.chapters, id) ?? { done: [], skipped: [], msSpent: 0 };
}

/**
 * Record a step as done or skipped (a step done after it was skipped counts as done, and the other
 * way round); the chapter is complete when every one of its planned steps is one or the other. Pure.
 */
export function recordStep(
  progress: LearnerProgress,
  plan: Plan,
  stepIndex: number,
  how: 'done' | 'skipped',
  at: number,
): LearnerProgress {
  const step = plan.steps[stepIndex];
  if (!step) return progress;
  const old = chapterOf(progress, step.chapterId);
  const done = old.done.filter((n) => n !== step.name);
  const skipped = old.skipped.filter((n) => n !== step.name);
  (how === 'done' ? done : skipped).push(step.name);
  const next: ChapterProgress = { ...old, done, skipped };
  const chapter = plan.chapters.find((c) => c.id === step.chapterId);
  const names = (chapter?.steps ?? []).map((i) => plan.steps[i]?.name);
  if (names.every((n) => n !== undefined && (done.includes(n) || skipped.includes(n))))
    next.completedAt ??= at;
  return { ...progress, chapters: { ...progress.chapters, [step.chapterId]: next } };
}

/** Add time spent on a chapter. */
export function addTime(progress: LearnerProgress, chapterId: string, ms: number): LearnerProgress {
  if (!(ms > 0)) return progress;
  const old = chapterOf(progress, chapterId);
  return {
    ...progress,
    chapters: { ...progress.chapters, [chapterId]: { ...old, msSpent: old.msSpent + ms } },
  };
}

/** One line per chapter for `demystify status`: done or how far, steps skipped, time spent. */
export function progressLines(progress: LearnerProgress, plan: Plan): string[] {
  const lines: string[] = [];
  for (const chapter of plan.chapters) {
    const p = own(progress.chapters, chapter.id);
    const total = chapter.steps.length;
    const done = p ? p.done.length + p.skipped.length : 0;
    const state = p?.completedAt !== undefined ? 'done' : `${done}/${total} steps`;
    const skipped = p?.skipped.length ? `, skipped: ${p.skipped.join(', ')}` : '';
    lines.push(`${chapter.id}: ${state}${skipped}, ${formatMinutes(p?.msSpent ?? 0)}`);
  }
  return lines;
}

/** `0 min`, `12 min`, `1 h 05 min`. */
function formatMinutes(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Read a stored record leniently: anything unexpected gives an empty one (never throws). */
export function parseProgress(text: string, lessonId: string): LearnerProgress {
  try {
    const value = JSON.parse(text) as Partial<LearnerProgress>;
    if (
      value.version !== 1 ||
      value.lessonId !== lessonId ||
      typeof value.chapters !== 'object' ||
      !value.chapters
    )
      return emptyProgress(lessonId);
    const chapters: Record<string, ChapterProgress> = {};
    for (const [id, c] of Object.entries(value.chapters)) {
      chapters[id] = {
        done: Array.isArray(c.done) ? c.done.filter((s) => typeof s === 'string') : [],
        skipped: Array.isArray(c.skipped) ? c.skipped.filter((s) => typeof s === 'string') : [],
        msSpent: typeof c.msSpent === 'number' ? c.msSpent : 0,
        ...(typeof c.completedAt === 'number' ? { completedAt: c.completedAt } : {}),
      };
    }
    return { version: 1, lessonId, chapters };
  } catch {
    return emptyProgress(lessonId);
  }
}
